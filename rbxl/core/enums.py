"""The fixed vocabularies of rbxl, each defined once: periods, verdicts, severities, states, roles.

Each is a StrEnum, so a member is also the plain string users see and files hold
(`Verdict.REJECTED == "Ditolak"`); code compares with members, never with typed words.
Status *names* are not here: they are the master's to decide (sheet Pilihan); only their
meaning (StatusRole) is fixed, and the master says which name carries which meaning.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Period(StrEnum):
    """A reporting period; the value is the code used in file names and the master."""

    TW1 = "TW1"
    TW2 = "TW2"
    TW3 = "TW3"
    TW4 = "TW4"
    S1 = "S1"
    S2 = "S2"
    TAHUNAN = "TAHUNAN"

    @property
    def label(self) -> str:
        """'Triwulan I': how the period is named on sheets and in messages."""
        return _PERIOD_LABEL[self]

    @property
    def end(self) -> str:
        """'31 Maret': the last day the period covers."""
        return _PERIOD_END[self]

    # --- the calendar: the one place that knows how periods follow each other ---------------
    @property
    def rank(self) -> int:
        """Order within a year, by when the period ends (TW1 < TW2 = S1 < TW3 < TW4 = S2 < TAHUNAN)."""
        return _PERIOD_RANK[self]

    @property
    def rhythm(self) -> tuple[Period, ...]:
        """The periods of the year this one belongs to: quarters, semesters, or the year alone."""
        for rhythm in RHYTHMS:
            if self in rhythm:
                return rhythm
        return (self,)

    @property
    def earlier(self) -> tuple[Period, ...]:
        """Earlier periods of the same year and rhythm, oldest first (TW3 -> TW1, TW2)."""
        rhythm = self.rhythm
        return rhythm[: rhythm.index(self)]

    @property
    def previous(self) -> Period | None:
        """The period just before this one in its rhythm (None for the first; TAHUNAN has none)."""
        return self.earlier[-1] if self.earlier else None

    @property
    def next(self) -> Period | None:
        """The period after this one in its year and rhythm (None for the last)."""
        rhythm = self.rhythm
        i = rhythm.index(self)
        return rhythm[i + 1] if i + 1 < len(rhythm) else None

    @property
    def closes_year(self) -> bool:
        """The last period of a quarterly or semester year (TW4, S2), which TAHUNAN follows."""
        return self in YEAR_END

    def first_day(self, tahun: int) -> dt.date:
        """The first day the period covers (1 April 2024 for TW2 2024)."""
        return dt.date(tahun, _PERIOD_FIRST_MONTH[self], 1)

    def last_day(self, tahun: int) -> dt.date:
        """The last day the period covers (30 June 2024 for TW2 2024)."""
        return dt.date(tahun, *_PERIOD_LAST_DAY[self])

    @property
    def second_half(self) -> bool:
        """Ends after 30 June: a row still not started then has half a year or less left."""
        return self in _SECOND_HALF


_PERIOD_LABEL = {Period.TW1: "Triwulan I", Period.TW2: "Triwulan II", Period.TW3: "Triwulan III",
                 Period.TW4: "Triwulan IV", Period.S1: "Semester I", Period.S2: "Semester II",
                 Period.TAHUNAN: "Tahunan"}
_PERIOD_RANK = {Period.TW1: 1, Period.TW2: 2, Period.S1: 3, Period.TW3: 4, Period.TW4: 5, Period.S2: 6,
                Period.TAHUNAN: 7}
RHYTHMS = ((Period.TW1, Period.TW2, Period.TW3, Period.TW4), (Period.S1, Period.S2), (Period.TAHUNAN,))
YEAR_END = (Period.TW4, Period.S2)
_SECOND_HALF = (Period.TW3, Period.TW4, Period.S2, Period.TAHUNAN)
_PERIOD_FIRST_MONTH = {Period.TW1: 1, Period.TW2: 4, Period.TW3: 7, Period.TW4: 10, Period.S1: 1, Period.S2: 7,
                       Period.TAHUNAN: 1}
_PERIOD_LAST_DAY = {Period.TW1: (3, 31), Period.TW2: (6, 30), Period.TW3: (9, 30), Period.TW4: (12, 31),
                    Period.S1: (6, 30), Period.S2: (12, 31), Period.TAHUNAN: (12, 31)}
_PERIOD_END = {Period.TW1: "31 Maret", Period.TW2: "30 Juni", Period.TW3: "30 September",
               Period.TW4: "31 Desember", Period.S1: "30 Juni", Period.S2: "31 Desember",
               Period.TAHUNAN: "31 Desember"}


class Capaian(StrEnum):
    """Whether an indicator's realisation reached its target (capaian >= 100)."""

    MET = "Tercapai"
    NOT_MET = "Belum tercapai"
    NO_DATA = "Belum ada data"


class Kepatuhan(StrEnum):
    """A unit's punctuality in one period, judged against the master's Jadwal deadline."""

    ON_TIME = "Tepat waktu"
    LATE = "Terlambat"
    TIME_UNKNOWN = "Waktu tidak diketahui"


YES, NO = "Ya", "Tidak"  # how a yes/no fact is written where users read it (sheets, CSV); booleans inside


def yes_no(flag: bool) -> str:
    return YES if flag else NO


NOT_REPORTED = "Belum dilaporkan"  # a row whose realisation or progress the unit left empty


class Severity(StrEnum):
    """How bad a finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """The Indonesian word shown to users ('Kesalahan')."""
        return {"error": "Kesalahan", "warning": "Peringatan", "info": "Info"}[self.value]


class Verdict(StrEnum):
    """What happened to one returned file (shown to users as it is)."""

    ACCEPTED = "Diterima"
    ACCEPTED_NOTES = "Diterima dengan catatan"
    NEEDS_FIX = "Perlu perbaikan"  # value errors: valid values are used, the unit must fix the rest
    REJECTED = "Ditolak"  # structure or identity errors: nothing from the file is used
    SUPERSEDED = "Digantikan"
    DUPLICATE = "Duplikat"

    @property
    def usable(self) -> bool:
        """Whether values from a file with this verdict may reach the consolidated data."""
        return self in (Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES, Verdict.NEEDS_FIX)


class Collection(StrEnum):
    """A unit's consolidation state when no usable file of it was chosen."""

    NOT_RETURNED = "Belum mengumpulkan"
    REJECTED_FILE = "Berkas ditolak"


class Role(StrEnum):
    """A unit's part in a rencana aksi row."""

    LEAD = "Utama"
    SUPPORT = "Pendukung"


class StatusRole(StrEnum):
    """What a status in the master's STATUS_AKSI / STATUS_DUKUNGAN list means.

    The value is what the master's Pilihan sheet holds in its 'Makna Status' column.
    """

    DONE = "SELESAI"
    IN_PROGRESS = "BERJALAN"
    NOT_STARTED = "BELUM"
    CANNOT = "TIDAK"

    @property
    def label(self) -> str:
        """A short Indonesian description (headers, messages)."""
        return _ROLE_LABEL[self]

    @property
    def short(self) -> str:
        """The one-character code of the Matriks sheet."""
        return _ROLE_SHORT[self]


# The order statuses are counted and charted in: done first, as the summary reads.
STATUS_ORDER = (StatusRole.DONE, StatusRole.IN_PROGRESS, StatusRole.NOT_STARTED, StatusRole.CANNOT)
_ROLE_LABEL = {StatusRole.DONE: "Selesai", StatusRole.IN_PROGRESS: "Sedang Berjalan",
               StatusRole.NOT_STARTED: "Belum Dimulai", StatusRole.CANNOT: "Tidak Dapat Dilaksanakan"}
_ROLE_SHORT = {StatusRole.DONE: "S", StatusRole.IN_PROGRESS: "B", StatusRole.NOT_STARTED: "-",
               StatusRole.CANNOT: "X"}
