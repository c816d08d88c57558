"""Reading and comparing a cell of a returned sheet's grid the way every check does."""

from __future__ import annotations

import datetime as dt
import re

from rbxl.core.values import (
    as_text,
    format_number,
    parse_number,
)
from rbxl.intake import RawWorkbook


def cell(grid: list[list], r: int, c: int) -> object:
    if r < len(grid) and c < len(grid[r]):
        v = grid[r][c]
        return None if v == "" else v
    return None


def norm(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        f = float(v)
        return format_number(round(f, 9))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    s = " ".join(str(v).split())
    n = parse_number(s) if re.fullmatch(r"[\d.,\s-]+", s) and any(ch.isdigit() for ch in s) else None
    return format_number(round(n, 9)) if n is not None and not re.search(r"\d[.,]\d{3}", s) else s


def same(expected: object, found: object) -> bool:
    if expected == found or (expected in ("", None) and found in ("", None)):
        return True
    if isinstance(expected, str) and isinstance(found, str) and expected.split() == found.split():
        return True
    if norm(expected) == norm(found):
        return True
    a, b = parse_number(expected), parse_number(found)
    return a is not None and b is not None and abs(a - b) < 1e-9 * max(1.0, abs(a))


def short(v: object) -> str:
    s = as_text(v) if not isinstance(v, float) else format_number(v)
    return s if len(s) <= 60 else s[:57] + "..."


def find_sheet(raw: RawWorkbook, name: str) -> list[list] | None:
    if name in raw.sheets:
        return raw.sheets[name]
    for n in raw.sheets:
        if n.strip().casefold() == name.casefold():
            return raw.sheets[n]
    return None
