"""Instruments as data (issue 21): a new instrument defined in a copy of the master, through
template, return, checks, consolidation, monitoring workbook, store and the verifier's review.

The test instrument UJI (below, as rows the administrator would type) has all seven answer
types, two scales and weights on two levels; every score is checked against a computation
from the scale values written in this file, not from rbxl's code.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from conftest import require_soffice

from rbxl.core.errors import UsageError
from rbxl.core.xlsx import cell_name
from rbxl.master.load import load_master, read_master
from rbxl.pipeline import run_consolidation, run_verifikasi_baca, run_verifikasi_buat
from rbxl.template.generate import generate

SHIPPED = Path(__file__).resolve().parents[1] / "master" / "roadmap-rb-blora-2022-2026.xlsx"
TAHUN, PERIODE = 2023, "TW1"
UNITS = ("BKD", "DPK")
SHEET = "Instrumen UJI"

# Skala: the values the independent computation below uses
SCALES = {"TIGA": {"Baik": 1.0, "Cukup": 0.5, "Kurang": 0.0}, "YA_TIDAK": {"Ya": 1.0, "Tidak": 0.0}}
INSTRUMEN = {"Kode": "UJI", "Nama": "Instrumen uji", "Dasar": "tes", "Pengisi": "BKD; DPK", "Periode": "TW1; TW2",
             "Tahun Mulai": 2023, "Tahun Selesai": 2026, "Verifikator": "INSPEKTORAT"}
# | kode | komponen                    | jenis    | skala    | bobot | wajib | bukti | min | maks |
QUESTIONS = [
    ("", "Tata Kelola", "", "", 70, "", "", None, None),
    ("", "Tata Kelola > Dokumen", "", "", 40, "", "", None, None),
    ("", "Tata Kelola > Pelaksanaan", "", "", 30, "", "", None, None),
    ("", "Hasil", "", "", 30, "", "", None, None),
    ("Q1", "Tata Kelola > Dokumen", "ya_tidak", "YA_TIDAK", 25, "Ya", "Ya", None, None),
    ("Q2", "Tata Kelola > Dokumen", "skala", "TIGA", 15, "Ya", "Ya", None, None),
    ("Q3", "Tata Kelola > Pelaksanaan", "persen", "", 30, "Ya", "", None, None),
    ("Q4", "Hasil", "angka", "", 20, "", "", 0, 10),
    ("Q5", "Hasil", "ya_tidak", "YA_TIDAK", 10, "", "Ya", None, None),
    ("Q6", "Hasil", "teks", "", None, "", "", None, None),
    ("Q7", "Hasil", "tanggal", "", None, "", "", None, None),
    ("Q8", "Hasil", "tautan", "", None, "", "", None, None),
]
LEAF_WEIGHT = {"Q1": 25, "Q2": 15, "Q3": 30, "Q4": 20, "Q5": 10}  # the stated sums agree, so these are effective
COMPONENT_OF = {"Q1": "Tata Kelola > Dokumen", "Q2": "Tata Kelola > Dokumen", "Q3": "Tata Kelola > Pelaksanaan",
                "Q4": "Hasil", "Q5": "Hasil"}
ANSWERS = {
    "BKD": {"Q1": ("Ya", "https://blorakab.go.id/sk-1", ""), "Q2": ("Cukup", "", "SK Bupati 12/2023"),
            "Q3": (80, "", ""), "Q4": (7.5, "", ""), "Q5": ("Tidak", "", ""), "Q6": ("berjalan", "", ""),
            "Q7": (dt.date(2023, 2, 1), "", ""), "Q8": ("https://blorakab.go.id/bkd", "", "")},
    "DPK": {"Q1": ("Tidak", "", ""), "Q2": ("Baik", "https://blorakab.go.id/dpk-2", ""), "Q3": (45.5, "", ""),
            "Q4": (10, "", ""), "Q5": ("Ya", "https://blorakab.go.id/dpk-5", ""), "Q6": ("", "", ""),
            "Q7": ("", "", ""), "Q8": ("", "", "")},
}
VERIFIED = {("BKD", "Q1"): ("Tidak", "SK belum ditandatangani"), ("DPK", "Q3"): (40, "dibulatkan turun")}


def value_of(kode: str, answer: object) -> float:
    """The independent value (0-1) of an answer, from the scales of this file."""
    jenis, skala = next((q[2], q[3]) for q in QUESTIONS if q[0] == kode)
    if jenis in ("ya_tidak", "skala"):
        return SCALES[skala][answer] / max(SCALES[skala].values())
    if jenis == "persen":
        return float(answer) / 100
    return (float(answer) - 0) / (10 - 0)


def expected_scores(answers: dict[str, object]) -> dict[str, float]:
    """Component path ('' = the instrument) -> score, summed from the leaf weights."""
    out: dict[str, float] = {"": 0.0}
    for kode, w in LEAF_WEIGHT.items():
        a = answers.get(kode)
        s = w * value_of(kode, a) if a not in ("", None) else 0.0
        out[""] += s
        parts = COMPONENT_OF[kode].split(" > ")
        for d in range(1, len(parts) + 1):
            path = " > ".join(parts[:d])
            out[path] = out.get(path, 0.0) + s
    return out


# --- building a master copy ------------------------------------------------------------------------

def _append(ws, rows: list[dict]) -> None:
    head = [c.value for c in ws[1]]
    for rec in rows:
        ws.append([rec.get(h) for h in head])


def master_copy(tmp: Path, instrumen: dict | None = None, questions=QUESTIONS, scales=SCALES,
                extra_questions: list[dict] = ()) -> Path:
    """The shipped master with instrument UJI (or the given rows) added through openpyxl."""
    wb = openpyxl.load_workbook(SHIPPED)
    _append(wb["Instrumen"], [instrumen or INSTRUMEN])
    _append(wb["Pertanyaan"], [{"Instrumen": "UJI", "Kode": k or None, "Komponen": comp,
                                "Pertanyaan": f"Pertanyaan {k}" if k else None, "Jenis": jenis or None,
                                "Skala": skala or None, "Bobot": bobot, "Wajib": wajib or None,
                                "Bukti Dukung": bukti or None, "Min": low, "Maks": high,
                                "Penjelasan": f"Penjelasan {k}" if k else None, "Sumber": "uji"}
                               for k, comp, jenis, skala, bobot, wajib, bukti, low, high in questions]
            + list(extra_questions))
    existing = {(r[0].value, r[1].value) for r in wb["Skala"].iter_rows(min_row=2)}
    _append(wb["Skala"], [{"Skala": s, "Jawaban": a, "Nilai": v} for s, vals in scales.items()
                          for a, v in vals.items() if (s, a) not in existing])
    path = tmp / "master-uji.xlsx"
    wb.save(path)
    return path


def fill(path: Path, unit: str, out: Path) -> Path:
    """Type a unit's answers into its template with openpyxl (as a user's spreadsheet would)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    head = [c.value for c in ws[4]]
    col = {h: head.index(h) + 1 for h in ("Kode", "Jawaban", "Tautan Bukti Dukung", "Keterangan Bukti Dukung")}
    ws_id = wb["Identitas"]
    for r in range(5, ws_id.max_row + 1):
        label = ws_id.cell(r, 1).value
        ws_id.cell(r, 2).value = {"Nama Pengisi": "Petugas", "NIP": "198001012005011001", "Jabatan": "Analis",
                                  "Nomor Telepon/HP": "0296", "Tanggal Pengisian": dt.datetime(2023, 4, 5)}.get(
            label, ws_id.cell(r, 2).value)
    for r in range(5, ws.max_row + 1):
        kode = ws.cell(r, col["Kode"]).value
        if kode in ANSWERS[unit]:
            answer, link, ket = ANSWERS[unit][kode]
            ws.cell(r, col["Jawaban"]).value = answer if answer != "" else None
            ws.cell(r, col["Tautan Bukti Dukung"]).value = link or None
            ws.cell(r, col["Keterangan Bukti Dukung"]).value = ket or None
    dst = out / path.name
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("instrumen")
    roadmap, findings = read_master(master_copy(tmp))
    out = tmp / "hasil"
    made = {g.unit: g.file for g in generate(roadmap, TAHUN, PERIODE, out, units=list(UNITS), workers=1)}
    inbox = tmp / "masuk"
    inbox.mkdir()
    filled = {u: fill(made[u], u, inbox) for u in UNITS}
    outputs = run_consolidation([inbox], roadmap, TAHUN, PERIODE, out)
    return {"tmp": tmp, "roadmap": roadmap, "findings": findings, "out": out, "made": made, "filled": filled,
            "outputs": outputs}


def _score_rows(rows: list[dict], unit: str) -> dict[str, dict]:
    return {r["komponen"] if r["tingkat"] else "": r for r in rows if r["instrumen"] == "UJI" and r["unit"] == unit}


# --- the master -------------------------------------------------------------------------------------

def test_the_instrument_loads_with_its_weights_on_two_levels(cycle):
    ins = cycle["roadmap"].instrumen["UJI"]
    assert [q.kode for q in ins.pertanyaan] == [f"Q{i}" for i in range(1, 9)]
    assert [q.jenis for q in ins.pertanyaan] == ["ya_tidak", "skala", "persen", "angka", "ya_tidak", "teks",
                                                 "tanggal", "tautan"]
    assert ins.weights == pytest.approx(LEAF_WEIGHT)
    assert ins.component_weights[("Tata Kelola",)] == pytest.approx(70)
    assert ins.component_weights[("Tata Kelola", "Dokumen")] == pytest.approx(40)
    assert not [f for f in cycle["findings"] if f.code.startswith("MASTER_INSTR") and f.severity != "info"]


def test_the_shipped_master_has_the_pmprb_skeleton_the_example_and_the_inspektorat():
    roadmap, findings = read_master(SHIPPED)
    pmprb = roadmap.instrumen["PMPRB"]
    assert pmprb.pertanyaan == ()  # no invented LKE questions
    assert "Bab III D" in pmprb.dasar and pmprb.verifikator == "INSPEKTORAT"
    assert any(f.code == "MASTER_INSTR_EMPTY" and f.value == "PMPRB" for f in findings)
    contoh = roadmap.instrumen["CONTOH-LAYANAN"]
    assert contoh.pertanyaan and all(q.teks.startswith("[CONTOH]") for q in contoh.pertanyaan)
    assert roadmap.settings["koordinator_monev"] == "INSPEKTORAT"
    # the skeleton's weights are Bab III D's: the same numbers as the Bobot PMPRB sheet
    wb = openpyxl.load_workbook(SHIPPED, read_only=True)
    rows = list(wb["Pertanyaan"].iter_rows(min_row=2, values_only=True))
    head = [c.value for c in next(wb["Pertanyaan"].iter_rows(max_row=1))]
    pm = {r[head.index("Komponen")]: r[head.index("Bobot")] for r in rows if r[0] == "PMPRB"}
    assert pm["Komponen Pengungkit"] == 60 and pm["Komponen Hasil"] == 40
    assert pm["Komponen Pengungkit > Pemenuhan"] == 20 and pm["Komponen Pengungkit > Reform"] == 30
    by_code = {b.kode: b.bobot for b in roadmap.bobot}
    assert pm["Komponen Pengungkit > Pemenuhan > Manajemen Perubahan"] == by_code["P.1.A1"]
    assert pm["Komponen Hasil > Akuntabilitas Kinerja dan Keuangan > Nilai SAKIP"] == by_code["H.1.2"]


# --- template ---------------------------------------------------------------------------------------

def test_the_template_has_one_protected_sheet_with_dropdowns_from_the_list_sheet(cycle):
    wb = openpyxl.load_workbook(cycle["made"]["BKD"])
    ws = wb[SHEET]
    assert ws.protection.sheet
    head = [c.value for c in ws[4]]
    assert head[:6] == ["No", "Kode", "Komponen", "Pertanyaan", "Penjelasan", "Cara Menjawab"]
    assert ws.cell(5, head.index("Penjelasan") + 1).value == "Penjelasan Q1"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1.startswith("Daftar_SKALA_") for dv in lists)
    assert {"Daftar_SKALA_TIGA", "Daftar_SKALA_YA_TIDAK"} <= set(wb.defined_names)
    answer = ws.cell(5, head.index("Jawaban") + 1)
    assert answer.protection.locked is False and ws.cell(5, head.index("Pertanyaan") + 1).protection.locked
    assert SHEET not in openpyxl.load_workbook(
        generate(cycle["roadmap"], TAHUN, PERIODE, cycle["tmp"] / "lain", units=["BAPPEDA"], workers=1)[0].file
    ).sheetnames  # a unit that is not a Pengisi gets no instrument sheet


# --- consolidation, store, monitoring ----------------------------------------------------------------

def test_every_score_equals_the_independent_computation(cycle):
    rows = cycle["outputs"].tables.instrumen_nilai
    for unit in UNITS:
        want = expected_scores({k: v[0] for k, v in ANSWERS[unit].items()})
        got = _score_rows(rows, unit)
        assert set(got) == {"", "Tata Kelola", "Tata Kelola > Dokumen", "Tata Kelola > Pelaksanaan", "Hasil"}
        for path, score in want.items():
            assert got[path]["nilai_mandiri"] == pytest.approx(score), (unit, path)
            assert got[path]["nilai_verifikasi"] == ""
    assert _score_rows(rows, "BKD")[""]["nilai_mandiri"] == pytest.approx(71.5)  # 25 + 7,5 + 24 + 15 + 0


def test_each_answer_has_its_value_in_the_tables_csv_and_store(cycle):
    answers = [r for r in cycle["outputs"].tables.instrumen if r["instrumen"] == "UJI" and r["unit"] == "BKD"]
    by = {r["kode"]: r for r in answers}
    assert by["Q2"]["jawaban"] == "Cukup" and by["Q2"]["nilai"] == pytest.approx(0.5)
    assert by["Q6"]["nilai"] == "" and by["Q6"]["jawaban"] == "berjalan"
    with open(cycle["outputs"].csv_folder / "instrumen_nilai.csv", encoding="utf-8") as fh:
        csv_rows = [r for r in csv.DictReader(fh) if r["instrumen"] == "UJI" and r["unit"] == "BKD"]
    assert float(next(r for r in csv_rows if r["tingkat"] == "0")["nilai_mandiri"]) == pytest.approx(71.5)
    con = sqlite3.connect(cycle["out"] / "rbxl.sqlite")
    stored = dict(con.execute("SELECT kode, COALESCE(teks, angka) FROM nilai WHERE unit='BKD' AND lembar=? "
                              "AND kolom='jawaban'", (SHEET,)).fetchall())
    assert stored["Q1"] == "Ya" and stored["Q3"] == 80 and stored["Q7"] == "2023-02-01"
    total = con.execute("SELECT nilai_mandiri FROM nilai_instrumen WHERE unit='BKD' AND instrumen='UJI' "
                        "AND komponen_kode=''").fetchone()[0]
    assert total == pytest.approx(71.5)


def test_the_monitoring_workbook_caches_the_scores_under_live_formulas(cycle):
    wb = openpyxl.load_workbook(cycle["outputs"].monitoring, data_only=False)
    ws = wb["Nilai UJI"]
    head = [c.value for c in ws[1]]
    formulas = [ws.cell(r, head.index("Nilai Mandiri") + 1).value for r in range(2, ws.max_row + 1)]
    assert all(str(f).startswith("=IF(COUNTIFS(") and "SUMPRODUCT(" in str(f) for f in formulas)
    cached = openpyxl.load_workbook(cycle["outputs"].monitoring, data_only=True)["Nilai UJI"]
    for r in range(2, ws.max_row + 1):
        unit, path = cached.cell(r, head.index("Unit") + 1).value, cached.cell(r, head.index("Tingkat") + 1).value
        comp = cached.cell(r, head.index("Komponen") + 1).value if path else ""
        want = expected_scores({k: v[0] for k, v in ANSWERS[unit].items()})[comp]
        assert cached.cell(r, head.index("Nilai Mandiri") + 1).value == pytest.approx(want)


def test_the_next_template_is_prefilled_with_the_answers(cycle):
    made = generate(cycle["roadmap"], TAHUN, "TW2", cycle["out"], units=["BKD"], workers=1,
                    db=cycle["out"] / "rbxl.sqlite")[0].file
    ws = openpyxl.load_workbook(made)[SHEET]
    head = [c.value for c in ws[4]]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == "Q2")
    assert ws.cell(row, head.index("Jawaban") + 1).value == "Cukup"


# --- verification -------------------------------------------------------------------------------------

def _verify(cycle, tmp: Path) -> Path:
    path = run_verifikasi_buat(cycle["roadmap"], TAHUN, PERIODE, "UJI", cycle["out"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Verifikasi UJI"]
    head = [c.value for c in ws[4]]
    assert ws.protection.sheet
    for r in range(5, ws.max_row + 1):
        unit, kode = str(ws.cell(r, 2).value).split("/")
        assert ws.cell(r, head.index("Jawaban Unit") + 1).protection.locked
        if (unit, kode) in VERIFIED:
            answer, note = VERIFIED[(unit, kode)]
            ws.cell(r, head.index("Jawaban Verifikasi") + 1).value = answer
            ws.cell(r, head.index("Catatan Verifikator") + 1).value = note
    tmp.mkdir(exist_ok=True)
    dst = tmp / "verifikasi-isi.xlsx"
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def verified(cycle):
    filled = _verify(cycle, cycle["tmp"] / "verifikator")
    return filled, run_verifikasi_baca(filled, cycle["roadmap"], TAHUN, PERIODE, "UJI", cycle["out"])


def test_the_verified_scores_stand_beside_the_units_own(cycle, verified):
    _, result = verified
    assert not result.verification.findings
    from rbxl.riwayat.snapshot import load_tables

    rows = load_tables(cycle["out"], TAHUN, PERIODE).instrumen_nilai
    for unit in UNITS:
        own = {k: v[0] for k, v in ANSWERS[unit].items()}
        checked = own | {k: a for (u, k), (a, _n) in VERIFIED.items() if u == unit}
        got = _score_rows(rows, unit)
        for path, score in expected_scores(checked).items():
            assert got[path]["nilai_verifikasi"] == pytest.approx(score), (unit, path)
            assert got[path]["nilai_mandiri"] == pytest.approx(expected_scores(own)[path])
    con = sqlite3.connect(cycle["out"] / "rbxl.sqlite")
    note = con.execute("SELECT catatan FROM verifikasi WHERE unit='BKD' AND kode='Q1'").fetchone()[0]
    assert note == "SK belum ditandatangani"
    cached = openpyxl.load_workbook(result.monitoring, data_only=True)["Nilai UJI"]
    head = [c.value for c in cached[1]]
    total = next(r for r in range(2, cached.max_row + 1) if cached.cell(r, head.index("Unit") + 1).value == "BKD"
                 and cached.cell(r, head.index("Tingkat") + 1).value == 0)
    assert cached.cell(total, head.index("Nilai Verifikasi") + 1).value == pytest.approx(71.5 - 25)


def test_the_dasbor_shows_both_scores(cycle, verified):
    from rbxl.core.paths import dasbor_path

    page = dasbor_path(cycle["out"], TAHUN, PERIODE).read_text(encoding="utf-8")
    table = page[page.index('id="tabel-instrumen-UJI"'):]
    table = table[:table.index("</table>")]
    row = table[table.index('data-unit="BKD"'):]
    row = row[:row.index("</tr>")]
    assert "71,5" in row and "46,5" in row  # nilai mandiri, nilai verifikasi (Q1 not accepted: -25)


def test_a_new_consolidation_keeps_the_verified_answers(cycle, verified):
    outputs = run_consolidation([cycle["tmp"] / "masuk"], cycle["roadmap"], TAHUN, PERIODE, cycle["out"])
    assert _score_rows(outputs.tables.instrumen_nilai, "BKD")[""]["nilai_verifikasi"] == pytest.approx(71.5 - 25)


def test_a_verifier_workbook_for_another_period_or_instrument_is_refused(cycle, verified):
    filled, _ = verified
    with pytest.raises(UsageError) as err:
        run_verifikasi_baca(filled, cycle["roadmap"], TAHUN, "TW2", "UJI", cycle["out"])
    assert "Triwulan I 2023" in str(err.value) and "Triwulan II 2023" in str(err.value)
    with pytest.raises(UsageError) as err:
        run_verifikasi_baca(filled, cycle["roadmap"], TAHUN, PERIODE, "CONTOH-LAYANAN", cycle["out"])
    assert "instrumen UJI" in str(err.value) and "instrumen CONTOH-LAYANAN" in str(err.value)


def test_a_verified_answer_outside_its_scale_is_a_finding_and_nothing_is_stored(cycle, verified, tmp_path):
    filled, _ = verified
    wb = openpyxl.load_workbook(filled)
    ws = wb["Verifikasi UJI"]
    head = [c.value for c in ws[4]]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == "DPK/Q2")
    ws.cell(row, head.index("Jawaban Verifikasi") + 1).value = "Luar biasa"
    bad = tmp_path / "salah.xlsx"
    wb.save(bad)
    result = run_verifikasi_baca(bad, cycle["roadmap"], TAHUN, PERIODE, "UJI", cycle["out"])
    assert [(f.code, f.cell) for f in result.verification.findings] == [
        ("VALUE_NOT_IN_LIST", cell_name(row - 1, head.index("Jawaban Verifikasi")))]
    assert result.monitoring is None


# --- LibreOffice: a re-saved return, and the recalculation of the monitoring workbook ---------------------

@pytest.mark.libreoffice
def test_a_libreoffice_resave_reads_the_same_and_recalculation_agrees(cycle, verified, tmp_path):
    require_soffice()
    from test_consolidate import _soffice, compare_recalculated

    soffice = _soffice()
    inbox = tmp_path / "masuk"
    resaved = soffice.convert(cycle["filled"]["DPK"], "xlsx", inbox)
    shutil.copy(cycle["filled"]["BKD"], inbox / cycle["filled"]["BKD"].name)
    outputs = run_consolidation([inbox], cycle["roadmap"], TAHUN, PERIODE, tmp_path / "hasil")
    assert resaved.exists()
    want = expected_scores({k: v[0] for k, v in ANSWERS["DPK"].items()})
    got = _score_rows(outputs.tables.instrumen_nilai, "DPK")
    for path, score in want.items():
        assert got[path]["nilai_mandiri"] == pytest.approx(score), path
    _, result = verified  # the verified workbook: mandiri and verifikasi formulas both in use
    recalculated = soffice.convert(result.monitoring, "xlsx", tmp_path / "lo", recalc=True)
    n, bad, filled = compare_recalculated(result.monitoring, recalculated)
    wb = openpyxl.load_workbook(result.monitoring, data_only=False)
    instrument_formulas = [c for ws in wb.worksheets if ws.title.endswith(" UJI") for row in ws.iter_rows()
                           for c in row if c.data_type == "f"]
    assert instrument_formulas and n > len(instrument_formulas)
    assert not bad, bad[:10]


# --- bad input: the master ----------------------------------------------------------------------------------

def _codes(findings, prefix="MASTER_INSTR"):
    return [(f.code, f.sheet, f.cell) for f in findings if f.code.startswith(prefix) and f.severity != "info"]


def test_broken_instrument_rows_are_findings_and_the_roadmap_still_works(tmp_path):
    questions = [
        ("Q1", "A", "skala", "TIDAK_ADA", 50, "", "", None, None),  # unknown scale
        ("Q2", "A", "", "", 30, "", "", None, None),  # no type
        ("Q3", "B", "persen", "", 10, "", "", None, None),  # top level: 10 + (Q1 gone) != 100
    ]
    extra = [{"Instrumen": "TIDAK-ADA", "Kode": "X1", "Komponen": "A", "Pertanyaan": "?", "Jenis": "teks"}]
    ins = INSTRUMEN | {"Pengisi": "BKD; UNIT-FIKTIF"}
    path = master_copy(tmp_path, ins, questions, extra_questions=extra)
    roadmap, findings = read_master(path)  # warnings only: the roadmap loads
    codes = {c for c, _s, _cell in _codes(findings)}
    assert {"MASTER_INSTR_UNKNOWN_SCALE", "MASTER_INSTR_NO_TYPE", "MASTER_INSTR_UNKNOWN_REF",
            "MASTER_INSTR_UNKNOWN"} <= codes
    assert all(f.sheet and f.cell for f in findings if f.code.startswith("MASTER_INSTR"))
    where = {c: (s, cell) for c, s, cell in _codes(findings)}
    assert where["MASTER_INSTR_UNKNOWN_SCALE"][0] == "Pertanyaan" and where["MASTER_INSTR_UNKNOWN_SCALE"][1][0] == "F"
    assert where["MASTER_INSTR_NO_TYPE"][1][0] == "E"
    assert where["MASTER_INSTR_UNKNOWN_REF"][0] == "Instrumen"
    assert [q.kode for q in roadmap.instrumen["UJI"].pertanyaan] == ["Q3"]  # the broken rows left out
    from rbxl.form.spec import plan

    assert plan(roadmap, "BKD", TAHUN, PERIODE).sheet(SHEET).rows[0].key == "Q3"


def test_weights_that_do_not_add_up_are_named_with_the_rule(tmp_path):
    questions = [("", "A", "", "", 60, "", "", None, None), ("", "B", "", "", 30, "", "", None, None),
                 ("Q1", "A", "persen", "", 50, "", "", None, None), ("Q2", "A", "persen", "", 20, "", "", None, None),
                 ("Q3", "B", "persen", "", None, "", "", None, None)]
    _roadmap, findings = load_master(master_copy(tmp_path, questions=questions))
    sums = [f for f in findings if f.code == "MASTER_INSTR_WEIGHT_SUM"]
    assert {f.get("label") for f in sums} == {"A", "instrumen UJI (tingkat teratas)"}
    assert any("bobot komponen 'A'" in f.message and "70" in f.message for f in sums)


def test_a_broken_instrument_sheet_does_not_stop_the_master(tmp_path):
    wb = openpyxl.load_workbook(SHIPPED)
    ws = wb["Pertanyaan"]
    ws.cell(1, [c.value for c in ws[1]].index("Jenis") + 1).value = "Tipe"  # a renamed header
    path = tmp_path / "m.xlsx"
    wb.save(path)
    roadmap, findings = read_master(path)
    assert ("MASTER_INSTR_COLUMN", "Pertanyaan", "1") in _codes(findings)
    assert roadmap.instrumen == {} and roadmap.rencana_aksi


# --- bad input: a returned file ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_return(cycle):
    from rbxl.checks.validate import validate
    from rbxl.form.sample import answers_for
    from rbxl.form.spec import plan
    from rbxl.template.write import write_template

    roadmap = cycle["roadmap"]
    spec = plan(roadmap, "BKD", TAHUN, PERIODE)
    answers = answers_for(spec)
    put = {"Q1": ("Ya", "", ""), "Q2": ("Lumayan", "", ""), "Q3": (120, "", ""), "Q4": (11, "", ""),
           "Q8": ("ftp://blorakab.go.id/x", "", ""), "Q5": ("Ya", "javascript:alert(1)", "")}
    for kode, (a, link, ket) in put.items():
        answers[(SHEET, kode, "jawaban")] = a
        answers[(SHEET, kode, "bukti")] = link or None
        answers[(SHEET, kode, "bukti_ket")] = ket or None
    path = cycle["tmp"] / "salah" / "bkd.xlsx"
    write_template(spec, path, answers)
    report = validate([path], roadmap, TAHUN, PERIODE)
    sheet = spec.sheet(SHEET)

    def at(kode: str, key: str) -> str:
        i = next(i for i, r in enumerate(sheet.rows) if r.key == kode)
        return cell_name(sheet.first_row + i, sheet.col(key))

    return [(f.code, f.cell) for f in report.submissions[0].findings if f.sheet == SHEET], at


@pytest.mark.parametrize(("code", "kode", "key"), [
    ("INSTR_NO_EVIDENCE", "Q1", "bukti"),  # Ya without evidence
    ("VALUE_NOT_IN_LIST", "Q2", "jawaban"),  # outside its scale
    ("VALUE_REQUIRED", "Q2", "jawaban"),  # (not: the wrong answer is not also 'missing')
    ("VALUE_OUT_OF_RANGE", "Q3", "jawaban"),  # a percentage over 100
    ("VALUE_OUT_OF_RANGE", "Q4", "jawaban"),  # over Maks
    ("VALUE_BAD_LINK", "Q8", "jawaban"),  # a link that is not http(s)
    ("VALUE_BAD_LINK", "Q5", "bukti"),
])
def test_each_bad_answer_is_one_finding_at_its_cell(bad_return, code, kode, key):
    found, at = bad_return
    n = found.count((code, at(kode, key)))
    assert n == (0 if code == "VALUE_REQUIRED" else 1), found


def test_a_missing_required_answer_is_named(cycle):
    from rbxl.checks.validate import validate
    from rbxl.form.sample import answers_for
    from rbxl.form.spec import plan
    from rbxl.template.write import write_template

    spec = plan(cycle["roadmap"], "DPK", TAHUN, PERIODE)
    answers = {k: v for k, v in answers_for(spec).items() if k[:2] != (SHEET, "Q3")}
    path = cycle["tmp"] / "kosong" / "dpk.xlsx"
    write_template(spec, path, answers)
    sheet = spec.sheet(SHEET)
    i = next(i for i, r in enumerate(sheet.rows) if r.key == "Q3")
    found = [(f.code, f.cell) for f in validate([path], cycle["roadmap"], TAHUN, PERIODE).submissions[0].findings
             if f.sheet == SHEET]
    assert ("VALUE_REQUIRED", cell_name(sheet.first_row + i, sheet.col("jawaban"))) in found
