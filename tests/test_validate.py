"""`rbxl validate`: returned workbooks are read, checked cell by cell, chosen per unit, archived.

Templates are filled in code (`write_template(spec, path, answers_for(spec))`), re-saved by a
real LibreOffice, tampered with openpyxl, or replaced by hostile files from tests/hostile.py.
Every expected cell address is computed from the FormSpec, never typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import hostile
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import require_soffice, require_ssconvert, ssconvert

from rbxl.checks.report import Report
from rbxl.checks.submission import (
    ACCEPTED,
    ACCEPTED_NOTES,
    DUPLICATE,
    NEEDS_FIX,
    REJECTED,
    SUPERSEDED,
    Submission,
)
from rbxl.checks.validate import validate
from rbxl.cli import main
from rbxl.core.findings import ERROR, INFO, WARNING, Finding
from rbxl.core.xlsx import cell_name
from rbxl.form.sample import answers_for
from rbxl.form.spec import (
    HEADER_ROW,
    LABEL_KODE_UNIT,
    LABEL_PERIODE,
    META_SHEET,
    SHEET_IDENTITAS,
    SHEET_KEGIATAN,
    SHEET_RA_PENDUKUNG,
    SHEET_RA_UTAMA,
    FormSpec,
    plan,
)
from rbxl.pipeline import run_validation
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
UNITS = ("BAG-ORGANISASI", "INSPEKTORAT", "KEC-JATI")
UNIT = "BAG-ORGANISASI"  # leads and supports rencana aksi, has Indikator and Kegiatan Prioritas
SHA_NAME = re.compile(r"^[0-9a-f]{64}\.[a-z]+$")


# --- helpers ---------------------------------------------------------------------------------

def spec_of(roadmap, unit: str = UNIT, tahun: int = TAHUN, periode: str = PERIODE) -> FormSpec:
    return plan(roadmap, unit, tahun, periode)


def addr(spec: FormSpec, sheet: str, row_key: str, field_key: str) -> str:
    """A1 address of one cell of the spec (row by key, column by field key)."""
    s = spec.sheet(sheet)
    i = next(i for i, r in enumerate(s.rows) if r.key == row_key)
    return cell_name(s.first_row + i, s.col(field_key))


def first_key(spec: FormSpec, sheet: str, n: int = 0) -> str:
    return spec.sheet(sheet).rows[n].key


def fill(folder: Path, spec: FormSpec, changes: dict | None = None, name: str | None = None, seed: int = 0,
         created: dt.datetime | None = None) -> tuple[Path, dict]:
    """Write a filled template; `changes` overrides answers (None removes an answer)."""
    answers = answers_for(spec, seed)
    for key, value in (changes or {}).items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    folder.mkdir(parents=True, exist_ok=True)
    path = write_template(spec, folder / (name or f"{spec.unit_kode}.xlsx"), answers, created=created)
    return path, answers


def run(paths, roadmap, **kw) -> Report:
    """validate(); with out=..., the pipeline's run_validation (archive and findings files)."""
    if not isinstance(paths, (list, tuple)):
        paths = [paths]
    if "out" in kw:
        return run_validation(list(paths), roadmap, TAHUN, PERIODE, kw.pop("out"), workers=2, **kw).report
    return validate(list(paths), roadmap, TAHUN, PERIODE, workers=2, **kw)


def only(report: Report) -> Submission:
    assert len(report.submissions) == 1, [s.item.source for s in report.submissions]
    return report.submissions[0]


def by_name(report: Report, suffix: str) -> Submission:
    found = [s for s in report.submissions if s.item.source.endswith(suffix)]
    assert len(found) == 1, (suffix, [s.item.source for s in report.submissions])
    return found[0]


def where(findings: list[Finding], code: str) -> list[tuple[str, str]]:
    return [(f.sheet, f.cell) for f in findings if f.code == code]


def the(sub: Submission, code: str) -> Finding:
    found = [f for f in sub.findings if f.code == code]
    assert len(found) == 1, (code, [(f.code, f.sheet, f.cell) for f in sub.findings])
    return found[0]


def tamper(path: Path, change) -> Path:
    """Open with openpyxl, apply `change(wb)`, save in place (openpyxl keeps the _rbxl sheet)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_meta(wb, key: str, value: str) -> None:
    ws = wb[META_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            row[1].value = value
            return
    raise KeyError(key)


def assert_same_values(answers: dict, values: dict) -> None:
    """Every answer comes back under its key with an equal value, and nothing else does."""
    assert set(values) == set(answers), (set(answers) ^ set(values))
    for key, want in answers.items():
        got = values[key]
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            assert got == pytest.approx(want), key
        elif isinstance(want, dt.datetime):
            assert got == want.date(), key
        elif isinstance(want, dt.date):
            assert isinstance(got, dt.date) and got == want, key
        else:
            assert got == want, key


def tree(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture(scope="module")
def filled(roadmap, tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """The three units' templates for 2023 TW1, filled with answers_for (read only)."""
    folder = tmp_path_factory.mktemp("terisi")
    out = {}
    for unit in UNITS:
        spec = spec_of(roadmap, unit)
        answers = answers_for(spec)
        out[unit] = (write_template(spec, folder / f"{unit}.xlsx", answers), answers)
    return out


@pytest.fixture
def spec(roadmap) -> FormSpec:
    return spec_of(roadmap)


# --- 1. round trip ------------------------------------------------------------------------------

def test_round_trip_filled_templates_are_accepted_with_every_value(roadmap, filled):
    report = run([p for p, _ in filled.values()], roadmap)

    assert [s.verdict for s in report.submissions] == [ACCEPTED] * 3
    assert set(report.chosen) == set(UNITS)
    assert report.ok
    assert report.all_findings() == []
    assert not set(UNITS) & set(report.missing)
    assert len(report.missing) == len(roadmap.reporting_units()) - 3
    for unit, (_, answers) in filled.items():
        sub = report.chosen[unit]
        assert (sub.unit, sub.tahun, sub.periode, sub.master) == (unit, TAHUN, PERIODE, roadmap.fingerprint)
        assert_same_values(answers, sub.values)


# --- 2. LibreOffice re-save ---------------------------------------------------------------------

@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_libreoffice_resaved_files_are_accepted_with_same_values(roadmap, filled, tmp_path, fmt):
    require_soffice()
    import soffice

    converted = soffice.convert_many([p for p, _ in filled.values()], fmt, tmp_path / fmt)
    assert all(p.suffix == f".{fmt}" for p in converted)

    report = run([tmp_path / fmt], roadmap)

    assert {s.unit: s.verdict for s in report.submissions} == {u: ACCEPTED for u in UNITS}, \
        [(f.code, f.sheet, f.cell, f.value) for f in report.all_findings()]
    assert report.ok
    for unit, (_, answers) in filled.items():
        assert_same_values(answers, report.chosen[unit].values)


# --- 2b. Gnumeric re-save ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_gnumeric_resaved_files_are_accepted_with_same_values(roadmap, filled, tmp_path, fmt):
    """Gnumeric indents its ods XML and gives its xls number formats ids calamine takes for dates."""
    require_ssconvert()
    for path, _ in filled.values():
        ssconvert(path, tmp_path / fmt, fmt)

    report = run([tmp_path / fmt], roadmap)

    assert {s.unit: s.verdict for s in report.submissions} == {u: ACCEPTED for u in UNITS}, \
        [(f.code, f.sheet, f.cell, f.value) for f in report.all_findings()]
    for unit, (_, answers) in filled.items():
        assert_same_values(answers, report.chosen[unit].values)


# --- 3. one test per finding code ---------------------------------------------------------------

def test_value_not_in_list_status_sudah(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Sudah"})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_NOT_IN_LIST")
    assert (f.sheet, f.cell, f.value) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "status"), "Sudah")
    assert f.severity == ERROR and sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, key, "status") not in sub.values
    assert "CONSIST_NO_STATUS" not in [f.code for f in sub.findings]  # one finding per cause
    assert "Ctrl+Shift+V" in f.message  # a pasted cell lost its dropdown: paste values only


def test_list_value_in_other_case_is_accepted_as_the_list_spelling(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "sedang berjalan",
                                    (SHEET_RA_UTAMA, key, "progres"): 40})
    sub = only(run(path, roadmap))
    assert sub.verdict == ACCEPTED
    assert sub.values[(SHEET_RA_UTAMA, key, "status")] == "Sedang Berjalan"


def test_value_not_number_progres_sebagian(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "progres"): "sebagian"})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_NOT_NUMBER")
    assert (f.sheet, f.cell, f.value) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres"), "sebagian")
    assert sub.verdict == NEEDS_FIX


def test_value_out_of_range_progres_150(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "progres"): 150})
    report = run(path, roadmap)
    sub = only(report)
    f = the(sub, "VALUE_OUT_OF_RANGE")
    assert (f.sheet, f.cell) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres"))
    assert sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, key, "progres") not in sub.values
    assert report.chosen[UNIT] is sub  # value errors: the valid values are still used
    assert (SHEET_RA_UTAMA, key, "status") in sub.values


def test_value_text_number_progres_75_5_and_thousands_realisasi(roadmap, spec, tmp_path):
    ra = first_key(spec, SHEET_RA_UTAMA)
    keg = first_key(spec, SHEET_KEGIATAN)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, ra, "status"): "Sedang Berjalan",
                                    (SHEET_RA_UTAMA, ra, "progres"): "75,5",
                                    (SHEET_KEGIATAN, keg, "realisasi"): "1.234,5"})
    sub = only(run(path, roadmap))
    assert sorted(where(sub.findings, "VALUE_TEXT_NUMBER")) == sorted([
        (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, ra, "progres")),
        (SHEET_KEGIATAN, addr(spec, SHEET_KEGIATAN, keg, "realisasi"))])
    assert all(f.severity == WARNING for f in sub.findings)
    assert sub.verdict == ACCEPTED_NOTES
    assert sub.values[(SHEET_RA_UTAMA, ra, "progres")] == pytest.approx(75.5)
    assert sub.values[(SHEET_KEGIATAN, keg, "realisasi")] == pytest.approx(1234.5)


def test_value_too_long_output_1001_chars(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    text = ("Laporan " * 200)[:1001]
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Sedang Berjalan",
                                    (SHEET_RA_UTAMA, key, "output"): text})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_TOO_LONG")
    assert (f.sheet, f.cell) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "output"))
    assert f.severity == ERROR and sub.verdict == NEEDS_FIX
    assert sub.values[(SHEET_RA_UTAMA, key, "output")] == text[:1000]  # kept, cut, not lost


def test_value_bad_nip_1980(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "nip", "nilai"): "1980"})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_BAD_NIP")
    assert (f.sheet, f.cell, f.value) == (SHEET_IDENTITAS, addr(spec, SHEET_IDENTITAS, "nip", "nilai"), "1980")
    assert sub.verdict == NEEDS_FIX


def test_nip_with_spaces_is_accepted_without_them(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "nip", "nilai"): "19800101 200501 1 001"})
    sub = only(run(path, roadmap))
    assert sub.verdict == ACCEPTED
    assert sub.values[(SHEET_IDENTITAS, "nip", "nilai")] == "198001012005011001"


def test_nip_stored_as_a_number_is_not_silently_changed(roadmap, spec, tmp_path):
    """An 18-digit NIP in a number cell has lost its last digits (15 significant digits)."""
    nip = 198001012005011001
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "nip", "nilai"): nip})
    sub = only(run(path, roadmap))
    got = sub.values.get((SHEET_IDENTITAS, "nip", "nilai"))
    # Either it is flagged, or it is read back exactly; a different NIP must never be accepted.
    assert got in (None, str(nip)), f"NIP {nip} accepted as {got}"
    if got is None:
        f = the(sub, "VALUE_NIP_NUMBER")
        assert f.cell == addr(spec, SHEET_IDENTITAS, "nip", "nilai")
        # the digits the number kept, the lost ones marked, never '198.001.012.006.040.992'
        assert f.value == "198001012005011???" and "3 digit terakhir" in f.message and "teks" in f.message


def test_value_bad_date_kemarin(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "tanggal", "nilai"): "kemarin"})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_BAD_DATE")
    assert (f.sheet, f.cell, f.value) == (SHEET_IDENTITAS, addr(spec, SHEET_IDENTITAS, "tanggal", "nilai"),
                                          "kemarin")
    assert sub.verdict == NEEDS_FIX


@pytest.mark.libreoffice
def test_date_survives_a_libreoffice_round_trip_and_shows_the_month_by_name(roadmap, tmp_path):
    """3 April 2023 stays 3 April after LibreOffice re-saves the file, and the cell shows the month (the
    month by name), so 05/04/2023 read the other way round on an English-locale computer is seen."""
    require_soffice()
    require_ssconvert()
    import soffice

    spec = spec_of(roadmap, "KEC-JATI")
    # 3 April (inside TW1 2023's window up to its 15 April deadline): 03/04 read the other way is 4 March
    path, answers = fill(tmp_path / "src", spec, {(SHEET_IDENTITAS, "tanggal", "nilai"): dt.date(2023, 4, 3)})
    ods = soffice.convert(path, "ods", tmp_path / "lo")

    sub = only(run(ods, roadmap))
    assert sub.verdict == ACCEPTED
    assert sub.values[(SHEET_IDENTITAS, "tanggal", "nilai")] == dt.date(2023, 4, 3)
    shown = tmp_path / "tampil"  # what a person sees in each cell, rendered by Gnumeric
    shown.mkdir()
    done = subprocess.run(["ssconvert", "-S", "--export-type=Gnumeric_stf:stf_assistant", "-O", "format=preserve",
                           str(ods), str(shown / "%s.csv")], env={**os.environ, "HOME": str(shown)},
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((shown / f"{SHEET_IDENTITAS}.csv").open(encoding="utf-8")))
    assert ["Tanggal Pengisian", "3 April 2023"] in [r[:2] for r in rows]


def test_date_typed_as_text_is_read_as_a_date(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "tanggal", "nilai"): "05/04/2023"})
    sub = only(run(path, roadmap))
    assert sub.verdict == ACCEPTED
    assert sub.values[(SHEET_IDENTITAS, "tanggal", "nilai")] == dt.date(2023, 4, 5)


def test_value_required_empty_nama_pengisi(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec, {(SHEET_IDENTITAS, "nama", "nilai"): None})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_REQUIRED")
    assert (f.sheet, f.cell) == (SHEET_IDENTITAS, addr(spec, SHEET_IDENTITAS, "nama", "nilai"))
    assert "Nama Pengisi" in f.message
    assert sub.verdict == NEEDS_FIX


def test_consist_done_progress(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Selesai",
                                    (SHEET_RA_UTAMA, key, "progres"): 80,
                                    (SHEET_RA_UTAMA, key, "bukti"): "SK 1/2023"})
    sub = only(run(path, roadmap))
    f = the(sub, "CONSIST_DONE_PROGRESS")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres"), ERROR)
    assert sub.verdict == NEEDS_FIX


def test_progress_typed_as_excel_percent_is_a_warning(roadmap, spec, tmp_path):
    """Excel stores '75%' typed into a number cell as 0,75: warn, keep the value."""
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Sedang Berjalan",
                                    (SHEET_RA_UTAMA, key, "progres"): 0.75})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_PERCENT_FRACTION")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres"), WARNING)
    assert "75" in f.message and sub.values[(SHEET_RA_UTAMA, key, "progres")] == 0.75


def test_consist_not_started(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Belum Dimulai",
                                    (SHEET_RA_UTAMA, key, "progres"): 30})
    sub = only(run(path, roadmap))
    f = the(sub, "CONSIST_NOT_STARTED")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres"), ERROR)
    assert sub.verdict == NEEDS_FIX


def test_consist_done_no_evidence_is_a_warning(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Selesai",
                                    (SHEET_RA_UTAMA, key, "progres"): 100,
                                    (SHEET_RA_UTAMA, key, "bukti"): None})
    report = run(path, roadmap)
    sub = only(report)
    f = the(sub, "CONSIST_DONE_NO_EVIDENCE")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "bukti"), WARNING)
    assert sub.verdict == ACCEPTED_NOTES
    assert report.chosen[UNIT] is sub and report.ok


def test_consist_no_status_is_a_warning(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): None,
                                    (SHEET_RA_UTAMA, key, "progres"): 50})
    sub = only(run(path, roadmap))
    f = the(sub, "CONSIST_NO_STATUS")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "status"), WARNING)
    assert sub.verdict == ACCEPTED_NOTES
    assert sub.values[(SHEET_RA_UTAMA, key, "progres")] == pytest.approx(50)


def test_openpyxl_resave_alone_is_accepted(roadmap, spec, tmp_path):
    """Baseline for the tamper tests below: openpyxl's load/save changes nothing rbxl checks."""
    path, answers = fill(tmp_path, spec)
    tamper(path, lambda wb: None)
    sub = only(run(path, roadmap))
    assert (sub.unit, sub.verdict) == (UNIT, ACCEPTED)
    assert_same_values(answers, sub.values)


def test_value_formula_in_input_cell(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    cell = addr(spec, SHEET_RA_UTAMA, key, "progres")
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].__setitem__(cell, "=1+1"))
    sub = only(run(path, roadmap))
    assert sub.unit == UNIT
    f = the(sub, "VALUE_FORMULA")
    assert (f.sheet, f.cell, f.severity, f.value) == (SHEET_RA_UTAMA, cell, ERROR, "=1+1")  # the formula, not 2
    assert "=1+1" in f.message
    assert sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, key, "progres") not in sub.values


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_value_formula_in_input_cell_same_verdict_in_ods_and_xls(roadmap, spec, tmp_path, fmt):
    require_soffice()
    import soffice

    key = first_key(spec, SHEET_RA_UTAMA)
    cell = addr(spec, SHEET_RA_UTAMA, key, "progres")
    path, _ = fill(tmp_path / "src", spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].__setitem__(cell, "=40+2"))
    sub = only(run(soffice.convert(path, fmt, tmp_path / fmt), roadmap))
    f = the(sub, "VALUE_FORMULA")
    assert (f.sheet, f.cell, sub.verdict) == (SHEET_RA_UTAMA, cell, NEEDS_FIX)
    # xls keeps only the parsed formula, not its text: its result is shown as such
    assert f.value == ("=40+2" if fmt == "ods" else "hasil: 42")
    assert (SHEET_RA_UTAMA, key, "progres") not in sub.values


def test_cell_changed_locked_label(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA, 1)
    cell = addr(spec, SHEET_RA_UTAMA, key, "aksi")
    path, _ = fill(tmp_path, spec)

    def change(wb):
        ws = wb[SHEET_RA_UTAMA]
        ws.protection.sheet = False
        ws[cell] = "Rencana aksi yang diganti unit"

    tamper(path, change)
    report = run(path, roadmap)
    sub = only(report)
    assert sub.unit == UNIT
    f = the(sub, "CELL_CHANGED")
    assert (f.sheet, f.cell, f.value) == (SHEET_RA_UTAMA, cell, "Rencana aksi yang diganti unit")
    assert sub.verdict == REJECTED
    assert sub.values == {}  # nothing from a rejected file is used
    assert UNIT not in report.chosen and UNIT in report.missing and not report.ok


def test_cell_changed_header(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    cell = cell_name(HEADER_ROW, sheet.col("progres"))
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].__setitem__(cell, "Persen"))
    sub = only(run(path, roadmap))
    assert (SHEET_RA_UTAMA, cell) in where(sub.findings, "CELL_CHANGED")
    assert sub.verdict == REJECTED


def test_row_deletion_is_one_row_deleted_finding_and_rejected(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    second = sheet.first_row + 1  # 0-based row of the second data row
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].delete_rows(second + 1))  # openpyxl is 1-based
    report = run(path, roadmap)
    sub = only(report)
    assert sub.unit == UNIT
    f = the(sub, "ROW_DELETED")
    assert (f.sheet, f.cell, f.value) == (SHEET_RA_UTAMA, cell_name(second, sheet.col("kode")), sheet.rows[1].key)
    assert f"Baris {second + 1} " in f.message
    assert [x.code for x in sub.findings if x.sheet == SHEET_RA_UTAMA] == ["ROW_DELETED"]
    assert sub.verdict == REJECTED and sub.values == {}
    assert UNIT not in report.chosen


@pytest.mark.parametrize("n", [1, 2])
def test_inserted_rows_are_one_finding_not_one_per_shifted_row(roadmap, spec, tmp_path, n):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    r = sheet.first_row + 2  # 0-based: above the third data row
    path, _ = fill(tmp_path, spec)

    def insert(wb):
        ws = wb[SHEET_RA_UTAMA]
        ws.insert_rows(r + 1, n)
        ws.cell(row=r + 1, column=sheet.col("output") + 1, value="catatan sisipan")

    tamper(path, insert)
    sub = only(run(path, roadmap))
    f = the(sub, "ROW_INSERTED")
    assert (f.sheet, f.cell, f.value) == (SHEET_RA_UTAMA, cell_name(r, sheet.col("kode")), "catatan sisipan")
    rows = str(r + 1) if n == 1 else f"{r + 1}-{r + n}"
    assert f"Baris {rows} disisipkan" in f.message
    assert [x.code for x in sub.findings if x.sheet == SHEET_RA_UTAMA] == ["ROW_INSERTED"]
    assert sub.verdict == REJECTED


def test_row_extra_two_rows_below_last_row(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    r = sheet.first_row + len(sheet.rows) + 1
    c = sheet.col("kendala")
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].cell(row=r + 1, column=c + 1, value="baris tambahan"))
    sub = only(run(path, roadmap))
    assert sub.unit == UNIT
    f = the(sub, "ROW_EXTRA")
    assert (f.sheet, f.cell, f.value, f.severity) == (SHEET_RA_UTAMA, cell_name(r, c), "baris tambahan", WARNING)
    assert sub.verdict == ACCEPTED_NOTES  # nothing is lost: the text is in the findings, the rows are intact


def test_text_right_of_the_table_is_reported_not_dropped(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)
    sheet = spec.sheet(SHEET_RA_UTAMA)
    r, c = sheet.first_row, len(sheet.fields) + 1
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].cell(row=r + 1, column=c + 1, value="catatan pinggir"))
    sub = only(run(path, roadmap))
    f = the(sub, "CELL_OUTSIDE")
    assert (f.sheet, f.cell, f.value, f.severity) == (SHEET_RA_UTAMA, cell_name(r, c), "catatan pinggir", WARNING)
    assert sub.verdict == ACCEPTED_NOTES


def test_sheet_missing(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: wb.remove(wb[SHEET_KEGIATAN]))
    sub = only(run(path, roadmap))
    assert sub.unit == UNIT
    f = the(sub, "SHEET_MISSING")
    assert (f.sheet, f.cell) == (SHEET_KEGIATAN, "")
    assert sub.verdict == REJECTED


def test_renamed_sheet_differing_only_in_case_and_spaces_is_found(roadmap, spec, tmp_path):
    path, answers = fill(tmp_path, spec)
    tamper(path, lambda wb: setattr(wb[SHEET_KEGIATAN], "title", SHEET_KEGIATAN.upper() + " "))
    sub = only(run(path, roadmap))
    assert sub.verdict == ACCEPTED
    assert_same_values(answers, sub.values)


@pytest.mark.parametrize("sheet_name", [SHEET_KEGIATAN, SHEET_IDENTITAS])
def test_renamed_sheet_is_found_by_its_content_with_a_warning(roadmap, spec, tmp_path, sheet_name):
    path, answers = fill(tmp_path, spec)
    tamper(path, lambda wb: setattr(wb[sheet_name], "title", "Lembar Saya"))
    sub = only(run(path, roadmap))
    f = the(sub, "SHEET_RENAMED")
    assert (f.sheet, f.value, f.severity) == (sheet_name, "Lembar Saya", WARNING)
    assert "Lembar Saya" in f.message
    assert "SHEET_MISSING" not in [x.code for x in sub.findings]
    assert "SHEET_EXTRA" not in [x.code for x in sub.findings]
    assert sub.verdict == ACCEPTED_NOTES
    assert_same_values(answers, sub.values)


def test_file_not_template_plain_workbook(roadmap, tmp_path):
    path = hostile.valid_xlsx(tmp_path, "laporan-sendiri.xlsx")
    sub = only(run(path, roadmap))
    assert [f.code for f in sub.findings] == ["FILE_NOT_TEMPLATE"]
    assert sub.verdict == REJECTED and sub.unit == ""


def without_meta(wb, label: str, value: str) -> None:
    """Drop the hidden identity sheet and change one labelled value on the Identitas sheet."""
    wb.remove(wb[META_SHEET])
    for row in wb[SHEET_IDENTITAS].iter_rows():
        if row[0].value == label:
            row[1].value = value


def test_hidden_sheet_removed_identitas_of_another_period_is_wrong_period(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)

    tamper(path, lambda wb: without_meta(wb, LABEL_PERIODE, "Triwulan II 2023"))
    sub = only(run(path, roadmap))
    assert [f.code for f in sub.findings] == ["FILE_WRONG_PERIOD"] and sub.unit == UNIT
    assert "Triwulan II 2023" in sub.findings[0].message
    assert sub.verdict == REJECTED


def test_file_not_template_when_hidden_sheet_removed_and_unit_unknown(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)

    tamper(path, lambda wb: without_meta(wb, LABEL_KODE_UNIT, "DINAS-X"))
    sub = only(run(path, roadmap))
    assert [f.code for f in sub.findings] == ["FILE_NOT_TEMPLATE"]
    assert sub.verdict == REJECTED


@pytest.mark.parametrize("key,value", [("format", "bukan-rbxl"), ("unit", ""), ("tahun", "dua ribu")])
def test_file_meta_tampered(roadmap, spec, tmp_path, key, value):
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: set_meta(wb, key, value))
    sub = only(run(path, roadmap))
    f = the(sub, "FILE_META_TAMPERED")
    assert (f.sheet, f.cell) == (META_SHEET, "")
    assert sub.verdict == REJECTED and sub.values == {}


def test_file_unknown_unit(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)
    tamper(path, lambda wb: set_meta(wb, "unit", "DINAS-X"))
    report = run(path, roadmap)
    sub = only(report)
    f = the(sub, "FILE_UNKNOWN_UNIT")
    assert (f.value, f.sheet, f.cell) == ("DINAS-X", "", "")
    assert sub.verdict == REJECTED and "DINAS-X" not in report.chosen


@pytest.mark.parametrize("tahun,periode", [(2023, "TW2"), (2024, "TW1")])
def test_file_wrong_period(roadmap, tmp_path, tahun, periode):
    other = spec_of(roadmap, UNIT, tahun, periode)
    path, _ = fill(tmp_path, other)
    report = run(path, roadmap)
    sub = only(report)
    f = the(sub, "FILE_WRONG_PERIOD")
    assert f"{periode} {tahun}" in f.message
    assert sub.unit == UNIT and sub.verdict == REJECTED and UNIT not in report.chosen


def test_file_old_master_is_a_warning_and_still_used(roadmap, spec, tmp_path):
    path, answers = fill(tmp_path, spec)
    tamper(path, lambda wb: set_meta(wb, "master", "0000000000000000"))
    report = run(path, roadmap)
    sub = only(report)
    assert [f.code for f in sub.findings] == ["FILE_OLD_MASTER"]
    assert sub.findings[0].severity == WARNING and sub.findings[0].value == "0000000000000000"
    assert sub.verdict == ACCEPTED_NOTES and report.chosen[UNIT] is sub and report.ok
    assert_same_values(answers, sub.values)


def test_file_master_changed(roadmap, spec, tmp_path):
    keys = [r.key for r in spec.sheet(SHEET_RA_UTAMA).rows]

    def change(wb):
        set_meta(wb, "master", "0000000000000000")
        set_meta(wb, f"baris:{SHEET_RA_UTAMA}", ";".join(keys[:-1]))

    path, _ = fill(tmp_path, spec)
    tamper(path, change)
    report = run(path, roadmap)
    sub = only(report)
    assert sub.unit == UNIT
    sheets = sorted(s for s, _ in where(sub.findings, "FILE_MASTER_CHANGED"))
    assert sheets == ["", SHEET_RA_UTAMA]
    assert "FILE_OLD_MASTER" not in {f.code for f in sub.findings}
    assert sub.verdict == REJECTED and UNIT not in report.chosen


def test_file_duplicate_same_bytes_twice(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path / "in", spec, name="a-laporan.xlsx")
    shutil.copyfile(path, tmp_path / "in" / "b-laporan-lagi.xlsx")
    report = run(tmp_path / "in", roadmap)
    first, second = by_name(report, "a-laporan.xlsx"), by_name(report, "b-laporan-lagi.xlsx")
    assert first.verdict == ACCEPTED
    assert second.verdict == DUPLICATE
    f = the(second, "FILE_DUPLICATE")
    assert f.severity == INFO and first.item.source in f.message
    assert report.chosen[UNIT] is first and report.ok


def test_file_superseded_by_arrival_not_by_the_saved_time_inside(roadmap, spec, tmp_path):
    """Issue 19: the save time written inside a file is the sender's to write (a forgery dated
    2099 won); within one run the file's own time decides, and the saved time is never used."""
    folder = tmp_path / "in"
    # the later file sorts first by name and claims the older save time: only the file time decides
    new, new_answers = fill(folder, spec, name="a-revisi.xlsx", seed=2, created=dt.datetime(2023, 4, 1, 9))
    old, _ = fill(folder, spec, name="b-awal.xlsx", seed=1, created=dt.datetime(2099, 4, 10, 9))
    os.utime(new, (1_700_000_000, 1_700_000_000))
    os.utime(old, (1_600_000_000, 1_600_000_000))
    report = run(folder, roadmap)
    winner, loser = by_name(report, "a-revisi.xlsx"), by_name(report, "b-awal.xlsx")
    assert report.chosen[UNIT] is winner and winner.verdict == ACCEPTED
    assert loser.verdict == SUPERSEDED
    f = the(loser, "FILE_SUPERSEDED")
    assert winner.item.source in f.message
    assert_same_values(new_answers, report.chosen[UNIT].values)


def test_file_superseded_falls_back_to_file_time(roadmap, spec, tmp_path):
    folder = tmp_path / "in"
    same = dt.datetime(2023, 4, 5, 9)
    late, _ = fill(folder, spec, name="a.xlsx", seed=2, created=same)
    early, _ = fill(folder, spec, name="b.xlsx", seed=1, created=same)
    os.utime(late, (1_700_000_000, 1_700_000_000))
    os.utime(early, (1_600_000_000, 1_600_000_000))
    report = run(folder, roadmap)
    assert report.chosen[UNIT] is by_name(report, "a.xlsx")
    assert by_name(report, "b.xlsx").verdict == SUPERSEDED


@pytest.mark.libreoffice
def test_file_superseded_newer_xls_beats_older_xlsx(roadmap, tmp_path):
    """A unit re-sends its report as .xls days later: the .xls carries its save time in its
    SummaryInformation stream (LibreOffice keeps the source's time on conversion), and that
    newer time must win over the older .xlsx."""
    require_soffice()
    import soffice

    spec = spec_of(roadmap, "KEC-JATI")
    folder = tmp_path / "in"
    old, _ = fill(folder, spec, name="kec-awal.xlsx", seed=1, created=dt.datetime(2023, 4, 1, 9))
    os.utime(old, (dt.datetime(2023, 4, 1, 9).timestamp(),) * 2)
    src, answers = fill(tmp_path / "src", spec, name="kec-revisi.xlsx", seed=2, created=dt.datetime(2023, 4, 9, 8))
    xls = soffice.convert(src, "xls", folder)
    os.utime(xls, (dt.datetime(2023, 4, 10, 9).timestamp(),) * 2)

    report = run(folder, roadmap)

    assert by_name(report, "kec-awal.xlsx").verdict == SUPERSEDED
    assert report.chosen["KEC-JATI"] is by_name(report, "kec-revisi.xls")
    assert_same_values(answers, report.chosen["KEC-JATI"].values)


def test_file_skipped_clutter_is_a_note_not_an_error(roadmap, filled, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(filled[UNIT][0], folder)
    hostile.office_lock_file(folder, name=f"~${UNIT}.xlsx")
    hostile.office_lock_file(folder, name=f".~lock.{UNIT}.xlsx#")
    hostile.desktop_ini(folder)
    hostile.pdf_renamed(folder, name="surat-pengantar.pdf")
    (folder / "catatan.txt").write_text("mohon diperiksa", encoding="utf-8")

    report = run(folder, roadmap)

    assert [s.verdict for s in report.submissions] == [ACCEPTED]
    skipped = sorted(Path(f.file).name for f in report.findings if f.code == "FILE_SKIPPED")
    assert skipped == sorted([f"~${UNIT}.xlsx", f".~lock.{UNIT}.xlsx#", "desktop.ini", "surat-pengantar.pdf",
                              "catatan.txt"])
    assert all(f.severity == INFO for f in report.findings)
    assert report.ok


# --- 4. hostile files ---------------------------------------------------------------------------

HOSTILE = [
    ("zero_byte", "FILE_EMPTY"),
    ("truncated", "FILE_UNREADABLE"),
    ("not_a_spreadsheet", "FILE_UNREADABLE"),
    ("pdf_renamed", "FILE_UNREADABLE"),
    ("lying_size_zip", "FILE_UNREADABLE"),
    ("entity_bomb_xlsx", "FILE_UNREADABLE"),
    ("external_entity_xlsx", "FILE_UNREADABLE"),
    ("encrypted_xlsx", "FILE_ENCRYPTED"),
    ("zip_bomb_xlsx", "FILE_TOO_LARGE"),
    ("many_members_xlsx", "FILE_TOO_LARGE"),
    ("absurd_dimension_xlsx", "FILE_TOO_LARGE"),
]


@pytest.mark.parametrize("builder,code", HOSTILE, ids=[b for b, _ in HOSTILE])
def test_hostile_file_gets_its_finding_and_the_valid_one_is_accepted(roadmap, filled, tmp_path, builder, code):
    folder = tmp_path / "in"
    folder.mkdir()
    valid = shutil.copy(filled["KEC-JATI"][0], folder)
    kw = {"base": filled[UNIT][0]} if builder in ("truncated", "encrypted_xlsx") else {}
    bad = getattr(hostile, builder)(folder, **kw)

    start = time.monotonic()
    report = run(folder, roadmap)
    assert time.monotonic() - start < 30

    assert by_name(report, Path(valid).name).verdict == ACCEPTED
    sub = by_name(report, bad.name)
    assert [f.code for f in sub.findings] == [code], [f.message for f in sub.findings]
    assert sub.verdict == REJECTED and sub.unit == ""
    assert not report.ok


@pytest.mark.libreoffice
def test_xls_with_excel_default_key_is_decrypted_not_reported_encrypted(roadmap, filled, tmp_path):
    require_soffice()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(filled["KEC-JATI"][0], folder)
    bad = hostile.xls_default_key(folder)
    report = run(folder, roadmap)
    assert by_name(report, "KEC-JATI.xlsx").verdict == ACCEPTED
    sub = by_name(report, bad.name)
    assert [f.code for f in sub.findings] == ["FILE_NOT_TEMPLATE"]


def test_traversal_names_in_zip_and_email_are_warned_and_nothing_escapes(roadmap, filled, tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    insp = filled["INSPEKTORAT"][0].read_bytes()
    kec = filled["KEC-JATI"][0].read_bytes()
    hostile.zip_with_traversal(folder, {"unit/benar.xlsx": insp})
    hostile.eml_with_attachments(folder, {"../../../etc/cron.d/x.xlsx": hostile.valid_xlsx_bytes(),
                                          "laporan-unit.xlsx": kec}, name="jahat.eml")
    hostile.eml_with_traversal(folder, name="jahat-2.eml")
    cron = sorted(os.listdir("/etc/cron.d")) if os.path.isdir("/etc/cron.d") else []
    before = tree(tmp_path.parent)
    cwd_before = set(os.listdir("."))

    report = run(folder, roadmap, out=out)

    unsafe = sorted(f.value for f in report.findings if f.code == "FILE_UNSAFE_NAME")
    assert unsafe == sorted([*hostile.TRAVERSAL_NAMES, "../../../etc/cron.d/x.xlsx",
                             "../../../etc/cron.d/x.xlsx"])
    assert all(f.severity == WARNING for f in report.findings if f.code == "FILE_UNSAFE_NAME")
    assert by_name(report, "kiriman.zip!/unit/benar.xlsx").verdict == ACCEPTED
    assert by_name(report, "jahat.eml!/laporan-unit.xlsx").verdict == ACCEPTED
    assert set(report.chosen) == {"INSPEKTORAT", "KEC-JATI"}

    new = tree(tmp_path.parent) - before
    assert new and all(p == out or out in p.parents for p in new), sorted(map(str, new - tree(out)))
    assert all(SHA_NAME.match(p.name) for p in (out / "2023-TW1" / "arsip").iterdir() if p.name != "log.csv")
    assert (sorted(os.listdir("/etc/cron.d")) if os.path.isdir("/etc/cron.d") else []) == cron
    assert not Path("/abs/mutlak.xlsx").exists()
    assert set(os.listdir(".")) == cwd_before


def _nest(data: bytes, inner: str, depth: int) -> bytes:
    """`inner` inside `depth` zips, each inside the next."""
    name, payload = inner, data
    for level in range(depth, 0, -1):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(name, payload)
        name, payload = f"tingkat{level}.zip", buf.getvalue()
    return payload


def test_nested_zip_three_deep_is_read(roadmap, filled, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kiriman.zip").write_bytes(_nest(filled["KEC-JATI"][0].read_bytes(), "KEC-JATI.xlsx", 3))
    hostile.nested_zip(folder, depth=3)
    report = run(folder, roadmap)

    ours = by_name(report, "KEC-JATI.xlsx")
    assert ours.item.source.count("!/") == 3 and ours.verdict == ACCEPTED
    theirs = by_name(report, "bersarang.zip!/tingkat2.zip!/tingkat3.zip!/laporan.xlsx")
    assert [f.code for f in theirs.findings] == ["FILE_NOT_TEMPLATE"]  # reached and read


def test_zip_nested_too_deep_is_refused_not_crashed(roadmap, tmp_path):
    path = hostile.nested_zip(tmp_path / "in", depth=6)
    report = run(path, roadmap)
    assert report.submissions == []
    assert [f.code for f in report.findings] == ["FILE_TOO_LARGE"]


# --- 5. nothing lost ----------------------------------------------------------------------------

def test_inputs_untouched_and_archive_log_and_findings_files(roadmap, filled, tmp_path):
    folder, out = tmp_path / "kiriman", tmp_path / "hasil"
    folder.mkdir()
    for unit in ("BAG-ORGANISASI", "INSPEKTORAT"):
        shutil.copy(filled[unit][0], folder)
    shutil.copy(filled["INSPEKTORAT"][0], folder / "INSPEKTORAT (1).xlsx")  # same bytes again
    with zipfile.ZipFile(folder / "kec.zip", "w") as zf:
        zf.writestr("KEC-JATI.xlsx", filled["KEC-JATI"][0].read_bytes())
    hostile.office_lock_file(folder)
    inputs = sorted(p for p in folder.iterdir())
    for i, p in enumerate(inputs):
        os.utime(p, ns=(1_600_000_000_000_000_000 + i, 1_600_000_000_000_000_000 + i))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs}

    report = run(folder, roadmap, out=out)

    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs} == before
    assert sorted(folder.iterdir()) == inputs
    assert set(report.chosen) == set(UNITS)

    arsip = out / "2023-TW1" / "arsip"
    assert report.archive == arsip
    received = {s.item.sha256: s for s in report.submissions}
    assert len(report.submissions) == 4 and len(received) == 3
    copies = {p.name: p.read_bytes() for p in arsip.iterdir() if p.name != "log.csv"}
    zip_sha = hashlib.sha256((folder / "kec.zip").read_bytes()).hexdigest()
    # every received file, the zip as it came included (not the Office lock file)
    assert sorted(copies) == sorted([f"{sha}.xlsx" for sha in received] + [f"{zip_sha}.zip"])
    for name, data in copies.items():
        assert hashlib.sha256(data).hexdigest() == name.split(".")[0]
    assert copies[f"{report.chosen['KEC-JATI'].item.sha256}.xlsx"] == filled["KEC-JATI"][0].read_bytes()

    def log_rows():
        with open(arsip / "log.csv", newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    rows = log_rows()
    assert [(r["sumber"], r["sha256"], r["putusan"]) for r in rows] == \
        [(s.item.source, s.item.sha256, s.verdict) for s in report.submissions] + \
        [(str(folder / "kec.zip"), zip_sha, "Wadah (zip/e-mail)")]
    assert sorted(r["putusan"] for r in rows[:-1]) == sorted([ACCEPTED] * 3 + [DUPLICATE])

    temuan = out / "2023-TW1" / "temuan-2023-TW1.xlsx"
    assert report.findings_file == temuan
    wb = openpyxl.load_workbook(temuan, read_only=True)
    assert {"Berkas", "Temuan", "Belum Mengumpulkan"} <= set(wb.sheetnames)
    assert wb["Berkas"].max_row - 1 == len(report.submissions)
    assert wb["Belum Mengumpulkan"].max_row - 1 == len(report.missing)
    wb.close()
    notes = out / "2023-TW1" / "umpan-balik"
    assert sorted(p.stem for p in notes.iterdir()) == sorted(UNITS)

    again = run(folder, roadmap, out=out)
    assert [(s.item.source, s.verdict) for s in again.submissions] == \
        [(s.item.source, s.verdict) for s in report.submissions]
    assert log_rows() == rows  # issue 19: the period already has these files; re-running adds no line
    assert sorted(p.name for p in arsip.iterdir() if p.name != "log.csv") == sorted(copies)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs} == before


def test_feedback_note_names_sheet_and_cell_of_each_problem(roadmap, spec, tmp_path):
    ra = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path / "in", spec, {(SHEET_RA_UTAMA, ra, "progres"): 150,
                                           (SHEET_IDENTITAS, "nip", "nilai"): "1980",
                                           (SHEET_KEGIATAN, first_key(spec, SHEET_KEGIATAN), "realisasi"): "banyak"})
    report = run(path, roadmap, out=tmp_path / "out")
    sub = only(report)
    problems = [f for f in sub.findings if f.severity in (ERROR, WARNING)]
    assert len(problems) == 3
    text = (tmp_path / "out" / "2023-TW1" / "umpan-balik" / f"{UNIT}.txt").read_text(encoding="utf-8")
    assert NEEDS_FIX in text
    for f in problems:
        assert f"Sheet '{f.sheet}' sel {f.cell}:" in text, f.code

    wb = openpyxl.load_workbook(report.findings_file, read_only=True)
    rows = list(wb["Temuan"].iter_rows(min_row=2, values_only=True))
    wb.close()
    # and the run's own warning: no office key in this output folder (rbxl.core.signing), so no signature checked
    assert sorted((r[1], r[5], r[6]) for r in rows) == sorted((f.code, f.sheet, f.cell) for f in report.all_findings())
    assert [f.code for f in report.findings] == ["FILE_SIGNATURE_UNCHECKED"]


def test_feedback_note_covers_the_chosen_file_when_another_file_is_rejected(roadmap, spec, tmp_path):
    """A unit sends a usable file with a value error and a later broken one: the note must still
    tell it to fix the value that is being used."""
    folder = tmp_path / "in"
    ra = first_key(spec, SHEET_RA_UTAMA)
    good, _ = fill(folder, spec, {(SHEET_RA_UTAMA, ra, "progres"): 150}, name="a.xlsx")
    broken, _ = fill(folder, spec, name="b.xlsx")
    tamper(broken, lambda wb: wb[SHEET_RA_UTAMA].delete_rows(spec.sheet(SHEET_RA_UTAMA).first_row + 2))
    report = run(folder, roadmap, out=tmp_path / "out")
    assert report.chosen[UNIT] is by_name(report, "a.xlsx")
    assert by_name(report, "b.xlsx").verdict == REJECTED

    text = (tmp_path / "out" / "2023-TW1" / "umpan-balik" / f"{UNIT}.txt").read_text(encoding="utf-8")
    assert f"Sheet '{SHEET_RA_UTAMA}' sel {addr(spec, SHEET_RA_UTAMA, ra, 'progres')}:" in text


# --- 6. saved e-mails and zips ------------------------------------------------------------------

def test_eml_with_non_ascii_attachment_name_is_read_and_accepted(roadmap, filled, tmp_path):
    name = "Laporan RB – Kec. Jati (révisi 2) ñ.xlsx"
    path = hostile.eml_with_attachments(tmp_path / "in", {name: filled["KEC-JATI"][0].read_bytes()})
    report = run(path, roadmap)
    sub = only(report)
    assert sub.item.source == f"{path}!/{name}"
    assert (sub.unit, sub.verdict) == ("KEC-JATI", ACCEPTED)
    assert_same_values(filled["KEC-JATI"][1], sub.values)
    assert report.findings == [] and report.ok


def test_zip_with_two_filled_templates_both_accepted(roadmap, filled, tmp_path):
    path = tmp_path / "kiriman.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for unit in ("INSPEKTORAT", "KEC-JATI"):
            zf.write(filled[unit][0], f"laporan/{unit}.xlsx")
    report = run(path, roadmap)
    assert {s.unit: s.verdict for s in report.submissions} == {"INSPEKTORAT": ACCEPTED, "KEC-JATI": ACCEPTED}
    for unit in ("INSPEKTORAT", "KEC-JATI"):
        assert_same_values(filled[unit][1], report.chosen[unit].values)


# --- 7. CLI -------------------------------------------------------------------------------------

def _cli(args: list[str], master_path: Path, out: Path):
    return CliRunner().invoke(main, ["validate", *args, "--master", str(master_path), "--out", str(out)])


def test_cli_exit_0_when_all_accepted(filled, master_path, tmp_path):
    folder = next(iter(filled.values()))[0].parent
    result = _cli([str(folder), "--tahun", "2023", "--periode", "tw1"], master_path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "2023-TW1" / "temuan-2023-TW1.xlsx").is_file()


def test_cli_exit_1_when_a_file_is_rejected(filled, master_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(filled[UNIT][0], folder)
    hostile.valid_xlsx(folder, "bukan-template.xlsx")
    result = _cli([str(folder), "--tahun", "2023", "--periode", "TW1"], master_path, tmp_path / "out")
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("tahun,periode", [("2023", "TW5"), ("2030", "TW1"), ("duaribu", "TW1")])
def test_cli_exit_2_for_a_bad_period(filled, master_path, tmp_path, tahun, periode):
    result = _cli([str(filled[UNIT][0]), "--tahun", tahun, "--periode", periode], master_path, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists()


def test_cli_json_lists_every_finding(roadmap, spec, master_path, tmp_path):
    ra = first_key(spec, SHEET_RA_UTAMA)
    folder = tmp_path / "in"
    fill(folder, spec, {(SHEET_RA_UTAMA, ra, "progres"): 150})
    hostile.desktop_ini(folder)
    result = _cli([str(folder), "--tahun", "2023", "--periode", "TW1", "--json"], master_path, tmp_path / "out")
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 3
    keys = {"code", "severity", "file", "unit", "sheet", "cell", "value", "message"}
    assert all(keys <= set(item) for item in items)
    by_code = {item["code"]: item for item in items}
    # FILE_SIGNATURE_UNCHECKED: the output folder has no office key (templates made elsewhere)
    assert set(by_code) == {"VALUE_OUT_OF_RANGE", "FILE_SKIPPED", "FILE_SIGNATURE_UNCHECKED"}
    bad = by_code["VALUE_OUT_OF_RANGE"]
    assert (bad["severity"], bad["unit"], bad["sheet"], bad["cell"], bad["value"]) == \
        (ERROR, UNIT, SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, ra, "progres"), "150")
    assert bad["file"] == str(folder / f"{UNIT}.xlsx") and bad["message"]


def test_half_filled_file_is_told_which_rows_are_left(roadmap, spec, tmp_path):
    sheet = spec.sheet(SHEET_RA_UTAMA)
    blank = {(SHEET_RA_UTAMA, row.key, f.key): None for row in sheet.rows[1:] for f in sheet.fields if f.input}
    path, _ = fill(tmp_path, spec, blank)
    sub = only(run(path, roadmap))
    f = the(sub, "ROWS_EMPTY")
    assert (f.sheet, f.cell, f.severity) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, sheet.rows[1].key, "status"),
                                             WARNING)
    assert f.message.startswith(f"{len(sheet.rows) - 1} baris belum diisi")
    assert sub.verdict == ACCEPTED_NOTES


def test_a_workbook_that_lost_its_extension_is_still_read(roadmap, filled, tmp_path):
    src, _ = filled[UNIT]
    bare = tmp_path / "lampiran"
    bare.write_bytes(src.read_bytes())
    sub = only(run(bare, roadmap))
    assert sub.unit == UNIT and sub.usable


def test_sheets_copied_into_a_new_workbook_are_identified_from_identitas(roadmap, spec, tmp_path):
    """'Move or Copy' into a new workbook drops the hidden sheet: the visible Identitas sheet
    identifies the file, and the cell-by-cell comparison still guards its content."""
    path, answers = fill(tmp_path, spec)
    tamper(path, lambda wb: wb.remove(wb["_rbxl"]))
    sub = only(run(path, roadmap))
    assert sub.unit == UNIT and sub.usable
    assert the(sub, "FILE_META_MISSING").severity == WARNING
    assert_same_values(answers, sub.values)


@pytest.mark.libreoffice
def test_ods_with_a_million_repeated_rows_is_refused_not_parsed(roadmap, tmp_path):
    """ODS compresses 'repeat this row a million times' into one element: refuse, do not hang."""
    require_soffice()
    import soffice

    ods = soffice.convert(hostile.valid_xlsx(tmp_path / "src"), "ods", tmp_path / "lo")
    bomb = tmp_path / "in" / "bom.ods"
    bomb.parent.mkdir()
    row = (b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
           b'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
           b"</table:table-cell></table:table-row></table:table>")
    with zipfile.ZipFile(ods) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", row, 1)
            zout.writestr(info, data, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype"
                          else zipfile.ZIP_DEFLATED)
    sub = only(run(bomb, roadmap))
    assert [f.code for f in sub.findings] == ["FILE_TOO_LARGE"] and sub.verdict == REJECTED


def test_style_only_cell_far_below_does_not_reject_a_legitimate_file(roadmap, filled, tmp_path):
    """A formatted empty cell at row 1048576 (a whole column formatted) is not content."""
    src, answers = filled[UNIT]
    target = tmp_path / "in" / "format-kolom.xlsx"
    target.parent.mkdir()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')
            zout.writestr(info, data)
    sub = only(run(target, roadmap))
    assert sub.usable and sub.unit == UNIT
    assert_same_values(answers, sub.values)


def test_sheet_added_by_the_unit_is_reported_not_ignored(roadmap, spec, tmp_path):
    path, _ = fill(tmp_path, spec)

    def add_sheet(wb):
        ws = wb.create_sheet("Salinan Saya")
        ws["B3"] = "progres sebenarnya 80%"

    tamper(path, add_sheet)
    sub = only(run(path, roadmap))
    f = the(sub, "SHEET_EXTRA")
    assert (f.sheet, f.cell, f.value, f.severity) == ("Salinan Saya", "B3", "progres sebenarnya 80%", WARNING)
    assert sub.usable


def test_error_value_typed_or_left_in_an_input_cell(roadmap, spec, tmp_path):
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "output"): "#DIV/0!"})
    sub = only(run(path, roadmap))
    f = the(sub, "VALUE_ERROR_CELL")
    assert (f.sheet, f.cell) == (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "output"))


def test_unfilled_support_rows_are_a_note_only(roadmap, tmp_path):
    spec = spec_of(roadmap, "KEC-JATI")
    sheet = spec.sheet(SHEET_RA_PENDUKUNG)
    blank = {(SHEET_RA_PENDUKUNG, row.key, f.key): None for row in sheet.rows for f in sheet.fields if f.input}
    path, _ = fill(tmp_path, spec, blank)
    sub = only(run(path, roadmap))
    f = the(sub, "ROWS_EMPTY_SUPPORT")
    assert f.severity == INFO and f.sheet == SHEET_RA_PENDUKUNG and f.message.startswith(f"{len(sheet.rows)} baris")
