"""One computed view of a consolidated period: the numbers every rendering shows.

The monitoring workbook, the Word report, the Pokja packets and the dashboard page only lay
these figures out; none of them computes a count or a mean of its own. Each figure follows
the monitoring workbook's formula for it (COUNTIFS over the same rows, AVERAGEIFS over the
numeric progress cells), so a test can hold any rendering against this one object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .consolidate import NO_DATA, TARGET_MET, TARGET_NOT_MET, Tables
from .master.model import Roadmap
from .master.schema import LIST_STATUS_AKSI

UTAMA = "Utama"
PENDUKUNG = "Pendukung"
ERROR_LABEL, WARNING_LABEL = "Kesalahan", "Peringatan"
CAPAIAN_STATES = (TARGET_MET, TARGET_NOT_MET, NO_DATA)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def mean(values: Iterable[object]) -> float | None:
    """AVERAGEIFS: the mean of the numeric values, None where there are none (never 0)."""
    nums = [float(v) for v in values if _is_number(v)]  # type: ignore[arg-type]
    return sum(nums) / len(nums) if nums else None


def count_by(rows: Iterable[dict], key: str, order: Iterable[str]) -> dict[str, int]:
    """COUNTIF per value of `order`, in that order; values outside it are not counted."""
    counts = dict.fromkeys(order, 0)
    for r in rows:
        v = r.get(key)
        if v in counts:
            counts[v] += 1
    return counts


@dataclass(frozen=True)
class StatusCounts:
    """Rencana aksi rows led by a unit (PD utama), by reported status."""

    total: int
    by_status: dict[str, int]  # every status of the master's list, in the list's order
    mean_progress: float | None  # of the rows with a numeric progress; None when none

    @property
    def unreported(self) -> int:
        """Rows with no status chosen (including every row of a unit that did not return)."""
        return self.total - sum(self.by_status.values())


@dataclass(frozen=True)
class Headline:
    expected: int  # reporting units in the master
    returned: int  # units that sent a file (used or rejected)
    used: int  # units whose data is used
    not_returned: int
    rencana_aksi: StatusCounts
    indikator: int  # indicator rows (unit x indicator)
    indikator_by_state: dict[str, int]  # Tercapai / Belum tercapai / Belum ada data


@dataclass(frozen=True)
class AreaFigure:
    kode: str
    nama: str
    rencana_aksi: StatusCounts
    indikator_by_state: dict[str, int]


@dataclass(frozen=True)
class UnitFigure:
    unit: str
    nama: str
    jenis: str
    dikumpulkan: bool
    data_dipakai: bool
    putusan: str  # the consolidation state: a verdict, 'Belum mengumpulkan' or 'Berkas ditolak'
    berkas: str
    utama: StatusCounts
    n_pendukung: int
    n_kesalahan: int
    n_peringatan: int


@dataclass
class PeriodFigures:
    """Everything a rendering of one period shows. Row lists are the consolidated tables' rows."""

    tahun: int
    periode: str
    statuses: list[str]
    headline: Headline
    areas: list[AreaFigure]
    units: list[UnitFigure]
    indikator: list[dict] = field(default_factory=list)
    kegiatan: list[dict] = field(default_factory=list)
    rencana_aksi: list[dict] = field(default_factory=list)

    def area(self, kode: str) -> AreaFigure:
        return next(a for a in self.areas if a.kode == kode)

    def unit(self, kode: str) -> UnitFigure:
        return next(u for u in self.units if u.unit == kode)


def status_counts(rows: list[dict], statuses: list[str]) -> StatusCounts:
    return StatusCounts(len(rows), count_by(rows, "status", statuses), mean(r.get("progres") for r in rows))


def figures(tables: Tables, roadmap: Roadmap) -> PeriodFigures:
    """Compute the figures of one consolidated period from its tidy tables."""
    statuses = roadmap.choices(LIST_STATUS_AKSI)
    utama = [r for r in tables.rencana_aksi if r.get("peran") == UTAMA]
    headline = Headline(
        expected=len(tables.unit),
        returned=sum(r.get("dikumpulkan") == "Ya" for r in tables.unit),
        used=sum(r.get("data_dipakai") == "Ya" for r in tables.unit),
        not_returned=sum(r.get("dikumpulkan") == "Tidak" for r in tables.unit),
        rencana_aksi=status_counts(utama, statuses),
        indikator=len(tables.indikator),
        indikator_by_state=count_by(tables.indikator, "status_capaian", CAPAIAN_STATES),
    )
    areas = [AreaFigure(a.kode, a.nama, status_counts([r for r in utama if r.get("area_kode") == a.kode], statuses),
                        count_by([r for r in tables.indikator if r.get("area_kode") == a.kode], "status_capaian",
                                 CAPAIAN_STATES))
             for a in roadmap.areas.values()]
    by_unit: dict[str, list[dict]] = {}
    for r in tables.rencana_aksi:
        by_unit.setdefault(r.get("unit", ""), []).append(r)
    levels: dict[tuple[str, str], int] = {}
    for f in tables.temuan:
        k = (f.get("unit", ""), f.get("tingkat", ""))
        levels[k] = levels.get(k, 0) + 1
    units = []
    for u in tables.unit:
        rows = by_unit.get(u["unit"], [])
        units.append(UnitFigure(
            unit=u["unit"], nama=u.get("nama", ""), jenis=u.get("jenis", ""),
            dikumpulkan=u.get("dikumpulkan") == "Ya", data_dipakai=u.get("data_dipakai") == "Ya",
            putusan=u.get("putusan", ""), berkas=u.get("berkas", ""),
            utama=status_counts([r for r in rows if r.get("peran") == UTAMA], statuses),
            n_pendukung=sum(r.get("peran") == PENDUKUNG for r in rows),
            n_kesalahan=levels.get((u["unit"], ERROR_LABEL), 0),
            n_peringatan=levels.get((u["unit"], WARNING_LABEL), 0)))
    return PeriodFigures(tables.tahun, tables.periode, statuses, headline, areas, units,
                         indikator=list(tables.indikator), kegiatan=list(tables.kegiatan),
                         rencana_aksi=list(tables.rencana_aksi))
