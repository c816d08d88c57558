"""The instrument sheets' own rule on return: a positive answer to a question that asks for
evidence needs its bukti dukung (a link or a description of the document)."""

from __future__ import annotations

from rbxl.checks.submission import Submission
from rbxl.core.findings import finding
from rbxl.core.values import as_text, format_number
from rbxl.core.xlsx import cell_name
from rbxl.form.sheet import DataSheet, Row
from rbxl.master.instrumen import Pertanyaan, is_positive


def check_evidence(sheet: DataSheet, row: Row, r: int, typed: dict[str, object], sub: Submission) -> None:
    q = row.calc.get("pertanyaan")
    if not isinstance(q, Pertanyaan) or not q.bukti:
        return
    answer = typed.get("jawaban")
    scale = row.calc.get("skala") or {}
    if not is_positive(q, answer, {q.skala: scale} if isinstance(scale, dict) else {}):
        return
    if typed.get("bukti") or typed.get("bukti_ket"):
        return
    shown = format_number(answer) if isinstance(answer, float) else as_text(answer)
    sub.findings.append(finding("INSTR_NO_EVIDENCE", file=sub.item.source, unit=sub.unit, sheet=sheet.name,
                                cell=cell_name(r, sheet.col("bukti")), value=shown, label=f"pertanyaan {q.kode}"))
