"""One computed view of a consolidated period: the numbers every rendering shows.

The monitoring workbook, the Word report, the Pokja packets and the dashboard page only lay
these figures out; none of them computes a count or a mean of its own. Each figure follows
the monitoring workbook's formula for it (COUNTIFS over the same rows, AVERAGEIFS over the
numeric progress cells), so a test can hold any rendering against this one object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from rbxl.consolidation.tables import (
    NO_DATA,
    NOT_RETURNED,
    REJECTED_FILE,
    TARGET_MET,
    TARGET_NOT_MET,
    Tables,
)
from rbxl.core.enums import STATUS_ORDER, Kepatuhan, Period, Role, Severity, StatusRole, Verdict
from rbxl.master.model import Roadmap

UTAMA, PENDUKUNG = Role.LEAD.value, Role.SUPPORT.value
ERROR_LABEL, WARNING_LABEL = Severity.ERROR.label, Severity.WARNING.label
CAPAIAN_STATES = (TARGET_MET, TARGET_NOT_MET, NO_DATA)
# Reporting compliance of a unit in one period, judged against the master's Jadwal deadline
# by the time saved inside the chosen file (the file system time is when it was copied).
ON_TIME, LATE, TIME_UNKNOWN = Kepatuhan.ON_TIME, Kepatuhan.LATE, Kepatuhan.TIME_UNKNOWN
KEPATUHAN_STATES = (ON_TIME, LATE, TIME_UNKNOWN, REJECTED_FILE, NOT_RETURNED)
NO_DATA_STATES = (REJECTED_FILE, NOT_RETURNED)  # the states of a unit without usable data (not data_dipakai)


def previous_in_year(periode: str, earlier: Iterable[str]) -> str | None:
    """The period just before `periode` in its year, if it is among `earlier` (consolidated ones);
    None when it is not, so "two periods in a row" is never claimed across a gap."""
    found = list(earlier)
    if periode == Period.TAHUNAN:  # the year's closing follows its last quarter or semester
        return found[-1] if found and Period(found[-1]).closes_year else None
    before = Period(periode).previous
    return before if before is not None and before in found else None


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def mean(values: Iterable[object]) -> float | None:
    """AVERAGEIFS: the mean of the numeric values, None where there are none (never 0)."""
    nums = [float(v) for v in values if _is_number(v)]
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
    by_status: dict[str, int]  # every status of the master's list, done first (enums.STATUS_ORDER)
    mean_progress: float | None  # of the rows with a numeric progress; None when none
    covered: int = 0  # how many rows the mean covers (those with a numeric progress)

    @property
    def unreported(self) -> int:
        """Rows with no status chosen (including every row of a unit that did not return)."""
        return self.total - sum(self.by_status.values())


@dataclass(frozen=True)
class UnitRows:
    """A unit's rencana aksi rows: those it leads (PD utama), those it supports, and of both
    those still open (led rows first; see PeriodFigures.is_open)."""

    utama: list[dict]
    pendukung: list[dict]
    terbuka: list[dict]


@dataclass(frozen=True)
class Headline:
    expected: int  # reporting units in the master
    returned: int  # units that sent a file (used or rejected)
    used: int  # units whose data is used
    not_returned: int
    rencana_aksi: StatusCounts
    indikator: int  # indicator rows (unit x indicator)
    indikator_by_state: dict[str, int]  # Tercapai / Belum tercapai / Belum ada data
    kegiatan: int = 0  # kegiatan prioritas rows (unit x kegiatan)
    kegiatan_by_state: dict[str, int] = field(default_factory=dict)
    kepatuhan: dict[str, int] = field(default_factory=dict)  # units per KEPATUHAN_STATES


@dataclass(frozen=True)
class AreaFigure:
    kode: str
    nama: str
    rencana_aksi: StatusCounts
    indikator_by_state: dict[str, int]
    kegiatan_by_state: dict[str, int] = field(default_factory=dict)
    pokja: tuple[str, ...] = ()  # member units of the area's Pokja (Tabel 3.23)
    pokja_kepatuhan: dict[str, int] = field(default_factory=dict)  # member units per KEPATUHAN_STATES
    indikator: int = 0  # indicator rows of the area (unit x indicator)
    kegiatan: int = 0  # kegiatan prioritas rows of the area (unit x kegiatan)


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
    disimpan: str = ""  # time saved inside the chosen file (ISO), '' when unknown
    kepatuhan: str = ""  # one of KEPATUHAN_STATES


@dataclass(frozen=True)
class Catatan:
    """Facts for the leadership to act on, selected from the period's rows (nothing invented)."""

    belum_dimulai: list[dict]  # PD utama rows still not started; empty before the second half
    indikator_below: list[dict]  # indicator rows Belum tercapai
    kegiatan_below: list[dict]  # kegiatan prioritas rows Belum tercapai
    not_returned: list[UnitFigure]  # units that sent nothing, or only rejected files
    tidak_dapat: list[dict]  # PD utama rows that cannot be carried out (their kendala is the reason)
    second_half: bool


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
    batas_waktu: dt.date | None = None  # the master's Jadwal deadline of the period
    kegiatan_area: dict[str, str] = field(default_factory=dict)  # kegiatan kode -> area kode
    catatan: Catatan | None = None
    status_role: dict[str, StatusRole] = field(default_factory=dict)  # every STATUS_* name -> its meaning
    instrumen: list[dict] = field(default_factory=list)  # instrument score rows (rbxl.consolidation.instrumen)

    @property
    def done_status(self) -> str:
        """The master's name for a finished row ('Selesai')."""
        return _named(self, StatusRole.DONE)

    def is_open(self, row: dict) -> bool:
        """A rencana aksi row (led or supported) not yet done nor declared impossible: not
        reported, not started or under way."""
        return self.status_role.get(row.get("status", "")) not in (StatusRole.DONE, StatusRole.CANNOT)

    def area(self, kode: str) -> AreaFigure:
        return next(a for a in self.areas if a.kode == kode)

    def unit(self, kode: str) -> UnitFigure:
        return next(u for u in self.units if u.unit == kode)

    def rows_by_unit(self) -> dict[str, UnitRows]:
        """Every reporting unit's led, supported and still open rows, in the units' order."""
        led: dict[str, list[dict]] = {u.unit: [] for u in self.units}
        supported: dict[str, list[dict]] = {u.unit: [] for u in self.units}
        for r in self.rencana_aksi:
            if r.get("unit") in led:
                (led if r.get("peran") == UTAMA else supported)[r["unit"]].append(r)
        return {u: UnitRows(led[u], supported[u], [r for r in led[u] + supported[u] if self.is_open(r)])
                for u in led}
    def utama_rows(self, area: str | None = None) -> list[dict]:
        """Rencana aksi rows as their PD utama reported them (the rows status counts are over)."""
        return [r for r in self.rencana_aksi if r.get("peran") == UTAMA and area in (None, r.get("area_kode"))]

    def indikator_rows(self, area: str | None = None) -> list[dict]:
        return [r for r in self.indikator if area in (None, r.get("area_kode"))]

    def kegiatan_rows(self, area: str | None = None) -> list[dict]:
        return [r for r in self.kegiatan if area in (None, self.kegiatan_area.get(r.get("kode", "")))]

    def pokja_units(self, area: str) -> list[UnitFigure]:
        members = self.area(area).pokja
        return [u for u in self.units if u.unit in members]

    def area_units(self, area: str) -> list[UnitFigure]:
        """The units of an area's packet: its Pokja's members and every unit leading one of its rows,
        in the units' order (a Pokja packet counts these, never the units of other areas)."""
        keep = set(self.area(area).pokja) | {r.get("unit") for r in self.utama_rows(area)}
        return [u for u in self.units if u.unit in keep]

    def unit_counts(self, unit: str, area: str | None = None) -> StatusCounts:
        """A unit's led rows, of every area or of one."""
        return status_counts([r for r in self.utama_rows(area) if r.get("unit") == unit], self.statuses)

    def kepatuhan_counts(self, units: Iterable[UnitFigure]) -> dict[str, int]:
        """Units per KEPATUHAN_STATES."""
        return count_by([{"k": u.kepatuhan} for u in units], "k", KEPATUHAN_STATES)

    def catatan_for(self, area: str | None = None) -> Catatan:
        """The Catatan of the whole period, or of one area (its rows and its units: area_units)."""
        c = self.catatan or build_catatan(self)
        if area is None:
            return c
        members = {u.unit for u in self.area_units(area)}
        return Catatan([r for r in c.belum_dimulai if r.get("area_kode") == area],
                       [r for r in c.indikator_below if r.get("area_kode") == area],
                       [r for r in c.kegiatan_below if self.kegiatan_area.get(r.get("kode", "")) == area],
                       [u for u in c.not_returned if u.unit in members],
                       [r for r in c.tidak_dapat if r.get("area_kode") == area], c.second_half)


def status_counts(rows: list[dict], statuses: list[str]) -> StatusCounts:
    return StatusCounts(len(rows), count_by(rows, "status", statuses), mean(r.get("progres") for r in rows),
                        sum(_is_number(r.get("progres")) for r in rows))


def kepatuhan_of(putusan: str, disimpan: str, deadline: dt.date | None) -> str:
    """On time / late against the deadline, or the consolidation state of a unit without data."""
    if putusan in (NOT_RETURNED, REJECTED_FILE):
        return putusan
    try:
        saved = dt.datetime.fromisoformat(disimpan).date() if disimpan else None
    except ValueError:
        saved = None
    if saved is None or deadline is None:
        return TIME_UNKNOWN
    return ON_TIME if saved <= deadline else LATE


def _named(fig: PeriodFigures, role: StatusRole) -> str:
    """The master's name for a status meaning (fig.statuses follows enums.STATUS_ORDER)."""
    return fig.statuses[STATUS_ORDER.index(role)]


def build_catatan(fig: PeriodFigures) -> Catatan:
    utama = fig.utama_rows()
    not_started, cannot = _named(fig, StatusRole.NOT_STARTED), _named(fig, StatusRole.CANNOT)
    second_half = Period(fig.periode).second_half
    return Catatan(
        belum_dimulai=[r for r in utama if r.get("status") == not_started] if second_half else [],
        indikator_below=[r for r in fig.indikator if r.get("status_capaian") == TARGET_NOT_MET],
        kegiatan_below=[r for r in fig.kegiatan if r.get("status_capaian") == TARGET_NOT_MET],
        not_returned=[u for u in fig.units if not u.data_dipakai],
        tidak_dapat=[r for r in utama if r.get("status") == cannot], second_half=second_half)


def not_returned_twice(current: PeriodFigures, previous: PeriodFigures | None) -> list[UnitFigure]:
    """Units without usable data in this period and in the previous one (empty without history)."""
    if previous is None:
        return []
    before = {u.unit for u in previous.units if not u.data_dipakai}
    return [u for u in current.units if not u.data_dipakai and u.unit in before]


def figures(tables: Tables, roadmap: Roadmap) -> PeriodFigures:
    """Compute the figures of one consolidated period from its tidy tables."""
    statuses = roadmap.statuses()  # STATUS_ORDER: done, in progress, not started, cannot
    utama = [r for r in tables.rencana_aksi if r.get("peran") == UTAMA]
    headline = Headline(
        expected=len(tables.unit),
        returned=sum(bool(r.get("dikumpulkan")) for r in tables.unit),
        used=sum(bool(r.get("data_dipakai")) for r in tables.unit),
        not_returned=sum(not r.get("dikumpulkan") for r in tables.unit),
        rencana_aksi=status_counts(utama, statuses),
        indikator=len(tables.indikator),
        indikator_by_state=count_by(tables.indikator, "status_capaian", CAPAIAN_STATES),
        kegiatan=len(tables.kegiatan),
        kegiatan_by_state=count_by(tables.kegiatan, "status_capaian", CAPAIAN_STATES),
    )
    kegiatan_area = {k.kode: k.area_kode for k in roadmap.kegiatan}
    areas = [AreaFigure(a.kode, a.nama, status_counts([r for r in utama if r.get("area_kode") == a.kode], statuses),
                        count_by([r for r in tables.indikator if r.get("area_kode") == a.kode], "status_capaian",
                                 CAPAIAN_STATES),
                        count_by([r for r in tables.kegiatan if kegiatan_area.get(r.get("kode")) == a.kode],
                                 "status_capaian", CAPAIAN_STATES),
                        tuple(roadmap.pokja.get(a.kode, ())),
                        indikator=sum(r.get("area_kode") == a.kode for r in tables.indikator),
                        kegiatan=sum(kegiatan_area.get(r.get("kode")) == a.kode for r in tables.kegiatan))
             for a in roadmap.areas.values()]
    deadline = roadmap.jadwal.get((tables.tahun, tables.periode))
    saved = {(b.get("unit"), b.get("nama_berkas")): b.get("disimpan") or "" for b in tables.berkas
             if b.get("putusan") not in (Verdict.SUPERSEDED, Verdict.DUPLICATE, Verdict.REJECTED)}
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
        disimpan = saved.get((u["unit"], u.get("berkas")), "") if u.get("data_dipakai") else ""
        units.append(UnitFigure(
            unit=u["unit"], nama=u.get("nama", ""), jenis=u.get("jenis", ""),
            dikumpulkan=bool(u.get("dikumpulkan")), data_dipakai=bool(u.get("data_dipakai")),
            putusan=u.get("putusan", ""), berkas=u.get("berkas", ""),
            utama=status_counts([r for r in rows if r.get("peran") == UTAMA], statuses),
            n_pendukung=sum(r.get("peran") == PENDUKUNG for r in rows),
            n_kesalahan=levels.get((u["unit"], ERROR_LABEL), 0),
            n_peringatan=levels.get((u["unit"], WARNING_LABEL), 0),
            disimpan=disimpan, kepatuhan=kepatuhan_of(u.get("putusan", ""), disimpan, deadline)))
    def compliance(us: list[UnitFigure]) -> dict[str, int]:
        return count_by([{"k": u.kepatuhan} for u in us], "k", KEPATUHAN_STATES)

    headline = dataclasses.replace(headline, kepatuhan=compliance(units))
    areas = [dataclasses.replace(a, pokja_kepatuhan=compliance([u for u in units if u.unit in a.pokja]))
             for a in areas]
    fig = PeriodFigures(tables.tahun, tables.periode, statuses, headline, areas, units,
                        indikator=list(tables.indikator), kegiatan=list(tables.kegiatan),
                        rencana_aksi=list(tables.rencana_aksi), batas_waktu=deadline, kegiatan_area=kegiatan_area,
                        status_role={name: role for roles in roadmap.status_roles.values()
                                     for name, role in roles.items()},
                        instrumen=list(tables.instrumen_nilai))
    fig.catatan = build_catatan(fig)
    return fig
