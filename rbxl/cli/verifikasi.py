"""`rbxl verifikasi`: the verifier's workbook of an instrument (buat) and reading it back (baca)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rbxl.cli.base import CONTEXT, RbxlGroup, db_option, master_option, out_option, period_options
from rbxl.core.errors import EXIT_FINDINGS, EXIT_OK

instrumen_option = click.option("--instrumen", required=True, metavar="KODE",
                                help="Kode instrumen (sheet Instrumen di master), misal CONTOH-LAYANAN.")


@click.group(cls=RbxlGroup, context_settings=CONTEXT)
def verifikasi():
    """Verifikasi jawaban instrumen oleh verifikator (Inspektorat Daerah, Bab IV Perbup).

    'buat' menulis satu berkas per instrumen dan periode: jawaban dan bukti dukung setiap unit
    terkunci, dengan kolom Jawaban Verifikasi dan Catatan Verifikator. 'baca' membaca berkas
    yang sudah diisi: nilai verifikasi disimpan di riwayat di samping nilai mandiri, dan
    workbook monitoring serta CSV periode itu ditulis ulang.

    \b
    Contoh:
      rbxl verifikasi buat --instrumen CONTOH-LAYANAN --tahun 2023 --periode TW1
      rbxl verifikasi baca verifikasi-CONTOH-LAYANAN-2023-TW1.xlsx --instrumen CONTOH-LAYANAN --tahun 2023 --periode TW1
    """


@verifikasi.command("buat", context_settings=CONTEXT)
@instrumen_option
@period_options
@master_option
@out_option
@db_option
def verifikasi_buat(instrumen: str, tahun: int, periode: str, master: Path, out: Path, db: Path | None):
    """Tulis berkas verifikasi satu instrumen untuk periode yang sudah direkap.

    Hasil: <out>/<tahun>-<periode>/verifikasi/verifikasi-<instrumen>-<tahun>-<periode>.xlsx.
    Kolom Jawaban Verifikasi terisi jawaban unit (atau jawaban verifikasi yang sudah dibaca
    sebelumnya). Kode keluar 2 bila periode belum direkap atau instrumen tidak dikenal.

    \b
    Contoh:
      rbxl verifikasi buat --instrumen CONTOH-LAYANAN --tahun 2023 --periode TW1
    """
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_verifikasi_buat

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    click.echo(f"Berkas verifikasi: {run_verifikasi_buat(roadmap, tahun, periode, instrumen, out, db)}")


@verifikasi.command("baca", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@instrumen_option
@period_options
@master_option
@out_option
@db_option
def verifikasi_baca(file: Path, instrumen: str, tahun: int, periode: str, master: Path, out: Path, db: Path | None):
    """Baca berkas verifikasi yang sudah diisi verifikator.

    Berkas untuk instrumen atau periode lain ditolak (kode keluar 2). Bila ada kesalahan
    (misal jawaban verifikasi di luar skala) tidak ada yang disimpan: temuan ditampilkan dan
    kode keluar 1. Bila benar: nilai verifikasi disimpan di riwayat, lalu workbook monitoring
    (sheet Jawaban/Nilai instrumen) dan CSV periode itu ditulis ulang.

    \b
    Contoh:
      rbxl verifikasi baca isian-inspektorat.xlsx --instrumen CONTOH-LAYANAN --tahun 2023 --periode TW1
    """
    from rbxl.cli.console import console, findings_table
    from rbxl.core.findings import has_errors
    from rbxl.master.load import read_master
    from rbxl.pipeline import run_verifikasi_baca

    roadmap, _ = read_master(master)
    roadmap.check_period(tahun, periode)
    result = run_verifikasi_baca(file, roadmap, tahun, periode, instrumen, out, db)
    found = result.verification.findings  # type: ignore[attr-defined]
    if found:
        console.print(findings_table(found, title="Temuan berkas verifikasi"))
    if has_errors(found):
        click.echo("Berkas verifikasi mengandung kesalahan; tidak ada yang disimpan. Perbaiki lalu baca ulang.")
        sys.exit(EXIT_FINDINGS)
    n = len(result.verification.rows)  # type: ignore[attr-defined]
    click.echo(f"{n} jawaban verifikasi disimpan di {result.store}. Monitoring: {result.monitoring}")
    sys.exit(EXIT_OK)
