"""`rbxl laporan`: the monitoring report to the Bupati and the Pokja packets, from a consolidated period.

The period's figures are computed once (rbxl.consolidation.figures over the snapshot `consolidate` saved);
document.py lays them out with python-docx, charts.py draws them, pdf.py converts through
LibreOffice when asked. Outputs are written atomically; a document open in Word is kept as
'(baru)' and the run goes on, as for the monitoring workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.consolidation.executive import executive
from rbxl.consolidation.figures import figures
from rbxl.core.errors import OutputError, UsageError
from rbxl.core.paths import laporan_path, monitoring_path, pokja_dir
from rbxl.master.model import Roadmap
from rbxl.riwayat.snapshot import load_tables


@dataclass
class Laporan:
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # PDF not made, earlier period unreadable...
    locked: list[str] = field(default_factory=list)  # an old output was open: the new one kept as '(baru)'
    failed: list[str] = field(default_factory=list)  # LibreOffice ran but gave no PDF (timeout, crash)
    trend: list[str] = field(default_factory=list)  # earlier periods the trend compares with
    store: Path | None = None  # the riwayat store the trend came from; None: the period snapshots

    @property
    def ok(self) -> bool:
        """False when an asked-for output is missing or kept under another name (exit code 4)."""
        return not (self.locked or self.failed)


def pokja_path(out: str | Path, tahun: int, periode: str, kode: str, nama: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", nama.lower()).strip("-")
    return pokja_dir(out, tahun, periode) / f"pokja-{kode}-{slug}-{tahun}-{periode}.docx"


def write_laporan(roadmap: Roadmap, out: str | Path, tahun: int, periode: str, per_pokja: bool = False,
                  pdf: bool = False, tanggal: dt.date | None = None, db: str | Path | None = None) -> Laporan:
    """Write the report (or with per_pokja one packet per area) for a consolidated period.

    The trend against earlier periods of the year comes from the riwayat store (`db`, $RBXL_DB,
    or <out>/rbxl.sqlite) when it exists, else from the period snapshots; a store that cannot be
    used stops the run (StoreError, exit code 4) before anything is written."""
    from rbxl.render.laporan.document import Context, build
    from rbxl.render.laporan.history import YearTrend, year_trend

    fig = figures(load_tables(out, tahun, periode), roadmap)
    result = Laporan()
    try:
        trend, note = year_trend(out, tahun, periode, roadmap, fig, db)
    except UsageError as err:  # an unreadable earlier snapshot costs the trend, not the report
        trend, note = None, f"Tren tidak disertakan: {err}"
    if note:
        result.notes.append(note)
    if trend is None:
        trend = YearTrend(tahun, [periode], {}, [], None, frozenset())
    result.trend = [f"{p} {tahun}" for p in trend.earlier]
    result.store = trend.store
    common = {"fig": fig, "roadmap": roadmap, "tanggal": tanggal or dt.date.today(), "trend": trend,
              "out_label": monitoring_path(out, tahun, periode).name}
    if per_pokja:
        jobs = [(pokja_path(out, tahun, periode, a.kode, a.nama),
                 Context(area=a.kode, executive=executive(fig, trend.compare, a.kode), **common)) for a in fig.areas]
    else:
        jobs = [(laporan_path(out, tahun, periode), Context(executive=executive(fig, trend.compare), **common))]
    for target, ctx in jobs:
        result.documents.append(_save(build(ctx), target, result))
    if pdf:
        _pdfs(result)
    return result


def _save(doc, target: Path, result: Laporan) -> Path:
    from rbxl.core.atomic import atomic_path

    try:
        with atomic_path(target) as tmp:
            doc.save(str(tmp))
        return target
    except OutputError as err:
        alt = target.with_name(f"{target.stem} (baru){target.suffix}")
        if not alt.is_file():
            raise
        result.locked.append(str(err))
        return alt


def _pdfs(result: Laporan) -> None:
    from rbxl.render.laporan.pdf import PdfFailed, PdfUnavailable, to_pdf

    pairs = [(d, d.with_suffix(".pdf")) for d in result.documents]
    try:
        done = to_pdf(pairs)
    except PdfUnavailable as err:
        result.notes.append(str(err))
        return
    except PdfFailed as err:
        result.failed.append(str(err))
        return
    for (_, target), item in zip(pairs, done, strict=True):
        if isinstance(item, OutputError):  # the old PDF is open: the new one is kept as '(baru)'
            result.locked.append(str(item))
            item = target.with_name(f"{target.stem} (baru){target.suffix}")
        if item.is_file():
            result.pdfs.append(item)
