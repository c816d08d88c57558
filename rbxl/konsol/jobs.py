"""Long console jobs (templates, checks, rekap, laporan, kirim) in a background thread each, one at a
time per period, under the same period lock as the CLI (rbxl.core.lock), with progress and cancel."""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.errors import RbxlError

RUNNING, DONE, FAILED, CANCELLED = "berjalan", "selesai", "gagal", "dibatalkan"


class Cancelled(RbxlError):
    """The operator pressed Batalkan: raised from the job's progress callback."""

    exit_code = 130


@dataclass
class Job:
    id: str
    kind: str
    label: str
    out: Path
    tahun: int
    periode: str
    state: str = RUNNING
    done: int = 0
    total: int | None = None
    message: str = ""  # what went wrong, in words (the lock's busy message, a usage error)
    lines: list[str] = field(default_factory=list)  # what the job did, for the page
    result: object = None  # the library's result (Validated, Outputs, Laporan, KirimResult, ...)
    upload: object = None  # an upload's files and their verdicts (rbxl.konsol.actions.UploadResult)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    ended: dt.datetime | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def step(self, n: int = 1) -> None:
        if self.cancel.is_set():
            raise Cancelled("Dibatalkan oleh operator. Hasil lama periode ini tetap utuh; jalankan lagi untuk "
                            "menyelesaikannya.")
        self.done += n

    def set_total(self, n: int) -> None:
        self.total = n

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "state": self.state, "done": self.done, "total": self.total, "percent": self.percent,
                "message": self.message, "label": self.label}


class Busy(RbxlError):
    exit_code = 4


class Jobs:
    """Every job this console started, and the one running per period."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._running: dict[tuple[str, int, str], Job] = {}
        self._guard = threading.Lock()
        self.threads: list[threading.Thread] = []

    def running(self, out: Path, tahun: int, periode: str) -> Job | None:
        return self._running.get((str(Path(out).resolve()), tahun, periode))

    def start(self, kind: str, label: str, out: Path, tahun: int, periode: str, work: Callable[[Job], None],
              upload: object = None) -> Job:
        key = (str(Path(out).resolve()), tahun, periode)
        with self._guard:
            other = self._running.get(key)
            if other is not None:
                raise Busy(f"Periode ini sedang dipakai tugas konsol lain: '{other.label}' (mulai {other.started:%H:%M}). "
                           "Tunggu sampai selesai, atau batalkan tugas itu.")
            job = Job(secrets.token_hex(8), kind, label, Path(out), tahun, periode, upload=upload)
            self.jobs[job.id] = job
            self._running[key] = job
        thread = threading.Thread(target=self._run, args=(job, work, key), name=f"konsol-{kind}", daemon=True)
        self.threads.append(thread)
        thread.start()
        return job

    def _run(self, job: Job, work: Callable[[Job], None], key: tuple[str, int, str]) -> None:
        from rbxl.core.lock import period_lock

        try:
            # wait=0: a CLI run into the same folder holds it; the page says so at once
            with period_lock(job.out, job.tahun, job.periode, wait=0):
                work(job)
            job.state = DONE
        except Cancelled as err:
            job.state, job.message = CANCELLED, str(err)
        except RbxlError as err:
            job.state, job.message = FAILED, str(err)
        except Exception as err:  # a bug: the page says so in words, the terminal keeps the trace
            job.state = FAILED
            job.message = (f"Kesalahan tak terduga ({type(err).__name__}). Hasil lama periode ini tetap utuh; "
                           "rincian teknis ada di jendela terminal konsol.")
            traceback.print_exc(file=sys.stderr)
        finally:
            job.ended = dt.datetime.now().replace(microsecond=0)
            with self._guard:
                self._running.pop(key, None)

    def stop_all(self, wait: float = 5.0) -> None:
        for job in self.jobs.values():
            job.cancel.set()
        for t in self.threads:
            t.join(timeout=wait)
