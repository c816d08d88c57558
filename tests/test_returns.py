"""How returns are counted: a corrected resubmission, a return saved as CSV, an untouched template.

Totals (Per Unit sheet, unit.csv, console) follow the file whose data is used; every other
file's findings stay listed and say so.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import require_soffice
from test_validate import PERIODE, TAHUN, UNIT, addr, by_name, fill, first_key, only, run, spec_of

from rbxl.checks.submission import ACCEPTED, NEEDS_FIX, REJECTED, SUPERSEDED
from rbxl.cli import main
from rbxl.consolidation.build import NOT_COUNTED, counted_findings
from rbxl.core.findings import ERROR
from rbxl.core.paths import csv_dir, feedback_dir, findings_path, monitoring_path
from rbxl.form.spec import SHEET_RA_UTAMA
from rbxl.pipeline import run_consolidation
from rbxl.template.write import write_template


def _unit_row(out: Path, unit: str) -> dict:
    with open(csv_dir(out, TAHUN, PERIODE) / "unit.csv", encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["unit"] == unit)


def test_corrected_resubmission_counts_only_the_kept_file(roadmap, tmp_path, master_path):
    spec = spec_of(roadmap)
    key = first_key(spec, SHEET_RA_UTAMA)
    folder = tmp_path / "in"
    wrong = {(SHEET_RA_UTAMA, key, "progres"): 150, (SHEET_RA_UTAMA, first_key(spec, SHEET_RA_UTAMA, 1), "status"):
             "Sudah"}
    fill(folder, spec, wrong, name="a-awal.xlsx", created=dt.datetime(2023, 4, 1, 9))
    fill(folder, spec, name="b-perbaikan.xlsx", created=dt.datetime(2023, 4, 8, 9))
    out = tmp_path / "out"

    outputs = run_consolidation([folder], roadmap, TAHUN, PERIODE, out, workers=2)

    report = outputs.report
    first, second = by_name(report, "a-awal.xlsx"), by_name(report, "b-perbaikan.xlsx")
    assert (first.verdict, second.verdict) == (SUPERSEDED, ACCEPTED)
    assert sum(f.severity == ERROR for f in first.findings) == 2
    assert not [f for f in counted_findings(report) if f.unit == UNIT]
    row = _unit_row(out, UNIT)
    assert (row["putusan"], row["n_err"], row["n_warn"]) == (ACCEPTED, "0", "0")
    # the monitoring workbook's Per Unit sheet caches the same count, and still lists the old errors
    wb = openpyxl.load_workbook(monitoring_path(out, TAHUN, PERIODE), read_only=True, data_only=True)
    head, *rows = wb["Per Unit"].iter_rows(values_only=True)
    per_unit = dict(zip(head, next(r for r in rows if r[0] == UNIT), strict=False))
    levels = [r[0] for r in wb["Temuan"].iter_rows(min_row=2, values_only=True) if r[2] == UNIT]
    wb.close()
    assert per_unit["Kesalahan"] == 0
    assert levels.count(f"Kesalahan ({NOT_COUNTED})") == 2
    # the findings workbook names the superseded file's verdict next to each of its findings
    wb = openpyxl.load_workbook(findings_path(out, TAHUN, PERIODE), read_only=True)
    rows = [r for r in wb["Temuan"].iter_rows(min_row=2, values_only=True) if r[3] == first.item.source]
    wb.close()
    assert rows and {r[4] for r in rows} == {SUPERSEDED}

    result = CliRunner().invoke(main, ["consolidate", str(folder), "--tahun", str(TAHUN), "--periode", PERIODE,
                                       "--master", str(master_path), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "Temuan: kesalahan" in result.output
    line = next(line for line in result.output.splitlines() if "Temuan: kesalahan" in line)
    assert re.search(r"Temuan: kesalahan\W+0\W*$", line), line


@pytest.mark.libreoffice
def test_return_saved_as_csv_is_the_units_rejected_return(roadmap, tmp_path, master_path):
    """LibreOffice saves the first sheet (Petunjuk, unit on line 3); a data sheet names it on line 2."""
    require_soffice()
    import soffice

    spec = spec_of(roadmap)
    src, _ = fill(tmp_path / "src", spec)
    folder = tmp_path / "in"
    soffice.convert(src, "csv", folder)
    other = spec_of(roadmap, "KEC-JATI")
    data_sheet = other.sheet(SHEET_RA_UTAMA) if SHEET_RA_UTAMA in [s.name for s in other.sheets] else other.sheets[1]
    (folder / "kec-jati.csv").write_text(f"{data_sheet.title},,\n{data_sheet.subtitle},,\n", encoding="cp1252")
    (folder / "catatan.csv").write_text("no,uraian\n1,bukan template\n", encoding="utf-8")

    report = run(folder, roadmap)

    for unit, name in ((UNIT, f"{src.stem}.csv"), ("KEC-JATI", "kec-jati.csv")):
        sub = by_name(report, name)
        assert (sub.unit, sub.verdict, [f.code for f in sub.findings]) == (unit, REJECTED, ["FILE_CSV"])
    assert not report.ok
    assert [f.code for f in report.findings] == ["FILE_SKIPPED"]  # the CSV naming no unit

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["validate", str(folder), "--tahun", str(TAHUN), "--periode", PERIODE,
                                       "--master", str(master_path), "--out", str(out)])
    assert result.exit_code == 1, result.output
    note = (feedback_dir(out, TAHUN, PERIODE) / f"{UNIT}.txt").read_text(encoding="utf-8")
    assert "CSV" in note and ".xlsx" in note


def test_untouched_template_is_returned_blank_and_its_data_not_used(roadmap, tmp_path):
    spec = spec_of(roadmap)
    path = write_template(spec, tmp_path / "in" / f"{UNIT}.xlsx")
    out = tmp_path / "out"

    outputs = run_consolidation([path], roadmap, TAHUN, PERIODE, out, workers=2)

    sub = only(outputs.report)
    assert (sub.unit, sub.verdict, [f.code for f in sub.findings]) == (UNIT, REJECTED, ["FILE_BLANK"])
    assert UNIT not in outputs.report.chosen
    row = _unit_row(out, UNIT)
    assert (row["dikumpulkan"], row["data_dipakai"]) == ("Ya", "Tidak")


def test_one_typed_value_is_not_a_blank_template(roadmap, tmp_path):
    spec = spec_of(roadmap)
    key = first_key(spec, SHEET_RA_UTAMA)
    path = write_template(spec, tmp_path / f"{UNIT}.xlsx", {(SHEET_RA_UTAMA, key, "progres"): "sebagian"})
    sub = only(run(path, roadmap))
    codes = [f.code for f in sub.findings]
    assert "FILE_BLANK" not in codes and "VALUE_NOT_NUMBER" in codes
    assert sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, addr(spec, SHEET_RA_UTAMA, key, "progres")) in [(f.sheet, f.cell) for f in sub.findings]


