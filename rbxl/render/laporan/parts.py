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

from rbxl.consolidation.figures import (
    AreaFigure,
    PeriodFigures,
    StatusCounts,
    UnitFigure,
)
from rbxl.consolidation.tables import NO_DATA, NOT_RETURNED, TARGET_MET, TARGET_NOT_MET
from rbxl.core.enums import NOT_REPORTED
from rbxl.core.values import format_number
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

PORTRAIT_W, LANDSCAPE_W = 17.0, 25.7  # usable width in cm (A4, 2 cm margins)

@dataclass
class Context:
    fig: PeriodFigures
    roadmap: Roadmap
    tanggal: dt.date
    area: str | None = None  # None: the report to the Bupati; an area code: that Pokja's packet
    trend: YearTrend | None = None  # the year's trend and "two periods in a row" (laporan.history)
    out_label: str = ""  # the monitoring workbook's file name, cited as the source

    @property
    def label(self) -> str:
        return f"{PERIODE_LABEL[self.fig.periode]} {self.fig.tahun}"

    @property
    def area_fig(self) -> AreaFigure | None:
        return self.fig.area(self.area) if self.area else None

    def units(self) -> list[UnitFigure]:
        return self.fig.pokja_units(self.area) if self.area else self.fig.units

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
    return "–" if v is None else format_number(v, 1)

def capaian_text(v: object) -> str:
    return format_number(float(v), 1) if isinstance(v, (int, float)) and not isinstance(v, bool) else "–"

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

def table(doc, headers: list[str], widths: list[float], rows: list[list[str]], right: set[int] = frozenset(),
           fills: list[dict[int, str]] | None = None) -> Table:
    t = Table(doc, headers, widths, doc.styles[CELL_STYLE].style_id)
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
