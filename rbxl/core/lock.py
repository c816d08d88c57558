"""One run at a time per period folder: a lock file held while a run writes there.

Two runs into the same --out used to interleave their read-modify-write of arsip/log.csv and
lose lines. `filelock` is used rather than hand-written fcntl/msvcrt code: it is the
well-kept cross-platform lock (Windows and POSIX) that pip's own tool chain relies on, and
the lock is released by the operating system when a run is killed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from rbxl.core.atomic import LOCK_NAME, explain, remove_stale
from rbxl.core.errors import OutputError
from rbxl.core.messages import message
from rbxl.core.paths import output_folders, period_dir

WAIT_SECONDS = float(os.environ.get("RBXL_LOCK_WAIT", "10"))  # a second run waits this long, then stops

_held: dict[Path, int] = {}  # re-entrant within one process: consolidate calls validate
_guard = threading.Lock()


@contextlib.contextmanager
def period_lock(out: str | Path, tahun: int, periode: str, wait: float | None = None,
                inputs: list[str | Path] | None = None) -> Iterator[Path]:
    """Hold <out>/<tahun>-<periode>/.rbxl.lock; clean temporary files a killed run left behind in the
    period's output folders (never inside the run's `inputs`)."""
    from filelock import FileLock, Timeout

    folder = period_dir(out, tahun, periode)
    key = folder.resolve()
    with _guard:
        if key in _held:
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield folder
        finally:
            with _guard:
                _held[key] -= 1
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / LOCK_NAME), timeout=WAIT_SECONDS if wait is None else wait)
        lock.acquire()
    except Timeout as err:
        raise OutputError(message("LOCK_BUSY", folder=folder, lock=LOCK_NAME)) from err
    except OSError as err:
        raise OutputError(explain(err, folder)) from err
    with _guard:
        _held[key] = 1
    try:
        remove_stale(_not_inputs(output_folders(out, tahun, periode), out, inputs or []))
        yield folder
    finally:
        with _guard:
            _held.pop(key, None)
        lock.release()


def _not_inputs(folders: list[Path], out: str | Path, inputs: list[str | Path]) -> list[Path]:
    """The output folders that are not the run's inputs: inputs are never modified, so a unit's file
    named like rbxl's temporary file in an input folder stays (walk.py names it in a finding).

    A folder is an input when it is named as one, or lies inside one (unless --out itself lies
    inside that input: then the output folders are rbxl's, and never read as inputs)."""
    out_abs = Path(out).absolute()
    named = [Path(p).absolute() for p in inputs]
    return [f for f in folders if not any(
        f.absolute() == k or (f.absolute().is_relative_to(k) and not out_abs.is_relative_to(k)) for k in named)]
