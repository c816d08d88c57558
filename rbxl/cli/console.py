"""Rich rendering for the CLI: summaries, findings tables, progress bars (all Indonesian)."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from rbxl.core import messages
from rbxl.core.findings import ERROR, SEVERITY_ID, WARNING, Finding, count
from rbxl.core.paths import dasbor_path
from rbxl.core.text import clean_text
from rbxl.master.schema import RIWAYAT_YEARS

# Piped output (logs, CI) gets a wide fixed width so tables stay readable.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def safe(value: object) -> str:
    """Unit text for the terminal: no control or bidi characters, no rich markup."""
    from rich.markup import escape

    return escape(clean_text(value))


def error(message: str) -> None:
    err_console.print(f"[bold red]{messages.message('CLI_FAILED')}[/] {safe(message)}")


@contextlib.contextmanager
def progress_bar(label: str, total: int | None) -> Iterator:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as p:
        task = p.add_task(label, total=total)
        yield _Advance(p, task)


class _Advance:
    """Callable progress handle: advance() steps; .total(n) sets the total once it is known."""

    def __init__(self, progress, task):
        self.progress, self.task = progress, task

    def __call__(self, n: int = 1) -> None:
        self.progress.advance(self.task, n)

    def step(self) -> None:
        self.progress.advance(self.task, 1)

    def total(self, n: int) -> None:
        self.progress.update(self.task, total=n)


def findings_table(findings: list[Finding], title: str = "Temuan", limit: int = 200) -> Table:
    t = Table(title=title, show_lines=False)
    shown = findings[:limit]
    cols = [("Tingkat", "severity"), ("Kode", "code"), ("Berkas", "file"), ("Unit", "unit"),
            ("Sheet", "sheet"), ("Sel", "cell"), ("Pesan", "message")]
    cols = [(h, k) for h, k in cols if k in ("severity", "code", "message") or any(getattr(f, k) for f in shown)]
    for h, k in cols:
        t.add_column(h, overflow="fold", no_wrap=k in ("code", "cell", "severity"), ratio=4 if k == "message" else None)
    for f in shown:
        style = "red" if f.severity == ERROR else ("yellow" if f.severity == WARNING else "dim")
        t.add_row(*[SEVERITY_ID.get(f.severity, f.severity) if k == "severity" else safe(getattr(f, k)) for _, k in cols],
                  style=style)
    if len(findings) > limit:
        t.caption = f"... {len(findings) - limit} temuan lain ada di berkas temuan"
    return t


def show_master_summary(roadmap, findings: list[Finding], path: Path) -> None:
    console.print(f"[bold]Master:[/] {path}")
    if roadmap is not None:
        kinds = Counter(u.jenis for u in roadmap.units.values())
        t = Table(title="Isi master")
        t.add_column("Bagian")
        t.add_column("Jumlah", justify="right")
        for label, n in [("Area perubahan", len(roadmap.areas)), ("Indikator", len(roadmap.indikator)),
                         ("Kegiatan prioritas", len(roadmap.kegiatan)),
                         ("Rencana aksi", len(roadmap.rencana_aksi)),
                         ("Pokja (area)", len(roadmap.pokja)), ("Grup", len(roadmap.grup)),
                         (f"Riwayat {RIWAYAT_YEARS[0]}-{RIWAYAT_YEARS[-1]}", len(roadmap.riwayat))]:
            t.add_row(label, str(n))
        for kind, n in kinds.items():
            t.add_row(f"Unit: {kind}", str(n))
        t.add_row("Unit pelayanan publik", str(sum(u.unit_pelayanan for u in roadmap.units.values())))
        for ins in getattr(roadmap, "instrumen", {}).values():  # issue 21
            t.add_row(f"Instrumen {ins.kode}: pertanyaan (pengisi, periode)",
                      f"{len(ins.pertanyaan)} ({len(roadmap.resolve(ins.pengisi))} unit, {', '.join(ins.periode) or '-'})")
        console.print(t)
        console.print(f"Tahun road map: {roadmap.years[0]}-{roadmap.years[-1]}; sidik master: {roadmap.fingerprint}")
    if findings:
        console.print(findings_table(findings, "Temuan pada master"))
    n_err, n_warn = count(findings, ERROR), count(findings, WARNING)
    verdict = "[bold green]Master dapat dipakai.[/]" if roadmap is not None and not n_err else \
        f"[bold red]{messages.message('CLI_MASTER_UNUSABLE')}[/]"
    console.print(f"{verdict} Kesalahan: {n_err}, peringatan: {n_warn}.")
    mail = sorted({f.code for f in findings if f.code in ("MASTER_NO_EMAIL", "MASTER_NO_SENDER", "MASTER_NO_CONTACT")})
    if roadmap is not None and mail:
        console.print(f"[bold yellow]Pengiriman e-mail belum siap[/] ({', '.join(mail)}): lihat peringatan di atas "
                      "sebelum 'rbxl kirim'.")


def show_generated(results, out: Path, tahun: int, periode: str) -> None:
    t = Table(title=f"Template {tahun} {periode}")
    for col in ("Unit", "Nama", "RA Utama", "RA Pendukung", "Indikator", "Kegiatan", "E-mail"):
        t.add_column(col, overflow="fold")
    for g in results:
        t.add_row(g.unit, g.nama, str(g.rows.get("Rencana Aksi Utama", 0)),
                  str(g.rows.get("Rencana Aksi Pendukung", 0)), str(g.rows.get("Indikator", 0)),
                  str(g.rows.get("Kegiatan Prioritas", 0)), g.email or "[yellow](kosong)[/]")
    console.print(t)
    folder = results[0].file.parent if results else out
    console.print(f"[bold green]{len(results)} template dibuat[/] di {folder} (beserta manifest.csv).")


def show_validation(report, roadmap) -> None:
    from rbxl.core.enums import Verdict

    t = Table(title=f"Berkas {report.periode} {report.tahun}")
    for col in ("Berkas", "Unit", "Putusan", "Kesalahan", "Peringatan"):
        t.add_column(col, overflow="fold")
    for s in report.submissions:
        style = "red" if s.verdict == Verdict.REJECTED else ("yellow" if s.verdict == Verdict.NEEDS_FIX else None)
        t.add_row(safe(s.item.source), safe(s.unit), s.verdict, str(count(s.findings, ERROR)), str(count(s.findings, WARNING)),
                  style=style)
    console.print(t)
    shown = [f for f in report.all_findings() if f.severity in (ERROR, WARNING)]
    if shown:
        console.print(findings_table(shown, "Temuan (kesalahan dan peringatan)", limit=60))
    skipped = [f for f in report.findings if f.severity not in (ERROR, WARNING)]
    if skipped:
        console.print(f"[dim]{len(skipped)} berkas dilewati (bukan lembar kerja, berkas kunci, dll.)[/]")
    missing = report.missing
    console.print(f"Unit: diharapkan {len(report.expected)}, berkas terpakai {len(report.chosen)}, "
                  f"belum mengumpulkan {len(missing)}.")
    if missing:
        names = ", ".join(f"{u} <{roadmap.units[u].email or 'tanpa e-mail'}>" for u in missing[:12])
        console.print(f"[yellow]Belum mengumpulkan:[/] {names}{' ...' if len(missing) > 12 else ''}")
    if report.findings_file:
        console.print(f"Temuan lengkap: {report.findings_file}; umpan balik per unit: "
                      f"{report.findings_file.parent / 'umpan-balik'}; arsip: {report.archive}")
    for s in report.impostors:
        console.print(f"[bold red]Perhatian:[/] {safe(s.item.name)} mengaku dari {safe(s.unit) or '?'} tetapi dikirim "
                      f"dari alamat unit lain; periksa dengan unit itu sebelum isinya dipercaya ({s.verdict}).")
    verdict = "[bold green]Semua berkas diterima.[/]" if report.ok else \
        f"[bold red]{messages.message('CLI_FILES_REJECTED')}[/]"
    console.print(verdict)


def show_perbaikan(done) -> None:
    files = [p.path for p in done if p.path]
    if files:
        console.print(f"[bold]Berkas perbaikan[/] untuk {len(files)} unit di {files[0].parent} (kirim dengan "
                      "rbxl kirim --umpan-balik).")
    text_only = [p.unit for p in done if not p.path]
    if text_only:
        console.print(f"[dim]{len(text_only)} unit tidak mendapat berkas perbaikan (berkasnya tidak terbaca, "
                      f"bukan template periode ini, atau isinya sudah dipakai); mereka mendapat umpan balik teks: "
                      f"{', '.join(text_only)}[/]")


def show_consolidation(outputs, roadmap) -> None:
    show_validation(outputs.report, roadmap)
    show_perbaikan(outputs.perbaikan)
    from rbxl.consolidation.build import counted_findings

    t = outputs.tables
    counted = counted_findings(outputs.report)  # the kept file's findings, not superseded ones
    n_err, n_warn = count(counted, ERROR), count(counted, WARNING)
    table = Table(title=f"Rekap {outputs.report.periode} {outputs.report.tahun}")
    table.add_column("Uraian")
    table.add_column("Jumlah", justify="right")
    for label, n in [("Unit diharapkan", len(t.unit)),
                     ("Unit mengumpulkan", sum(bool(u["dikumpulkan"]) for u in t.unit)),
                     ("Unit yang datanya dipakai", sum(bool(u["data_dipakai"]) for u in t.unit)),
                     ("Baris rencana aksi (semua unit)", len(t.rencana_aksi)),
                     ("Temuan: kesalahan", n_err), ("Temuan: peringatan", n_warn)]:
        table.add_row(label, str(n))
    console.print(table)
    show_notes(outputs.notes, outputs.kept)
    console.print(f"[bold]Workbook monitoring:[/] {outputs.monitoring}")
    if getattr(outputs, "store", None):
        n = len(outputs.trend.periods) if outputs.trend else 0
        console.print(f"[bold]Riwayat:[/] {outputs.store} (periode ini tercatat; {n} periode tahun ini di sheet Tren)")
    console.print(f"[bold]Tabel CSV:[/] {outputs.csv_folder}")
    console.print(f"[bold]Dasbor (HTML):[/] {dasbor_path(outputs.csv_folder.parent.parent, t.tahun, t.periode)}")


def show_demo(result, roadmap) -> None:
    console.print("[bold]Demo rbxl[/] (data contoh bertanda [CONTOH])")
    for line in result.story:
        console.print(f"  - {line}")
    show_consolidation(result.outputs, roadmap)
    folder = result.outputs.monitoring.parent
    console.print("\n[bold]Lihat:[/]")
    console.print(f"  1. {result.outputs.monitoring}  (Ringkasan, grafik, Indikator, Rencana Aksi, Matriks, Tren)")
    console.print(f"  2. {result.outputs.report.findings_file}  (apa yang harus diperbaiki tiap unit)")
    console.print(f"  3. {folder / 'templates'}  (template yang dikirim ke unit)")
    console.print(f"  4. {result.inbox}  (contoh berkas kembali: xlsx, zip, eml)")
    console.print(f"  5. {dasbor_path(folder.parent, result.outputs.tables.tahun, result.outputs.tables.periode)}"
                  "  (dasbor untuk pimpinan: buka di browser, juga di ponsel)")
    if getattr(result.outputs, "store", None):
        console.print(f"  6. {result.outputs.store}  (riwayat semua periode; lihat dengan 'rbxl riwayat')")


def show_periods(periods, path: Path) -> None:
    """The periods in the riwayat store, with their counts."""
    t = Table(title=f"Riwayat: {path}")
    for col in ("Tahun", "Periode", "Direkap", "Sidik master", "Unit", "Mengumpulkan", "Dipakai", "Nilai",
                "Temuan"):
        t.add_column(col, justify="right" if col in ("Unit", "Mengumpulkan", "Dipakai", "Nilai", "Temuan") else "left")
    before = None
    for p in periods:
        changed = before is not None and before != p.sidik_master
        t.add_row(str(p.tahun), p.periode, p.direkap, p.sidik_master + (" (berubah)" if changed else ""),
                  str(p.n_unit), str(p.n_dikumpulkan), str(p.n_dipakai), str(p.n_nilai), str(p.n_temuan))
        before = p.sidik_master
    console.print(t)
    size = path.stat().st_size / 2**20 if path.is_file() else 0
    console.print((f"{len(periods)} periode tersimpan" if periods else "Riwayat masih kosong")
                  + f" ({size:.1f} MB; cadangkan dengan menyalin berkas ini saat rbxl tidak berjalan).")


def show_imported(done, path: Path) -> None:
    t = Table(title=f"Impor ke riwayat {path}")
    for col in ("Tahun", "Periode", "Folder", "Berkas", "Unit dipakai", "Catatan"):
        t.add_column(col, overflow="fold")
    for d in done:
        t.add_row(str(d.tahun), d.periode, str(d.folder), str(d.files), str(d.units_used), d.note)
    console.print(t)
    console.print(f"[bold green]{sum(not d.note for d in done)} periode[/] dicatat di {path}.")


# --- kirim ------------------------------------------------------------------------------------
_KIRIM_STYLE = {"terkirim": "green", "gagal": "red", "dilewati": "yellow", "contoh": "cyan"}
_KIRIM_TITLE = {"template": "Pengiriman template ", "umpan-balik": "Pengiriman umpan balik ",
                "pengingat": "Pengiriman pengingat "}


def echo_outcome(o) -> None:
    """One line per unit while sending (on stderr, so it never mixes with a password prompt)."""
    from rich.markup import escape

    from rbxl.mail.sendlog import SUDAH, TERKIRIM

    if o.hasil == TERKIRIM:
        text = f"terkirim ke {o.alamat}" + (f" ({o.keterangan})" if o.keterangan else "")
    elif o.hasil == SUDAH:
        text = "sudah terkirim sebelumnya, dilewati"
    else:
        text = f"{o.hasil}: {o.keterangan}"
    err_console.print(f"  {escape(o.unit)}: [{_KIRIM_STYLE.get(o.hasil, 'dim')}]{escape(text)}[/]")


def show_kirim(result) -> None:
    from rich.markup import escape

    from rbxl.form.spec import PERIODE_LABEL
    from rbxl.mail.sendlog import SUDAH

    shown = [o for o in result.outcomes if o.hasil != SUDAH]
    label = f"{PERIODE_LABEL.get(result.periode, result.periode)} {result.tahun}"
    if shown:
        t = Table(title=("Uji coba e-mail " if result.dry_run else _KIRIM_TITLE.get(result.jenis, "")) + label)
        for col in ("Unit", "Nama", "Alamat", "Berkas", "Hasil", "Keterangan"):
            t.add_column(col, overflow="fold", ratio=3 if col == "Keterangan" else None)
        for o in shown:
            t.add_row(*(escape(v) for v in (o.unit, o.nama, o.alamat or "-", o.berkas or "-", o.hasil,
                                            o.keterangan)), style=_KIRIM_STYLE.get(o.hasil))
        console.print(t)
    elif not result.outcomes:
        console.print(f"Tidak ada unit yang perlu dikirimi ({result.jenis}) untuk {label}.")
    no_mail = [o for o in result.skipped if not o.alamat]
    if no_mail:
        console.print(f"[yellow]{len(no_mail)} unit belum punya alamat e-mail di master:[/] "
                      f"{', '.join(o.unit for o in no_mail)}. Isi kolom E-mail di sheet Unit, lalu jalankan "
                      "perintah ini lagi.")
    if result.already_sent:
        console.print(f"{len(result.already_sent)} unit sudah menerima pesan yang sama sebelumnya dan tidak "
                      "dikirimi lagi (pakai --ulang untuk mengirim ulang).")
    if result.dry_run:
        console.print(f"[bold cyan]Uji coba:[/] {len(result.drafts)} pesan ditulis sebagai .eml di "
                      f"{result.folder}; tidak ada yang dikirim.")
    else:
        console.print(f"Terkirim: {len(result.sent)}, gagal: {len(result.failed)}, "
                      f"dilewati: {len(result.skipped)}, sudah terkirim sebelumnya: {len(result.already_sent)}.")
    for note in result.notes:
        console.print(f"[yellow]Perhatian:[/] {escape(note)}")
    if result.aborted:
        console.print(f"[bold red]{messages.message('CLI_KIRIM_ABORTED')}[/] {escape(result.aborted)}")
    if result.failed:
        console.print(f"[bold red]{messages.message('CLI_KIRIM_FAILED')}[/] {messages.message('CLI_KIRIM_RETRY')}")
    console.print(f"Log pengiriman: {result.log}")


# --- tarik ------------------------------------------------------------------------------------
def show_tarik(result) -> None:
    from rich.markup import escape

    console.print(f"Kotak surat {escape(result.mailbox)}: {result.examined} pesan diperiksa ({result.since_note}).")
    if result.outcomes:
        t = Table(title="Pesan dengan lampiran")
        for col in ("UID", "Pengirim", "Subjek", "Lampiran", "Hasil", "Keterangan"):
            t.add_column(col, overflow="fold", ratio=2 if col in ("Lampiran", "Keterangan") else None)
        for f in result.outcomes:
            style = "green" if f.hasil == "disimpan" else "yellow"
            t.add_row(*(escape(v) for v in (str(f.uid), f.sender, f.subject, "; ".join(f.lampiran), f.hasil,
                                            f.keterangan)), style=style)
        console.print(t)
    console.print(f"Disimpan: {len(result.saved)} pesan baru di {result.folder}; sudah ada dari sebelumnya: "
                  f"{result.already}; dilewati: {len(result.skipped)}.")
    if result.saved:
        console.print(f"Periksa dengan: rbxl periksa {result.folder} --tahun ... --periode ... (atau pakai --periksa).")


def show_laporan(result) -> None:
    for path in result.documents:
        console.print(f"Dokumen Word: {path}")
    for path in result.pdfs:
        console.print(f"PDF: {path}")
    if result.trend:
        source = f"berkas riwayat {result.store}" if result.store else "rekap setiap periode"
        console.print(f"Tren dibandingkan dengan periode: {', '.join(result.trend)} (dari {source})")
    for note in result.notes:
        console.print(f"[yellow]Catatan:[/] {note}")
    for note in result.locked:
        err_console.print(f"[bold red]{messages.message('CLI_CANNOT_OVERWRITE')}[/] {note} "
                          f"{messages.message('CLI_CLOSE_OLD_FILE')}")
    for note in result.failed:
        err_console.print(f"[bold red]{messages.message('CLI_PDF_FAILED')}[/] {note}")


def show_notes(notes: list[str], kept: Sequence[str] = ()) -> None:
    """What the run could not do as asked but did another way (a workbook open in Excel: saved beside
    it), and someone's own files it found in its folders and left there."""
    for note in notes:
        console.print(f"[bold yellow]Perhatian:[/] {safe(note)}")
    for line in kept:
        console.print(f"[dim]{safe(line)}[/]")
