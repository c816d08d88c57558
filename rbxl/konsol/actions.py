"""The console's buttons: each one is the library call the CLI command of the same step makes
(rbxl/cli/__init__.py), run as a background job (rbxl.konsol.jobs). No step is computed here."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.atomic import TEMP_PREFIX
from rbxl.core.findings import ERROR, WARNING
from rbxl.core.paths import period_dir
from rbxl.konsol.jobs import Job
from rbxl.master.model import Roadmap

UPLOAD_PREFIX = TEMP_PREFIX + "unggah-"  # rbxl's own temporary folder: never a real name, cleaned at start


@dataclass
class Action:
    key: str
    label: str  # the button
    cli: str  # the CLI command that does the same
    confirm: str = ""  # asked before it runs (sending e-mail)


ACTIONS = [
    Action("template", "Buat template", "rbxl template --tahun T --periode P"),
    Action("kirim-uji", "Uji kirim template (daftar .eml, tidak mengirim)", "rbxl kirim --tahun T --periode P --dry-run"),
    Action("kirim", "Kirim template lewat e-mail", "rbxl kirim --tahun T --periode P",
           "Kirim e-mail template ke setiap unit yang punya alamat di master?"),
    Action("umpan-balik-uji", "Uji kirim umpan balik", "rbxl kirim --tahun T --periode P --umpan-balik --dry-run"),
    Action("umpan-balik", "Kirim umpan balik + berkas perbaikan", "rbxl kirim --tahun T --periode P --umpan-balik",
           "Kirim umpan balik dan berkas perbaikan ke unit yang harus memperbaiki?"),
    Action("pengingat-uji", "Uji kirim pengingat", "rbxl kirim --tahun T --periode P --pengingat --dry-run"),
    Action("pengingat", "Kirim pengingat", "rbxl kirim --tahun T --periode P --pengingat",
           "Kirim pengingat ke unit yang belum mengirim berkas?"),
    Action("tarik", "Ambil kiriman dari kotak surat lalu periksa", "rbxl tarik --tahun T --periode P --periksa"),
    Action("periksa", "Periksa ulang semua kiriman yang sudah diterima", "rbxl periksa <folder kosong> --tahun T --periode P"),
    Action("rekap", "Buat rekap (workbook monitoring, CSV, dasbor)", "rbxl rekap <folder kosong> --tahun T --periode P"),
    Action("laporan", "Tulis laporan untuk Bupati (Word, PDF bila ada LibreOffice)", "rbxl laporan --tahun T --periode P --pdf"),
    Action("pokja", "Tulis bahan rapat pleno per Pokja", "rbxl laporan --tahun T --periode P --per-pokja"),
    Action("dasbor", "Buat ulang dasbor", "rbxl dasbor --tahun T --periode P"),
]
BY_KEY = {a.key: a for a in ACTIONS}


@dataclass
class Uploaded:
    original: str  # the name the browser gave: shown, never used as a path
    stored: Path  # the generated name it was written under
    size: int
    refused: str = ""  # why it was not checked (too large)


@dataclass
class UploadResult:
    files: list[Uploaded]
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # (original, unit, verdict, detail)


def upload_folder(out: Path, tahun: int, periode: str) -> Path:
    folder = period_dir(out, tahun, periode) / f"{UPLOAD_PREFIX}{secrets.token_hex(6)}"
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def stored_name(i: int, original: str) -> str:
    """'03.xlsx': the position and a plain extension only; the original name decides nothing."""
    from rbxl.intake.archive import archive_name

    return archive_name(f"{i:03d}", original)


def clean_uploads(out: Path) -> list[Path]:
    """Upload folders a killed console left behind (their files are in the archive or were never checked)."""
    removed = []
    for folder in Path(out).glob(f"*/{UPLOAD_PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def validate_uploads(roadmap: Roadmap, out: Path, db: Path | None, upload: UploadResult, folder: Path) -> Callable[[Job], None]:
    """`rbxl periksa <the uploaded files>`: the same pipeline call, archive and outputs."""
    from rbxl.pipeline import run_validation

    def work(job: Job) -> None:
        try:
            paths: list[str | Path] = [u.stored for u in upload.files if not u.refused]
            checked = run_validation(paths, roadmap, job.tahun, job.periode, out, progress=job.step,
                                     on_total=job.set_total, db=db)
            job.result = checked
            upload.rows = verdicts_of(upload, checked.report)
            job.lines.append(_summary(checked.report))
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # each file is in the archive now, byte for byte

    return work


def verdicts_of(upload: UploadResult, report) -> list[tuple[str, str, str, str]]:
    """Each uploaded file's verdict, by its generated name (a zip or e-mail: each workbook inside)."""
    rows = []
    for u in upload.files:
        if u.refused:
            rows.append((u.original, "", "Tidak diterima", u.refused))
            continue
        prefix = str(u.stored)
        found = False
        for s in report.submissions:
            src = str(s.item.source)
            if src == prefix or src.startswith(prefix + "!"):
                inner = src[len(prefix):].lstrip("!/")
                errors = [f for f in s.findings if f.severity == ERROR]
                detail = (errors[0].message if errors else (s.findings[0].message if s.findings else ""))
                rows.append((u.original + (f" › {inner}" if inner else ""), s.unit, str(s.verdict), detail))
                found = True
        for f in report.findings:
            if str(f.file) == prefix or str(f.file).startswith(prefix + "!"):
                rows.append((u.original, f.unit, "Tidak diperiksa" if f.severity in (ERROR, WARNING) else "Dilewati", f.message))
                found = True
        if not found:
            rows.append((u.original, "", "Sudah diterima sebelumnya", "Berkas yang sama sudah ada di arsip periode ini."))
    return rows


def _summary(report) -> str:
    return (f"Unit diharapkan {len(report.expected)}, berkas terpakai {len(report.chosen)}, "
            f"belum mengumpulkan {len(report.missing)}.")


def run_action(key: str, roadmap: Roadmap, out: Path, db: Path | None) -> Callable[[Job], None]:
    """The job body of one button (ACTIONS), the same library call as its CLI command."""

    def work(job: Job) -> None:
        t, p = job.tahun, job.periode
        if key == "template":
            from rbxl.store import store_path
            from rbxl.template.generate import generate

            job.set_total(len(roadmap.reporting_units()))
            results = generate(roadmap, t, p, out, None, progress=lambda g: job.step(), db=store_path(db, out))
            job.lines.append(f"{len(results)} template dibuat di folder templates/ (beserta manifest.csv).")
        elif key in ("periksa", "rekap"):
            from rbxl.pipeline import run_consolidation, run_validation

            if key == "periksa":
                job.result = checked = run_validation([], roadmap, t, p, out, progress=job.step,
                                                      on_total=job.set_total, db=db)
                job.lines.append(_summary(checked.report))
            else:
                job.result = outputs = run_consolidation([], roadmap, t, p, out, progress=job.step,
                                                         on_total=job.set_total, db=db)
                job.lines.append(_summary(outputs.report))
                job.lines += [f"Perhatian: {note}" for note in outputs.notes]
        elif key in ("laporan", "pokja"):
            from rbxl.render.laporan import write_laporan

            made = write_laporan(roadmap, out, t, p, per_pokja=key == "pokja", pdf=key == "laporan", db=db)
            job.result = made
            job.lines += [f"Dokumen: {d.name}" for d in made.documents] + [f"PDF: {d.name}" for d in made.pdfs]
            job.lines += [f"Catatan: {n}" for n in made.notes] + [f"Tidak dapat menimpa: {n}" for n in made.locked]
            job.lines += [f"PDF gagal: {n}" for n in made.failed]
        elif key == "dasbor":
            from rbxl.render.dasbor import write_saved_dasbor

            write_saved_dasbor(roadmap, t, p, out, db)
            job.lines.append("Dasbor dibuat ulang.")
        elif key.startswith(("kirim", "umpan-balik", "pengingat")):
            _kirim(key, roadmap, out, db, job)
        elif key == "tarik":
            _tarik(roadmap, out, db, job)
        else:  # pragma: no cover - the route only starts known keys
            raise ValueError(key)

    return work


def _kirim(key: str, roadmap: Roadmap, out: Path, db: Path | None, job: Job) -> None:
    from rbxl.mail.kirim import PENGINGAT, TEMPLATE, UMPAN_BALIK, load_smtp_settings
    from rbxl.mail.kirim import kirim as run

    jenis = UMPAN_BALIK if key.startswith("umpan-balik") else PENGINGAT if key.startswith("pengingat") else TEMPLATE
    dry = key.endswith("-uji")
    smtp = load_smtp_settings(None)  # rbxl.toml in the working folder and RBXL_SMTP_*; the password from the env only
    job.set_total(len(roadmap.reporting_units()))
    result = run(roadmap, job.tahun, job.periode, out, None, smtp=smtp, dry_run=dry, password=None,
                 progress=lambda o: job.step(), jenis=jenis, db=db)
    job.result = result
    if dry:
        job.lines.append(f"Uji coba: {len(result.drafts)} pesan ditulis sebagai .eml; tidak ada yang dikirim.")
    else:
        job.lines.append(f"Terkirim: {len(result.sent)}, gagal: {len(result.failed)}, dilewati: {len(result.skipped)}, "
                         f"sudah terkirim sebelumnya: {len(result.already_sent)}.")
    job.lines += [f"Perhatian: {n}" for n in result.notes]
    if result.aborted:
        job.lines.append(f"Pengiriman dihentikan: {result.aborted}")


def _tarik(roadmap: Roadmap, out: Path, db: Path | None, job: Job) -> None:
    from rbxl.core.paths import inbox_dir
    from rbxl.mail.config import load_imap_settings
    from rbxl.mail.tarik import tarik as run
    from rbxl.pipeline import run_validation

    settings = load_imap_settings(None)
    result = run(settings, job.tahun, job.periode, out, password=None, on_total=job.set_total,
                 progress=lambda f: job.step())
    job.lines.append(f"Disimpan: {len(result.saved)} pesan baru; sudah ada dari sebelumnya: {result.already}; "
                     f"dilewati: {len(result.skipped)}.")
    folder = inbox_dir(out, job.tahun, job.periode)
    job.done, job.total = 0, None
    checked = run_validation([folder] if folder.is_dir() else [], roadmap, job.tahun, job.periode, out,
                             progress=job.step, on_total=job.set_total, db=db)
    job.result = checked
    job.lines.append(_summary(checked.report))
