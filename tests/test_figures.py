"""The figures view: the one computation every rendering lays out.

The Ringkasan sheet's cached values (what Excel shows before any recalculation) must equal the
figures computed by rbxl.consolidation.figures from the same tables; the snapshot round trip must give the
same figures, since laporan and dasbor render a period from its snapshot.
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from test_consolidate import PERIODE, TAHUN, run, summary_cell  # noqa: F401 - module-scoped fixture

from rbxl.consolidation.figures import figures
from rbxl.core.enums import StatusRole
from rbxl.core.errors import UsageError
from rbxl.master.schema import LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN
from rbxl.riwayat.snapshot import load_tables


def _close(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return math.isclose(float(a), float(b), rel_tol=1e-9)


def test_summary_cached_values_equal_figures(run):  # noqa: F811
    fig = figures(run.outputs.tables, run.roadmap)
    h = fig.headline
    # data_only: what openpyxl reads is the value cached in each formula cell
    ws = openpyxl.load_workbook(run.outputs.monitoring, data_only=True)["Ringkasan"]
    expect = {"Unit pelapor (diharapkan)": h.expected, "Unit yang mengumpulkan": h.returned,
              "Unit yang datanya dipakai": h.used, "Unit belum mengumpulkan": h.not_returned,
              "Rencana aksi (baris PD utama)": h.rencana_aksi.total,
              "   - Belum dilaporkan": h.rencana_aksi.unreported,
              "Rata-rata progres PD utama (%)": h.rencana_aksi.mean_progress,
              "Indikator (baris)": h.indikator}
    expect.update({f"   - {s}": n for s, n in h.rencana_aksi.by_status.items()})
    expect.update({f"   - {s}": n for s, n in h.indikator_by_state.items()})
    for label, value in expect.items():
        assert _close(summary_cell(ws, label).value, value), label
    # the demo-like run has something in every headline, or the comparison proves little
    assert h.used and h.not_returned and h.rencana_aksi.mean_progress is not None
    # progress per area: the rows under the "Area Perubahan" header
    rows = {r[1].value: r for r in ws.iter_rows(min_col=1, max_col=5) if r[1].value in {a.kode for a in fig.areas}}
    assert set(rows) == {a.kode for a in fig.areas}
    for a in fig.areas:
        _, _, prog, n, done = rows[a.kode]
        assert _close(prog.value, a.rencana_aksi.mean_progress), a.kode
        assert n.value == a.rencana_aksi.total and done.value == a.rencana_aksi.by_status[run.roadmap.status_named(StatusRole.DONE)]


def test_per_unit_cached_values_equal_figures(run):  # noqa: F811
    fig = figures(run.outputs.tables, run.roadmap)
    ws = openpyxl.load_workbook(run.outputs.monitoring, data_only=True)["Per Unit"]
    head = [c.value for c in ws[1]]
    seen = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        u = fig.unit(row[0])
        got = dict(zip(head, row, strict=False))
        assert got["Baris Utama"] == u.utama.total
        assert _close(got["Rata-rata Progres (%)"], u.utama.mean_progress), u.unit
        assert got["Baris Pendukung"] == u.n_pendukung
        assert got["Kesalahan"] == u.n_kesalahan and got["Peringatan"] == u.n_peringatan
        seen += 1
    assert seen == fig.headline.expected == len(run.roadmap.reporting_units())


def test_snapshot_round_trip_gives_the_same_figures(run):  # noqa: F811
    again = load_tables(run.out, TAHUN, PERIODE)
    assert figures(again, run.roadmap) == figures(run.outputs.tables, run.roadmap)


def test_snapshot_of_a_period_never_consolidated(tmp_path):
    with pytest.raises(UsageError, match="belum direkap") as err:
        load_tables(tmp_path, 2024, "TW2")
    assert err.value.exit_code == 2


def test_unit_rows_and_area_rows_match_the_counted_figures(run):  # noqa: F811
    fig = figures(run.outputs.tables, run.roadmap)
    rows = fig.rows_by_unit()
    assert list(rows) == [u.unit for u in fig.units]
    for u in fig.units:
        assert len(rows[u.unit].utama) == u.utama.total and len(rows[u.unit].pendukung) == u.n_pendukung
        assert all(r["unit"] == u.unit for r in rows[u.unit].utama + rows[u.unit].pendukung)
    assert sum(len(r.utama) + len(r.pendukung) for r in rows.values()) == len(fig.rencana_aksi)
    for a in fig.areas:
        assert len(fig.utama_rows(a.kode)) == a.rencana_aksi.total
    # a unit that did not return has every row open; a done or impossible row never is
    missing = next(u for u in fig.units if not u.dikumpulkan)
    assert rows[missing.unit].terbuka == rows[missing.unit].utama + rows[missing.unit].pendukung
    closed = {n for lst in (LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN)
              for n in (run.roadmap.status_named(StatusRole.DONE, lst), run.roadmap.status_named(StatusRole.CANNOT, lst))}
    assert closed == {"Selesai", "Tidak Dapat Dilaksanakan", "Dukungan Selesai", "Tidak Diminta"}
    done = [r for r in fig.rencana_aksi if r["status"] in closed]
    assert done and not any(fig.is_open(r) for r in done)
    under_way = [r for r in fig.rencana_aksi if r["status"] in ("Sedang Berjalan", "Sedang Mendukung", "")]
    assert under_way and all(fig.is_open(r) for r in under_way)
    assert fig.done_status == "Selesai"


def test_kepatuhan_against_the_jadwal_deadline():
    import datetime as dt

    from rbxl.consolidation.figures import LATE, ON_TIME, TIME_UNKNOWN, kepatuhan_of
    from rbxl.consolidation.tables import NOT_RETURNED, REJECTED_FILE

    deadline = dt.date(2023, 4, 15)
    assert kepatuhan_of("Diterima", "2023-04-15 23:59:00", deadline) == ON_TIME  # the whole last day counts
    assert kepatuhan_of("Perlu perbaikan", "2023-04-16 00:01:00", deadline) == LATE
    assert kepatuhan_of("Diterima", "", deadline) == TIME_UNKNOWN
    assert kepatuhan_of("Diterima", "bukan waktu", deadline) == TIME_UNKNOWN
    assert kepatuhan_of("Diterima", "2023-04-01 08:00:00", None) == TIME_UNKNOWN
    assert kepatuhan_of(NOT_RETURNED, "", deadline) == NOT_RETURNED
    assert kepatuhan_of(REJECTED_FILE, "2023-04-01 08:00:00", deadline) == REJECTED_FILE


def test_area_pokja_and_catatan_figures_add_up(run):  # noqa: F811
    from rbxl.consolidation.figures import KEPATUHAN_STATES

    fig = figures(run.outputs.tables, run.roadmap)
    h = fig.headline
    assert sum(h.kepatuhan.values()) == h.expected and list(h.kepatuhan) == list(KEPATUHAN_STATES)
    assert h.kegiatan == len(run.outputs.tables.kegiatan) == sum(h.kegiatan_by_state.values())
    for state in h.kegiatan_by_state:  # every kegiatan row belongs to exactly one area
        assert sum(a.kegiatan_by_state[state] for a in fig.areas) == h.kegiatan_by_state[state]
    for a in fig.areas:
        assert a.pokja == tuple(run.roadmap.pokja.get(a.kode, ()))
        assert sum(a.pokja_kepatuhan.values()) == len([u for u in fig.units if u.unit in a.pokja])
        assert len(fig.utama_rows(a.kode)) == a.rencana_aksi.total
        assert a.indikator == len(fig.indikator_rows(a.kode)) == sum(a.indikator_by_state.values())
        assert a.kegiatan == len(fig.kegiatan_rows(a.kode)) == sum(a.kegiatan_by_state.values())
    c = fig.catatan
    assert not c.second_half and c.belum_dimulai == []  # TW1 ends in the first half of the year
    assert len(c.indikator_below) == h.indikator_by_state["Belum tercapai"]
    assert len(c.tidak_dapat) == h.rencana_aksi.by_status["Tidak Dapat Dilaksanakan"]
    assert {u.unit for u in c.not_returned} == {u.unit for u in fig.units if not u.data_dipakai}
    for a in fig.areas:  # an area's Catatan is the whole Catatan narrowed to its rows and its units
        ca = fig.catatan_for(a.kode)
        assert all(r["area_kode"] == a.kode for r in ca.indikator_below + ca.tidak_dapat)
        own = set(a.pokja) | {r["unit"] for r in fig.utama_rows(a.kode)}
        assert {u.unit for u in ca.not_returned} == {u.unit for u in fig.units if not u.data_dipakai} & own
        # a unit without data that leads one of the area's rows is named in its packet (never "all returned")
        assert {r["unit"] for r in fig.utama_rows(a.kode) if not fig.unit(r["unit"]).data_dipakai} <= {
            u.unit for u in ca.not_returned}
    assert sum(len(fig.catatan_for(a.kode).tidak_dapat) for a in fig.areas) == len(c.tidak_dapat)


def test_not_returned_twice_needs_the_previous_period(run):  # noqa: F811
    from rbxl.consolidation.figures import not_returned_twice

    fig = figures(run.outputs.tables, run.roadmap)
    assert not_returned_twice(fig, None) == []
    missing = [u.unit for u in fig.units if not u.data_dipakai]
    assert [u.unit for u in not_returned_twice(fig, fig)] == missing and missing
