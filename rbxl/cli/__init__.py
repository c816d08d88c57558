"""Command line: parse options, call one library function, render the result. No logic here.

Heavy libraries (pandas, xlsxwriter, calamine) are imported inside the commands so that
`rbxl --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rbxl._version import __version__
from rbxl.cli.base import (
    CONTEXT,
    Periode,
    RbxlGroup,
    db_option,
    master_option,
    out_option,
    period_options,
)
from rbxl.cli.konsol import konsol
from rbxl.cli.riwayat import riwayat
from rbxl.cli.verifikasi import verifikasi
from rbxl.core.errors import (
    EXIT_FINDINGS,
    EXIT_IO,
    EXIT_OK,
    EXIT_USAGE,
    RbxlError,
)
from rbxl.core.messages import message


@click.group(cls=RbxlGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="rbxl", message="%(prog)s %(version)s",
                      help="Tampilkan versi lalu keluar.")
@click.help_option("-h", "--help", help="Tampilkan bantuan ini lalu keluar.")
def main():
    """rbxl - monitoring Road Map Reformasi Birokrasi lewat Excel.

    Alur: master -> template (buat template per unit) -> periksa (periksa berkas kembali)
    -> rekap (rekap Pemda). Kode keluar: 0 berhasil, 1 ada kesalahan/berkas ditolak,
    2 perintah salah, 3 master tidak dapat dibaca, 4 hasil tidak dapat ditulis, 5 server
    e-mail menolak login atau tidak dapat dihubungi, 130 dihentikan dengan Ctrl+C.

    \b
    Contoh:
      rbxl demo
      rbxl master periksa
      rbxl template --tahun 2023 --periode TW1
      rbxl periksa kiriman/ --tahun 2023 --periode TW1
    """


@main.group(cls=RbxlGroup, context_settings=CONTEXT)
def master():
    """Kelola master road map (sheet Unit, Indikator, Rencana Aksi, ...).

    \b
    Contoh:
      rbxl master periksa --master master/roadmap-rb-blora-2022-2026.xlsx
    """


@master.command("periksa", context_settings=CONTEXT)
@master_option
@click.option("--json", "as_json", is_flag=True, help="Cetak temuan sebagai JSON.")
def master_check(master: Path, as_json: bool):
    """Periksa master: isi wajib, kode ganda, referensi unit, angka, kolom tahun.

    Kesalahan membuat kode keluar 1; peringatan (misal target berbeda antartabel) tidak.

    \b
    Contoh:
      rbxl master periksa
      rbxl master periksa --master salinan-master.xlsx --json
    """
    from rbxl.cli.console import show_master_summary
    from rbxl.core.findings import has_errors, to_json
    from rbxl.master.load import load_master

    roadmap, findings = load_master(master)
    if roadmap is not None:  # what would make `kirim` send nothing, or mail with no one to reply to
        from rbxl.mail.kirim import cut_texts, load_smtp_settings, sending_problems

        try:
            smtp = load_smtp_settings()
        except RbxlError:
            smtp = None  # a broken rbxl.toml is said by `kirim` itself
        findings = [*findings, *sending_problems(roadmap, smtp, file=str(master)), *cut_texts(roadmap, str(master))]
    if as_json:
        click.echo(to_json(findings))
    else:
        show_master_summary(roadmap, findings, master)
    sys.exit(EXIT_FINDINGS if roadmap is None or has_errors(findings) else EXIT_OK)


@main.command("template", context_settings=CONTEXT)
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
      rbxl template --tahun 2023 --periode TW1
      rbxl template --tahun 2023 --periode S1 --unit INSPEKTORAT --unit BAG-HUKUM
      rbxl template --tahun 2023 --periode TW2 --tanpa-isian-lalu
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


@main.command("periksa", context_settings=CONTEXT)
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
    atau --db; periksa tidak menulis ke riwayat). Semua berkas disalin ke <out>/<tahun>-<periode>/arsip/ (nama = SHA-256),
    temuan ditulis ke temuan-<tahun>-<periode>.xlsx dan umpan-balik/<unit>.txt, dan unit yang
    harus memperbaiki berkasnya mendapat perbaikan/<unit>_..._perbaikan.xlsx (isiannya sendiri,
    sel yang salah ditandai merah dengan catatan).
    Periode itu kumulatif: berkas yang sudah diterima sebelumnya (arsip/) ikut diperiksa lagi
    bersama PATH yang baru; berkas yang sama tidak dicatat dua kali. Per unit dipakai berkas yang
    diterima paling akhir (bukan waktu simpan di dalam berkas).
    Kode keluar: 0 semua diterima, 1 ada berkas ditolak atau kesalahan, 2 perintah salah (juga
    PATH tidak ada, atau sebagian besar berkas untuk periode lain: tidak ada yang ditulis),
    130 dihentikan dengan Ctrl+C (hasil lama tetap utuh).

    \b
    Contoh:
      rbxl periksa kiriman/ --tahun 2023 --periode TW1
      rbxl periksa surat.eml arsip.zip --tahun 2023 --periode TW1 --json
    """
    from rbxl.cli.console import progress_bar, show_notes, show_perbaikan, show_validation
    from rbxl.core.findings import to_json
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_validation

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    with progress_bar("Memeriksa berkas", None) as advance:
        checked = run_validation(list(paths), roadmap, tahun, periode, out, progress=advance.step,
                                 on_total=advance.total, db=db)
    report = checked.report
    if as_json:
        click.echo(to_json(report.all_findings()))
    else:
        show_validation(report, roadmap)
        show_perbaikan(checked.perbaikan)
        show_notes(checked.notes, checked.kept)
    sys.exit(EXIT_IO if checked.notes else EXIT_OK if report.ok else EXIT_FINDINGS)


@main.command("rekap", context_settings=CONTEXT)
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
    Seperti validate, periode itu kumulatif (arsip/ ikut dibaca) dan semua hasil satu rekap
    muncul bersamaan di akhir; Ctrl+C (kode keluar 130) meninggalkan hasil rekap sebelumnya utuh.

    \b
    Contoh:
      rbxl rekap kiriman/ --tahun 2023 --periode TW1
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
    # the old monitoring workbook was locked (open in Excel): the new one is '... (baru).xlsx', exit 4
    sys.exit(EXIT_IO if outputs.notes else EXIT_OK if outputs.report.ok else EXIT_FINDINGS)


@main.command(context_settings=CONTEXT)
@period_options
@click.option("--per-pokja", is_flag=True,
              help="Tulis satu dokumen per Pokja area (bahan rapat pleno) di <out>/<tahun>-<periode>/pokja/, "
                   "bukan laporan untuk Bupati.")
@click.option("--pdf", is_flag=True, help="Tulis juga PDF lewat LibreOffice (bila terpasang).")
@click.option("--tanggal", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), default=None, metavar="TANGGAL",
              help="Tanggal laporan di sampul dan tanda tangan (2023-07-20 atau 20/07/2023). Bawaan: hari ini.")
@master_option
@out_option
@db_option
def laporan(tahun: int, periode: str, per_pokja: bool, pdf: bool, tanggal, master: Path, out: Path,
            db: Path | None):
    """Tulis laporan hasil monitoring dan evaluasi (Word) dari periode yang sudah direkap.

    Membaca rekap yang ditulis 'rbxl rekap' (rekap-<tahun>-<periode>.json) dan menulis
    <out>/<tahun>-<periode>/laporan-monev-<tahun>-<periode>.docx: sampul, ringkasan eksekutif (keadaan
    tiap area, perubahan dari periode sebelumnya, unit yang perlu perhatian), kata pengantar, daftar
    isi, pendahuluan, ringkasan capaian dengan grafik, capaian per area, kepatuhan pelaporan, catatan
    untuk pimpinan, permasalahan, rancangan rekomendasi, penutup, daftar istilah, lampiran. Penerima
    dan penanda tangan diambil dari sheet Pengaturan master (laporan_kepada, penandatangan_jabatan,
    penandatangan_nama, penandatangan_nip). Dengan --per-pokja: satu dokumen per area perubahan berisi baris area itu dan
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
      rbxl laporan --tahun 2023 --periode TW1 --pdf --tanggal 2023-04-20
      rbxl laporan --tahun 2023 --periode S1 --per-pokja --out hasil/
    """
    from rbxl.cli.console import show_laporan
    from rbxl.master.load import read_master
    from rbxl.render.laporan import write_laporan

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    result = write_laporan(roadmap, out, tahun, periode, per_pokja=per_pokja, pdf=pdf, db=db,
                           tanggal=tanggal.date() if tanggal else None)
    show_laporan(result)
    sys.exit(EXIT_OK if result.ok else EXIT_IO)


@main.command(context_settings=CONTEXT)
@period_options
@master_option
@out_option
@db_option
def dasbor(tahun: int, periode: str, master: Path, out: Path, db: Path | None):
    """Buat (ulang) halaman dasbor satu periode yang sudah direkap dengan rbxl rekap.

    Hasil: <out>/<tahun>-<periode>/dasbor-<tahun>-<periode>.html, satu berkas HTML yang dapat
    dibuka tanpa internet (lampiran e-mail, WhatsApp, flashdisk, situs Pemda). rbxl rekap
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
                   "(hasil periksa terakhir).")
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

    Berkas diambil dari <out>/<tahun>-<periode>/templates/ (manifest.csv hasil rbxl template); setiap
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
        raise click.UsageError(message("CLI_FEEDBACK_OR_REMINDER"))
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
@click.option("--periksa", is_flag=True, help="Langsung jalankan rbxl periksa pada folder masuk/ setelah mengambil.")
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
    from rbxl.cli.console import (
        progress_bar,
        show_notes,
        show_perbaikan,
        show_tarik,
        show_validation,
    )
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
    folder = inbox_dir(out, tahun, periode)  # not there yet (nothing fetched): the period's archive alone
    with progress_bar("Memeriksa berkas", None) as advance:
        checked = run_validation([folder] if folder.is_dir() else [], roadmap, tahun, periode, out, progress=advance.step,
                                 on_total=advance.total)
    show_validation(checked.report, roadmap)
    show_perbaikan(checked.perbaikan)
    show_notes(checked.notes, checked.kept)
    sys.exit(EXIT_IO if checked.notes else EXIT_OK if checked.report.ok else EXIT_FINDINGS)



main.add_command(riwayat)
main.add_command(konsol)
main.add_command(verifikasi)


def run() -> None:  # pragma: no cover - console entry for `python -m rbxl`
    try:
        main()
    except click.exceptions.UsageError as err:
        err.show()
        sys.exit(EXIT_USAGE)
