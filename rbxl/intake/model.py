"""The records intake passes on: a file as received, a workbook's cell grids, a refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.findings import Finding


@dataclass
class Received:
    """One file as received: where it came from, its bytes and its hash."""

    source: str  # path, or 'arsip.zip!/dalam/berkas.xlsx', or 'surat.eml!/lampiran.xlsx'
    name: str  # a safe base name
    data: bytes
    mtime: dt.datetime | None = None
    sha256: str = ""
    note: str = ""  # not a workbook to check: "wadah" (zip/e-mail) or why it was skipped; archived all the same
    received: dt.datetime | None = None  # when rbxl received it (first archived; this run's start if new)
    sent: dt.datetime | None = None  # inside an e-mail: the message's Date header as written (None if absent)
    by_mail: bool = False  # it came inside an e-mail (.eml/.msg), at any depth
    sender: str | None = None  # From address of the e-mail it came in ("" when it had none); None: not by e-mail

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.data).hexdigest()

    @property
    def ext(self) -> str:
        return Path(self.name).suffix.lower()


# Cells shown as a percentage ('75%' typed: the cell holds 0,75). The package readers (guard for
# xlsx, quirks for ods) carry them inside their formulas map under this key, as "sheet!A1" -> "";
# read_workbook moves them to RawWorkbook.percent.
PERCENT_KEY = "\x00percent"


@dataclass
class RawWorkbook:
    """Every sheet's cell grid (from A1) and what the file says about itself."""

    sheets: dict[str, list[list]]
    visibility: dict[str, str] = field(default_factory=dict)
    saved_at: dt.datetime | None = None  # the time saved inside the file (docProps / meta.xml)
    format: str = ""
    formulas: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> {cell: formula text}
    percent: dict[str, set[str]] = field(default_factory=dict)  # sheet -> cells shown as a percentage
    macros: str = ""  # the parts that hold macros (read.macro_parts), '' when none: never run, only named


class Rejected(Exception):
    """A file that cannot be read; carries the finding to report."""

    def __init__(self, f: Finding):
        super().__init__(f.message)
        self.finding = f
