"""Render a FormSpec as a protected xlsx workbook with xlsxwriter.

Inputs are unlocked and yellow; everything else is locked. Dropdowns read hidden-sheet ranges
through defined names; every formula carries its cached value.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rbxl.core.atomic import atomic_path
from rbxl.core.formulas import capaian_formula, capaian_value
from rbxl.core.signing import CREATED, SIGNATURE, TEMPLATE_ID, sign
from rbxl.core.xlsx import HEADER_FILL, cell_name, column_ref, print_a4
from rbxl.form.spec import (
    DATE_FORMAT,
    DATE_HINT,
    GUIDE_SHEET,
    HEADER_ROW,
    LIST_SHEET,
    META_SHEET,
    PASTE_HINT,
    Answers,
    DataSheet,
    FormSpec,
    Row,
    Rule,
    list_name,
)

Marks = dict[tuple[str, str, str], str]  # (sheet, row key, field key) -> comment: what to fix there

WB_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
              "in_memory": True}
INPUT_FILL = "#FFF2CC"
MARK_FILL = "#F8CBAD"  # a cell the unit must look at again (perbaikan files)
PREFILL_FILL = "#DDEBF7"  # an input prefilled from the last accepted period: still editable, visibly marked
HEAD_FILL = HEADER_FILL
LOCKED_FILL = "#F2F2F2"


class _Formats:
    def __init__(self, wb):
        self.wb = wb
        self.cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]

    def locked(self, num_format: str = "", marked: bool = False):
        key = ("locked", num_format, marked)
        if key in self.cache:
            return self.cache[key]
        p = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF",
             "bg_color": MARK_FILL if marked else LOCKED_FILL}
        if num_format:
            p["num_format"] = num_format
        self.cache[key] = self.get(**p)
        return self.cache[key]

    def input(self, rule: Rule | None, num_format: str = "", marked: bool = False, prefilled: bool = False):
        key = ("input", rule.kind if rule is not None else "", num_format, marked, prefilled)
        if key in self.cache:
            return self.cache[key]
        fill = MARK_FILL if marked else (PREFILL_FILL if prefilled else INPUT_FILL)
        p = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "#C00000" if marked else "#BF9000",
             "bg_color": fill, "locked": False}
        if prefilled:
            p["italic"] = True
        if rule is not None and rule.kind == "date":
            p["num_format"] = DATE_FORMAT
        elif rule is not None and rule.kind in ("nip", "text", "url"):
            p["num_format"] = "@"
        elif num_format:
            p["num_format"] = num_format
        self.cache[key] = self.get(**p)
        return self.cache[key]


def write_template(spec: FormSpec, path: str | Path, answers: Answers | None = None,
                   created: dt.datetime | None = None, marks: Marks | None = None,
                   first_sheet: Callable[[Any], None] | None = None, prefilled: set | None = None,
                   key: bytes | None = None, template_id: str | None = None) -> Path:
    """Write the unit's workbook atomically; `answers` pre-fills inputs (demo data, tests, perbaikan,
    and the last accepted values: their keys in `prefilled` get the prefill fill, rbxl.template.prefill).

    `marks` highlights cells and gives each a comment; `first_sheet(workbook)` adds a sheet before
    all others (the perbaikan file's list of findings). With `key` (rbxl.core.signing, the output
    folder's key) the hidden meta sheet is signed, so validation can tell the file is genuine.
    """
    path = Path(path)
    answers = answers or {}
    marks = marks or {}
    with atomic_path(path) as tmp:
        password = spec.settings.get("sandi_proteksi") or ""
        wb = protected_workbook(tmp, password)
        fm = _Formats(wb)
        # document times are UTC (xlsxwriter writes them with 'Z'); intake converts back to local
        created = created or dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        meta = spec.meta() | {CREATED: created.isoformat(), TEMPLATE_ID: template_id or uuid.uuid4().hex}
        if key is not None:
            meta[SIGNATURE] = sign(meta, key)
        wb.set_properties({
            "title": f"Monitoring RB {spec.unit_singkatan} {spec.periode_label}",
            "subject": "Monitoring Road Map Reformasi Birokrasi",
            "author": "rbxl", "company": spec.settings.get("nama_pemda", ""),
            "created": created, "keywords": f"rbxl;{spec.unit_kode};{spec.tahun};{spec.periode}",
        })
        for name in ("format", "layout", "unit", "tahun", "periode", "master"):
            wb.set_custom_property(f"rbxl_{name}", meta[name])

        if first_sheet is not None:
            first_sheet(wb)
        _guide(wb, fm, spec, password)
        for sheet in spec.sheets:
            _data_sheet(wb, fm, spec, sheet, answers, password, marks, prefilled or set())
        _lists(wb, spec, password)
        _meta(wb, meta, password)
        wb.worksheets()[0].activate()
        wb.close()
    return path


def protected_workbook(path: str | Path, password: str = "") -> Any:
    """An xlsxwriter Workbook whose structure is protected (no renaming, adding, deleting,
    unhiding or moving sheets).

    XlsxWriter has no API for it, so `<workbookProtection lockStructure="1"/>` is written where
    the schema wants it (after workbookPr, before bookViews) by extending the one method that
    writes that place, instead of unzipping and re-compressing the finished file (that doubled
    the time to write a template).
    """
    import xlsxwriter

    attrs = [("lockStructure", "1")] + ([("workbookPassword", _password_hash(password))] if password else [])

    class ProtectedWorkbook(xlsxwriter.Workbook):
        def _write_book_views(self) -> None:
            self._xml_empty_tag("workbookProtection", attrs)
            super()._write_book_views()

    return ProtectedWorkbook(str(path), WB_OPTIONS)


def _password_hash(password: str) -> str:
    """The legacy 16-bit hash Excel stores for sheet and workbook protection (ECMA-376 Part 4)."""
    digest = 0
    for char in password[::-1]:
        digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
        digest ^= ord(char)
    digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
    return f"{digest ^ len(password) ^ 0xCE4B:X}"


# Column units: the column fits an A4 portrait page (0.4" margins) at 100%. LibreOffice prints this
# sheet unscaled whatever fit-to-width says (seen in its PDF export), so the width itself must fit.
GUIDE_WIDTH = 76


def _guide(wb, fm: _Formats, spec: FormSpec, password) -> None:
    """The Petunjuk sheet: one wrapped line of guidance per row, each row tall enough for its
    wrapped text (spreadsheets do not grow row heights on open), one column as wide as the page."""
    ws = wb.add_worksheet(GUIDE_SHEET)
    body = fm.get(text_wrap=True, valign="top")
    ws.set_column(0, 0, GUIDE_WIDTH, body)
    title = fm.get(bold=True, font_size=13, text_wrap=True, valign="top")
    head = fm.get(bold=True, text_wrap=True, valign="bottom", font_color=HEAD_FILL)
    for i, line in enumerate(spec.guide):
        if i == 0:
            fmt, height = title, guide_height(line, font_size=13)
        elif line.isupper() and line:
            fmt, height = head, 22.0  # a little air above each heading
        else:
            fmt, height = body, guide_height(line)
        ws.write_string(i, 0, line, fmt)
        ws.set_row(i, height)
    ws.protect(password, {"format_columns": True, "format_rows": True, "autofilter": True})
    _print_setup(ws, spec, repeat=None, portrait=True)
    ws.print_area(0, 0, max(len(spec.guide) - 1, 0), 0)


def guide_height(text: str, font_size: float = 11) -> float:
    """Points for a Petunjuk line wrapped in the guide column. 1.15 characters per column unit:
    LibreOffice's substitute font (DejaVu Sans, the widest of the usual ones) fits about 1.25 and
    Calibri more, so the estimate errs towards a spare line, never a cut one."""
    per_line = max(int(GUIDE_WIDTH * 1.15 * 11 / font_size), 10)
    lines = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")) if text else 1
    return min(round(lines * font_size * 1.4 + 2, 1), 409.0)


def _data_sheet(wb, fm: _Formats, spec: FormSpec, sheet: DataSheet, answers: Answers, password,
                marks: Marks, prefilled: set = frozenset()) -> None:
    ws = wb.add_worksheet(sheet.name)
    last_col = len(sheet.fields) - 1
    ws.merge_range(0, 0, 0, last_col, sheet.title, fm.get(bold=True, font_size=13))
    ws.merge_range(1, 0, 1, last_col, sheet.subtitle, fm.get(bold=True))
    ws.merge_range(2, 0, 2, last_col, sheet.note, fm.get(italic=True, text_wrap=True, valign="top"))
    ws.set_row(2, 30)
    head = fm.get(bold=True, text_wrap=True, valign="vcenter", align="center", border=1,
                  bg_color=HEAD_FILL, font_color="#FFFFFF")
    head_in = fm.get(bold=True, text_wrap=True, valign="vcenter", align="center", border=1,
                     bg_color="#BF9000", font_color="#FFFFFF")
    for c, f in enumerate(sheet.fields):
        ws.write_string(HEADER_ROW, c, f.header, head_in if f.input else head)
        ws.set_column(c, c, f.width)
    ws.set_row(HEADER_ROW, 45)

    first = sheet.first_row
    runs: dict[int, list[list]] = {}  # column -> [rule, first row, last row] runs of equal rules
    for i, row in enumerate(sheet.rows):
        r = first + i
        for c, f in enumerate(sheet.fields):
            mark = marks.get((sheet.name, row.key, f.key)) if marks else None
            if f.formula:
                _capaian(ws, fm, sheet, row, r, c, f.num_format, answers)
            elif row.is_input(f):
                rule = row.rule_for(f)
                key = (sheet.name, row.key, f.key)
                _write_value(ws, r, c, answers.get(key), fm.input(rule, f.num_format, bool(mark), key in prefilled))
                col_runs = runs.setdefault(c, [])
                if col_runs and col_runs[-1][0] == rule and col_runs[-1][2] == r - 1:
                    col_runs[-1][2] = r
                else:
                    col_runs.append([rule, r, r])
            else:
                _write_value(ws, r, c, row.values.get(f.key, ""), fm.locked(f.num_format, bool(mark)))
            if mark:
                ws.write_comment(r, c, mark, {"x_scale": 2.2, "y_scale": 2.5})
        ws.set_row(r, row_height(sheet, row, answers))
    for c, col_runs in runs.items():  # one validation per run of cells with the same rule
        for rule, r1, r2 in col_runs:
            if rule is not None:
                _validation(ws, r1, c, rule, r2)
    last = first + max(len(sheet.rows), 1) - 1
    if sheet.kind != "identitas":
        ws.autofilter(HEADER_ROW, 0, last, last_col)
        ws.freeze_panes(first, 3)
    else:
        ws.freeze_panes(first, 0)
    ws.protect(password, {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    _print_setup(ws, spec, repeat=HEADER_ROW)


def fit_height(cells) -> float:
    """Row height (points) showing every wrapped (text, column width) pair: spreadsheets do not
    auto-fit row heights when a file is opened, so wrapped text would be cut or overlap."""
    lines = 1
    for value, width in cells:
        if not isinstance(value, str) or not value:
            continue
        per_line = max(int(width * 1.1), 4)
        n = sum(_wrapped_lines(part, per_line) for part in value.split("\n"))
        lines = max(lines, n)
    return min(15.0 * lines + 3, 409.0)


def _wrapped_lines(text: str, per_line: int) -> int:
    """Lines a spreadsheet needs for `text` wrapped at word boundaries, `per_line` characters each:
    a word that does not fit moves whole to the next line, so dividing the length undercounts."""
    lines, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > per_line:
            lines += 1
            used = 0
            need = len(word)
        while need > per_line:  # a word longer than the line breaks inside it
            lines += 1
            need -= per_line
        used += need
    return lines


def row_height(sheet: DataSheet, row: Row, answers: Answers | None = None) -> float:
    """Points needed to show every wrapped cell of a template row."""
    def value(f):
        v = row.values.get(f.key)
        if v is None and answers:
            v = answers.get((sheet.name, row.key, f.key))
        return v
    return fit_height((value(f), f.width) for f in sheet.fields)


def _write_value(ws, r: int, c: int, value, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _capaian(ws, fm, sheet: DataSheet, row: Row, r: int, c: int, num_format: str, answers: Answers) -> None:
    target = cell_name(r, sheet.col("target"))
    real = cell_name(r, sheet.col("realisasi"))
    daftar = row.calc.get("daftar", "")
    formula = capaian_formula(target, real, row.calc.get("arah", "naik"), list_name(daftar) if daftar else "")
    ordered = row.calc.get("urutan") or None
    value = capaian_value(row.values.get("target"), answers.get((sheet.name, row.key, "realisasi")),
                          row.calc.get("arah", "naik"), ordered)
    ws.write_formula(r, c, formula, fm.locked(num_format), value)


def _validation(ws, r: int, c: int, rule: Rule, r2: int | None = None) -> None:
    title = rule.label[:32]
    opts: dict = {"input_title": title, "input_message": rule.prompt[:255] if rule.prompt else "",
                  "error_title": "Isian tidak valid"[:32]}
    if rule.kind == "list":
        opts |= {"validate": "list", "source": f"={list_name(rule.daftar)}",
                 "error_message": f"Pilih {rule.label} dari daftar. {PASTE_HINT}"[:255]}
    elif rule.kind == "decimal":
        opts |= {"validate": "decimal", "criteria": "between", "minimum": rule.low, "maximum": rule.high,
                 "error_message": _bounds_message(rule)}
    elif rule.kind in ("text", "url"):
        opts |= {"validate": "length", "criteria": "<=", "value": rule.max_len,
                 "error_message": f"{rule.label} maksimum {rule.max_len} karakter."}
    elif rule.kind == "nip":
        opts |= {"validate": "length", "criteria": "==", "value": 18,
                 "error_message": "NIP harus 18 digit angka."}
    elif rule.kind == "date":
        opts |= {"validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
                 "maximum": dt.date(2100, 12, 31), "error_message": f"Isi tanggal yang valid. {DATE_HINT}"[:255]}
    else:
        return
    if not opts["input_message"]:
        del opts["input_message"]
        del opts["input_title"]
    ws.data_validation(r, c, r if r2 is None else r2, c, opts)


def _bounds_message(rule: Rule) -> str:
    from rbxl.core.values import format_number

    if rule.high is not None and rule.high >= 1e9:
        return f"{rule.label} harus angka minimal {format_number(rule.low)}."
    return f"{rule.label} harus angka antara {format_number(rule.low)} dan {format_number(rule.high)}."


def write_list_sheet(wb, lists: dict[str, list[str]]):
    """The hidden sheet of dropdown values, one column per list, each behind a defined name
    (so no validation ever holds an inline list, which Excel caps at 255 characters)."""
    ws = wb.add_worksheet(LIST_SHEET)
    for c, (name, values) in enumerate(lists.items()):
        ws.write_string(0, c, name)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
        wb.define_name(list_name(name), "=" + column_ref(LIST_SHEET, c, 1, max(len(values), 1)))
    ws.hide()
    return ws


def _lists(wb, spec: FormSpec, password) -> None:
    write_list_sheet(wb, spec.lists).protect(password)


def _meta(wb, meta: dict[str, str], password) -> None:
    ws = wb.add_worksheet(META_SHEET)
    ws.write_string(0, 0, "kunci")
    ws.write_string(0, 1, "nilai")
    for r, (k, v) in enumerate(meta.items(), start=1):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    ws.very_hidden()
    ws.protect(password)


def _print_setup(ws, spec: FormSpec, repeat: int | None, portrait: bool = False) -> None:
    print_a4(ws, landscape=not portrait, repeat_row=repeat, footer_left=f"{spec.unit_singkatan} - {spec.periode_label}")
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)

