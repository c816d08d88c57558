"""The dashboard's Instrumen section (issue 21): per instrument, each unit's nilai mandiri and
nilai verifikasi (0-100), laid out from the figures view only. The page's own helpers (table,
esc, num) are passed in, so this module does not import the page module."""

from __future__ import annotations

from collections.abc import Callable

from rbxl.consolidation.figures import PeriodFigures


def section_instrumen(fig: PeriodFigures, table: Callable[..., str], esc: Callable[[object], str],
                      num: Callable[..., str]) -> str:
    out = ['<h2 id="h-instrumen">Instrumen</h2>']
    for kode in dict.fromkeys(r["instrumen"] for r in fig.instrumen):
        rows = [r for r in fig.instrumen if r["instrumen"] == kode and r["tingkat"] == 0]
        name = str(rows[0]["komponen"]).removesuffix(" (seluruh instrumen)") if rows else kode
        body = [[esc(r["nama_unit"] or r["unit"]),
                 num(r["nilai_mandiri"]) if r["nilai_mandiri"] != "" else "tanpa data",
                 num(r["nilai_verifikasi"]) if r["nilai_verifikasi"] != "" else "belum diverifikasi"] for r in rows]
        out.append(table(f"{kode}: {name}", ["Unit", "Nilai mandiri (0–100)", "Nilai verifikasi (0–100)"], body,
                         [f' data-unit="{esc(r["unit"])}"' for r in rows], f"tabel-instrumen-{esc(kode)}", {1, 2}))
    return "".join(out)
