"""Drive a real LibreOffice (``soffice``) from tests.

Tests open the workbooks the tool writes in LibreOffice, re-save them as
xlsx/ods/xls/pdf/csv and, with ``recalc=True``, make LibreOffice recalculate
every formula on load so that the recalculated values can be compared with the
cached values the tool wrote.

How recalculation is forced: LibreOffice does not recalculate xlsx formulas on
load by default (it keeps the cached ``<v>`` values, and it ignores
``fullCalcOnLoad="1"``, which xlsxwriter writes). Every call therefore runs
soffice with its own user profile
(``-env:UserInstallation=file:///...``), whose
``user/registrymodifications.xcu`` sets
``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` and
``ODFRecalcMode`` to 0 (always recalculate) for ``recalc=True``, or to 1
(never recalculate) for ``recalc=False``. The value is set explicitly in both
cases, so the result doesn't depend on LibreOffice's built-in defaults.

What ``recalc=False`` keeps (measured with LibreOffice 7.4.7):

* xlsx input: the cached values are kept, even though xlsxwriter writes
  ``fullCalcOnLoad="1"``. ``recalc=True`` recalculates every formula.
* ods input: ``recalc=True`` recalculates every formula. ``recalc=False``
  keeps the cached values only if the document's own settings.xml has
  ``AutoCalculate=false``. LibreOffice itself writes ``AutoCalculate=true``,
  and with it the formulas are recalculated anyway on load/save, whatever
  ODFRecalcMode says.
* xls input: LibreOffice always recalculates, whatever the flag.

Profiles: one profile directory per (recalc flag, process id), created on first
use below one temporary directory per process and reused for the rest of the
process (the first start with a fresh profile is a bit slower). They are
deleted at interpreter exit. Calls that share a profile are serialised by a
lock because two soffice processes must not share a profile. Separate
processes (for example pytest-xdist workers) get separate profiles.

Guarantees of :func:`convert` / :func:`convert_many`:

* The input is never modified or touched: each input is copied into a private
  work directory, and soffice reads only that copy. LibreOffice's
  ``.~lock.*#`` files are therefore never created next to the source.
* ``outdir`` must differ from the input's directory (``ValueError``
  otherwise). An output that would have the path of an input is also refused.
* soffice writes into a fresh private directory. Its results are moved into
  ``outdir`` only after the run, so a stale file already in ``outdir`` can
  never pass for a new result. (An existing file of the same name in
  ``outdir`` is replaced.)
* Failure raises :class:`SofficeError` (a ``RuntimeError``) that contains the
  command line, the exit code and soffice's stdout/stderr. Failure means a
  missing or empty input, a non-zero exit, a missing or empty output, or a
  timeout. A timeout kills the whole soffice process group and throws away the
  profile that was in use. Note that soffice exits with 0 when it cannot load
  a file (it only prints ``Error: source file could not be loaded``), so the
  check for missing output is what catches corrupt inputs.
* 0-byte inputs are refused: LibreOffice would silently turn them into a blank
  document.

Environment of the soffice process: ``SAL_USE_VCLPLUGIN=svp`` (headless
rendering without X), stdin from /dev/null, and ``HOME`` replaced by a
temporary directory if it is unset or not writable.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "FORMATS",
    "SofficeError",
    "available",
    "convert",
    "convert_many",
    "profile_dir",
    "soffice_path",
]

#: fmt -> (extension of the output file, argument of ``--convert-to``)
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("xlsx", "xlsx:Calc MS Excel 2007 XML"),
    "ods": ("ods", "ods"),
    "xls": ("xls", "xls:MS Excel 97"),
    "pdf": ("pdf", "pdf:calc_pdf_Export"),
    "csv": ("csv", "csv"),
}

_XCU_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""
_RECALC_ALWAYS = 0
_RECALC_NEVER = 1

# Seconds to wait for the killed process group's pipes to close.
_KILL_GRACE = 10.0


class SofficeError(RuntimeError):
    """soffice failed, timed out, or did not produce the expected output."""


# --------------------------------------------------------------------------
# discovery


def soffice_path() -> str | None:
    """Absolute path of ``soffice`` on PATH, or None."""
    return shutil.which("soffice")


def available() -> bool:
    """True if ``soffice`` is found on PATH."""
    return soffice_path() is not None


# --------------------------------------------------------------------------
# per-process state: temp root, profiles, locks

_state_lock = threading.Lock()
_root_dir: Path | None = None
_root_pid: int | None = None
_profiles: dict[tuple[bool, int], Path] = {}
_profile_locks: dict[tuple[bool, int], threading.Lock] = {}
_profile_generation = 0


def _root() -> Path:
    """Temp directory that belongs to this process (created lazily, removed at exit).

    Caller must hold ``_state_lock``.
    """
    global _root_dir, _root_pid
    pid = os.getpid()
    if _root_dir is None or _root_pid != pid:
        # New process (or a fork): never reuse or delete the parent's directory.
        _root_dir = Path(tempfile.mkdtemp(prefix=f"soffice-{pid}-"))
        _root_pid = pid
        _profiles.clear()
        _profile_locks.clear()
    return _root_dir


@atexit.register
def _cleanup() -> None:
    if _root_dir is not None and _root_pid == os.getpid():
        shutil.rmtree(_root_dir, ignore_errors=True)


def _write_profile(path: Path, recalc: bool) -> None:
    user = path / "user"
    user.mkdir(parents=True, exist_ok=True)
    xcu = user / "registrymodifications.xcu"
    tmp = user / f".registrymodifications.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(
        _XCU_TEMPLATE.format(mode=_RECALC_ALWAYS if recalc else _RECALC_NEVER),
        encoding="utf-8",
    )
    os.replace(tmp, xcu)


def _profile(recalc: bool) -> tuple[Path, threading.Lock, tuple[bool, int]]:
    global _profile_generation
    key = (bool(recalc), os.getpid())
    with _state_lock:
        root = _root()
        path = _profiles.get(key)
        if path is None:
            _profile_generation += 1
            name = f"profile-{'recalc' if recalc else 'norecalc'}-{_profile_generation}"
            path = root / name
            _write_profile(path, recalc)
            _profiles[key] = path
            _profile_locks[key] = threading.Lock()
        return path, _profile_locks[key], key


def _discard_profile(key: tuple[bool, int], path: Path) -> None:
    """Throw away a profile after a killed run (it may hold stale locks)."""
    with _state_lock:
        if _profiles.get(key) == path:
            del _profiles[key]
    shutil.rmtree(path, ignore_errors=True)


def profile_dir(recalc: bool = False) -> Path:
    """The profile directory soffice uses for this recalc flag in this process."""
    return _profile(recalc)[0]


def _env() -> dict[str, str]:
    env = os.environ.copy()
    env["SAL_USE_VCLPLUGIN"] = "svp"
    home = env.get("HOME")
    if not home or not os.path.isdir(home) or not os.access(home, os.W_OK | os.X_OK):
        with _state_lock:
            fake_home = _root() / "home"
        fake_home.mkdir(exist_ok=True)
        env["HOME"] = str(fake_home)
    return env


# --------------------------------------------------------------------------
# running soffice


def _kill_group(proc: subprocess.Popen) -> None:
    # Only called while proc (the group leader, started with
    # start_new_session=True) has not been reaped yet, so the group id is ours.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace").strip()


def _report(
    what: str, cmd: Sequence[str], rc: int | None, out: str, err: str, elapsed: float
) -> str:
    return (
        f"{what}\n"
        f"  command: {subprocess.list2cmdline(cmd)}\n"
        f"  exit code: {rc}, elapsed: {elapsed:.1f}s\n"
        f"  stdout: {out or '<empty>'}\n"
        f"  stderr: {err or '<empty>'}"
    )


def _run(
    cmd: list[str], timeout: float, key: tuple[bool, int], profile: Path
) -> tuple[int, str, str, float]:
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        start_new_session=True,  # own process group: oosplash + soffice.bin
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        try:
            out, err = proc.communicate(timeout=_KILL_GRACE)
        except subprocess.TimeoutExpired:
            out, err = b"", b""
        proc.wait()
        _discard_profile(key, profile)
        raise SofficeError(
            _report(
                f"soffice timed out after {timeout:g}s (process group killed)",
                cmd,
                proc.returncode,
                _decode(out),
                _decode(err),
                time.monotonic() - start,
            )
        ) from None
    except BaseException:  # KeyboardInterrupt etc.: do not leave soffice behind
        _kill_group(proc)
        proc.wait()
        _discard_profile(key, profile)
        raise
    return proc.returncode, _decode(out), _decode(err), time.monotonic() - start


def _check_fmt(fmt: str) -> tuple[str, str]:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unsupported format {fmt!r}; expected one of {sorted(FORMATS)}") from None


def convert_many(
    srcs: Sequence[Path | str],
    fmt: str,
    outdir: Path | str,
    *,
    recalc: bool = False,
    timeout: float = 300,
) -> list[Path]:
    """Convert several files with a single soffice run.

    Returns the output paths (``outdir/<input stem>.<fmt>``) in input order.
    Raises SofficeError if any input is missing or empty, if soffice fails or
    times out, or if any output is missing. The outputs that were produced are
    still moved into ``outdir`` before the error is raised, to help debugging.
    Raises ValueError for a bad ``fmt``, for ``outdir`` equal to an input's
    directory, and for two inputs that would produce the same output name.
    """
    ext, filter_arg = _check_fmt(fmt)
    if not srcs:
        return []
    outdir = Path(outdir).resolve()

    inputs: list[Path] = []
    for s in srcs:
        p = Path(s).resolve()
        if not p.is_file():
            raise SofficeError(f"input file not found: {s}")
        if p.stat().st_size == 0:
            raise SofficeError(
                f"input file is empty: {s} (LibreOffice would silently open a blank document)"
            )
        if p.parent == outdir:
            raise ValueError(
                f"outdir must differ from the input's directory ({outdir}); "
                "soffice output could otherwise overwrite the input"
            )
        inputs.append(p)

    targets = [outdir / f"{p.stem}.{ext}" for p in inputs]
    if len(set(targets)) != len(targets):
        raise ValueError(
            f"several inputs would produce the same output name in {outdir}: "
            f"{[t.name for t in targets]}"
        )
    clobbered = set(targets) & set(inputs)
    if clobbered:
        raise ValueError(f"output would overwrite an input: {sorted(map(str, clobbered))}")

    exe = soffice_path()
    if exe is None:
        raise SofficeError("soffice not found on PATH")

    outdir.mkdir(parents=True, exist_ok=True)
    profile, lock, key = _profile(recalc)
    with _state_lock:
        root = _root()
    work = Path(tempfile.mkdtemp(prefix="job-", dir=root))
    try:
        copies: list[Path] = []
        for i, p in enumerate(inputs):
            d = work / "in" / str(i)  # one dir per input: same names from different dirs
            d.mkdir(parents=True)
            copy = d / p.name
            shutil.copyfile(p, copy)
            copies.append(copy)
        out_tmp = work / "out"
        out_tmp.mkdir()

        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--convert-to",
            filter_arg,
            "--outdir",
            str(out_tmp),
            *map(str, copies),
        ]
        with lock:
            rc, out, err, elapsed = _run(cmd, timeout, key, profile)

        produced = [out_tmp / t.name for t in targets]
        missing = [
            str(src)
            for src, prod in zip(inputs, produced, strict=True)
            if not prod.is_file() or prod.stat().st_size == 0
        ]
        for prod, target in zip(produced, targets, strict=True):
            if prod.is_file():
                shutil.move(str(prod), str(target))
        if rc != 0 or missing:
            what = f"soffice --convert-to {filter_arg} failed"
            if missing:
                what += f"; no output for: {', '.join(missing)}"
            if rc != 0:
                what += f"; exit code {rc}"
            raise SofficeError(_report(what, cmd, rc, out, err, elapsed))
        return targets
    finally:
        shutil.rmtree(work, ignore_errors=True)


def convert(
    src: Path | str,
    fmt: str,
    outdir: Path | str,
    *,
    recalc: bool = False,
    timeout: float = 180,
) -> Path:
    """Open ``src`` in LibreOffice and save it as ``fmt`` into ``outdir``.

    ``fmt`` is one of "xlsx", "ods", "xls", "pdf", "csv" (csv: first sheet,
    LibreOffice's default options). ``recalc=True`` makes LibreOffice
    recalculate every formula when it loads xlsx or ods input. Returns
    ``outdir/<src stem>.<fmt>``. Raises SofficeError (a RuntimeError) with
    soffice's output on failure, and ValueError if ``outdir`` is src's
    directory.
    """
    return convert_many([src], fmt, outdir, recalc=recalc, timeout=timeout)[0]
