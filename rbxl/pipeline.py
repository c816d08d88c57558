"""The one layer that writes: the validation and consolidation runs the CLI starts, and every file
they leave (archive, findings workbook, feedback notes, perbaikan files, monitoring, CSV, snapshot).

The core (validate, consolidate, monitoring) returns values; these functions decide what is
written where under <out>/<tahun>-<periode>/, as pyxform's convert() vs xls2xform_convert().
A consolidation also records the period in the riwayat store (rbxl.store) and gives the
monitoring workbook the year's trend (rbxl.riwayat.trend).

A period is cumulative: every run re-reads what the period's archive received earlier
(rbxl.intake.archive.read_receipts) with the new inputs, so a run over a new folder adds to the period
and re-running the same input changes nothing. A run's outputs are written into a staging folder
and published together at its end (rbxl.core.stage). Before anything is written a run stops with a
usage error (exit 2) when an input path does not exist or when most files are for another period
(the operator's --tahun/--periode is probably wrong).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rbxl.checks.report import Report
from rbxl.checks.validate import period_slip, validate
from rbxl.core.errors import UsageError
from rbxl.core.lock import LOCK_NAME, period_lock
from rbxl.core.messages import message
from rbxl.core.paths import csv_dir, findings_path, monitoring_path, own_outputs, period_dir
from rbxl.core.signing import load_signing
from rbxl.core.stage import Stage
from rbxl.intake.archive import read_receipts, write_archive
from rbxl.master.model import Roadmap
from rbxl.render.perbaikan import Perbaikan, one_list, write_perbaikan
from rbxl.render.temuan import write_feedback
from rbxl.template.generate import templates_made

if TYPE_CHECKING:
    from rbxl.checks.history import HistoryContext
    from rbxl.consolidation.tables import Tables
    from rbxl.riwayat.trend import History
    from rbxl.store import Store


@dataclass
class Validated:
    """What a validation run produced: the report, and the units sent a marked-up file to fix."""

    report: Report
    perbaikan: list[Perbaikan] = field(default_factory=list)  # units that must fix their file
    notes: list[str] = field(default_factory=list)  # e.g. the findings workbook was open: saved as "(baru)"
    kept: list[str] = field(default_factory=list)  # someone's own files found in rbxl's folders, left there


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
    kept: list[str] = field(default_factory=list)  # someone's own files found in rbxl's folders, left there


def check_inputs(paths: list[str | Path]) -> None:
    """Every input path named by the operator exists: a typo is a usage error, before anything is
    written or removed (not a finding about a unit's file)."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(message("INPUT_MISSING", paths=", ".join(missing), cwd=Path.cwd()))


def _test_hook(point: str) -> None:
    """Tests only: RBXL_TEST_PAUSE=<point>:<file> makes the run touch <file> and wait there, so a
    test can send Ctrl+C (SIGINT) at a known point. Unset in normal use: does nothing."""
    spec = os.environ.get("RBXL_TEST_PAUSE", "")
    if spec.startswith(point + ":"):
        Path(spec.split(":", 1)[1]).touch()
        time.sleep(60)


def run_validation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                   workers: int | None = None, progress: Callable[[], None] | None = None,
                   on_total: Callable[[int], None] | None = None, history: HistoryContext | None = None,
                   db: str | Path | None = None) -> Validated:
    """Validate the new inputs with everything the period received earlier, then archive the new
    files and write the findings workbook, the feedback notes and the perbaikan files (published
    together), holding the period's lock for all of it. `history` (rbxl.checks.history.HistoryContext)
    adds the checks against each unit's earlier periods; without it they come from the riwayat store (`db`,
    $RBXL_DB or <out>/rbxl.sqlite) when it exists, so every path that validates gets the same checks."""
    out = Path(out)
    check_inputs(paths)
    if history is None:
        from rbxl.checks.history import context_from
        from rbxl.store import store_path

        history = context_from(store_path(db, out), tahun, periode)
    with _nothing_left_on_slip(out, tahun, periode), period_lock(out, tahun, periode, inputs=paths):
        checked, stage = _validated(paths, roadmap, tahun, periode, out, workers, progress, on_total, history)
        try:
            checked.notes = stage.publish()
            checked.kept = stage.kept
            checked.report.findings_file = stage.landed(findings_path(out, tahun, periode))
        finally:
            stage.discard()
        return checked


@contextlib.contextmanager
def _nothing_left_on_slip(out: Path, tahun: int, periode: str, db: Path | None = None) -> Iterator[None]:
    """A run stopped as a usage error (the operator's period looks wrong) leaves nothing it made:
    not the period folder with its lock file, not a new, empty riwayat store."""
    made = [p for p in (out, period_dir(out, tahun, periode)) if not p.exists()]
    new_store = db is not None and not db.exists()
    try:
        yield
    except UsageError:
        if new_store and db is not None:
            for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), db.with_name(db.name + "-journal")):
                with contextlib.suppress(OSError):
                    p.unlink()
        for folder in reversed(made):  # deepest first; only what holds nothing but rbxl's own lock
            with contextlib.suppress(OSError):
                for entry in folder.iterdir():
                    if entry.name == LOCK_NAME:
                        entry.unlink()
                folder.rmdir()
        raise


def _validated(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: Path,
               workers: int | None, progress: Callable[[], None] | None, on_total: Callable[[int], None] | None,
               history: HistoryContext | None) -> tuple[Validated, Stage]:
    """Validation and its outputs, written into a staging folder (the caller publishes it)."""
    report = validate(paths, roadmap, tahun, periode, exclude=own_outputs(out, tahun, periode), workers=workers,
                      progress=progress, on_total=on_total, history=history,
                      receipts=read_receipts(out, tahun, periode), template_made=templates_made(out, tahun, periode),
                      signing=load_signing(out))
    slip = period_slip(report)
    if slip:
        label, n, total = slip
        raise UsageError(message("PERIOD_SLIP", count=n, total=total, label=label, periode=periode, tahun=tahun))
    report.archive = write_archive(report, out)
    stage = Stage(out, tahun, periode)
    try:
        perbaikan = write_perbaikan(report, roadmap, stage.root, archive_out=out)
        one_list(report, perbaikan)  # a rejected file's findings = its Perbaikan sheet, before anything shows them
        write_feedback(report, roadmap, stage.root)
        for p in perbaikan:
            p.path = stage.final_path(p.path) if p.path else None
    except BaseException:
        stage.discard()
        raise
    return Validated(report, perbaikan), stage


def run_consolidation(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                      workers: int | None = None, progress: Callable[[], None] | None = None,
                      on_total: Callable[[int], None] | None = None, db: str | Path | None = None,
                      use_store: bool = True) -> Outputs:
    """run_validation, then the tidy tables, the monitoring workbook and the CSV folder, all
    published together at the end (rbxl.core.stage).

    With `use_store` (the default) the period is recorded in the riwayat store (`db`, $RBXL_DB,
    or <out>/rbxl.sqlite), each unit is checked against its earlier periods, and the monitoring
    workbook gets the Tren sheet."""
    out = Path(out)
    check_inputs(paths)
    from rbxl.store import open_store, store_path

    store = None
    with _nothing_left_on_slip(out, tahun, periode, store_path(db, out) if use_store else None):
        if use_store:
            store = open_store(store_path(db, out))  # a store we cannot use stops the run before any work
        try:
            # the whole run: a second run into this folder waits or stops
            with period_lock(out, tahun, periode, inputs=paths):
                return _run(paths, roadmap, tahun, periode, out, workers, progress, on_total, store)
        finally:
            if store:
                store.close()


def _run(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, out: Path, workers: int | None,
         progress: Callable[[], None] | None, on_total: Callable[[int], None] | None,
         store: Store | None) -> Outputs:
    # what only a consolidation needs is imported here: `rbxl periksa` starts without it
    from rbxl.consolidation.build import consolidate
    from rbxl.render.dasbor import write_period_dasbor
    from rbxl.render.monitoring import write_csv_tables, write_monitoring
    from rbxl.riwayat.snapshot import save_tables

    ctx = None
    if store:
        from rbxl.checks.history import load_context

        ctx = load_context(store, tahun, periode)

    checked, stage = _validated(paths, roadmap, tahun, periode, out, workers, progress, on_total, ctx)
    try:
        report = checked.report
        tables = consolidate(report, roadmap)
        trend = None
        if store:
            from rbxl.consolidation.instrumen import apply_verification
            from rbxl.riwayat.record import period_record
            from rbxl.riwayat.trend import history

            apply_verification(tables, roadmap, store.verifications(tahun, periode))  # the verifier's, kept
            store.replace_period(period_record(report, tables, roadmap))
            store.replace_scores(tahun, periode, tables.instrumen_nilai)
            trend = history(store, roadmap, tahun, upto=periode)
        staged = stage.root
        write_monitoring(tables, roadmap, monitoring_path(staged, tahun, periode), trend=trend)
        _test_hook("consolidate")
        write_csv_tables(tables, csv_dir(staged, tahun, periode))
        save_tables(tables, staged)
        write_period_dasbor(tables, roadmap, staged, trend)
        notes = stage.publish()
        report.findings_file = stage.landed(findings_path(out, tahun, periode))
    finally:
        stage.discard()
    monitoring = stage.landed(monitoring_path(out, tahun, periode))
    return Outputs(report, tables, monitoring, csv_dir(out, tahun, periode), notes, checked.perbaikan,
                   store.path if store else None, trend, kept=stage.kept)


# --- verification (issue 21): the verifier's workbook of an instrument, and reading it back -------------

@dataclass
class VerifikasiRead:
    """What reading a verifier's workbook did: its answers, findings, and the outputs rewritten."""

    verification: object  # rbxl.verifikasi.workbook.Verification
    monitoring: Path | None
    store: Path


def run_verifikasi_buat(roadmap: Roadmap, tahun: int, periode: str, instrumen: str, out: str | Path,
                        db: str | Path | None = None) -> Path:
    """Write <periode>/verifikasi/verifikasi-<instrumen>-<tahun>-<periode>.xlsx from the period's rekap;
    verified answers start from what the store already holds for it, else the units' own."""
    from rbxl.core.paths import verifikasi_dir
    from rbxl.riwayat.snapshot import load_tables
    from rbxl.store import open_store, store_path
    from rbxl.verifikasi.workbook import file_name, instrument, write_verifier_workbook

    instrument(roadmap, instrumen)
    out = Path(out)
    tables = load_tables(out, tahun, periode)
    earlier = {}
    path = store_path(db, out)
    if path.is_file():
        with open_store(path, create=False) as store:
            earlier = store.verifications(tahun, periode)
    with period_lock(out, tahun, periode):
        return write_verifier_workbook(roadmap, tables, instrumen,
                                       verifikasi_dir(out, tahun, periode) / file_name(instrumen, tahun, periode),
                                       earlier)


def run_verifikasi_baca(file: str | Path, roadmap: Roadmap, tahun: int, periode: str, instrumen: str,
                        out: str | Path, db: str | Path | None = None) -> VerifikasiRead:
    """Read a verifier's workbook: its answers go into the store beside the units' own, and the
    period's monitoring workbook, CSV, rekap and dasbor are rewritten with nilai verifikasi. A workbook with
    errors (a verified answer outside its scale...) changes nothing: its findings are returned."""
    from rbxl.consolidation.instrumen import apply_verification
    from rbxl.core.findings import has_errors
    from rbxl.render.dasbor import write_period_dasbor
    from rbxl.render.monitoring import write_csv_tables, write_monitoring
    from rbxl.riwayat.snapshot import load_tables, save_tables
    from rbxl.riwayat.trend import history
    from rbxl.store import open_store, store_path
    from rbxl.verifikasi.workbook import identify, read_verifier_workbook

    out = Path(out)
    identify(Path(file), instrumen, tahun, periode)  # another instrument or period: refused first
    tables = load_tables(out, tahun, periode)
    read = read_verifier_workbook(Path(file), roadmap, tables, instrumen)
    spath = store_path(db, out)
    if has_errors(read.findings):
        return VerifikasiRead(read, None, spath)
    with period_lock(out, tahun, periode), open_store(spath) as store:
        store.replace_verification(tahun, periode, instrumen, read.rows, read.verifikator, Path(file).name)
        apply_verification(tables, roadmap, store.verifications(tahun, periode))
        store.replace_scores(tahun, periode, tables.instrumen_nilai)
        trend = history(store, roadmap, tahun, upto=periode) if store.period(tahun, periode) else None
        stage = Stage(out, tahun, periode)
        try:
            write_monitoring(tables, roadmap, monitoring_path(stage.root, tahun, periode), trend=trend)
            write_csv_tables(tables, csv_dir(stage.root, tahun, periode))
            save_tables(tables, stage.root)
            write_period_dasbor(tables, roadmap, stage.root, trend)
            stage.publish()
        finally:
            stage.discard()
    return VerifikasiRead(read, monitoring_path(out, tahun, periode), spath)
