"""The Report of a validation run: every file received, its verdict and findings, the file kept per unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.checks.submission import Submission
from rbxl.core.enums import Verdict
from rbxl.core.findings import ERROR, Finding, flatten
from rbxl.intake import Received


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
    template_made: dt.datetime | None = None  # when the period's templates were made (bounds arrival times)

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
        """No error in any file that counts (superseded and duplicate copies do not), and no file sent
        from another unit's address, even one that was outranked by the unit's own."""
        live = [s for s in self.submissions if s.verdict not in (Verdict.SUPERSEDED, Verdict.DUPLICATE)]
        return not any(f.severity == ERROR for f in self.findings) and not self.impostors and all(
            s.verdict != Verdict.REJECTED and not any(f.severity == ERROR for f in s.findings) for s in live)

    @property
    def impostors(self) -> list[Submission]:
        """Files that claim one unit and came from another unit's e-mail address."""
        return [s for s in self.submissions if any(f.code == "EMAIL_SENDER_OTHER_UNIT" for f in s.findings)]
