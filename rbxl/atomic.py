"""Atomic output: write to a temporary file beside the target, then rename it into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on failure it is removed.

    If the target is locked (Windows: the old file is open in Excel), the new file is kept
    as '<name> (baru).xlsx' and OutputError says so; nothing half-written is ever left.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"Folder {target.parent} tidak dapat dibuat: {err}") from err
    fd, name = tempfile.mkstemp(prefix=".~rbxl-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        place(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def place(tmp: Path, target: Path) -> Path:
    try:
        os.replace(tmp, target)
        return target
    except PermissionError as err:
        alt = target.with_name(f"{target.stem} (baru){target.suffix}")
        try:
            os.replace(tmp, alt)
        except OSError:
            raise OutputError(f"Tidak dapat menulis {target}: {err}") from err
        raise OutputError(f"{target} sedang terbuka/terkunci; hasil baru disimpan sebagai {alt}.") from err


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))
