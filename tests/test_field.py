"""The validate issue's 'done when', as one run: a folder of returns from every Perangkat Daerah
in mixed formats (LibreOffice-made xls and ods among them), some broken, some duplicated, one
encrypted, one from another period, one tampered, one renamed by hand. Every file must get the
right verdict, every message must name its cell, the inputs must stay untouched, and the
archive must hold every file.
"""

from __future__ import annotations

import csv
import hashlib
import shutil

import hostile
import pytest
from conftest import require_soffice

from rbxl.checks.submission import ACCEPTED, DUPLICATE, NEEDS_FIX, REJECTED
from rbxl.form.sample import add_mistakes, answers_for
from rbxl.form.spec import plan
from rbxl.pipeline import run_consolidation
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"


def _snapshot(folder):
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.libreoffice
def test_a_quarter_of_real_returns_gets_the_right_verdicts(roadmap, tmp_path):
    require_soffice()
    import soffice

    inbox, work, out = tmp_path / "kiriman", tmp_path / "kerja", tmp_path / "hasil"
    inbox.mkdir()
    pds = [u for u, unit in roadmap.units.items() if unit.is_pd]
    assert len(pds) == 43
    expected: dict[str, str] = {}  # file name -> verdict
    resave = {"DINKES": "xls", "DINDIK": "ods", "DLH": "xlsx", "KEC-BLORA": "ods"}
    mistakes = {"INSPEKTORAT", "BKD"}
    for unit in pds:
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        answers = answers_for(spec)
        if unit in mistakes:
            add_mistakes(spec, answers)
        name = f"{unit}.xlsx"
        target = (work if unit in resave else inbox) / name
        write_template(spec, target, answers)
        if unit in resave:
            converted = soffice.convert(target, resave[unit], work / resave[unit])
            shutil.copy(converted, inbox / f"{unit} (disimpan ulang).{resave[unit]}")
            expected[f"{unit} (disimpan ulang).{resave[unit]}"] = ACCEPTED
        else:
            expected[name] = NEEDS_FIX if unit in mistakes else ACCEPTED
    # renamed by hand: still identified by its hidden metadata
    (inbox / "SETWAN.xlsx").rename(inbox / "laporan final fix.xlsx")
    expected["laporan final fix.xlsx"] = expected.pop("SETWAN.xlsx")
    # a duplicate of an accepted file under another name
    shutil.copy(inbox / "DPUPR.xlsx", inbox / "DPUPR - Copy.xlsx")
    expected["DPUPR - Copy.xlsx"] = DUPLICATE
    # broken, encrypted, another period, tampered
    hostile.truncated(inbox, base=inbox / "DPPKB.xlsx", name="DPPKB rusak.xlsx")
    expected["DPPKB rusak.xlsx"] = REJECTED
    hostile.zero_byte(inbox, name="kosong.xlsx")
    expected["kosong.xlsx"] = REJECTED
    hostile.encrypted_xlsx(inbox, base=inbox / "DPK.xlsx", name="DPK terkunci.xlsx")
    expected["DPK terkunci.xlsx"] = REJECTED
    other = plan(roadmap, "BPBD", TAHUN, "TW2")
    write_template(other, inbox / "BPBD TW2.xlsx", answers_for(other))
    expected["BPBD TW2.xlsx"] = REJECTED
    import openpyxl

    wb = openpyxl.load_workbook(inbox / "DP4.xlsx")
    ws = wb["Rencana Aksi Pendukung"]
    ws.protection.sheet = False
    ws.delete_rows(6)  # a row deleted after protection was removed
    wb.save(inbox / "DP4 edit.xlsx")
    (inbox / "DP4.xlsx").unlink()  # the unit sent only its edited copy
    del expected["DP4.xlsx"]
    expected["DP4 edit.xlsx"] = REJECTED
    hostile.office_lock_file(inbox, name="~$DP4 edit.xlsx")
    before = _snapshot(inbox)

    outputs = run_consolidation([inbox], roadmap, TAHUN, PERIODE, out, workers=2)
    report = outputs.report

    got = {s.item.name: s.verdict for s in report.submissions}
    assert got == expected
    # every finding about a cell names the sheet and the cell
    for s in report.submissions:
        for f in s.findings:
            if f.code.startswith(("VALUE_", "CONSIST_", "CELL_", "ROW_")):
                assert f.sheet and f.cell, f
    # the broken, encrypted, wrong-period and tampered files say why
    codes = {s.item.name: {f.code for f in s.findings} for s in report.submissions}
    assert "FILE_UNREADABLE" in codes["DPPKB rusak.xlsx"]
    assert "FILE_EMPTY" in codes["kosong.xlsx"]
    assert "FILE_ENCRYPTED" in codes["DPK terkunci.xlsx"]
    assert "FILE_WRONG_PERIOD" in codes["BPBD TW2.xlsx"]
    assert "ROW_DELETED" in codes["DP4 edit.xlsx"]  # one finding, not one per shifted row
    # one accepted file per returning unit; DP4's only file was rejected
    assert set(report.chosen) == set(pds) - {"DP4"}
    assert "DP4" in report.missing and "BAG-ORGANISASI" in report.missing
    # inputs untouched, archive complete
    assert _snapshot(inbox) == before
    archive = out / f"{TAHUN}-{PERIODE}" / "arsip"
    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir() if not p.name.startswith("~$")}
    stored = {p.stem for p in archive.iterdir() if p.name != "log.csv"}
    assert hashes <= stored
    for p in archive.iterdir():
        if p.name != "log.csv" and p.stat().st_size:
            assert hashlib.sha256(p.read_bytes()).hexdigest() == p.stem
    with open(archive / "log.csv", encoding="utf-8") as fh:
        log = list(csv.DictReader(fh))
    assert {row["nama_berkas"] for row in log} == set(expected)
    # the consolidated data uses the re-saved xls/ods files' values
    ra = {(r["unit"], r["kode"], r["peran"]): r for r in outputs.tables.rencana_aksi}
    dinkes = report.chosen["DINKES"]
    for (sheet, key, field), value in dinkes.values.items():
        if sheet.startswith("Rencana Aksi") and field == "status":
            peran = "Utama" if sheet.endswith("Utama") else "Pendukung"
            assert ra[("DINKES", key, peran)]["status"] == value
    # a support row DP4 has this period (roles() is a set over all years: pick one in this template)
    dp4 = [r for (u, k, p), r in ra.items() if u == "DP4" and p == "Pendukung" and k in roadmap.roles("DP4")["support"]]
    assert dp4 and all(r["pengumpulan"] == "Berkas ditolak" for r in dp4)
