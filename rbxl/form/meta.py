"""A template's hidden identity (sheet _rbxl and the document properties), written and read in one place.

The template writer writes `Meta.to_dict()`; the checks read the sheet back with `Meta.parse`.
The signature (rbxl.core.signing) is computed over the same dict, so every key here is covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = "rbxl-template"  # the value of 'format': this workbook was made by rbxl
LAYOUT_VERSION = "1"
PREFILL_META = "isian_lalu"  # the earlier period a template's inputs were prefilled from
ROWS_PREFIX = "baris:"  # 'baris:<sheet>' -> the row keys of that sheet, ';'-joined, as the master planned them


def rows_key(sheet: str) -> str:
    return f"{ROWS_PREFIX}{sheet}"


@dataclass(frozen=True)
class Meta:
    unit: str
    tahun: str
    periode: str
    master: str  # the master's fingerprint when the template was made
    layout: str = LAYOUT_VERSION
    prefill: str = ""
    rows: dict[str, str] = field(default_factory=dict)  # sheet name -> ';'-joined row keys

    def to_dict(self) -> dict[str, str]:
        m = {"format": FORMAT, "layout": self.layout, "unit": self.unit, "tahun": self.tahun,
             "periode": self.periode, "master": self.master}
        if self.prefill:
            m[PREFILL_META] = self.prefill
        m |= {rows_key(name): keys for name, keys in self.rows.items()}
        return m

    @classmethod
    def parse(cls, d: dict[str, str]) -> Meta | None:
        """The identity a returned file claims; None when it is not rbxl's (format or unit missing)."""
        if d.get("format") != FORMAT or not d.get("unit"):
            return None
        rows = {k[len(ROWS_PREFIX):]: v for k, v in d.items() if k.startswith(ROWS_PREFIX)}
        return cls(d["unit"], d.get("tahun", ""), d.get("periode", ""), d.get("master", ""),
                   d.get("layout", LAYOUT_VERSION), d.get(PREFILL_META, ""), rows)

    def rows_of(self, sheet: str) -> str | None:
        return self.rows.get(sheet)
