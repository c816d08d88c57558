"""Guards against hostile files, applied before any parser sees them.

A file is refused (Rejected with its finding) when it is encrypted, when a zip inside it lies
about its sizes, uses an unknown compression or password-protects a member, when its XML
declares entities, or when its cells span an absurd range (calamine allocates the whole
rectangle). Zips, e-mails and workbook packages unpack against one Budget of bytes, members
and depth, however deeply they nest.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from rbxl.core.findings import finding
from rbxl.intake.model import PERCENT_KEY, Received, Rejected
from rbxl.intake.zipcheck import BROKEN, ambiguity

SPREADSHEET_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
CONTAINER_EXT = {".zip", ".eml", ".msg"}

MAX_FILE_BYTES = 50 * 2**20  # one received file, or one file unpacked from a zip/e-mail
MAX_CONTAINER_DEPTH = 3
MAX_ZIP_MEMBERS = 2000  # in one input, zips inside zips and workbook packages counted together
MAX_UNCOMPRESSED = 100 * 2**20  # bytes one input may unpack to, all levels together
MAX_RATIO = 200  # per part, for parts over 1 MiB
MAX_ROWS = 100_000
MAX_COLS = 1_000
MAX_CELLS = 2_000_000  # rows x columns of one sheet: calamine allocates the whole rectangle
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # all Excel, LibreOffice and WPS write

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def too_large(source: str, detail: str) -> Rejected:
    return Rejected(finding("FILE_TOO_LARGE", file=source, detail=detail))


def unreadable(source: str, detail: str) -> Rejected:
    return Rejected(finding("FILE_UNREADABLE", file=source, detail=detail))


@dataclass
class Budget:
    """What one input may unpack to, however its zips, e-mails and packages nest."""

    bytes_left: int = MAX_UNCOMPRESSED
    members_left: int = MAX_ZIP_MEMBERS

    @property
    def spent(self) -> bool:
        return self.bytes_left < 0 or self.members_left < 0

    def take(self, source: str, n_bytes: int, members: int = 1) -> None:
        self.bytes_left -= max(n_bytes, 0)
        self.members_left -= members
        if self.members_left < 0:
            raise too_large(source, f"lebih dari {MAX_ZIP_MEMBERS} berkas di dalam zip/berkas bersarang")
        if self.bytes_left < 0:
            raise too_large(source, f"isi terurai lebih dari {MAX_UNCOMPRESSED // 2**20} MB (bom zip)")


def sniff(data: bytes) -> str:
    if not data:
        return "empty"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    return "unknown"


def short(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:160]


def open_zip(data: bytes, source: str, budget: Budget) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """A zip whose central directory was checked: one reading (zipcheck), members, declared sizes, ratio,
    method, password."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as err:  # BadZipFile, ValueError (negative seek), UnicodeDecodeError (names), ...
        raise unreadable(source, "zip rusak atau terpotong (misalnya unduhan atau lampiran yang belum lengkap)") from err
    try:
        ambiguous = ambiguity(data, zf, infos, package=True)
        if ambiguous:
            raise Rejected(finding("FILE_UNREADABLE" if ambiguous == BROKEN else "FILE_ZIP_AMBIGUOUS", file=source, detail=ambiguous))
        budget.take(source, 0, len(infos))
        if sum(i.file_size for i in infos) > budget.bytes_left:
            raise too_large(source, f"isi terurai {sum(i.file_size for i in infos) // 2**20} MB (bom zip)")
        for i in infos:
            if i.flag_bits & 0x1:
                raise Rejected(finding("FILE_ENCRYPTED", file=source))
            if i.compress_type not in ZIP_METHODS:
                raise unreadable(source, f"metode kompresi {i.compress_type} tidak dikenal")
            if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise too_large(source, f"rasio kompresi {i.file_size // max(i.compress_size, 1)}:1 (bom zip)")
    except BaseException:
        zf.close()
        raise
    return zf, infos


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, source: str = "",
                budget: Budget | None = None) -> bytes:
    """Read a member, never trusting its declared size (a lying header cannot inflate us)."""
    out = bytearray()
    cap = min(limit, budget.bytes_left) if budget else limit
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > cap:
                    if budget and cap < limit:  # the input's budget is spent: say so, and stop unpacking it
                        budget.take(source or info.filename, len(out), 0)
                    raise too_large(source or info.filename, "isi melebihi ukuran yang dinyatakan atau batas")
    except Rejected:
        raise
    except Exception as err:  # zlib.error, BadZipFile (CRC), RuntimeError, EOFError, NotImplementedError, ...
        raise unreadable(source or info.filename, "zip rusak atau terpotong (misalnya unduhan atau lampiran yang belum lengkap)") from err
    if budget:
        budget.take(source or info.filename, len(out), 0)
    return bytes(out)


def open_ole(item: Received) -> tuple[bytes, str]:
    """An OLE file is an .xls, or an encrypted OOXML/xls. Only Excel's default key is opened."""
    try:
        import msoffcrypto

        office = msoffcrypto.OfficeFile(io.BytesIO(item.data))
        encrypted = office.is_encrypted()
    except Exception:
        return item.data, "xls"  # not something msoffcrypto knows: let calamine try it as xls
    if not encrypted:
        return item.data, "xls"
    out = io.BytesIO()
    try:
        office.load_key(password="VelvetSweatshop")  # Excel's key for structure-protected .xls
        office.decrypt(out)
    except Exception as err:
        raise Rejected(finding("FILE_ENCRYPTED", file=item.source)) from err
    if len(out.getvalue()) > MAX_FILE_BYTES:
        raise too_large(item.source, "isi terurai terlalu besar")
    return out.getvalue(), "xls"


def ole_saved_time(data: bytes) -> dt.datetime | None:
    """Last-saved time from an .xls file's SummaryInformation stream (UTC -> local)."""
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            meta = ole.get_metadata()
            t = meta.last_saved_time or meta.create_time
        if not isinstance(t, dt.datetime) or t.year < 1990:
            return None
        return t.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    except Exception:  # a damaged directory or an absurd time: the file's own time is used instead
        return None


def guard_package(item: Received) -> tuple[dt.datetime | None, str, dict[str, dict[str, str]]]:
    """Check an xlsx/ods zip before parsing: members, sizes, ratios, cell positions, times."""
    budget = Budget()
    zf, infos = open_zip(item.data, item.source, budget)
    with zf:
        names = {i.filename for i in infos}
        if "EncryptionInfo" in names:
            raise Rejected(finding("FILE_ENCRYPTED", file=item.source))
        fmt = "ods" if "content.xml" in names and "mimetype" in names else "xlsx"
        formulas: dict[str, dict[str, str]] = {}
        parts = _sheet_parts(zf, names, item.source, budget)
        pct_styles = _percent_styles(zf, names, item.source, budget) if fmt == "xlsx" else set()
        for i in infos:
            if i.filename in _PARSED_PARTS:
                head = _head(zf, i, item.source)  # a DTD stands before the root element, at the top
                if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                    raise unreadable(item.source, "XML berisi deklarasi entitas (ditolak demi keamanan)")
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                xml = read_member(zf, i, MAX_UNCOMPRESSED, item.source, budget)
                _guard_sheet_xml(item, xml, i.filename)
                cells = formula_cells(xml) if b"<f" in xml or b":f" in xml else {}
                if cells and i.filename in parts:
                    formulas[parts[i.filename]] = cells
                if pct_styles and i.filename in parts:
                    pct = percent_cells(xml, pct_styles)
                    if pct:
                        formulas.setdefault(PERCENT_KEY, {}).update({f"{parts[i.filename]}!{c}": "" for c in pct})
            elif i.filename == "content.xml" and fmt == "ods":
                guard_ods_content(item, read_member(zf, i, MAX_UNCOMPRESSED, item.source, budget))
        saved = _saved_time(zf, names, item.source)
    return saved, fmt, formulas


def is_percent_format(code: str) -> bool:
    """A number format that shows a percentage: % outside quotes, escapes and [colour]."""
    code = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", code)
    return "%" in code


_NUMFMT_TAG = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF_TAG = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")


def _percent_styles(zf: zipfile.ZipFile, names: set[str], source: str, budget: Budget) -> set[str]:
    """Indexes (as text) of cell styles whose number format is a percentage (built-in 9, 10 or custom)."""
    if "xl/styles.xml" not in names:
        return set()
    xml = read_member(zf, zf.getinfo("xl/styles.xml"), 8 * 2**20, source, budget)
    if b"<!ENTITY" in xml or b"<!DOCTYPE" in xml[:4096]:
        raise unreadable(source, "XML berisi deklarasi entitas (ditolak demi keamanan)")
    percent_ids = {"9", "10"}
    for tag in _NUMFMT_TAG.findall(xml):
        fid, code = _attr(tag, b"numFmtId"), _attr(tag, b"formatCode")
        if fid and code and is_percent_format(code):
            percent_ids.add(fid)
    m = _CELLXFS.search(xml)
    if not m:
        return set()
    return {str(i) for i, tag in enumerate(_XF_TAG.findall(m.group(1))) if (_attr(tag, b"numFmtId") or "0") in percent_ids}


_S_VALUE = re.compile(rb"""(?:^|\s)s\s*=\s*(?:"(\d+)"|'(\d+)')""")


def percent_cells(xml: bytes, styles: set[str]) -> set[str]:
    """A1 names of the cells of a sheet whose style shows a percentage (any attribute order or quote)."""
    out = set()
    for m in _CELL_TAG.finditer(xml):
        s = _S_VALUE.search(m.group(1))
        if s and (s.group(1) or s.group(2)).decode() in styles:
            ref = cell_ref(m.group(1))
            if ref:
                out.add((ref[0] + ref[1]).decode())
    return out


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    try:
        with zf.open(info) as fh:
            return fh.read(8192)
    except Exception as err:
        raise unreadable(source, "zip rusak atau terpotong (misalnya unduhan atau lampiran yang belum lengkap)") from err


# parts a parser reads besides the sheets (calamine also refuses DTDs; this gives a clear message)
_PARSED_PARTS = {"xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "docProps/core.xml",
                 "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "content.xml", "styles.xml", "meta.xml"}

# A start tag read as XML reads it: attributes in any order, either quote, spaces around '=', a '>'
# inside a quoted value, a namespace prefix. Excel, LibreOffice, WPS and xlsxwriter write <c r="H5" s="3">,
# but calamine (quick-xml) reads <c s='3' r='H5'> just the same, so the guard must too.
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_NS = rb"(?:[A-Za-z_][\w.-]{0,40}:)?"
_CELL_START = re.compile(rb"<" + _NS + rb"c(?=[\s>])" + _ATTRS + rb">")
_V_ELEM = re.compile(rb"<" + _NS + rb"v(?=[\s>])[^>]*>[^<]*</" + _NS + rb"v\s*>")
_F_ELEM = re.compile(rb"<" + _NS + rb"f(?=[\s/>])" + _ATTRS + rb"(?:/>|>([^<]*)</" + _NS + rb"f\s*>)")
_F_OPEN = re.compile(rb"<f[\s/>]")  # literal prefix: fast; prefixed <x:f> is looked for only when present
_F_OPEN_NS = re.compile(rb"<[A-Za-z_][\w.-]{0,40}:f[\s/>]")
_R_VALUE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([A-Z]{1,3})(\d+)"|'([A-Z]{1,3})(\d+)')""")


def cell_ref(attrs: bytes) -> tuple[bytes, bytes] | None:
    """(column letters, row digits) of a cell's r attribute, however it is quoted or placed."""
    m = _R_VALUE.search(attrs)
    if not m:
        return None
    return (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))


def formula_cells(xml: bytes) -> dict[str, str]:
    """A1 name -> formula text ('' for a shared formula's copies) of every cell of a sheet holding a formula.

    Each <f> is found first (formulas are few), then its cell's start tag just before it (a '<'
    cannot stand inside an attribute value), optionally past the cell's cached <v>: the schema puts
    <f> first, but a reader takes it in either order.
    """
    out = {}
    opens = list(_F_OPEN.finditer(xml)) + (list(_F_OPEN_NS.finditer(xml)) if b":f" in xml else [])
    for m in opens:
        f = _F_ELEM.match(xml, m.start())
        if not f:
            continue
        j = xml.rfind(b"<", 0, m.start())
        if j >= 0 and xml[j + 1:j + 2] == b"/":  # </v>: the cached value came first
            k = xml.rfind(b"<", 0, j)
            v = _V_ELEM.match(xml, k) if k >= 0 else None
            if not v or xml[v.end():m.start()].strip():
                continue
            j = xml.rfind(b"<", 0, k)
            gap_end = k
        else:
            gap_end = m.start()
        c = _CELL_START.match(xml, j) if j >= 0 else None
        if not c or xml[c.end():gap_end].strip():
            continue
        ref = cell_ref(c.group(1))
        if ref:
            out[(ref[0] + ref[1]).decode()] = _xml_text(f.group(2))
    return out


def _xml_text(raw: bytes | None) -> str:
    """A formula as typed ('=1+1'); a shared formula's copies have no text of their own."""
    return "=" + _unescape(raw.decode("utf-8", "replace")) if raw else ""


def _unescape(text: str) -> str:
    """XML's five named entities, in xml.sax.saxutils.unescape's order (&amp; last), without importing
    it: saxutils imports urllib.request, http.client and ssl, 50 ms in every worker."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _sheet_parts(zf: zipfile.ZipFile, names: set[str], source: str, budget: Budget) -> dict[str, str]:
    """xl/worksheets/sheetN.xml -> sheet name, from workbook.xml and its relationships.

    Read with regular expressions: these parts were already refused if they hold a DTD, and a
    full XML parse of them cost more than the rest of the guard.
    """
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    wb = read_member(zf, zf.getinfo("xl/workbook.xml"), 8 * 2**20, source, budget)
    rels = read_member(zf, zf.getinfo("xl/_rels/workbook.xml.rels"), 2**20, source, budget)
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _attr(tag, b"Id"), _attr(tag, b"Target")
        if rid and target:
            targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for tag in _SHEET_TAG.findall(wb):
        m = _RID_ATTR.search(tag)
        name = _attr(tag, b"name")
        rid = m.group(1).decode("utf-8", "replace") if m else ""  # bytes as found: not always UTF-8
        if m and name is not None and rid in targets:
            out[targets[rid]] = name
    return out


_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RID_ATTR = re.compile(rb'\b\w+:id="([^"]*)"')


def _attr(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return _unescape(m.group(1).decode("utf-8", "replace")) if m else None


def _guard_sheet_xml(item: Received, xml: bytes, part: str) -> None:
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise unreadable(item.source, "XML berisi deklarasi entitas (ditolak demi keamanan)")
    # Fast path: without a 3-letter column, a 5-digit row or a 2-letter column on a 4-digit row,
    # a sheet spans at most Z9999 or ZZ999: well under MAX_CELLS.
    if (not _WIDE_REF.search(xml) and not _DEEP_REF.search(xml) and not _BROAD_REF.search(xml)
            and not _ODD_REF.search(xml)):
        return
    # Slow path, rare: positions of cells that hold something (a self-closing <c .../> is only a
    # style, e.g. a formatted column, and must not reject a legitimate file), any attribute order.
    max_row = max_col = 0
    for m in _CELL_TAG.finditer(xml):
        if m.group(2):
            continue  # <c .../>
        ref = cell_ref(m.group(1))
        if not ref:
            continue
        col = 0
        for ch in ref[0]:
            col = col * 26 + ch - 64
        max_col = max(max_col, col)
        max_row = max(max_row, int(ref[1]))
    if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
        raise too_large(item.source, f"dimensi lembar kerja tidak wajar (sel sampai baris {max_row}, kolom {max_col})")


_CELL_TAG = re.compile(rb"<" + _NS + rb"c(?=[\s>/])" + _ATTRS + rb"(/?)>")
_WIDE_REF = re.compile(rb'r="[A-Z]{3}\d')  # literal prefix: scanned at memchr speed
_DEEP_REF = re.compile(rb'r="[A-Z]{1,3}\d{5}')
_BROAD_REF = re.compile(rb'r="[A-Z]{2}\d{4}')
_ODD_REF = re.compile(rb"""r='|\sr\s+=|\sr=\s""")  # another quote or spacing: always the slow path


def guard_ods_content(item: Received, xml: bytes) -> None:
    """ODS says 'repeat this row/cell N times' in one element: count what a reader would expand.

    LibreOffice ends every sheet with empty rows repeated to row 1048576; only repeats of
    rows and cells that hold something count.
    """
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise unreadable(item.source, "XML berisi deklarasi entitas (ditolak demi keamanan)")
    if not _BIG_REPEAT.search(xml):
        return
    for table in _ODS_TABLE.split(xml)[1:]:
        row = max_row = max_col = 0
        for r in _ODS_ROW.split(table)[1:]:  # each piece: one row's attributes and cells
            head, _, body = r.partition(b">")
            row += _repeat(_ROWS_REPEATED, head)
            col = width = 0
            for c in _ODS_CELL.split(body)[1:]:
                col += _repeat(_COLS_REPEATED, c[:c.find(b">") + 1])
                if _ODS_CONTENT.search(c):
                    width = col
            if width:
                max_row, max_col = row, max(max_col, width)
            if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
                raise too_large(item.source, f"dimensi lembar kerja tidak wajar (isi diulang sampai baris {max_row}, "
                                             f"kolom {max_col})")


def _repeat(pattern: re.Pattern, tag: bytes) -> int:
    m = pattern.search(tag)
    return int(m.group(1)) if m else 1


_BIG_REPEAT = re.compile(rb'number-(?:rows-repeated="\d{4}|columns-repeated="\d{3})')
_ODS_TABLE = re.compile(rb"<table:table[\s>]")
_ODS_ROW = re.compile(rb"<table:table-row(?=[\s>/])")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s>/])")
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d{1,9})"')
_COLS_REPEATED = re.compile(rb'number-columns-repeated="(\d{1,9})"')
_ODS_CONTENT = re.compile(rb"office:value-type=|<text:")


def _saved_time(zf: zipfile.ZipFile, names: set[str], source: str) -> dt.datetime | None:
    """When the file was last saved, as the file itself says (docProps/core.xml or meta.xml)."""
    for part, tags in (("docProps/core.xml", (b"modified", b"created")), ("meta.xml", (b"date", b"creation-date"))):
        if part not in names:
            continue
        xml = read_member(zf, zf.getinfo(part), 2**20, source)
        for tag in tags:
            m = re.search(rb"<(?:\w+:)?" + tag + rb"\b[^>]*>\s*([^<]+?)\s*</", xml)
            if m:
                return _parse_iso(m.group(1).decode("ascii", "replace"))
    return None


def _parse_iso(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return t.astimezone().replace(tzinfo=None) if t.tzinfo else t
    except (ValueError, OverflowError, OSError):  # year 0001 with a zone, or 9999 +14:00
        return None
