"""The monitoring workbook's instrument sheets: per instrument, the answers of every unit
('Jawaban <kode>') and the scores per unit and component ('Nilai <kode>').

Scores are live formulas over the answers sheet: a component's nilai = SUMPRODUCT of bobot x
nilai over the unit's rows whose code at the component's level is the component's (blank cells
count 0), each with the value rbxl.consolidation.instrumen computed as its cached value, so
LibreOffice's recalculation agrees and a corrected answer value or weight updates the scores.
The per-question skor columns are values (bobot x nilai): one formula per score row, not per
answer, keeps the workbook fast to write (issue 21's benchmark).
"""

from __future__ import annotations

from rbxl.consolidation.columns import INSTRUMEN_COLS, INSTRUMEN_NILAI_COLS, Col
from rbxl.consolidation.tables import Tables
from rbxl.core.enums import YES
from rbxl.core.xlsx import cell_name, column_ref, print_a4
from rbxl.master.model import Roadmap
from rbxl.template.write import fit_height


def level_cols(depth: int) -> list[Col]:
    return [Col(f"tingkat_{d}", f"Kode Tingkat {d}", 8) for d in range(1, depth + 1)]


def _levels(code: str, depth: int) -> dict[str, str]:
    parts = code[1:].split(".") if code else []
    return {f"tingkat_{d}": "K" + ".".join(parts[:d]) if d <= len(parts) else "" for d in range(1, depth + 1)}


def answer_sheet_name(kode: str) -> str:
    return f"Jawaban {kode}"[:31]


def score_sheet_name(kode: str) -> str:
    return f"Nilai {kode}"[:31]


def write_instrument_sheets(wb, F: dict, tables: Tables, roadmap: Roadmap, value, fmt) -> None:
    """Two sheets per instrument that has rows; `value(ws, r, c, v, fmt)` and `fmt(F, num_format)` are
    the monitoring workbook's own cell writers."""
    for kode in dict.fromkeys(r["instrumen"] for r in tables.instrumen):
        ins = roadmap.instrumen.get(kode)
        if ins is not None:
            _instrument(wb, F, tables, ins, value, fmt)


def _instrument(wb, F: dict, tables: Tables, ins, value, fmt) -> None:
    kode = ins.kode
    rows = [r for r in tables.instrumen if r["instrumen"] == kode]
    cols = INSTRUMEN_COLS[:4] + level_cols(ins.depth) + INSTRUMEN_COLS[4:]
    at = {c.key: i for i, c in enumerate(cols)}
    name = answer_sheet_name(kode)
    ws = wb.add_worksheet(name)
    _head(ws, F, cols, len(rows))

    for i, row in enumerate(rows):
        full = row | _levels(row["komponen_kode"], ins.depth)
        for c, col in enumerate(cols):
            value(ws, i + 1, c, full.get(col.key), fmt(F, col.num_format))
        ws.set_row(i + 1, fit_height((full.get(col.key), col.width) for col in cols))

    def rng(key: str) -> str:
        return column_ref(name, at[key], 1, max(len(rows), 1))

    scores = [r for r in tables.instrumen_nilai if r["instrumen"] == kode]
    sc = {c.key: i for i, c in enumerate(INSTRUMEN_NILAI_COLS)}
    ws2 = wb.add_worksheet(score_sheet_name(kode))
    _head(ws2, F, INSTRUMEN_NILAI_COLS, len(scores))
    for i, row in enumerate(scores):
        u = cell_name(i + 1, sc["unit"])
        code = cell_name(i + 1, sc["komponen_kode"])
        where = f'({rng("unit")}={u})' + (f'*({rng("tingkat_" + str(row["tingkat"]))}={code})' if row["tingkat"] else "")
        for c, col in enumerate(INSTRUMEN_NILAI_COLS):
            f = fmt(F, col.num_format)
            if col.key == "nilai_mandiri":
                ws2.write_formula(i + 1, c, f'=IF(COUNTIFS({rng("unit")},{u},{rng("dipakai")},"{YES}")=0,"",'
                                            f'SUMPRODUCT({where}*{rng("bobot")}*{rng("nilai")}))', f, row["nilai_mandiri"])
            elif col.key == "nilai_verifikasi":
                ws2.write_formula(i + 1, c, f'=IF(COUNTIFS({rng("unit")},{u},{rng("diverifikasi")},"{YES}")=0,"",'
                                            f'SUMPRODUCT({where}*{rng("bobot")}*{rng("nilai_verifikasi")}))', f,
                                  row["nilai_verifikasi"])
            else:
                value(ws2, i + 1, c, row.get(col.key), f)


def _head(ws, F: dict, cols: list[Col], n: int) -> None:
    for c, col in enumerate(cols):
        ws.write_string(0, c, col.header, F["head"])
        ws.set_column(c, c, col.width)
    ws.set_row(0, max(32, fit_height((col.header, col.width * 0.9) for col in cols)))
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(n, 1), len(cols) - 1)
    print_a4(ws, repeat_row=0)
