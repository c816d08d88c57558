"""History end to end on the two-period demo (TW1 then TW2 of 2023, one store: conftest's `demo`).

Covers prefilled templates, the checks that need history, the Tren sheet (cached values
against the trend view, the store and a real LibreOffice recalculation), TAHUNAN, master
changes, and `rbxl riwayat`, `impor`, `ekspor`.
"""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import require_soffice
from rbxl.consolidation.tables import (
    NO_DATA,
    NOT_RETURNED,
    REJECTED_FILE,
    TARGET_MET,
    TARGET_NOT_MET,
)
from test_consolidate import _soffice, compare_recalculated, formula_cells

from rbxl.consolidation.figures import LATE, ON_TIME, figures
from rbxl.form.sample import answers_for
from rbxl.form.spec import META_SHEET, PREFILL_META, SHEET_RA_UTAMA, plan
from rbxl.pipeline import run_consolidation
from rbxl.riwayat.snapshot import load_tables
from rbxl.riwayat.trend import history
from rbxl.store import open_store
from rbxl.template.generate import generate, template_name
from rbxl.template.write import PREFILL_FILL, write_template

TAHUN = 2023


@pytest.fixture(scope="module")
def db(demo) -> Path:
    return demo[0] / "rbxl.sqlite"


def values_of(db: Path, periode: str) -> dict[tuple[str, str, str, str], object]:
    with open_store(db, create=False) as st:
        return {(r["unit"], r["lembar"], r["kode"], r["kolom"]): r["angka"] if r["tipe"] == "angka" else r["teks"]
                for r in st.values(tahun=TAHUN) if r["periode"] == periode}


def findings(result, code: str):
    return [f for f in result.outputs.report.all_findings() if f.code == code]


# --------------------------------------------------------------------------- prefill


def test_tw2_templates_start_from_each_units_tw1_values(demo, db, roadmap):
    out, result = demo
    tw1 = values_of(db, "TW1")
    folder = out / f"{TAHUN}-TW2" / "templates"
    unit = "BAG-HUKUM"
    assert unit in result.first.report.chosen
    spec = plan(roadmap, unit, TAHUN, "TW2")
    wb = openpyxl.load_workbook(folder / template_name(spec))
    checked = 0
    for sheet in spec.sheets:
        if sheet.kind == "identitas":
            continue
        ws = wb[sheet.name]
        for i, row in enumerate(sheet.rows):
            for c, f in enumerate(sheet.fields):
                if not row.is_input(f) or f.formula:
                    continue
                cell = ws.cell(sheet.first_row + i + 1, c + 1)
                expected = tw1.get((unit, sheet.name, row.key, f.key))
                if expected is None:
                    assert cell.value in (None, ""), (sheet.name, cell.coordinate)
                    continue
                assert cell.value == expected, (sheet.name, cell.coordinate)
                assert cell.fill.fgColor.rgb.endswith(PREFILL_FILL[1:]), cell.coordinate
                assert cell.protection.locked is False  # still an input cell
                checked += 1
    assert checked > 5
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows(min_row=2)}
    assert meta[PREFILL_META] == "TW1"
    guide = "\n".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)
    assert "ISIAN TERAKHIR DILAPORKAN: TRIWULAN I 2023" in guide
    assert "Terakhir dilaporkan: Triwulan I 2023" in wb[SHEET_RA_UTAMA if SHEET_RA_UTAMA in wb else
                                                         spec.sheets[1].name]["A3"].value


def test_unit_without_an_accepted_tw1_gets_a_blank_template(demo, roadmap):
    out, result = demo
    silent = result.first.report.missing[0]
    spec = plan(roadmap, silent, TAHUN, "TW2")
    wb = openpyxl.load_workbook(out / f"{TAHUN}-TW2" / "templates" / template_name(spec))
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows(min_row=2)}
    assert PREFILL_META not in meta


def test_tanpa_isian_lalu_gives_blank_templates(demo, db, master_path, tmp_path):
    runner = CliRunner()
    from rbxl.cli import main

    args = ["generate", "--tahun", str(TAHUN), "--periode", "TW3", "--unit", "BAG-HUKUM", "--master",
            str(master_path), "--out", str(tmp_path), "--db", str(db)]
    for extra, expect in (([], "TW2"), (["--tanpa-isian-lalu"], None)):
        shutil.rmtree(tmp_path / f"{TAHUN}-TW3", ignore_errors=True)
        result = runner.invoke(main, args + extra)
        assert result.exit_code == 0, result.output
        [path] = (tmp_path / f"{TAHUN}-TW3" / "templates").glob("*.xlsx")
        meta = {r[0].value: r[1].value for r in openpyxl.load_workbook(path)[META_SHEET].iter_rows(min_row=2)}
        assert meta.get(PREFILL_META) == expect


# --------------------------------------------------------------------------- history checks


def test_progress_down_and_reopened_rows_are_warned_with_both_periods(demo, db, roadmap):
    _, result = demo
    tw1, tw2 = values_of(db, "TW1"), values_of(db, "TW2")
    down = findings(result, "HISTORY_PROGRESS_DOWN")
    assert down and all(f.severity == "warning" for f in down)
    unit = down[0].unit
    expected = {k for (u, s, k, f), v in tw2.items() if u == unit and f == "progres" and s == SHEET_RA_UTAMA
                and isinstance(tw1.get((u, s, k, f)), float) and v < tw1[(u, s, k, f)]}
    spec = plan(roadmap, unit, TAHUN, "TW2")
    sheet = spec.sheet(SHEET_RA_UTAMA)
    cells = {f"H{sheet.first_row + i + 1}": row.key for i, row in enumerate(sheet.rows)}
    assert {cells[f.cell] for f in down if f.unit == unit} == expected
    for f in down:
        key = (f.unit, SHEET_RA_UTAMA, cells[f.cell], "progres")
        assert "Triwulan I 2023" in f.message and "Triwulan II 2023" in f.message
        assert str(int(tw1[key])) in f.message
    [reopened] = findings(result, "HISTORY_DONE_REOPENED")
    row = {f"G{sheet.first_row + i + 1}": r.key for i, r in enumerate(sheet.rows)}[reopened.cell]
    assert tw1[(unit, SHEET_RA_UTAMA, row, "status")] == "Selesai"
    assert tw2[(unit, SHEET_RA_UTAMA, row, "status")] == reopened.value != "Selesai"


def test_rows_left_as_prefilled_are_counted_per_unit(demo, db):
    _, result = demo
    tw1, tw2 = values_of(db, "TW1"), values_of(db, "TW2")
    notes = findings(result, "HISTORY_NOT_UPDATED")
    assert notes and all(f.severity == "warning" for f in notes)
    for f in notes:
        n = int(re.match(r"(\d+) baris", f.message).group(1))
        rows = {k for (u, s, k, _), _v in tw2.items() if u == f.unit and s == f.sheet}
        same = [k for k in rows if all(tw2.get((f.unit, f.sheet, k, c)) == tw1.get((f.unit, f.sheet, k, c))
                                       for c in ("status", "progres", "output", "bukti", "kendala", "tindak_lanjut",
                                                 "keterangan", "realisasi", "sumber_data"))
                and tw2.get((f.unit, f.sheet, k, "status")) not in ("Selesai", "Dukungan Selesai")]
        assert n == len(same), (f.unit, f.sheet)
        assert f.message.count("Triwulan I 2023") >= 1


def test_units_silent_two_periods_in_a_row_are_listed(demo):
    _, result = demo
    listed = {f.unit for f in findings(result, "HISTORY_NOT_RETURNED")}
    sent_tw2 = {s.unit for s in result.outputs.report.submissions}
    sent_tw1 = {s.unit for s in result.first.report.submissions}
    expected = {u for u in result.outputs.report.expected if u not in sent_tw1 and u not in sent_tw2}
    assert listed == expected and listed


def test_store_punctuality_is_the_figures_judgement(demo, db, roadmap):
    out, result = demo
    with open_store(db, create=False) as st:
        stored = {(r["periode"], r["unit"]): (r["ketepatan"], r["waktu_kirim"], r["batas_waktu"])
                  for r in st.unit_states(TAHUN)}
    for periode, tables in (("TW1", load_tables(out, TAHUN, "TW1")), ("TW2", result.outputs.tables)):
        fig = figures(tables, roadmap)
        for u in fig.units:
            assert stored[(periode, u.unit)] == (u.kepatuhan, u.disimpan or None, fig.batas_waktu.isoformat())
    assert {k for k, _, _ in stored.values()} >= {ON_TIME, NOT_RETURNED}


# --------------------------------------------------------------------------- Tren sheet


def test_tren_sheet_cached_values_equal_the_trend_view_and_each_period(demo, db, roadmap):
    out, result = demo
    wb = openpyxl.load_workbook(result.outputs.monitoring, data_only=True)
    ws = wb["Tren"]
    with open_store(db, create=False) as st:
        trend = history(st, roadmap, TAHUN)
    assert [p.periode for p in trend.periods] == ["TW1", "TW2"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=1, max_col=5, values_only=True) if r[0]}
    fig1 = figures(load_tables(out, TAHUN, "TW1"), roadmap)
    fig2 = figures(result.outputs.tables, roadmap)
    for a in trend.areas:
        _, _, v1, v2, change = rows[a.kode]
        assert v1 == pytest.approx(fig1.area(a.kode).rencana_aksi.mean_progress)
        assert v2 == pytest.approx(fig2.area(a.kode).rencana_aksi.mean_progress)
        assert change == pytest.approx(v2 - v1)
    for i, fig in enumerate((fig1, fig2)):  # statuses per period agree with each period's own figures
        assert {k: v[i] for k, v in trend.status_counts.items()} == fig.headline.rencana_aksi.by_status
    # the unit that went backwards shows a negative change
    back = findings(result, "HISTORY_PROGRESS_DOWN")[0].unit
    unit_rows = [r for r in ws.iter_rows(min_row=1, max_col=5, values_only=True) if r[0] == back]
    assert unit_rows[0][4] < 0
    assert unit_rows[0][2] == pytest.approx(fig1.unit(back).utama.mean_progress)
    # punctuality counts: one state per expected unit each period
    counts = {r[0]: r for r in ws.iter_rows(min_row=1, max_col=4, values_only=True)
              if r[0] in (ON_TIME, LATE, REJECTED_FILE, NOT_RETURNED)}
    silent = [sum(u not in {s.unit for s in rep.submissions} for u in rep.expected)
              for rep in (result.first.report, result.outputs.report)]
    assert counts[NOT_RETURNED][2:] == tuple(silent)
    rejected = [sum(u["putusan"] == "Berkas ditolak" for u in t.unit)
                for t in (load_tables(out, TAHUN, "TW1"), result.outputs.tables)]
    assert counts[REJECTED_FILE][2:] == tuple(rejected)
    assert sum(counts[ON_TIME][2:]) > 40  # the demo's files are saved before the Jadwal deadlines


def test_trend_judges_each_indicator_per_year_like_the_indikator_sheet(demo, db, roadmap):
    out, result = demo
    with open_store(db, create=False) as st:
        trend = history(st, roadmap, TAHUN)
    tw2 = {r["kode"]: r for r in result.outputs.tables.indikator}
    judged = set()
    for ser in trend.indikator:
        for y in trend.years:
            if y not in ser.realisasi:  # no realisation that year: nothing to judge
                assert (ser.capaian[y], ser.status[y]) == (None, NO_DATA), (ser.kode, y)
        row = tw2.get(ser.kode)
        if row is None or ser.sumber.get(TAHUN) != "TW2":
            continue
        # the year's latest realisation is TW2's: the same target, capaian and verdict as its Indikator row
        assert ser.realisasi[TAHUN] == row["realisasi"]
        assert ser.target_value[TAHUN] == (row["target"] if row["target"] not in (None, "-") else "")
        assert ser.capaian[TAHUN] == (None if row["capaian"] == "" else pytest.approx(row["capaian"])), ser.kode
        assert ser.status[TAHUN] == row["status_capaian"], ser.kode
        judged.add(row["status_capaian"])
    assert judged >= {TARGET_MET, TARGET_NOT_MET}


def test_tren_charts_are_native_line_and_column_charts(demo):
    _, result = demo
    with zipfile.ZipFile(result.outputs.monitoring) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    tren = [c for c in charts if "Tren!" in c]
    assert len(tren) == 2
    assert any("<c:lineChart>" in c for c in tren)
    assert any("<c:barChart>" in c and '<c:barDir val="col"/>' in c for c in tren)


@pytest.mark.libreoffice
def test_tren_formulas_survive_a_full_libreoffice_recalculation(demo, tmp_path):
    require_soffice()
    _, result = demo
    src = result.outputs.monitoring
    [converted] = _soffice().convert_many([src], "xlsx", tmp_path / "lo", recalc=True)
    n, bad, filled = compare_recalculated(src, converted)
    assert not bad, bad[:10]
    tren = [c for c in formula_cells(openpyxl.load_workbook(src)) if c[0] == "Tren"]
    assert len(tren) > 50 and any(s == "Tren" for s, _, _ in filled)


def test_master_change_is_recorded_and_marked(demo, db, roadmap, tmp_path):
    copy = tmp_path / "beda.sqlite"
    con = sqlite3.connect(db)
    con.execute(f"VACUUM INTO '{copy}'")
    con.close()
    con = sqlite3.connect(copy)
    con.execute("UPDATE periode SET sidik_master = 'master-lama' WHERE periode = 'TW1'")
    con.commit()
    con.close()
    with open_store(copy, create=False) as st:
        trend = history(st, roadmap, TAHUN)
    assert [p.master_changed for p in trend.periods] == [False, True]
    from rbxl.render.monitoring import write_monitoring

    _, result = demo
    path = write_monitoring(result.outputs.tables, roadmap, tmp_path / "m.xlsx", trend=trend)
    ws = openpyxl.load_workbook(path)["Tren"]
    heads = [c.value for row in ws.iter_rows(max_col=4) for c in row]
    assert "TW2 *" in heads
    assert "versi master yang berbeda" in ws["A2"].value


# --------------------------------------------------------------------------- TAHUNAN


@pytest.fixture(scope="module")
def tahunan(demo, db, roadmap, tmp_path_factory):
    """TAHUNAN 2023 consolidated on a copy of the demo's store, three units reporting."""
    tmp = tmp_path_factory.mktemp("tahunan")
    store = tmp / "rbxl.sqlite"
    con = sqlite3.connect(db)
    con.execute(f"VACUUM INTO '{store}'")
    con.close()
    inbox = tmp / "kiriman"
    for unit in ("BAG-ORGANISASI", "BAG-HUKUM", "DPK"):
        spec = plan(roadmap, unit, TAHUN, "TAHUNAN")
        write_template(spec, inbox / template_name(spec), answers_for(spec))
    return tmp, store, run_consolidation([inbox], roadmap, TAHUN, "TAHUNAN", tmp / "hasil", db=store)


def test_tahunan_builds_the_years_picture_and_next_year_shows_it(tahunan, roadmap):
    tmp_path, store, outputs = tahunan
    wb = openpyxl.load_workbook(outputs.monitoring, data_only=True)
    ws = wb["Tahunan"]
    trend = outputs.trend
    assert [p.periode for p in trend.periods] == ["TW1", "TW2", "TAHUNAN"]
    heads = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "Kode")]
    assert heads[3:7] == ["Progres TW1", "Progres TW2", "Progres TAHUNAN", "Status akhir"]
    data = {(r[0], r[1]): r for r in ws.iter_rows(values_only=True) if r[0] and r[1] and "." in str(r[0])}
    assert len(data) == len(trend.rows) > 0
    for row in trend.rows:
        got = data[(row.kode, row.unit)]
        assert got[6] == (row.final_status or None)
        assert [g if g is not None else None for g in got[3:6]] == [v for v in row.progres]
    counts = {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_row=5 + 4, max_col=2, values_only=True)}
    for s in roadmap.statuses():
        assert counts[s] == sum(r.final_status == s for r in trend.rows)
    # a unit that did not report TAHUNAN keeps its TW2 status as the year's final one
    tw2_only = next(r for r in trend.rows if r.status[2] == "" and r.status[1])
    assert tw2_only.final_status == tw2_only.status[1]
    # next year's templates start blank, with last year's closing realisations in Petunjuk
    [g] = generate(roadmap, TAHUN + 1, "TW1", tmp_path / "hasil", units=["BAG-ORGANISASI"], workers=1, db=store)
    wb = openpyxl.load_workbook(g.file)
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows(min_row=2)}
    assert PREFILL_META not in meta
    guide = "\n".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)
    assert f"REALISASI INDIKATOR AKHIR {TAHUN}" in guide and "IND-3.4-01" in guide


@pytest.mark.libreoffice
def test_tahunan_formulas_survive_a_full_libreoffice_recalculation(tahunan, tmp_path):
    require_soffice()
    _, _, outputs = tahunan
    [converted] = _soffice().convert_many([outputs.monitoring], "xlsx", tmp_path / "lo", recalc=True)
    n, bad, filled = compare_recalculated(outputs.monitoring, converted)
    assert not bad, bad[:10]
    assert any(s == "Tahunan" for s, _, _ in filled)


# --------------------------------------------------------------------------- CLI: list, import, export


def test_riwayat_lists_periods_with_counts(demo, db):
    from rbxl.cli import main

    result = CliRunner().invoke(main, ["riwayat", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "TW1" in result.output and "TW2" in result.output and "2 periode tersimpan" in result.output


def test_impor_rebuilds_the_same_values_from_the_archive(demo, db, master_path, tmp_path):
    from rbxl.cli import main

    out, _ = demo
    rebuilt = tmp_path / "baru.sqlite"
    result = CliRunner().invoke(main, ["riwayat", "--db", str(rebuilt), "impor", str(out), "--master",
                                       str(master_path)])
    assert result.exit_code == 0, result.output

    def rows(path, sql):
        con = sqlite3.connect(path)
        try:
            return sorted(con.execute(sql).fetchall(), key=repr)
        finally:
            con.close()

    sql = ("SELECT p.tahun, p.periode, n.unit, n.lembar, n.kode, n.kolom, n.tipe, n.angka, n.teks "
           "FROM nilai n JOIN periode p ON p.id = n.periode_id")
    assert rows(rebuilt, sql) == rows(db, sql)
    sql = ("SELECT p.periode, u.unit, u.keadaan, u.ketepatan FROM unit_periode u "
           "JOIN periode p ON p.id = u.periode_id")
    assert rows(rebuilt, sql) == rows(db, sql)
    sql = ("SELECT p.periode, t.kode, t.unit, t.sheet, t.sel FROM temuan t JOIN periode p ON p.id = t.periode_id "
           "WHERE t.kode LIKE 'HISTORY%'")
    assert rows(rebuilt, sql) == rows(db, sql) and rows(db, sql)
    # nothing was written into the period folders
    assert not list(out.glob("*/arsip/*.tmp"))


def test_ekspor_writes_one_tidy_guarded_csv(demo, db, tmp_path):
    from rbxl.cli import main
    from rbxl.store import PeriodRecord

    store = tmp_path / "e.sqlite"
    con = sqlite3.connect(db)
    con.execute(f"VACUUM INTO '{store}'")
    con.close()
    with open_store(store) as st:
        st.replace_period(PeriodRecord(2024, "TW1", "x", "", [], [], [
            ("BAG-HUKUM", "Rencana Aksi Utama", "1.a.1", "output", "A1", '=HYPERLINK("http://x","klik")'),
            ("BAG-HUKUM", "Rencana Aksi Utama", "1.a.1", "progres", "A1", 40.0)], []))
    target = tmp_path / "r.csv"
    result = CliRunner().invoke(main, ["riwayat", "--db", str(store), "ekspor", "--ke", str(target)])
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    con = sqlite3.connect(store)
    assert len(data) == con.execute("SELECT COUNT(*) FROM nilai").fetchone()[0]
    assert list(data[0]) == ["tahun", "periode", "unit", "lembar", "kode", "kolom", "area_kode", "tipe", "nilai"]
    mine = {r["kolom"]: r["nilai"] for r in data if r["tahun"] == "2024"}
    assert mine == {"output": '\'=HYPERLINK("http://x","klik")', "progres": "40"}


def test_validate_compares_with_the_store_without_writing_it(demo, db, master_path, tmp_path):
    import json

    from rbxl.cli import main

    out, result = demo
    before = db.read_bytes(), sorted(p.name for p in db.parent.glob("rbxl.sqlite*"))
    res = CliRunner().invoke(main, ["validate", str(result.inbox), "--tahun", str(TAHUN), "--periode", "TW2",
                                    "--master", str(master_path), "--out", str(tmp_path), "--db", str(db), "--json"])
    found = {f["code"] for f in json.loads(res.output[res.output.index("["):])}
    assert {"HISTORY_PROGRESS_DOWN", "HISTORY_DONE_REOPENED", "HISTORY_NOT_UPDATED", "HISTORY_NOT_RETURNED"} <= found
    assert (db.read_bytes(), sorted(p.name for p in db.parent.glob("rbxl.sqlite*"))) == before


def test_history_codes_are_in_the_catalogue_and_the_readme():
    from rbxl.core.findings import CATALOG

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    codes = [c for c in CATALOG if c.startswith("HISTORY_")]
    assert len(codes) == 4
    for code in codes:
        assert f"| `{code}` | Peringatan |" in readme, code


def test_the_store_is_never_read_back_as_a_returned_file(tmp_path, roadmap):
    from rbxl.pipeline import run_validation

    with open_store(tmp_path / "rbxl.sqlite") as st:  # a store (and its -wal) inside the folder checked
        st.conn.execute("SELECT 1")
        report = run_validation([tmp_path], roadmap, TAHUN, "TW1", tmp_path, workers=1).report
    assert not report.submissions and not report.kept and not report.findings
