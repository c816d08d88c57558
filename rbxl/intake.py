"""Intake: find returned files (folders, zips, e-mails), guard against hostile ones, read cells.

Files are only ever read. `collect(paths)` yields Received items (bytes in memory, bounded in
size) and findings for what was skipped; `read_workbook(item)` sniffs the format, refuses
encrypted files, zip bombs and absurd sheets before any parser sees them, and returns the
cell grids of every sheet.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from .findings import Finding, finding

SPREADSHEET_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
CONTAINER_EXT = {".zip", ".eml", ".msg"}
JUNK_NAMES = {"desktop.ini", "thumbs.db", ".ds_store"}

MAX_FILE_BYTES = 50 * 2**20  # one received file
MAX_CONTAINER_DEPTH = 3
MAX_ZIP_MEMBERS = 2000  # in an xlsx/ods package
MAX_UNCOMPRESSED = 200 * 2**20  # sum of an xlsx/ods package's parts
MAX_RATIO = 200  # per part, for parts over 1 MiB
MAX_ROWS = 100_000
MAX_COLS = 1_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Received:
    """One file as received: where it came from, its bytes and its hash."""

    source: str  # path, or 'arsip.zip!/dalam/berkas.xlsx', or 'surat.eml!/lampiran.xlsx'
    name: str  # a safe base name
    data: bytes
    mtime: dt.datetime | None = None
    sha256: str = ""
    note: str = ""  # not a workbook to check: "wadah" (zip/e-mail) or why it was skipped; archived all the same

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.data).hexdigest()

    @property
    def ext(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass
class RawWorkbook:
    """Every sheet's cell grid (from A1) and what the file says about itself."""

    sheets: dict[str, list[list]]
    visibility: dict[str, str] = field(default_factory=dict)
    saved_at: dt.datetime | None = None  # the time saved inside the file (docProps / meta.xml)
    format: str = ""
    formulas: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> {cell: formula text}


class Rejected(Exception):
    """A file that cannot be read; carries the finding to report."""

    def __init__(self, f: Finding):
        super().__init__(f.message)
        self.finding = f


def safe_name(raw: str) -> tuple[str, bool]:
    """Base name without any directory part; True when the raw name tried to leave its folder."""
    raw = raw or "lampiran"
    base = PureWindowsPath(PurePosixPath(raw.replace("\\", "/")).name).name
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base).strip(" .") or "lampiran"
    parts = re.split(r"[\\/]", raw)
    unsafe = raw.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", raw))
    return base[:200], unsafe


def collect(paths: list[str | Path], exclude: list[Path] | None = None) -> tuple[list[Received], list[Finding]]:
    """Every workbook under the given files, folders, zips and e-mails, in a stable order.

    Paths in `exclude` (rbxl's own outputs: archive, templates, reports) are never read back.
    """
    items: list[Received] = []
    findings: list[Finding] = []
    skip = [x.resolve() for x in exclude or []]
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for sub in sorted(x for x in p.rglob("*") if x.is_file()):
                if skip and any(sub.resolve().is_relative_to(x) for x in skip):
                    continue
                _from_file(sub, items, findings)
        elif p.is_file():
            _from_file(p, items, findings)
        else:
            findings.append(finding("FILE_UNREADABLE", file=str(p), detail="berkas atau folder tidak ditemukan"))
    return items, findings


def _looks_like_workbook(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def _skip_reason(name: str) -> str | None:
    low = name.lower()
    if low.startswith("~$") or low.startswith(".~lock."):
        return "berkas kunci Office/LibreOffice, bukan hasil isian"
    if low in JUNK_NAMES or low.startswith("._"):
        return "berkas sistem"
    ext = Path(low).suffix
    if ext not in SPREADSHEET_EXT | CONTAINER_EXT:
        return f"bukan lembar kerja ({ext or 'tanpa ekstensi'})"
    return None


def _from_file(path: Path, items: list[Received], findings: list[Finding]) -> None:
    reason = _skip_reason(path.name)
    if reason and not path.suffix and _looks_like_workbook(path):
        reason = None  # a workbook whose extension was lost on the way (some mail clients do this)
    if reason:
        findings.append(finding("FILE_SKIPPED", file=str(path), detail=reason))
        if path.name.lower().startswith(("~$", ".~lock.")) or path.name.lower() in JUNK_NAMES:
            return  # editor and system clutter is not something a unit sent
        try:
            if path.stat().st_size <= MAX_FILE_BYTES:  # kept in the archive, e.g. a cover letter
                items.append(Received(str(path), path.name, path.read_bytes(),
                                      dt.datetime.fromtimestamp(path.stat().st_mtime), note=reason))
        except OSError:
            pass
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            findings.append(finding("FILE_TOO_LARGE", file=str(path), detail=f"ukuran {size // 2**20} MB"))
            return
        data = path.read_bytes()
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError as err:
        findings.append(finding("FILE_UNREADABLE", file=str(path), detail=str(err)))
        return
    _add(Received(str(path), path.name, data, mtime), items, findings, 0)


def _add(item: Received, items: list[Received], findings: list[Finding], depth: int) -> None:
    ext = item.ext
    if ext in CONTAINER_EXT and depth == 0:  # the zip or e-mail as received goes to the archive too
        items.append(Received(item.source, item.name, item.data, item.mtime, item.sha256, note="wadah"))
    if ext == ".zip":
        _from_zip(item, items, findings, depth)
    elif ext == ".eml":
        _from_eml(item, items, findings, depth)
    elif ext == ".msg":
        _from_msg(item, items, findings, depth)
    else:
        items.append(item)


def _nested(parent: Received, raw_name: str, data: bytes, mtime, items, findings, depth) -> None:
    name, unsafe = safe_name(raw_name)
    source = f"{parent.source}!/{raw_name}"
    if unsafe:
        findings.append(finding("FILE_UNSAFE_NAME", file=source, value=raw_name, detail=name))
    reason = _skip_reason(name)
    if reason:
        findings.append(finding("FILE_SKIPPED", file=source, detail=reason))
        return
    if depth + 1 > MAX_CONTAINER_DEPTH and Path(name).suffix.lower() in CONTAINER_EXT:
        findings.append(finding("FILE_TOO_LARGE", file=source, detail="arsip bersarang terlalu dalam"))
        return
    _add(Received(source, name, data, mtime), items, findings, depth + 1)


def _from_zip(item: Received, items, findings, depth) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(item.data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_ZIP_MEMBERS:
                raise Rejected(finding("FILE_TOO_LARGE", file=item.source, detail=f"{len(infos)} berkas dalam zip"))
            total = 0
            for info in infos:
                if info.file_size > MAX_FILE_BYTES:
                    findings.append(finding("FILE_TOO_LARGE", file=f"{item.source}!/{info.filename}",
                                            detail=f"ukuran {info.file_size // 2**20} MB setelah diekstrak"))
                    continue
                total += info.file_size
                if total > MAX_UNCOMPRESSED * 2:
                    raise Rejected(finding("FILE_TOO_LARGE", file=item.source, detail="isi zip terlalu besar"))
                if _skip_reason(safe_name(info.filename)[0]):
                    _nested(item, info.filename, b"", None, items, findings, depth)
                    continue
                data = _read_member(zf, info, MAX_FILE_BYTES)
                mtime = dt.datetime(*info.date_time) if info.date_time[0] >= 1980 else None
                _nested(item, info.filename, data, mtime, items, findings, depth)
    except Rejected as rej:
        findings.append(rej.finding)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        findings.append(finding("FILE_UNREADABLE", file=item.source, detail=f"zip rusak: {err}"))


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read a member, never trusting its declared size (a lying header cannot inflate us)."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > limit:
                raise Rejected(finding("FILE_TOO_LARGE", file=info.filename, detail="isi melebihi ukuran yang dinyatakan"))
    return bytes(out)


def _from_eml(item: Received, items, findings, depth) -> None:
    try:
        msg = email.message_from_bytes(item.data, policy=email.policy.default)
        when = None
        if msg["Date"]:
            try:
                when = email.utils.parsedate_to_datetime(str(msg["Date"]))
                when = when.astimezone().replace(tzinfo=None) if when.tzinfo else when
            except (TypeError, ValueError):
                when = None
        found = False
        for part in msg.iter_attachments():
            raw_name = part.get_filename() or ""
            if part.get_content_type() == "message/rfc822":  # a forwarded message: open it like any e-mail
                inner = part.get_payload(0) if part.is_multipart() else None
                if inner is not None:
                    found = True
                    _nested(item, raw_name if raw_name.lower().endswith(".eml") else "pesan-terusan.eml",
                            inner.as_bytes(), when, items, findings, depth)
                continue
            if not raw_name:
                continue
            payload = part.get_payload(decode=True) or b""
            found = True
            _nested(item, raw_name, payload, when, items, findings, depth)
        if not found:
            findings.append(finding("FILE_SKIPPED", file=item.source, detail="e-mail tanpa lampiran"))
    except Exception as err:  # the email package raises many types on broken input
        findings.append(finding("FILE_UNREADABLE", file=item.source, detail=f"e-mail rusak: {err}"))


def _from_msg(item: Received, items, findings, depth) -> None:
    try:
        import extract_msg
    except ImportError:
        findings.append(finding("FILE_SKIPPED", file=item.source,
                                detail="berkas Outlook .msg butuh paket extract-msg (pip install 'rbxl[msg]')"))
        return
    try:
        msg = extract_msg.openMsg(io.BytesIO(item.data))
        for att in msg.attachments:
            raw_name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or ""
            data = att.data if isinstance(att.data, bytes) else b""
            if raw_name and data:
                _nested(item, raw_name, data, None, items, findings, depth)
    except Exception as err:
        findings.append(finding("FILE_UNREADABLE", file=item.source, detail=f"berkas .msg rusak: {err}"))


# --- reading one workbook ----------------------------------------------------------------

def sniff(data: bytes) -> str:
    if not data:
        return "empty"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    return "unknown"


def read_workbook(item: Received) -> RawWorkbook:
    """Cell grids of every sheet; raises Rejected with the finding for unusable files."""
    kind = sniff(item.data)
    if kind == "empty":
        raise Rejected(finding("FILE_EMPTY", file=item.source))
    data = item.data
    saved_at = None
    formulas: dict[str, dict[str, str]] = {}
    fmt = item.ext.lstrip(".")
    if kind == "ole":
        data, fmt = _open_ole(item)
        saved_at = _ole_saved_time(data)
    elif kind == "zip":
        saved_at, fmt, formulas = _guard_package(item)
    else:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail="bukan format xlsx, xls atau ods"))
    data, formulas, fix = _other_apps(data, fmt, formulas)
    try:
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as err:
            if "detect file format" not in str(err):
                raise
            wb = _from_named_file(data, fmt)  # calamine sniffs some valid ods only by their extension
        visibility = {m.name: str(m.visible).rsplit(".", 1)[-1].lower() for m in wb.sheets_metadata}
        sheets = _Sheets(wb, item, fix)
    except Exception as err:  # calamine: CalamineError, XmlError, ZipError, PasswordError...
        raise _calamine_rejection(item, err) from err
    return RawWorkbook(sheets, visibility, saved_at, fmt, formulas)


def _other_apps(data: bytes, fmt: str, formulas: dict[str, dict[str, str]]):
    """Bytes calamine reads right, formula cells, and a fix for grids (see quirks.py)."""
    from . import quirks

    if fmt == "ods":
        data, found = quirks.read_ods(data, MAX_UNCOMPRESSED)
        return data, found, None
    if fmt == "xls":
        cells = quirks.xls_cells(data)
        return data, cells.formulas, cells.fix
    return data, formulas, None


def _from_named_file(data: bytes, fmt: str):
    """Open bytes through a temporary file named by their format (read fully, then removed)."""
    import tempfile

    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory(prefix="rbxl-") as tmp:
        path = Path(tmp) / f"berkas.{fmt if fmt in ('ods', 'xls', 'xlsx', 'xlsb') else 'xlsx'}"
        path.write_bytes(data)
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:  # calamine reads the file lazily: touch every sheet while it exists
            wb.get_sheet_by_name(name)
        return _Loaded(wb)


class _Loaded:
    """A calamine workbook whose sheets were already read (its file is gone)."""

    def __init__(self, wb):
        self.sheet_names = list(wb.sheet_names)
        self.sheets_metadata = list(wb.sheets_metadata)
        self._sheets = {n: wb.get_sheet_by_name(n) for n in self.sheet_names}

    def get_sheet_by_name(self, name: str):
        return self._sheets[name]


def _calamine_rejection(item: Received, err: Exception) -> Rejected:
    if isinstance(err, Rejected):
        return err
    if "password" in str(err).lower() or "encrypt" in str(err).lower():
        return Rejected(finding("FILE_ENCRYPTED", file=item.source))
    if "cell limit" in str(err).lower():
        return Rejected(finding("FILE_TOO_LARGE", file=item.source, detail="dimensi lembar kerja tidak wajar"))
    return Rejected(finding("FILE_UNREADABLE", file=item.source, detail=_short(err)))


class _Sheets(dict):
    """Sheet name -> cell grid, read from the workbook only when first asked for.

    The checks read the sheets the FormSpec names and the metadata sheet; the guide and
    list sheets are never parsed.
    """

    def __init__(self, wb, item: Received, fix=None):
        super().__init__()
        self._wb, self._item, self._fix = wb, item, fix
        self._names = list(wb.sheet_names)

    def _load(self, name: str) -> list[list]:
        if not dict.__contains__(self, name):
            try:
                sheet = self._wb.get_sheet_by_name(name)
                if sheet.height > MAX_ROWS or sheet.width > MAX_COLS:
                    raise Rejected(finding("FILE_TOO_LARGE", file=self._item.source, sheet=name,
                                           detail=f"dimensi lembar kerja tidak wajar ({sheet.height} baris x "
                                                  f"{sheet.width} kolom)"))
                grid = sheet.to_python(skip_empty_area=False)
                if self._fix:
                    self._fix(name, grid)
                dict.__setitem__(self, name, grid)
            except Exception as err:
                raise _calamine_rejection(self._item, err) from err
        return dict.__getitem__(self, name)

    def __getitem__(self, name: str) -> list[list]:
        if name not in self._names:
            raise KeyError(name)
        return self._load(name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def get(self, name: str, default=None):
        return self._load(name) if name in self._names else default

    def keys(self):
        return list(self._names)

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def items(self):
        return [(n, self._load(n)) for n in self._names]

    def values(self):
        return [self._load(n) for n in self._names]


def _short(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:160]


def _open_ole(item: Received) -> tuple[bytes, str]:
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
    return out.getvalue(), "xls"


def _ole_saved_time(data: bytes) -> dt.datetime | None:
    """Last-saved time from an .xls file's SummaryInformation stream (UTC -> local)."""
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            meta = ole.get_metadata()
            t = meta.last_saved_time or meta.create_time
    except Exception:
        return None
    if not isinstance(t, dt.datetime) or t.year < 1990:
        return None
    return t.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)




def _guard_package(item: Received) -> tuple[dt.datetime | None, str, dict[str, dict[str, str]]]:
    """Check an xlsx/ods zip before parsing: members, sizes, ratios, cell positions, times."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail=f"arsip rusak ({_short(err)})")) from err
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "EncryptionInfo" in names:
            raise Rejected(finding("FILE_ENCRYPTED", file=item.source))
        if len(infos) > MAX_ZIP_MEMBERS:
            raise Rejected(finding("FILE_TOO_LARGE", file=item.source, detail=f"{len(infos)} bagian di dalam berkas"))
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise Rejected(finding("FILE_TOO_LARGE", file=item.source,
                                   detail=f"isi terurai {total // 2**20} MB (bom zip)"))
        for i in infos:
            if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise Rejected(finding("FILE_TOO_LARGE", file=item.source,
                                       detail=f"rasio kompresi {i.file_size // max(i.compress_size, 1)}:1 (bom zip)"))
        fmt = "ods" if "content.xml" in names and "mimetype" in names else "xlsx"
        formulas: dict[str, dict[str, str]] = {}
        try:
            parts = _sheet_parts(zf, names)
            for i in infos:
                if i.filename in _PARSED_PARTS:
                    with zf.open(i) as fh:  # a DTD stands before the root element, at the top
                        head = fh.read(8192)
                    if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                        raise Rejected(finding("FILE_UNREADABLE", file=item.source,
                                               detail="XML berisi deklarasi entitas (ditolak demi keamanan)"))
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                    xml = _read_member(zf, i, MAX_UNCOMPRESSED)
                    _guard_sheet_xml(item, xml, i.filename)
                    cells = {m.group(1).decode(): _xml_text(m.group(2)) for m in _FORMULA_CELL.finditer(xml)
                             } if b"<f" in xml else {}
                    if cells and i.filename in parts:
                        formulas[parts[i.filename]] = cells
            saved = _saved_time(zf, names)
        except zipfile.BadZipFile as err:
            raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail=f"arsip rusak ({_short(err)})")) from err
    return saved, fmt, formulas


# parts a parser reads besides the sheets (calamine also refuses DTDs; this gives a clear message)
_PARSED_PARTS = {"xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "docProps/core.xml",
                 "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "content.xml", "styles.xml", "meta.xml"}

# Excel, LibreOffice, WPS and xlsxwriter all write r first: <c r="H5" s="3"><f>...
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3}\d+)"[^>]*>\s*<f(?:/>|\s[^>]*/>|(?:\s[^>]*)?>([^<]*)</f>)')


def _xml_text(raw: bytes | None) -> str:
    """A formula as typed ('=1+1'); a shared formula's copies have no text of their own."""
    from xml.sax.saxutils import unescape

    return "=" + unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) if raw else ""


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """xl/worksheets/sheetN.xml -> sheet name, from workbook.xml and its relationships.

    Read with regular expressions: these parts were already refused if they hold a DTD, and a
    full XML parse of them cost more than the rest of the guard.
    """
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    wb = _read_member(zf, zf.getinfo("xl/workbook.xml"), 8 * 2**20)
    rels = _read_member(zf, zf.getinfo("xl/_rels/workbook.xml.rels"), 2**20)
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _attr(tag, b"Id"), _attr(tag, b"Target")
        if rid and target:
            targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for tag in _SHEET_TAG.findall(wb):
        m = _RID_ATTR.search(tag)
        name = _attr(tag, b"name")
        if m and name is not None and m.group(1).decode() in targets:
            out[targets[m.group(1).decode()]] = name
    return out


_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RID_ATTR = re.compile(rb'\b\w+:id="([^"]*)"')


def _attr(tag: bytes, name: bytes) -> str | None:
    from xml.sax.saxutils import unescape

    m = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return unescape(m.group(1).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) if m else None


def _guard_sheet_xml(item: Received, xml: bytes, part: str) -> None:
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source,
                               detail="XML berisi deklarasi entitas (ditolak demi keamanan)"))
    # Fast path: a column past 'ALL' (1000) needs 3 letters, a row past 100000 six digits.
    if not _WIDE_REF.search(xml) and not _DEEP_REF.search(xml):
        return
    # Slow path, rare: positions of cells that hold something (a self-closing <c .../> is only a
    # style, e.g. a formatted column, and must not reject a legitimate file), any attribute order.
    max_row = max_col = 0
    for tag in _OPEN_CELL.findall(xml):
        m = _R_ATTR.search(tag)
        if not m:
            continue
        col = 0
        for ch in m.group(1):
            col = col * 26 + ch - 64
        max_col = max(max_col, col)
        max_row = max(max_row, int(m.group(2)))
    if max_row > MAX_ROWS or max_col > MAX_COLS:
        raise Rejected(finding("FILE_TOO_LARGE", file=item.source,
                               detail=f"dimensi lembar kerja tidak wajar (sel sampai baris {max_row}, kolom {max_col})"))


_OPEN_CELL = re.compile(rb"<c\b[^>]*[^/]>")
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_WIDE_REF = re.compile(rb'r="[A-Z]{3}\d')  # literal prefix: scanned at memchr speed
_DEEP_REF = re.compile(rb'r="[A-Z]{1,3}\d{6}')


def _saved_time(zf: zipfile.ZipFile, names: set[str]) -> dt.datetime | None:
    """When the file was last saved, as the file itself says (docProps/core.xml or meta.xml)."""
    for part, tags in (("docProps/core.xml", (b"modified", b"created")), ("meta.xml", (b"date", b"creation-date"))):
        if part not in names:
            continue
        xml = _read_member(zf, zf.getinfo(part), 2**20)
        for tag in tags:
            m = re.search(rb"<(?:\w+:)?" + tag + rb"\b[^>]*>\s*([^<]+?)\s*</", xml)
            if m:
                return _parse_iso(m.group(1).decode("ascii", "replace"))
    return None


def _parse_iso(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone().replace(tzinfo=None) if t.tzinfo else t


def memory_limit_for_worker(extra_bytes: int = 3 * 2**30) -> None:
    """Cap a worker's address space so a parser's runaway allocation fails instead of the machine."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            vm = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = vm + extra_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError, ImportError):
        pass
