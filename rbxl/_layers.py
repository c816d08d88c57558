"""The layers of rbxl, lowest first: a module may import from its own layer and the ones below, never above.

tests/test_layers.py reads every import (at module level and inside functions) and fails on one
that runs upward or closes a circle. The README's developer section draws the same table.
"""

from __future__ import annotations

LAYERS: tuple[tuple[str, str], ...] = (
    ("_version", "the version, defined once"),
    ("_layers", "this table"),
    ("core", "errors, vocabularies (enums), findings catalogue, values, text, xlsx helpers, files, workers"),
    ("store", "the riwayat store: every consolidated period in one SQLite file"),
    ("master", "the master workbook: schema, loader and checks, the Roadmap model"),
    ("form", "the FormSpec: what a unit's workbook holds for a year and period; sample answers"),
    ("template", "writing templates from a FormSpec, one per unit, prefilled from the store"),
    ("intake", "finding returned files, guarding against hostile ones, reading cells, the archive"),
    ("checks", "comparing a returned workbook with its FormSpec; validating a period; history checks"),
    ("consolidation", "one submission per unit -> tidy tables; the figures view of a period"),
    ("riwayat", "what a period leaves in the store, the trend view, snapshots, import and export"),
    ("render", "the monitoring workbook, findings and feedback, perbaikan files, dashboard, report"),
    ("verifikasi", "the verifier's workbook per instrument and period, and reading it back (nilai verifikasi)"),
    ("mail", "e-mail out (kirim) and in (tarik): settings, messages, send log, transports"),
    ("pipeline", "the one layer that writes a run's outputs, in order, under the period lock"),
    ("konsol", "the local web console (`rbxl konsol`): pages over the pipeline, as the CLI is a face of it"),
    ("cli", "the command line and its terminal rendering; the demo"),
    ("__init__", "the public API (names imported on first use) and `python -m rbxl`"),
)

LAYER_OF: dict[str, int] = {name: i for i, (name, _) in enumerate(LAYERS)}
LAYER_OF["__main__"] = LAYER_OF["__init__"]
