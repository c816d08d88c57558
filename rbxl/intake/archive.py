"""The period's archive: every received file byte for byte under its SHA-256, and log.csv.

A period is cumulative, as submissions are in ODK Central: files received on different days,
from different folders or mailboxes, all count. `read_receipts` gives back every input the
period has received (the top-level files as they came, byte for byte from the archive, with
when rbxl first received them), so a run over a new folder re-reads them with the new files; a
file already logged from the same source is not received again (re-running is idempotent: no new
log line, the same outputs).

The copies and their log lines are written together: each copy goes to a temporary file
first, then the log is replaced, and only then are the copies renamed into place. A full disk
or a read-only folder therefore leaves neither a copy without its line nor a line without
its copy, and ends as an OutputError (exit 4).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.atomic import atomic_path, explain, write_text
from rbxl.core.errors import OutputError
from rbxl.core.findings import ERROR, WARNING
from rbxl.core.messages import message
from rbxl.core.paths import ARCHIVE_LOG, archive_dir
from rbxl.core.text import clean_text

LOG_FIELDS = ["waktu_periksa", "sumber", "nama_berkas", "sha256", "ukuran", "arsip", "unit", "putusan",
              "kesalahan", "peringatan", "waktu_berkas"]
# waktu_periksa: when rbxl received the file (the run that first archived it; the order in which a
# unit's files count, rbxl.checks.validate.arrival); waktu_berkas: the file's own time as it came (file
# time, zip entry time, e-mail Date), the tie-break inside one run. Logs written before
# waktu_berkas existed are read as they are (the column is added when the log is next written).
CONTAINER_VERDICT = "Wadah (zip/e-mail)"


def logged(text: str) -> str:
    """A text as log.csv holds it (control characters cleaned, the CSV-injection guard)."""
    from rbxl.core.text import csv_safe as _csv_safe

    return str(_csv_safe(clean_text(text)))


@dataclass
class Receipts:
    """What the period's archive knows: every input received earlier and the (source, SHA-256)
    pairs already logged."""

    inputs: list = field(default_factory=list)  # intake.Received, top-level files as received, oldest first
    seen: set[tuple[str, str]] = field(default_factory=set)  # (sumber as logged, sha256)
    missing: list[str] = field(default_factory=list)  # logged files whose copy is gone or altered

    def already(self, source: str, sha256: str) -> bool:
        return (logged(source), sha256) in self.seen


def _time(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_receipts(out: Path, tahun: int, periode: str) -> Receipts:
    """Every top-level input the period's log.csv names, with its bytes from the archive copy
    (checked against its SHA-256), the time rbxl first received it and the file's own time."""
    import hashlib

    from rbxl.intake import Received

    folder = archive_dir(out, tahun, periode)
    log = folder / "log.csv"
    got = Receipts()
    if not log.is_file():
        return got
    try:
        with open(log, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise OutputError(message("ARCHIVE_LOG_UNREADABLE", log=log, detail=err)) from err
    containers = [r.get("sumber") or "" for r in rows if r.get("putusan") == CONTAINER_VERDICT]
    firsts: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows:
        key = (r.get("sumber") or "", r.get("sha256") or "")
        got.seen.add(key)
        firsts.setdefault(key, r)
    for (source, sha), r in firsts.items():
        if any(source.startswith(c + "!/") for c in containers if c != source):
            continue  # inside a zip or e-mail: read again from its container
        copy = folder / (r.get("arsip") or "")
        try:
            data = copy.read_bytes() if r.get("arsip") else b""
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            got.missing.append(source)
            continue
        got.inputs.append(Received(source, r.get("nama_berkas") or copy.name, data, _time(r.get("waktu_berkas")),
                                   sha, received=_time(r.get("waktu_periksa"))))
    return got


def archive_name(sha256: str, name: str) -> str:
    """'<sha256><ext>': the extension only if it is a plain one (letters and digits)."""
    ext = Path(name).suffix.lower()
    return sha256 + (ext if re.fullmatch(r"\.[a-z0-9]{1,8}", ext) else ".bin")


def write_archive(report, out: Path) -> Path:
    """Copy every received file and append its log line; returns the archive folder."""
    from rbxl.core.text import csv_safe  # the OWASP guard of the csv/ tables, for the same reason

    folder = archive_dir(out, report.tahun, report.periode)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(explain(err, folder)) from err
    now = dt.datetime.now().replace(microsecond=0)
    log = folder / ARCHIVE_LOG
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    try:
        existing = ""
        if log.exists():  # newline="": the CRLF of earlier lines kept as written (read_text turned them into LF)
            with open(log, encoding="utf-8", newline="") as fh:
                existing = fh.read()
    except (OSError, UnicodeDecodeError) as err:
        raise OutputError(message("ARCHIVE_LOG_NOT_APPENDABLE", log=log, detail=err)) from err
    head, _, rest = existing.partition("\r\n") if "\r\n" in existing else existing.partition("\n")
    if not existing:
        w.writerow(LOG_FIELDS)
    elif head.split(",") != LOG_FIELDS and head.split(",") == LOG_FIELDS[:len(head.split(","))]:
        existing = ",".join(LOG_FIELDS) + "\r\n" + rest  # an older log: its header gains the new columns
    seen = {(r.get("sumber") or "", r.get("sha256") or "") for r in csv.DictReader(io.StringIO(existing))}
    rows = [(s.item, s.unit, s.verdict, sum(f.severity == ERROR for f in s.findings),
             sum(f.severity == WARNING for f in s.findings)) for s in report.submissions]
    rows += [(i, "", CONTAINER_VERDICT if i.note == "wadah" else f"Dilewati: {i.note}", 0, 0) for i in report.kept]
    copies: dict[Path, bytes] = {}
    for item, unit, verdict, n_err, n_warn in rows:
        key = (logged(item.source), item.sha256)
        if key in seen:
            continue  # received earlier (the period is cumulative): one line per file and source
        seen.add(key)
        target = folder / archive_name(item.sha256, item.name)
        if not target.exists() and target not in copies:  # every received file, even an empty one
            copies[target] = item.data
        when = getattr(item, "received", None) or now
        w.writerow([csv_safe(clean_text(v)) if isinstance(v, str) else v
                    for v in (when.isoformat(), item.source, item.name, item.sha256, len(item.data), target.name,
                              unit, verdict, n_err, n_warn, item.mtime.isoformat() if item.mtime else "")])
    with contextlib.ExitStack() as stack:
        for target, data in copies.items():
            tmp = stack.enter_context(atomic_path(target))
            tmp.write_bytes(data)
        write_text(log, existing + buf.getvalue())
    return folder
