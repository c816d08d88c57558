"""quirks.py on small inputs built inline: number formats, ods cell positions, line breaks."""

from __future__ import annotations

import io
import zipfile

import pytest

from rbxl.intake.quirks import is_date_format, read_ods


@pytest.mark.parametrize("code, is_date", [
    ("0.##", False), ("#,##0.##", False), ("0.0", False), ("General", False), ('"hari ke" 0', False),
    ("[Red]0.0;[Blue]-0.0", False), ("0.00E+00", False), ("_(* #,##0_)", False),
    ("d mmmm yyyy", True), ("dd/mm/yyyy", True), ("[$-421]d mmmm yyyy", True), ("[h]:mm", True),
    ("hh:mm:ss", True), ("mmm-yy", True),
])
def test_date_formats_are_told_from_number_formats(code, is_date):
    assert is_date_format(code) is is_date


def _ods(content: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
    return buf.getvalue()


NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def test_ods_formula_cells_are_placed_past_repeated_rows_and_columns():
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}><office:body><office:spreadsheet>
  <table:table table:name="Satu &amp; Dua">
    <table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>
    <table:table-row>
      <table:table-cell table:number-columns-repeated="2"/>
      <table:covered-table-cell/>
      <table:table-cell table:formula="of:=[.A1]&gt;1" office:value-type="float" office:value="1"/>
    </table:table-row>
  </table:table>
  <table:table table:name="Lain"><table:table-row><table:table-cell table:formula="of:=1+1"/></table:table-row>
  </table:table>
</office:spreadsheet></office:body></office:document-content>"""
    data, formulas = read_ods(_ods(content), 10**6)
    assert formulas == {"Satu & Dua": {"D4": "=[.A1]>1"}, "Lain": {"A1": "=1+1"}}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # indented rows: the indentation is gone
        xml = zf.read("content.xml")
        assert zf.infolist()[0].filename == "mimetype"
    assert b"</table:table-row><table:table-row><table:table-cell table:number-columns-repeated" in xml


def test_ods_line_break_inside_a_cell_becomes_a_newline_and_text_spaces_stay():
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
               '<office:spreadsheet><table:table table:name="A"><table:table-row>\n  <table:table-cell>'
               '<text:p>satu <text:span>dua</text:span> <text:span>tiga</text:span><text:line-break/>empat'
               '</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    data, _ = read_ods(_ods(content), 10**6)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("content.xml")
    assert b"satu <text:span>dua</text:span> <text:span>tiga</text:span>&#10;empat" in xml


def test_an_ods_calamine_already_reads_is_passed_through_unchanged():
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
               '<office:spreadsheet><table:table table:name="A"><table:table-row><table:table-cell/>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    raw = _ods(content)
    assert read_ods(raw, 10**6) == (raw, {})
    assert read_ods(b"not a zip", 10**6) == (b"not a zip", {})
