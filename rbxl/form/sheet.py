"""The building blocks of a FormSpec sheet: input rules, columns, rows, data sheets, and the hints
their prompts share. rbxl.form.spec plans the roadmap's sheets with them, rbxl.form.instrumen the
instruments'."""

from __future__ import annotations

from dataclasses import dataclass, field

HEADER_ROW = 3  # 0-based: title, subtitle, note, then the header

# Whether 75,5 or 75.5 is a number depends on the computer's language setting, not on rbxl.
DECIMAL_HINT = "Pemisah desimal ikut bahasa komputer: koma (75,5) bila Indonesia, titik (75.5) bila Inggris."
PASTE_HINT = ("Bila menyalin dari berkas lain, tempel nilainya saja (Tempel Khusus > Hanya Nilai, atau "
              "Ctrl+Shift+V); tempel biasa (Ctrl+V) mengunci sel dan menghapus daftar pilihannya.")
DATE_HINT = ("Ketik dengan nama bulan (5 April 2023) atau tahun-bulan-tanggal (2023-04-05); "
             "sel menampilkan nama bulan, periksa bahwa tanggal dan bulannya benar.")
DATE_FORMAT = "d mmmm yyyy"  # the month by name: 05/04/2023 read the other way round shows as 4 May


PASTE_SHORT = "Menyalin dari berkas lain: Ctrl+Shift+V (tempel nilai saja)."


@dataclass(frozen=True)
class Rule:
    """What an input cell accepts. kind: list | decimal | text | date | nip."""

    kind: str
    label: str
    low: float | None = None
    high: float | None = None
    max_len: int = 0
    daftar: str = ""  # list name (kind list)
    required: bool = False
    prompt: str = ""


@dataclass(frozen=True)
class Field:
    """One column of a data sheet."""

    key: str
    header: str
    width: float
    input: bool = False
    rule: Rule | None = None
    formula: str = ""  # kind of computed column: "capaian" (formula + cached value)
    num_format: str = ""


@dataclass
class Row:
    key: str
    values: dict[str, object]  # expected content of locked cells, by field key
    rules: dict[str, Rule] = field(default_factory=dict)  # per-row input rules (typed realisasi)
    calc: dict[str, object] = field(default_factory=dict)  # what a formula needs (arah, daftar...)

    def rule_for(self, f: Field) -> Rule | None:
        return self.rules.get(f.key, f.rule)

    def is_input(self, f: Field) -> bool:
        return f.input and f.key not in self.values


@dataclass
class DataSheet:
    name: str
    title: str
    subtitle: str
    note: str
    fields: list[Field]
    rows: list[Row]
    kind: str  # identitas | ra_utama | ra_pendukung | indikator | kegiatan

    @property
    def first_row(self) -> int:
        return HEADER_ROW + 1

    def col(self, key: str) -> int:
        for i, f in enumerate(self.fields):
            if f.key == key:
                return i
        raise KeyError(key)

    def field(self, key: str) -> Field:
        return self.fields[self.col(key)]
