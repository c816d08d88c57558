"""Collect returned files from folders, zips and e-mails, in a stable order, bytes in memory.

Nothing here follows a symbolic link found inside an input (walk.py opens every file without
following one), reads rbxl's own outputs back, or lets one broken input stop the others: each
input ends as items or as findings. Every input unpacks against one Budget, and the run holds at
most MAX_RUN_BYTES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from rbxl.core.atomic import os_reason
from rbxl.core.findings import Finding, finding
from rbxl.core.text import safe_filename
from rbxl.intake.guard import (
    CONTAINER_EXT,
    MAX_CONTAINER_DEPTH,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED,
    MAX_ZIP_MEMBERS,
    OLE_MAGIC,
    SPREADSHEET_EXT,
    ZIP_MAGIC,
    ZIP_METHODS,
    Budget,
    read_member,
    short,
    too_large,
)
from rbxl.intake.mail import Mail, from_address, parse_isolated
from rbxl.intake.model import Received, Rejected
from rbxl.intake.walk import FILE, LINK, Entry, Tree, is_link_error
from rbxl.intake.zipcheck import BROKEN, ambiguity

JUNK_NAMES = {"desktop.ini", "thumbs.db", ".ds_store"}
MAX_NAME = 200  # characters of a received file's name as kept (longer names are shortened, not lost)
MAX_RUN_BYTES = 200 * 2**20  # bytes of received files one run holds in memory


def safe_name(raw: str) -> tuple[str, bool]:
    """Base name without any directory part, shortened if long; True when it was changed.

    True when the raw name tried to leave its folder, or had to be shortened or cleaned, so
    the unit is told under which name its file was kept.
    """
    raw = raw or "lampiran"
    base = PureWindowsPath(PurePosixPath(raw.replace("\\", "/")).name).name
    name = safe_filename(base, MAX_NAME, fallback="lampiran")
    parts = re.split(r"[\\/]", raw)
    unsafe = raw.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", raw)) or len(base) > MAX_NAME
    return name, unsafe


class _Run:
    """What one collect() call gathers, and the bytes it may still hold."""

    def __init__(self, already: Callable[[str, str], bool] | None = None) -> None:
        self.items: list[Received] = []
        self.findings: list[Finding] = []
        self.bytes_left = MAX_RUN_BYTES
        self.already = already  # (source, sha256) received earlier in the period: not received again

        self.mail: dict[str, Mail] = {}  # e-mails parsed ahead in one pool of workers, by sha256

    def hold(self, source: str, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            raise too_large(source, f"jumlah seluruh kiriman melebihi {MAX_RUN_BYTES // 2**20} MB dalam satu kali "
                                    "pemeriksaan; periksa kiriman dalam beberapa bagian")


def _under(path: Path, folders: list[Path]) -> bool:
    """`path` is one of `folders` or inside one (each path resolved once, not once per folder)."""
    return any(path.is_relative_to(x) for x in folders)


def collect(paths: list[str | Path], exclude: list[Path] | None = None,
            already: Callable[[str, str], bool] | None = None) -> tuple[list[Received], list[Finding]]:
    """Every workbook under the given files, folders, zips and e-mails, in a stable order.

    Paths in `exclude` (rbxl's own outputs: archive, templates, reports) are never read back.
    A path named on the command line is read even if it is a link; links found inside a
    folder, or swapped in while the run reads, are recorded as skipped and not followed (walk.py).
    A file for which `already(source, sha256)` is true was received earlier in the period
    (rbxl.intake.archive.Receipts) and is left out.
    """
    run = _Run(already)
    with Tree([Path(p) for p in paths], exclude) as tree:
        run.findings += tree.findings
        run.mail = _parse_mails(tree, [e for e in tree.entries if e.kind == FILE and e.path.suffix.lower() == ".eml"])
        for entry in tree.entries:
            if entry.kind == FILE:
                _guarded(tree, entry, run)
            elif entry.kind == "missing":
                run.findings.append(finding("FILE_UNREADABLE", file=display(entry.path),
                                            detail="berkas atau folder tidak ditemukan"))
            elif entry.kind:
                run.findings.append(finding("FILE_SKIPPED", file=display(entry.path), detail=entry.kind))
    return run.items, run.findings


def collect_received(inputs: list[Received]) -> tuple[list[Received], list[Finding]]:
    """The period's earlier inputs, from their archive copies, unpacked exactly as when they came."""
    run = _Run()
    for item in inputs:
        reason = _skip_reason(item.name)
        if reason and not Path(item.name).suffix and item.data[:8].startswith((ZIP_MAGIC, OLE_MAGIC)):
            reason = None
        try:
            run.hold(item.source, len(item.data))
            if reason:
                run.findings.append(finding("FILE_SKIPPED", file=item.source, detail=reason))
                run.items.append(Received(item.source, item.name, item.data, item.mtime, item.sha256, note=reason,
                                          received=item.received))
            else:
                _add(item, run, 0, Budget())
        except Rejected as rej:
            run.findings.append(rej.finding)
    return run.items, run.findings



def _parse_mails(tree: Tree, entries: list[Entry]) -> dict[str, Mail]:
    """The e-mails named or found in folders, parsed ahead in one pool of workers (by sha256).

    A message read again later with other bytes, or found inside a zip, is parsed on its own.
    """
    jobs, total = [], 0
    for entry in entries:
        try:
            data = tree.read(entry, MAX_FILE_BYTES)[0]
        except OSError:
            continue  # reported when the file is read in turn
        if len(data) > MAX_FILE_BYTES or total + len(data) > MAX_RUN_BYTES:
            continue
        total += len(data)
        jobs.append((data, display(entry.path), MAX_UNCOMPRESSED))
    if not jobs:
        return {}
    return {hashlib.sha256(data).hexdigest(): mail for (data, _, _), mail in
            zip(jobs, parse_isolated(jobs), strict=True)}


def display(path: Path | str) -> str:
    """A path as text that can be written anywhere (undecodable bytes of a name become U+FFFD)."""
    return re.sub("[\ud800-\udfff]", "\ufffd", str(path))


def _guarded(tree: Tree, entry: Entry, run: _Run) -> None:
    """One input: a broken one becomes a finding, never the end of the run."""
    try:
        _from_file(tree, entry, run)
    except Rejected as rej:
        run.findings.append(rej.finding)
    except OSError as err:  # the system's English text never reaches the unit
        run.findings.append(_os_finding(entry.path, err))
    except Exception as err:
        run.findings.append(finding("FILE_UNREADABLE", file=display(entry.path), detail=short(err)))


def _os_finding(path: Path, err: OSError) -> Finding:
    """A file that could not be read: a link swapped in since it was listed is skipped, never followed."""
    if is_link_error(err):
        return finding("FILE_SKIPPED", file=display(path), detail=LINK)
    return finding("FILE_UNREADABLE", file=display(path), detail=os_reason(err)[0])


def _skip_reason(name: str) -> str | None:
    low = name.lower()
    if low.startswith("~$") or low.startswith(".~lock."):
        return "berkas kunci Office/LibreOffice, bukan hasil isian"
    if low in JUNK_NAMES or low.startswith("._"):
        return "berkas sistem"
    ext = Path(low).suffix
    if ext not in SPREADSHEET_EXT | CONTAINER_EXT:
        return f"bukan lembar kerja ({ext or 'tanpa ekstensi'})"
    return None


def _file_time(seconds: float) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError):
        return None


def _read(tree: Tree, entry: Entry, run: _Run) -> tuple[bytes, dt.datetime | None]:
    data, mtime = tree.read(entry, MAX_FILE_BYTES)  # at most one byte more: the file may grow while read
    if len(data) > MAX_FILE_BYTES:
        raise too_large(display(entry.path), f"ukuran lebih dari {MAX_FILE_BYTES // 2**20} MB")
    run.hold(display(entry.path), len(data))
    return data, _file_time(mtime)


def _from_file(tree: Tree, entry: Entry, run: _Run) -> None:
    path = entry.path
    source, name = display(path), safe_filename(path.name, MAX_NAME)
    reason = _skip_reason(path.name)
    if reason and not path.suffix and tree.head(entry).startswith((ZIP_MAGIC, OLE_MAGIC)):
        reason = None  # a workbook whose extension was lost on the way (some mail clients do this)
    if reason:
        if path.name.lower().startswith(("~$", ".~lock.")) or path.name.lower() in JUNK_NAMES:
            run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
            return  # editor and system clutter is not something a unit sent
        try:  # kept in the archive, e.g. a cover letter
            data, mtime = _read(tree, entry, run)
            item = Received(source, name, data, mtime, note=reason)
            if not (run.already and run.already(source, item.sha256)):
                run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
                run.items.append(item)
        except OSError as err:
            run.findings.append(_os_finding(path, err) if is_link_error(err) else
                                finding("FILE_SKIPPED", file=source, detail=reason))
        except Rejected:
            run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
        return
    try:
        data, mtime = _read(tree, entry, run)
    except OSError as err:
        run.findings.append(_os_finding(path, err))
        return
    item = Received(source, name, data, mtime)
    if run.already and run.already(source, item.sha256):
        run.bytes_left += len(data)
        return  # this very file was received earlier; the period already has it from its archive
    _add(item, run, 0, Budget())


def _add(item: Received, run: _Run, depth: int, budget: Budget) -> None:
    ext = item.ext
    if ext in CONTAINER_EXT and depth == 0:  # the zip or e-mail as received goes to the archive too
        run.items.append(Received(item.source, item.name, item.data, item.mtime, item.sha256, note="wadah",
                                  received=item.received, sent=item.sent, by_mail=item.by_mail))
    try:
        if ext == ".zip":
            _from_zip(item, run, depth, budget)
        elif ext == ".eml":
            _from_eml(item, run, depth, budget)
        elif ext == ".msg":
            _from_msg(item, run, depth, budget)
        else:
            run.items.append(item)
    except Rejected as rej:
        if depth and budget.spent:
            raise  # one finding for the whole input, from its outermost level
        run.findings.append(rej.finding)


def _nested(parent: Received, raw_name: str, data: bytes, mtime, run: _Run, depth: int, budget: Budget,
            mail: tuple[dt.datetime | None] | None = None, sender: str | None = None) -> None:
    """One member of a zip or e-mail; it keeps the e-mail sender of its container (`sender` when
    it is the attachment of a message)."""
    name, unsafe = safe_name(raw_name)
    source = display(f"{parent.source}!/{raw_name}")
    if unsafe:
        run.findings.append(finding("FILE_UNSAFE_NAME", file=source, value=display(raw_name), detail=name))
    reason = _skip_reason(name)
    if reason:
        run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
        return
    if depth + 1 > MAX_CONTAINER_DEPTH and Path(name).suffix.lower() in CONTAINER_EXT:
        run.findings.append(finding("FILE_TOO_LARGE", file=source, detail="arsip bersarang terlalu dalam"))
        return
    if Path(name).suffix.lower() not in CONTAINER_EXT:
        run.hold(source, len(data))
        _charge_package(data, source, budget)
    sent, by_mail = (mail[0], True) if mail else (parent.sent, parent.by_mail)  # an e-mail's Date reaches its zips
    _add(Received(source, name, data, mtime, received=parent.received, sent=sent, by_mail=by_mail,
                  sender=parent.sender if sender is None else sender), run, depth + 1, budget)


def _charge_package(data: bytes, source: str, budget: Budget) -> None:
    """An xlsx/ods inside a zip or e-mail unpacks against the same budget as its container.

    Only its central directory is read here (the declared sizes); the worker's guard holds
    the package to them.
    """
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception:  # a broken package is the worker's to report, with its own finding
        return
    budget.take(source, sum(i.file_size for i in infos), len(infos))


def _from_zip(item: Received, run: _Run, depth: int, budget: Budget) -> None:
    """Every member, each against the input's budget; once it is spent, every member left is named."""
    zf, infos = _open_container_zip(item)
    with zf:
        files = [info for info in infos if not info.is_dir()]
        for n, info in enumerate(files):
            if budget.spent:
                _not_checked(item, [i.filename for i in files[n:]], run)
                return
            source = display(f"{item.source}!/{info.filename}")
            try:
                budget.take(source, 0)
                if _skip_reason(safe_name(info.filename)[0]):
                    _nested(item, info.filename, b"", None, run, depth, budget)
                    continue
                if info.flag_bits & 0x1:
                    raise Rejected(finding("FILE_ENCRYPTED", file=source))
                if info.compress_type not in ZIP_METHODS:
                    raise Rejected(finding("FILE_UNREADABLE", file=source,
                                           detail=f"metode kompresi {info.compress_type} tidak dikenal"))
                if info.file_size > MAX_FILE_BYTES:
                    raise too_large(source, f"ukuran {info.file_size // 2**20} MB setelah diekstrak")
                data = read_member(zf, info, MAX_FILE_BYTES, source, budget)
                _nested(item, info.filename, data, _zip_time(info), run, depth, budget)
            except Rejected as rej:
                run.findings.append(rej.finding)  # names this member (the one that spent the budget, if it is spent)


def _open_container_zip(item: Received) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """A zip of returns with one reading (zipcheck); sizes, encryption and method are checked per member."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
        infos = zf.infolist()
    except Exception as err:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail=f"zip rusak ({short(err)})")) from err
    ambiguous = ambiguity(item.data, zf, infos, package=False)
    if ambiguous:
        zf.close()
        raise Rejected(finding("FILE_UNREADABLE" if ambiguous == BROKEN else "FILE_ZIP_AMBIGUOUS",
                               file=item.source, detail=ambiguous))
    return zf, infos


def _zip_time(info: zipfile.ZipInfo) -> dt.datetime | None:
    try:
        return dt.datetime(*info.date_time) if info.date_time[0] >= 1980 else None
    except (ValueError, TypeError):  # month 0, day 32: the header's date is not a date
        return None


def _from_eml(item: Received, run: _Run, depth: int, budget: Budget) -> None:
    """Every file the message carries, wherever it nests (mail.py), each checked against the budget.

    Files past the budget are named one by one, never dropped silently.
    """
    mail = run.mail.pop(item.sha256, None) if depth == 0 else None
    if mail is None:
        [mail] = parse_isolated([(item.data, item.source, max(budget.bytes_left, 0))])
    run.findings += mail.findings
    if not mail.files and not mail.findings and not mail.not_checked:
        run.findings.append(finding("FILE_SKIPPED", file=item.source, detail="e-mail tanpa lampiran"))
    names = [path + raw for path, raw, _ in mail.files] + mail.not_checked
    # a forwarded message inside an e-mail counts as sent by whoever sent it to the office
    sender = item.sender if item.sender is not None else mail.sender
    for n, (path, raw_name, payload) in enumerate(mail.files):
        try:
            budget.take(item.source, len(payload))
        except Rejected:
            _not_checked(item, names[n:], run)
            return
        try:
            _nested(item, path + raw_name, payload, mail.when, run, depth, budget, mail=(mail.when,), sender=sender)
        except Rejected as rej:
            if not budget.spent:
                raise
            run.findings.append(rej.finding)  # names this attachment
            _not_checked(item, names[n + 1:], run)
            return
    _not_checked(item, mail.not_checked, run)


MAX_NOT_CHECKED_NAMED = 100  # files past the budget named one finding each; the rest are listed in one more


def _not_checked(item: Received, names: list[str], run: _Run) -> None:
    why = (f"batas isi satu kiriman ({MAX_ZIP_MEMBERS} berkas di dalam arsip, {MAX_UNCOMPRESSED // 2**20} MB) "
           "sudah habis oleh berkas sebelumnya")
    for name in names[:MAX_NOT_CHECKED_NAMED]:
        run.findings.append(finding("FILE_NOT_CHECKED", file=display(f"{item.source}!/{name}"), detail=why))
    rest = names[MAX_NOT_CHECKED_NAMED:]
    if rest:  # the list is cut at core.text.MAX_ECHO characters, as every echoed text
        run.findings.append(finding("FILE_NOT_CHECKED", file=item.source,
                                    detail=f"{why}; juga {len(rest)} berkas lain di dalamnya: {', '.join(rest)}"))


def _from_msg(item: Received, run: _Run, depth: int, budget: Budget) -> None:
    try:
        import extract_msg
    except ImportError:
        run.findings.append(finding("FILE_SKIPPED", file=item.source,
                                    detail="berkas Outlook .msg butuh paket extract-msg (pip install 'rbxl[msg]')"))
        return
    attachments = []
    sender: str | None = None
    try:
        msg = extract_msg.openMsg(io.BytesIO(item.data))
        from_header = getattr(msg, "sender", None)
        if isinstance(from_header, str):
            sender = from_address(from_header)
        for att in msg.attachments:
            raw_name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or ""
            data = att.data if isinstance(att.data, bytes) else b""
            if raw_name and data:
                budget.take(item.source, len(data))
                attachments.append((raw_name, data))
    except Rejected:
        raise
    except Exception as err:
        run.findings.append(finding("FILE_UNREADABLE", file=item.source, detail=f"berkas .msg rusak: {short(err)}"))
        return
    for raw_name, data in attachments:
        _nested(item, raw_name, data, None, run, depth, budget, mail=(None,), sender=sender)
