"""Earlier periods of the year for the report's trend: the one place that finds them.

Today they come from the snapshots that `consolidate` leaves in each period folder
(rekap-<tahun>-<periode>.json), computed with the same rbxl.figures. When the history store
(riwayat) lands, this module reads the store instead; the report does not change.
"""

from __future__ import annotations

from pathlib import Path

from ..figures import EARLIER, PeriodFigures, figures
from ..master.model import Roadmap
from ..paths import snapshot_path
from ..snapshot import load_tables

# The year's report compares with the quarters, or with the semesters where the Pemda
# monitors half-yearly (Bab IV 4.2 allows either).
YEAR_RHYTHMS = (("TW1", "TW2", "TW3", "TW4"), ("S1", "S2"))


def earlier_figures(out: str | Path, tahun: int, periode: str, roadmap: Roadmap) -> list[PeriodFigures]:
    """Figures of the earlier periods of the year (same rhythm) that were consolidated, oldest first."""
    rhythms = YEAR_RHYTHMS if periode == "TAHUNAN" else (EARLIER.get(periode, ()),)
    for rhythm in rhythms:
        found = [p for p in rhythm if snapshot_path(out, tahun, p).is_file()]
        if found:
            return [figures(load_tables(out, tahun, p), roadmap) for p in found]
    return []


def previous_of(periode: str, earlier: list[PeriodFigures]) -> PeriodFigures | None:
    """The period just before this one, if it was consolidated ("two periods in a row" needs it)."""
    if not earlier:
        return None
    last = earlier[-1]
    expected = EARLIER.get(periode, ())
    if periode == "TAHUNAN":  # the year follows its last quarter or semester
        return last if last.periode in ("TW4", "S2") else None
    return last if expected and last.periode == expected[-1] else None
