"""Where rbxl writes a period's outputs: one place, so no folder name is typed twice.

    <out>/<tahun>-<periode>/templates/   manifest.csv and one workbook per unit
                            email/       kirim's .eml drafts and send log
                            arsip/       every received file under its SHA-256, and log.csv
                            umpan-balik/ one feedback note per unit
                            perbaikan/   a marked-up workbook per unit that must fix something
                            masuk/       returns fetched from the mailbox by `tarik` (.eml)
                            csv/         tidy tables
                            contoh-kiriman/  (rbxl demo only) the sample units' returned files
                            temuan-<tahun>-<periode>.xlsx, monitoring-<tahun>-<periode>.xlsx
                            rekap-<tahun>-<periode>.json (consolidated tables, rbxl.riwayat.snapshot)
                            dasbor-<tahun>-<periode>.html (the dashboard page, rbxl.render.dasbor)
                            laporan-monev-<tahun>-<periode>.docx (and .pdf), pokja/ (rbxl.render.laporan)
    <out>/rbxl.sqlite                       the riwayat store of every period (rbxl.store), unless --db
    <out>/.rbxl-kunci                       the key templates are signed with (rbxl.core.signing); back it up
"""

from __future__ import annotations

from pathlib import Path


def period_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return Path(out) / f"{tahun}-{periode}"


def templates_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "templates"


def email_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "email"


ARCHIVE_LOG = "log.csv"  # in arsip/: one line per file received (rbxl.intake.archive)
PERBAIKAN_LIST = "daftar.csv"  # in perbaikan/: the units that must fix something (rbxl.render.perbaikan)


def archive_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "arsip"


def archive_log(out: str | Path, tahun: int, periode: str) -> Path:
    return archive_dir(out, tahun, periode) / ARCHIVE_LOG


def feedback_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "umpan-balik"


def perbaikan_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "perbaikan"


def inbox_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "masuk"


def csv_dir(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / "csv"


def findings_path(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / f"temuan-{tahun}-{periode}.xlsx"


def monitoring_path(out: str | Path, tahun: int, periode: str) -> Path:
    return period_dir(out, tahun, periode) / f"monitoring-{tahun}-{periode}.xlsx"


def demo_inbox_dir(out: str | Path, tahun: int, periode: str) -> Path:
    """Where `rbxl demo` puts the files its sample units "send" (an input folder, not an output)."""
    return period_dir(out, tahun, periode) / "contoh-kiriman"


def snapshot_path(out: str | Path, tahun: int, periode: str) -> Path:
    """The consolidated tables of the period (rbxl.riwayat.snapshot), read by laporan and dasbor."""
    return period_dir(out, tahun, periode) / f"rekap-{tahun}-{periode}.json"


def dasbor_path(out: str | Path, tahun: int, periode: str) -> Path:
    """The period's self-contained dashboard page (rbxl.render.dasbor)."""
    return period_dir(out, tahun, periode) / f"dasbor-{tahun}-{periode}.html"


def laporan_path(out: str | Path, tahun: int, periode: str) -> Path:
    """The monitoring report to the Bupati (rbxl.render.laporan); its PDF sits beside it."""
    return period_dir(out, tahun, periode) / f"laporan-monev-{tahun}-{periode}.docx"


def pokja_dir(out: str | Path, tahun: int, periode: str) -> Path:
    """One packet per Pokja area for the rapat pleno (rbxl laporan --per-pokja)."""
    return period_dir(out, tahun, periode) / "pokja"


def stage_dir(out: str | Path, tahun: int, periode: str) -> Path:
    """Where one run writes its outputs before publishing them together (rbxl.core.stage); the name
    starts with atomic.TEMP_PREFIX, so it is rbxl's own temporary folder."""
    return period_dir(out, tahun, periode) / ".~rbxl-baru"


def key_file(out: str | Path) -> Path:
    """The office's signing key (rbxl.core.signing), beside the period folders, never in a template."""
    return Path(out) / ".rbxl-kunci"


def verifikasi_dir(out: str | Path, tahun: int, periode: str) -> Path:
    """The verifier's workbooks of a period, one per instrument (rbxl.verifikasi)."""
    return period_dir(out, tahun, periode) / "verifikasi"


def store_file(out: str | Path) -> Path:
    """The default riwayat store, beside the period folders."""
    return Path(out) / "rbxl.sqlite"


def own_outputs(out: str | Path, tahun: int, periode: str) -> list[Path]:
    """Everything rbxl writes for a period: never read back as a returned file."""
    store = store_file(out)
    return [f(out, tahun, periode) for f in (templates_dir, email_dir, archive_dir, feedback_dir, perbaikan_dir,
                                             csv_dir, findings_path, monitoring_path, snapshot_path, laporan_path,
                                             pokja_dir, dasbor_path, stage_dir, verifikasi_dir)] + [
        store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm"), key_file(out)]


def output_folders(out: str | Path, tahun: int, periode: str) -> list[Path]:
    """The folders rbxl writes files into (atomically, through '.~rbxl-' temporary files) for a period:
    the only places a killed run's temporary files are looked for (rbxl.core.atomic.remove_stale)."""
    return [period_dir(out, tahun, periode)] + [f(out, tahun, periode) for f in (
        templates_dir, email_dir, archive_dir, feedback_dir, perbaikan_dir, inbox_dir, csv_dir, pokja_dir)]
