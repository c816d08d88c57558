"""Workbook helpers shared by every xlsx writer: addresses, ranges, sheet names, print setup, headers.

Addresses come from XlsxWriter's `utility` functions, never from string arithmetic, and a
sheet name is quoted the way spreadsheet formulas need it ('Rencana Aksi', It''s).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_range_abs, xl_rowcol_to_cell

A4 = 9  # XlsxWriter's paper index for A4
HEADER_FILL = "#1F4E78"
HEADER = {"bold": True, "bg_color": HEADER_FILL, "font_color": "#FFFFFF", "text_wrap": True, "border": 1}


def cell_name(row: int, col: int) -> str:
    """0-based row/col -> 'B7' (how findings name a cell)."""
    return str(xl_rowcol_to_cell(row, col))


def col_name(col: int) -> str:
    """0-based column -> 'B'."""
    return str(xl_col_to_name(col))


def column_ref(sheet: str, col: int, first_row: int, last_row: int) -> str:
    """An absolute one-column range on another sheet: 'Rencana Aksi'!$B$2:$B$9 (rows 0-based)."""
    return f"{quote_sheetname(sheet)}!{xl_range_abs(first_row, col, last_row, col)}"


def header_format(wb: Any, **extra: object) -> Any:
    """The white-on-blue bold header every rbxl workbook uses; `extra` adds or overrides keys."""
    return wb.add_format({**HEADER, **extra})


def footer(left: str) -> str:
    """A footer with `left` on the left and 'Halaman n dari m' on the right ('&' escaped)."""
    return f"&L{left.replace('&', '&&')}&RHalaman &P dari &N"


def print_a4(ws: Any, *, landscape: bool = True, repeat_row: int | None = None, footer_left: str | None = None) -> None:
    """A4, one page wide, optional landscape, repeated header row and footer."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    if footer_left is not None:
        ws.set_footer(footer(footer_left))
