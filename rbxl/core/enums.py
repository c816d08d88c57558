"""The fixed vocabularies of rbxl, each defined once: periods, verdicts, severities, states, roles.

Each is a StrEnum, so a member is also the plain string users see and files hold
(`Verdict.REJECTED == "Ditolak"`); code compares with members, never with typed words.
Status *names* are not here: they are the master's to decide (sheet Pilihan); only their
meaning (StatusRole) is fixed, and the master says which name carries which meaning.
"""

from __future__ import annotations

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


_PERIOD_LABEL = {Period.TW1: "Triwulan I", Period.TW2: "Triwulan II", Period.TW3: "Triwulan III",
                 Period.TW4: "Triwulan IV", Period.S1: "Semester I", Period.S2: "Semester II",
                 Period.TAHUNAN: "Tahunan"}
_PERIOD_END = {Period.TW1: "31 Maret", Period.TW2: "30 Juni", Period.TW3: "30 September",
               Period.TW4: "31 Desember", Period.S1: "30 Juni", Period.S2: "31 Desember",
               Period.TAHUNAN: "31 Desember"}


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
