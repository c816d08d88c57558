"""The laporan's building blocks: the report context, Indonesian formatting of numbers, dates and
marks, and the paragraph, table and picture primitives every section uses."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from rbxl.consolidation.executive import Executive
from rbxl.consolidation.figures import (
    AreaFigure,
    PeriodFigures,
    StatusCounts,
    UnitFigure,
)
from rbxl.consolidation.tables import NO_DATA, NOT_RETURNED, TARGET_MET, TARGET_NOT_MET
from rbxl.core.enums import NOT_REPORTED
from rbxl.core.values import format_floor, format_number
from rbxl.form.spec import PERIODE_LABEL
from rbxl.master.model import Roadmap
from rbxl.render.laporan.docx_kit import (
    Table,
)
from rbxl.render.laporan.history import YearTrend
from rbxl.render.laporan.text import clean_text, unit_text

FONT = "Arial"  # Word's default sans; LibreOffice substitutes the metric-compatible Liberation Sans

CELL_STYLE = "Isi Tabel"

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]

# The capaian mark is a symbol and a word, and the shading only repeats it (never colour alone).
MARKS = {TARGET_MET: ("✓ Tercapai", "E2EFDA"), TARGET_NOT_MET: ("✗ Belum tercapai", "FCE4D6"),
         NO_DATA: ("– Belum ada data", "EDEDED")}

UNREPORTED = NOT_REPORTED
LEAD = "PD penanggung jawab"  # the Perbup's 'PD utama', in the report's formal words

PORTRAIT_W, LANDSCAPE_W = 17.0, 25.7  # usable width in cm (A4, 2 cm margins)

# Pengaturan keys the report reads, with what it prints when the master leaves them blank.
SETTING_DEFAULTS = {
    "nama_pemda": "Pemerintah Kabupaten Blora",
    "dasar_hukum": "Peraturan Bupati Blora Nomor 4 Tahun 2022",
    "pengelola": "Bagian Organisasi Sekretariat Daerah Kabupaten Blora",
    "laporan_kepada": "Bupati Blora",
    "laporan_tempat": "Blora",
    "penandatangan_jabatan": "Kepala Bagian Organisasi Sekretariat Daerah Kabupaten Blora",
    "penandatangan_nama": "",
    "penandatangan_pangkat": "",
    "penandatangan_nip": "",
}

@dataclass
class Context:
    fig: PeriodFigures
    roadmap: Roadmap
    tanggal: dt.date
    area: str | None = None  # None: the report to the Bupati; an area code: that Pokja's packet
    trend: YearTrend | None = None  # the year's trend and "two periods in a row" (laporan.history)
    out_label: str = ""  # the monitoring workbook's file name, cited as the source
    executive: Executive | None = None  # the executive view of the report (or of the packet's area)

    def setting(self, key: str) -> str:
        """A Pengaturan value of the master, or its default (SETTING_DEFAULTS) when blank or missing."""
        return clean_text(self.roadmap.settings.get(key)) or SETTING_DEFAULTS.get(key, "")

    def unit_name(self, code: object) -> str:
        """A unit by its name (codes are for the appendix)."""
        u = self.roadmap.units.get(str(code or ""))
        return clean_text(u.nama) if u is not None else clean_text(code)

    @property
    def label(self) -> str:
        return f"{PERIODE_LABEL[self.fig.periode]} {self.fig.tahun}"

    @property
    def area_fig(self) -> AreaFigure | None:
        return self.fig.area(self.area) if self.area else None

    def units(self) -> list[UnitFigure]:
        """The report's units; a packet's are its area's (Pokja members and the units leading its rows)."""
        return self.fig.area_units(self.area) if self.area else self.fig.units

def tanggal_id(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

def num(v: object, decimals: int | None = None) -> str:
    """A figure in Indonesian notation; a text value as the master or the unit wrote it."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return format_number(float(v), decimals)
    text = unit_text(v, 200)
    return text or "–"

def pct(v: float | None) -> str:
    """A percentage with one decimal that never shows 100,0 for a value under 100 (format_floor)."""
    return "–" if v is None else format_floor(v, 1)

def capaian_text(v: object) -> str:
    return format_floor(float(v), 1) if isinstance(v, (int, float)) and not isinstance(v, bool) else "–"

def status_text(row: dict) -> str:
    if row.get("status"):
        return clean_text(row["status"])
    return clean_text(row.get("pengumpulan")) if row.get("pengumpulan") == NOT_RETURNED else UNREPORTED

def styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 14), (2, 12), (3, 10.5)):
        st = doc.styles[f"Heading {level}"]
        rfonts = st.element.rPr.find(qn("w:rFonts")) if st.element.rPr is not None else None
        if rfonts is not None:  # theme fonts win over a named font in Word: drop them
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
        st.font.name, st.font.size, st.font.bold = FONT, Pt(size), True
        st.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)
        st.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
    cell = doc.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(8)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)

def title_short(ctx: Context) -> str:
    if ctx.area_fig:
        return f"Laporan Kemajuan Pokja {ctx.area_fig.nama} - {ctx.label}"
    return f"Laporan Monitoring dan Evaluasi Road Map RB - {ctx.label}"

def para(doc, text: str = "", style: str | None = None, bold: bool = False, size: float | None = None,
       align=None):
    p = doc.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    return p

# Advance widths (1/1000 em) of ASCII 32-126 in Arial, regular and bold (Liberation Sans has the same metrics).
_W_REGULAR = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278,
              584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667,
              778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
              278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
              334, 260, 334, 584]
_W_BOLD = [278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 333, 333, 584,
           584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722,
           667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611,
           278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584]
CELL_PT = 8.0
CELL_MARGIN_CM = 0.45  # the cell's left and right margins with a little slack


def _word_cm(word: str, bold: bool) -> float:
    """The printed width of one word at the cells' 8 pt Arial, from the font's advance widths."""
    table = _W_BOLD if bold else _W_REGULAR
    em = sum(table[ord(ch) - 32] if 32 <= ord(ch) < 127 else 700 for ch in word) / 1000
    return em * CELL_PT / 72 * 2.54 + CELL_MARGIN_CM


def fit_widths(headers: list[str], widths: list[float], rows: list[list[str]]) -> list[float]:
    """Column widths widened so that no header word and no short body word (a status, a unit name)
    breaks in the middle, taken from the columns with room to spare; the table's width stays."""
    need = []
    for i, h in enumerate(headers):
        words = [(w, True) for w in h.split()] + [(w, False) for r in rows for w in str(r[i]).split() if len(w) <= 16]
        need.append(min(max((_word_cm(w, b) for w, b in words), default=0.0), 4.0))
    out = list(widths)
    for _ in range(3):
        short = sum(max(0.0, n - w) for n, w in zip(need, out, strict=True))
        if short <= 0.01:
            break
        spare = [max(0.0, w - n) for n, w in zip(need, out, strict=True)]
        room = sum(spare)
        if room <= 0:
            break
        take = min(short, room)
        out = [max(w, n) if n > w else w - take * sp / room for n, w, sp in zip(need, out, spare, strict=True)]
    return out


def table(doc, headers: list[str], widths: list[float], rows: list[list[str]], right: set[int] = frozenset(),
           fills: list[dict[int, str]] | None = None) -> Table:
    t = Table(doc, headers, fit_widths(headers, widths, rows), doc.styles[CELL_STYLE].style_id)
    for i, values in enumerate(rows):
        t.row(values, right, fills[i] if fills else None)
    doc.add_paragraph()
    return t

def picture(doc, png: bytes, caption: str) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, caption, style="Caption", align=WD_ALIGN_PARAGRAPH.CENTER)

def status_row(counts: StatusCounts, statuses: list[str]) -> list[str]:
    return ([format_number(counts.total)] + [format_number(counts.by_status[s]) for s in statuses]
            + [format_number(counts.unreported), pct(counts.mean_progress)])

def capaian_mark(state: str) -> tuple[str, str]:
    return MARKS.get(state, (clean_text(state), "FFFFFF"))


# --------------------------------------------------------------------------- cover, contents
