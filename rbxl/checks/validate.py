"""Validate returned files: collect, read and check each one, pick one per unit (reads only).

Each workbook is parsed in a worker process with a deadline and a memory cap (workers.py), so
a parser that panics, aborts or runs away on a hostile file fails alone and the file gets a
finding instead of a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.checks.structure import SENDER_MISMATCH, Submission, check, check_csv
from rbxl.core.enums import Verdict
from rbxl.core.findings import ERROR, Finding, finding, flatten
from rbxl.core.workers import Failure, default_workers, map_isolated
from rbxl.form.spec import FormSpec
from rbxl.intake import Received, Rejected, collect, read_workbook
from rbxl.intake.guard import short
from rbxl.master.model import Roadmap
from rbxl.signing import Signing


@dataclass
class Report:
    """The result of validating a period's returned files.

    `submissions`: one per workbook received (duplicates and superseded copies included), each
    with its verdict and findings; `chosen`: the file whose values count, per unit;
    `expected`: the units that should report; `missing`: those with no usable file.
    `archive` and `findings_file` are set by the pipeline once it has written them.
    """

    tahun: int
    periode: str
    submissions: list[Submission]
    findings: list[Finding]  # about inputs that are not workbooks (skipped, unreadable containers)
    chosen: dict[str, Submission] = field(default_factory=dict)
    expected: list[str] = field(default_factory=list)
    archive: Path | None = None
    findings_file: Path | None = None
    kept: list[Received] = field(default_factory=list)  # zips, e-mails, skipped files: archived only

    @property
    def missing(self) -> list[str]:
        return [u for u in self.expected if u not in self.chosen]

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for s in self.submissions:
            out += s.findings
        return out

    def flatten(self, names: list[str]) -> list[list[object]]:
        """Every finding as a row of the named fields/parameters: report.flatten(["code", "cell"])."""
        return flatten(self.all_findings(), names)

    @property
    def ok(self) -> bool:
        """No error in any file that counts: superseded and duplicate copies do not."""
        live = [s for s in self.submissions if s.verdict not in (Verdict.SUPERSEDED, Verdict.DUPLICATE)]
        return not any(f.severity == ERROR for f in self.findings) and all(
            s.verdict != Verdict.REJECTED and not any(f.severity == ERROR for f in s.findings) for s in live)


# --- worker side ---------------------------------------------------------------------------
_STATE: dict = {}


def _init_worker(roadmap: Roadmap, tahun: int, periode: str, signing: Signing | None = None) -> None:
    _STATE.update(roadmap=roadmap, tahun=tahun, periode=periode, specs={}, signing=signing)
    import python_calamine  # noqa: F401  (loaded before the memory cap, once per worker)


def _process(item: Received) -> Submission:
    """Read and check one file; whatever goes wrong, including a reader panic, is its finding."""
    roadmap, tahun, periode = _STATE["roadmap"], _STATE["tahun"], _STATE["periode"]
    specs: dict[str, FormSpec] = _STATE["specs"]
    try:
        raw = read_workbook(item)
        sub = check(item, raw, roadmap, tahun, periode, specs, raw.formulas,  # sheets load lazily
                    signing=_STATE.get("signing"))
    except Rejected as rej:
        sub = _failed_submission(item, rej.finding)
    except MemoryError:
        sub = _failed_submission(item, finding("FILE_TOO_LARGE", file=item.source, detail="butuh memori berlebihan"))
    except BaseException as err:  # any other failure (a panic is a BaseException) costs this file only
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        sub = _failed_submission(item, finding("FILE_UNREADABLE", file=item.source,
                                               detail=f"pembaca berkas gagal: {short(err)}"))
    sub.item = dataclasses.replace(item, data=b"")  # bytes stay with the parent
    return sub


def _failed_submission(item: Received, f: Finding) -> Submission:
    sub = Submission(dataclasses.replace(item, data=b""), findings=[f])
    sub.decide()
    return sub


_FAILURE_DETAIL = {"timeout": "pemeriksaan berkas melebihi batas waktu {detail} detik",
                   "died": "pembaca berkas berhenti (memori/isi tidak wajar)",
                   "error": "pembaca berkas gagal: {detail}"}


def _failed(item: Received, why: Failure) -> Submission:
    code = "FILE_UNREADABLE" if why.kind == "error" else "FILE_TOO_LARGE"
    return _failed_submission(item, finding(code, file=item.source,
                                            detail=_FAILURE_DETAIL[why.kind].format(detail=why.detail)))


def _check_all(items: list[Received], roadmap: Roadmap, tahun: int, periode: str, workers: int,
               progress: Callable[[], None] | None, signing: Signing | None = None) -> list[Submission]:
    """Each file in a worker with a deadline and a memory cap (rbxl/workers.py)."""
    return map_isolated(_process, items, initializer=_init_worker, initargs=(roadmap, tahun, periode, signing),
                        workers=workers, failed=_failed, progress=progress)


# --- orchestration -------------------------------------------------------------------------

def validate(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, *, exclude: list[Path] | None = None,
             workers: int | None = None, progress: Callable[[], None] | None = None,
             on_total: Callable[[int], None] | None = None, history=None, signing: Signing | None = None) -> Report:
    """Check every returned file and choose one per unit; reads only, writes nothing.

    `exclude`: paths never read as returned files (rbxl's own outputs under the inputs).
    `signing` (rbxl.signing.load_signing of the output folder; the pipeline always passes it)
    rejects files whose identity the office did not sign; when its key file is absent, one
    FILE_SIGNATURE_UNCHECKED warning says so. None checks no signature (a library caller's choice).
    `history` (rbxl.checks.history.HistoryContext, loaded from the riwayat store by the pipeline) adds
    the checks that compare each unit with its earlier accepted period.
    Archiving and the findings files are the pipeline's job (pipeline.run_validation).
    """
    roadmap.check_period(tahun, periode)
    everything, findings = collect(paths, exclude=exclude or [])
    items = [i for i in everything if not i.note]
    kept = [i for i in everything if i.note]  # containers and skipped files: archived and logged only
    as_csv = [sub for sub in (check_csv(i, roadmap) for i in kept if i.ext == ".csv") if sub]
    if as_csv:  # a template saved as CSV is the unit's return, rejected, not a skipped file
        sources = {sub.item.source for sub in as_csv}
        kept = [i for i in kept if i.source not in sources]
        findings = [f for f in findings if f.file not in sources]
    # identical bytes: the oldest copy (by file time, then name) is the original, others duplicates
    original: dict[str, int] = {}
    far = dt.datetime.max
    for idx, item in enumerate(items):
        first = original.get(item.sha256)
        if first is None or (item.mtime or far, item.source) < (items[first].mtime or far, items[first].source):
            original[item.sha256] = idx
    unique = [items[i] for i in sorted(original.values())]
    dup_of = {idx: items[original[item.sha256]].source for idx, item in enumerate(items)
              if original[item.sha256] != idx}
    if on_total:
        on_total(len(unique))
    workers = workers or default_workers()
    checked = {s.item.sha256: s for s in _check_all(unique, roadmap, tahun, periode, workers, progress, signing)}
    if signing is not None and signing.key is None and unique:
        findings.append(finding("FILE_SIGNATURE_UNCHECKED", value=str(signing.path)))

    submissions: list[Submission] = []
    for idx, item in enumerate(items):
        base = checked[item.sha256]
        if idx in dup_of:
            sub = Submission(item, unit=base.unit, tahun=base.tahun, periode=base.periode,
                             findings=[finding("FILE_DUPLICATE", file=item.source, unit=base.unit,
                                               detail=dup_of[idx])])
            sub.verdict = Verdict.DUPLICATE
        else:
            sub = base
            sub.item = item
        submissions.append(sub)
    submissions += as_csv

    report = Report(tahun, periode, submissions, findings, expected=roadmap.reporting_units())
    report.kept = kept
    _choose(report)
    if history is not None:
        from rbxl.checks.history import apply_history

        apply_history(report, roadmap, history)
    return report


def _choose(report: Report) -> None:
    """The newest usable file per unit wins (time saved inside the file, then file time); a file
    e-mailed from an address that is not the unit's never wins over one the unit sent itself."""
    by_unit: dict[str, list[Submission]] = {}
    for s in report.submissions:
        if s.usable and s.unit:
            by_unit.setdefault(s.unit, []).append(s)
    floor = dt.datetime.min
    for unit, subs in by_unit.items():
        # the time saved inside the file where it has one, else the file's own time
        subs.sort(key=lambda s: (s.saved_at or s.item.mtime or floor, s.item.mtime or floor, s.item.source))
        own = [s for s in subs if not any(f.code in SENDER_MISMATCH for f in s.findings)]
        winner = (own or subs)[-1]
        report.chosen[unit] = winner
        for s in subs:
            if s is winner:
                continue
            s.verdict = Verdict.SUPERSEDED
            if own and s not in own:
                s.findings.append(finding("FILE_SENDER_OUTRANKED", file=s.item.source, unit=unit, claimed=unit,
                                          detail=winner.item.source))
            else:
                s.findings.append(finding("FILE_SUPERSEDED", file=s.item.source, unit=unit,
                                          detail=winner.item.source))
