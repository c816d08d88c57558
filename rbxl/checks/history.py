"""What a period leaves in the riwayat store, and the checks that compare it with earlier periods.

`period_record` turns one consolidation into the rows the store keeps (each unit's state and
punctuality as rbxl.consolidation.figures judges it, the files, every accepted value, the findings).
`history_findings` and `not_returned_again` are pure: the pipeline loads the earlier values
from the store and passes them in, so checks never open a database.

What a status means (done or not) is the master's to say: the Makna Status of its Pilihan
sheet (StatusRole), read through the FormSpec, never a status name typed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rbxl.checks.report import Report
from rbxl.checks.submission import Submission
from rbxl.core.enums import StatusRole
from rbxl.core.findings import Finding, finding
from rbxl.core.values import format_number
from rbxl.core.xlsx import cell_name
from rbxl.form.spec import (
    FormSpec,
    periode_label,
    plan,
)
from rbxl.master.model import Roadmap
from rbxl.master.schema import LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN
from rbxl.store import Previous

# --- checks that need history ------------------------------------------------------------

@dataclass
class HistoryContext:
    """Earlier accepted values the checks compare with, loaded from the store by the pipeline."""

    previous: dict[str, Previous] = field(default_factory=dict)  # unit -> its latest earlier period this year
    not_returned_before: set[str] = field(default_factory=set)  # units with no file in the period before
    before_label: str = ""  # that period, e.g. 'Triwulan IV 2022'


def _cell(spec: FormSpec, sheet_name: str, key: str, fld: str) -> str:
    sheet = spec.sheet(sheet_name)
    for i, row in enumerate(sheet.rows):
        if row.key == key:
            return cell_name(sheet.first_row + i, sheet.col(fld))
    return ""


def history_findings(sub: Submission, spec: FormSpec, prev: Previous) -> list[Finding]:
    """Progress lower than, or a Selesai row reopened since, the unit's previous accepted period;
    rows left exactly as prefilled (counted per sheet)."""
    out: list[Finding] = []
    was = periode_label(prev.tahun, prev.periode)
    now = periode_label(spec.tahun, spec.periode)
    base = {"file": sub.item.source, "unit": sub.unit}
    for sheet in spec.sheets:
        if sheet.kind == "identitas":
            continue
        unchanged = []
        inputs = [f.key for f in sheet.fields if f.input and not f.formula]
        daftar = LIST_STATUS_DUKUNGAN if sheet.kind == "ra_pendukung" else LIST_STATUS_AKSI
        for row in sheet.rows:
            old = {k: prev.values.get((sheet.name, row.key, k)) for k in inputs}
            new = {k: sub.values.get((sheet.name, row.key, k)) for k in inputs}
            if sheet.kind == "ra_utama":
                p0, p1 = old.get("progres"), new.get("progres")
                if isinstance(p0, float) and isinstance(p1, float) and p1 < p0:
                    out.append(finding("HISTORY_PROGRESS_DOWN", sheet=sheet.name, cell=_cell(spec, sheet.name, row.key,
                                       "progres"), value=format_number(p1), before=format_number(p0), periode=was,
                                       now=now, kode=row.key, **base))
                s0, s1 = old.get("status"), new.get("status")
                if spec.status_role(s0) == StatusRole.DONE and s1 is not None and \
                        spec.status_role(s1) != StatusRole.DONE:
                    out.append(finding("HISTORY_DONE_REOPENED", sheet=sheet.name, cell=_cell(spec, sheet.name, row.key,
                                       "status"), value=s1, before=s0, periode=was, now=now, kode=row.key, **base))
            if (sub.prefilled == prev.periode and any(v is not None for v in old.values()) and old == new
                    and spec.status_role(new.get("status"), daftar) != StatusRole.DONE):
                unchanged.append(row.key)
        if unchanged:
            shown = ", ".join(unchanged[:15]) + (" ..." if len(unchanged) > 15 else "")
            out.append(finding("HISTORY_NOT_UPDATED", sheet=sheet.name, cell=_cell(spec, sheet.name, unchanged[0],
                               inputs[0]), value=shown, detail=len(unchanged), periode=was, **base))
    return out


def apply_history(report: Report, roadmap: Roadmap, ctx: HistoryContext) -> None:
    """Add the history findings to the chosen submissions and the report (verdicts follow)."""
    from rbxl.checks.submission import ACCEPTED

    for unit, sub in report.chosen.items():
        prev = ctx.previous.get(unit)
        if prev is None:
            continue
        extra = history_findings(sub, plan(roadmap, unit, report.tahun, report.periode), prev)
        if extra:
            sub.findings += extra
            if sub.verdict == ACCEPTED:
                sub.decide()
    report.findings += not_returned_again(report, ctx)


def not_returned_again(report: Report, ctx: HistoryContext) -> list[Finding]:
    """Units that sent nothing in this period nor in the one before it."""
    sent = {s.unit for s in report.submissions if s.unit}
    return [finding("HISTORY_NOT_RETURNED", unit=u, value=u, periode=ctx.before_label,
                    now=periode_label(report.tahun, report.periode))
            for u in report.expected if u not in sent and u in ctx.not_returned_before]


def load_context(store, tahun: int, periode: str) -> HistoryContext:
    """What the history checks of (tahun, periode) need, read from the store."""
    ctx = HistoryContext(previous=store.latest_values(tahun, periode))
    before = store.previous_period(tahun, periode)
    if before is not None:
        ctx.before_label = periode_label(before.tahun, before.periode)
        ctx.not_returned_before = {r["unit"] for r in store.unit_states(before.tahun)
                                   if r["periode"] == before.periode and not r["dikumpulkan"]}
    return ctx



def context_from(db, tahun: int, periode: str) -> HistoryContext | None:
    """load_context from the store file at `db`; None when there is no store yet (nothing to compare)."""
    from pathlib import Path

    from rbxl.store import open_store

    if not Path(db).is_file():
        return None
    with open_store(db, create=False) as store:
        return load_context(store, tahun, periode)
