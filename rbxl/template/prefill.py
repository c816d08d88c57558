"""Prefilled templates: a unit's inputs start from its latest accepted values of the same year.

Prefilled cells stay input cells, get their own fill (blue, italic) and the sheet note and
Petunjuk name the period they came from; the period is written into the hidden identity
(`isian_lalu`) so validation can tell a value the unit left exactly as prefilled. A new year
starts blank (its actions are other rows), and Petunjuk lists last year's closing indicator
realisations as a reference (on the locked guide sheet, so the data sheets' layout - which
the checker reads back - stays the one the master defines).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rbxl.core.values import format_number
from rbxl.form.spec import SHEET_IDENTITAS, SHEET_INDIKATOR, Answers, FormSpec, periode_label
from rbxl.store import Previous, open_store

NOTE = ("Isian berwarna biru terisi otomatis dari laporan {label} yang sudah diterima "
        "(Terakhir dilaporkan: {label}); perbarui sesuai keadaan akhir periode ini.")


@dataclasses.dataclass
class Prefill:
    """Per unit: its latest earlier values this year, and its last accepted year-end indicators."""

    previous: dict[str, Previous] = dataclasses.field(default_factory=dict)
    last_year: dict[str, Previous] = dataclasses.field(default_factory=dict)


def load_prefill(db: Path, tahun: int, periode: str, units: list[str]) -> Prefill:
    """Read what the templates of (tahun, periode) start from; nothing when there is no store yet."""
    if not db.is_file():
        return Prefill()
    with open_store(db, create=False) as store:
        return Prefill(store.latest_values(tahun, periode, units),
                       store.latest_values(tahun - 1, "TAHUNAN", units, inclusive=True))


def apply(spec: FormSpec, prev: Previous | None, last_year: Previous | None) -> tuple[FormSpec, Answers, set]:
    """The spec to write (marked), the prefilled answers, and which keys were prefilled."""
    answers: Answers = {}
    if prev is not None:
        for sheet in spec.sheets:
            if sheet.name == SHEET_IDENTITAS:
                continue  # who fills the form is asked afresh each period
            for row in sheet.rows:
                for f in sheet.fields:
                    key = (sheet.name, row.key, f.key)
                    if row.is_input(f) and not f.formula and prev.values.get(key) not in (None, ""):
                        answers[key] = prev.values[key]
    guide = list(spec.guide)
    sheets = spec.sheets
    label = periode_label(prev.tahun, prev.periode) if prev is not None else ""
    if answers:
        note = NOTE.format(label=label)
        touched = {k[0] for k in answers}
        sheets = [dataclasses.replace(s, note=f"{s.note} {note}".strip()) if s.name in touched else s
                  for s in spec.sheets]
        guide[1:1] = [f"ISIAN TERAKHIR DILAPORKAN: {label.upper()}",
                      f"Sel berwarna biru sudah terisi dengan laporan {label} yang diterima. Periksa dan perbarui "
                      f"setiap isian sesuai keadaan sampai akhir {periode_label(spec.tahun, spec.periode)}; "
                      "isian yang dibiarkan sama persis akan dicatat 'belum diperbarui'.", ""]
    if last_year is not None:
        refs = []
        if SHEET_INDIKATOR in {s.name for s in spec.sheets}:
            for row in spec.sheet(SHEET_INDIKATOR).rows:
                v = last_year.values.get((SHEET_INDIKATOR, row.key, "realisasi")) if last_year else None
                if v not in (None, ""):
                    shown = format_number(v) if isinstance(v, float) else str(v)
                    refs.append(f"- {row.key} {row.values.get('indikator', '')}: {shown}")
        if refs:
            guide += ["", f"REALISASI INDIKATOR AKHIR {last_year.tahun} (RUJUKAN, "
                      f"{periode_label(last_year.tahun, last_year.periode)})", *refs]
    marked = dataclasses.replace(spec, sheets=sheets, guide=guide, prefill=prev.periode if prev is not None and answers else "")
    return marked, answers, set(answers)
