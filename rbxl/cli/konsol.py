"""`rbxl konsol`: start the local web console (rbxl.konsol) over the same output folder and master."""

from __future__ import annotations

from pathlib import Path

import click

from rbxl.cli.base import CONTEXT, db_option, master_option, out_option


@click.command("konsol", context_settings=CONTEXT)
@out_option
@master_option
@db_option
@click.option("--port", type=int, default=0, show_default=False, metavar="N",
              help="Port di 127.0.0.1. Bawaan: port bebas yang dipilih sendiri.")
@click.option("--tanpa-browser", "no_browser", is_flag=True, help="Jangan buka browser; cukup cetak alamatnya.")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ALAMAT",
              help="Alamat yang didengar. Selain 127.0.0.1 wajib dengan kata sandi (RBXL_KONSOL_SANDI).")
@click.option("--batas-berkas-mb", type=float, default=50, show_default=True, help="Batas ukuran satu berkas unggahan (MB).")
@click.option("--batas-unggah-mb", type=float, default=200, show_default=True,
              help="Batas ukuran satu kali unggah, semua berkas bersama (MB).")
def konsol(out: Path, master: Path, db: Path | None, port: int, no_browser: bool, host: str, batas_berkas_mb: float,
           batas_unggah_mb: float):
    """Buka konsol: halaman web lokal untuk menjalankan seluruh periode tanpa mengetik perintah.

    Konsol berjalan di komputer ini saja (127.0.0.1) dan membaca serta menulis folder hasil yang sama
    dengan perintah lain: papan setiap periode, unggah kiriman, setiap unit dengan temuannya, tombol
    template / kirim / periksa / rekap / laporan / dasbor, master dan riwayat. Alamat yang dicetak
    membawa token acak yang dibuat setiap kali konsol dimulai; tanpa token halaman ditolak.
    Hentikan dengan Ctrl+C.

    \b
    Contoh:
      rbxl konsol
      rbxl konsol --out hasil --port 8765 --tanpa-browser
    """
    from rbxl.konsol.security import Limits
    from rbxl.konsol.server import PASSWORD_ENV, serve

    password = None
    import os

    if host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get(PASSWORD_ENV):
        import sys

        if sys.stdin and sys.stdin.isatty():
            password = click.prompt("Kata sandi konsol (untuk komputer lain)", hide_input=True, confirmation_prompt=True)
    serve(out, master, db=db, port=port, host=host, password=password, browser=not no_browser,
          limits=Limits(batas_berkas_mb, batas_unggah_mb), echo=click.echo)
