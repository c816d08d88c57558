"""Builders for hostile and broken input files used by rbxl's tests.

Every builder writes exactly one file into ``dest_dir`` (created if missing) and
returns its :class:`pathlib.Path`.  Nothing here is committed as a binary
fixture: the files are produced on the fly, mostly with the standard library,
xlsxwriter and msoffcrypto-tool.  The two ``.xls`` builders need LibreOffice
(``soffice``) and raise :class:`LibreOfficeUnavailable` when it is missing.

The files imitate what civil servants actually e-mail back (encrypted and
protected workbooks, Office lock files, renamed PDFs) as well as deliberately
malicious archives (zip bombs, lying headers, path traversal, XML entity
attacks).  Decompressing or parsing some of them naively is expensive: the zip
bomb inflates to hundreds of megabytes and the entity bomb expands to about 3 GB
of text.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import struct
import subprocess
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from email import utils as email_utils
from email.message import EmailMessage
from pathlib import Path

import msoffcrypto
import xlsxwriter

__all__ = [
    "DEFAULT_KEY_PASSWORD",
    "LibreOfficeUnavailable",
    "TRAVERSAL_NAMES",
    "absurd_dimension_xlsx",
    "desktop_ini",
    "eml_with_attachments",
    "eml_with_traversal",
    "encrypted_xlsx",
    "entity_bomb_xlsx",
    "external_entity_xlsx",
    "lying_size_zip",
    "many_members_xlsx",
    "nested_zip",
    "not_a_spreadsheet",
    "office_lock_file",
    "pdf_renamed",
    "plain_xls",
    "truncated",
    "valid_xlsx",
    "valid_xlsx_bytes",
    "xls_default_key",
    "xlsx_with_formula_injection",
    "zero_byte",
    "zip_bomb_xlsx",
    "zip_with_traversal",
]

MB = 1024 * 1024

#: Password Excel uses when it encrypts an .xls only because its structure is protected.
DEFAULT_KEY_PASSWORD = "VelvetSweatshop"

#: Member names written by :func:`zip_with_traversal` that escape the extraction folder.
TRAVERSAL_NAMES = (
    "../../luar.xlsx",
    "/abs/mutlak.xlsx",
    "sub/../../x.xlsx",
    "..\\..\\jendela.xlsx",
)

SOFFICE_TIMEOUT = 120

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FIXED_DATE = datetime(2024, 10, 7, 9, 30, tzinfo=timezone(timedelta(hours=7)))  # WIB


class LibreOfficeUnavailable(RuntimeError):
    """Raised when a builder needs ``soffice`` and it is not installed."""


# --------------------------------------------------------------------------- helpers


def _target(dest_dir: Path, name: str) -> Path:
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    return dest_dir / name


def valid_xlsx_bytes() -> bytes:
    """Return the bytes of a small valid xlsx (sheet "Data" with a few cells)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {"title": "Laporan RB", "author": "rbxl tests", "created": _FIXED_DATE.replace(tzinfo=None)}
    )
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Unit", "Indikator", "Nilai"])
    ws.write_row(1, 0, ["Dinas Kesehatan", "Capaian RB", 87.5])
    ws.write_row(2, 0, ["Dinas Pendidikan", "Capaian RB", 91])
    wb.close()
    return buf.getvalue()


def valid_xlsx(dest_dir: Path, name: str = "valid.xlsx") -> Path:
    """A small valid xlsx (the default ``base`` of the other builders)."""
    path = _target(dest_dir, name)
    path.write_bytes(valid_xlsx_bytes())
    return path


def _base_bytes(base: Path | None) -> bytes:
    return valid_xlsx_bytes() if base is None else Path(base).read_bytes()


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _package_parts(shared_strings: bool) -> dict[str, bytes]:
    """Everything of a minimal xlsx except the worksheet (and sharedStrings) XML."""
    sst_override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    sst_rel = (
        f'<Relationship Id="rId2" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            f"{_XML_DECL}"
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{sst_override}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{_XML_DECL}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{sst_rel}</Relationships>"
        ),
    }
    return {k: v.encode("utf-8") for k, v in parts.items()}


def _sheet_xml(sheet_data: str, dimension: str = "A1") -> bytes:
    return (
        f'{_XML_DECL}<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    ).encode()


_SHARED_STRING_SHEET = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def _write_minimal_xlsx(
    path: Path,
    sheet_xml: bytes,
    shared_strings_xml: bytes | None = None,
) -> Path:
    parts = _package_parts(shared_strings=shared_strings_xml is not None)
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    if shared_strings_xml is not None:
        parts["xl/sharedStrings.xml"] = shared_strings_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
    return path


# --------------------------------------------------------------------------- LibreOffice


def _soffice_binary() -> str:
    for candidate in ("soffice", "libreoffice"):
        found = shutil.which(candidate)
        if found:
            return found
    raise LibreOfficeUnavailable("LibreOffice (soffice) is not installed")


def _soffice_convert(src: Path, out_dir: Path, target: str) -> Path:
    """Convert ``src`` with a private, throw-away LibreOffice profile; return the output."""
    binary = _soffice_binary()
    profile = Path(tempfile.mkdtemp(prefix="rbxl-lo-profile-"))
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        str(src),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # own process group, so a timeout kills soffice.bin too
        )
        try:
            out, err = proc.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(
                f"soffice timed out after {SOFFICE_TIMEOUT}s converting {src.name}"
            ) from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ext = target.split(":", 1)[0]
    result = out_dir / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(
            f"soffice failed converting {src.name} (rc={proc.returncode}): "
            f"{out.decode(errors='replace')} {err.decode(errors='replace')}"
        )
    return result


def _structure_protected_ods() -> bytes:
    """A minimal ODS whose document structure is protected (no password)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<office:document-content"
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' office:version="1.2">'
        "<office:body>"
        '<office:spreadsheet table:structure-protected="true">'
        '<table:table table:name="Data">'
        "<table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>Unit</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Nilai</text:p></table:table-cell>'
        "</table:table-row>"
        "<table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>Dinas Kesehatan</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="87.5"><text:p>87.5</text:p></table:table-cell>'
        "</table:table-row>"
        "</table:table>"
        "</office:spreadsheet>"
        "</office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --------------------------------------------------------------------------- trivial junk


def zero_byte(dest_dir: Path, name: str = "kosong.xlsx") -> Path:
    """An empty (0-byte) file with a spreadsheet name, as left by a failed save or upload."""
    path = _target(dest_dir, name)
    path.write_bytes(b"")
    return path


def truncated(dest_dir: Path, base: Path | None = None, name: str = "terpotong.xlsx") -> Path:
    """The first half of a valid xlsx, as left by an interrupted download or attachment."""
    data = _base_bytes(base)
    path = _target(dest_dir, name)
    path.write_bytes(data[: len(data) // 2])
    return path


def not_a_spreadsheet(dest_dir: Path, name: str = "bukan-excel.xlsx") -> Path:
    """Plain text followed by pseudo-random bytes, given an .xlsx name."""
    rng = random.Random(20241007)
    text = (
        b"Yth. Bapak/Ibu,\r\nBerikut kami sampaikan laporan Reformasi Birokrasi.\r\n"
        b"Mohon maaf file Excel-nya belum bisa dilampirkan.\r\n"
    )
    path = _target(dest_dir, name)
    path.write_bytes(text + rng.randbytes(2048))
    return path


def pdf_renamed(dest_dir: Path, name: str = "laporan.xlsx") -> Path:
    """A small but well-formed PDF document renamed to .xlsx."""
    stream = b"BT /F1 18 Tf 72 720 Td (Laporan Reformasi Birokrasi) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path = _target(dest_dir, name)
    path.write_bytes(bytes(out))
    return path


# --------------------------------------------------------------------------- encryption


def encrypted_xlsx(
    dest_dir: Path,
    base: Path | None = None,
    password: str = "rahasia",
    name: str = "terkunci.xlsx",
) -> Path:
    """A real password-encrypted OOXML workbook (OLE container, ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    path = _target(dest_dir, name)
    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(_base_bytes(base))).encrypt(password, out)
    return path


def plain_xls(dest_dir: Path, base: Path | None = None, name: str = "biasa.xls") -> Path:
    """A valid, unprotected BIFF8 .xls converted from an xlsx by LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="rbxl-xls-") as tmp:
        work = Path(tmp)
        src = work / "sumber.xlsx"
        src.write_bytes(_base_bytes(base))
        out = work / "out"
        out.mkdir()
        result = _soffice_convert(src, out, "xls:MS Excel 97")
        path = _target(dest_dir, name)
        shutil.move(str(result), path)
    return path


def xls_default_key(dest_dir: Path, name: str = "dilindungi.xls") -> Path:
    """An .xls with protected workbook structure, hence RC4-encrypted with "VelvetSweatshop"."""
    # LibreOffice 7.x ignores <workbookProtection> when importing xlsx, but it honours
    # table:structure-protected in ODS and, like Excel, then encrypts the BIFF8 export
    # with the default password (sc XclExpRoot::IsDocumentEncrypted).
    with tempfile.TemporaryDirectory(prefix="rbxl-xls-") as tmp:
        work = Path(tmp)
        src = work / "dilindungi.ods"
        src.write_bytes(_structure_protected_ods())
        out = work / "out"
        out.mkdir()
        result = _soffice_convert(src, out, "xls:MS Excel 97")
        with result.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            if not office.is_encrypted():
                raise RuntimeError(
                    "this LibreOffice did not encrypt the structure-protected workbook; "
                    "cannot produce a real VelvetSweatshop .xls"
                )
        path = _target(dest_dir, name)
        shutil.move(str(result), path)
    return path


# --------------------------------------------------------------------------- zip attacks


def zip_bomb_xlsx(dest_dir: Path, name: str = "bom.xlsx", inflated_mb: int = 300) -> Path:
    """A valid-looking xlsx whose sheet XML inflates to ``inflated_mb`` MiB from a tiny file."""
    path = _target(dest_dir, name)
    head = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>bom</t></is></c></row>@@')
    head, tail = head.split(b"@@")
    padding = max(0, inflated_mb * MB - len(head) - len(tail))
    chunk = b" " * MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for member, data in _package_parts(shared_strings=False).items():
            zf.writestr(member, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            full, rest = divmod(padding, len(chunk))
            for _ in range(full):
                fh.write(chunk)
            fh.write(chunk[:rest])
            fh.write(tail)
    return path


def _patch_declared_size(path: Path, member: str, declared: int) -> None:
    """Overwrite the uncompressed-size fields of ``member`` in local and central headers."""
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0:
        raise ValueError("no end-of-central-directory record")
    entries, _cd_size, cd_offset = struct.unpack_from("<HII", data, eocd + 10)
    pos = cd_offset
    target = member.encode()
    for _ in range(entries):
        if data[pos : pos + 4] != b"PK\x01\x02":
            raise ValueError("corrupt central directory")
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        local_offset = struct.unpack_from("<I", data, pos + 42)[0]
        if bytes(data[pos + 46 : pos + 46 + name_len]) == target:
            struct.pack_into("<I", data, pos + 24, declared)  # central: uncompressed size
            if data[local_offset : local_offset + 4] != b"PK\x03\x04":
                raise ValueError("corrupt local header")
            struct.pack_into("<I", data, local_offset + 22, declared)  # local: uncompressed size
            path.write_bytes(bytes(data))
            return
        pos += 46 + name_len + extra_len + comment_len
    raise KeyError(member)


def lying_size_zip(
    dest_dir: Path,
    name: str = "ukuran-palsu.xlsx",
    declared_size: int = 1024,
    inflated_mb: int = 16,
) -> Path:
    """An xlsx whose zip headers declare a tiny sheet size while the sheet inflates much larger."""
    path = _target(dest_dir, name)
    head = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>bohong</t></is></c></row>@@')
    head, tail = head.split(b"@@")
    sheet = head + b" " * (inflated_mb * MB) + tail
    parts = _package_parts(shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
    # CRC-32 and compressed size stay truthful; only the uncompressed size lies.
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", declared_size)
    return path


def many_members_xlsx(dest_dir: Path, name: str = "banyak.xlsx", members: int = 20000) -> Path:
    """A valid xlsx padded with ``members`` extra tiny zip members (central-directory flood)."""
    path = _target(dest_dir, name)
    parts = _package_parts(shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = _sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>banyak</t></is></c></row>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
        for i in range(members):
            zf.writestr(f"xl/sampah/item{i:06d}.xml", b"<x/>", zipfile.ZIP_STORED)
    return path


def zip_with_traversal(
    dest_dir: Path,
    inner_files: dict[str, bytes] | None = None,
    name: str = "kiriman.zip",
) -> Path:
    """A .zip with path-traversal / absolute member names next to a normal "unit/benar.xlsx".

    ``inner_files`` (member name -> bytes) is merged over the defaults, so callers can
    change the content of a member or add more names.
    """
    workbook = valid_xlsx_bytes()
    members = {n: workbook for n in TRAVERSAL_NAMES}
    members["unit/benar.xlsx"] = workbook
    members.update(inner_files or {})
    path = _target(dest_dir, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            # A ZipInfo keeps the name verbatim (ZipFile.write() would strip "/" and "..").
            info = zipfile.ZipInfo(member, date_time=(2024, 10, 7, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return path


def nested_zip(dest_dir: Path, depth: int = 3, name: str = "bersarang.zip") -> Path:
    """``depth`` zips nested inside each other, with "laporan.xlsx" in the innermost one."""
    if depth < 1:
        raise ValueError("depth must be >= 1")
    member_name, payload = "laporan.xlsx", valid_xlsx_bytes()
    for level in range(depth, 0, -1):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(member_name, payload)
        member_name, payload = f"tingkat{level}.zip", buf.getvalue()
    path = _target(dest_dir, name)
    path.write_bytes(payload)
    return path


# --------------------------------------------------------------------------- XML attacks


def entity_bomb_xlsx(dest_dir: Path, name: str = "entitas.xlsx") -> Path:
    """An xlsx whose sharedStrings.xml carries a "billion laughs" nested-entity DOCTYPE."""
    decls = ['<!ENTITY lol "lol">']
    previous = "lol"
    for level in range(1, 10):
        decls.append(f'<!ENTITY lol{level} "{f"&{previous};" * 10}">')
        previous = f"lol{level}"
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<!DOCTYPE sst [\n " + "\n ".join(decls) + "\n]>\n"
        f'<sst xmlns="{_NS_MAIN}" count="1" uniqueCount="1"><si><t>&{previous};</t></si></sst>'
    )
    path = _target(dest_dir, name)
    return _write_minimal_xlsx(path, _sheet_xml(_SHARED_STRING_SHEET), sst.encode("utf-8"))


def external_entity_xlsx(
    dest_dir: Path,
    name: str = "xxe.xlsx",
    system_id: str = "file:///etc/passwd",
) -> Path:
    """An xlsx whose shared string cell references an external entity (XXE, /etc/passwd)."""
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<!DOCTYPE sst [\n <!ENTITY xxe SYSTEM "{system_id}">\n]>\n'
        f'<sst xmlns="{_NS_MAIN}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    path = _target(dest_dir, name)
    return _write_minimal_xlsx(path, _sheet_xml(_SHARED_STRING_SHEET), sst.encode("utf-8"))


def absurd_dimension_xlsx(dest_dir: Path, name: str = "raksasa.xlsx") -> Path:
    """A tiny xlsx declaring dimension A1:XFD1048576 with cells at A1 and XFD1048576."""
    sheet = _sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>awal</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>akhir</t></is></c></row>',
        dimension="A1:XFD1048576",
    )
    path = _target(dest_dir, name)
    return _write_minimal_xlsx(path, sheet)


def xlsx_with_formula_injection(dest_dir: Path, name: str = "rumus.xlsx") -> Path:
    """A valid xlsx whose *string* cells look like formulas (CSV/formula injection payloads)."""
    path = _target(dest_dir, name)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_string(0, 0, "Unit")
    ws.write_string(0, 1, "Keterangan")
    payloads = ['=HYPERLINK("http://x","klik")', "+1+1", "-2", "@SUM(A1)"]
    for row, payload in enumerate(payloads, start=1):
        ws.write_string(row, 0, f"Unit {row}")
        ws.write_string(row, 1, payload)
    wb.close()
    return path


# --------------------------------------------------------------------------- e-mail


_SUBTYPES = {
    ".xlsx": "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "vnd.ms-excel",
    ".ods": "vnd.oasis.opendocument.spreadsheet",
    ".zip": "zip",
    ".pdf": "pdf",
}


def eml_with_attachments(
    dest_dir: Path,
    attachments: dict[str, bytes],
    name: str = "balasan.eml",
    subject: str = "Laporan RB",
) -> Path:
    """A saved multipart/mixed e-mail with the given attachments (filenames kept verbatim)."""
    msg = EmailMessage()
    msg["From"] = "Operator Dinas Kesehatan <operator.dinkes@blorakab.go.id>"
    msg["To"] = "Tim RB Kabupaten Blora <rb@blorakab.go.id>"
    msg["Date"] = email_utils.format_datetime(_FIXED_DATE)
    msg["Subject"] = subject
    msg["Message-ID"] = "<laporan-rb-20241007@blorakab.go.id>"
    msg.set_content(
        "Yth. Tim Reformasi Birokrasi,\n\n"
        "Bersama ini kami kirimkan kembali isian monitoring Road Map RB.\n"
        "Mohon diperiksa. Terima kasih.\n\n"
        "Salam,\nOperator Dinas\n"
    )
    for filename, data in attachments.items():
        suffix = os.path.splitext(filename)[1].lower()
        subtype = _SUBTYPES.get(suffix, "octet-stream")
        # Non-ASCII names are written with RFC 2231 (filename*=utf-8''...) by the email package.
        msg.add_attachment(data, maintype="application", subtype=subtype, filename=filename)
    path = _target(dest_dir, name)
    path.write_bytes(bytes(msg))
    return path


def eml_with_traversal(dest_dir: Path, name: str = "jahat.eml") -> Path:
    """An e-mail with an attachment named "../../../etc/cron.d/x.xlsx" plus a normal one."""
    workbook = valid_xlsx_bytes()
    return eml_with_attachments(
        dest_dir,
        {"../../../etc/cron.d/x.xlsx": workbook, "laporan-unit.xlsx": workbook},
        name=name,
        subject="Re: Laporan RB",
    )


# --------------------------------------------------------------------------- folder clutter


def office_lock_file(
    dest_dir: Path,
    name: str = "~$Laporan.xlsx",
    user: str = "Operator Dinas",
) -> Path:
    """The 165-byte owner ("~$") file Excel leaves next to a workbook that is open."""
    ansi = user.encode("latin-1", "replace")[:53]
    data = bytearray([len(ansi)]) + ansi.ljust(53, b" ")
    data += struct.pack("<H", len(user)) + user.encode("utf-16-le")
    while len(data) < 165:
        data += b"\x20\x00"
    path = _target(dest_dir, name)
    path.write_bytes(bytes(data[:165]))
    return path


def desktop_ini(dest_dir: Path, name: str = "desktop.ini") -> Path:
    """The desktop.ini Windows Explorer drops into folders (copied along with the workbooks)."""
    text = (
        "\r\n[.ShellClassInfo]\r\n"
        "LocalizedResourceName=@%SystemRoot%\\system32\\shell32.dll,-21770\r\n"
        "IconResource=%SystemRoot%\\system32\\imageres.dll,-112\r\n"
        "[ViewState]\r\nMode=\r\nVid=\r\nFolderType=Documents\r\n"
    )
    path = _target(dest_dir, name)
    path.write_bytes(text.encode("utf-16"))  # Explorer writes UTF-16LE with a BOM
    return path


# --------------------------------------------------------------------------- crashers (issue #10)
# Each reproduces one cause that used to end a whole validate run with a traceback, a hang or
# gigabytes of memory. They change one thing in a base workbook (default: valid_xlsx_bytes).


def _zip_records(data: bytes, member: str) -> tuple[int, int]:
    """(central directory offset, local header offset) of `member`."""
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<II", data, eocd + 12)
    pos = cd_off
    while pos < cd_off + cd_size:
        n, e, c = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46: pos + 46 + n].decode("utf-8", "replace") == member:
            return pos, struct.unpack_from("<I", data, pos + 42)[0]
        pos += 46 + n + e + c
    raise KeyError(member)


def _patched(base: Path | None, member: str, change) -> bytes:
    data = bytearray(_base_bytes(base))
    central, local = _zip_records(bytes(data), member)
    change(data, central, local)
    return bytes(data)


def _write(dest_dir: Path, name: str, data: bytes) -> Path:
    path = _target(dest_dir, name)
    path.write_bytes(data)
    return path


def corrupt_deflate_xlsx(dest_dir: Path, base: Path | None = None, name: str = "deflate-rusak.xlsx",
                         member: str = "xl/workbook.xml") -> Path:
    """A member's deflate stream damaged (zipfile raises zlib.error, not BadZipFile)."""
    def change(d, central, local):
        n, e = struct.unpack_from("<HH", d, local + 26)
        start = local + 30 + n + e
        d[start: start + 4] = b"\xff\xff\xff\xff"
    return _write(dest_dir, name, _patched(base, member, change))


def end_record_past_file_zip(dest_dir: Path, base: Path | None = None, name: str = "akhir-palsu.xlsx") -> Path:
    """The end record puts the central directory past the file: zipfile still finds it, but every
    member's offset turns negative (ValueError: negative seek value when a member is opened)."""
    data = bytearray(_base_bytes(base))
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, eocd + 16, struct.unpack_from("<I", data, eocd + 16)[0] + len(data) * 4)
    return _write(dest_dir, name, bytes(data))


def zip_encryption_flag_xlsx(dest_dir: Path, base: Path | None = None, name: str = "bendera-sandi.xlsx",
                             member: str = "xl/workbook.xml") -> Path:
    """A member flagged as traditionally encrypted (RuntimeError: password required)."""
    def change(d, central, local):
        for at in (central + 8, local + 6):
            struct.pack_into("<H", d, at, struct.unpack_from("<H", d, at)[0] | 0x1)
    return _write(dest_dir, name, _patched(base, member, change))


def unknown_compression_xlsx(dest_dir: Path, base: Path | None = None, name: str = "kompresi-aneh.xlsx",
                             member: str = "xl/workbook.xml", method: int = 99) -> Path:
    """A member with a compression method zipfile does not know (NotImplementedError)."""
    def change(d, central, local):
        struct.pack_into("<H", d, central + 10, method)
        struct.pack_into("<H", d, local + 8, method)
    return _write(dest_dir, name, _patched(base, member, change))


def _replace_member(data: bytes, member: str, new: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, new if info.filename == member else zin.read(info))
    return buf.getvalue()


def non_utf8_rid_xlsx(dest_dir: Path, base: Path | None = None, name: str = "rid-biner.xlsx") -> Path:
    """workbook.xml whose sheet relationship id holds bytes that are not UTF-8."""
    data = _base_bytes(base)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        wb = zf.read("xl/workbook.xml")
    wb = wb.replace(b'r:id="rId1"', b'r:id="rId\xff\xfe1"', 1)
    return _write(dest_dir, name, _replace_member(data, "xl/workbook.xml", wb))


def date_cell_xlsx(dest_dir: Path, value: float = -9.2e18, name: str = "tanggal-raksasa.xlsx") -> Path:
    """A date-formatted cell holding an absurd serial number (calamine panics converting it)."""
    path = _target(dest_dir, name)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_number(0, 0, value, wb.add_format({"num_format": "dd/mm/yyyy"}))
    wb.close()
    return path


def far_cell_xlsx(dest_dir: Path, ref: str = "ALL100000", name: str = "sel-jauh.xlsx") -> Path:
    """One cell at ALL100000: inside the row and column limits, but 100 million cells to allocate."""
    sheet = _sheet_xml(f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}" t="inlineStr">'
                       f"<is><t>jauh</t></is></c></row>")
    return _write_minimal_xlsx(_target(dest_dir, name), sheet)


def minimal_ods_bytes(rows_xml: str) -> bytes:
    """A minimal ods (mimetype, manifest, content) whose one sheet holds `rows_xml`."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def repeated_rows_ods(dest_dir: Path, rows: int = 1048576, name: str = "baris-berulang.ods") -> Path:
    """One ods row holding a value, repeated `rows` times (a few hundred bytes, a million rows)."""
    row = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string">'
           "<text:p>x</text:p></table:table-cell></table:table-row>")
    return _write(dest_dir, name, minimal_ods_bytes(row))


def zip_of_zips_of_zeros(dest_dir: Path, depth: int = 3, width: int = 8, name: str = "nol-bersarang.xlsx",
                         zeros_mb: int = 8, inner: str = "nol.xml") -> Path:
    """Zips of zips of zeros, `width` per level, named like a workbook (or a .zip)."""
    return _write(dest_dir, name, zip_of_zips_of_zeros_bytes(depth, width, zeros_mb, inner))


def zip_of_zips_of_zeros_bytes(depth: int = 3, width: int = 8, zeros_mb: int = 8, inner: str = "nol.xml") -> bytes:
    payload, member = b"\0" * (zeros_mb * MB), inner
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for i in range(width):
                zf.writestr(f"{level}-{i}-{member}", payload)
        payload, member = buf.getvalue(), "dalam.zip"
    return payload


def slow_xlsx(dest_dir: Path, rows: int = 99_000, cols: int = 20, name: str = "lambat.xlsx") -> Path:
    """A legitimate-looking sheet of numbers just under every size limit: seconds to check."""
    cells = []
    letters = [chr(65 + c) for c in range(cols)]
    for r in range(1, rows + 1):
        cells.append(f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>{r}</v></c>' for x in letters) + "</row>")
    return _write_minimal_xlsx(_target(dest_dir, name), _sheet_xml("".join(cells)))


# --------------------------------------------------------------------------- e-mail layouts
# Each returns the message's bytes as a mail client writes them; `files` is [(name, bytes)].

def _mail_head(msg: EmailMessage, subject: str) -> EmailMessage:
    msg["From"] = "Operator Kecamatan <operator@blorakab.go.id>"
    msg["To"] = "Tim RB Kabupaten Blora <rb@blorakab.go.id>"
    msg["Date"] = email_utils.format_datetime(_FIXED_DATE)
    msg["Subject"] = subject
    msg["Message-ID"] = email_utils.make_msgid(domain="blorakab.go.id")
    return msg


def _attachment(name: str, data: bytes, disposition: str = "attachment"):
    from email.message import MIMEPart

    part = MIMEPart()
    subtype = _SUBTYPES.get(os.path.splitext(name)[1].lower(), "octet-stream")
    part.set_content(data, maintype="application", subtype=subtype, disposition=disposition, filename=name)
    return part


def apple_mail_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB") -> bytes:
    """Apple Mail's layout: multipart/alternative > multipart/related > the workbook *inline*."""
    from email.message import MIMEPart

    msg = _mail_head(EmailMessage(), subject)
    msg.make_alternative()
    plain = MIMEPart()
    plain.set_content("Terlampir laporan kami.")
    msg.attach(plain)
    related = MIMEPart()
    related.set_content("<html><body>Terlampir laporan kami.</body></html>", subtype="html")
    related.make_related()
    for name, data in files:
        related.attach(_attachment(name, data, "inline"))
    msg.attach(related)
    return bytes(msg)


def nested_mixed_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB", depth: int = 3) -> bytes:
    """multipart/mixed inside multipart/mixed (`depth` levels), the workbooks in the innermost."""
    from email.message import MIMEPart

    inner = MIMEPart()
    inner.set_content("Lampiran:")
    inner.make_mixed()
    for name, data in files:
        inner.attach(_attachment(name, data))
    for _ in range(depth - 1):
        outer = MIMEPart()
        outer.set_content("Diteruskan:")
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    msg = _mail_head(EmailMessage(), subject)
    msg.set_content("Terlampir.")
    msg.make_mixed()
    msg.attach(inner)
    return bytes(msg)


def forwarded_mail_bytes(inner: bytes, subject: str = "Fwd: Laporan RB") -> bytes:
    """A message forwarded as an attachment (message/rfc822), as Outlook and Thunderbird do."""
    from email import message_from_bytes, policy

    msg = _mail_head(EmailMessage(), subject)
    msg.set_content("Diteruskan dari kepala dinas.")
    msg.add_attachment(message_from_bytes(inner, policy=policy.default))
    return bytes(msg)


def _signer():
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "operator@blorakab.go.id")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    return cert, key


def smime_signed_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB (ditandatangani)",
                 opaque: bool = False) -> bytes:
    """A message with a real S/MIME signature (cryptography's PKCS7SignatureBuilder).

    Detached (the default, multipart/signed with smime.p7s) or opaque (application/pkcs7-mime,
    smime.p7m: the signed message is inside the signature, as some Outlook settings send it).
    """
    from email import message_from_bytes, policy
    from email.message import MIMEPart

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    content = MIMEPart()
    content.set_content("Terlampir laporan kami.")
    content.make_mixed()
    for name, data in files:
        content.attach(_attachment(name, data))
    body = bytes(content).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    cert, key = _signer()
    builder = pkcs7.PKCS7SignatureBuilder().set_data(body).add_signer(cert, key, hashes.SHA256())
    head = _mail_head(EmailMessage(), subject)
    headers = "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "MIME-Version: 1.0\r\n"
    if opaque:
        der = builder.sign(serialization.Encoding.DER, [])
        import base64

        b64 = base64.encodebytes(der).replace(b"\n", b"\r\n")
        return (headers + 'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n'
                "Content-Transfer-Encoding: base64\r\n"
                'Content-Disposition: attachment; filename="smime.p7m"\r\n\r\n').encode() + b64
    signed = headers.encode() + builder.sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature])
    assert message_from_bytes(signed, policy=policy.default).get_content_type() == "multipart/signed"
    return signed


def smime_encrypted_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB (terenkripsi)") -> bytes:
    """A message encrypted to a recipient (S/MIME enveloped-data): no one else can open it."""
    from email.message import MIMEPart

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    content = MIMEPart()
    content.set_content("Terlampir laporan kami.")
    content.make_mixed()
    for name, data in files:
        content.attach(_attachment(name, data))
    cert, _ = _signer()
    smime = pkcs7.PKCS7EnvelopeBuilder().set_data(bytes(content)).add_recipient(cert).encrypt(
        serialization.Encoding.SMIME, [])
    head = _mail_head(EmailMessage(), subject)
    return ("".join(f"{k}: {v}\r\n" for k, v in head.items())).encode() + smime


def pgp_signed_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB (PGP)") -> bytes:
    """PGP/MIME signed layout (RFC 3156): multipart/signed, the signature as its second part.

    The signature block is a stand-in: rbxl reads the signed part and does not verify it.
    """
    from email.message import MIMEPart

    msg = _mail_head(EmailMessage(), subject)
    content = MIMEPart()
    content.set_content("Terlampir laporan kami.")
    content.make_mixed()
    for name, data in files:
        content.attach(_attachment(name, data))
    sig = MIMEPart()
    sig.set_content(b"-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n",
                    maintype="application", subtype="pgp-signature", filename="signature.asc",
                    disposition="attachment")
    msg.set_content("x")
    msg.make_mixed()
    msg.set_payload([content, sig])
    msg.replace_header("Content-Type", 'multipart/signed; micalg=pgp-sha256; '
                       'protocol="application/pgp-signature"; boundary="=-pgp-tanda-tangan"')
    return bytes(msg)


def tnef_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """A winmail.dat (MS-OXTNEF) carrying `files`: the attributes Outlook writes for attachments.

    Signature, key, then attributes (level, id, type, length, data, checksum = byte sum mod 2^16):
    attTnefVersion, attOemCodepage at message level; per file attAttachRendData, attAttachTitle
    and attAttachData at attachment level.
    """
    def attr(level: int, ident: int, typ: int, data: bytes) -> bytes:
        return (struct.pack("<BHHI", level, ident, typ, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attr(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attr(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += attr(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, struct.pack("<HIIIH", 1, 0xFFFFFFFF, 0, 0, 0))  # attAttachRendData
        out += attr(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")  # attAttachTitle
        out += attr(2, 0x800F, 0x0006, data)  # attAttachData
    return out


def outlook_rtf_mail_bytes(files: list[tuple[str, bytes]], subject: str = "Laporan RB (Outlook)") -> bytes:
    """Outlook's RTF mail: the files inside a winmail.dat (application/ms-tnef)."""
    msg = _mail_head(EmailMessage(), subject)
    msg.set_content("Terlampir laporan kami.")
    msg.add_attachment(tnef_bytes(files), maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return bytes(msg)
