"""Perbaikan files: the unit's own workbook back, marked up with what to fix.

For every unit whose file needs fixing (Perlu perbaikan), or was rejected while its content can
still be read (locked cells changed, rows moved), a fresh template from the same FormSpec is
written with every value the unit typed put back in its cell, each finding's cell highlighted
with an Indonesian comment, and a first sheet "Perbaikan" listing the findings with a link to
each cell. Locked cells come back from the master; what the unit tried to change is listed.
A value that cannot stay in its cell (not a number, not in the list) is shown in the comment and
the list instead, so nothing typed is lost. The received bytes stay untouched in the archive.

The values are read back by re-checking the unit's cells laid out as the template expects (rows
found by their code when the unit moved them), so the marks are exactly what validate reports.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rbxl.checks.structure import (
    check,
    sheets_of,  # the one rule for finding a (renamed) sheet
)
from rbxl.checks.submission import NEEDS_FIX, REJECTED, Submission
from rbxl.checks.values import dates_read
from rbxl.core.atomic import write_text
from rbxl.core.findings import ASKING, ERROR, INFO, SEVERITY_ID, WARNING, Finding, finding
from rbxl.core.paths import PERBAIKAN_LIST, archive_dir, perbaikan_dir
from rbxl.core.signing import load_signing
from rbxl.core.text import clean_text, clip, csv_safe
from rbxl.core.values import as_text, format_date
from rbxl.core.workers import map_isolated
from rbxl.core.xlsx import A4, cell_name
from rbxl.form.spec import (
    HEADER_ROW,
    META_SHEET,
    PERBAIKAN_SHEET,
    Answers,
    DataSheet,
    FormSpec,
    plan,
)
from rbxl.intake import RawWorkbook, Rejected, read_workbook
from rbxl.intake.archive import archive_name
from rbxl.master.model import Roadmap
from rbxl.template.generate import template_name
from rbxl.template.write import HEAD_FILL, MARK_FILL, Marks, fit_height, write_template

if TYPE_CHECKING:
    from rbxl.checks.report import Report

LISTING = PERBAIKAN_LIST  # the units that must fix something, read by `kirim --umpan-balik`
LISTING_FIELDS = ["unit", "nama", "putusan", "berkas", "sumber", "sha256"]
SUFFIX = "_perbaikan.xlsx"

# a rejected file whose cells cannot be trusted to belong to this unit and period, or be read at all
# (a CSV holds one sheet's text; a blank template has nothing of the unit's to put back)
UNREADABLE = {"FILE_EMPTY", "FILE_UNREADABLE", "FILE_ENCRYPTED", "FILE_TOO_LARGE", "FILE_NOT_TEMPLATE",
              "FILE_META_TAMPERED", "FILE_UNKNOWN_UNIT", "FILE_WRONG_PERIOD", "FILE_CSV", "FILE_BLANK",
              "FILE_UNSIGNED", "FILE_SIGNATURE_BAD"}  # an identity not signed by the office: not the unit's cells
# findings about the received file's layout, listed (with the file's own cell) but not re-checked
LAYOUT = {"CELL_CHANGED", "SHEET_MISSING", "SHEET_RENAMED", "FILE_MASTER_CHANGED", "SHEET_EXTRA", "ROW_EXTRA",
          "CELL_OUTSIDE", "ROW_INSERTED", "ROW_DELETED"}
TYPED_ELSEWHERE = {"SHEET_EXTRA", "ROW_EXTRA", "CELL_OUTSIDE"}  # their value is something the unit typed
FIXED_BY_REWRITE = {"VALUE_TEXT_NUMBER", "VALUE_PERCENT_READ"}  # the rewritten cell already holds the number


@dataclass
class Entry:
    """One line of the Perbaikan sheet."""

    severity: str
    code: str
    sheet: str
    cell: str  # in the perbaikan file ('' when the place no longer exists there)
    message: str
    typed: str = ""  # what the unit typed, when it could not stay in the cell
    original_cell: str = ""  # where it was in the received file, when that differs


@dataclass
class Perbaikan:
    unit: str
    putusan: str
    source: str  # the received file
    path: Path | None  # None: the file could not be read, the unit gets the text note only
    entries: list[Entry] = field(default_factory=list)
    answers: Answers = field(default_factory=dict)


def units_to_fix(report: Report) -> dict[str, Submission]:
    """Per unit, the file the unit must fix: the one whose values are used when it needs fixing,
    else (nothing usable) its newest rejected file."""
    out: dict[str, Submission] = {}
    for unit, sub in report.chosen.items():
        if sub.verdict == NEEDS_FIX:
            out[unit] = sub
    from rbxl.checks.validate import arrival

    for sub in report.submissions:
        if sub.verdict != REJECTED or not sub.unit or sub.unit in report.chosen:
            continue
        old = out.get(sub.unit)
        if old is None or arrival(sub.item, report.template_made) > arrival(old.item, report.template_made):
            out[sub.unit] = sub
    return out


def readable(sub: Submission, tahun: int, periode: str) -> bool:
    return bool(sub.unit) and (sub.tahun, sub.periode) == (tahun, periode) and not any(
        f.code in UNREADABLE for f in sub.findings)


def write_perbaikan(report: Report, roadmap: Roadmap, out: str | Path,
                    workers: int | None = None, archive_out: str | Path | None = None) -> list[Perbaikan]:
    """Write perbaikan/<UNIT>_..._perbaikan.xlsx for every unit that must fix its file, and
    perbaikan/daftar.csv; files of units that no longer need a fix are removed. A file whose
    bytes are not in memory is read from the archive under `archive_out` (bawaan: `out`).

    Each unit's file is read and written in a worker process (memory-capped, as in validate):
    writing the workbooks is the cost, and it spreads over the cores as generate does.
    """
    folder = perbaikan_dir(out, report.tahun, report.periode)
    key = load_signing(archive_out or out).key  # signed like a template; never creates the key (rbxl.core.signing)
    jobs = []
    for unit, sub in sorted(units_to_fix(report).items()):
        if unit not in roadmap.units:
            continue
        if readable(sub, report.tahun, report.periode) and not sub.item.data:
            sub = dataclasses.replace(sub, item=dataclasses.replace(sub.item, data=_archived(sub, archive_out or out,
                                                                                             report)))
        jobs.append((sub, report.tahun, report.periode, folder, key))
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    done: list[Perbaikan] = []
    if workers > 1 and len(jobs) >= 4:  # a worker that dies or hangs costs its unit the workbook only
        done = map_isolated(_job, jobs, initializer=_init, initargs=(roadmap,), workers=workers, failed=_job_failed)
    if not done:
        done = [_make(*job, roadmap) for job in jobs]
    keep = {p.path.name for p in done if p.path}
    if folder.is_dir():
        for old in folder.glob(f"*{SUFFIX}"):
            if old.name not in keep:
                old.unlink()  # a unit whose new file is fine must not be sent an old list of mistakes
    _write_listing(folder / LISTING, done, roadmap, units_to_ask(report, roadmap))
    return done


def one_list(report: Report, done: list[Perbaikan]) -> None:
    """A rejected file's checks stop at what rejects it, while its perbaikan file lists every problem
    the unit must fix: those are added to the file's findings, so the console, the findings workbook,
    the feedback note and the e-mail show the same list as the Perbaikan sheet. Their cells are the
    perbaikan file's (the file the unit is sent back)."""
    by_source = {p.source: p for p in done if p.path}
    for sub in report.submissions:
        p = by_source.get(sub.item.source)
        if p is None or sub.verdict != REJECTED:
            continue
        # the layout findings are in the entries, said as the perbaikan file says them
        kept = [f for f in sub.findings if f.code not in LAYOUT]
        seen = {(f.code, f.sheet, f.cell, f.message) for f in kept}
        for e in p.entries:
            cell = e.original_cell if e.code in LAYOUT else e.cell
            if (e.code, e.sheet, cell, e.message) in seen:
                continue
            seen.add((e.code, e.sheet, cell, e.message))
            kept.append(Finding(e.code, e.severity, e.message, sub.item.source, sub.unit, e.sheet, cell, e.typed))
        sub.findings = kept


def units_to_ask(report: Report, roadmap: Roadmap) -> list[Submission]:
    """Units whose kept file is accepted but has a warning only the unit can settle (findings.ASKING:
    a progress read as a percentage, a date outside the period, progress gone down...): they get the
    feedback note by `kirim --umpan-balik`, without a perbaikan file."""
    return [sub for unit, sub in sorted(report.chosen.items())
            if unit in roadmap.units and sub.verdict != NEEDS_FIX and any(f.code in ASKING for f in sub.findings)]


_STATE: dict = {}


def _init(roadmap: Roadmap) -> None:
    _STATE["roadmap"] = roadmap


def _job_failed(job: tuple, why) -> Perbaikan:
    sub = job[0]
    return Perbaikan(sub.unit, sub.verdict, sub.item.source, None)  # the text note only


def _job(job: tuple) -> Perbaikan:
    return _make(*job, _STATE["roadmap"])


def _make(sub: Submission, tahun: int, periode: str, folder: Path, key: bytes | None, roadmap: Roadmap) -> Perbaikan:
    """One unit's perbaikan file (path None when its file cannot be read: a text note only)."""
    spec = plan(roadmap, sub.unit, tahun, periode)
    p = build(sub, roadmap, tahun, periode, sub.item.data, spec) if readable(sub, tahun, periode) else None
    if p is None:
        return Perbaikan(sub.unit, sub.verdict, sub.item.source, None)
    p.path = folder / template_name(spec).replace(".xlsx", SUFFIX)
    # dated by when the unit's file was received, so re-running the same inputs rewrites the same bytes
    created = sub.item.received.astimezone(dt.UTC).replace(tzinfo=None) if sub.item.received else None
    write_template(spec, p.path, p.answers, marks=cell_marks(spec, p.entries), key=key, created=created,
                   template_id=hashlib.sha256(f"perbaikan:{sub.item.sha256}".encode()).hexdigest()[:32],
                   first_sheet=functools.partial(_listing_sheet, p=p, spec=spec, name=sub.item.name,
                                                 verdict=sub.verdict))
    return p


def _archived(sub: Submission, out: str | Path, report: Report) -> bytes:
    copy = archive_dir(out, report.tahun, report.periode) / archive_name(sub.item.sha256, sub.item.name)
    return copy.read_bytes() if copy.is_file() else b""


def build(sub: Submission, roadmap: Roadmap, tahun: int, periode: str, data: bytes,
          spec: FormSpec | None = None) -> Perbaikan | None:
    """Answers and findings of a perbaikan file for `sub`, or None when its cells cannot be read."""
    item = dataclasses.replace(sub.item, data=data)  # the e-mail sender too: its finding is listed
    try:
        raw = read_workbook(item)
    except (Rejected, MemoryError):
        return None
    spec = spec or plan(roadmap, sub.unit, tahun, periode)
    p = Perbaikan(sub.unit, sub.verdict, sub.item.source, None)
    sheets: dict[str, list[list]] = {META_SHEET: [["kunci", "nilai"], *[[k, v] for k, v in spec.meta().items()]]}
    formulas: dict[str, dict[str, str]] = {}
    percent: dict[str, set[str]] = {}  # cells shown as a percentage, at their place in the perbaikan file
    moved: dict[str, dict[int, int]] = {}  # sheet -> received row -> perbaikan row (0-based)
    found = sheets_of(raw, spec)  # by name, or by headers when the unit renamed the sheet
    for sheet in spec.sheets:
        grid, found_as = found.get(sheet.name, (None, ""))
        rows = _row_map(sheet, grid) if grid is not None else {}
        moved[sheet.name] = {orig: sheet.first_row + i for i, orig in rows.items()}
        as_named = found_as or _name(raw, sheet.name) or sheet.name
        sheets[sheet.name], formulas[sheet.name] = _laid_out(sheet, grid or [], rows, raw.formulas.get(as_named, {}))
        percent[sheet.name] = set()
        for ref in raw.percent.get(as_named, set()):
            src = _row_of(ref)
            if src is not None and src in moved[sheet.name]:
                percent[sheet.name].add(cell_name(moved[sheet.name][src], _col_of(ref)))
        for i, row in enumerate(sheet.rows):
            if i not in rows and grid is not None:
                first_input = next((c for c, f in enumerate(sheet.fields) if row.is_input(f) and not f.formula), 0)
                f = finding("PERBAIKAN_ROW_RESTORED", unit=sub.unit, sheet=sheet.name,
                            cell=cell_name(sheet.first_row + i, first_input), value=_row_label(sheet, row))
                p.entries.append(Entry(f.severity, f.code, f.sheet, f.cell, f.message))
    recheck = check(item, RawWorkbook(sheets, saved_at=raw.saved_at, formulas=formulas, percent=percent), roadmap,
                    tahun, periode,
                    {sub.unit: spec})

    typed_out: dict[tuple[str, str], str] = {}  # (sheet, cell) -> what could not stay in the cell
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in recheck.findings:
        by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for sheet in spec.sheets:
        grid = sheets[sheet.name]
        for i, row in enumerate(sheet.rows):
            r = sheet.first_row + i
            for c, f in enumerate(sheet.fields):
                if f.formula or not row.is_input(f):
                    continue
                key = (sheet.name, row.key, f.key)
                typed = grid[r][c] if c < len(grid[r]) else None
                codes = {x.code for x in by_cell.get((sheet.name, cell_name(r, c)), [])}
                if key in recheck.values:
                    # a cut text is put back whole: the unit shortens it, nothing is lost
                    p.answers[key] = typed if "VALUE_TOO_LONG" in codes else recheck.values[key]
                elif typed not in (None, ""):
                    typed_out[(sheet.name, cell_name(r, c))] = clip(as_text(typed))  # core.text.MAX_ECHO
    for f in [*recheck.findings, *dates_read(spec, recheck.values)]:  # dates echoed spelled out
        if f.code in ("FILE_META_MISSING", "FILE_OLD_MASTER"):
            continue
        p.entries.append(Entry(f.severity, f.code, f.sheet, f.cell, f.message,
                               typed_out.get((f.sheet, f.cell), "")))
    for f in sub.findings:
        if f.code not in LAYOUT:
            continue
        e = _layout_entry(f, moved.get(f.sheet, {}))
        if e.code == "PERBAIKAN_ROWS_REORDERED" and any(x.code == e.code and x.sheet == e.sheet for x in p.entries):
            continue  # one line per sheet whose rows were moved, not one per moved cell
        p.entries.append(e)
    return p


def _layout_entry(f: Finding, moved: dict[int, int]) -> Entry:
    """A finding about the received file's layout, placed in the perbaikan file where it can be."""
    r = _row_of(f.cell)
    if f.code == "CELL_CHANGED" and r is not None and r in moved and moved[r] != r:
        # the row is elsewhere in the master's order: the unit moved rows, not this cell
        g = finding("PERBAIKAN_ROWS_REORDERED", sheet=f.sheet)
        return Entry(g.severity, g.code, f.sheet, "", g.message, original_cell=f.cell)
    if f.code == "CELL_CHANGED" and r is not None and (r in moved or r == HEADER_ROW):
        g = finding("PERBAIKAN_LOCKED_RESTORED", value=f.value)
        return Entry(g.severity, g.code, f.sheet, f.cell, g.message, f.value, original_cell=f.cell)
    return Entry(f.severity, f.code, f.sheet, "", f.message, f.value if f.code in TYPED_ELSEWHERE else "",
                 original_cell=f.cell)


def _name(raw: RawWorkbook, name: str) -> str | None:
    if name in raw.sheets:
        return name
    return next((n for n in raw.sheets if n.strip().casefold() == name.casefold()), None)


def _key_field(sheet: DataSheet) -> str:
    keys = [f.key for f in sheet.fields]
    return "kode" if "kode" in keys else keys[0]


def _norm(v: object) -> str:
    return " ".join(as_text(v).split()).casefold()


def _row_map(sheet: DataSheet, grid: list[list]) -> dict[int, int]:
    """Spec row index -> row of the received grid holding it: found by its code, so a unit that
    sorted or deleted rows still gets its values back in the right row; else the same position."""
    kc = sheet.col(_key_field(sheet))
    key = _key_field(sheet)

    def at(r: int) -> str:
        return _norm(grid[r][kc]) if r < len(grid) and kc < len(grid[r]) else ""

    where: dict[str, list[int]] = {}
    for r in range(sheet.first_row, len(grid)):
        if at(r):
            where.setdefault(at(r), []).append(r)
    out: dict[int, int] = {}
    claimed: set[int] = set()
    for i, row in enumerate(sheet.rows):
        want = _norm(row.values.get(key))
        r0 = sheet.first_row + i
        if want and at(r0) == want:
            out[i] = r0
        elif want and len(where.get(want, [])) == 1:
            out[i] = where[want][0]
        if i in out:
            claimed.add(out[i])
    codes = {_norm(row.values.get(key)) for row in sheet.rows}
    for i in range(len(sheet.rows)):  # the code itself was overwritten: trust the position
        r0 = sheet.first_row + i
        if i not in out and r0 not in claimed and r0 < len(grid) and at(r0) not in codes:
            out[i] = r0
    return out


def _laid_out(sheet: DataSheet, grid: list[list], rows: dict[int, int],
              formulas: dict[str, str]) -> tuple[list[list], dict[str, str]]:
    """The unit's input cells where the template has them, locked cells as the master has them."""
    width = len(sheet.fields)
    out: list[list] = [[sheet.title], [sheet.subtitle], [sheet.note], [f.header for f in sheet.fields]]
    moved: dict[str, str] = {}  # formula cells, at their place in the perbaikan file
    for i, row in enumerate(sheet.rows):
        src = rows.get(i)
        cells = grid[src] if src is not None and src < len(grid) else []
        line: list = []
        for c, f in enumerate(sheet.fields):
            if f.formula:
                line.append(None)
            elif row.is_input(f):
                line.append(cells[c] if c < len(cells) else None)
                if src is not None and cell_name(src, c) in formulas:
                    moved[cell_name(sheet.first_row + i, c)] = formulas[cell_name(src, c)]
            else:
                line.append(row.values.get(f.key, ""))
        out.append(line + [None] * (width - len(line)))
    return out, moved


def _row_of(cell: str) -> int | None:
    from xlsxwriter.utility import xl_cell_to_rowcol

    try:
        return xl_cell_to_rowcol(cell)[0] if cell else None
    except (AttributeError, TypeError, ValueError):
        return None


def _col_of(cell: str) -> int:
    from xlsxwriter.utility import xl_cell_to_rowcol

    return xl_cell_to_rowcol(cell)[1]


def _row_label(sheet: DataSheet, row) -> str:
    return as_text(row.values.get(_key_field(sheet))) or row.key


def cell_marks(spec: FormSpec, entries: list[Entry]) -> Marks:
    """Comments for the highlighted cells: every entry placed on a cell of a data sheet."""
    marks: Marks = {}
    by_sheet = {s.name: s for s in spec.sheets}
    for e in entries:
        sheet = by_sheet.get(e.sheet)
        r = _row_of(e.cell)
        if sheet is None or r is None or e.severity == INFO or e.code in FIXED_BY_REWRITE:
            continue
        i = r - sheet.first_row
        c = _col_of(e.cell)
        if not (0 <= i < len(sheet.rows) and 0 <= c < len(sheet.fields)):
            continue
        text = e.message + (f"\nIsian Anda: '{e.typed}'" if e.typed else "")
        key = (sheet.name, sheet.rows[i].key, sheet.fields[c].key)
        marks[key] = f"{marks[key]}\n\n{text}" if key in marks else text
    return marks


def _listing_sheet(wb, p: Perbaikan, spec: FormSpec, name: str, verdict: str) -> None:
    from xlsxwriter.utility import quote_sheetname

    ws = wb.add_worksheet(PERBAIKAN_SHEET)
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF"})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top", "border": 1,
                          "border_color": "#BFBFBF"})
    head = wb.add_format({"bold": True, "bg_color": HEAD_FILL, "font_color": "#FFFFFF", "text_wrap": True,
                          "valign": "vcenter", "border": 1})
    red = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF",
                         "bg_color": MARK_FILL})
    widths = [5, 24, 8, 12, 70, 30]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write_string(0, 0, f"Perbaikan berkas monitoring RB {spec.unit_nama} ({spec.unit_kode}) - "
                          f"{spec.periode_label}", wb.add_format({"bold": True, "font_size": 13}))
    ws.write_string(1, 0, f"Berkas yang Anda kirim: {name}; putusan: {verdict}; diperiksa "
                          f"{format_date(dt.date.today())}.")
    guide = ("Berkas ini adalah template Anda dengan isian Anda. Sel yang harus diperbaiki berwarna merah dan "
             "berisi catatan. Klik alamat di kolom Sel untuk menuju sel itu, perbaiki isinya, lalu simpan dan "
             "kirim kembali berkas ini. Isian yang tidak dapat disimpan di selnya (bukan angka, tidak ada di "
             "daftar) tertulis di kolom 'Isian Anda'.")
    ws.merge_range(2, 0, 2, len(widths) - 1, guide, wb.add_format({"text_wrap": True, "valign": "top",
                                                                     "italic": True}))
    ws.set_row(2, 48)
    for c, h in enumerate(["No", "Sheet", "Sel", "Tingkat", "Yang harus diperbaiki", "Isian Anda"]):
        ws.write_string(4, c, h, head)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    sheets = [s.name for s in spec.sheets]
    rows = sorted(p.entries, key=lambda e: (order.get(e.severity, 3), sheets.index(e.sheet) if e.sheet in sheets
                                             else len(sheets), _row_of(e.cell) or 0, e.cell))
    for n, e in enumerate(rows, start=1):
        r = 4 + n
        fmt = red if e.severity == ERROR else wrap
        ws.write_number(r, 0, n, wrap)
        ws.write_string(r, 1, e.sheet, wrap)
        if e.cell and e.sheet in sheets:
            ws.write_url(r, 2, f"internal:{quote_sheetname(e.sheet)}!{e.cell}", link, string=e.cell,
                         tip=f"Ke sheet {e.sheet} sel {e.cell}")
        else:
            ws.write_string(r, 2, e.cell or "-", wrap)
        ws.write_string(r, 3, SEVERITY_ID.get(e.severity, e.severity), fmt)
        where = f" (di berkas Anda: sel {e.original_cell})" if e.original_cell and e.original_cell != e.cell else ""
        ws.write_string(r, 4, e.message + where, wrap)
        ws.write_string(r, 5, e.typed, wrap)
        ws.set_row(r, fit_height([(e.message + where, widths[4]), (e.typed, widths[5])]))
    if not rows:
        ws.write_string(5, 4, "Tidak ada temuan.", wrap)
    ws.freeze_panes(5, 0)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(4)
    ws.protect(spec.settings.get("sandi_proteksi") or "", {"format_columns": True, "format_rows": True})


def _write_listing(path: Path, done: list[Perbaikan], roadmap: Roadmap, asking: list[Submission] | None = None) -> None:
    import hashlib

    buf = io.StringIO()
    w = csv.DictWriter(buf, LISTING_FIELDS, lineterminator="\n")
    w.writeheader()
    for p in done:
        # the file's bytes change with every run (creation time): its key is what it lists
        key = hashlib.sha256("\n".join(f"{e.code}|{e.sheet}|{e.cell}|{e.typed}" for e in p.entries)
                             .encode()).hexdigest() if p.path else ""
        w.writerow({"unit": p.unit, "nama": roadmap.units[p.unit].nama, "putusan": p.putusan,
                    "berkas": p.path.name if p.path else "", "sumber": _cell(p.source), "sha256": key})
    for sub in asking or []:  # no file to send back: the note asks the unit to confirm
        key = hashlib.sha256("\n".join(f"{f.code}|{f.sheet}|{f.cell}|{f.value}" for f in sub.findings
                                       if f.code in ASKING).encode()).hexdigest()
        w.writerow({"unit": sub.unit, "nama": roadmap.units[sub.unit].nama, "putusan": sub.verdict, "berkas": "",
                    "sumber": _cell(sub.item.source), "sha256": key})
    write_text(path, buf.getvalue())


def _cell(text: str) -> object:
    """A unit-named source (file, zip member, attachment name) as daftar.csv holds it: the guard log.csv has."""
    return csv_safe(clean_text(text))
