"""Perbaikan files: the unit's workbook back with its values, each finding marked on its cell.

The round trip is the requirement: fix only the marked cells (with openpyxl, and again after a
real LibreOffice re-save), send the file back, and it is Diterima with every value.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import require_soffice
from test_validate import addr, assert_same_values, fill, first_key, spec_of, tamper

from rbxl.checks.submission import ACCEPTED, NEEDS_FIX, REJECTED
from rbxl.core.paths import archive_dir, perbaikan_dir
from rbxl.core.xlsx import cell_name
from rbxl.form.spec import (
    PERBAIKAN_SHEET,
    SHEET_IDENTITAS,
    SHEET_RA_PENDUKUNG,
    SHEET_RA_UTAMA,
    FormSpec,
)
from rbxl.pipeline import run_validation
from rbxl.template.write import MARK_FILL

TAHUN, PERIODE = 2023, "TW1"
UNIT = "BAG-ORGANISASI"


def validate(paths, roadmap, out):
    return run_validation(list(paths), roadmap, TAHUN, PERIODE, out, workers=2)


def key_of(spec: FormSpec, sheet: str, cell: str) -> tuple[str, str, str] | None:
    from xlsxwriter.utility import xl_cell_to_rowcol

    s = spec.sheet(sheet)
    r, c = xl_cell_to_rowcol(cell)
    i = r - s.first_row
    if not (0 <= i < len(s.rows)):
        return None
    return (sheet, s.rows[i].key, s.fields[c].key)


def marked(path: Path, spec: FormSpec) -> dict[tuple[str, str, str], tuple[str, object, str]]:
    """key -> (cell, value in the cell, comment) for every commented cell of the data sheets."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for s in spec.sheets:
        for row in wb[s.name].iter_rows():
            for c in row:
                if c.comment:
                    out[key_of(spec, s.name, c.coordinate)] = (c.coordinate, c.value, c.comment.text)
                    assert c.fill.fgColor.rgb.endswith(MARK_FILL.lstrip("#")), c.coordinate
    return out


def fix_marked(path: Path, spec: FormSpec, good: dict, target: Path) -> Path:
    """What a unit does: go to each marked cell and type the right value; nothing else."""
    marks = marked(path, spec)
    wb = openpyxl.load_workbook(path)
    for key, (cell, _, _) in marks.items():
        if key in good:
            wb[key[0]][cell] = good[key]
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


@pytest.fixture
def spec(roadmap) -> FormSpec:
    return spec_of(roadmap, UNIT)


@pytest.fixture
def broken(roadmap, spec, tmp_path):
    """A filled file with four kinds of value error, and the right answers."""
    utama = [first_key(spec, SHEET_RA_UTAMA, 0), first_key(spec, SHEET_RA_UTAMA, 1)]
    pendukung = first_key(spec, SHEET_RA_PENDUKUNG, 0)
    too_long = spec.sheet(SHEET_RA_UTAMA).field("output").rule.max_len + 7
    bad = {(SHEET_RA_UTAMA, utama[0], "progres"): "sebagian",
           (SHEET_RA_PENDUKUNG, pendukung, "status"): "Sudah",
           (SHEET_IDENTITAS, "nip", "nilai"): "1980 0101",
           (SHEET_RA_UTAMA, utama[1], "output"): "panjang " * (too_long // 8 + 1)}
    good_path, good = fill(tmp_path / "benar", spec)
    path, _ = fill(tmp_path / "kiriman", spec, bad)
    return path, good, bad


def test_needs_fix_file_is_marked_and_round_trips_to_accepted(roadmap, spec, broken, tmp_path):
    path, good, bad = broken
    original = path.read_bytes()
    out = tmp_path / "out"
    checked = validate([path], roadmap, out)
    sub = checked.report.submissions[0]
    assert sub.verdict == NEEDS_FIX
    [p] = checked.perbaikan
    assert p.unit == UNIT and p.path.parent == perbaikan_dir(out, TAHUN, PERIODE)
    assert p.path.name.startswith(f"{UNIT}_") and p.path.name.endswith("_perbaikan.xlsx")

    wb = openpyxl.load_workbook(p.path)
    assert wb.sheetnames[0] == PERBAIKAN_SHEET
    # every error of validate is a marked cell; the bad value is in the comment, not the cell
    errors = {(f.sheet, f.cell) for f in sub.findings if f.severity == "error"}
    marks = marked(p.path, spec)
    assert {(k[0], c) for k, (c, _, _) in marks.items()} >= errors
    for key in [(SHEET_RA_UTAMA, key[1], "progres") for key in bad if key[2] == "progres"]:
        cell, value, comment = marks[key]
        assert value is None and "sebagian" in comment
    nip_key = (SHEET_IDENTITAS, "nip", "nilai")
    assert marks[nip_key][1] is None and "1980 0101" in marks[nip_key][2]
    long_key = next(k for k in bad if k[2] == "output")
    assert marks[long_key][1] == bad[long_key]  # a too-long text comes back whole, to be shortened
    # the list: one line per finding, a link to its cell, the typed value that could not stay
    ws = wb[PERBAIKAN_SHEET]
    links = {c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    for sheet, cell in errors:
        assert f"'{sheet}'!{cell}" in links or f"{sheet}!{cell}" in links
    typed = {row[5] for row in ws.iter_rows(min_row=6, values_only=True)}
    assert {"sebagian", "Sudah", "1980 0101"} <= typed

    # the unfixed perbaikan file, validated, has errors only on marked cells and keeps every good value
    again = validate([p.path], roadmap, tmp_path / "out2").report.submissions[0]
    assert {(f.sheet, f.cell) for f in again.findings if f.severity == "error"} <= \
        {(k[0], c) for k, (c, _, _) in marks.items()}
    assert {k: v for k, v in again.values.items() if k not in bad} == \
        {k: v for k, v in sub.values.items() if k not in bad}

    # fix the marked cells only -> Diterima with every value
    fixed = fix_marked(p.path, spec, good, tmp_path / "diperbaiki" / "kembali.xlsx")
    report = validate([fixed], roadmap, tmp_path / "out3").report
    [s] = report.submissions
    assert s.verdict == ACCEPTED, [(f.code, f.sheet, f.cell, f.value) for f in s.findings]
    assert_same_values(good, s.values)

    # the received bytes stay untouched in the archive
    arsip = archive_dir(out, TAHUN, PERIODE) / f"{hashlib.sha256(original).hexdigest()}.xlsx"
    assert arsip.read_bytes() == original == path.read_bytes()


@pytest.mark.libreoffice
def test_fixed_perbaikan_file_resaved_by_libreoffice_is_accepted(roadmap, spec, broken, tmp_path):
    require_soffice()
    import soffice

    path, good, _ = broken
    [p] = validate([path], roadmap, tmp_path / "out").perbaikan
    fixed = fix_marked(p.path, spec, good, tmp_path / "diperbaiki" / "kembali.xlsx")
    resaved = soffice.convert(fixed, "xlsx", tmp_path / "lo")
    [s] = validate([resaved], roadmap, tmp_path / "out2").report.submissions
    assert s.verdict == ACCEPTED, [(f.code, f.sheet, f.cell, f.value) for f in s.findings]
    assert_same_values(good, s.values)


def test_rejected_file_with_sorted_rows_and_changed_label_comes_back_in_order(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    label_cell = addr(spec, SHEET_RA_UTAMA, first_key(spec, SHEET_RA_UTAMA, 2), "aksi")
    path, good = fill(tmp_path / "kiriman", spec)
    r1, r2 = sheet.first_row + 1, sheet.first_row   # 1-based rows 5 and 6 swapped: the unit sorted them

    def change(wb):
        ws = wb[SHEET_RA_UTAMA]
        ws.protection.sheet = False
        for c in range(1, len(sheet.fields) + 1):
            a, b = ws.cell(r1 + 1, c), ws.cell(r2 + 1, c)
            a.value, b.value = b.value, a.value
        ws[label_cell] = "Aksi yang ditulis ulang unit"

    tamper(path, change)
    checked = validate([path], roadmap, tmp_path / "out")
    assert checked.report.submissions[0].verdict == REJECTED
    [p] = checked.perbaikan
    codes = {e.code for e in p.entries}
    assert {"PERBAIKAN_ROWS_REORDERED", "PERBAIKAN_LOCKED_RESTORED"} <= codes
    restored = marked(p.path, spec)[(SHEET_RA_UTAMA, first_key(spec, SHEET_RA_UTAMA, 2), "aksi")]
    assert restored[0] == label_cell and "Aksi yang ditulis ulang unit" in restored[2]
    assert restored[1] == sheet.rows[2].values["aksi"]  # the master's text is back
    # nothing was wrong with the values: the perbaikan file as it is is accepted, every value in its row
    [s] = validate([p.path], roadmap, tmp_path / "out2").report.submissions
    assert s.verdict == ACCEPTED, [(f.code, f.sheet, f.cell) for f in s.findings]
    assert_same_values(good, s.values)


def test_deleted_row_comes_back_empty_and_marked(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    path, good = fill(tmp_path / "kiriman", spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].delete_rows(sheet.first_row + 2))  # the 2nd data row
    [p] = validate([path], roadmap, tmp_path / "out").perbaikan
    gone = sheet.rows[1].key
    [entry] = [e for e in p.entries if e.code == "PERBAIKAN_ROW_RESTORED"]
    assert entry.sheet == SHEET_RA_UTAMA and entry.cell == cell_name(sheet.first_row + 1, sheet.col("status"))
    kept = {k: v for k, v in p.answers.items() if k[0] == SHEET_RA_UTAMA}
    assert all(k[1] != gone for k in kept)
    assert kept == {k: good[k] for k in kept}  # every other row's values are back in their own row
    fixed = fix_marked(p.path, spec, {}, tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(fixed)
    for k, v in good.items():
        if k[0] == SHEET_RA_UTAMA and k[1] == gone:
            wb[SHEET_RA_UTAMA][addr(spec, SHEET_RA_UTAMA, gone, k[2])] = v
    wb.save(fixed)
    [s] = validate([fixed], roadmap, tmp_path / "out2").report.submissions
    assert s.verdict == ACCEPTED, [(f.code, f.sheet, f.cell) for f in s.findings]
    assert_same_values(good, s.values)


def test_listing_names_unreadable_units_and_drops_units_that_are_fixed(roadmap, spec, broken, tmp_path):
    path, good, _ = broken
    other = spec_of(roadmap, "INSPEKTORAT", TAHUN, "TW2")  # another period: rejected, not readable here
    wrong, _ = fill(tmp_path / "kiriman", other)
    out = tmp_path / "out"
    checked = validate([path, wrong], roadmap, out)
    listing = perbaikan_dir(out, TAHUN, PERIODE) / "daftar.csv"
    rows = {r["unit"]: r for r in csv.DictReader(listing.open(encoding="utf-8"))}
    assert rows[UNIT]["berkas"] and rows[UNIT]["putusan"] == NEEDS_FIX
    assert rows["INSPEKTORAT"]["berkas"] == "" and rows["INSPEKTORAT"]["putusan"] == REJECTED
    assert [p.unit for p in checked.perbaikan if p.path] == [UNIT]

    # the unit sends the fixed file: the next run drops it from the list and removes its old file
    [p] = [p for p in checked.perbaikan if p.path]
    inbox = tmp_path / "kiriman"
    fix_marked(p.path, spec, good, inbox / "diperbaiki.xlsx")
    shutil.move(str(path), str(tmp_path / path.name))  # only the fixed file is in the folder now
    validate([inbox], roadmap, out)
    rows = {r["unit"]: r for r in csv.DictReader(listing.open(encoding="utf-8"))}
    assert UNIT not in rows and not p.path.exists()


def test_many_units_are_written_in_parallel_workers(roadmap, tmp_path):
    from rbxl.form.sample import add_mistakes, answers_for
    from rbxl.template.write import write_template

    units = ["BAPPEDA", "INSPEKTORAT", "KEC-JATI", "DINKES", "BAG-HUKUM"]
    inbox = tmp_path / "kiriman"
    for unit in units:
        spec = spec_of(roadmap, unit)
        answers = answers_for(spec)
        add_mistakes(spec, answers)
        write_template(spec, inbox / f"{unit}.xlsx", answers)
    checked = validate([inbox], roadmap, tmp_path / "out")  # 5 units: the worker pool writes them
    assert sorted(p.unit for p in checked.perbaikan if p.path) == sorted(units)
    for p in checked.perbaikan:
        wb = openpyxl.load_workbook(p.path, read_only=True)
        assert wb.sheetnames[0] == PERBAIKAN_SHEET
        assert any(r[5] == "1980 0101 2005" for r in wb[PERBAIKAN_SHEET].iter_rows(min_row=6, values_only=True))


def test_renamed_sheet_values_come_back_under_the_templates_name(roadmap, spec, broken, tmp_path):
    path, good, _ = broken
    tamper(path, lambda wb: setattr(wb[SHEET_RA_UTAMA], "title", "RA Utama kami"))
    checked = validate([path], roadmap, tmp_path / "out")
    [sub] = checked.report.submissions
    assert "SHEET_RENAMED" in {f.code for f in sub.findings}
    [p] = checked.perbaikan
    assert openpyxl.load_workbook(p.path).sheetnames[:4] == [PERBAIKAN_SHEET, "Petunjuk", SHEET_IDENTITAS,
                                                             SHEET_RA_UTAMA]
    utama = {k: v for k, v in p.answers.items() if k[0] == SHEET_RA_UTAMA}
    assert utama and all(good[k] == v for k, v in utama.items() if k[2] != "output")
    fixed = fix_marked(p.path, spec, good, tmp_path / "f.xlsx")
    [s] = validate([fixed], roadmap, tmp_path / "out2").report.submissions
    assert s.verdict == ACCEPTED, [(f.code, f.sheet, f.cell) for f in s.findings]
    assert_same_values(good, s.values)
