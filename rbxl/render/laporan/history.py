"""The report's year trend: the one place that finds earlier periods of the year.

With the riwayat store (rbxl.store) the trend is the trend view (rbxl.riwayat.trend.history), the
same object the Tren sheet of the monitoring workbook lays out, so the report's table and the
sheet cannot disagree. Without a store (or a store that does not hold this period yet) it
falls back to the snapshots `consolidate` leaves in each period folder (rekap-<tahun>-<periode>.json),
computed with the same rbxl.consolidation.figures. Either way the report gets one YearTrend.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rbxl.consolidation.executive import Earlier, earlier_of
from rbxl.consolidation.figures import (
    NO_DATA_STATES,
    PeriodFigures,
    figures,
    not_returned_twice,
    previous_in_year,
)
from rbxl.core.enums import RHYTHMS, Period
from rbxl.core.paths import snapshot_path
from rbxl.master.model import Roadmap
from rbxl.riwayat.snapshot import load_tables
from rbxl.riwayat.trend import earlier_from

# The year's report compares with the quarters, or with the semesters where the Pemda
# monitors half-yearly (Bab IV 4.2 allows either).


@dataclass(frozen=True)
class YearTrend:
    """Mean progress of PD utama rows per period of the year (this period last), and the units
    without usable data in this period and in the one just before it."""

    tahun: int
    periods: list[str]  # period codes, oldest first; the report's period is the last
    areas: dict[str, list[float | None]]  # area code -> mean progress per period
    overall: list[float | None]  # all areas, per period
    previous: str | None  # the period just before this one in the year, when it was consolidated
    twice: frozenset[str]  # units without usable data in `previous` and in this period
    store: Path | None = None  # the riwayat store it was read from; None: the period snapshots
    compare: Earlier | None = None  # the previous period as the executive view compares with it

    @property
    def earlier(self) -> list[str]:
        return self.periods[:-1]


def year_trend(out: str | Path, tahun: int, periode: str, roadmap: Roadmap, fig: PeriodFigures,
               db: str | Path | None = None) -> tuple[YearTrend, str]:
    """The trend from the store at `db` (store_path rules) when it holds this period, else from
    the snapshots; with a note for the user when a store exists but could not be used for it."""
    from rbxl.riwayat.trend import history
    from rbxl.store import open_store, store_path

    path = store_path(db, out)
    if path.is_file():
        with open_store(path, create=False) as store:  # unusable: StoreError, exit code 4, as consolidate
            if store.period(tahun, periode) is not None:
                return from_history(history(store, roadmap, tahun, upto=periode), periode, path), ""
        note = (f"Periode ini belum tercatat di berkas riwayat {path}; tren diambil dari rekap setiap periode. "
                "Rekap ulang periode ini (rbxl rekap) agar tercatat.")
        return from_snapshots(out, tahun, periode, roadmap, fig), note
    return from_snapshots(out, tahun, periode, roadmap, fig), ""


def from_history(h, periode: str, store: Path | None = None) -> YearTrend:
    """Lay the trend view (rbxl.riwayat.trend.History, up to this period) out as the report's trend."""
    codes = h.labels
    previous = previous_in_year(periode, codes[:-1])
    twice: frozenset[str] = frozenset()
    if previous is not None:
        i, now = codes.index(previous), len(codes) - 1
        twice = frozenset(u.unit for u in h.units
                          if u.ketepatan[i] in NO_DATA_STATES and u.ketepatan[now] in NO_DATA_STATES)
    return YearTrend(h.tahun, codes, {a.kode: a.progres for a in h.areas}, h.mean_progress, previous, twice, store,
                     earlier_from(h, periode))


def from_snapshots(out: str | Path, tahun: int, periode: str, roadmap: Roadmap, fig: PeriodFigures) -> YearTrend:
    earlier = earlier_figures(out, tahun, periode, roadmap)
    periods = [*earlier, fig]
    prev = previous_in_year(periode, [f.periode for f in earlier])
    before = next((f for f in earlier if f.periode == prev), None)
    return YearTrend(tahun, [f.periode for f in periods],
                     {a.kode: [f.area(a.kode).rencana_aksi.mean_progress for f in periods] for a in fig.areas},
                     [f.headline.rencana_aksi.mean_progress for f in periods], prev,
                     frozenset(u.unit for u in not_returned_twice(fig, before)), None,
                     earlier_of(before) if before is not None else None)


def earlier_figures(out: str | Path, tahun: int, periode: str, roadmap: Roadmap) -> list[PeriodFigures]:
    """Figures of the earlier periods of the year (same rhythm) that were consolidated, oldest first."""
    rhythms = RHYTHMS[:2] if periode == Period.TAHUNAN else (Period(periode).earlier,)
    for rhythm in rhythms:
        found = [p for p in rhythm if snapshot_path(out, tahun, p).is_file()]
        if found:
            return [figures(load_tables(out, tahun, p), roadmap) for p in found]
    return []
