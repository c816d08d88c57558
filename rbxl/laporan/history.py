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


def earlier_figures(out: str | Path, tahun: int, periode: str, roadmap: Roadmap) -> list[PeriodFigures]:
    """Figures of the earlier periods of the year (same rhythm) that were consolidated, oldest first."""
    found = []
    for p in EARLIER.get(periode, ()):
        if snapshot_path(out, tahun, p).is_file():
            found.append(figures(load_tables(out, tahun, p), roadmap))
    return found
