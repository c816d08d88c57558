"""kirim-log.csv: every message kirim sent, tried or drafted, and what came of it.

The log is what makes re-runs safe (a unit is not sent the same thing twice), what threads a
feedback or reminder to the template e-mail (its Message-ID), and what tells `tarik` since
when to look for returns (the time the period's templates went out).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.atomic import write_text
from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.mail.message import TEMPLATE

LOG_NAME = "kirim-log.csv"
LOG_FIELDS = ["waktu", "unit", "alamat", "berkas", "sha256", "message_id", "hasil", "keterangan", "jenis"]
TERKIRIM, GAGAL, DILEWATI, CONTOH = "terkirim", "gagal", "dilewati", "contoh"
SUDAH = "sudah terkirim"  # only in the result, never logged: the same file went out in an earlier run


@dataclass
class Outcome:
    unit: str
    nama: str
    alamat: str
    berkas: str
    hasil: str  # terkirim | gagal | dilewati | contoh | sudah terkirim
    keterangan: str = ""
    sha256: str = ""
    message_id: str = ""
    percobaan: int = 0
    eml: Path | None = None
    jenis: str = TEMPLATE


@dataclass
class KirimResult:
    tahun: int
    periode: str
    dry_run: bool
    folder: Path
    log: Path
    outcomes: list[Outcome] = field(default_factory=list)
    aborted: str = ""  # why sending stopped early (login refused, ...)
    jenis: str = TEMPLATE
    notes: list[str] = field(default_factory=list)  # what the operator must know (no sender set, ...)

    def _with(self, hasil: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.hasil == hasil]

    @property
    def sent(self) -> list[Outcome]:
        return self._with(TERKIRIM)

    @property
    def failed(self) -> list[Outcome]:
        return self._with(GAGAL)

    @property
    def skipped(self) -> list[Outcome]:
        return self._with(DILEWATI)

    @property
    def already_sent(self) -> list[Outcome]:
        return self._with(SUDAH)

    @property
    def drafts(self) -> list[Outcome]:
        return self._with(CONTOH)

    @property
    def dry_run_paths(self) -> list[Path]:
        return [o.eml for o in self.drafts if o.eml]

    @property
    def ok(self) -> bool:
        return not self.failed


class SendLog:
    """kirim-log.csv: read once, rewritten atomically after every message."""

    def __init__(self, path: Path):
        self.path = path
        self.rows: list[dict[str, str]] = []
        if path.is_file():
            try:
                with open(path, newline="", encoding="utf-8-sig") as fh:
                    self.rows = [dict(r) for r in csv.DictReader(fh)]
            except (UnicodeDecodeError, csv.Error) as err:
                raise UsageError(message("SENDLOG_UNREADABLE", path=path, detail=err)) from None

    def _sent(self, unit: str | None = None, jenis: str = TEMPLATE) -> list[dict[str, str]]:
        # rows written before the 'jenis' column existed are template e-mails
        return [r for r in self.rows if r.get("hasil") == TERKIRIM and (r.get("jenis") or TEMPLATE) == jenis
                and (unit is None or r.get("unit") == unit)]

    def sent_before(self, unit: str, sha256: str, jenis: str = TEMPLATE) -> dict[str, str] | None:
        for row in reversed(self._sent(unit, jenis)):
            if row.get("sha256") == sha256:
                return row
        return None

    def thread_id(self, unit: str) -> str:
        """The Message-ID of the last template e-mail sent to the unit, or ''."""
        rows = self._sent(unit)
        return rows[-1].get("message_id", "") if rows else ""

    def first_sent(self) -> dt.datetime | None:
        """When the period's first template e-mail went out (tarik looks for returns since then)."""
        times = []
        for row in self._sent():
            try:
                times.append(dt.datetime.fromisoformat(row.get("waktu", "")))
            except ValueError:
                continue
        return min(times) if times else None

    def add(self, o: Outcome) -> None:
        when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.rows.append({"waktu": when, "unit": o.unit, "alamat": o.alamat, "berkas": o.berkas,
                          "sha256": o.sha256, "message_id": o.message_id, "hasil": o.hasil,
                          "keterangan": o.keterangan, "jenis": o.jenis})
        buf = io.StringIO()
        w = csv.DictWriter(buf, LOG_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        write_text(self.path, buf.getvalue())
