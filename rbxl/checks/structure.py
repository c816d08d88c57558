"""Check a returned workbook against the FormSpec the master defines for its unit and period.

Sheet protection is never trusted: every locked cell is compared with what the master says
it must hold, so deleted, inserted, reordered or overwritten rows are caught. Every input
cell is read by its rule; each problem becomes a Finding with its sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from rbxl.core.address import parse_addresses
from rbxl.core.enums import Period, StatusRole, Verdict
from rbxl.core.findings import ERROR, REJECTING, WARNING, Finding, finding
from rbxl.core.signing import CREATED, SIGNATURE, Signing, verify
from rbxl.core.values import (
    as_text,
    format_date,
    format_number,
    parse_date,
    parse_graded,
    parse_number,
)
from rbxl.core.xlsx import cell_name
from rbxl.form.meta import FORMAT, Meta
from rbxl.form.spec import (
    GUIDE_SHEET,
    HEADER_ROW,
    LABEL_KODE_UNIT,
    LABEL_PERIODE,
    LIST_SHEET,
    META_SHEET,
    PERBAIKAN_SHEET,
    SHEET_IDENTITAS,
    DataSheet,
    FormSpec,
    Row,
    Rule,
    periode_label,
    plan,
)
from rbxl.intake import RawWorkbook, Received
from rbxl.master.model import Roadmap

# verdicts (rbxl.core.enums.Verdict), under the short names the checks and tests use
ACCEPTED, ACCEPTED_NOTES, NEEDS_FIX = Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES, Verdict.NEEDS_FIX
REJECTED, SUPERSEDED, DUPLICATE = Verdict.REJECTED, Verdict.SUPERSEDED, Verdict.DUPLICATE

Key = tuple[str, str, str]  # (sheet name, row key, field key)


@dataclass
class Submission:
    """One returned file after checking: who, what it says, and what is wrong with it."""

    item: Received
    unit: str = ""
    tahun: int | None = None
    periode: str = ""
    master: str = ""
    saved_at: dt.datetime | None = None
    prefilled: str = ""  # the earlier period whose values the template was prefilled with (rbxl.checks.history)
    values: dict[Key, object] = field(default_factory=dict)  # accepted input values
    findings: list[Finding] = field(default_factory=list)
    verdict: Verdict | str = ""  # "" until decide()

    @property
    def usable(self) -> bool:
        return bool(self.verdict) and Verdict(self.verdict).usable

    def decide(self) -> None:
        codes = {f.code for f in self.findings if f.severity == ERROR}
        if codes & REJECTING:
            self.verdict = REJECTED
        elif codes:
            self.verdict = NEEDS_FIX
        elif self.findings and any(f.severity == WARNING for f in self.findings):
            self.verdict = ACCEPTED_NOTES
        else:
            self.verdict = ACCEPTED


def read_meta(raw: RawWorkbook) -> dict[str, str] | None:
    grid = raw.sheets.get(META_SHEET)
    if grid is None:
        return None
    return {as_text(r[0]): as_text(r[1]) for r in grid[1:] if len(r) >= 2 and as_text(r[0])}


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
    _sender(sub, claimed, roadmap)
    if signing is not None and signing.key is not None and not _authentic(sub, meta, claimed, signing.key):
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
    _saved_time(sub, meta, now or dt.datetime.now())

    specs = specs if specs is not None else {}
    spec = specs.get(sub.unit) or specs.setdefault(sub.unit, plan(roadmap, sub.unit, tahun, periode))
    structure: list[Finding] = []
    grids = _sheets_of(raw, spec)
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
        _read_inputs(sheet, grid, sub, formula_cells, spec, raw.percent.get(found_as or sheet.name, set()))
    _blank(sub, before)
    _date_window(sub, spec, roadmap.jadwal.get((tahun, periode)))
    _extra_sheets(raw, spec, sub, {found_as for _, found_as in grids.values() if found_as})
    sub.decide()
    return sub


def _authentic(sub: Submission, meta: dict[str, str], claimed: str, key: bytes) -> bool:
    """False (with its finding) when the identity the file shows is not the one the office signed."""
    shown = f"{_short(meta.get('periode', '?'))} {_short(meta.get('tahun', '?'))}"
    sub.unit = claimed
    if not meta.get(SIGNATURE):
        why = ("identitas tersembunyi tidak ada" if any(f.code == "FILE_META_MISSING" for f in sub.findings)
               else "tanda keaslian tidak ada di identitas tersembunyi")
        sub.findings.append(finding("FILE_UNSIGNED", file=sub.item.source, unit=claimed, sheet=META_SHEET,
                                    detail=why, claimed=_short(meta["unit"])))
        return False
    if not verify(meta, key):
        sub.findings.append(finding("FILE_SIGNATURE_BAD", file=sub.item.source, unit=claimed, sheet=META_SHEET,
                                    detail=shown, claimed=_short(meta["unit"])))
        return False
    return True


def unit_of_address(roadmap: Roadmap, address: str) -> list[str]:
    """The units whose master e-mail cell holds `address` (case ignored)."""
    address = address.lower()
    return [code for code, u in roadmap.units.items()
            if address in (a.lower() for a in parse_addresses(u.email)[0])]


def _sender(sub: Submission, claimed: str, roadmap: Roadmap) -> None:
    """A file that came by e-mail is compared with the addresses of the unit it claims to be."""
    sender = sub.item.sender
    if sender is None or not claimed:
        return
    own = parse_addresses(roadmap.units[claimed].email)[0]
    shown = sender or "(tanpa alamat pengirim)"

    def add(code: str, **kw) -> None:
        sub.findings.append(finding(code, file=sub.item.source, unit=claimed, value=shown, claimed=claimed, **kw))

    if not own:
        add("EMAIL_SENDER_UNCHECKED")
    elif sender.lower() not in (a.lower() for a in own):
        others = [u for u in unit_of_address(roadmap, sender) if u != claimed] if sender else []
        if others:
            add("EMAIL_SENDER_OTHER_UNIT", other=", ".join(others), detail=", ".join(own))
        else:
            add("EMAIL_SENDER_UNKNOWN", detail=", ".join(own))


SENDER_MISMATCH = frozenset({"EMAIL_SENDER_OTHER_UNIT", "EMAIL_SENDER_UNKNOWN"})
CLOCK_SLACK = dt.timedelta(days=1)  # a unit's computer clock or time zone may be off by this much


def _saved_time(sub: Submission, meta: dict[str, str], now: dt.datetime) -> None:
    """A save time in the future, or before the template was made, is reported and not used to
    choose the newest file (a forged date must not beat the unit's later correction)."""
    saved = sub.saved_at
    if saved is None:
        return
    if saved > now + CLOCK_SLACK:
        sub.findings.append(finding("FILE_SAVED_FUTURE", file=sub.item.source, unit=sub.unit,
                                    value=saved.isoformat(sep=" ")))
        sub.saved_at = None
        return
    made = _template_made(meta)
    if made is not None and saved < made - CLOCK_SLACK:
        sub.findings.append(finding("FILE_SAVED_BEFORE_TEMPLATE", file=sub.item.source, unit=sub.unit,
                                    value=saved.isoformat(sep=" "), detail=made.isoformat(sep=" ")))
        sub.saved_at = None


def _template_made(meta: dict[str, str]) -> dt.datetime | None:
    """When the template was written (meta 'dibuat', UTC) in local time, as saved_at is."""
    try:
        made = dt.datetime.fromisoformat(meta.get(CREATED, "").replace(" ", "T"))
        return made.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None) if made.tzinfo is None else \
            made.astimezone().replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


# what an untouched template yields; any other finding means something was typed
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


def identity_from_sheet(raw: RawWorkbook, roadmap: Roadmap) -> tuple[str | None, str]:
    """Unit code and period label written on the visible Identitas sheet (unit None if unknown)."""
    grid = _find_sheet(raw, SHEET_IDENTITAS)
    if grid is None:
        return None, ""
    labels = {as_text(_cell(grid, r, 0)): _cell(grid, r, 1) for r in range(HEADER_ROW + 1, min(len(grid), 40))}
    unit = as_text(labels.get(LABEL_KODE_UNIT))
    return (unit if unit in roadmap.units else None), as_text(labels.get(LABEL_PERIODE))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        k = (f.code, f.sheet, f.cell)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _find_sheet(raw: RawWorkbook, name: str) -> list[list] | None:
    if name in raw.sheets:
        return raw.sheets[name]
    for n in raw.sheets:
        if n.strip().casefold() == name.casefold():
            return raw.sheets[n]
    return None


def _sheets_of(raw: RawWorkbook, spec: FormSpec) -> dict[str, tuple[list[list], str]]:
    """Spec sheet name -> (grid, the name it was found under when the unit renamed it, else "").

    A sheet missing under its name is looked for by its content: the sheet (not otherwise
    claimed) whose header row holds the spec's column headers.
    """
    out: dict[str, tuple[list[list], str]] = {}
    missing = []
    for sheet in spec.sheets:
        grid = _find_sheet(raw, sheet.name)
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
            heads = [_same(f.header, _cell(grid, HEADER_ROW, c)) for c, f in enumerate(sheet.fields)]
            share = sum(heads) / len(heads)
            if share > score:
                best, score = name, share
        if best is not None and score >= 0.8:  # a renamed sheet keeps its headers
            out[sheet.name] = (raw.sheets[best], best)
            free.remove(best)
    return out


def _cell(grid: list[list], r: int, c: int) -> object:
    if r < len(grid) and c < len(grid[r]):
        v = grid[r][c]
        return None if v == "" else v
    return None


def _norm(v: object) -> str:
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


def _same(expected: object, found: object) -> bool:
    if expected == found or (expected in ("", None) and found in ("", None)):
        return True
    if isinstance(expected, str) and isinstance(found, str) and expected.split() == found.split():
        return True
    if _norm(expected) == _norm(found):
        return True
    a, b = parse_number(expected), parse_number(found)
    return a is not None and b is not None and abs(a - b) < 1e-9 * max(1.0, abs(a))


def _compare_locked(sheet: DataSheet, grid: list[list], file: str, unit: str) -> list[Finding]:
    out: list[Finding] = []
    for c, f in enumerate(sheet.fields):
        found = _cell(grid, HEADER_ROW, c)
        if not _same(f.header, found):
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
            found = _cell(grid, r, c)
            if not _same(expected, found):
                out.append(finding("CELL_CHANGED", file=file, unit=unit, sheet=sheet.name, cell=cell_name(r, c),
                                   value=as_text(found), expected=_short(expected)))
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
    want = [_norm(r.values.get(key, "")) for r in sheet.rows]  # _norm: "8.1" typed or read as a number
    got = [_norm(_cell(grid, r, c)) for r in range(sheet.first_row, max(len(grid), sheet.first_row))]
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


def _short(v: object) -> str:
    s = as_text(v) if not isinstance(v, float) else format_number(v)
    return s if len(s) <= 60 else s[:57] + "..."


PRIMARY = {"ra_utama": "status", "ra_pendukung": "status", "indikator": "realisasi", "kegiatan": "realisasi"}


def _read_inputs(sheet: DataSheet, grid: list[list], sub: Submission, formula_cells: dict[str, str],
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
            status_typed = _cell(grid, r, sheet.col("status")) is not None  # wrong, not missing
            _consistency(sheet, row, r, typed, sub, spec.status_role(typed.get("status")), status_typed,
                         "progres" in read_as_percent)
        if primary and primary not in typed and _cell(grid, r, sheet.col(primary)) is None:
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
                f"Excel dan LibreOffice hanya menyimpan 15 angka pertama sebuah bilangan, sehingga {lost} digit "
                "terakhir NIP hilang (ditandai ?). ") if lost else "")
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


def _date_window(sub: Submission, spec: FormSpec, deadline: dt.date | None) -> None:
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
