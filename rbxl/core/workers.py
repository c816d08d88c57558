"""Run one function over many files, each file alone in a worker with a deadline and a memory cap.

A file may make a parser panic, abort the process, allocate without end or never return. Each
worker takes one file at a time over its own pipe; the parent waits on every pipe and every
worker's exit at once, with the nearest deadline as timeout, so nothing it waits for can hang
it. A worker that dies or runs past the deadline is killed and replaced, and only its file gets
a failure. Workers die with their parent: PR_SET_PDEATHSIG on Linux, and everywhere a thread
that waits on the parent's sentinel and an EOF on the pipe when idle. The memory cap is
RLIMIT_AS where `resource` exists; elsewhere (Windows) the parent polls each worker's memory.
The same code runs under the `fork` and `spawn` start methods.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rbxl.core.messages import message

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

FILE_SECONDS = float(os.environ.get("RBXL_FILE_SECONDS", "60"))  # per file; a template takes < 1 s
RUN_MEMORY = 1 << 30  # the whole run: parent and workers together
MIN_WORKER_MEMORY = 256 << 20
BOOT_SECONDS = 120  # a worker that cannot start in this time is broken, not slow


@dataclass
class Failure:
    """Why a worker gave no result for a file: 'timeout', 'died' or 'error' (with detail)."""

    kind: str
    detail: str = ""


# --- worker side ---------------------------------------------------------------------------

def _worker_main(conn: Connection, parent_pid: int, initializer: Callable[..., object], initargs: tuple[Any, ...],
                 func: Callable[[Any], Any], memory: int) -> None:
    _die_with_parent(parent_pid)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    initializer(*initargs)
    if memory and not cap_memory(memory):
        memory = 0
    if not os.environ.get("RBXL_WORKER_STDERR"):
        _quiet_stderr()
    try:
        conn.send((None, "ready"))  # the file's clock starts now, not while Python starts up (spawn)
    except (EOFError, OSError):
        os._exit(0)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            os._exit(0)
        if msg is None:
            os._exit(0)
        idx, item = msg
        try:
            reply: Any = ("ok", func(item))
        except BaseException as err:  # func reports its own failures; this only keeps the worker honest
            if isinstance(err, (KeyboardInterrupt, SystemExit)):
                os._exit(1)
            reply = ("error", f"{type(err).__name__}: {err}"[:300])
        try:
            conn.send((idx, reply))
        except (EOFError, OSError):
            os._exit(0)
        except Exception as err:  # a result that cannot be pickled
            conn.send((idx, ("error", f"{type(err).__name__}: {err}"[:300])))


def _quiet_stderr() -> None:
    """A reader's panic message and backtrace (which may quote the file) stay off the user's screen.

    Every failure becomes the file's finding instead; RBXL_WORKER_STDERR=1 keeps them for debugging.
    A fault handler inherited from the parent (pytest enables one) writes to its own copy of the
    old stderr, so it is switched off too.
    """
    import faulthandler

    faulthandler.disable()
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: the kernel kills us with the parent
    if os.name == "posix" and os.getppid() != parent_pid:  # (Wine 8.0 lacks what getppid needs on Windows)
        os._exit(1)  # the parent died before the line above
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="rbxl-parent-watch", daemon=True).start()


def cap_memory(extra: int) -> bool:
    """Cap this process's address space at what it uses now plus `extra`; False if it cannot."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            vm = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (vm + extra, vm + extra))
        return True
    except (OSError, ValueError, ImportError, AttributeError):
        return False


def can_cap_memory() -> bool:
    try:
        import resource

        return hasattr(resource, "RLIMIT_AS") and os.path.exists("/proc/self/statm")
    except ImportError:
        return False


def rss(pid: int) -> int | None:
    """Resident memory of a process in bytes, where the platform tells it without extra packages."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    if os.name == "nt":  # pragma: no cover - Windows only
        with contextlib.suppress(Exception):
            import ctypes
            from ctypes import wintypes

            class Counters(ctypes.Structure):
                _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                    (n, ctypes.c_size_t) for n in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                                                   "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                                                   "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage")]

            handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]  # QUERY_LIMITED_INFORMATION
            try:
                c = Counters()
                c.cb = ctypes.sizeof(c)
                if ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(c), c.cb):  # type: ignore[attr-defined]
                    return int(c.WorkingSetSize)
            finally:
                ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
    return None


# --- parent side ---------------------------------------------------------------------------

class _Worker:
    def __init__(self, ctx: BaseContext, initializer: Callable[..., object], initargs: tuple[Any, ...],
                 func: Callable[[Any], Any], memory: int) -> None:
        parent_end, child_end = ctx.Pipe()
        args = (child_end, os.getpid(), initializer, initargs, func, memory)
        self.proc = ctx.Process(target=_worker_main, args=args, daemon=True, name="rbxl-pemeriksa")  # type: ignore[attr-defined]
        self.proc.start()
        child_end.close()
        self.conn = parent_end
        self.idx: int | None = None
        self.ready = False
        self.started = time.monotonic()

    def give(self, idx: int, item: Any) -> None:
        self.idx, self.started = idx, time.monotonic()
        self.conn.send((idx, item))

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


def share_memory(workers: int) -> tuple[int, int]:
    """(workers, memory each may add): the run's budget less the parent, shared out, so that no
    more workers run than the budget holds at MIN_WORKER_MEMORY each."""
    left = RUN_MEMORY - (rss(os.getpid()) or (200 << 20))
    n = max(1, min(workers, left // MIN_WORKER_MEMORY))
    return n, max(MIN_WORKER_MEMORY, left // n)


class _Pool:
    """The parent's bookkeeping of one map_isolated call: workers, the queue, results, deadlines."""

    def __init__(self, func: Callable[[Any], Any], items: Sequence[Any], initializer: Callable[..., object],
                 initargs: tuple[Any, ...], workers: int, failed: Callable[[Any, Failure], Any],
                 progress: Callable[[], None] | None, seconds: float, memory: int | None, start_method: str | None):
        import multiprocessing as mp

        self.func, self.items, self.failed, self.progress, self.seconds = func, items, failed, progress, seconds
        self.initializer, self.initargs = initializer, initargs
        self.n, share = share_memory(max(1, min(workers, len(items))))
        self.ctx = mp.get_context(start_method or default_start_method())
        self.memory = share if memory is None else memory
        self.capped = can_cap_memory()  # else the parent watches each worker's memory itself
        self.results: dict[int, Any] = {}
        self.queue = collections.deque(range(len(items)))
        self.retries: dict[int, int] = {}
        self.pool: list[_Worker] = []
        self.boot_failures = 0

    @property
    def running(self) -> bool:
        return bool(self.queue) or any(w.idx is not None for w in self.pool)

    def finish(self, idx: int, value: Any) -> None:
        self.results[idx] = value
        if self.progress:
            self.progress()

    def drop(self, w: _Worker, why: Failure | None) -> None:
        idx = w.idx
        w.kill()
        self.pool.remove(w)
        if idx is not None and why is not None:
            self.finish(idx, self.failed(self.items[idx], why))

    # --- one round: start workers, hand out files, wait for the nearest event ----------------
    def fill(self) -> None:
        while self.queue and len(self.pool) < self.n:
            self.pool.append(_Worker(self.ctx, self.initializer, self.initargs, self.func,
                                     self.memory if self.capped else 0))

    def dispatch(self) -> None:
        while self.queue and any(w.ready and w.idx is None for w in self.pool):
            idle = next(w for w in self.pool if w.ready and w.idx is None)
            idx = self.queue.popleft()
            try:
                idle.give(idx, self.items[idx])
            except (OSError, EOFError):  # the worker died while idle: not this file's fault, once
                idle.idx = None
                self.drop(idle, None)
                self.retries[idx] = self.retries.get(idx, 0) + 1
                if self.retries[idx] > 1:
                    self.finish(idx, self.failed(self.items[idx], Failure("died")))
                else:
                    self.queue.appendleft(idx)

    def wait(self) -> None:
        from multiprocessing.connection import wait

        busy = [w for w in self.pool if w.idx is not None or not w.ready]
        if not busy:
            return
        now = time.monotonic()
        timeout = max(0.0, min(w.started + (self.seconds if w.ready else BOOT_SECONDS) for w in busy) - now)
        if not self.capped:
            timeout = min(timeout, 0.25)
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
        for w in busy:
            if w.conn in ready or w.proc.sentinel in ready:
                self.answer(w)
            elif not w.ready:
                if time.monotonic() - w.started > BOOT_SECONDS:
                    raise RuntimeError(message("WORKERS_CANNOT_START"))
            elif time.monotonic() - w.started > self.seconds:
                self.drop(w, Failure("timeout", f"{self.seconds:g}"))
            elif not self.capped and (rss(w.proc.pid) or 0) > self.memory:
                self.drop(w, Failure("died", "memori"))

    def answer(self, w: _Worker) -> None:
        """A worker's pipe or process has something: its result, its start-up, or its death."""
        try:
            if not w.conn.poll():
                raise EOFError
            idx, reply = w.conn.recv()
        except Exception:  # EOF, a broken pickle: the worker died on this file (or starting)
            if not w.ready:
                self.boot_failures += 1
            self.drop(w, Failure("died") if w.ready else None)
            if self.boot_failures >= 3:
                raise RuntimeError(message("WORKERS_CANNOT_START")) from None
            return
        if idx is None:  # started up
            w.ready, self.boot_failures = True, 0
            return
        w.idx = None
        self.finish(idx, reply[1] if reply[0] == "ok" else self.failed(self.items[idx], Failure("error", reply[1])))

    def close(self) -> None:
        for w in list(self.pool):
            with contextlib.suppress(Exception):
                w.conn.send(None)
        deadline = time.monotonic() + 2
        for w in list(self.pool):
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
            with contextlib.suppress(Exception):
                w.conn.close()


def map_isolated(func: Callable[[Any], Any], items: Sequence[Any], *, initializer: Callable[..., object],
                 initargs: tuple[Any, ...], workers: int, failed: Callable[[Any, Failure], Any],
                 progress: Callable[[], None] | None = None, seconds: float | None = None, memory: int | None = None,
                 start_method: str | None = None) -> list[Any]:
    """[func(item) for item in items], each call in a worker; a failed call gives failed(item, why)."""
    if not items:
        return []
    pool = _Pool(func, items, initializer, initargs, workers, failed, progress,
                 FILE_SECONDS if seconds is None else seconds, memory, start_method)
    try:
        while pool.running:
            pool.fill()
            pool.dispatch()
            pool.wait()
    finally:
        pool.close()
    return [pool.results[i] for i in range(len(items))]


MAX_DEFAULT_WORKERS = 4  # beyond this the disk and the parent's bookkeeping dominate


def default_workers() -> int:
    """The CPU count, capped at MAX_DEFAULT_WORKERS."""
    return min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)


def default_start_method() -> str:
    """fork where the platform has it (workers inherit the loaded roadmap instead of pickling it);
    RBXL_START_METHOD=spawn runs every pool as on Windows."""
    import multiprocessing as mp

    return os.environ.get("RBXL_START_METHOD") or ("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def pool_context() -> BaseContext:
    import multiprocessing as mp

    return mp.get_context(default_start_method())
