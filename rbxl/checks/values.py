"""Each typed input cell read by its rule: numbers, percentages, dates, lists, texts, NIP;
the consistency of status and progress; the Tanggal Pengisian's window."""

from __future__ import annotations

import datetime as dt
import math
import re

from rbxl.checks.cells import cell
from rbxl.checks.instrumen import check_evidence
from rbxl.checks.submission import Submission
from rbxl.core.enums import Period, StatusRole
from rbxl.core.findings import Finding, finding
from rbxl.core.values import (
    as_text,
    format_date,
    format_number,
    parse_date,
    parse_graded,
    parse_number,
)
from rbxl.core.xlsx import cell_name
from rbxl.form.spec import (
    SHEET_IDENTITAS,
    DataSheet,
    FormSpec,
    Row,
    Rule,
)

PRIMARY = {"ra_utama": "status", "ra_pendukung": "status", "indikator": "realisasi", "kegiatan": "realisasi",
           "instrumen": "jawaban"}


def read_inputs(sheet: DataSheet, grid: list[list], sub: Submission, formula_cells: dict[str, str],
                 spec: FormSpec, percent: set[str] | frozenset[str] = frozenset()) -> None:
    lists = spec.lists
    primary = PRIMARY.get(sheet.kind)
    empty: list[tuple[str, str]] = []  # (row key, cell) of rows whose main input is blank
    inputs = [(c, f) for c, f in enumerate(sheet.fields) if f.input and not f.formula]
    for i, row in enumerate(sheet.rows):
        r = sheet.first_row + i
        typed: dict[str, object] = {}
        read_as_percent: set[str] = set()
        cells = grid[r] if r < len(grid) else []
        for c, f in inputs:
            if f.key in row.values:  # an input column locked on this row (Identitas)
                continue
            rule = row.rule_for(f)
            raw = cells[c] if c < len(cells) else None
            if raw == "":
                raw = None
            if formula_cells and cell_name(r, c) in formula_cells:
                text = formula_cells[cell_name(r, c)]  # "" where the format keeps no text (xls)
                sub.findings.append(finding("VALUE_FORMULA", file=sub.item.source, unit=sub.unit, sheet=sheet.name,
                                            cell=cell_name(r, c), value=text or f"hasil: {as_text(raw)}"))
                continue
            if raw is None and (rule is None or not rule.required):
                continue  # blank and optional: nothing to read
            if (rule is not None and rule.kind == "decimal" and cell_name(r, c) in percent and "%" in f.header
                    and isinstance(raw, (int, float)) and not isinstance(raw, bool)):
                # '75%' typed into a number cell: the cell holds 0,75 and shows 75%. Read what the unit
                # meant, and say so (the unit is asked to confirm: VALUE_PERCENT_READ asks).
                shown = raw * 100
                sub.findings.append(finding("VALUE_PERCENT_READ", file=sub.item.source, unit=sub.unit,
                                            sheet=sheet.name, cell=cell_name(r, c), value=format_number(shown),
                                            label=rule.label, detail=format_number(raw)))
                raw = round(shown, 9)
                read_as_percent.add(f.key)
            value = _typed(raw, rule, sheet, (r, c), sub, lists) if rule is not None else raw
            if value is not None:
                typed[f.key] = value
                sub.values[(sheet.name, row.key, f.key)] = value
        if sheet.kind == "ra_utama":
            status_typed = cell(grid, r, sheet.col("status")) is not None  # wrong, not missing
            _consistency(sheet, row, r, typed, sub, spec.status_role(typed.get("status")), status_typed,
                         "progres" in read_as_percent)
        if sheet.kind == "instrumen":
            check_evidence(sheet, row, r, typed, sub)
        if primary and primary not in typed and cell(grid, r, sheet.col(primary)) is None:
            empty.append((row.key, cell_name(r, sheet.col(primary))))
    if empty:  # one summary per sheet: a half-filled file is told what is left
        shown = ", ".join(k for k, _ in empty[:15]) + (" ..." if len(empty) > 15 else "")
        code = "ROWS_EMPTY_SUPPORT" if sheet.kind == "ra_pendukung" else "ROWS_EMPTY"
        sub.findings.append(finding(code, file=sub.item.source, unit=sub.unit, sheet=sheet.name, cell=empty[0][1],
                                    value=shown, detail=len(empty), label=sheet.field(primary).header))


def _typed(raw: object, rule: Rule, sheet: DataSheet, at: tuple[int, int], sub: Submission,
           lists: dict[str, list[str]]) -> object:
    """The value of an input cell by its rule, or None (with a finding when it is wrong)."""

    def add(code: str, **kw) -> None:
        sub.findings.append(finding(code, file=sub.item.source, unit=sub.unit, sheet=sheet.name,
                                    cell=cell_name(*at), **kw))

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if rule.required:
            add("VALUE_REQUIRED", label=rule.label)
        return None
    if isinstance(raw, str) and raw.strip().startswith("#") and raw.strip().rstrip("!?0/").upper() in (
            "#DIV", "#N/A", "#VALUE", "#REF", "#NAME", "#NUM", "#NULL"):
        add("VALUE_ERROR_CELL", value=raw)
        return None
    if rule.kind == "list":
        text = as_text(raw)
        choices = lists.get(rule.daftar, [])
        match = next((c for c in choices if c.casefold() == text.casefold()), None)
        if match is None:
            add("VALUE_NOT_IN_LIST", value=text, label=rule.label, choices=", ".join(choices))
            return None
        return match
    if rule.kind == "decimal":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            n = float(raw)
        else:
            text = as_text(raw)
            n = parse_number(text)
            if n is None:
                n = parse_graded(text)[0]  # "72,5 BB": a SAKIP score typed with its grade
            if n is None:
                add("VALUE_NOT_NUMBER", value=text, label=rule.label)
                return None
            add("VALUE_TEXT_NUMBER", value=text, detail=format_number(n))
        low = rule.low if rule.low is not None else float("-inf")
        high = rule.high if rule.high is not None else float("inf")
        if not low <= n <= high:
            add("VALUE_OUT_OF_RANGE", value=format_number(n), label=rule.label, low=format_number(low),
                high=format_number(high))
            return None
        return n
    if rule.kind == "nip":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):  # never guess the digits a number lost
            shown, lost = nip_digits(raw)
            add("VALUE_NIP_NUMBER", value=shown, detail=(
                f"Excel dan LibreOffice membulatkan bilangan menjadi 15 angka, sehingga {lost} digit terakhir NIP "
                "hilang (ditandai ?) dan angka ke-15 bisa ikut berubah karena pembulatan. ") if lost else "")
            return None
        if not isinstance(raw, str):
            add("VALUE_BAD_NIP", value=as_text(raw))
            return None
        text = raw.strip().replace(" ", "").replace(".", "")
        if not re.fullmatch(r"\d{18}", text):
            add("VALUE_BAD_NIP", value=as_text(raw))
            return None
        return text
    if rule.kind == "date":
        d = parse_date(raw)
        if d is None:
            add("VALUE_BAD_DATE", value=as_text(raw))
            return None
        return d
    text = as_text(raw) if not isinstance(raw, float) else format_number(raw)
    if rule.kind == "url" and not re.fullmatch(r"https?://[^\s<>\"]+", text.strip(), flags=re.IGNORECASE):
        add("VALUE_BAD_LINK", value=text, label=rule.label)
        return text  # kept, so nothing typed is lost; the error asks for a real link
    if rule.max_len and len(text) > rule.max_len:
        add("VALUE_TOO_LONG", label=rule.label, detail=len(text), high=rule.max_len)
        return text[: rule.max_len]  # kept (cut) so the text is not lost; the error says so
    return text


LATE_GRACE = dt.timedelta(days=30)  # without a deadline in the Jadwal sheet: the period's end plus this


def dates_read(spec: FormSpec, values: dict, file: str = "", unit: str = "") -> list[Finding]:
    """Every date read from a file, spelled out ('4 Mei 2024'), as info findings with their cells: the
    feedback note and the perbaikan file echo them so a swapped day and month is seen. Not part of
    the file's own findings (they would change nothing about it)."""
    out = []
    for sheet in spec.sheets:
        for i, row in enumerate(sheet.rows):
            for c, f in enumerate(sheet.fields):
                rule = row.rule_for(f) if f.input else None
                d = values.get((sheet.name, row.key, f.key))
                if rule is not None and rule.kind == "date" and isinstance(d, dt.date):
                    out.append(finding("VALUE_DATE_READ", file=file, unit=unit, sheet=sheet.name,
                                       cell=cell_name(sheet.first_row + i, c), value=format_date(d), label=rule.label))
    return out


def fill_window(tahun: int, periode: str, deadline: dt.date | None) -> tuple[dt.date, dt.date]:
    """When a Tanggal Pengisian is plausible: from the period's first day to its deadline (Jadwal),
    or to 30 days after the period's end when the master sets no deadline."""
    start, last = Period(periode).first_day(tahun), Period(periode).last_day(tahun)
    return start, max(deadline, last) if deadline else last + LATE_GRACE


def check_date_window(sub: Submission, spec: FormSpec, deadline: dt.date | None) -> None:
    """A Tanggal Pengisian outside the period and its deadline window (05/04 read as 4 May)."""
    d = sub.values.get((SHEET_IDENTITAS, "tanggal", "nilai"))
    if not isinstance(d, dt.date) or spec.periode not in Period.__members__:
        return
    low, high = fill_window(spec.tahun, spec.periode, deadline)
    if low <= d <= high:
        return
    sheet = spec.sheet(SHEET_IDENTITAS)
    i = next(i for i, r in enumerate(sheet.rows) if r.key == "tanggal")
    detail = ""
    if d.day <= 12 and d.day != d.month:
        try:
            swapped = d.replace(day=d.month, month=d.day)
        except ValueError:
            swapped = None
        if swapped and low <= swapped <= high:
            detail = f": bila maksudnya {format_date(swapped)}, tanggal dan bulannya tertukar; ketik dengan nama bulan"
    sub.findings.append(finding("VALUE_DATE_OUTSIDE", file=sub.item.source, unit=sub.unit, sheet=SHEET_IDENTITAS,
                                cell=cell_name(sheet.first_row + i, sheet.col("nilai")), value=format_date(d),
                                label="Tanggal Pengisian", periode=spec.periode_label, low=format_date(low),
                                high=format_date(high), detail=detail))


def nip_digits(number: float) -> tuple[str, int]:
    """A NIP typed as a number, as digits: ('198001012006041???', 3) when the spreadsheet kept only
    its first 15 significant digits (the lost ones shown as ?), ('1980', 0) when it was short."""
    if not math.isfinite(number) or number < 0:
        return as_text(number), 0
    if number < 1e15:
        return str(round(number)), 0
    mantissa, exponent = f"{number:.14e}".split("e")
    digits = mantissa.replace(".", "")
    lost = int(exponent) + 1 - len(digits)
    return digits + "?" * lost, lost


def _consistency(sheet: DataSheet, row: Row, r: int, typed: dict[str, object], sub: Submission,
                 role: StatusRole | None, status_typed: bool = False, converted: bool = False) -> None:
    """Status against progress and evidence, by what the status means (the master names it)."""
    status, progres = typed.get("status"), typed.get("progres")

    def add(code: str, key: str, **kw) -> None:
        sub.findings.append(finding(code, file=sub.item.source, unit=sub.unit, sheet=sheet.name,
                                    cell=cell_name(r, sheet.col(key)), **kw))

    if progres is not None and 0 < progres < 1 and not converted:  # converted: already said
        add("VALUE_PERCENT_FRACTION", "progres", value=format_number(progres), detail=format_number(progres * 100))
    if role == StatusRole.DONE and progres is not None and progres < 100:
        add("CONSIST_DONE_PROGRESS", "progres", value=format_number(progres), detail=status)
    if role == StatusRole.NOT_STARTED and progres is not None and progres > 0:
        add("CONSIST_NOT_STARTED", "progres", value=format_number(progres), detail=status)
    if role == StatusRole.DONE and not typed.get("bukti"):
        add("CONSIST_DONE_NO_EVIDENCE", "bukti", detail=status)
    if status is None and not status_typed and any(k in typed for k in ("progres", "output", "bukti", "kendala", "tindak_lanjut")):
        add("CONSIST_NO_STATUS", "status")
