"""Status names are the master's; rbxl reasons with their meaning (Makna Status), never the words."""

from __future__ import annotations

import openpyxl
import pytest

from rbxl.checks.validate import validate
from rbxl.consolidation.build import consolidate
from rbxl.consolidation.columns import TIDY_TABLES
from rbxl.core.enums import StatusRole
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.master.load import build_roadmap
from rbxl.render.monitoring import write_monitoring
from rbxl.template.write import write_template

TAHUN, PERIODE, UNIT = 2023, "TW1", "BAG-ORGANISASI"


def _col(grid: list[list], header: str) -> int:
    return grid[0].index(header)


def _pilihan_row(grid: list[list], daftar: str, nilai: str) -> list:
    return next(r for r in grid if r[0] == daftar and r[1] == nilai)


def _renamed(grids: dict, old: str, new: str) -> dict:
    _pilihan_row(grids["Pilihan"], "STATUS_AKSI", old)[1] = new
    return grids


def test_renamed_done_status_keeps_the_done_check_and_the_summary_count(grids, tmp_path):
    roadmap, findings = build_roadmap(_renamed(grids, "Selesai", "Tuntas"))
    assert roadmap is not None and not [f for f in findings if f.severity == "error"]
    assert roadmap.status_named(StatusRole.DONE) == "Tuntas"
    spec = plan(roadmap, UNIT, TAHUN, PERIODE)
    key = spec.sheet(SHEET_RA_UTAMA).rows[0].key
    answers = answers_for(spec)
    answers[(SHEET_RA_UTAMA, key, "status")] = "Tuntas"
    answers[(SHEET_RA_UTAMA, key, "progres")] = 80
    path = write_template(spec, tmp_path / "in" / "a.xlsx", answers)
    report = validate([path], roadmap, TAHUN, PERIODE, workers=1)
    [sub] = report.submissions
    done = [f for f in sub.findings if f.code == "CONSIST_DONE_PROGRESS"]
    assert [(f.sheet, f.value) for f in done] == [(SHEET_RA_UTAMA, "80")]
    assert "'Tuntas'" in done[0].message

    tables = consolidate(report, roadmap)
    # consolidation fills every column the exports define, before anything is written
    for _, (attr, cols) in TIDY_TABLES.items():
        assert all({c.key for c in cols} <= set(row) for row in getattr(tables, attr)), attr
    target = write_monitoring(tables, roadmap, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(target, data_only=True)["Ringkasan"]
    counted = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 40)}
    n_done = sum(1 for r in tables.rencana_aksi if r["peran"] == "Utama" and r["status"] == "Tuntas")
    assert n_done > 0
    assert counted["   - Tuntas"] == n_done


@pytest.mark.parametrize("makna", ["", "SELESAI_SEBAGIAN"])
def test_master_check_rejects_a_status_it_cannot_understand(grids, makna):
    row = _pilihan_row(grids["Pilihan"], "STATUS_AKSI", "Selesai")
    row[_col(grids["Pilihan"], "Makna Status")] = makna
    roadmap, findings = build_roadmap(grids)
    bad = [f for f in findings if f.code == "MASTER_STATUS_ROLE"]
    assert [(f.severity, f.sheet, f.value) for f in bad] == [("error", "Pilihan", "Selesai")]
    assert bad[0].cell.startswith(chr(ord("A") + _col(grids["Pilihan"], "Makna Status")))


def test_master_check_rejects_a_list_with_a_meaning_twice(grids):
    g = grids["Pilihan"]
    _pilihan_row(g, "STATUS_DUKUNGAN", "Tidak Diminta")[_col(g, "Makna Status")] = "SELESAI"
    _, findings = build_roadmap(grids)
    bad = [f for f in findings if f.code == "MASTER_STATUS_ROLES"]
    assert [(f.severity, f.sheet) for f in bad] == [("error", "Pilihan")]
    assert "TIDAK" in bad[0].message and "SELESAI" in bad[0].message


def test_no_status_word_is_typed_in_the_code():
    """The status names live in the master only (tools/master_data/pilihan.csv)."""
    from pathlib import Path

    import rbxl

    root = Path(rbxl.__file__).parent
    words = ("Sedang Berjalan", "Belum Dimulai", "Tidak Dapat Dilaksanakan", "Dukungan Selesai", "Tidak Diminta",
             "Sedang Mendukung", "Belum Ada Dukungan", '"Selesai"')
    hits = [(p.name, w) for p in root.rglob("*.py") if p.name != "enums.py" for w in words if w in p.read_text()]
    assert hits == []
