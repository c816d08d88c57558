"""What other spreadsheet apps write that calamine alone reads wrongly, read right.

- Gnumeric indents its ods content.xml; calamine fails on the whitespace between a row and
  its cells, so that whitespace is removed before calamine sees the file. Gnumeric also
  writes a line break inside a cell as <text:line-break/>, which calamine drops.
- Gnumeric's xls stores custom number formats from id 50 on (e.g. `0.##`), an id calamine
  takes for a built-in date format, so typed numbers come back as dates. The xls BIFF
  records give each cell's own format and raw number; a number whose format is no date
  format is put back as that number.
- Formula cells with their formula text: ods (`table:formula`) and xls (FORMULA records,
  whose text is not kept: BIFF stores parsed tokens), so a formula typed in an input cell is
  found in every format, as it is in xlsx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import struct
import zipfile
from html import unescape

from rbxl.core.xlsx import cell_name
from rbxl.intake.model import PERCENT_KEY

# --- ods ---------------------------------------------------------------------------------

# Whitespace before a structural tag (never inside a paragraph's text, where it is content).
_INDENT = re.compile(rb">[ \t\r\n]+<(?=/?(?:table|office):|text:p[ >/])")
_INDENTED = re.compile(rb"<table:table-row\b[^>]*>[ \t\r\n]+<")


_LINE_BREAK = b"<text:line-break/>"


def _plain(xml: bytes) -> bytes:
    # calamine drops <text:line-break/> (Gnumeric's way of writing a line break in a cell)
    return _INDENT.sub(b"><", xml).replace(_LINE_BREAK, b"&#10;")


def read_ods(data: bytes, limit: int) -> tuple[bytes, dict[str, dict[str, str]]]:
    """The ods package as calamine reads it right, and its formula cells (sheet -> {A1: text}).

    content.xml is read once; `limit` bounds it (the package guard has already checked it).
    Bytes that are no readable package are returned as they are: calamine reports what is wrong.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("content.xml")
            if info.file_size > limit:
                return data, {}
            xml = zf.read(info)
            formulas = _formulas(xml) if b"table:formula=" in xml or _PERCENT in xml else {}
            if not _INDENTED.search(xml) and _LINE_BREAK not in xml:
                return data, formulas
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as new:
                for member in zf.infolist():  # mimetype stays first and stored, as ODF requires
                    body = _plain(xml) if member.filename == "content.xml" else zf.read(member)
                    new.writestr(member, body, compress_type=member.compress_type)
            return out.getvalue(), formulas
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return data, {}


# opening tags only; the literal '<table:' prefix lets the scan skip ahead fast
_ODS_TAG = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_FORMULA = re.compile(rb'\btable:formula="([^"]*)"')
_ROWS = re.compile(rb'\btable:number-rows-repeated="(\d+)"')
_COLS = re.compile(rb'\btable:number-columns-repeated="(\d+)"')


_PERCENT = b'office:value-type="percentage"'


def _formulas(xml: bytes) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    sheet, row, col, step = "", -1, 0, 1
    for m in _ODS_TAG.finditer(xml):
        tag, attrs = m.groups()
        if tag == b"table-cell" or tag == b"covered-table-cell":
            if _PERCENT in attrs and row >= 0:  # '75%' typed: the cell holds 0,75 (see guard.PERCENT_KEY)
                out.setdefault(PERCENT_KEY, {})[f"{sheet}!{cell_name(row, col)}"] = ""
            if b"table:formula=" in attrs and row >= 0:
                f = _FORMULA.search(attrs)
                text = unescape(f.group(1).decode("utf-8", "replace")) if f else ""
                out.setdefault(sheet, {})[cell_name(row, col)] = re.sub(r"^of:", "", text)
            n = _COLS.search(attrs) if b"repeated" in attrs else None
            col += int(n.group(1)) if n else 1
        elif tag == b"table-row":
            row, col = row + step, 0  # the previous row counted as often as it was repeated
            n = _ROWS.search(attrs) if b"repeated" in attrs else None
            step = int(n.group(1)) if n else 1
        else:
            name = _NAME.search(attrs)
            sheet, row, step = unescape(name.group(1).decode("utf-8", "replace")) if name else "", -1, 1
    return out


# --- xls (BIFF8) -------------------------------------------------------------------------

_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


def is_date_format(code: str) -> bool:
    """A number format that shows a date or time (d, m, y, h or s outside quotes and [colour])."""
    code = re.sub(r'"[^"]*"|\\.|_.|\*.', "", code)
    code = re.sub(r"\[(?![hms]+\])[^\]]*\]", "", code, flags=re.I)
    return bool(re.search(r"[dmyhs]", code.split(";")[0], re.I))


class XlsCells:
    """Raw numbers of non-date cells and formula cells, per sheet, from an xls's BIFF records."""

    def __init__(self) -> None:
        self.numbers: dict[str, dict[tuple[int, int], float]] = {}
        self.formulas: dict[str, dict[str, str]] = {}

    def fix(self, name: str, grid: list[list]) -> None:
        """Put back, in place, numbers calamine turned into dates although their format is none."""
        for (r, c), n in self.numbers.get(name, {}).items():
            if r < len(grid) and c < len(grid[r]) and isinstance(grid[r][c], (dt.date, dt.time, dt.timedelta)):
                grid[r][c] = n


def xls_cells(data: bytes) -> XlsCells:
    """Scan the Workbook stream; an unreadable one gives an empty result (calamine decides)."""
    out = XlsCells()
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = ole.openstream("Workbook").read()
    except Exception:
        return out
    with contextlib.suppress(struct.error, IndexError, ValueError):  # a truncated record: keep what was read
        _scan(stream, out)
    return out


def _records(stream: bytes):
    pos, n = 0, len(stream)
    while pos + 4 <= n:
        rtype, size = struct.unpack_from("<HH", stream, pos)
        yield pos, rtype, stream[pos + 4:pos + 4 + size]
        pos += 4 + size


def _rk(v: int) -> float:
    if v & 2:
        n = float(v >> 2 if v < 2**31 else (v >> 2) - 2**30)
    else:
        n = struct.unpack("<d", struct.pack("<Q", (v & 0xFFFFFFFC) << 32))[0]
    return n / 100 if v & 1 else n


def _scan(stream: bytes, out: XlsCells) -> None:
    formats: dict[int, str] = {}
    xf_fmt: list[int] = []
    sheets: dict[int, str] = {}
    sheet = ""
    in_globals = True
    date_xf: list[bool] = []
    for pos, rtype, body in _records(stream):
        if in_globals:
            if rtype == 0x041E:  # FORMAT: id, XLUnicodeString
                ifmt, cch, flags = struct.unpack_from("<HHB", body)
                raw = body[5:5 + cch * (2 if flags & 1 else 1)]
                formats[ifmt] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            elif rtype == 0x00E0:  # XF: font, format id
                xf_fmt.append(struct.unpack_from("<HH", body)[1])
            elif rtype == 0x0085:  # BOUNDSHEET: stream offset of the sheet's BOF, name
                offset = struct.unpack_from("<I", body)[0]
                cch, flags = body[6], body[7]
                raw = body[8:8 + cch * (2 if flags & 1 else 1)]
                sheets[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            elif rtype == 0x000A:  # EOF of the globals
                in_globals = False
                date_xf = [_is_date_id(i, formats) for i in xf_fmt]
            continue
        if rtype == 0x0809:  # BOF of a sheet
            sheet = sheets.get(pos, "")
            continue
        if not sheet:
            continue
        if rtype == 0x0203:  # NUMBER
            r, c, xf = struct.unpack_from("<HHH", body)
            _number(out, sheet, r, c, xf, struct.unpack_from("<d", body, 6)[0], date_xf)
        elif rtype == 0x027E:  # RK
            r, c, xf, v = struct.unpack_from("<HHHI", body)
            _number(out, sheet, r, c, xf, _rk(v), date_xf)
        elif rtype == 0x00BD:  # MULRK: row, first column, (xf, rk)*, last column
            r, c0 = struct.unpack_from("<HH", body)
            for i in range((len(body) - 6) // 6):
                xf, v = struct.unpack_from("<HI", body, 4 + 6 * i)
                _number(out, sheet, r, c0 + i, xf, _rk(v), date_xf)
        elif rtype == 0x0006:  # FORMULA: the cell holds a formula; its text is not kept in BIFF
            r, c, xf = struct.unpack_from("<HHH", body)
            out.formulas.setdefault(sheet, {})[cell_name(r, c)] = ""
            if body[12:14] != b"\xff\xff":  # a numeric cached result
                _number(out, sheet, r, c, xf, struct.unpack_from("<d", body, 6)[0], date_xf)


def _is_date_id(ifmt: int, formats: dict[int, str]) -> bool:
    if ifmt in formats:  # the file's own definition wins over the built-in table
        return is_date_format(formats[ifmt])
    return ifmt in _BUILTIN_DATES


def _number(out: XlsCells, sheet: str, r: int, c: int, xf: int, n: float, date_xf: list[bool]) -> None:
    if xf < len(date_xf) and not date_xf[xf]:
        out.numbers.setdefault(sheet, {})[(r, c)] = n
