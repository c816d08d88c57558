"""The figures view: the one computation every rendering lays out.

The Ringkasan sheet's cached values (what Excel shows before any recalculation) must equal the
figures computed by rbxl.figures from the same tables; the snapshot round trip must give the
same figures, since laporan and dasbor render a period from its snapshot.
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from test_consolidate import PERIODE, TAHUN, run, summary_cell  # noqa: F401 - module-scoped fixture

from rbxl.errors import UsageError
from rbxl.figures import figures
from rbxl.snapshot import load_tables


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
        assert n.value == a.rencana_aksi.total and done.value == a.rencana_aksi.by_status[fig.statuses[2]]


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
