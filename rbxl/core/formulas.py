"""Spreadsheet formulas and the Python that computes their cached values, side by side.

Only functions that Excel 2010, LibreOffice and WPS all know are used (IF, AND, OR, ISNUMBER, MAX,
IFERROR, MATCH, COUNTA, COUNTIF, COUNTIFS, AVERAGEIFS, SUM); tests hold them to this list.
"""

from __future__ import annotations

from typing import TypeGuard

from rbxl.core.values import capaian, capaian_kategori


def capaian_formula(target: str, realisasi: str, arah: str, daftar_name: str = "") -> str:
    """Achievement (%) of `realisasi` against `target` (cell references), by direction."""
    if daftar_name:
        rank = "(COUNTA({d})-MATCH({c},{d},0)+1)"
        rr, rt = rank.format(d=daftar_name, c=realisasi), rank.format(d=daftar_name, c=target)
        return f'=IF(OR({realisasi}="",{target}=""),"",IFERROR({rr}/{rt}*100,""))'
    ok = f"AND(ISNUMBER({target}),ISNUMBER({realisasi}))"
    if arah == "sama":
        return f'=IF({ok},IF({realisasi}={target},100,0),"")'
    if arah == "turun":
        return f'=IF(AND({ok},{target}<>0),MAX(0,(2*{target}-{realisasi})/{target}*100),"")'
    return f'=IF(AND({ok},{target}<>0),{realisasi}/{target}*100,"")'


def capaian_value(target: object, realisasi: object, arah: str, ordered: list[str] | None = None) -> float | str:
    """The value the formula above yields, for the cached result ('' when it shows blank)."""
    if ordered:
        if target in (None, "") or realisasi in (None, ""):
            return ""
        v = capaian_kategori(str(realisasi), str(target), ordered)
        return "" if v is None else v
    if not _is_num(target) or not _is_num(realisasi):
        return ""
    v = capaian(float(realisasi), float(target), arah)
    return "" if v is None else v


def _is_num(v: object) -> TypeGuard[float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
