"""Consolidation end to end: filled returns -> monitoring workbook, tidy CSV, charts, CLI.

One module-scoped run of `run_consolidation` over eight filled returns for 2023 TW1 (one of
them, BPPKAD, with formula/link-injection strings in its free-text inputs) feeds most tests.
The LibreOffice tests recalculate the written workbooks in a real soffice and compare every
formula with the value rbxl cached for it.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import statistics
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import plant_text, require_soffice

from rbxl.consolidation.columns import IND_COLS, KEG_COLS, RA_COLS, UNIT_COLS, Col
from rbxl.consolidation.tables import NOT_RETURNED
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_INDIKATOR, SHEET_KEGIATAN, SHEET_RA_PENDUKUNG, SHEET_RA_UTAMA, plan
from rbxl.pipeline import Outputs, run_consolidation
from rbxl.template.generate import template_name
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
UNITS = ["BAG-ORGANISASI", "INSPEKTORAT", "BPPKAD", "KEC-JATI", "BAG-HUKUM", "DPMPTSP", "BAPPEDA", "DINKES"]
HOSTILE_UNIT = "BPPKAD"
INJECTIONS = ['=HYPERLINK("http://x","klik")', "+1+1", "-2", "@SUM(A1)", "http://contoh.invalid/bukti"]
INJECTED_FIELDS = ("output", "bukti", "kendala", "keterangan")
DATA_SHEETS = (SHEET_RA_UTAMA, SHEET_RA_PENDUKUNG, SHEET_INDIKATOR, SHEET_KEGIATAN)
ALLOWED_FUNCTIONS = {"IF", "AND", "OR", "ISNUMBER", "IFERROR", "MATCH", "COUNTA", "COUNTIF", "COUNTIFS",
                     "AVERAGEIFS", "SUM", "MAX", "SUMPRODUCT"}  # SUMPRODUCT: the instrument scores (issue 21)

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "pr": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _soffice():
    try:  # tests/ as a package
        from . import soffice
    except ImportError:  # rootdir-style test modules: tests/ is on sys.path
        import soffice
    return soffice


# --------------------------------------------------------------------------- fixtures


@dataclass
class Run:
    roadmap: object
    inbox: Path
    out: Path
    outputs: Outputs
    files: dict[str, Path]  # unit -> returned file
    injected: dict[tuple[str, str, str], str]  # (sheet, row key, field) -> injection string (HOSTILE_UNIT)


@pytest.fixture(scope="module")
def run(tmp_path_factory, roadmap) -> Run:
    base = tmp_path_factory.mktemp("consolidate")
    inbox, out = base / "kiriman", base / "hasil"
    files: dict[str, Path] = {}
    injected: dict[tuple[str, str, str], str] = {}
    for unit in UNITS:
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        answers = answers_for(spec)
        if unit == HOSTILE_UNIT:
            injected = plant_text(spec, answers, INJECTED_FIELDS, INJECTIONS)
        files[unit] = write_template(spec, inbox / template_name(spec), answers)
    assert set(injected.values()) == set(INJECTIONS)
    outputs = run_consolidation([inbox], roadmap, TAHUN, PERIODE, out, workers=2)
    verdicts = {s.unit: s.verdict for s in outputs.report.submissions}
    assert verdicts == dict.fromkeys(UNITS, "Diterima"), [
        (s.unit, [(f.code, f.sheet, f.cell, f.value) for f in s.findings]) for s in outputs.report.submissions]
    return Run(roadmap, inbox, out, outputs, files, injected)


@pytest.fixture(scope="module")
def wb_formulas(run):
    return openpyxl.load_workbook(run.outputs.monitoring, data_only=False)


@pytest.fixture(scope="module")
def wb_values(run):
    return openpyxl.load_workbook(run.outputs.monitoring, data_only=True)


@pytest.fixture(scope="module")
def csv_tables(run) -> dict[str, list[dict[str, str]]]:
    return {p.stem: read_csv(p) for p in run.outputs.csv_folder.glob("*.csv")}


# --------------------------------------------------------------------------- helpers


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def csv_header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh), [])


def guarded(v: str) -> str:
    """What the CSV must hold for text typed by a unit (OWASP: leading = + - @ tab CR quoted)."""
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v


def is_num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def same_value(a: object, b: object) -> bool:
    """Cached vs recalculated: floats with rel 1e-9; '' and None are the same blank."""
    if a in ("", None) and b in ("", None):
        return True
    if is_num(a) and is_num(b):
        return b == pytest.approx(a, rel=1e-9)
    return a == b


def sheet_records(ws, cols: list[Col]) -> list[dict[str, object]]:
    """Data-sheet rows as {column key: openpyxl cell}, columns found by their header."""
    by_header = {c.header: c.key for c in cols}
    header = [c.value for c in ws[1]]
    assert all(h in header for h in by_header), (ws.title, header)
    keys = [by_header.get(h, h) for h in header]
    return [dict(zip(keys, cells, strict=False)) for cells in ws.iter_rows(min_row=2, max_col=len(keys))]


def summary_cell(ws, label: str):
    """The figure (column B) next to a label (column A) on Ringkasan."""
    hits = [row[1] for row in ws.iter_rows(min_col=1, max_col=2) if row[0].value == label]
    assert len(hits) == 1, f"label {label!r} found {len(hits)} times on {ws.title}"
    return hits[0]


def per_unit_cell(ws, unit: str, header: str):
    head = [c.value for c in ws[1]]
    col = head.index(header) + 1
    rows = [r for r in ws.iter_rows(min_row=2) if r[0].value == unit]
    assert len(rows) == 1, unit
    return rows[0][col - 1]


def formula_cells(wb) -> list[tuple[str, str, str]]:
    """(sheet, coordinate, formula) of every formula cell of a workbook loaded with data_only=False."""
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    out.append((ws.title, cell.coordinate, str(cell.value)))
    return out


def compare_recalculated(original: Path, recalculated: Path) -> tuple[int, list, list]:
    """Every formula's cached value vs LibreOffice's: (formula count, mismatches, non-blank values)."""
    formulas = formula_cells(openpyxl.load_workbook(original, data_only=False))
    cached = openpyxl.load_workbook(original, data_only=True)
    fresh = openpyxl.load_workbook(recalculated, data_only=True)
    bad, filled = [], []
    for sheet, coord, formula in formulas:
        a, b = cached[sheet][coord].value, fresh[sheet][coord].value
        if not same_value(a, b):
            bad.append((sheet, coord, formula, a, b))
        if a not in ("", None):
            filled.append((sheet, coord, a))
    return len(formulas), bad, filled


def sheet_xml_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part name inside the xlsx."""
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", NS)}
    out = {}
    for s in wb.findall("m:sheets/m:sheet", NS):
        t = target[s.get(f"{{{NS['r']}}}id")]
        out[s.get("name")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$")


def parse_ref(f: str) -> tuple[str, str, int, str, int]:
    m = REF.match(f.strip())
    assert m, f"not a range reference: {f!r}"
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    return sheet, m.group(3), int(m.group(4)), m.group(5), int(m.group(6))


def column_letter_of(ws, header: str) -> str:
    head = [c.value for c in ws[1]]
    assert header in head, (ws.title, header, head)
    return openpyxl.utils.get_column_letter(head.index(header) + 1)


def cli():
    from rbxl.cli import main

    return CliRunner(), main


def _key_ra(sheet: str, row_key: str, unit: str) -> tuple[str, str, str]:
    return (row_key, unit, "Utama" if sheet == SHEET_RA_UTAMA else "Pendukung")


# --------------------------------------------------------------------------- 1


def test_every_accepted_value_appears_in_tidy_csv_and_monitoring_workbook(run, csv_tables, wb_formulas):
    by_table = {
        "rencana_aksi": {(r["kode"], r["unit"], r["peran"]): r for r in csv_tables["rencana_aksi"]},
        "indikator": {(r["kode"], r["unit"]): r for r in csv_tables["indikator"]},
        "kegiatan_prioritas": {(r["kode"], r["unit"]): r for r in csv_tables["kegiatan_prioritas"]},
    }
    assert len(by_table["rencana_aksi"]) == len(csv_tables["rencana_aksi"]), "kode+unit+peran not unique"
    assert len(by_table["indikator"]) == len(csv_tables["indikator"]), "kode+unit not unique (indikator)"
    assert len(by_table["kegiatan_prioritas"]) == len(csv_tables["kegiatan_prioritas"]), "kode+unit not unique"
    by_sheet = {
        "Rencana Aksi": {(r["kode"].value, r["unit"].value, r["peran"].value): r
                         for r in sheet_records(wb_formulas["Rencana Aksi"], RA_COLS)},
        "Indikator": {(r["kode"].value, r["unit"].value): r
                      for r in sheet_records(wb_formulas["Indikator"], IND_COLS)},
        "Kegiatan Prioritas": {(r["kode"].value, r["unit"].value): r
                               for r in sheet_records(wb_formulas["Kegiatan Prioritas"], KEG_COLS)},
    }
    problems, checked = [], 0
    for unit, sub in run.outputs.report.chosen.items():
        for (sheet, row_key, fld), value in sub.values.items():
            if sheet not in DATA_SHEETS:
                continue
            if sheet in (SHEET_RA_UTAMA, SHEET_RA_PENDUKUNG):
                table, wsname, key = "rencana_aksi", "Rencana Aksi", _key_ra(sheet, row_key, unit)
            elif sheet == SHEET_INDIKATOR:
                table, wsname, key = "indikator", "Indikator", (row_key, unit)
            else:
                table, wsname, key = "kegiatan_prioritas", "Kegiatan Prioritas", (row_key, unit)
            where = (unit, sheet, row_key, fld, value)
            checked += 1
            row = by_table[table].get(key)
            if row is None:
                problems.append(("csv row missing", table, where))
            else:
                got = row[fld]
                if is_num(value):
                    try:
                        ok = math.isclose(float(got), value, rel_tol=1e-12)
                    except ValueError:
                        ok = False
                else:
                    ok = got == guarded(str(value))
                if not ok:
                    problems.append(("csv", table, where, got))
            rec = by_sheet[wsname].get(key)
            if rec is None:
                problems.append(("workbook row missing", wsname, where))
                continue
            cell = rec[fld]
            if cell.data_type == "f":
                problems.append(("workbook cell is a formula", wsname, cell.coordinate, where, cell.value))
            elif is_num(value):
                if not (cell.data_type == "n" and is_num(cell.value)
                        and math.isclose(cell.value, value, rel_tol=1e-12)):
                    problems.append(("workbook", wsname, cell.coordinate, where, cell.value))
            elif not (cell.data_type == "s" and cell.value == value):
                problems.append(("workbook", wsname, cell.coordinate, where, cell.data_type, cell.value))
    assert checked > 500  # every sheet kind of eight units, including the hostile strings
    assert {k for k in run.injected} <= set(run.outputs.report.chosen[HOSTILE_UNIT].values)
    assert not problems, problems[:20]


# --------------------------------------------------------------------------- 2


def test_units_that_did_not_return_are_blank_not_zero_and_do_not_change_the_average(
        run, csv_tables, wb_formulas, wb_values):
    missing = set(run.roadmap.reporting_units()) - set(UNITS)
    assert missing and set(run.outputs.report.missing) == missing

    # CSV
    problems = []
    for table, blanks in (("rencana_aksi", ("status", "progres")), ("indikator", ("realisasi", "capaian")),
                          ("kegiatan_prioritas", ("realisasi", "capaian"))):
        rows = csv_tables[table]
        assert {r["unit"] for r in rows if r["pengumpulan"] == NOT_RETURNED} == {
            r["unit"] for r in rows if r["unit"] in missing}
        for r in rows:
            if r["unit"] in missing:
                if r["pengumpulan"] != NOT_RETURNED:
                    problems.append((table, r["kode"], r["unit"], "pengumpulan", r["pengumpulan"]))
                problems += [(table, r["kode"], r["unit"], k, r[k]) for k in blanks if r[k] != ""]
            elif r["pengumpulan"] == NOT_RETURNED:
                problems.append((table, r["kode"], r["unit"], "returned unit marked missing"))
    assert any(r["unit"] in missing for r in csv_tables["indikator"])
    assert any(r["unit"] in missing for r in csv_tables["kegiatan_prioritas"])

    # workbook data sheets
    for wsname, cols, blanks in (("Rencana Aksi", RA_COLS, ("status", "progres")),
                                 ("Indikator", IND_COLS, ("realisasi",)),
                                 ("Kegiatan Prioritas", KEG_COLS, ("realisasi",))):
        for rec in sheet_records(wb_formulas[wsname], cols):
            if rec["unit"].value not in missing:
                continue
            if rec["pengumpulan"].value != NOT_RETURNED:
                problems.append((wsname, rec["pengumpulan"].coordinate, rec["pengumpulan"].value))
            problems += [(wsname, rec[k].coordinate, rec[k].value) for k in blanks if rec[k].value is not None]
        for rec in sheet_records(wb_values[wsname], cols):
            if rec["unit"].value in missing and "capaian" in rec and rec["capaian"].value not in ("", None):
                problems.append((wsname, rec["capaian"].coordinate, "cached capaian", rec["capaian"].value))

    # Per Unit: 'Tidak' in Mengumpulkan, average progress blank (never 0)
    per_unit = {r["unit"].value: r for r in sheet_records(wb_values["Per Unit"], UNIT_COLS)}
    assert set(per_unit) == set(run.roadmap.reporting_units())
    for unit, rec in per_unit.items():
        want = "Tidak" if unit in missing else "Ya"
        if rec["dikumpulkan"].value != want:
            problems.append(("Per Unit", unit, "Mengumpulkan", rec["dikumpulkan"].value))
        if unit in missing and rec["progres"].value not in ("", None):
            problems.append(("Per Unit", unit, "progres", rec["progres"].value))
    assert {r["unit"] for r in csv_tables["unit"] if r["dikumpulkan"] == "Tidak"} == missing
    assert not problems, problems[:20]

    # the average counts PD utama rows with a number only
    ra = csv_tables["rencana_aksi"]
    utama = [float(r["progres"]) for r in ra if r["peran"] == "Utama" and r["progres"] != ""]
    assert all(r["progres"] == "" for r in ra if r["peran"] == "Pendukung")
    chosen = run.outputs.report.chosen
    typed = [v for u in UNITS for (s, _, f), v in chosen[u].values.items() if s == SHEET_RA_UTAMA and f == "progres"]
    assert sorted(utama) == sorted(typed)
    cached = summary_cell(wb_values["Ringkasan"], "Rata-rata progres PD utama (%)").value
    assert is_num(cached)
    assert cached == pytest.approx(statistics.fmean(utama), rel=1e-9)
    n_utama = sum(r["peran"] == "Utama" for r in ra)
    assert n_utama > len(utama)  # missing units' rows exist and would drag a zero-filled mean down
    assert cached != pytest.approx(sum(utama) / n_utama, rel=1e-6)


# --------------------------------------------------------------------------- 3


@pytest.mark.libreoffice
def test_libreoffice_recalculation_matches_every_cached_value(run, tmp_path):
    require_soffice()
    soffice = _soffice()
    from rbxl.template.generate import generate

    blank = generate(run.roadmap, TAHUN, PERIODE, tmp_path / "gen", units=["BAG-ORGANISASI"], workers=1)[0].file
    filled = run.files[HOSTILE_UNIT]  # categorical (MATCH over a defined name) and numeric capaian
    sources = [run.outputs.monitoring, blank, filled]
    converted = soffice.convert_many(sources, "xlsx", tmp_path / "lo", recalc=True)
    for src, out in zip(sources, converted, strict=True):
        n, bad, filled_values = compare_recalculated(src, out)
        assert n > 0, src.name
        if src == blank:  # nothing typed yet: every Capaian is blank, not 0
            assert not filled_values, filled_values[:5]
        else:
            assert filled_values, f"{src.name}: no formula with a non-blank cached value"
        assert not bad, (src.name, len(bad), bad[:15])
        if src != run.outputs.monitoring:  # templates: formulas only in the Capaian column
            wb = openpyxl.load_workbook(src, data_only=False)
            for sheet, coord, _ in formula_cells(wb):
                ws = wb[sheet]
                header = ws.cell(4, ws[coord].column).value
                assert header == "Capaian (%)", (src.name, sheet, coord, header)


# --------------------------------------------------------------------------- 4


@pytest.mark.libreoffice
def test_changing_a_status_updates_the_summary_after_recalculation(run, wb_values, tmp_path):
    require_soffice()
    soffice = _soffice()
    wb = openpyxl.load_workbook(run.outputs.monitoring, data_only=False)
    recs = sheet_records(wb["Rencana Aksi"], RA_COLS)
    target = next(r for r in recs if r["peran"].value == "Utama" and r["unit"].value in UNITS
                  and r["status"].value == "Sedang Berjalan")
    unit = target["unit"].value
    before_total = summary_cell(wb_values["Ringkasan"], "   - Selesai").value
    before_unit = per_unit_cell(wb_values["Per Unit"], unit, "Selesai").value
    before_running = summary_cell(wb_values["Ringkasan"], "   - Sedang Berjalan").value
    target["status"].value = "Selesai"
    edited = tmp_path / "edited" / "monitoring-edited.xlsx"
    edited.parent.mkdir()
    wb.save(edited)

    out = soffice.convert(edited, "xlsx", tmp_path / "lo", recalc=True)
    after = openpyxl.load_workbook(out, data_only=True)
    assert summary_cell(after["Ringkasan"], "   - Selesai").value == before_total + 1
    assert summary_cell(after["Ringkasan"], "   - Sedang Berjalan").value == before_running - 1
    assert per_unit_cell(after["Per Unit"], unit, "Selesai").value == before_unit + 1


# --------------------------------------------------------------------------- 5


def test_charts_exist_and_point_at_the_right_ranges(run, wb_formulas, csv_tables):
    with zipfile.ZipFile(run.outputs.monitoring) as zf:
        names = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(names) == 5, names
        charts = [ET.fromstring(zf.read(n)) for n in names]
        drawing_rels = " ".join(zf.read(n).decode() for n in zf.namelist()
                                if n.startswith("xl/drawings/_rels/"))
        ringkasan_rels = zf.read(sheet_xml_paths(zf)["Ringkasan"].replace(
            "worksheets/", "worksheets/_rels/") + ".rels").decode()
    assert "drawing" in ringkasan_rels
    for n in names:
        assert Path(n).name in drawing_rels

    def series(chart):
        out = []
        for ser in chart.iter(f"{{{NS['c']}}}ser"):
            cat = ser.find("c:cat//c:f", NS)
            val = ser.find("c:val//c:f", NS)
            name = "".join(t.text or "" for t in ser.findall("c:tx//c:v", NS))
            out.append((name, parse_ref(cat.text) if cat is not None else None, parse_ref(val.text)))
        return out

    by_sheet = {}
    for chart in charts:
        s = series(chart)
        by_sheet.setdefault(s[0][2][0], []).append((chart, s))
    assert sorted(by_sheet) == ["Indikator", "Per Unit", "Ringkasan"], by_sheet.keys()

    # area progress: Ringkasan rows of the area table (names in A, average progress in C)
    ws = wb_formulas["Ringkasan"]
    head = [r for r in ws.iter_rows(min_col=1, max_col=3) if r[0].value == "Area Perubahan"]
    assert len(head) == 1
    first = head[0][0].row + 1
    n_areas = len(run.roadmap.areas)
    last = first + n_areas - 1
    assert head[0][2].value == "Rata-rata Progres (%)"
    assert [ws.cell(r, 1).value for r in range(first, last + 1)] == [a.nama for a in run.roadmap.areas.values()]
    [(_, area)] = by_sheet["Ringkasan"]
    assert len(area) == 1
    _, cat, val = area[0]
    assert cat == ("Ringkasan", "A", first, "A", last)
    assert val == ("Ringkasan", "C", first, "C", last)
    assert all(ws.cell(r, 3).data_type == "f" for r in range(first, last + 1))

    # status per unit: one stacked chart per kind of unit, each over its own block of Per Unit rows,
    # labelled with the units' short names (47 units in one panel cannot be read when printed)
    pu = wb_formulas["Per Unit"]
    n_units = len(run.roadmap.units)
    assert pu.max_row == n_units + 1
    name_col, kind_col = column_letter_of(pu, "Singkatan"), column_letter_of(pu, "Kelompok")
    blocks = []
    for stacked, st in by_sheet["Per Unit"]:
        grouping = stacked.find(".//c:grouping", NS)
        if grouping is not None and grouping.get("val") == "clustered":
            # a kind whose units lead one row each (kecamatan): a stacked bar would always be full,
            # so its chart is each unit's progress, over the Per Unit sheet's progress column
            [(name, cat, val)] = st
            first, last = cat[2], cat[4]
            col = column_letter_of(pu, "Rata-rata Progres (%)")
            assert val == ("Per Unit", col, first, col, last)
            u_col = column_letter_of(pu, "Unit")
            for r in range(first, last + 1):
                unit = pu[f"{u_col}{r}"].value
                assert sum(x["unit"] == unit and x["peran"] == "Utama" for x in run.outputs.tables.rencana_aksi) <= 1
            blocks.append((first, last))
            continue
        assert grouping is not None and grouping.get("val") == "stacked"
        assert [name for name, _, _ in st] == [*run.roadmap.statuses(), "Belum Dilaporkan"]
        _, cat, _ = st[0]
        assert cat[1] == name_col and cat[3] == name_col
        first, last = cat[2], cat[4]
        for name, cat2, val in st:
            col = column_letter_of(pu, name)
            assert cat2 == cat and val == ("Per Unit", col, first, col, last), name
        kinds = {pu[f"{kind_col}{r}"].value for r in range(first, last + 1)}
        names = [pu[f"{name_col}{r}"].value for r in range(first, last + 1)]
        assert len(kinds) == 1 and names == sorted(names, key=str.casefold), (kinds, names)
        assert all(names)
        title = "".join(t.text or "" for t in stacked.findall(".//c:title//a:t", NS))
        assert kinds.pop() in title and f"({len(names)} unit)" in title
        assert _ax(stacked, "catAx", "tickLblSkip") == "1"
        blocks.append((first, last))
    assert sorted(blocks) == blocks and blocks[0][0] == 2 and blocks[-1][1] == n_units + 1
    assert sum(b - a + 1 for a, b in blocks) == n_units and len(blocks) == 3

    # capaian chart: Indikator's Capaian column, labelled by the short names (not codes), with the
    # 100% target as the only strong gridline and labels outside the bar ends, inside the axis
    [(cap_chart, cap)] = by_sheet["Indikator"]
    assert len(cap) == 1
    n_ind = len(csv_tables["indikator"])
    assert n_ind == len(run.outputs.tables.indikator) > 0
    ind = wb_formulas["Indikator"]
    c = column_letter_of(ind, "Capaian (%)")
    k = column_letter_of(ind, "Nama Singkat")
    _, cat, val = cap[0]
    assert val == ("Indikator", c, 2, c, n_ind + 1)
    assert cat == ("Indikator", k, 2, k, n_ind + 1)
    assert ind.max_row == n_ind + 1
    labels = {i.kode: i.label for i in run.roadmap.indikator}
    kode = column_letter_of(ind, "Kode")
    for r in range(2, n_ind + 2):
        assert ind[f"{k}{r}"].value == labels[ind[f"{kode}{r}"].value]
    assert all(r["nama_singkat"] == labels[r["kode"]] for r in csv_tables["indikator"])  # the tidy table too
    top = float(_ax(cap_chart, "valAx", "max"))
    caps = [r["capaian"] for r in run.outputs.tables.indikator if isinstance(r["capaian"], (int, float))]
    assert top >= 125 and top >= min(300, max(caps) * 1.2)
    assert _ax(cap_chart, "valAx", "majorUnit") == "100"
    assert cap_chart.find(".//c:valAx/c:majorGridlines", NS) is not None
    pos = cap_chart.find(".//c:dLbls/c:dLblPos", NS)  # absent = outEnd, the bar default
    assert cap_chart.find(".//c:dLbls/c:showVal", NS) is not None and (pos is None or pos.get("val") == "outEnd")
    assert _ax(cap_chart, "catAx", "tickLblSkip") == "1"


def _ax(chart, axis: str, tag: str) -> str | None:
    el = chart.find(f".//c:{axis}//c:{tag}", NS)
    return None if el is None else el.get("val")


# --------------------------------------------------------------------------- 6


def test_injection_strings_stay_text_in_workbook_and_csv(run, csv_tables):
    inj = set(INJECTIONS)
    with zipfile.ZipFile(run.outputs.monitoring) as zf:
        names = zf.namelist()
        sst = ET.fromstring(zf.read("xl/sharedStrings.xml")) if "xl/sharedStrings.xml" in names else None
        strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in sst] if sst is not None \
            else []
        hits: dict[str, int] = dict.fromkeys(INJECTIONS, 0)
        problems = []
        for sheet, part in sheet_xml_paths(zf).items():
            root = ET.fromstring(zf.read(part))
            if root.find("m:hyperlinks", NS) is not None:
                problems.append((sheet, "has <hyperlinks>"))
            for c in root.iter(f"{{{NS['m']}}}c"):
                f, v, t = c.find("m:f", NS), c.find("m:v", NS), c.get("t")
                if f is not None:
                    text = f.text or ""
                    if any(s in text for s in ("HYPERLINK", "contoh.invalid", "SUM(A1)", "+1+1")):
                        problems.append((sheet, c.get("r"), "formula from unit text", text))
                    continue
                if t == "s":
                    value = strings[int(v.text)]
                elif t == "inlineStr":
                    value = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
                else:
                    if v is not None and v.text == "-2":
                        problems.append((sheet, c.get("r"), "'-2' stored as a number"))
                    continue
                if value in inj:
                    hits[value] += 1
        for n in names:
            if n.endswith(".rels"):
                rels = ET.fromstring(zf.read(n))
                for r in rels.findall("pr:Relationship", NS):
                    if r.get("Type", "").endswith("/hyperlink") or r.get("TargetMode") == "External":
                        problems.append((n, "hyperlink/external relationship", r.get("Target")))
    assert not problems, problems
    expected = dict.fromkeys(INJECTIONS, 0)
    for v in run.injected.values():
        expected[v] += 1
    assert hits == expected  # every injected cell is a plain string cell, none became a number/formula

    # CSV: formula-like text gets the leading quote, a plain URL stays as it is
    ra = {(r["kode"], r["unit"], r["peran"]): r for r in csv_tables["rencana_aksi"]}
    ind = {(r["kode"], r["unit"]): r for r in csv_tables["indikator"]}
    keg = {(r["kode"], r["unit"]): r for r in csv_tables["kegiatan_prioritas"]}
    seen = set()
    for (sheet, row_key, fld), v in run.injected.items():
        if sheet in (SHEET_RA_UTAMA, SHEET_RA_PENDUKUNG):
            got = ra[_key_ra(sheet, row_key, HOSTILE_UNIT)][fld]
        elif sheet == SHEET_INDIKATOR:
            got = ind[(row_key, HOSTILE_UNIT)][fld]
        else:
            got = keg[(row_key, HOSTILE_UNIT)][fld]
        if v.startswith("http"):
            assert got == v, (sheet, row_key, fld, got)
        else:
            assert got == "'" + v, (sheet, row_key, fld, got)
        seen.add(v)
    assert seen == inj
    for path in run.outputs.csv_folder.glob("*.csv"):
        for row in read_csv(path):
            for col, cell in row.items():
                if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", cell):
                    continue  # a number, not text
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (path.name, col, cell)


# --------------------------------------------------------------------------- 7


def test_monitoring_formulas_use_only_portable_functions(wb_formulas):
    formulas = formula_cells(wb_formulas)
    assert len(formulas) > 100
    used: dict[str, tuple[str, str, str]] = {}
    for sheet, coord, f in formulas:
        for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', '""', f)):
            used.setdefault(name, (sheet, coord, f))
    assert {"COUNTIFS", "AVERAGEIFS", "IF"} <= set(used)
    outside = {k: v for k, v in used.items() if k not in ALLOWED_FUNCTIONS}
    assert not outside, outside


# --------------------------------------------------------------------------- 8


def test_kamus_documents_every_column_of_every_csv(run):
    folder = run.outputs.csv_folder
    kamus = read_csv(folder / "KAMUS.csv")
    assert kamus and list(kamus[0]) == ["tabel", "kolom", "arti"]
    documented = {(r["tabel"], r["kolom"]): r["arti"] for r in kamus}
    tables = sorted(p for p in folder.glob("*.csv") if p.name != "KAMUS.csv")
    assert {p.stem for p in tables} >= {"rencana_aksi", "indikator", "kegiatan_prioritas", "unit", "identitas",
                                       "berkas", "temuan"}
    problems, actual = [], set()
    for p in tables:
        header = csv_header(p)
        assert header, p.name
        for col in header:
            actual.add((p.name, col))
            arti = documented.get((p.name, col))
            if arti is None:
                problems.append((p.name, col, "not in KAMUS"))
            elif not arti.strip():
                problems.append((p.name, col, "empty arti"))
            elif arti.strip() == col:  # the raw key echoed back: no description at all
                problems.append((p.name, col, f"arti only repeats the column name: {arti!r}"))
    if documented.get(("identitas.csv", "nama")) == "Nama Unit":
        problems.append(("identitas.csv", "nama", "documented as 'Nama Unit' but holds the filler's name "
                                                  "(Nama Pengisi)"))
    stale = set(documented) - actual
    assert not stale, f"KAMUS documents columns that do not exist: {sorted(stale)}"
    assert not problems, problems


def test_kamus_and_csv_headers_do_not_depend_on_who_returned(run, tmp_path):
    """A period where no file was used still exports every table with its columns, and documents them."""
    empty = tmp_path / "kosong"
    empty.mkdir()
    outputs = run_consolidation([empty], run.roadmap, TAHUN, PERIODE, tmp_path / "hasil", workers=1)
    assert not outputs.report.chosen
    kamus = {(r["tabel"], r["kolom"]) for r in read_csv(outputs.csv_folder / "KAMUS.csv")}
    problems = []
    for p in sorted(run.outputs.csv_folder.glob("*.csv")):
        if p.name == "KAMUS.csv":
            continue
        want = csv_header(p)
        got = csv_header(outputs.csv_folder / p.name)
        if got != want:
            problems.append((p.name, "header", got, "expected", want))
        missing = [c for c in want if (p.name, c) not in kamus]
        if missing:
            problems.append((p.name, "not in KAMUS", missing))
    assert not problems, problems


# --------------------------------------------------------------------------- 9


def test_output_is_atomic_and_a_locked_target_is_kept_as_baru(run, tmp_path, monkeypatch):
    import rbxl.core.atomic
    import rbxl.render.monitoring
    from rbxl.core.errors import OutputError
    from rbxl.pipeline import monitoring_path

    out = tmp_path / "hasil"
    target = monitoring_path(out, TAHUN, PERIODE)
    target.parent.mkdir(parents=True)
    shutil.copyfile(run.outputs.monitoring, target)  # the old file, "open in Excel"
    old = target.read_bytes()

    # a failure while writing leaves the old file and no temporary file
    def broken(*a, **k):
        raise RuntimeError("disk full halfway")

    with monkeypatch.context() as m:
        m.setattr(rbxl.render.monitoring, "_matrix", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            rbxl.render.monitoring.write_monitoring(run.outputs.tables, run.roadmap, target)
    assert target.read_bytes() == old
    assert not list(out.rglob(".~rbxl-*"))

    # a locked target: the new workbook is kept beside it as '(baru)'
    real_replace = rbxl.core.atomic.os.replace
    refused = []

    def locked(src, dst, *a, **k):
        if Path(dst) == target and not refused:
            refused.append(dst)
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(rbxl.core.atomic.os, "replace", locked)
    outputs = run_consolidation([run.inbox], run.roadmap, TAHUN, PERIODE, out, workers=2)
    monkeypatch.undo()
    assert refused
    alt = target.with_name(f"{target.stem} (baru){target.suffix}")
    # the run goes on: the new workbook is kept as '(baru)', the note says so, the CSV is written
    assert outputs.monitoring == alt and any(alt.name in n for n in outputs.notes)
    assert (outputs.csv_folder / "rencana_aksi.csv").is_file()
    assert alt.is_file()
    assert "Ringkasan" in openpyxl.load_workbook(alt, read_only=True).sheetnames
    assert target.read_bytes() == old
    assert not list(out.rglob(".~rbxl-*")), list(out.rglob(".~rbxl-*"))

    # the writer itself reports the lock with the documented exit code
    refused.clear()
    alt.unlink()
    monkeypatch.setattr(rbxl.core.atomic.os, "replace", locked)
    with pytest.raises(OutputError) as err:
        rbxl.render.monitoring.write_monitoring(outputs.tables, run.roadmap, target)
    monkeypatch.undo()
    assert err.value.exit_code == 4 and alt.name in str(err.value) and alt.is_file()


# --------------------------------------------------------------------------- 10


def test_demo_cli_writes_outputs_and_summary_agrees_with_returned_files(roadmap, master_path, tmp_path):
    from rbxl.checks.validate import validate

    runner, main = cli()
    result = runner.invoke(main, ["demo", "--out", str(tmp_path), "--master", str(master_path)])
    assert result.exit_code == 0, (result.output, result.exception)
    folder = tmp_path / f"{TAHUN}-{PERIODE}"
    monitoring = folder / f"monitoring-{TAHUN}-{PERIODE}.xlsx"
    for p in (monitoring, folder / f"temuan-{TAHUN}-{PERIODE}.xlsx"):
        assert p.is_file(), p
    assert len(list((folder / "templates").glob("*.xlsx"))) == len(roadmap.units)
    assert (folder / "csv" / "rencana_aksi.csv").is_file() and (folder / "csv" / "KAMUS.csv").is_file()

    wb = openpyxl.load_workbook(monitoring, data_only=True)
    ring = wb["Ringkasan"]
    report = validate([folder / "contoh-kiriman"], roadmap, TAHUN, PERIODE, workers=2)
    assert summary_cell(ring, "Unit pelapor (diharapkan)").value == len(roadmap.units)
    used, chosen = summary_cell(ring, "Unit yang datanya dipakai").value, len(report.chosen)
    assert 0 < chosen < len(roadmap.units)
    assert used == chosen, (f"Ringkasan: data of {used} units used; the demo's returned files "
                            f"(contoh-kiriman) hold {chosen} usable units")


# --------------------------------------------------------------------------- 11


def test_consolidate_cli_exit_code_follows_the_verdicts(run, master_path, tmp_path):
    runner, main = cli()
    clean = tmp_path / "bersih"
    clean.mkdir()
    for unit in ("BAG-HUKUM", "KEC-JATI", "INSPEKTORAT"):
        shutil.copy(run.files[unit], clean)
    args = ["--tahun", str(TAHUN), "--periode", PERIODE, "--master", str(master_path)]

    out_ok = tmp_path / "hasil-ok"
    result = runner.invoke(main, ["consolidate", str(clean), *args, "--out", str(out_ok)])
    assert result.exit_code == 0, (result.output, result.exception)
    folder = out_ok / f"{TAHUN}-{PERIODE}"
    assert (folder / f"monitoring-{TAHUN}-{PERIODE}.xlsx").is_file()
    assert (folder / f"temuan-{TAHUN}-{PERIODE}.xlsx").is_file()
    assert (folder / "csv" / "rencana_aksi.csv").is_file()

    wrong = plan(run.roadmap, "DPMPTSP", TAHUN, "TW2")  # the wrong period's template: rejected
    write_template(wrong, clean / "dpmptsp tw2.xlsx", answers_for(wrong))
    out_bad = tmp_path / "hasil-tolak"
    result = runner.invoke(main, ["consolidate", str(clean), *args, "--out", str(out_bad)])
    assert result.exit_code == 1, (result.output, result.exception)
    folder = out_bad / f"{TAHUN}-{PERIODE}"
    assert (folder / f"monitoring-{TAHUN}-{PERIODE}.xlsx").is_file()
    assert (folder / "csv" / "rencana_aksi.csv").is_file()
