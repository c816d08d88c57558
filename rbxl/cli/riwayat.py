"""`rbxl riwayat`: the stored periods, and import/export of the riwayat store."""

from __future__ import annotations

from pathlib import Path

import click

from rbxl.cli.base import (
    CONTEXT,
    RbxlGroup,
    db_option,
    master_option,
    out_option,
)


@click.group(cls=RbxlGroup, context_settings=CONTEXT, invoke_without_command=True)
@out_option
@db_option
@click.pass_context
def riwayat(ctx, out: Path, db: Path | None):
    """Riwayat semua periode (satu berkas SQLite): tampilkan periode yang tersimpan.

    Berkas riwayat dibuat dan diperbarui oleh 'rbxl rekap'. Cadangkan dengan menyalin
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
