"""Check a returned workbook against the FormSpec the master defines for its unit and period.

Sheet protection is never trusted: every locked cell is compared with what the master says
it must hold, so deleted, inserted, reordered or overwritten rows are caught. Every input
cell is read by its rule; each problem becomes a Finding with its sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import re

from rbxl.checks.cells import cell, find_sheet, norm, same, short
from rbxl.checks.identity import (
    authentic,
    check_saved_time,
    check_sender,
    identity_from_sheet,
    read_meta,
)
from rbxl.checks.submission import Submission
from rbxl.checks.values import check_date_window, read_inputs
from rbxl.core.findings import REJECTING, Finding, finding
from rbxl.core.signing import Signing
from rbxl.core.values import (
    as_text,
)
from rbxl.core.xlsx import cell_name
from rbxl.form.meta import FORMAT, Meta
from rbxl.form.spec import (
    GUIDE_SHEET,
    HEADER_ROW,
    LIST_SHEET,
    META_SHEET,
    PERBAIKAN_SHEET,
    DataSheet,
    FormSpec,
    periode_label,
    plan,
)
from rbxl.intake import RawWorkbook, Received
from rbxl.master.model import Roadmap


def check(item: Received, raw: RawWorkbook, roadmap: Roadmap, tahun: int, periode: str,
          specs: dict[str, FormSpec] | None = None, formulas: dict[str, dict[str, str]] | None = None,
          signing: Signing | None = None, now: dt.datetime | None = None) -> Submission:
    """Identify the file by its hidden metadata, then compare it cell by cell with its FormSpec.

    With `signing` holding the office's key (rbxl.core.signing), a file whose identity is not signed
    by it, or no longer matches its signature, is rejected before anything else is read; None
    (a re-check of rbxl's own layout, a library caller) skips that. `now` (local time) is what a
    save time in the future is measured against.
    """
    sub = Submission(item, saved_at=raw.saved_at)
    file = item.source

    def add(code: str, **kw) -> None:
        sub.findings.append(finding(code, file=file, unit=sub.unit, **kw))

    meta = read_meta(raw)
    if meta is None:
        unit, label = identity_from_sheet(raw, roadmap)
        if unit is None:
            add("FILE_NOT_TEMPLATE")
            sub.decide()
            return sub
        if label != periode_label(tahun, periode):
            sub.unit = unit
            add("FILE_WRONG_PERIOD", detail=label or "periode tidak diketahui")
            sub.decide()
            return sub
        # The sheets were copied into a new workbook: identify from the visible Identitas sheet;
        # the cell-by-cell comparison below still decides whether the content can be trusted.
        meta = {"format": FORMAT, "unit": unit, "tahun": str(tahun), "periode": periode,
                "master": roadmap.fingerprint}
        sub.findings.append(finding("FILE_META_MISSING", file=file, unit=unit))
    claim = Meta.parse(meta)
    if claim is None:
        add("FILE_META_TAMPERED", sheet=META_SHEET, detail="format/unit tidak dikenali")
        sub.decide()
        return sub
    claimed = claim.unit if claim.unit in roadmap.units else ""
    check_sender(sub, claimed, roadmap)
    if signing is not None and signing.key is not None and not authentic(sub, meta, claimed, signing.key):
        sub.decide()
        return sub
    sub.unit, sub.periode, sub.master, sub.prefilled = claim.unit, claim.periode, claim.master, claim.prefill
    try:
        sub.tahun = int(float(claim.tahun))
    except (ValueError, OverflowError):  # 'inf', '1e400'
        add("FILE_META_TAMPERED", sheet=META_SHEET, detail=f"tahun '{claim.tahun}'")
        sub.decide()
        return sub
    if sub.unit not in roadmap.units:
        add("FILE_UNKNOWN_UNIT", value=sub.unit)
        sub.decide()
        return sub
    if (sub.tahun, sub.periode) != (tahun, periode):
        add("FILE_WRONG_PERIOD", detail=f"{sub.periode} {sub.tahun}")
        sub.decide()
        return sub
    check_saved_time(sub, meta, now or dt.datetime.now())

    specs = specs if specs is not None else {}
    spec = specs.get(sub.unit) or specs.setdefault(sub.unit, plan(roadmap, sub.unit, tahun, periode))
    structure: list[Finding] = []
    grids = sheets_of(raw, spec)
    for sheet in spec.sheets:
        grid, found_as = grids.get(sheet.name, (None, ""))
        if grid is None:
            structure.append(finding("SHEET_MISSING", file=file, unit=sub.unit, sheet=sheet.name))
            continue
        if found_as:
            sub.findings.append(finding("SHEET_RENAMED", file=file, unit=sub.unit, sheet=sheet.name, value=found_as))
        structure += _compare_locked(sheet, grid, file, sub.unit)
        if claim.rows_of(sheet.name) not in (None, ";".join(r.key for r in sheet.rows)):
            structure.append(finding("FILE_MASTER_CHANGED", file=file, unit=sub.unit, sheet=sheet.name,
                                     value=sub.master))
    old_master = sub.master != roadmap.fingerprint
    if old_master and structure:
        add("FILE_MASTER_CHANGED", value=sub.master)
    elif old_master:
        add("FILE_OLD_MASTER", value=sub.master)
    sub.findings += _dedupe(structure)
    if any(f.code in REJECTING for f in structure):
        sub.decide()
        return sub

    before = len(sub.findings)
    for sheet in spec.sheets:
        grid, found_as = grids[sheet.name]
        formula_cells = (formulas or {}).get(found_as or sheet.name, {})
        read_inputs(sheet, grid, sub, formula_cells, spec, raw.percent.get(found_as or sheet.name, set()))
    _blank(sub, before)
    check_date_window(sub, spec, roadmap.jadwal.get((tahun, periode)))
    _extra_sheets(raw, spec, sub, {found_as for _, found_as in grids.values() if found_as})
    sub.decide()
    return sub


_NOTHING_TYPED = {"VALUE_REQUIRED", "ROWS_EMPTY", "ROWS_EMPTY_SUPPORT"}


def _blank(sub: Submission, start: int) -> None:
    """A template sent back untouched: one finding instead of one per empty row, and no data used."""
    read = sub.findings[start:]
    if sub.values or any(f.code not in _NOTHING_TYPED for f in read):
        return
    del sub.findings[start:]
    sub.findings.append(finding("FILE_BLANK", file=sub.item.source, unit=sub.unit))


def check_csv(item: Received, roadmap: Roadmap) -> Submission | None:
    """A template saved as CSV: the unit its first lines name is told to send the xlsx/ods.

    CSV keeps the text of one sheet only (no identity, no other sheet), so nothing from it is
    used. Data sheets name the unit on their second line, the Petunjuk on its third:
    '... (KODE-UNIT) ...'. A CSV that names no unit stays a skipped file.
    """
    head = item.data[:8192].decode("latin-1").splitlines()[:6]  # unit codes are ASCII
    for line in head:
        for code in re.findall(r"\(([A-Za-z0-9-]+)\)", line):
            if code in roadmap.units:
                sub = Submission(item, unit=code, findings=[finding("FILE_CSV", file=item.source, unit=code)])
                sub.decide()
                return sub
    return None


def _extra_sheets(raw: RawWorkbook, spec: FormSpec, sub: Submission, renamed: set[str]) -> None:
    """A sheet the unit added (a copy of a table filled there instead?) is reported, not ignored."""
    known = {s.name.casefold() for s in spec.sheets} | {GUIDE_SHEET.casefold(), LIST_SHEET.casefold(),
                                                         META_SHEET.casefold(), PERBAIKAN_SHEET.casefold()}
    for name in raw.sheets:
        if name.strip().casefold() in known or name in renamed:
            continue
        grid = raw.sheets[name]
        filled = [(r, c, v) for r, row in enumerate(grid) for c, v in enumerate(row) if v not in ("", None)]
        if filled:
            r, c, v = filled[0]
            sub.findings.append(finding("SHEET_EXTRA", file=sub.item.source, unit=sub.unit, sheet=name,
                                        cell=cell_name(r, c), value=as_text(v), detail=len(filled)))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        k = (f.code, f.sheet, f.cell)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out



def sheets_of(raw: RawWorkbook, spec: FormSpec) -> dict[str, tuple[list[list], str]]:
    """Spec sheet name -> (grid, the name it was found under when the unit renamed it, else "").

    A sheet missing under its name is looked for by its content: the sheet (not otherwise
    claimed) whose header row holds the spec's column headers.
    """
    out: dict[str, tuple[list[list], str]] = {}
    missing = []
    for sheet in spec.sheets:
        grid = find_sheet(raw, sheet.name)
        if grid is None:
            missing.append(sheet)
        else:
            out[sheet.name] = (grid, "")
    if not missing:
        return out
    claimed = {s.name.casefold() for s in spec.sheets} | {GUIDE_SHEET.casefold(), LIST_SHEET.casefold(),
                                                           META_SHEET.casefold(), PERBAIKAN_SHEET.casefold()}
    free = [n for n in raw.sheets if n.strip().casefold() not in claimed]
    for sheet in missing:
        best, score = None, 0.0
        for name in free:
            grid = raw.sheets[name]
            heads = [same(f.header, cell(grid, HEADER_ROW, c)) for c, f in enumerate(sheet.fields)]
            share = sum(heads) / len(heads)
            if share > score:
                best, score = name, share
        if best is not None and score >= 0.8:  # a renamed sheet keeps its headers
            out[sheet.name] = (raw.sheets[best], best)
            free.remove(best)
    return out


def _compare_locked(sheet: DataSheet, grid: list[list], file: str, unit: str) -> list[Finding]:
    out: list[Finding] = []
    for c, f in enumerate(sheet.fields):
        found = cell(grid, HEADER_ROW, c)
        if not same(f.header, found):
            out.append(finding("CELL_CHANGED", file=file, unit=unit, sheet=sheet.name,
                               cell=cell_name(HEADER_ROW, c), value=as_text(found), expected=f.header))
    shifted = _shifted_rows(sheet, grid, file, unit)
    if shifted is not None:  # one finding, not one per shifted row
        return out + [shifted]
    for i, row in enumerate(sheet.rows):
        r = sheet.first_row + i
        for c, f in enumerate(sheet.fields):
            if f.formula or row.is_input(f):
                continue
            expected = row.values.get(f.key, "")
            found = cell(grid, r, c)
            if not same(expected, found):
                out.append(finding("CELL_CHANGED", file=file, unit=unit, sheet=sheet.name, cell=cell_name(r, c),
                                   value=as_text(found), expected=short(expected)))
                break  # one finding per row is enough to tell the unit what happened
    # Nothing typed anywhere else is dropped silently: it is reported with its cell.
    end = sheet.first_row + len(sheet.rows)
    width = len(sheet.fields)
    for r, cells in enumerate(grid):
        start = 1 if r < HEADER_ROW else width  # title rows hold text in A only (merged cells)
        if r >= end:
            start = 0
        for c in range(start, len(cells)):
            v = cells[c]
            if v in ("", None):
                continue
            code = "ROW_EXTRA" if r >= end else "CELL_OUTSIDE"
            out.append(finding(code, file=file, unit=unit, sheet=sheet.name, cell=cell_name(r, c),
                               value=as_text(v), row=r + 1))
    return out


def _shifted_rows(sheet: DataSheet, grid: list[list], file: str, unit: str, most: int = 5) -> Finding | None:
    """ROW_INSERTED / ROW_DELETED when the row keys read as the spec's with up to `most` rows
    put in or taken out at one place; None when the keys are in place or changed otherwise."""
    key = "kode" if any(f.key == "kode" for f in sheet.fields) else "label"
    c = sheet.col(key)
    want = [norm(r.values.get(key, "")) for r in sheet.rows]  # _norm: "8.1" typed or read as a number
    got = [norm(cell(grid, r, c)) for r in range(sheet.first_row, max(len(grid), sheet.first_row))]
    n = len(want)
    got += [""] * (n + most - len(got))
    if got[:n] == want:
        return None
    i = next(j for j in range(n) if got[j] != want[j])
    known = set(want)

    def rows(k: int) -> str:
        first = sheet.first_row + i + 1
        return str(first) if k == 1 else f"{first}-{first + k - 1}"

    for k in range(1, most + 1):
        if got[i + k:n + k] == want[i:] and not known & set(got[i:i + k]):
            extra = next((as_text(v) for r in range(sheet.first_row + i, sheet.first_row + i + k)
                          for v in (grid[r] if r < len(grid) else []) if v not in ("", None)), "")
            return finding("ROW_INSERTED", file=file, unit=unit, sheet=sheet.name,
                           cell=cell_name(sheet.first_row + i, c), value=extra, detail=rows(k))
        if i + k <= n and got[i:n - k] == want[i + k:] and not known & set(got[n - k:n]):
            return finding("ROW_DELETED", file=file, unit=unit, sheet=sheet.name,
                           cell=cell_name(sheet.first_row + i, c), value=", ".join(as_text(r.values.get(key)) for r in sheet.rows[i:i + k]),
                           detail=rows(k))
    return None
