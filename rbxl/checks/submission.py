"""A returned file after checking (Submission), and the verdict names the checks use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rbxl.core.enums import Verdict
from rbxl.core.findings import ERROR, REJECTING, WARNING, Finding
from rbxl.intake import Received

# verdicts (rbxl.core.enums.Verdict), under the short names the checks and tests use
ACCEPTED, ACCEPTED_NOTES, NEEDS_FIX = Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES, Verdict.NEEDS_FIX
REJECTED, SUPERSEDED, DUPLICATE = Verdict.REJECTED, Verdict.SUPERSEDED, Verdict.DUPLICATE

Key = tuple[str, str, str]  # (sheet name, row key, field key)


@dataclass
class Submission:
    """One returned file after checking: who, what it says, and what is wrong with it."""

    item: Received
    unit: str = ""
    tahun: int | None = None
    periode: str = ""
    master: str = ""
    saved_at: dt.datetime | None = None
    prefilled: str = ""  # the earlier period whose values the template was prefilled with (rbxl.checks.history)
    values: dict[Key, object] = field(default_factory=dict)  # accepted input values
    findings: list[Finding] = field(default_factory=list)
    verdict: Verdict | str = ""  # "" until decide()

    @property
    def usable(self) -> bool:
        return bool(self.verdict) and Verdict(self.verdict).usable

    def decide(self) -> None:
        codes = {f.code for f in self.findings if f.severity == ERROR}
        if codes & REJECTING:
            self.verdict = REJECTED
        elif codes:
            self.verdict = NEEDS_FIX
        elif self.findings and any(f.severity == WARNING for f in self.findings):
            self.verdict = ACCEPTED_NOTES
        else:
            self.verdict = ACCEPTED
