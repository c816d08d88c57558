"""The period's archive: every received file byte for byte under its SHA-256, and log.csv.

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
from pathlib import Path

from rbxl.core.atomic import atomic_path, explain, write_text
from rbxl.core.errors import OutputError
from rbxl.core.findings import ERROR, WARNING
from rbxl.core.paths import archive_dir
from rbxl.core.text import clean_text

LOG_FIELDS = ["waktu_periksa", "sumber", "nama_berkas", "sha256", "ukuran", "arsip", "unit", "putusan",
              "kesalahan", "peringatan"]


def archive_name(sha256: str, name: str) -> str:
    """'<sha256><ext>': the extension only if it is a plain one (letters and digits)."""
    ext = Path(name).suffix.lower()
    return sha256 + (ext if re.fullmatch(r"\.[a-z0-9]{1,8}", ext) else ".bin")


def write_archive(report, out: Path) -> Path:
    """Copy every received file and append its log line; returns the archive folder."""
    from rbxl.core.text import csv_safe as _csv_safe

    folder = archive_dir(out, report.tahun, report.periode)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(explain(err, folder)) from err
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    log = folder / "log.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    try:
        existing = log.read_text(encoding="utf-8") if log.exists() else ""
    except (OSError, UnicodeDecodeError) as err:
        raise OutputError(f"{log} tidak dapat dibaca untuk ditambah: {err}") from err
    if not existing:
        w.writerow(LOG_FIELDS)
    rows = [(s.item, s.unit, s.verdict, sum(f.severity == ERROR for f in s.findings),
             sum(f.severity == WARNING for f in s.findings)) for s in report.submissions]
    rows += [(i, "", "Wadah (zip/e-mail)" if i.note == "wadah" else f"Dilewati: {i.note}", 0, 0) for i in report.kept]
    copies: dict[Path, bytes] = {}
    for item, unit, verdict, n_err, n_warn in rows:
        target = folder / archive_name(item.sha256, item.name)
        if not target.exists():  # every received file, even an empty one
            copies[target] = item.data
        w.writerow([_csv_safe(clean_text(v)) if isinstance(v, str) else v
                    for v in (now, item.source, item.name, item.sha256, len(item.data), target.name, unit, verdict,
                              n_err, n_warn)])
    with contextlib.ExitStack() as stack:
        for target, data in copies.items():
            tmp = stack.enter_context(atomic_path(target))
            tmp.write_bytes(data)
        write_text(log, existing + buf.getvalue())
    return folder
