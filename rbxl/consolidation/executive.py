"""The executive view of a period: where each area stands, what changed since the previous period,
and which units need attention, computed once from the figures view for every rendering.

The laporan's first page, each Pokja packet, the dashboard's first screen and the Ringkasan sheet
lay this one object out; the rule that gives an area its status is written here once (RULE)
and printed beside the status wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rbxl.consolidation.figures import PeriodFigures
from rbxl.consolidation.tables import NO_DATA, NOT_RETURNED
from rbxl.core.enums import STATUS_ORDER, Period, StatusRole
from rbxl.core.values import format_number

ON_TRACK, ATTENTION, LAGGING, NO_PROGRESS = "Sesuai rencana", "Perlu perhatian", "Tertinggal", NO_DATA
AREA_STATES = (ON_TRACK, ATTENTION, LAGGING, NO_PROGRESS)
MARGIN = 10.0  # percentage points under the expected progress an area may be and still only need attention


def expected_progress(periode: str) -> float:
    """The share of the year's work due by the end of the period, in percent: the months it covers
    of twelve (TW1 25, TW2 and S1 50, TW3 75, TW4, S2 and TAHUNAN 100)."""
    return Period(periode).last_day(2001).month / 12 * 100


def rule_text(periode: str) -> str:
    """The status rule in words, as every rendering prints it beside the statuses."""
    e = expected_progress(periode)
    return (f"Harapan {Period(periode).label}: rata-rata progres {format_number(e, 0)}% (bagian tahun yang sudah "
            f"berjalan). {ON_TRACK}: rata-rata progres mencapai harapan dan tidak turun dari periode sebelumnya. "
            f"{ATTENTION}: kurang dari {format_number(MARGIN, 0)} poin di bawah harapan, turun dari periode "
            f"sebelumnya, atau kurang dari separuh baris melaporkan progres. {LAGGING}: {format_number(MARGIN, 0)} "
            f"poin atau lebih di bawah harapan.")


@dataclass(frozen=True)
class Earlier:
    """The previous period of the year as the riwayat store (or its snapshot) holds it: what the
    change since then is computed against."""

    periode: str
    overall: float | None  # mean progress of PD utama rows, all areas
    areas: dict[str, float | None]  # area code -> mean progress
    no_data: frozenset[str]  # units without usable data in that period
    rows: dict[tuple[str, str], tuple[float | None, str]]  # (unit, row code) -> (progress, status) of PD utama rows


def earlier_of(fig: PeriodFigures) -> Earlier:
    """An Earlier from a period's own figures (the snapshot path, when there is no store)."""
    return Earlier(fig.periode, fig.headline.rencana_aksi.mean_progress,
                   {a.kode: a.rencana_aksi.mean_progress for a in fig.areas},
                   frozenset(u.unit for u in fig.units if not u.data_dipakai),
                   {(r.get("unit", ""), r.get("kode", "")): (_num(r.get("progres")), r.get("status") or "")
                    for r in fig.utama_rows()})


@dataclass(frozen=True)
class AreaStatus:
    kode: str
    nama: str
    mean: float | None  # mean progress of the area's PD utama rows this period
    covered: int  # rows the mean covers
    total: int  # PD utama rows of the area
    before: float | None  # the same mean in the previous period
    status: str  # one of AREA_STATES
    reasons: tuple[str, ...]  # why, in words (empty when on track)

    @property
    def change(self) -> float | None:
        return None if self.mean is None or self.before is None else self.mean - self.before

    @property
    def fell(self) -> bool:
        return self.change is not None and self.change < 0


@dataclass(frozen=True)
class RowChange:
    kode: str
    before: object  # progress (number) or status (text) in the previous period
    now: object


@dataclass(frozen=True)
class Attention:
    """A unit that needs attention, with every reason that applies."""

    unit: str
    nama: str
    not_returned: str = ""  # '' or the unit's state: Belum mengumpulkan / Berkas ditolak
    twice: bool = False  # no usable data in this period and in the previous one
    lowered: tuple[RowChange, ...] = ()  # PD utama rows whose progress went down
    reopened: tuple[RowChange, ...] = ()  # rows done before and not done now
    not_started: tuple[str, ...] = ()  # row codes still not started in the second half of the year

    def reasons(self, not_started_word: str, previous_label: str = "periode sebelumnya") -> list[str]:
        out = []
        if self.not_returned:
            out.append(self.not_returned + (f" (juga {previous_label})" if self.twice else ""))
        if self.lowered:
            shown = ", ".join(f"{c.kode} {format_number(_num(c.before), 1)}→{format_number(_num(c.now), 1)}"
                              for c in self.lowered[:4])
            more = f" dan {format_number(len(self.lowered) - 4)} lainnya" if len(self.lowered) > 4 else ""
            out.append(f"progres turun pada {format_number(len(self.lowered))} baris ({shown}{more})")
        if self.reopened:
            out.append(f"{format_number(len(self.reopened))} baris dibuka kembali ("
                       + ", ".join(c.kode for c in self.reopened[:4]) + ")")
        if self.not_started:
            out.append(f"{format_number(len(self.not_started))} baris masih {not_started_word} pada semester kedua")
        return out


@dataclass(frozen=True)
class Executive:
    tahun: int
    periode: str
    expected: float  # the expected mean progress at the end of the period (percent)
    rule: str
    previous: str | None  # the previous period's code, None without history
    overall: AreaStatus  # the whole Pemda (or the Pokja's area), same rule
    areas: list[AreaStatus]
    attention: list[Attention]
    units_expected: int
    units_returned: int  # units whose data is used
    not_started_word: str = ""  # the master's name for a row not started
    area: str | None = None  # None: the whole Pemda; an area code: narrowed to that area
    by_status: dict[str, list[AreaStatus]] = field(default_factory=dict)

    @property
    def fell(self) -> list[AreaStatus]:
        return [a for a in self.areas if a.fell]

    @property
    def not_returned(self) -> list[Attention]:
        return [a for a in self.attention if a.not_returned]


def _num(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def judge(mean: float | None, before: float | None, covered: int, total: int, expected: float) -> tuple[str, tuple[str, ...]]:
    """An area's status by RULE (rule_text), with the reasons in words."""
    if mean is None:
        return NO_PROGRESS, ("belum ada baris yang melaporkan progres",)
    reasons = []
    if mean < expected - MARGIN:
        status = LAGGING
        reasons.append(f"{format_number(expected - mean, 1)} poin di bawah harapan {format_number(expected, 0)}%")
    elif mean < expected:
        status = ATTENTION
        reasons.append(f"{format_number(expected - mean, 1)} poin di bawah harapan {format_number(expected, 0)}%")
    else:
        status = ON_TRACK
    if before is not None and mean < before:
        reasons.append("turun dari periode sebelumnya")
        status = ATTENTION if status == ON_TRACK else status
    if total and covered * 2 < total:
        reasons.append(f"hanya {format_number(covered)} dari {format_number(total)} baris melaporkan progres")
        status = ATTENTION if status == ON_TRACK else status
    return status, tuple(reasons)


def executive(fig: PeriodFigures, earlier: Earlier | None = None, area: str | None = None) -> Executive:
    """The executive view of the period, of the whole Pemda or (with `area`) of one Pokja's area:
    its rows, and the units that lead its rows or belong to its Pokja."""
    expected = expected_progress(fig.periode)
    before_areas = earlier.areas if earlier else {}
    areas = []
    for a in fig.areas if area is None else [fig.area(area)]:
        ra = a.rencana_aksi
        before = before_areas.get(a.kode)
        areas.append(AreaStatus(a.kode, a.nama, ra.mean_progress, ra.covered, ra.total, before,
                                *judge(ra.mean_progress, before, ra.covered, ra.total, expected)))
    if area is None:
        ra = fig.headline.rencana_aksi
        before = earlier.overall if earlier else None
        overall = AreaStatus("", "Seluruh area", ra.mean_progress, ra.covered, ra.total, before,
                             *judge(ra.mean_progress, before, ra.covered, ra.total, expected))
    else:
        overall = areas[0]
    units = list(fig.units) if area is None else fig.area_units(area)
    roles = fig.status_role
    not_started = {n for n, r in roles.items() if r == StatusRole.NOT_STARTED}
    second_half = Period(fig.periode).second_half
    rows_now: dict[str, list[dict]] = {}
    for r in fig.utama_rows(area):
        rows_now.setdefault(r.get("unit", ""), []).append(r)
    attention = []
    for u in units:
        lowered, reopened, late = [], [], []
        for r in rows_now.get(u.unit, []):
            kode, p1, s1 = r.get("kode", ""), _num(r.get("progres")), r.get("status") or ""
            p0, s0 = earlier.rows.get((u.unit, kode), (None, "")) if earlier else (None, "")
            if p0 is not None and p1 is not None and p1 < p0:
                lowered.append(RowChange(kode, p0, p1))
            if roles.get(s0) == StatusRole.DONE and s1 and roles.get(s1) != StatusRole.DONE:
                reopened.append(RowChange(kode, s0, s1))
            if second_half and s1 in not_started:
                late.append(kode)
        state = "" if u.data_dipakai else (u.putusan or NOT_RETURNED)
        twice = bool(state) and earlier is not None and u.unit in earlier.no_data
        if state or lowered or reopened or late:
            attention.append(Attention(u.unit, u.nama, state, twice, tuple(lowered), tuple(reopened), tuple(late)))
    # units without data first, then by how much went wrong
    attention.sort(key=lambda a: (not a.not_returned, not a.twice, -(len(a.lowered) + len(a.reopened) + len(a.not_started))))
    by_status = {s: [a for a in areas if a.status == s] for s in AREA_STATES}
    word = fig.statuses[STATUS_ORDER.index(StatusRole.NOT_STARTED)]
    return Executive(fig.tahun, fig.periode, expected, rule_text(fig.periode), earlier.periode if earlier else None,
                     overall, areas, attention, len(units), sum(u.data_dipakai for u in units), word, area, by_status)
