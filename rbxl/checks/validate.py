"""Validate returned files: collect, read and check each one, pick one per unit (reads only).

Each workbook is parsed in a worker process with a deadline and a memory cap (workers.py), so
a parser that panics, aborts or runs away on a hostile file fails alone and the file gets a
finding instead of a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rbxl.checks.identity import SENDER_MISMATCH
from rbxl.checks.report import Report
from rbxl.checks.structure import check, check_csv
from rbxl.checks.submission import Submission
from rbxl.core.enums import Verdict
from rbxl.core.findings import Finding, finding
from rbxl.core.signing import Signing
from rbxl.core.workers import Failure, default_workers, map_isolated
from rbxl.form.spec import FormSpec
from rbxl.intake import Received, Rejected, collect, collect_received, read_workbook
from rbxl.intake.guard import short
from rbxl.master.model import Roadmap

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
        if raw.macros:  # said of every file that carries them; the values are read as from any other
            ext = item.ext if item.ext in (".xlsx", ".ods", ".xls") else ""
            sub.findings.insert(0, finding("FILE_MACROS", file=item.source, unit=sub.unit, detail=raw.macros,
                                           name=f" (walaupun namanya {ext})" if ext else ""))
            sub.decide()
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


def _warm(roadmap: Roadmap) -> None:
    """What every worker would otherwise do once on its first file, done once in the parent: forked
    workers inherit it (the parent needs it anyway for the feedback notes and perbaikan files)."""
    import python_calamine  # noqa: F401

    from rbxl.intake import quirks  # noqa: F401

    roadmap.roles("")  # the role index, computed once per master


def _check_all(items: list[Received], roadmap: Roadmap, tahun: int, periode: str, workers: int,
               progress: Callable[[], None] | None, signing: Signing | None = None) -> list[Submission]:
    """Each file in a worker with a deadline and a memory cap (rbxl/core/workers.py)."""
    _warm(roadmap)
    return map_isolated(_process, items, initializer=_init_worker, initargs=(roadmap, tahun, periode, signing),
                        workers=workers, failed=_failed, progress=progress)


# --- orchestration -------------------------------------------------------------------------

def validate(paths: list[str | Path], roadmap: Roadmap, tahun: int, periode: str, *, exclude: list[Path] | None = None,
             workers: int | None = None, progress: Callable[[], None] | None = None,
             on_total: Callable[[int], None] | None = None, history=None, receipts=None,
             template_made: dt.datetime | None = None, signing: Signing | None = None) -> Report:
    """Check every returned file and choose one per unit; reads only, writes nothing.

    `exclude`: paths never read as returned files (rbxl's own outputs under the inputs).
    `signing` (rbxl.core.signing.load_signing of the output folder; the pipeline always passes it)
    rejects files whose identity the office did not sign; when its key file is absent, one
    FILE_SIGNATURE_UNCHECKED warning says so. None checks no signature (a library caller's choice).
    `history` (rbxl.checks.history.HistoryContext, loaded from the riwayat store by the pipeline) adds
    the checks that compare each unit with its earlier accepted period.
    `receipts` (rbxl.intake.archive.Receipts): what the period received earlier; those files are
    checked again with the new ones (a period is cumulative) and not received twice.
    `template_made`: when the period's templates were made, the earliest believable arrival.
    Archiving and the findings files are the pipeline's job (pipeline.run_validation).
    """
    roadmap.check_period(tahun, periode)
    now = dt.datetime.now().replace(microsecond=0)
    everything, findings = collect(paths, exclude=exclude or [], already=receipts.already if receipts else None)
    for item in everything:
        item.received = item.received or now  # new this run
    if receipts is not None:
        earlier, earlier_findings = collect_received(receipts.inputs)
        everything, findings = earlier + everything, earlier_findings + findings
        findings += [finding("ARCHIVE_COPY_MISSING", file=source) for source in receipts.missing]
    items = [i for i in everything if not i.note]
    kept = [i for i in everything if i.note]  # containers and skipped files: archived and logged only
    as_csv = [sub for sub in (check_csv(i, roadmap) for i in kept if i.ext == ".csv") if sub]
    if as_csv:  # a template saved as CSV is the unit's return, rejected, not a skipped file
        sources = {sub.item.source for sub in as_csv}
        kept = [i for i in kept if i.source not in sources]
        findings = [f for f in findings if f.file not in sources]
    # identical bytes: the copy received first (then by file time, then name) is the original
    original: dict[str, int] = {}
    for idx, item in enumerate(items):
        first = original.get(item.sha256)
        if first is None or arrival(item, template_made) < arrival(items[first], template_made):
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

    report = Report(tahun, periode, submissions, findings, expected=roadmap.reporting_units(),
                    template_made=template_made)
    report.kept = kept
    _choose(report)
    if history is not None:
        from rbxl.checks.history import apply_history

        apply_history(report, roadmap, history)
    return report


CLOCK_SKEW = dt.timedelta(hours=1)  # a sender's clock may run this far ahead of ours
_FLOOR = dt.datetime.min


def arrival(item: Received, made: dt.datetime | None = None) -> tuple:
    """The order in which a unit's files count (the last one wins): when rbxl received it.

    Received is when the file first reached the period's archive (rbxl.intake.archive). For a file that
    came inside an e-mail, the message's Date header instead, when it is believable: not after rbxl
    received it (CLOCK_SKEW allowed). An e-mail whose Date is missing or in the future counts as
    arriving when the templates were made (`made`, else the earliest time), before any genuine
    return, so a forged date never wins; a Date before the templates were made is kept as it is
    (it can only make the file count as older). Ties (files of one run) go to the file's own time
    (file time, zip entry time), believable the same way, then the name. The save time written
    inside the workbook is never used: the sender writes it.
    """
    got = item.received or _FLOOR

    def believable(t: dt.datetime | None) -> dt.datetime | None:
        return t if t and t <= got + CLOCK_SKEW else None

    first = got
    if item.by_mail:
        sent = believable(item.sent)
        first = min(sent, got) if sent else min(made or _FLOOR, got)
    return (first, believable(item.mtime) or _FLOOR, item.source)


def period_slip(report: Report) -> tuple[str, int, int] | None:
    """(the period most units sent files for, how many units, of how many) when most of the units
    whose files were identified sent only files of one other period than the one asked: the
    operator's --tahun/--periode is probably wrong. Counted by unit, so one unit sending last
    period's file twice weighs once; at least two units, more than half of them."""
    labels: dict[str, set[str]] = {}  # unit -> the wrong-period labels of its files ('' for a right one)
    for s in report.submissions:
        if not s.unit or s.verdict == Verdict.DUPLICATE:
            continue
        wrong = [str(f.get("detail")) for f in s.findings if f.code == "FILE_WRONG_PERIOD" and f.get("detail")]
        labels.setdefault(s.unit, set()).update(wrong or [""])
    other: dict[str, int] = {}
    for found in labels.values():
        if len(found) == 1 and "" not in found:
            label = next(iter(found))
            other[label] = other.get(label, 0) + 1
    if not other:
        return None
    label, n = max(other.items(), key=lambda kv: (kv[1], kv[0]))
    return (label, n, len(labels)) if n >= 2 and n * 2 > len(labels) else None


def _choose(report: Report) -> None:
    """The usable file that arrived last, per unit, counts (`arrival`), and a file
    e-mailed from an address that is not the unit's never wins over one the unit sent itself."""
    by_unit: dict[str, list[Submission]] = {}
    for s in report.submissions:
        if s.usable and s.unit:
            by_unit.setdefault(s.unit, []).append(s)
    for unit, subs in by_unit.items():
        subs.sort(key=lambda s: arrival(s.item, report.template_made))
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
