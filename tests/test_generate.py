"""`rbxl generate`: one protected workbook per unit, checked against the FormSpec and the master.

All units are generated once for 2023 TW1 (module fixture) and every workbook is opened once
with openpyxl; the tests below only read them.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import require_soffice
from openpyxl.utils import get_column_letter, range_boundaries

from rbxl.cli import main
from rbxl.form.spec import (
    GUIDE_SHEET,
    HEADER_ROW,
    LIST_SHEET,
    META_SHEET,
    SHEET_INDIKATOR,
    SHEET_KEGIATAN,
    SHEET_RA_PENDUKUNG,
    SHEET_RA_UTAMA,
    FormSpec,
    list_name,
    plan,
)
from rbxl.template.generate import MANIFEST, generate, read_manifest
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
MANIFEST_COUNTS = {"baris_ra_utama": SHEET_RA_UTAMA, "baris_ra_pendukung": SHEET_RA_PENDUKUNG,
                   "baris_indikator": SHEET_INDIKATOR, "baris_kegiatan": SHEET_KEGIATAN}
META_KEYS = ("format", "layout", "unit", "tahun", "periode", "master")
CAPAIAN_FUNCTIONS = {"IF", "AND", "OR", "ISNUMBER", "IFERROR", "MATCH", "COUNTA", "MAX"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


# --- fixtures and helpers ----------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(roadmap, tmp_path_factory):
    """All units for 2023 TW1, generated once: (templates folder, generate()'s results)."""
    out = tmp_path_factory.mktemp("generate")
    results = generate(roadmap, TAHUN, PERIODE, out)
    return out / f"{TAHUN}-{PERIODE}" / "templates", results


@pytest.fixture(scope="module")
def manifest(generated) -> list[dict[str, str]]:
    folder, _ = generated
    return read_manifest(folder / MANIFEST)


@pytest.fixture(scope="module")
def paths(generated, manifest) -> dict[str, Path]:
    folder, _ = generated
    return {row["unit"]: folder / row["file"] for row in manifest}


@pytest.fixture(scope="module")
def specs(roadmap) -> dict[str, FormSpec]:
    return {code: plan(roadmap, code, TAHUN, PERIODE) for code in roadmap.units}


@pytest.fixture(scope="module")
def books(paths) -> dict[str, openpyxl.Workbook]:
    return {code: openpyxl.load_workbook(p) for code, p in paths.items()}


def dv_index(ws) -> dict[tuple[int, int], list]:
    """(row, col) 1-based -> the data validations covering that cell."""
    index: dict[tuple[int, int], list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    index.setdefault((r, c), []).append(dv)
    return index


def range_values(wb, sheet: str, ref: str) -> list:
    """Values of a single-column or single-row range on a sheet, in order."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    ws = wb[sheet]
    return [ws.cell(r, c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def defined_values(wb, name: str) -> tuple[str, list]:
    """(sheet name, values) of a workbook-level defined name pointing at one range."""
    assert name in wb.defined_names, f"defined name {name} missing"
    dests = list(wb.defined_names[name].destinations)
    assert len(dests) == 1, (name, dests)
    sheet, ref = dests[0]
    return sheet, range_values(wb, sheet, ref)


def meta_of(wb) -> dict[str, str]:
    rows = list(wb[META_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("kunci", "nilai")
    return {k: v for k, v in rows[1:]}


def excel_row(sheet, i: int) -> int:
    """1-based worksheet row of the sheet's i-th data row."""
    return sheet.first_row + i + 1


def input_cells(spec: FormSpec):
    """(data sheet, row, field, excel row, excel col) of every input cell of the spec."""
    for sheet in spec.sheets:
        for i, row in enumerate(sheet.rows):
            for c, f in enumerate(sheet.fields, start=1):
                if not f.formula and row.is_input(f):
                    yield sheet, row, f, excel_row(sheet, i), c


def sheet_keys(wb, spec: FormSpec, name: str) -> list[str]:
    """Row keys read from the workbook's "Kode" column (empty when the sheet is absent)."""
    if name not in wb.sheetnames:
        return []
    sheet = spec.sheet(name)
    col = sheet.col("kode") + 1
    ws = wb[name]
    return [ws.cell(excel_row(sheet, i), col).value for i in range(len(sheet.rows))]


def sheet_xml(path: Path) -> dict[str, str]:
    """Sheet name -> raw worksheet XML, through workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as z:
        wbx = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        out = {}
        for s in wbx.find("m:sheets", NS):
            t = target[s.get(REL_NS)]
            member = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
            out[s.get("name")] = z.read(member).decode("utf-8")
        return out


def all_values(wb) -> dict[str, list[tuple]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


# --- 1. files and manifest ---------------------------------------------------------------

def test_generate_writes_one_workbook_per_unit_and_a_manifest_with_row_counts(
        roadmap, generated, manifest, specs):
    folder, results = generated
    kinds = [u.jenis for u in roadmap.units.values()]
    assert len(roadmap.units) == 47
    assert kinds.count("Perangkat Daerah") == 43 and kinds.count("Bagian Setda") == 4

    files = sorted(p.name for p in folder.glob("*.xlsx"))
    assert len(files) == 47
    assert [g.unit for g in results] == list(roadmap.units)
    assert sorted(g.file.name for g in results) == files

    assert [row["unit"] for row in manifest] == list(roadmap.units)
    for row in manifest:
        code = row["unit"]
        name = row["file"]
        assert name in files
        assert code in name and f"{TAHUN}-{PERIODE}" in name
        assert name.startswith(f"{code}_")
        assert row["nama"] == roadmap.units[code].nama
        expected = specs[code].row_count()
        got = {sheet: int(row[col]) for col, sheet in MANIFEST_COUNTS.items()}
        assert got == {sheet: expected.get(sheet, 0) for sheet in MANIFEST_COUNTS.values()}, code


# --- 2. protection and locking -----------------------------------------------------------

def test_every_sheet_protected_inputs_unlocked_everything_else_locked(books, specs):
    for code, wb in books.items():
        spec = specs[code]
        visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
        assert visible == [GUIDE_SHEET] + [s.name for s in spec.sheets], code
        for ws in wb.worksheets:
            assert ws.protection.sheet is True, (code, ws.title)
        for title in visible:
            p = wb[title].protection
            # OOXML: formatColumns="0" means the action is *allowed* on the protected sheet
            assert not p.formatColumns and not p.formatRows, (code, title)
        # autofilter is allowed on the data sheets; the guide has no filter and is written with
        # format_columns/format_rows only, so its autoFilter permission is not asserted
        for sheet in spec.sheets:
            p = wb[sheet.name].protection
            assert not p.autoFilter, (code, sheet.name)

        for sheet in spec.sheets:
            ws = wb[sheet.name]
            ncol = len(sheet.fields)
            assert ws.max_column == ncol, (code, sheet.name)
            inputs = {(excel_row(sheet, i), c)
                      for i, row in enumerate(sheet.rows)
                      for c, f in enumerate(sheet.fields, start=1)
                      if not f.formula and row.is_input(f)}
            assert inputs, (code, sheet.name)
            for r in range(HEADER_ROW + 1, excel_row(sheet, len(sheet.rows) - 1) + 1):
                for c in range(1, ncol + 1):
                    locked = ws.cell(r, c).protection.locked
                    where = (code, sheet.name, f"{get_column_letter(c)}{r}")
                    if (r, c) in inputs:
                        assert locked is False, where
                    else:
                        assert locked is True, where


# --- 3. data validation ------------------------------------------------------------------

def test_workbook_structure_is_protected_so_sheets_cannot_be_renamed_or_unhidden(books, roadmap, tmp_path):
    """Excel honours <workbookProtection lockStructure="1"/>. LibreOffice 7.4 and Gnumeric neither
    import nor write it (measured: a LibreOffice or Gnumeric re-save drops it), which is why a
    renamed sheet is also found by its content when a file comes back."""
    for code, wb in books.items():
        assert wb.security is not None and wb.security.lockStructure, code
        assert not wb.security.workbookPassword, code  # no password in the shipped master
    import dataclasses

    spec = plan(roadmap, "BAG-ORGANISASI", TAHUN, PERIODE)
    spec = dataclasses.replace(spec, settings={**spec.settings, "sandi_proteksi": "rahasia"})
    wb = openpyxl.load_workbook(write_template(spec, tmp_path / "bersandi.xlsx"))
    sheet_hash = wb[GUIDE_SHEET].protection.password  # the hash xlsxwriter wrote for the sheets
    assert wb.security.lockStructure and wb.security.workbookPassword == sheet_hash


def test_guide_and_input_messages_work_in_both_locales_and_say_to_paste_values_only(books, specs):
    """Indonesian-locale computers take 75,5, English-locale ones 75.5; 05/04/2023 means 4 May on
    the latter, so dates are typed with the month's name and shown with it; Ctrl+V removes a
    cell's dropdown, so every list message says to paste values only."""
    for code, wb in books.items():
        guide = "\n".join(str(r[0]) for r in wb[GUIDE_SHEET].iter_rows(values_only=True) if r[0])
        assert "75,5" in guide and "75.5" in guide and "Inggris" in guide, code
        assert "Hanya Nilai" in guide and "Ctrl+Shift+V" in guide, code
        assert "nama bulan" in guide and "2023-04-05" in guide, code
        spec = specs[code]
        indexes = {s.name: dv_index(wb[s.name]) for s in spec.sheets}
        for sheet, row, f, r, c in input_cells(spec):
            rule = row.rule_for(f)
            if rule is None:
                continue
            (dv,) = indexes[sheet.name][(r, c)]
            where = (code, sheet.name, row.key, f.key)
            if rule.kind == "list":
                assert "Ctrl+Shift+V" in dv.error and "Ctrl+Shift+V" in dv.prompt, where
            elif rule.kind == "decimal":
                assert "75,5" in dv.prompt and "75.5" in dv.prompt, where
            elif rule.kind == "date":
                assert "April" in dv.prompt and "2023-04-05" in dv.prompt and "April" in dv.error, where
                assert "mmmm" in wb[sheet.name].cell(r, c).number_format, where


def test_input_rules_are_data_validations_with_named_lists(books, specs):
    for code, wb in books.items():
        spec = specs[code]
        for name, values in spec.lists.items():
            sheet, got = defined_values(wb, list_name(name))
            assert sheet == LIST_SHEET, (code, name)
            assert got == values, (code, name)
        assert wb[LIST_SHEET].sheet_state == "hidden", code

        indexes = {s.name: dv_index(wb[s.name]) for s in spec.sheets}
        for s in spec.sheets:
            for dv in wb[s.name].data_validations.dataValidation:
                f1 = dv.formula1 or ""
                assert not (f1.startswith('"') and len(f1) > 257), (code, s.name, f1[:60])

        for sheet, row, f, r, c in input_cells(spec):
            rule = row.rule_for(f)
            where = (code, sheet.name, row.key, f.key)
            dvs = indexes[sheet.name].get((r, c), [])
            if rule is None:
                assert dvs == [], where
                continue
            assert len(dvs) == 1, where
            dv = dvs[0]
            if rule.kind == "list":
                assert dv.type == "list", where
                assert dv.formula1 == list_name(rule.daftar), where
                assert rule.daftar in spec.lists, where
            elif rule.kind == "decimal":
                assert dv.type == "decimal" and dv.operator in (None, "between"), where
                assert float(dv.formula1) == rule.low and float(dv.formula2) == rule.high, where
            elif rule.kind in ("text", "url"):  # url: an instrument's link, checked for http(s) on return
                assert dv.type == "textLength" and dv.operator == "lessThanOrEqual", where
                assert int(dv.formula1) == rule.max_len, where
            elif rule.kind == "nip":
                assert dv.type == "textLength" and dv.operator == "equal", where
                assert int(dv.formula1) == 18, where
            elif rule.kind == "date":
                assert dv.type == "date", where
            else:  # pragma: no cover - a new rule kind needs a test
                pytest.fail(f"unknown rule kind {rule.kind} at {where}")


# --- 4. metadata -------------------------------------------------------------------------

def test_hidden_metadata_sheet_and_custom_properties_identify_the_workbook(roadmap, books, specs, generated):
    from rbxl.core.signing import load_signing, verify

    office_key = load_signing(generated[0].parents[1]).key  # <out>/.rbxl-kunci, made by this generate
    assert office_key is not None
    ids = set()
    for code, wb in books.items():
        spec = specs[code]
        assert wb[META_SHEET].sheet_state == "veryHidden", code
        meta = meta_of(wb)
        assert meta["format"] == "rbxl-template"
        assert meta["layout"] == "1"
        assert meta["unit"] == code
        assert meta["tahun"] == str(TAHUN) and meta["periode"] == PERIODE
        assert meta["master"] == roadmap.fingerprint
        dt.datetime.fromisoformat(meta["dibuat"])
        baris = {k: v for k, v in meta.items() if k.startswith("baris:")}
        assert baris == {f"baris:{s.name}": ";".join(r.key for r in s.rows) for s in spec.sheets}, code
        assert set(meta) == set(META_KEYS) | {"dibuat", "id", "tanda"} | set(baris), code
        assert verify(meta, office_key), code  # the office's signature over every other entry (rbxl.core.signing)
        ids.add(meta["id"])
        for s in spec.sheets:
            if "kode" in {f.key for f in s.fields}:
                assert ";".join(sheet_keys(wb, spec, s.name)) == meta[f"baris:{s.name}"], (code, s.name)

        props = {p.name: p.value for p in wb.custom_doc_props.props}
        for key in META_KEYS:
            assert props.get(f"rbxl_{key}") == meta[key], (code, key)
        assert {"rbxl_unit", "rbxl_tahun", "rbxl_periode", "rbxl_master"} <= set(props)
    assert len(ids) == len(books)  # every template has its own id


# --- 5. rows per unit, against the master ------------------------------------------------

def test_rencana_aksi_rows_follow_the_master_leads_and_supports(roadmap, books, specs):
    seen: set[str] = set()
    for code, wb in books.items():
        spec = specs[code]
        lead = {ra.kode for ra in roadmap.rencana_aksi if ra.aksi_for(TAHUN) and code in roadmap.leads(ra)}
        support = {ra.kode for ra in roadmap.rencana_aksi
                   if ra.aksi_for(TAHUN) and code in roadmap.supports(ra)}
        got_lead = sheet_keys(wb, spec, SHEET_RA_UTAMA)
        got_support = sheet_keys(wb, spec, SHEET_RA_PENDUKUNG)
        assert set(got_lead) == lead and len(got_lead) == len(lead), code
        assert set(got_support) == support and len(got_support) == len(support), code
        assert (SHEET_RA_UTAMA in wb.sheetnames) == bool(lead), code
        assert (SHEET_RA_PENDUKUNG in wb.sheetnames) == bool(support), code
        seen |= lead | support

    dashed = {ra.kode for ra in roadmap.rencana_aksi if (ra.aksi.get(TAHUN) or "").strip() in ("", "-", "–")}
    assert {"4.j", "1.a.4"} <= dashed
    assert not seen & dashed
    assert seen == {ra.kode for ra in roadmap.rencana_aksi} - dashed


def test_row_4j_appears_in_2024_for_dinkominfo(roadmap, tmp_path):
    (g,) = generate(roadmap, 2024, "TW1", tmp_path, units=["DINKOMINFO"])
    wb = openpyxl.load_workbook(g.file)
    spec = plan(roadmap, "DINKOMINFO", 2024, "TW1")
    assert "4.j" in sheet_keys(wb, spec, SHEET_RA_UTAMA)
    assert "DINKOMINFO" in roadmap.leads(next(ra for ra in roadmap.rencana_aksi if ra.kode == "4.j"))


def test_inspektorat_leads_its_penguatan_pengawasan_rows_and_not_7d(roadmap, books, specs):
    named = [ra.kode for ra in roadmap.rencana_aksi
             if ra.area_kode == "A7" and ra.pd_utama == ("INSPEKTORAT",)]
    assert named == ["7.a", "7.b", "7.c", "7.e", "7.f", "7.g", "7.h", "7.i", "7.j"]
    lead = sheet_keys(books["INSPEKTORAT"], specs["INSPEKTORAT"], SHEET_RA_UTAMA)
    assert set(named) <= set(lead)
    assert "7.d" not in lead
    assert "7.d" in sheet_keys(books["BPPKAD"], specs["BPPKAD"], SHEET_RA_UTAMA)


def test_kecamatan_gets_support_rows_only_1b4_as_lead_and_no_empty_sections(roadmap, books, specs):
    wb, spec = books["KEC-JATI"], specs["KEC-JATI"]
    assert sheet_keys(wb, spec, SHEET_RA_UTAMA) == ["1.b.4"]
    ra = next(ra for ra in roadmap.rencana_aksi if ra.kode == "1.b.4")
    assert ra.pd_utama == ("SELURUH-PD",)
    assert wb[SHEET_RA_UTAMA].cell(excel_row(spec.sheet(SHEET_RA_UTAMA), 0),
                                   spec.sheet(SHEET_RA_UTAMA).col("kode") + 1).value == "1.b.4"
    assert len(sheet_keys(wb, spec, SHEET_RA_PENDUKUNG)) > 0
    assert SHEET_INDIKATOR not in wb.sheetnames
    assert SHEET_KEGIATAN not in wb.sheetnames
    assert all("KEC-JATI" not in roadmap.resolve(i.penanggung_jawab, i.area_kode) for i in roadmap.indikator)
    assert all("KEC-JATI" not in roadmap.resolve(k.pengampu, k.area_kode) for k in roadmap.kegiatan)


def test_bag_organisasi_gets_the_sakip_indicators_with_2023_targets(books, specs):
    wb, spec = books["BAG-ORGANISASI"], specs["BAG-ORGANISASI"]
    keys = sheet_keys(wb, spec, SHEET_INDIKATOR)
    assert {"IND-3.4-02", "IND-3.7-01"} <= set(keys)
    sheet = spec.sheet(SHEET_INDIKATOR)
    ws = wb[SHEET_INDIKATOR]

    def cell(kode, field):
        return ws.cell(excel_row(sheet, keys.index(kode)), sheet.col(field) + 1)

    t = cell("IND-3.4-02", "target")
    assert t.data_type == "n" and t.value == pytest.approx(72.5)
    assert "BB" in cell("IND-3.4-02", "ket_target").value
    t = cell("IND-3.7-01", "target")
    assert t.data_type == "n" and t.value == pytest.approx(72.4)


def test_bppkad_opini_bpk_realisasi_has_the_opini_list(books, specs):
    wb, spec = books["BPPKAD"], specs["BPPKAD"]
    keys = sheet_keys(wb, spec, SHEET_INDIKATOR)
    assert "IND-3.4-03" in keys
    sheet = spec.sheet(SHEET_INDIKATOR)
    r, c = excel_row(sheet, keys.index("IND-3.4-03")), sheet.col("realisasi") + 1
    assert wb[SHEET_INDIKATOR].cell(r, c).protection.locked is False
    (dv,) = dv_index(wb[SHEET_INDIKATOR])[(r, c)]
    assert dv.type == "list" and dv.formula1 == "Daftar_OPINI_BPK"
    assert defined_values(wb, "Daftar_OPINI_BPK") == (LIST_SHEET, ["WTP", "WDP", "TW", "TMP"])


# --- 6. formulas -------------------------------------------------------------------------

def test_capaian_cells_are_portable_formulas_with_empty_cached_values(paths, books, specs):
    checked = 0
    for code, path in paths.items():
        spec, wb = specs[code], books[code]
        xml = sheet_xml(path)
        for sheet in spec.sheets:
            cols = [c for c, f in enumerate(sheet.fields) if f.formula == "capaian"]
            if not cols:
                continue
            ws = wb[sheet.name]
            root = ET.fromstring(xml[sheet.name])
            cells = {c.get("r"): c for c in root.iter(f"{{{NS['m']}}}c")}
            for c in cols:
                assert ws.cell(HEADER_ROW + 1, c + 1).value == "Capaian (%)"
                for i in range(len(sheet.rows)):
                    ref = f"{get_column_letter(c + 1)}{excel_row(sheet, i)}"
                    formula = ws[ref].value
                    assert isinstance(formula, str) and formula.startswith("="), (code, ref)
                    used = set(re.findall(r"([A-Z][A-Z0-9.]*)\s*\(", formula))
                    assert used <= CAPAIAN_FUNCTIONS, (code, sheet.name, ref, used)
                    el = cells[ref]
                    assert el.find("m:f", NS) is not None and el.find("m:f", NS).text, (code, ref)
                    # a blank template caches the empty string: <v></v> (untyped or t="str")
                    v = el.find("m:v", NS)
                    assert v is not None and not v.text, (code, ref, ET.tostring(el)[:200])
                    assert el.get("t") in (None, "str"), (code, ref)
                    checked += 1
    assert checked > 0


# --- 7. print setup ----------------------------------------------------------------------

def test_data_sheets_print_landscape_a4_one_page_wide_with_titles_footer_and_frozen_header(
        books, specs):
    for code, wb in books.items():
        spec = specs[code]
        for sheet in spec.sheets:
            ws = wb[sheet.name]
            where = (code, sheet.name)
            assert ws.page_setup.orientation == "landscape", where
            assert int(ws.page_setup.paperSize) == 9, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert int(ws.page_setup.fitToWidth or 1) == 1, where  # 1 is the OOXML default
            assert int(ws.page_setup.fitToHeight) == 0, where
            assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}", where
            footer = ws.oddFooter.left.text or ""
            assert spec.unit_singkatan in footer, where
            frozen = ws.freeze_panes
            assert frozen is not None, where
            assert range_boundaries(frozen + ":" + frozen)[1] == HEADER_ROW + 2, where


# --- 8. determinism ----------------------------------------------------------------------

def test_generating_twice_gives_identical_content_except_creation_time(roadmap, books, tmp_path):
    again = {g.unit: g.file for g in generate(roadmap, TAHUN, PERIODE, tmp_path)}
    assert set(again) == set(books)
    for code, first in books.items():
        second = openpyxl.load_workbook(again[code])
        assert second.sheetnames == first.sheetnames, code
        a, b = all_values(first), all_values(second)
        m1, m2 = meta_of(first), meta_of(second)
        per_copy = ("dibuat", "id", "tanda")  # creation time, the template's random id, and the signature over them
        assert {k: v for k, v in m1.items() if k not in per_copy} == {k: v for k, v in m2.items() if k not in per_copy}
        for name in first.sheetnames:
            if name == META_SHEET:
                a[name] = [r for r in a[name] if r[0] not in per_copy]
                b[name] = [r for r in b[name] if r[0] not in per_copy]
            assert a[name] == b[name], (code, name)
        p1 = {p.name: p.value for p in first.custom_doc_props.props}
        p2 = {p.name: p.value for p in second.custom_doc_props.props}
        assert p1 == p2, code


# --- 9. CLI ------------------------------------------------------------------------------

def _cli(master_path, out, *args):
    return CliRunner().invoke(main, ["generate", "--master", str(master_path), "--out", str(out), *args])


def test_cli_generate_selected_units_and_rejects_bad_unit_year_period(master_path, tmp_path):
    ok = _cli(master_path, tmp_path / "ok", "--tahun", "2023", "--periode", "TW1",
              "--unit", "INSPEKTORAT", "--unit", "KEC-JATI")
    assert ok.exit_code == 0, ok.output
    folder = tmp_path / "ok" / "2023-TW1" / "templates"
    files = sorted(p.name for p in folder.glob("*.xlsx"))
    assert len(files) == 2
    assert files[0].startswith("INSPEKTORAT_") and files[1].startswith("KEC-JATI_")
    assert [r["unit"] for r in read_manifest(folder / MANIFEST)] == ["INSPEKTORAT", "KEC-JATI"]

    bad = _cli(master_path, tmp_path / "bad", "--tahun", "2023", "--periode", "TW1",
               "--unit", "INSPEKTORAT", "--unit", "DINAS-TIDAK-ADA")
    assert bad.exit_code == 2, bad.output
    assert "DINAS-TIDAK-ADA" in bad.output
    assert not list((tmp_path / "bad").rglob("*.xlsx"))

    year = _cli(master_path, tmp_path / "year", "--tahun", "2030", "--periode", "TW1")
    assert year.exit_code == 2, year.output
    assert "2030" in year.output
    period = _cli(master_path, tmp_path / "period", "--tahun", "2023", "--periode", "TW5")
    assert period.exit_code == 2, period.output
    assert "TW5" in period.output
    for d in ("year", "period"):
        assert not list((tmp_path / d).rglob("*.xlsx"))


# --- 10. LibreOffice round trip ----------------------------------------------------------

def _calamine_grid(path: Path, sheet: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _at(grid: list[list], r: int, c: int):
    """0-based look-up that treats cells beyond the used area as empty."""
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


@pytest.mark.libreoffice
def test_templates_survive_a_libreoffice_round_trip(paths, specs, tmp_path):
    require_soffice()
    import soffice

    codes = ["BAG-ORGANISASI", "INSPEKTORAT", "KEC-JATI"]
    srcs = []
    for code in codes:  # private copies: the round trip never reads the shared folder
        dst = tmp_path / "src" / paths[code].name
        dst.parent.mkdir(exist_ok=True)
        shutil.copyfile(paths[code], dst)
        srcs.append(dst)
    outdir = tmp_path / "lo"
    if hasattr(soffice, "convert_many"):
        outs = soffice.convert_many(srcs, "xlsx", outdir)
    else:  # pragma: no cover
        outs = [soffice.convert(s, "xlsx", outdir) for s in srcs]

    for code, src, out in zip(codes, srcs, outs, strict=True):
        spec = specs[code]
        wb = openpyxl.load_workbook(out)
        assert META_SHEET in wb.sheetnames, code
        assert wb[META_SHEET].sheet_state in ("hidden", "veryHidden"), code
        meta = meta_of(wb)
        for key in ("unit", "tahun", "periode", "master"):
            assert meta[key] == spec.meta()[key], (code, key)

        for sheet in spec.sheets:
            assert wb[sheet.name].protection.sheet is True, (code, sheet.name)
        assert wb[GUIDE_SHEET].protection.sheet is True
        indexes = {s.name: dv_index(wb[s.name]) for s in spec.sheets}
        for sheet, row, f, r, c in input_cells(spec):
            where = (code, sheet.name, row.key, f.key)
            assert wb[sheet.name].cell(r, c).protection.locked is False, where
            rule = row.rule_for(f)
            if rule is None or rule.kind != "list":
                continue
            lists = [dv for dv in indexes[sheet.name].get((r, c), []) if dv.type == "list"]
            assert len(lists) == 1, where
            f1 = lists[0].formula1.lstrip("=")
            expected = spec.lists[rule.daftar]
            if f1 == list_name(rule.daftar):
                assert defined_values(wb, f1) == (LIST_SHEET, expected), where
            else:  # an equivalent absolute range on the Daftar sheet
                m = re.fullmatch(r"'?(.+?)'?!(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)", f1)
                assert m and m.group(1) == LIST_SHEET, (where, f1)
                assert range_values(wb, LIST_SHEET, m.group(2)) == expected, where

        # the locked cells read the same through calamine before and after
        for sheet in spec.sheets:
            before, after = _calamine_grid(src, sheet.name), _calamine_grid(out, sheet.name)
            for i, row in enumerate(sheet.rows):
                r0 = excel_row(sheet, i) - 1
                for c0, f in enumerate(sheet.fields):
                    if not f.formula and row.is_input(f):
                        continue
                    assert _at(after, r0, c0) == _at(before, r0, c0), (code, sheet.name, row.key, f.key)
            for c0 in range(len(sheet.fields)):
                assert _at(after, HEADER_ROW, c0) == _at(before, HEADER_ROW, c0), (code, sheet.name)


def test_petunjuk_fits_a_portrait_page_and_every_row_shows_its_wrapped_text(roadmap, tmp_path):
    """The layout half of the print check (the LibreOffice half is tests/test_print.py): a column
    no wider than an A4 portrait page, every line wrapped, every row tall enough for its lines."""
    import math

    spec = plan(roadmap, "BAG-ORGANISASI", 2023, "TW1")
    ws = openpyxl.load_workbook(write_template(spec, tmp_path / "t.xlsx"))[GUIDE_SHEET]
    width = ws.column_dimensions["A"].width
    assert width <= 80  # LibreOffice prints this sheet unscaled: ~0.09" per unit, 7.47" printable
    chars_per_line = width * 1.25  # what DejaVu Sans, LibreOffice's usual substitute, fits
    for r, line in enumerate(spec.guide, start=1):
        cell = ws.cell(r, 1)
        assert (cell.value or "") == line and (not line or cell.alignment.wrap_text), r
        size = cell.font.sz or 11
        lines = max(1, math.ceil(len(line) / (chars_per_line * 11 / size)))
        assert ws.row_dimensions[r].height >= lines * size * 1.2, (r, line)
