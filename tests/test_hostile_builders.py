"""Self-test for tests/hostile.py: every builder really produces what it claims."""

from __future__ import annotations

import email
import email.policy
import inspect
import io
import struct
import zipfile
import zlib
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as DET
import hostile
import msoffcrypto
import msoffcrypto.exceptions
import olefile
import pytest
import python_calamine
from helpers import require_app

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024

# Skipped only on a developer machine without LibreOffice; under CI a missing soffice fails.
@pytest.fixture
def soffice_app() -> None:
    require_app("soffice", app="LibreOffice")


needs_soffice = pytest.mark.usefixtures("soffice_app")


def _rows(data_or_path: bytes | Path, sheet: str = "Data") -> list[list]:
    if isinstance(data_or_path, bytes):
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data_or_path))
    else:
        wb = python_calamine.CalamineWorkbook.from_path(str(data_or_path))
    return wb.get_sheet_by_name(sheet).to_python()


def _decrypt(path: Path, password: str) -> bytes:
    with path.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    return out.getvalue()


# --------------------------------------------------------------------------- generic


BUILDERS = [
    name
    for name, obj in inspect.getmembers(hostile, inspect.isfunction)
    if not name.startswith("_")
    and obj.__module__ == hostile.__name__
    and not name.endswith("_bytes")  # valid_xlsx_bytes and friends return bytes, not a file
]


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_contract(name):
    func = getattr(hostile, name)
    doc = inspect.getdoc(func)
    assert doc and doc.splitlines()[0].strip(), f"{name} needs a one-line docstring"
    params = inspect.signature(func).parameters
    assert next(iter(params)) == "dest_dir"
    assert "name" in params and isinstance(params["name"].default, str)


def test_valid_base_is_valid(tmp_path):
    path = hostile.valid_xlsx(tmp_path)
    assert _rows(path)[0] == ["Unit", "Indikator", "Nilai"]


def test_dest_dir_is_created(tmp_path):
    path = hostile.zero_byte(tmp_path / "a" / "b")
    assert path == tmp_path / "a" / "b" / "kosong.xlsx"
    assert path.exists()


# --------------------------------------------------------------------------- junk


def test_zero_byte(tmp_path):
    path = hostile.zero_byte(tmp_path)
    assert path.name == "kosong.xlsx"
    assert path.stat().st_size == 0


def test_truncated(tmp_path):
    base = hostile.valid_xlsx(tmp_path / "src")
    path = hostile.truncated(tmp_path, base=base)
    assert path.name == "terpotong.xlsx"
    full = base.read_bytes()
    data = path.read_bytes()
    assert data == full[: len(full) // 2]
    assert data.startswith(b"PK\x03\x04")
    assert not zipfile.is_zipfile(path)
    # default base works too
    assert not zipfile.is_zipfile(hostile.truncated(tmp_path, name="t2.xlsx"))


def test_not_a_spreadsheet(tmp_path):
    path = hostile.not_a_spreadsheet(tmp_path)
    data = path.read_bytes()
    assert path.suffix == ".xlsx"
    assert len(data) > 100
    assert not data.startswith((b"PK", OLE_MAGIC, b"%PDF"))
    assert not zipfile.is_zipfile(path)


def test_pdf_renamed(tmp_path):
    path = hostile.pdf_renamed(tmp_path)
    data = path.read_bytes()
    assert path.name == "laporan.xlsx"
    assert data.startswith(b"%PDF-1.4")
    assert data.rstrip().endswith(b"%%EOF")
    # xref offsets point at real objects
    startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[startxref:].startswith(b"xref")
    assert not zipfile.is_zipfile(path)


# --------------------------------------------------------------------------- encryption


def test_encrypted_xlsx(tmp_path):
    path = hostile.encrypted_xlsx(tmp_path)
    data = path.read_bytes()
    assert path.name == "terkunci.xlsx"
    assert data.startswith(OLE_MAGIC)
    assert not zipfile.is_zipfile(path)
    with path.open("rb") as fh:
        assert msoffcrypto.OfficeFile(fh).is_encrypted()
    plain = _decrypt(path, "rahasia")
    assert _rows(plain)[1][0] == "Dinas Kesehatan"
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        _decrypt(path, "salah")


def test_encrypted_xlsx_custom_base_and_password(tmp_path):
    base = hostile.xlsx_with_formula_injection(tmp_path / "src")
    path = hostile.encrypted_xlsx(tmp_path, base=base, password="s3cr3t", name="x.xlsx")
    assert _rows(_decrypt(path, "s3cr3t"))[2][1] == "+1+1"


@pytest.mark.libreoffice
@needs_soffice
def test_plain_xls(tmp_path):
    path = hostile.plain_xls(tmp_path)
    assert path == tmp_path / "biasa.xls"
    assert path.read_bytes().startswith(OLE_MAGIC)
    with path.open("rb") as fh:
        assert not msoffcrypto.OfficeFile(fh).is_encrypted()
    rows = _rows(path)
    assert rows[0] == ["Unit", "Indikator", "Nilai"]
    assert rows[1][2] == 87.5


@pytest.mark.libreoffice
@needs_soffice
def test_xls_default_key(tmp_path):
    path = hostile.xls_default_key(tmp_path)
    assert path == tmp_path / "dilindungi.xls"
    assert path.read_bytes().startswith(OLE_MAGIC)
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.exists("Workbook")
    with path.open("rb") as fh:
        assert msoffcrypto.OfficeFile(fh).is_encrypted()
    with pytest.raises(python_calamine.PasswordError):
        _rows(path)
    # encrypted with Excel's default key, not a user password
    plain = _decrypt(path, hostile.DEFAULT_KEY_PASSWORD)
    assert _rows(plain)[1] == ["Dinas Kesehatan", 87.5]


# --------------------------------------------------------------------------- zip attacks


def test_zip_bomb_xlsx(tmp_path):
    path = hostile.zip_bomb_xlsx(tmp_path)
    assert path.name == "bom.xlsx"
    assert path.stat().st_size < 5 * MB
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
        assert sum(i.file_size for i in zf.infolist()) >= 300 * MB
        with zf.open("xl/worksheets/sheet1.xml") as fh:
            head = fh.read(4096)
    assert head.startswith(b"<?xml")
    assert b"<sheetData>" in head


def test_zip_bomb_xlsx_size_parameter(tmp_path):
    path = hostile.zip_bomb_xlsx(tmp_path, inflated_mb=5, name="kecil.xlsx")
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert len(sheet) >= 5 * MB
    assert sheet.rstrip().endswith(b"</worksheet>")
    assert _rows(path) == [["bom"]]


def _raw_member(path: Path, info: zipfile.ZipInfo) -> tuple[int, bytes]:
    with path.open("rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        assert header[:4] == b"PK\x03\x04"
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        local_size = struct.unpack("<I", header[22:26])[0]
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        raw = fh.read(info.compress_size)
    return local_size, raw


def test_lying_size_zip(tmp_path):
    path = hostile.lying_size_zip(tmp_path)
    assert path.name == "ukuran-palsu.xlsx"
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == 1024  # central directory lies
        local_size, raw = _raw_member(path, info)
        assert local_size == 1024  # local header lies as well
        actual = zlib.decompressobj(-15).decompress(raw)
        assert len(actual) >= 16 * MB
        assert zlib.crc32(actual) == info.CRC  # the CRC tells the truth
        with pytest.raises(zipfile.BadZipFile):
            zf.read(info)
    assert path.stat().st_size < 1 * MB


def test_many_members_xlsx(tmp_path):
    path = hostile.many_members_xlsx(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert len(zf.infolist()) >= 20000 + 5
    assert _rows(path) == [["banyak"]]
    small = hostile.many_members_xlsx(tmp_path, members=10, name="sedikit.xlsx")
    with zipfile.ZipFile(small) as zf:
        assert len(zf.infolist()) == 15


def test_zip_with_traversal(tmp_path):
    path = hostile.zip_with_traversal(tmp_path)
    assert path.name == "kiriman.zip"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for bad in ("../../luar.xlsx", "/abs/mutlak.xlsx", "sub/../../x.xlsx"):
            assert bad in names
        assert "unit/benar.xlsx" in names
        assert _rows(zf.read("unit/benar.xlsx"))[0][0] == "Unit"
        assert _rows(zf.read("../../luar.xlsx"))[0][0] == "Unit"


def test_zip_with_traversal_inner_files(tmp_path):
    path = hostile.zip_with_traversal(
        tmp_path, inner_files={"../../luar.xlsx": b"ganti", "../../../tambahan.xlsx": b"x"}
    )
    with zipfile.ZipFile(path) as zf:
        assert zf.read("../../luar.xlsx") == b"ganti"
        assert zf.read("../../../tambahan.xlsx") == b"x"
        assert "/abs/mutlak.xlsx" in zf.namelist()


@pytest.mark.parametrize("depth", [1, 3])
def test_nested_zip(tmp_path, depth):
    path = hostile.nested_zip(tmp_path, depth=depth)
    assert path.name == "bersarang.zip"
    data = path.read_bytes()
    levels = 0
    while True:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            (member,) = zf.namelist()
            data = zf.read(member)
        levels += 1
        if member.endswith(".xlsx"):
            break
        assert member.endswith(".zip")
    assert levels == depth
    assert member == "laporan.xlsx"
    assert _rows(data)[0][0] == "Unit"


# --------------------------------------------------------------------------- XML attacks


def _member(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member)


def test_entity_bomb_xlsx(tmp_path):
    path = hostile.entity_bomb_xlsx(tmp_path)
    assert path.stat().st_size < 10_000
    sst = _member(path, "xl/sharedStrings.xml")
    assert b"<!DOCTYPE sst" in sst
    assert sst.count(b"<!ENTITY") == 10
    assert b"&lol8;" * 10 in sst
    assert b"<t>&lol9;</t>" in sst
    with pytest.raises(defusedxml.EntitiesForbidden):
        DET.fromstring(sst)
    assert b'<c r="A1" t="s"><v>0</v></c>' in _member(path, "xl/worksheets/sheet1.xml")


def test_external_entity_xlsx(tmp_path):
    path = hostile.external_entity_xlsx(tmp_path)
    sst = _member(path, "xl/sharedStrings.xml")
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in sst
    assert b"<t>&xxe;</t>" in sst
    with pytest.raises(defusedxml.EntitiesForbidden):
        DET.fromstring(sst)
    with pytest.raises(defusedxml.ExternalReferenceForbidden):
        DET.fromstring(sst, forbid_entities=False)


def test_absurd_dimension_xlsx(tmp_path):
    path = hostile.absurd_dimension_xlsx(tmp_path)
    assert path.stat().st_size < 10_000
    sheet = _member(path, "xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:XFD1048576"/>' in sheet
    assert b'r="A1"' in sheet
    assert b'r="XFD1048576"' in sheet
    DET.fromstring(sheet)  # well-formed, nothing else hostile


def test_xlsx_with_formula_injection(tmp_path):
    path = hostile.xlsx_with_formula_injection(tmp_path)
    column = [row[1] for row in _rows(path)[1:]]
    assert column == ['=HYPERLINK("http://x","klik")', "+1+1", "-2", "@SUM(A1)"]
    assert b"<f>" not in _member(path, "xl/worksheets/sheet1.xml")  # strings, not formulas


# --------------------------------------------------------------------------- e-mail


def _parse_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_eml_with_attachments(tmp_path):
    xlsx = hostile.valid_xlsx_bytes()
    attachments = {
        "Laporan Triwulan – Dinas.xlsx": xlsx,
        "../../x.xlsx": b"bukan excel",
        "lama.xls": b"\xd0\xcf\x11\xe0",
    }
    path = hostile.eml_with_attachments(tmp_path, attachments)
    assert path.name == "balasan.eml"
    raw = path.read_bytes()
    assert b"filename*" in raw and b"utf-8''Laporan%20Triwulan%20%E2%80%93" in raw  # RFC 2231
    msg = _parse_eml(path)
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Subject"] == "Laporan RB"
    for header in ("From", "To", "Date", "Message-ID"):
        assert msg[header]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "Reformasi Birokrasi" in body
    got = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert got == attachments
    types = {part.get_filename(): part.get_content_type() for part in msg.iter_attachments()}
    assert types["lama.xls"] == "application/vnd.ms-excel"
    assert types["../../x.xlsx"] == hostile.XLSX_MIME


def test_eml_with_traversal(tmp_path):
    path = hostile.eml_with_traversal(tmp_path)
    assert path.name == "jahat.eml"
    msg = _parse_eml(path)
    names = [part.get_filename() for part in msg.iter_attachments()]
    assert names == ["../../../etc/cron.d/x.xlsx", "laporan-unit.xlsx"]
    for part in msg.iter_attachments():
        assert _rows(part.get_content())[0][0] == "Unit"


# --------------------------------------------------------------------------- clutter


def test_office_lock_file(tmp_path):
    path = hostile.office_lock_file(tmp_path)
    assert path.name == "~$Laporan.xlsx"
    data = path.read_bytes()
    assert len(data) == 165
    assert data[0] == len("Operator Dinas")
    assert data[1:15] == b"Operator Dinas"
    assert "Operator Dinas".encode("utf-16-le") in data
    assert not zipfile.is_zipfile(path)


def test_desktop_ini(tmp_path):
    path = hostile.desktop_ini(tmp_path)
    assert path.name == "desktop.ini"
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    assert "[.ShellClassInfo]" in data.decode("utf-16")
