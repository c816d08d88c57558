"""The runs the CLI starts: validate (with the perbaikan files), and consolidate with every output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .consolidate import Tables, consolidate
from .errors import OutputError
from .lock import period_lock
from .master.model import Roadmap
from .paths import csv_dir, monitoring_path
from .perbaikan import Perbaikan, write_perbaikan
from .report import write_csv_tables, write_monitoring
from .snapshot import save_tables
from .validate import Report, validate


@dataclass
class Validated:
    report: Report
    perbaikan: list[Perbaikan] = field(default_factory=list)  # units that must fix their file


@dataclass
class Outputs:
    report: Report
    tables: Tables
    monitoring: Path
    csv_folder: Path
    notes: list[str] = field(default_factory=list)  # e.g. the old workbook was open: saved as '(baru)'
    perbaikan: list[Perbaikan] = field(default_factory=list)


def run_validation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                   workers: int | None = None, progress: Callable[[], None] | None = None,
                   on_total: Callable[[int], None] | None = None) -> Validated:
    """Check the returned files (archive, findings, feedback notes) and write the perbaikan files."""
    with period_lock(out, tahun, periode):  # archive, findings, notes and perbaikan files of one run
        report = validate(paths, roadmap, tahun, periode, out, workers=workers, progress=progress,
                          on_total=on_total)
        return Validated(report, write_perbaikan(report, roadmap, out))


def run_consolidation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                      workers: int | None = None, progress: Callable[[], None] | None = None,
                      on_total: Callable[[int], None] | None = None) -> Outputs:
    out = Path(out)
    with period_lock(out, tahun, periode):  # the whole run: a second run into this folder waits or stops
        return _run(paths, roadmap, tahun, periode, out, workers, progress, on_total)


def _run(paths, roadmap, tahun, periode, out: Path, workers, progress, on_total) -> Outputs:
    checked = run_validation(paths, roadmap, tahun, periode, out, workers=workers, progress=progress,
                             on_total=on_total)
    report = checked.report
    tables = consolidate(report, roadmap)
    target = monitoring_path(out, tahun, periode)
    notes = []
    try:
        monitoring = write_monitoring(tables, roadmap, target)
    except OutputError as err:
        alt = target.with_name(f"{target.stem} (baru){target.suffix}")
        if not alt.exists():
            raise
        monitoring, notes = alt, [str(err)]  # the old workbook is open in Excel: keep going
    write_csv_tables(tables, csv_dir(out, tahun, periode))
    save_tables(tables, out)
    return Outputs(report, tables, monitoring, csv_dir(out, tahun, periode), notes, checked.perbaikan)
