"""The shipped master against the Perbup text, and broken masters one error kind at a time."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import require_soffice

from rbxl.cli import main
from rbxl.core.findings import ERROR, WARNING
from rbxl.master.load import build_roadmap, load_master
from rbxl.master.model import number_of


def test_shipped_master_counts(roadmap):
    assert len(roadmap.areas) == 8
    assert len(roadmap.indikator) == 24
    assert len(roadmap.kegiatan) == 38
    assert len(roadmap.rencana_aksi) == 70
    pd = [u for u in roadmap.units.values() if u.is_pd]
    assert len(pd) == 43
    assert sum(u.kode.startswith("KEC-") for u in pd) == 16
    assert {u.kode for u in roadmap.units.values() if not u.is_pd} == {
        "BAG-ORGANISASI", "BAG-HUKUM", "BAG-PBJ", "BAG-ADPEM"}
    assert all(roadmap.units[b].induk == "SETDA" for b in ("BAG-ORGANISASI", "BAG-HUKUM"))
    assert len(roadmap.pokja) == 8
    assert roadmap.years == (2022, 2023, 2024, 2025, 2026)


def test_shipped_master_has_no_errors_and_records_the_perbup_inconsistencies(master_path):
    roadmap, findings = load_master(master_path)
    assert roadmap is not None
    assert [f for f in findings if f.severity == ERROR] == []
    warned = {(f.code, f.value) for f in findings if f.severity == WARNING}
    # Indeks RB differs between Tabel 3.4 and 3.11; SAKIP 2023 72,5 vs 72,4; SPBE and IKM 2024
    assert {("MASTER_LINK_DIFFERS", c) for c in ("IND-3.4-01", "IND-3.4-02", "IND-3.4-07", "IND-3.4-08")} <= warned
    sakip = next(f for f in findings if f.code == "MASTER_LINK_DIFFERS" and f.value == "IND-3.4-02")
    assert "2023: 72,5 BB vs 72,4" in sakip.message
    # "Bagian Hukum" written in the 2026 target cell of Tabel 3.5: recorded, target left empty
    empty = [f for f in findings if f.code == "MASTER_TARGET_EMPTY"]
    assert any("IND-3.5-01" in f.message and "2026" in f.message and "Bagian Hukum" in f.message for f in empty)
    # the Tabel 3.19 indicator with no values at all
    assert sum("IND-3.19-03" in f.message for f in empty) == 5
    # 8.3.c has no action in any year
    assert [f.cell for f in findings if f.code == "MASTER_NO_ACTION" and "8.3.c" in f.message] == ["A65"]


def _ind(roadmap, kode):
    return next(i for i in roadmap.indikator if i.kode == kode)


def _keg(roadmap, nama):
    return next(k for k in roadmap.kegiatan if k.nama == nama)


def _ra(roadmap, kode):
    return next(r for r in roadmap.rencana_aksi if r.kode == kode)


def test_spot_values_match_the_perbup(roadmap):
    sakip = _ind(roadmap, "IND-3.4-02")
    assert sakip.nama == "Nilai SAKIP" and sakip.jenis_nilai == "angka_predikat"
    assert sakip.targets[2026] == "80 A" and sakip.target_number(2026) == 80
    assert sakip.baseline == "65 B"
    assert _ind(roadmap, "IND-3.7-01").targets[2023] == pytest.approx(72.4)
    assert _ind(roadmap, "IND-3.4-03").targets[2024] == "WTP"
    mri = _ind(roadmap, "IND-3.9-02")
    assert [mri.target_number(y) for y in roadmap.years] == pytest.approx([1.93, 2.2, 2.47, 2.73, 3.0])
    sk = _keg(roadmap, "Fasilitasi Penyusunan SK Bupati")
    assert number_of(sk.baseline) == 577
    assert [number_of(sk.targets[y]) for y in roadmap.years] == [300] * 5
    # Tabel 3.8 has no baseline: empty, not zero
    for k in roadmap.kegiatan:
        if k.tabel == "Tabel 3.8":
            assert k.baseline is None
    # Tabel 3.21 names no unit: the assignment is recorded with its reason
    for k in roadmap.kegiatan:
        if k.tabel == "Tabel 3.21":
            assert k.pengampu == ("BAPPEDA",) and "Asumsi" in k.dasar_pengampu
    ra = _ra(roadmap, "4.j")
    assert ra.aksi_for(2022) is None and ra.aksi_for(2023) is None
    assert ra.aksi_for(2024) == "Pengembangan aplikasi pengaduan pelayanan publik terintegrasi"
    assert _ra(roadmap, "4.f").aksi_for(2024) == "Pengawasan Kearsipan pada Perangkat Daerah"
    assert _ra(roadmap, "5.m").pd_utama == ("TIM-TPP",)
    assert all(r.sumber.startswith("Lampiran II") for r in roadmap.rencana_aksi)
    assert all(i.sumber.startswith("Tabel") for i in roadmap.indikator)


def test_groups_resolve_through_the_master(roadmap):
    assert len(roadmap.resolve(("SELURUH-PD",))) == 43
    pelayanan = roadmap.resolve(("UNIT-PELAYANAN",))
    assert "DINDUKCAPIL" in pelayanan and "KEC-CEPU" in pelayanan and "BAG-HUKUM" not in pelayanan
    # "Perangkat Daerah terkait area perubahan" = every Pokja of Tabel 3.23, minus the lead
    assert roadmap.leads(_ra(roadmap, "1.a.1")) == ["BAG-ORGANISASI"]
    assert roadmap.supports(_ra(roadmap, "1.a.1")) == [
        "INSPEKTORAT", "BAPPEDA", "BKD", "BAG-HUKUM", "BPPKAD", "DPK", "DINKOMINFO", "BAG-PBJ", "BAG-ADPEM",
        "DPMPTSP"]
    assert roadmap.leads(_ra(roadmap, "5.m")) == ["BKD", "BPPKAD"]
    assert "KEC-JATI" in roadmap.supports(_ra(roadmap, "8.3.a"))


def _col(grid, header):
    return grid[0].index(header)


def _codes(findings):
    return [(f.code, f.sheet, f.cell) for f in findings if f.severity == ERROR]


def test_missing_required_cell(grids):
    g = grids["Indikator"]
    g[5][_col(g, "Indikator Kinerja")] = ""
    _, findings = build_roadmap(grids)
    assert ("MASTER_REQUIRED", "Indikator", "E6") in _codes(findings)


def test_unknown_unit_reference(grids):
    g = grids["Rencana Aksi"]
    g[3][_col(g, "PD Utama")] = "BAG-ORGANISASI;DINAS-FIKTIF"
    _, findings = build_roadmap(grids)
    errs = [f for f in findings if f.code == "MASTER_UNKNOWN_REF"]
    assert [(f.sheet, f.cell, f.value) for f in errs] == [("Rencana Aksi", "K4", "DINAS-FIKTIF")]
    assert "DINAS-FIKTIF" in errs[0].message and "PD Utama" in errs[0].message


def test_duplicate_code(grids):
    g = grids["Kegiatan Prioritas"]
    g[4][0] = g[2][0]
    _, findings = build_roadmap(grids)
    assert ("MASTER_DUPLICATE", "Kegiatan Prioritas", "A5") in _codes(findings)


def test_text_where_a_number_is_expected(grids):
    g = grids["Indikator"]
    g[1][_col(g, "Target 2023")] = "enam puluh lima"
    g2 = grids["Kegiatan Prioritas"]
    g2[1][_col(g2, "Target 2022")] = "empat"
    _, findings = build_roadmap(grids)
    got = [(f.sheet, f.cell, f.value) for f in findings if f.code == "MASTER_NOT_NUMBER"]
    assert got == [("Indikator", "P2", "enam puluh lima"), ("Kegiatan Prioritas", "G2", "empat")]


def test_year_column_missing(grids):
    g = grids["Rencana Aksi"]
    g[0][_col(g, "Rencana Aksi 2025")] = "Rencana 2025"
    roadmap, findings = build_roadmap(grids)
    assert roadmap is None
    f = [f for f in findings if f.code == "MASTER_YEAR_COLUMN_MISSING"]
    assert len(f) == 1 and f[0].sheet == "Rencana Aksi" and "2025" in f[0].message


def test_missing_sheet(grids):
    del grids["Pokja"]
    roadmap, findings = build_roadmap(grids)
    assert roadmap is None
    assert ("MASTER_SHEET_MISSING", "Pokja", "") in _codes(findings)


def test_bad_choice_and_unknown_area(grids):
    g = grids["Indikator"]
    g[2][_col(g, "Arah")] = "keatas"
    g[3][_col(g, "Area")] = "A9"
    _, findings = build_roadmap(grids)
    codes = _codes(findings)
    assert ("MASTER_BAD_CHOICE", "Indikator", "J3") in codes
    assert ("MASTER_UNKNOWN_AREA", "Indikator", "C4") in codes


def test_column_order_does_not_matter(grids, roadmap):
    for name, g in grids.items():
        if name == "Petunjuk":
            continue
        for row in g:
            row.reverse()
    again, findings = build_roadmap(grids)
    assert again is not None and not [f for f in findings if f.severity == ERROR]
    assert again.fingerprint == roadmap.fingerprint


def test_cli_master_check_ok(master_path):
    result = CliRunner().invoke(main, ["master", "check", "--master", str(master_path)])
    assert result.exit_code == 0, result.output
    for text in ("Area perubahan", "Rencana aksi", "70", "Unit: Perangkat Daerah", "43", "Bagian Setda"):
        assert text in result.output
    assert "Master dapat dipakai" in result.output


def test_cli_master_check_broken_file_exits_1(tmp_path, master_path):
    import openpyxl

    wb = openpyxl.load_workbook(master_path)
    ws = wb["Rencana Aksi"]
    ws["K2"] = "UNIT-TIDAK-ADA"
    broken = tmp_path / "rusak.xlsx"
    wb.save(broken)
    result = CliRunner().invoke(main, ["master", "check", "--master", str(broken), "--json"])
    assert result.exit_code == 1
    assert '"code": "MASTER_UNKNOWN_REF"' in result.output and '"cell": "K2"' in result.output


def test_cli_missing_master_exits_3(tmp_path):
    result = CliRunner().invoke(main, ["master", "check", "--master", str(tmp_path / "tidak-ada.xlsx")])
    assert result.exit_code == 3


@pytest.mark.libreoffice
def test_master_resaved_by_libreoffice_loads_identically(tmp_path, master_path, roadmap):
    require_soffice()
    import soffice

    for fmt in ("xlsx", "ods"):
        out = soffice.convert(master_path, fmt, tmp_path / fmt)
        again, findings = load_master(out)
        assert again is not None and not [f for f in findings if f.severity == ERROR], fmt
        assert again.fingerprint == roadmap.fingerprint, fmt


def test_required_column_missing(grids):
    g = grids["Indikator"]
    g[0][_col(g, "Arah")] = "Arah Indikator"
    roadmap, findings = build_roadmap(grids)
    assert roadmap is None
    assert [(f.code, f.sheet) for f in findings if f.severity == ERROR] == [("MASTER_COLUMN_MISSING", "Indikator")]
    assert "Arah" in findings[0].message


def test_unknown_list_and_unknown_link(grids):
    g = grids["Indikator"]
    row = next(i for i, r in enumerate(g) if r[0] == "IND-3.4-03")
    g[row][_col(g, "Daftar Kategori")] = "OPINI_LAIN"
    g[1][_col(g, "Sama Dengan")] = "IND-9.9-99"
    _, findings = build_roadmap(grids)
    codes = _codes(findings)
    assert ("MASTER_UNKNOWN_LIST", "Indikator", f"I{row + 1}") in codes
    assert ("MASTER_UNKNOWN_LINK", "Indikator", "V2") in codes


def test_bad_year_setting(grids):
    g = grids["Pengaturan"]
    row = next(i for i, r in enumerate(g) if r[0] == "tahun_selesai")
    g[row][1] = "2019"
    _, findings = build_roadmap(grids)
    assert any(f.code == "MASTER_BAD_SETTING" and f.sheet == "Pengaturan" for f in findings)


def test_group_that_resolves_to_nobody_is_a_warning(grids):
    g = grids["Grup"]
    row = next(i for i, r in enumerate(g) if r[0] == "TIM-TPP")
    g[row][_col(g, "Anggota (untuk DAFTAR)")] = ""
    _, findings = build_roadmap(grids)
    f = [f for f in findings if f.code == "MASTER_EMPTY_GROUP"]
    assert [(x.severity, x.value) for x in f] == [(WARNING, "TIM-TPP")]


def test_bad_email_is_a_warning_with_its_cell(grids):
    g = grids["Unit"]
    g[3][_col(g, "E-mail")] = "inspektorat at blorakab"
    roadmap, findings = build_roadmap(grids)
    assert roadmap is not None
    f = [f for f in findings if f.code == "MASTER_BAD_EMAIL"]
    assert [(x.severity, x.sheet, x.cell) for x in f] == [(WARNING, "Unit", "F4")]


@pytest.mark.parametrize("address", ["a@-x.go.id", "a@x_y.go.id", "a@x..id", "a(b)@x.go.id", "a..b@x.go.id"])
def test_addresses_kirim_cannot_use_are_reported_by_master_check(grids, address):
    from rbxl.core.address import parse_addresses

    g = grids["Unit"]
    g[3][_col(g, "E-mail")] = address
    _, findings = build_roadmap(grids)
    assert [(f.code, f.cell, f.value) for f in findings if f.code == "MASTER_BAD_EMAIL"] == [
        ("MASTER_BAD_EMAIL", "F4", address)]
    assert parse_addresses(address) == ([], [address])  # kirim skips exactly what master check reported


def test_two_addresses_on_separate_lines_are_two_addresses_for_master_check_and_kirim(grids):
    from rbxl.core.address import parse_addresses

    g = grids["Unit"]
    g[3][_col(g, "E-mail")] = "a@blorakab.go.id\nb@blorakab.go.id"
    roadmap, findings = build_roadmap(grids)
    assert [f for f in findings if f.code == "MASTER_BAD_EMAIL"] == []
    unit = roadmap.units[g[3][_col(g, "Kode")]]
    assert parse_addresses(unit.email) == (["a@blorakab.go.id", "b@blorakab.go.id"], [])


# --- provenance and the parts of the Perbup the master carries (issue 11, "The master") ---------

def test_road_map_rows_are_supported_by_every_pokja_and_say_so(roadmap):
    members = {u for units in roadmap.pokja.values() for u in units}
    for kode in ("1.a.1", "1.a.2", "1.a.3", "1.a.4", "1.a.5"):
        ra = _ra(roadmap, kode)
        assert set(roadmap.supports(ra)) | set(roadmap.leads(ra)) == members, kode
        assert "Tabel 3.23" in ra.catatan and "kedelapan area" in ra.catatan, kode


def test_later_names_are_notes_not_perbup_spellings(roadmap):
    assert "BKPSDM" not in roadmap.units["BKD"].alias  # the Perbup never writes it
    assert "BKPSDM" in roadmap.units["BKD"].catatan and "Bapperida" in roadmap.units["BAPPEDA"].catatan


def test_unit_notes_state_their_provenance_without_internal_paths(master_grids):
    g = master_grids["Unit"]
    note, status = _col(g, "Catatan"), _col(g, "Status Sumber")
    for row in g[1:]:
        assert "shared/" not in row[note] and ".md" not in row[note], row[0]
        assert row[status] in ("Terkonfirmasi", "Inferensi", "Sebagian inferensi", "Perbup"), row[0]
        if row[status] != "Perbup":
            assert "sumber publik" in row[note] and "LKjIP" in row[note], row[0]


def test_indeks_rb_sasaran_follows_tabel_3_4(roadmap):
    ind = _ind(roadmap, "IND-3.4-01")
    assert ind.sasaran == ""  # Tabel 3.4 puts it on the Tujuan line with an empty Sasaran
    assert "Meningkatkan kualitas tata kelola pemerintahan" in ind.catatan


def test_row_codes_rbxl_gave_are_marked(roadmap):
    for kode in ("8.1", "8.2", "8.3.a", "8.3.b", "8.3.c"):
        assert "diberikan rbxl" in _ra(roadmap, kode).catatan, kode


def test_bounds_and_grade_bands_carry_their_source(roadmap, master_grids):
    for ind in roadmap.indikator:
        assert ind.dasar_batas, ind.kode
        if ind.nilai_min is not None:
            assert "asumsi" in ind.dasar_batas.casefold(), ind.kode
    g = master_grids["Pilihan"]
    sumber = {r[0]: r[_col(g, "Sumber")] for r in g[1:]}
    assert "PermenPANRB" in sumber["PREDIKAT_SAKIP"] and "Asumsi" in sumber["PREDIKAT_SAKIP"]


def test_sakip_target_80_a_is_warned_against_the_bands(master_path):
    _, findings = load_master(master_path)
    band = [f for f in findings if f.code == "MASTER_GRADE_BAND"]
    assert [(f.severity, f.sheet, f.cell, f.value) for f in band] == [(WARNING, "Indikator", "S3", "80 A")]
    assert "BB" in band[0].message


def test_grade_band_check_follows_the_pilihan_sheet(grids):
    g = grids["Pilihan"]
    row = next(i for i, r in enumerate(g) if r[0] == "PREDIKAT_SAKIP" and r[1] == "A")
    g[row][_col(g, "Keterangan")] = "> 79 - 90"
    _, findings = build_roadmap(grids)
    assert not [f for f in findings if f.code == "MASTER_GRADE_BAND"]


def test_quick_wins_are_carried(roadmap):
    assert [q.nama for q in roadmap.quick_wins] == [
        "Pembangunan Mall Pelayanan Publik", "Mewujudkan Blora Satu Data", "Satu Perangkat Daerah Satu Inovasi"]
    assert all(q.sumber.startswith("Bab III D") and q.area_kode == "A8" for q in roadmap.quick_wins)


def test_pmprb_weights_are_carried_and_summed(roadmap):
    by = {b.kode: b for b in roadmap.bobot}
    assert by["RB-PEMDA"].bobot == 50 and by["RB-PD"].bobot == 50
    assert roadmap.bobot_rincian("RB") == 100
    assert roadmap.bobot_rincian("K") == 100
    assert roadmap.bobot_rincian("P") == 60 and by["P"].bobot == 60
    assert roadmap.bobot_rincian("P.1") == 20 and roadmap.bobot_rincian("P.3") == 30
    assert roadmap.bobot_rincian("H") == 40 and by["H"].bobot == 40
    assert roadmap.bobot_rincian("H.1") == 10 and roadmap.bobot_rincian("H.4") == 10
    # the Perbup's slip, kept as written
    assert by["P.2"].bobot == 10 and roadmap.bobot_rincian("P.2") == 11
    assert [b.komponen for b in roadmap.bobot if b.induk == "P.2"].count("Maturitas SPIP") == 2
    area = {b.area_kode: b.bobot for b in roadmap.bobot if b.induk == "P.3"}
    assert area["A3"] == 4.5 and area["A4"] == 3.75


def test_master_check_warns_about_the_weighting_slip(master_path):
    _, findings = load_master(master_path)
    got = {(f.code, f.sheet) for f in findings if f.severity == WARNING}
    assert ("MASTER_WEIGHT_SUM", "Bobot PMPRB") in got and ("MASTER_WEIGHT_REPEAT", "Bobot PMPRB") in got
    total = next(f for f in findings if f.code == "MASTER_WEIGHT_SUM")
    assert "tertulis 10" in total.message and "berjumlah 11" in total.message


def test_weight_sums_are_computed_not_typed(grids):
    g = grids["Bobot PMPRB"]
    row = next(i for i, r in enumerate(g) if r[0] == "P.1.A1")
    g[row][_col(g, "Bobot (%)")] = 5  # the typed 'Jumlah Rincian' cache stays 20: the loader must not trust it
    roadmap, findings = build_roadmap(grids)
    assert roadmap.bobot_rincian("P.1") == 23
    assert any(f.code == "MASTER_WEIGHT_SUM" and "P.1 " in f.message for f in findings)


def test_unknown_weight_parent_is_an_error(grids):
    g = grids["Bobot PMPRB"]
    g[5][_col(g, "Induk")] = "X.9"
    _, findings = build_roadmap(grids)
    assert ("MASTER_UNKNOWN_PARENT", "Bobot PMPRB", "B6") in _codes(findings)


def test_master_without_the_newer_sheets_still_loads(grids):
    del grids["Quick Wins"], grids["Bobot PMPRB"]
    roadmap, findings = build_roadmap(grids)
    assert roadmap is not None and not _codes(findings)
    assert roadmap.quick_wins == [] and roadmap.bobot == []


def test_short_names_for_charts(roadmap):
    labels = [i.label for i in roadmap.indikator]
    assert len(set(labels)) == len(labels)  # one chart bar each, told apart by name
    assert all(len(x) <= 36 for x in labels)
    assert _ind(roadmap, "IND-3.4-01").label == "Indeks RB"


@pytest.mark.parametrize("kind", ["folder", "not-a-workbook"])
def test_a_master_that_is_not_a_workbook_is_said_in_indonesian(tmp_path, kind):
    # seen: calamine's "Cannot detect file format" reached the operator
    from rbxl.core.errors import MasterError
    from rbxl.master.load import load_master

    path = tmp_path / "master"
    if kind == "folder":
        path.mkdir()
    else:
        path = tmp_path / "master.xlsx"
        path.write_text("bukan lembar kerja", encoding="utf-8")
    with pytest.raises(MasterError) as err:
        load_master(path)
    text = str(err.value)
    assert "Cannot" not in text and "--master" in text
    assert ("adalah folder" in text) if kind == "folder" else ("tidak dapat dibuka" in text)


def test_a_target_against_the_indicators_direction_is_warned_at_its_cell(grids):
    from rbxl.core.xlsx import cell_name

    # issue 22: the laporan printed a target below the 2021 value of an indicator meant to rise, without a word
    g = grids["Indikator"]
    _, before = build_roadmap(grids)
    known = {f.cell for f in before if f.code == "MASTER_TARGET_AGAINST_DIRECTION"}
    known_rows = {int("".join(ch for ch in c if ch.isdigit())) - 1 for c in known}
    row = next(i for i, r in enumerate(g) if i and i not in known_rows and r[_col(g, "Arah")] in ("naik", "", None)
               and isinstance(r[_col(g, "Baseline 2021")], (int, float)) and r[_col(g, "Baseline 2021")] > 1)
    g[row][_col(g, "Target 2024")] = g[row][_col(g, "Baseline 2021")] - 1
    _, findings = build_roadmap(grids)
    f = [f for f in findings if f.code == "MASTER_TARGET_AGAINST_DIRECTION" and f.cell not in known]
    assert [(x.severity, x.sheet, x.cell) for x in f] == [(WARNING, "Indikator", cell_name(row, _col(g, "Target 2024")))]
    assert "berlawanan" in f[0].message and "2024" in f[0].message
