"""The executive view (rbxl.consolidation.executive) on the session's two-period demo (2023 TW1, TW2),
and the rounding that never reaches a threshold a value did not reach (values.format_floor)."""

from __future__ import annotations

import pytest

from rbxl.consolidation.executive import (
    ATTENTION,
    LAGGING,
    NO_PROGRESS,
    ON_TRACK,
    earlier_of,
    executive,
    expected_progress,
    judge,
)
from rbxl.consolidation.figures import figures
from rbxl.core.values import format_change, format_floor, format_percent
from rbxl.riwayat.snapshot import load_tables
from rbxl.riwayat.trend import earlier_from, load_history


@pytest.mark.parametrize(("value", "shown"), [(99.95, "99,9"), (99.987, "99,9"), (99.5, "99,5"), (100.0, "100,0"),
                                               (100.04, "100,0"), (66.25, "66,2"), (0.0, "0,0")])
def test_a_value_under_100_never_prints_as_100(value, shown):
    assert format_floor(value) == shown
    assert format_percent(value, 0) != "100%" or value >= 100


def test_the_expected_progress_is_a_threshold_too():
    assert format_floor(49.96, 1, (100.0, 50.0)) == "49,9" and format_floor(49.96) == "50,0"
    assert format_change(-2.5) == "−2,5" and format_change(10.6) == "+10,6" and format_change(-0.01) == "−0,01"


def test_the_rule_in_order():
    assert [expected_progress(p) for p in ("TW1", "TW2", "S1", "TW3", "TW4", "TAHUNAN")] == [25, 50, 50, 75, 100, 100]
    assert judge(None, None, 0, 5, 50)[0] == NO_PROGRESS
    assert judge(55, 50, 5, 5, 50)[0] == ON_TRACK
    assert judge(55, 60, 5, 5, 50) == (ATTENTION, ("turun dari periode sebelumnya",))
    assert judge(45, None, 5, 5, 50)[0] == ATTENTION
    assert judge(100, None, 1, 15, 50)[0] == ATTENTION  # one row of fifteen is no average to rely on
    assert judge(39.9, None, 5, 5, 50)[0] == LAGGING


def test_demo_tw2_against_tw1_from_the_store_and_from_the_snapshot(demo, roadmap):
    out = demo[0]
    fig = figures(load_tables(out, 2023, "TW2"), roadmap)
    from_store = earlier_from(load_history(out / "rbxl.sqlite", roadmap, 2023, upto="TW2"), "TW2")
    from_snapshot = earlier_of(figures(load_tables(out, 2023, "TW1"), roadmap))
    assert from_store is not None and from_store.periode == "TW1"
    assert from_store.areas == from_snapshot.areas and from_store.no_data == from_snapshot.no_data
    ex = executive(fig, from_store)
    assert ex.previous == "TW1" and ex.expected == 50
    fell = [a.kode for a in ex.fell]
    assert fell == [a.kode for a in fig.areas if a.rencana_aksi.mean_progress < from_store.areas[a.kode]]
    assert all(a.status != ON_TRACK for a in ex.fell)
    missing = {u.unit for u in fig.units if not u.data_dipakai}
    assert {a.unit for a in ex.not_returned} == missing
    assert all(a.twice == (a.unit in from_store.no_data) for a in ex.not_returned)
    lowered = {a.unit: a for a in ex.attention if a.lowered}
    assert lowered, "the demo's TW2 has a unit that lowered its progress"
    for a in lowered.values():
        for c in a.lowered:
            assert c.now < c.before
    assert ex.overall.covered == fig.headline.rencana_aksi.covered <= fig.headline.rencana_aksi.total


def test_an_area_view_keeps_its_own_units(demo, roadmap):
    out = demo[0]
    fig = figures(load_tables(out, 2023, "TW2"), roadmap)
    for a in fig.areas:
        ex = executive(fig, earlier_of(figures(load_tables(out, 2023, "TW1"), roadmap)), a.kode)
        leads = {r["unit"] for r in fig.utama_rows(a.kode)}
        for att in ex.not_returned:
            assert att.unit in leads | set(a.pokja)
        for att in ex.attention:
            assert all(c.kode in {r["kode"] for r in fig.utama_rows(a.kode)} for c in att.lowered)
        not_returned_rows = {r["unit"] for r in fig.utama_rows(a.kode) if r.get("pengumpulan") == "Belum mengumpulkan"}
        assert not_returned_rows <= {att.unit for att in ex.not_returned}
