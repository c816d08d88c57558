"""Collect returned files from folders, zips and e-mails, in a stable order, bytes in memory.

Nothing here follows a symbolic link found inside an input, reads rbxl's own temporary or
lock files back, or lets one broken input stop the others: each input ends as items or as
findings. Every input unpacks against one Budget, and the run holds at most MAX_RUN_BYTES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from rbxl.core.atomic import LOCK_NAME, TEMP_PREFIX
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
    folder are recorded as skipped and not followed. A file for which `already(source, sha256)`
    is true was received earlier in the period (rbxl.intake.archive.Receipts) and is left out.
    """
    run = _Run(already)
    skip = [x.resolve() for x in exclude or []]
    todo: list[tuple[Path, str]] = []  # (path, 'file' | why skipped | '' | 'missing'), in the order read
    for p in paths:
        p = Path(p)
        if p.is_dir():
            todo += [(sub, kind) for sub, kind in _walk(p) if not (skip and _under(sub.resolve(), skip))]
        elif p.is_file():
            todo.append((p, "file"))
        else:
            todo.append((p, "missing"))
    run.mail = _parse_mails([path for path, kind in todo if kind == "file" and path.suffix.lower() == ".eml"])
    for path, kind in todo:
        if kind == "file":
            _guarded(path, run)
        elif kind == "missing":
            run.findings.append(finding("FILE_UNREADABLE", file=display(path), detail="berkas atau folder tidak ditemukan"))
        elif kind:
            run.findings.append(finding("FILE_SKIPPED", file=display(path), detail=kind))
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



def _parse_mails(paths: list[Path]) -> dict[str, Mail]:
    """The e-mails named or found in folders, parsed ahead in one pool of workers (by sha256).

    A message read again later with other bytes, or found inside a zip, is parsed on its own.
    """
    jobs, total = [], 0
    for path in paths:
        try:
            if path.stat().st_size > MAX_FILE_BYTES or total + path.stat().st_size > MAX_RUN_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue  # reported when the file is read in turn
        total += len(data)
        jobs.append((data, display(path), MAX_UNCOMPRESSED))
    if not jobs:
        return {}
    return {hashlib.sha256(data).hexdigest(): mail for (data, _, _), mail in
            zip(jobs, parse_isolated(jobs), strict=True)}


def display(path: Path | str) -> str:
    """A path as text that can be written anywhere (undecodable bytes of a name become U+FFFD)."""
    return re.sub("[\ud800-\udfff]", "\ufffd", str(path))


def _walk(root: Path):
    """(path, 'file' | why it is skipped | '') under root, sorted, never through a link."""
    out = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        for d in list(dirs):
            if _is_link(base / d):
                out.append((base / d, "tautan simbolik/junction ke folder, tidak diikuti"))
                dirs.remove(d)
        for f in files:
            path = base / f
            if f == LOCK_NAME or f.startswith(TEMP_PREFIX):
                out.append((path, ""))  # rbxl's own lock and unfinished temporary files
            elif _is_link(path):
                out.append((path, "tautan simbolik, tidak diikuti dan tidak diarsipkan"))
            else:
                try:
                    regular = stat.S_ISREG(path.lstat().st_mode)
                except OSError:
                    regular = False
                out.append((path, "file" if regular else "bukan berkas biasa (perangkat/pipa), tidak dibaca"))
    return sorted(out, key=lambda x: str(x[0]))


def _is_link(path: Path) -> bool:
    is_junction = getattr(path, "is_junction", None)  # Windows junctions (Python 3.12+)
    return path.is_symlink() or bool(is_junction and is_junction())


def _guarded(path: Path, run: _Run) -> None:
    """One input: a broken one becomes a finding, never the end of the run."""
    try:
        _from_file(path, run)
    except Rejected as rej:
        run.findings.append(rej.finding)
    except OSError as err:  # the system's English text never reaches the unit
        from rbxl.core.atomic import os_reason

        run.findings.append(finding("FILE_UNREADABLE", file=display(path), detail=os_reason(err)[0]))
    except Exception as err:
        run.findings.append(finding("FILE_UNREADABLE", file=display(path), detail=short(err)))


def _looks_like_workbook(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


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


def _read(path: Path, run: _Run) -> tuple[bytes, dt.datetime | None]:
    st = path.stat()
    if st.st_size > MAX_FILE_BYTES:
        raise too_large(display(path), f"ukuran {st.st_size // 2**20} MB")
    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)  # the file may grow after stat()
    if len(data) > MAX_FILE_BYTES:
        raise too_large(display(path), f"ukuran lebih dari {MAX_FILE_BYTES // 2**20} MB")
    run.hold(display(path), len(data))
    return data, _file_time(st.st_mtime)


def _from_file(path: Path, run: _Run) -> None:
    source, name = display(path), safe_filename(path.name, MAX_NAME)
    reason = _skip_reason(path.name)
    if reason and not path.suffix and _looks_like_workbook(path):
        reason = None  # a workbook whose extension was lost on the way (some mail clients do this)
    if reason:
        if path.name.lower().startswith(("~$", ".~lock.")) or path.name.lower() in JUNK_NAMES:
            run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
            return  # editor and system clutter is not something a unit sent
        try:  # kept in the archive, e.g. a cover letter
            data, mtime = _read(path, run)
            item = Received(source, name, data, mtime, note=reason)
            if not (run.already and run.already(source, item.sha256)):
                run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
                run.items.append(item)
        except (OSError, Rejected):
            run.findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
        return
    try:
        data, mtime = _read(path, run)
    except OSError as err:
        run.findings.append(finding("FILE_UNREADABLE", file=source, detail=short(err)))
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
    zf, infos = _open_container_zip(item, budget)
    with zf:
        for info in infos:
            if info.is_dir():
                continue
            source = display(f"{item.source}!/{info.filename}")
            if _skip_reason(safe_name(info.filename)[0]):
                _nested(item, info.filename, b"", None, run, depth, budget)
                continue
            try:
                if info.flag_bits & 0x1:
                    raise Rejected(finding("FILE_ENCRYPTED", file=source))
                if info.compress_type not in ZIP_METHODS:
                    raise Rejected(finding("FILE_UNREADABLE", file=source,
                                           detail=f"metode kompresi {info.compress_type} tidak dikenal"))
                if info.file_size > MAX_FILE_BYTES:
                    raise too_large(source, f"ukuran {info.file_size // 2**20} MB setelah diekstrak")
                data = read_member(zf, info, MAX_FILE_BYTES, source, budget)
            except Rejected as rej:
                if budget.spent:
                    raise  # the input's budget is spent: stop unpacking it
                run.findings.append(rej.finding)
                continue
            _nested(item, info.filename, data, _zip_time(info), run, depth, budget)


def _open_container_zip(item: Received, budget: Budget) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """A zip of returns: sizes and count are checked here, encryption and method per member."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
        infos = zf.infolist()
    except Exception as err:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail=f"zip rusak ({short(err)})")) from err
    try:
        budget.take(item.source, 0, len(infos))
    except Rejected:
        zf.close()
        raise
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


def _not_checked(item: Received, names: list[str], run: _Run) -> None:
    for name in names:
        run.findings.append(finding("FILE_NOT_CHECKED", file=display(f"{item.source}!/{name}"),
                                    detail=f"batas isi satu kiriman ({MAX_ZIP_MEMBERS} berkas di dalam arsip, "
                                           f"{MAX_UNCOMPRESSED // 2**20} MB) sudah habis oleh lampiran sebelumnya"))


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
