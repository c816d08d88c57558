"""The consolidation run: validate the returned files, consolidate, record the period in the
riwayat store, and write every output (the monitoring workbook carries the year's trend)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .consolidate import Tables, consolidate
from .errors import OutputError
from .master.model import Roadmap
from .paths import csv_dir, monitoring_path
from .report import write_csv_tables, write_monitoring
from .snapshot import save_tables
from .validate import Report, validate

if TYPE_CHECKING:
    from .trend import History


@dataclass
class Outputs:
    report: Report
    tables: Tables
    monitoring: Path
    csv_folder: Path
    notes: list[str] = field(default_factory=list)  # e.g. the old workbook was open: saved as '(baru)'
    store: Path | None = None  # the riwayat store the period was recorded in
    trend: History | None = None  # the year's trend up to this period (rbxl.trend)


def run_consolidation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                      workers: int | None = None, progress: Callable[[], None] | None = None,
                      on_total: Callable[[int], None] | None = None, db: str | Path | None = None,
                      use_store: bool = True) -> Outputs:
    """Validate, consolidate and write the period's outputs. With `use_store` (the default) the
    period is recorded in the riwayat store (`db`, $RBXL_DB, or <out>/rbxl.sqlite), checked
    against the units' earlier periods, and the monitoring workbook gets the Tren sheet."""
    out = Path(out)
    store = None
    if use_store:
        from .history import load_context
        from .store import open_store, store_path

        store = open_store(store_path(db, out))  # a store we cannot use stops the run before any work
    try:
        ctx = load_context(store, tahun, periode) if store else None
        report = validate(paths, roadmap, tahun, periode, out, workers=workers, progress=progress,
                          on_total=on_total, history=ctx)
        tables = consolidate(report, roadmap)
        trend = None
        if store:
            from .history import period_record
            from .trend import history

            store.replace_period(period_record(report, tables, roadmap))
            trend = history(store, roadmap, tahun, upto=periode)
    finally:
        if store:
            store.close()
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
    return Outputs(report, tables, monitoring, csv_dir(out, tahun, periode), notes,
                   store.path if store else None, trend)
