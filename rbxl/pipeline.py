"""The one layer that writes: the validation and consolidation runs the CLI starts, and every file
they leave (archive, findings workbook, feedback notes, perbaikan files, monitoring, CSV, snapshot).

The core (validate, consolidate, monitoring) returns values; these functions decide what is
written where under <out>/<tahun>-<periode>/, as pyxform's convert() vs xls2xform_convert().
A consolidation also records the period in the riwayat store (rbxl.store) and gives the
monitoring workbook the year's trend (rbxl.riwayat.trend).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rbxl.checks.report import Report
from rbxl.checks.validate import validate
from rbxl.consolidation.build import consolidate
from rbxl.consolidation.tables import Tables
from rbxl.core.errors import OutputError
from rbxl.core.lock import period_lock
from rbxl.core.paths import csv_dir, monitoring_path, own_outputs
from rbxl.intake.archive import write_archive
from rbxl.master.model import Roadmap
from rbxl.render.dasbor import write_period_dasbor
from rbxl.render.monitoring import write_csv_tables, write_monitoring
from rbxl.render.perbaikan import Perbaikan, one_list, write_perbaikan
from rbxl.render.temuan import write_feedback
from rbxl.riwayat.snapshot import save_tables

if TYPE_CHECKING:
    from rbxl.checks.history import HistoryContext
    from rbxl.riwayat.trend import History
    from rbxl.store import Store


@dataclass
class Validated:
    """What a validation run produced: the report, and the units sent a marked-up file to fix."""

    report: Report
    perbaikan: list[Perbaikan] = field(default_factory=list)  # units that must fix their file


@dataclass
class Outputs:
    """What a consolidation run produced: the validation report, the tables and their files."""

    report: Report
    tables: Tables
    monitoring: Path
    csv_folder: Path
    notes: list[str] = field(default_factory=list)  # e.g. the old workbook was open: saved as '(baru)'
    perbaikan: list[Perbaikan] = field(default_factory=list)
    store: Path | None = None  # the riwayat store the period was recorded in
    trend: History | None = None  # the year's trend up to this period (rbxl.riwayat.trend)


def run_validation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                   workers: int | None = None, progress: Callable[[], None] | None = None,
                   on_total: Callable[[int], None] | None = None, history: HistoryContext | None = None) -> Validated:
    """Validate, then archive every received file, write the findings workbook, the feedback notes
    and the perbaikan files, holding the period's lock for all of it. `history`
    (rbxl.checks.history.HistoryContext) adds the checks against each unit's earlier periods."""
    out = Path(out)
    with period_lock(out, tahun, periode):
        report = validate(paths, roadmap, tahun, periode, exclude=own_outputs(out, tahun, periode),
                          workers=workers, progress=progress, on_total=on_total, history=history)
        report.archive = write_archive(report, out)
        perbaikan = write_perbaikan(report, roadmap, out)
        one_list(report, perbaikan)  # a rejected file's findings = its Perbaikan sheet, before anything shows them
        write_feedback(report, roadmap, out)
        return Validated(report, perbaikan)


def run_consolidation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                      workers: int | None = None, progress: Callable[[], None] | None = None,
                      on_total: Callable[[int], None] | None = None, db: str | Path | None = None,
                      use_store: bool = True) -> Outputs:
    """run_validation, then the tidy tables, the monitoring workbook and the CSV folder.

    With `use_store` (the default) the period is recorded in the riwayat store (`db`, $RBXL_DB,
    or <out>/rbxl.sqlite), each unit is checked against its earlier periods, and the monitoring
    workbook gets the Tren sheet."""
    out = Path(out)
    store = None
    if use_store:
        from rbxl.store import open_store, store_path

        store = open_store(store_path(db, out))  # a store we cannot use stops the run before any work
    try:
        with period_lock(out, tahun, periode):  # the whole run: a second run into this folder waits or stops
            return _run(paths, roadmap, tahun, periode, out, workers, progress, on_total, store)
    finally:
        if store:
            store.close()


def _run(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: Path, workers: int | None,
         progress: Callable[[], None] | None, on_total: Callable[[int], None] | None,
         store: Store | None) -> Outputs:
    ctx = None
    if store:
        from rbxl.checks.history import load_context

        ctx = load_context(store, tahun, periode)
    checked = run_validation(paths, roadmap, tahun, periode, out, workers=workers, progress=progress,
                             on_total=on_total, history=ctx)
    report = checked.report
    tables = consolidate(report, roadmap)
    trend = None
    if store:
        from rbxl.riwayat.record import period_record
        from rbxl.riwayat.trend import history

        store.replace_period(period_record(report, tables, roadmap))
        trend = history(store, roadmap, tahun, upto=periode)
    target = monitoring_path(out, tahun, periode)
    notes = []
    try:
        monitoring = write_monitoring(tables, roadmap, target, trend=trend)
    except OutputError as err:
        alt = target.with_name(f"{target.stem} (baru){target.suffix}")
        if not alt.exists():
            raise
        monitoring, notes = alt, [str(err)]  # the old workbook is open in Excel: keep going
    write_csv_tables(tables, csv_dir(out, tahun, periode))
    save_tables(tables, out)
    write_period_dasbor(tables, roadmap, out, trend)
    return Outputs(report, tables, monitoring, csv_dir(out, tahun, periode), notes, checked.perbaikan,
                   store.path if store else None, trend)
