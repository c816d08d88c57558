"""Fetch the units' returns from the office mailbox into <out>/<tahun>-<periode>/masuk/.

Headers and BODYSTRUCTURE of every message since the templates went out are read first; only a
message that carries a workbook (attached, zipped, or inside a forwarded message), or a sealed
part that may hold one (winmail.dat, S/MIME smime.p7m, PGP/MIME encrypted: validate opens or
names it), is downloaded, and saved whole as `<hash of its Message-ID>.eml`. The name is the resume point: a second run,
or a run after a dropped connection, downloads only what is not there yet, and nothing is ever
saved twice. Mail is never deleted, moved or marked read; `tandai` sets a keyword.
Then `rbxl periksa <out>/<tahun>-<periode>/masuk` works as on any folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.atomic import remove_stale, write_bytes, write_text
from rbxl.core.errors import MailError
from rbxl.core.messages import message
from rbxl.core.paths import email_dir, inbox_dir
from rbxl.core.values import format_date
from rbxl.mail.config import ImapSettings
from rbxl.mail.imap import Envelope, Mailbox
from rbxl.mail.sendlog import LOG_NAME, SendLog

LOG = "tarik-log.csv"
LOG_FIELDS = ["waktu", "uid", "message_id", "berkas", "ukuran", "pengirim", "subjek", "lampiran", "hasil",
              "keterangan"]
SAVED, SKIPPED, TOO_LARGE = "disimpan", "dilewati", "terlalu besar"


@dataclass
class Fetched:
    """One message that mattered: saved, or skipped with the reason."""

    uid: int
    message_id: str
    sender: str
    subject: str
    size: int
    lampiran: list[str]
    hasil: str
    keterangan: str = ""
    path: Path | None = None


@dataclass
class TarikResult:
    folder: Path
    mailbox: str
    since: dt.date | None
    examined: int = 0  # messages looked at (headers and structure)
    already: int = 0  # carried a workbook, saved by an earlier run
    outcomes: list[Fetched] = field(default_factory=list)
    since_note: str = ""

    @property
    def saved(self) -> list[Fetched]:
        return [f for f in self.outcomes if f.hasil == SAVED]

    @property
    def skipped(self) -> list[Fetched]:
        return [f for f in self.outcomes if f.hasil != SAVED]


def file_name(env: Envelope) -> str:
    """The message's file in masuk/: a hash of its Message-ID (of its headers when it has none)."""
    key = env.message_id.strip() or f"{env.sender}|{env.subject}|{env.date}|{env.size}"
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32] + ".eml"


def default_since(out: str | Path, tahun: int, periode: str) -> dt.date | None:
    """The day before the period's first template e-mail went out (a day's margin for time zones)."""
    first = SendLog(email_dir(out, tahun, periode) / LOG_NAME).first_sent()
    return (first.date() - dt.timedelta(days=1)) if first else None


def tarik(settings: ImapSettings, tahun: int, periode: str, out: str | Path, *, since: dt.date | None = None,
          tandai: bool = False, password: Callable[[str], str] | None = None,
          on_total: Callable[[int], None] | None = None, progress: Callable[[Fetched | None], None] | None = None,
          ) -> TarikResult:
    """Save every new message carrying a workbook into masuk/; see the module docstring.

    `progress` is called once per message that carries an attachment (None when it was already
    saved); a MailError (exit code 5) means the login was refused or the connection failed or
    dropped, and everything saved before that stays saved.
    """
    folder = inbox_dir(out, tahun, periode)
    remove_stale([folder])  # a killed tarik's half-written messages: masuk/ is tarik's own, every name rbxl's
    note = ""
    if since is None:
        since = default_since(out, tahun, periode)
        note = f"sejak {format_date(since)} (sehari sebelum template pertama dikirim, menurut log pengiriman)" \
            if since else "semua pesan di folder (log pengiriman periode ini belum ada; pakai --sejak untuk membatasi)"
    else:
        note = f"sejak {format_date(since)}"
    result = TarikResult(folder, f"{settings.user}@{settings.host}/{settings.folder}", since, since_note=note)
    limit = int(settings.max_mb * 2**20)
    log = _Log(email_dir(out, tahun, periode) / LOG)  # not in masuk/: validate reads every file there
    box = Mailbox(settings, password).open(writable=tandai)  # login refused: MailError, nothing to resume
    try:
        with box:
            uids = box.uids_since(since)
            result.examined = len(uids)
            envelopes = [e for e in box.envelopes(uids) if e.attachments]
            if on_total:
                on_total(len(envelopes))
            for env in envelopes:
                target = folder / file_name(env)
                if target.exists():
                    result.already += 1
                    if progress:
                        progress(None)
                    continue
                f = _one(box, env, target, limit, tandai)
                result.outcomes.append(f)
                log.add(f)
                if progress:
                    progress(f)
    except MailError as err:
        raise MailError(message("TARIK_STOPPED", reason=err, count=len(result.saved), folder=folder)) from err
    finally:
        log.save()
    return result


def _one(box: Mailbox, env: Envelope, target: Path, limit: int, tandai: bool) -> Fetched:
    names = [(p.filename or p.content_type) + (" (dalam pesan terusan)" if p.forwarded else "") for p in env.attachments]
    f = Fetched(env.uid, env.message_id, env.sender, env.subject, env.size, names, SKIPPED)
    if not env.workbooks:
        f.keterangan = "tidak ada lampiran lembar kerja"
        return f
    if env.size > limit:
        f.hasil = TOO_LARGE
        f.keterangan = f"ukuran {env.size / 2**20:.1f} MB melebihi batas {limit / 2**20:g} MB (max_mb); unduh manual"
        return f
    data = box.body(env.uid)
    f.path = write_bytes(target, data)  # atomic: a dropped connection never leaves half a message
    f.hasil = SAVED
    sealed = [p for p in env.workbooks if p.is_sealed]
    f.keterangan = "; ".join(filter(None, [
        f"{len(env.workbooks) - len(sealed)} lampiran lembar kerja/arsip" if len(sealed) < len(env.workbooks) else "",
        f"{', '.join(p.filename or p.content_type for p in sealed)} tertutup (winmail.dat/S/MIME/PGP): isinya dibuka "
        "atau disebut satu per satu oleh validate" if sealed else ""]))
    if tandai:
        box.flag(env.uid)
    return f


def _guard(v: str) -> str:
    """The unit-written fields (sender, subject, names) through the guard arsip/log.csv uses."""
    from rbxl.core.text import clean_text, csv_safe

    return str(csv_safe(clean_text(v)))


class _Log:
    """email/tarik-log.csv: one line per message that carried attachments, appended per run."""

    def __init__(self, path: Path):
        self.path = path
        self.rows: list[dict[str, str]] = []
        self.seen: set[tuple[str, str]] = set()
        if path.is_file():
            with open(path, newline="", encoding="utf-8-sig") as fh:
                for r in csv.DictReader(fh):
                    self.rows.append(r)
                    self.seen.add((r.get("message_id", ""), r.get("hasil", "")))  # as written
        self.changed = False

    def add(self, f: Fetched) -> None:
        key = (_guard(f.message_id), f.hasil)
        if key in self.seen and f.hasil != SAVED:
            return  # a message skipped for the same reason on every run is logged once
        self.seen.add(key)
        row = {"waktu": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "uid": str(f.uid),
               "message_id": f.message_id, "berkas": f.path.name if f.path else "",
               "ukuran": str(f.size), "pengirim": f.sender, "subjek": f.subject,
               "lampiran": "; ".join(f.lampiran), "hasil": f.hasil, "keterangan": f.keterangan}
        self.rows.append({k: _guard(v) for k, v in row.items()})
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        buf = io.StringIO()
        w = csv.DictWriter(buf, LOG_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        write_text(self.path, buf.getvalue())


__all__ = ["Fetched", "MailError", "TarikResult", "default_since", "file_name", "tarik"]
