"""Atomic output: write to a temporary file beside the target, then rename it into place.

Temporary files are named '.~rbxl-*': intake never reads them back, and a run that finds
ones left by a killed run removes them (`remove_stale`). Any failure to write (a read-only
folder, a full disk) becomes an OutputError (exit 4) with an Indonesian message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from rbxl.core.errors import OutputError
from rbxl.core.messages import OS_REASONS, message

TEMP_PREFIX = ".~rbxl-"
LOCK_NAME = ".rbxl.lock"  # the period folder's lock (rbxl/core/lock.py)
STALE_AFTER = 15 * 60  # seconds: no single output takes this long to write


def os_error_in(err: BaseException) -> OSError | None:
    """The OSError behind `err`, also when a library wrapped it (xlsxwriter's FileCreateError)."""
    seen = 0
    cur: BaseException | None = err
    while cur is not None and seen < 10:
        if isinstance(cur, OSError):
            return cur
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return None


# The one place an operating-system error becomes Indonesian: (why, what to do next), from the
# run-message catalogue. The system's own text (English, "Is a directory") never reaches the user.
_OS_REASONS = OS_REASONS
_WINERROR = {112: errno.ENOSPC, 32: errno.EBUSY, 33: errno.EBUSY, 5: errno.EACCES, 206: errno.ENAMETOOLONG}


def os_reason(err: OSError) -> tuple[str, str]:
    """(why, next step) in Indonesian for an operating-system error; never the system's English text."""
    code = _WINERROR.get(getattr(err, "winerror", None) or 0, err.errno)
    if code in _OS_REASONS:
        return _OS_REASONS[code]
    if isinstance(err, PermissionError):
        return _OS_REASONS[errno.EACCES]
    name = errno.errorcode.get(code or 0, "")
    why = (message("OS_ERROR_NAMED", name=name, code=code) if name else message("OS_ERROR_NUMBER", code=code)) \
        if code else message("OS_ERROR")
    return why, message("OS_ERROR_STEP")


def explain_read(err: OSError, target: Path | str) -> str:
    """An Indonesian sentence for a failed read, naming the file and the next step."""
    why, step = os_reason(err)
    return message("READ_FAILED", target=target, why=why, step=step)


def explain(err: OSError, target: Path | str) -> str:
    """An Indonesian sentence for a failed write, naming the file."""
    code = _WINERROR.get(getattr(err, "winerror", None) or 0, err.errno)
    if code == errno.ENOSPC:
        return message("WRITE_DISK_FULL", target=target)
    if isinstance(err, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return message("WRITE_NO_PERMISSION", target=target)
    why, step = os_reason(err)
    return message("WRITE_FAILED", target=target, why=why, step=step)


def file_mode() -> int:
    """The mode a new file gets under the current umask (0o644 under umask 022), as a plain open call would."""
    with _umask_guard:
        old = os.umask(0o077)
        os.umask(old)
    return 0o666 & ~old


_umask_guard = threading.Lock()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on failure it is removed.

    If the target is locked (Windows: the old file is open in Excel), the new file is kept
    as '<name> (baru).xlsx' and OutputError says so; nothing half-written is ever left.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as err:
        raise OutputError(explain(err, target.parent if not target.parent.is_dir() else target)) from err
    tmp = Path(name)
    try:
        yield tmp
        place(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        cause = os_error_in(err)
        if cause is not None and not isinstance(err, OutputError):
            raise OutputError(explain(cause, target)) from err
        raise


def place(tmp: Path, target: Path) -> Path:
    # mkstemp makes 0600 files; outputs get the mode any new file gets (the umask), so colleagues
    # on a shared folder can open them
    with contextlib.suppress(OSError):
        os.chmod(tmp, file_mode())
    try:
        os.replace(tmp, target)
        return target
    except PermissionError as err:
        alt = target.with_name(f"{target.stem} (baru){target.suffix}")
        try:
            os.replace(tmp, alt)
        except OSError:
            raise OutputError(explain(err, target)) from err
        raise OutputError(message("OUTPUT_LOCKED", target=target, alt=alt)) from err


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


# what mkstemp makes from TEMP_PREFIX (8 characters, then the target's suffix): rbxl's own temporary files
_OWN_TEMP = re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}(\.[A-Za-z0-9]{1,10})?")


def remove_stale(folders: list[Path], older_than: float = STALE_AFTER) -> list[Path]:
    """Remove temporary files a killed run left directly in `folders` (rbxl's own output folders);
    returns what was removed. Only names mkstemp gives rbxl's temporary files are removed, never in a
    subfolder (rbxl.core.lock leaves out the folders that are the run's inputs)."""
    removed = []
    now = time.time()
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        for path in Path(folder).iterdir():
            with contextlib.suppress(OSError):
                if (_OWN_TEMP.fullmatch(path.name) and path.is_file() and not path.is_symlink()
                        and now - path.stat().st_mtime > older_than):
                    path.unlink()
                    removed.append(path)
    return removed
