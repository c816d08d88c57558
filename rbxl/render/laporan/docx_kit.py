"""Small python-docx helpers for what the library has no API for: fields, repeating header rows,
cell shading, page setup. Everything here writes standard WordprocessingML that Word and
LibreOffice Writer both read.
"""

from __future__ import annotations

import functools

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from lxml.etree import SubElement

A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
MARGIN = Cm(2.0)


def add_field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, TOC ...) marked dirty, so Word recomputes it when it opens the file."""
    def char(kind: str, dirty: bool = False) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if dirty:
            el.set(qn("w:dirty"), "true")
        paragraph.add_run()._r.append(el)

    char("begin", dirty=True)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


# CT_Settings is a sequence: updateFields must precede these (Word rejects misplaced elements)
_AFTER_UPDATE_FIELDS = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                        "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                        "listSeparator"}


def update_fields_on_open(document) -> None:
    """Ask Word to refresh fields (the table of contents) when the document is opened."""
    settings = document.settings.element
    el = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
    later = next((c for c in settings if c.tag.rsplit("}", 1)[-1] in _AFTER_UPDATE_FIELDS), None)
    if later is None:
        settings.append(el)
    else:
        later.addprevious(el)


def setup_page(section, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def new_section(document, landscape: bool):
    section = document.add_section(WD_SECTION.NEW_PAGE)
    setup_page(section, landscape)
    return section


def page_number_footer(section, label: str) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(f"{label} — halaman ")
    run.font.size = Pt(8)
    add_field(p, "PAGE", "1")
    for r in p.runs:
        r.font.size = Pt(8)


def shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                                                f'w:fill="{fill}"/>'))


@functools.cache
def _qn(tag: str) -> str:
    return qn(tag)


def _sub(parent, tag: str, **attrs: str):
    el = SubElement(parent, _qn(tag))
    for k, v in attrs.items():
        el.set(_qn(f"w:{k}"), v)
    return el


def _twips(cm: float) -> str:
    return str(round(cm * 567))


class Table:
    """A bordered table written straight as WordprocessingML rows.

    python-docx's cell API resolves the style by name for every paragraph, which took 30 s for
    the report's ~5,000 cells; these rows are built with lxml directly (under 0.1 s) and hold
    the same elements Word writes: fixed column widths, a shaded bold header row that repeats on
    every page, rows that do not split across pages, text with its line breaks.
    """

    def __init__(self, document, headers: list[str], widths_cm: list[float], cell_style_id: str,
                 style: str = "Table Grid"):
        t = document.add_table(rows=0, cols=len(headers))
        t.style = style
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        self.table, self.tbl = t, t._tbl
        self.widths = [_twips(w) for w in widths_cm]
        self.style_id = cell_style_id
        for col, w in zip(self.tbl.tblGrid.findall(qn("w:gridCol")), self.widths, strict=True):
            col.set(qn("w:w"), w)
        self.row(headers, header=True)

    def row(self, values: list[str], right: frozenset[int] | set[int] = frozenset(),
            fills: dict[int, str] | None = None, header: bool = False) -> None:
        tr = _sub(self.tbl, "w:tr")
        tr_pr = _sub(tr, "w:trPr")
        _sub(tr_pr, "w:cantSplit", val="true")
        if header:
            _sub(tr_pr, "w:tblHeader", val="true")
        for i, (text, width) in enumerate(zip(values, self.widths, strict=True)):
            tc = _sub(tr, "w:tc")
            tc_pr = _sub(tc, "w:tcPr")
            _sub(tc_pr, "w:tcW", w=width, type="dxa")
            fill = "D9E2F3" if header else (fills or {}).get(i)
            if fill:
                _sub(tc_pr, "w:shd", val="clear", color="auto", fill=fill)
            p = _sub(tc, "w:p")
            p_pr = _sub(p, "w:pPr")
            _sub(p_pr, "w:pStyle", val=self.style_id)
            if i in right and not header:
                _sub(p_pr, "w:jc", val="right")
            r = _sub(p, "w:r")
            if header:
                _sub(_sub(r, "w:rPr"), "w:b")
            for n, line in enumerate(str(text).split("\n")):
                if n:
                    _sub(r, "w:br")
                t = _sub(r, "w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = line
