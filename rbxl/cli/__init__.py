"""Command line: parse options, call one library function, render the result. No logic here.

Heavy libraries (pandas, xlsxwriter, calamine) are imported inside the commands so that
`rbxl --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rbxl._version import __version__
from rbxl.core.enums import Period
from rbxl.core.errors import EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE, RbxlError

DEFAULT_MASTER = Path("master") / "roadmap-rb-blora-2022-2026.xlsx"
PERIODS = [p.value for p in Period]

class IdFormatter(click.HelpFormatter):
    """click's help layout with Indonesian headings."""

    HEADINGS = {"Options": "Pilihan", "Commands": "Perintah", "Arguments": "Argumen"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[PILIHAN]").replace("COMMAND", "PERINTAH")
                            .replace("[ARGS]", "[ARGUMEN]"), prefix="Pemakaian: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class IdContext(click.Context):
    """A context whose help uses IdFormatter; set on rbxl's own commands only, so other click
    programs in the same process (a host application, a test runner) keep their own help."""

    formatter_class = IdFormatter


HELP_TEXT = "Tampilkan bantuan ini lalu keluar."


class IdCommand(click.Command):
    context_class = IdContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option


class Periode(click.Choice):
    """TW1..TAHUNAN, typed in any case ('tw1' works), shown in capitals."""

    def __init__(self):
        super().__init__(PERIODS)

    def convert(self, value, param, ctx):
        return super().convert(str(value).strip().upper(), param, ctx)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _find_master(ctx, param, value):
    from rbxl.master.load import find_master

    return find_master(value)


def master_option(f):
    return click.option("--master", "master", type=click.Path(path_type=Path), default=None,
                        callback=_find_master,
                        help="Berkas master road map (.xlsx). Bawaan: $RBXL_MASTER, lalu "
                             f"{DEFAULT_MASTER}, lalu master bawaan repo.")(f)


def period_options(f):
    f = click.option("--periode", required=True, type=Periode(),
                     help="Periode pelaporan: TW1-TW4 (triwulan), S1/S2 (semester), TAHUNAN.")(f)
    return click.option("--tahun", required=True, type=int, help="Tahun pelaporan, misal 2023.")(f)


def db_option(f):
    return click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        envvar="RBXL_DB", metavar="BERKAS",
                        help="Berkas riwayat semua periode (SQLite). Bawaan: $RBXL_DB, lalu <out>/rbxl.sqlite.")(f)


def out_option(f):
    return click.option("--out", type=click.Path(path_type=Path), default=Path("output"),
                        help="Folder hasil. Bawaan: output")(f)


_CLICK_ID = [("Invalid value for", "Nilai tidak valid untuk"), ("is not one of", "bukan salah satu dari"),
             ("is not a valid integer", "bukan bilangan bulat"), ("Missing option", "Pilihan wajib belum diisi:"),
             ("Missing argument", "Argumen wajib belum diisi:"), ("No such option", "Pilihan tidak dikenal"),
             ("No such command", "Perintah tidak dikenal"), ("Got unexpected extra argument",
                                                              "Argumen berlebih"),
             ("does not exist", "tidak ada"), ("Did you mean", "Maksud Anda")]


def _usage_error_id(err: click.UsageError) -> None:
    from rbxl.cli.console import error

    text = err.format_message()
    for en, id_ in _CLICK_ID:
        text = text.replace(en, id_)
    cmd = err.ctx.command_path if err.ctx else "rbxl"
    error(f"{text}\nLihat '{cmd} --help' untuk bantuan.")


class RbxlGroup(click.Group):
    """Turns RbxlError into an Indonesian message and its documented exit code."""

    context_class = IdContext
    command_class = IdCommand
    group_class = type  # subgroups are RbxlGroups too

    def main(self, *args, **kwargs):
        if kwargs.get("standalone_mode", True):
            try:
                return super().main(*args, **{**kwargs, "standalone_mode": False})
            except click.UsageError as err:
                _usage_error_id(err)
                sys.exit(EXIT_USAGE)
            except click.Abort:
                sys.exit(1)
            except click.exceptions.Exit as exc:
                sys.exit(exc.exit_code)
        return super().main(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RbxlError as err:
            from rbxl.cli.console import error

            error(str(err))
            sys.exit(err.exit_code)
        except OSError as err:  # a write that no library turned into OutputError: still exit 4, no traceback
            from rbxl.cli.console import error
            from rbxl.core.atomic import explain

            error(explain(err, err.filename or "hasil"))
            sys.exit(EXIT_IO)


@click.group(cls=RbxlGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="rbxl", message="%(prog)s %(version)s",
                      help="Tampilkan versi lalu keluar.")
@click.help_option("-h", "--help", help="Tampilkan bantuan ini lalu keluar.")
def main():
    """rbxl - monitoring Road Map Reformasi Birokrasi lewat Excel.

    Alur: master -> generate (template per unit) -> validate (periksa berkas kembali)
    -> consolidate (rekap Pemda). Kode keluar: 0 berhasil, 1 ada kesalahan/berkas ditolak,
    2 perintah salah, 3 master tidak dapat dibaca, 4 hasil tidak dapat ditulis, 5 server
    e-mail menolak login atau tidak dapat dihubungi.

    \b
    Contoh:
      rbxl demo
      rbxl master check
      rbxl generate --tahun 2023 --periode TW1
      rbxl validate kiriman/ --tahun 2023 --periode TW1
    """


@main.group(cls=RbxlGroup, context_settings=CONTEXT)
def master():
    """Kelola master road map (sheet Unit, Indikator, Rencana Aksi, ...).

    \b
    Contoh:
      rbxl master check --master master/roadmap-rb-blora-2022-2026.xlsx
    """


@master.command("check", context_settings=CONTEXT)
@master_option
@click.option("--json", "as_json", is_flag=True, help="Cetak temuan sebagai JSON.")
def master_check(master: Path, as_json: bool):
    """Periksa master: isi wajib, kode ganda, referensi unit, angka, kolom tahun.

    Kesalahan membuat kode keluar 1; peringatan (misal target berbeda antartabel) tidak.

    \b
    Contoh:
      rbxl master check
      rbxl master check --master salinan-master.xlsx --json
    """
    from rbxl.cli.console import show_master_summary
    from rbxl.core.findings import has_errors, to_json
    from rbxl.master.load import load_master

    roadmap, findings = load_master(master)
    if as_json:
        click.echo(to_json(findings))
    else:
        show_master_summary(roadmap, findings, master)
    sys.exit(EXIT_FINDINGS if roadmap is None or has_errors(findings) else EXIT_OK)


@main.command(context_settings=CONTEXT)
@period_options
@click.option("--unit", "units", multiple=True, metavar="KODE",
              help="Hanya unit ini (boleh diulang). Bawaan: semua unit.")
@click.option("--tanpa-isian-lalu", "blank", is_flag=True,
              help="Template kosong: jangan isi dengan laporan terakhir unit dari riwayat.")
@master_option
@out_option
@db_option
def generate(tahun: int, periode: str, units: tuple[str, ...], blank: bool, master: Path, out: Path,
             db: Path | None):
    """Buat template Excel terkunci untuk setiap unit pada satu periode.

    Hasil: <out>/<tahun>-<periode>/templates/*.xlsx dan manifest.csv. Bila riwayat sudah
    berisi periode sebelumnya di tahun yang sama, isian setiap unit terisi dengan laporan
    terakhirnya yang diterima (sel biru, tetap dapat diubah); --tanpa-isian-lalu untuk kosong.

    \b
    Contoh:
      rbxl generate --tahun 2023 --periode TW1
      rbxl generate --tahun 2023 --periode S1 --unit INSPEKTORAT --unit BAG-HUKUM
      rbxl generate --tahun 2023 --periode TW2 --tanpa-isian-lalu
    """
    from rbxl.cli.console import progress_bar, show_generated
    from rbxl.master.load import read_master
    from rbxl.store import store_path
    from rbxl.template.generate import generate as run

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    codes = list(units) or None
    total = len(codes) if codes else len(roadmap.reporting_units())
    with progress_bar("Membuat template", total) as advance:
        results = run(roadmap, tahun, periode, out, codes, progress=lambda g: advance(),
                      db=None if blank else store_path(db, out))
    show_generated(results, out, tahun, periode)


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@period_options
@master_option
@out_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Cetak semua temuan sebagai JSON (untuk program lain).")
def validate(paths: tuple[Path, ...], tahun: int, periode: str, master: Path, out: Path, db: Path | None,
             as_json: bool):
    """Periksa berkas yang dikembalikan unit: berkas, folder, .zip, e-mail (.eml/.msg).

    Berkas dikenali dari identitas tersembunyinya, bukan namanya; setiap sel dibandingkan
    dengan master, dan dengan laporan unit sebelumnya bila ada riwayat (<out>/rbxl.sqlite
    atau --db; validate tidak menulis ke riwayat). Semua berkas disalin ke <out>/<tahun>-<periode>/arsip/ (nama = SHA-256),
    temuan ditulis ke temuan-<tahun>-<periode>.xlsx dan umpan-balik/<unit>.txt, dan unit yang
    harus memperbaiki berkasnya mendapat perbaikan/<unit>_..._perbaikan.xlsx (isiannya sendiri,
    sel yang salah ditandai merah dengan catatan).
    Kode keluar: 0 semua diterima, 1 ada berkas ditolak atau kesalahan, 2 perintah salah.

    \b
    Contoh:
      rbxl validate kiriman/ --tahun 2023 --periode TW1
      rbxl validate surat.eml arsip.zip --tahun 2023 --periode TW1 --json
    """
    from rbxl.checks.history import context_from
    from rbxl.cli.console import progress_bar, show_perbaikan, show_validation
    from rbxl.core.findings import to_json
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_validation
    from rbxl.store import store_path

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    history = context_from(store_path(db, out), tahun, periode)  # compared with earlier periods, if any
    with progress_bar("Memeriksa berkas", None) as advance:
        checked = run_validation(list(paths), roadmap, tahun, periode, out, progress=advance.step,
                                 on_total=advance.total, history=history)
    report = checked.report
    if as_json:
        click.echo(to_json(report.all_findings()))
    else:
        show_validation(report, roadmap)
        show_perbaikan(checked.perbaikan)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@period_options
@master_option
@out_option
@db_option
def consolidate(paths: tuple[Path, ...], tahun: int, periode: str, master: Path, out: Path, db: Path | None):
    """Periksa berkas kembali lalu buat rekap Pemda: workbook monitoring dan tabel CSV.

    Hasil di <out>/<tahun>-<periode>/: monitoring-<tahun>-<periode>.xlsx (ringkasan, grafik,
    rumus hidup, sheet Tren), temuan-<tahun>-<periode>.xlsx, csv/ (tabel rapi), arsip/ dan
    umpan-balik/. Periode dicatat di berkas riwayat (<out>/rbxl.sqlite atau --db) dan setiap
    unit dibandingkan dengan laporan sebelumnya (progres turun, Selesai dibuka lagi, isian
    belum diperbarui, belum mengumpulkan dua periode berturut-turut). --periode TAHUNAN
    menambah sheet Tahunan: progres setiap periode berdampingan dan status akhir tahun.

    \b
    Contoh:
      rbxl consolidate kiriman/ --tahun 2023 --periode TW1
    """
    from rbxl.cli.console import progress_bar, show_consolidation
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_consolidation

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    with progress_bar("Memeriksa dan merekap", None) as advance:
        outputs = run_consolidation(list(paths), roadmap, tahun, periode, out, progress=advance.step,
                                    on_total=advance.total, db=db)
    show_consolidation(outputs, roadmap)
    sys.exit(EXIT_OK if outputs.report.ok else EXIT_FINDINGS)


@main.command(context_settings=CONTEXT)
@period_options
@click.option("--per-pokja", is_flag=True,
              help="Tulis satu dokumen per Pokja area (bahan rapat pleno) di <out>/<tahun>-<periode>/pokja/, "
                   "bukan laporan untuk Bupati.")
@click.option("--pdf", is_flag=True, help="Tulis juga PDF lewat LibreOffice (bila terpasang).")
@master_option
@out_option
@db_option
def laporan(tahun: int, periode: str, per_pokja: bool, pdf: bool, master: Path, out: Path, db: Path | None):
    """Tulis laporan hasil monitoring dan evaluasi (Word) dari periode yang sudah direkap.

    Membaca rekap yang ditulis 'rbxl consolidate' (rekap-<tahun>-<periode>.json) dan menulis
    <out>/<tahun>-<periode>/laporan-monev-<tahun>-<periode>.docx: sampul, daftar isi, pendahuluan,
    ringkasan capaian dengan grafik, capaian per area, kepatuhan pelaporan, catatan untuk pimpinan,
    lampiran. Dengan --per-pokja: satu dokumen per area perubahan berisi baris area itu dan
    keadaan unit anggota Pokja. Tanpa LibreOffice, --pdf hanya memberi catatan (dokumen Word tetap
    ditulis). Tren terhadap periode sebelumnya di tahun yang sama dan unit yang dua periode
    berturut-turut tidak mengumpulkan diambil dari berkas riwayat (<out>/rbxl.sqlite atau --db;
    angka yang sama dengan sheet Tren), atau dari rekap setiap periode bila belum ada riwayat.
    Kode keluar: 0 berhasil, 2 periode belum direkap, 4 berkas lama sedang terbuka (hasil baru
    disimpan sebagai '... (baru).docx'), LibreOffice gagal membuat PDF, atau berkas riwayat tidak
    dapat dipakai.

    \b
    Contoh:
      rbxl laporan --tahun 2023 --periode TW1
      rbxl laporan --tahun 2023 --periode TW1 --pdf
      rbxl laporan --tahun 2023 --periode S1 --per-pokja --out hasil/
    """
    from rbxl.cli.console import show_laporan
    from rbxl.master.load import read_master
    from rbxl.render.laporan import write_laporan

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    result = write_laporan(roadmap, out, tahun, periode, per_pokja=per_pokja, pdf=pdf, db=db)
    show_laporan(result)
    sys.exit(EXIT_OK if result.ok else EXIT_IO)


@main.command(context_settings=CONTEXT)
@period_options
@master_option
@out_option
@db_option
def dasbor(tahun: int, periode: str, master: Path, out: Path, db: Path | None):
    """Buat (ulang) halaman dasbor satu periode yang sudah direkap dengan consolidate.

    Hasil: <out>/<tahun>-<periode>/dasbor-<tahun>-<periode>.html, satu berkas HTML yang dapat
    dibuka tanpa internet (lampiran e-mail, WhatsApp, flashdisk, situs Pemda). consolidate
    sudah membuatnya; perintah ini untuk membuatnya lagi dari rekap yang tersimpan. Bila berkas
    riwayat ada (--db, RBXL_DB, atau <out>/rbxl.sqlite), halaman juga memuat tren periode-periode
    tahun itu sampai periode ini; tanpa riwayat, bagian tren tidak ada.
    Kode keluar 2 bila periode itu belum pernah direkap.

    \b
    Contoh:
      rbxl dasbor --tahun 2023 --periode TW1
      rbxl dasbor --tahun 2023 --periode TW1 --out hasil-rb
    """
    from rbxl.master.load import read_master
    from rbxl.render.dasbor import write_saved_dasbor

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    click.echo(f"Dasbor: {write_saved_dasbor(roadmap, tahun, periode, out, db)}")


@main.command(context_settings=CONTEXT)
@out_option
@master_option
@click.option("--tahun", type=int, default=2023, show_default=True, help="Tahun contoh.")
@click.option("--periode", default="TW1", show_default=True, type=Periode(), help="Periode contoh.")
def demo(out: Path, master: Path, tahun: int, periode: str):
    """Jalankan seluruh siklus dengan data contoh: template, isian contoh, validasi, rekap.

    Isian contoh diberi tanda [CONTOH]; beberapa unit sengaja belum mengumpulkan dan
    beberapa berkas sengaja berisi kesalahan, agar semua fitur terlihat. Sesudah TW1 (atau
    TW2, TW3, S1) demo menjalankan periode berikutnya: template terisi otomatis dari riwayat,
    satu unit mundur, satu unit tidak memperbarui isian, dan sheet Tren di workbook monitoring.

    \b
    Contoh:
      rbxl demo
      rbxl demo --out /tmp/coba --tahun 2024 --periode S1
    """
    from rbxl.cli.console import show_demo
    from rbxl.cli.demo import run_demo
    from rbxl.master.load import read_master

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    result = run_demo(roadmap, out, tahun, periode)
    show_demo(result, roadmap)


@main.command(context_settings=CONTEXT)
@period_options
@click.option("--unit", "units", multiple=True, metavar="KODE",
              help="Hanya unit ini (boleh diulang). Bawaan: semua unit yang dituju.")
@click.option("--umpan-balik", "umpan_balik", is_flag=True,
              help="Kirim umpan balik + berkas perbaikan kepada unit yang harus memperbaiki berkasnya "
                   "(hasil validate terakhir).")
@click.option("--pengingat", is_flag=True,
              help="Kirim pengingat (dengan batas waktu dari sheet Jadwal) kepada unit yang belum mengirim berkas.")
@click.option("--dry-run", is_flag=True,
              help="Jangan kirim apa pun: tulis setiap pesan sebagai .eml di <out>/<tahun>-<periode>/email/.")
@click.option("--ulang", is_flag=True, help="Kirim lagi juga ke unit yang sudah menerima pesan yang sama.")
@click.option("--template", "template", type=click.Path(path_type=Path, dir_okay=False), metavar="BERKAS",
              help="Templat subjek dan isi e-mail (baris 1 'Subjek: ...', baris kosong, isi). "
                   "Bawaan: templat bawaan rbxl.")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), metavar="BERKAS",
              help="Pengaturan SMTP (TOML, bagian [smtp]). Bawaan: rbxl.toml di folder kerja bila ada.")
@master_option
@out_option
@db_option
def kirim(tahun: int, periode: str, units: tuple[str, ...], umpan_balik: bool, pengingat: bool, dry_run: bool,
          ulang: bool, template: Path | None, config: Path | None, master: Path, out: Path, db: Path | None):
    """Kirim template setiap unit lewat e-mail ke alamat unit di master (satu e-mail per unit).

    Berkas diambil dari <out>/<tahun>-<periode>/templates/ (manifest.csv hasil generate); setiap
    unit hanya menerima berkasnya sendiri. Unit tanpa alamat e-mail di master dilewati. Setiap
    pesan dicatat di <out>/<tahun>-<periode>/email/kirim-log.csv; bila diulang, hanya unit yang
    belum menerima pesan yang sama yang dikirimi. Kode keluar 1 bila ada pengiriman gagal.

    --umpan-balik mengirim isi umpan-balik/<unit>.txt dan berkas perbaikan/<unit>_..._perbaikan.xlsx
    kepada unit yang berkasnya Perlu perbaikan atau Ditolak. --pengingat mengingatkan unit yang
    belum mengirim berkas (tidak ada di arsip), paling banyak sekali sehari per unit; bila ada
    berkas riwayat (<out>/rbxl.sqlite atau --db), pengingat juga menyebut bila unit itu tidak
    mengirim, atau terlambat mengirim, pada periode sebelumnya di tahun yang sama. Keduanya
    dibalas pada utas e-mail template (In-Reply-To/References).

    Server SMTP diatur di rbxl.toml (bagian [smtp]: host, port, security = starttls|ssl|none,
    user, from, from_name, reply_to, timeout) atau variabel lingkungan RBXL_SMTP_HOST,
    RBXL_SMTP_PORT, RBXL_SMTP_SECURITY, RBXL_SMTP_USER, RBXL_SMTP_FROM. Kata sandi hanya dari
    RBXL_SMTP_PASSWORD atau diketik saat diminta, tidak pernah dari berkas.

    \b
    Contoh:
      rbxl kirim --tahun 2023 --periode TW1 --dry-run
      rbxl kirim --tahun 2023 --periode TW1
      rbxl kirim --tahun 2023 --periode TW1 --unit BAPPEDA --ulang
      rbxl kirim --tahun 2023 --periode TW1 --umpan-balik
      rbxl kirim --tahun 2023 --periode TW1 --pengingat --dry-run
      rbxl kirim --tahun 2023 --periode TW1 --config smtp.toml --template surat.txt
    """
    from rbxl.cli.console import echo_outcome, show_kirim
    from rbxl.mail.kirim import (
        PENGINGAT,
        TEMPLATE,
        UMPAN_BALIK,
        load_smtp_settings,
        password_prompt,
    )
    from rbxl.mail.kirim import kirim as run
    from rbxl.master.load import read_master

    if umpan_balik and pengingat:
        raise click.UsageError("Pilih salah satu: --umpan-balik atau --pengingat.")
    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    smtp = load_smtp_settings(config)
    jenis = UMPAN_BALIK if umpan_balik else PENGINGAT if pengingat else TEMPLATE
    result = run(roadmap, tahun, periode, out, list(units) or None, smtp=smtp, template=template,
                 dry_run=dry_run, ulang=ulang, password=password_prompt(), progress=echo_outcome, jenis=jenis,
                 db=db)
    show_kirim(result)
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


@main.command(context_settings=CONTEXT)
@period_options
@click.option("--sejak", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), default=None, metavar="TANGGAL",
              help="Periksa pesan sejak tanggal ini (2023-04-01 atau 01/04/2023). Bawaan: sehari sebelum "
                   "template periode ini dikirim (log pengiriman).")
@click.option("--folder", "mail_folder", default=None, metavar="FOLDER",
              help="Folder kotak surat. Bawaan: 'folder' di [imap], lalu INBOX.")
@click.option("--tandai", is_flag=True, help="Beri tanda (kata kunci rbxl-diambil) pada pesan yang diambil.")
@click.option("--periksa", is_flag=True, help="Langsung jalankan validate pada folder masuk/ setelah mengambil.")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), metavar="BERKAS",
              help="Pengaturan IMAP (TOML, bagian [imap]). Bawaan: rbxl.toml di folder kerja bila ada.")
@master_option
@out_option
def tarik(tahun: int, periode: str, sejak, mail_folder: str | None, tandai: bool, periksa: bool,
          config: Path | None, master: Path, out: Path):
    """Ambil berkas kiriman unit dari kotak surat (IMAP) ke <out>/<tahun>-<periode>/masuk/.

    Hanya pesan yang membawa lembar kerja (lampiran, di dalam zip, di dalam pesan terusan,
    atau mungkin di dalam bagian tertutup: winmail.dat, S/MIME, PGP) yang diunduh, utuh sebagai .eml bernama sidik Message-ID-nya; bila diulang hanya
    pesan baru yang diambil (juga setelah sambungan terputus). Surat tidak pernah dihapus,
    dipindah atau ditandai terbaca. Log: <out>/<tahun>-<periode>/email/tarik-log.csv.

    Server IMAP diatur di rbxl.toml (bagian [imap]: host, port, security = ssl|starttls|none,
    user, folder, timeout, cafile, max_mb) atau variabel lingkungan RBXL_IMAP_HOST, RBXL_IMAP_PORT,
    RBXL_IMAP_SECURITY, RBXL_IMAP_USER, RBXL_IMAP_FOLDER, RBXL_IMAP_CAFILE, RBXL_IMAP_MAX_MB. Kata
    sandi hanya dari RBXL_IMAP_PASSWORD atau diketik saat diminta.
    Kode keluar: 0 berhasil, 5 login ditolak atau server tidak dapat dihubungi/terputus (jalankan
    lagi untuk melanjutkan), dengan --periksa 1 bila ada berkas ditolak atau kesalahan.

    \b
    Contoh:
      rbxl tarik --tahun 2023 --periode TW1
      rbxl tarik --tahun 2023 --periode TW1 --sejak 2023-04-01 --tandai
      rbxl tarik --tahun 2023 --periode TW1 --periksa
    """
    from rbxl.cli.console import progress_bar, show_perbaikan, show_tarik, show_validation
    from rbxl.core.paths import inbox_dir
    from rbxl.mail.config import load_imap_settings, password_prompt
    from rbxl.mail.tarik import tarik as run
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_validation

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    settings = load_imap_settings(config)
    if mail_folder:
        settings.folder = mail_folder
    with progress_bar("Mengambil pesan", None) as advance:
        result = run(settings, tahun, periode, out, since=sejak.date() if sejak else None, tandai=tandai,
                     password=password_prompt("IMAP"), on_total=advance.total, progress=lambda f: advance())
    show_tarik(result)
    if not periksa:
        sys.exit(EXIT_OK)
    folder = inbox_dir(out, tahun, periode)
    with progress_bar("Memeriksa berkas", None) as advance:
        checked = run_validation([folder], roadmap, tahun, periode, out, progress=advance.step,
                                 on_total=advance.total)
    show_validation(checked.report, roadmap)
    show_perbaikan(checked.perbaikan)
    sys.exit(EXIT_OK if checked.report.ok else EXIT_FINDINGS)



@main.group(cls=RbxlGroup, context_settings=CONTEXT, invoke_without_command=True)
@out_option
@db_option
@click.pass_context
def riwayat(ctx, out: Path, db: Path | None):
    """Riwayat semua periode (satu berkas SQLite): tampilkan periode yang tersimpan.

    Berkas riwayat dibuat dan diperbarui oleh 'rbxl consolidate'. Cadangkan dengan menyalin
    satu berkas itu (saat tidak ada rbxl yang berjalan). Kode keluar 4 bila berkas riwayat
    rusak, bukan riwayat rbxl, dibuat rbxl versi lebih baru, atau sedang dipakai.

    \b
    Contoh:
      rbxl riwayat
      rbxl riwayat --db /data/rbxl.sqlite
      rbxl riwayat impor output/
      rbxl riwayat ekspor --ke riwayat.csv
    """
    from rbxl.store import store_path

    ctx.obj = store_path(db, out)
    if ctx.invoked_subcommand is None:
        from rbxl.cli.console import show_periods
        from rbxl.store import open_store

        with open_store(ctx.obj, create=False) as store:
            show_periods(store.periods(), ctx.obj)


@riwayat.command("impor", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@master_option
@click.option("--db", "own_db", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="BERKAS",
              help="Berkas riwayat (sama dengan 'rbxl riwayat --db').")
@click.pass_obj
def riwayat_impor(db: Path, path: Path, master: Path, own_db: Path | None):
    """Bangun riwayat dari folder periode lama (arsip/ dan log.csv), tanpa e-mail ke siapa pun.

    PATH: folder hasil (berisi 2023-TW1/, 2023-TW2/, ...) atau satu folder periode. Setiap
    berkas di arsip diperiksa ulang dengan master sekarang; periode yang sama di riwayat diganti.

    \b
    Contoh:
      rbxl riwayat impor output/
      rbxl riwayat --db baru.sqlite impor arsip-lama/2022-TW4
    """
    from rbxl.cli.console import show_imported
    from rbxl.master.load import read_master
    from rbxl.riwayat.transfer import import_periods

    roadmap, _ = read_master(master)
    db = own_db or db
    show_imported(import_periods(path, roadmap, db), db)


@riwayat.command("ekspor", context_settings=CONTEXT)
@click.option("--ke", "target", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="BERKAS",
              help="Berkas CSV tujuan. Bawaan: riwayat-nilai.csv di samping berkas riwayat.")
@click.option("--db", "own_db", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="BERKAS",
              help="Berkas riwayat (sama dengan 'rbxl riwayat --db').")
@click.pass_obj
def riwayat_ekspor(db: Path, target: Path | None, own_db: Path | None):
    """Tulis satu CSV rapi atas semua periode: tahun, periode, unit, lembar, kode, kolom, nilai.

    \b
    Contoh:
      rbxl riwayat ekspor
      rbxl riwayat ekspor --ke /tmp/riwayat.csv
    """
    from rbxl.cli.console import console
    from rbxl.riwayat.transfer import export_csv

    db = own_db or db
    path, n = export_csv(db, target or db.with_name("riwayat-nilai.csv"))
    console.print(f"[bold green]{n} nilai[/] dari riwayat {db} ditulis ke {path}.")


def run() -> None:  # pragma: no cover - console entry for `python -m rbxl`
    try:
        main()
    except click.exceptions.UsageError as err:
        err.show()
        sys.exit(EXIT_USAGE)
