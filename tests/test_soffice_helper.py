"""Self-test of tests/soffice.py against a real LibreOffice.

These tests are skipped only when soffice is missing AND the CI environment
variable is not set. On CI (CI set, to any value) a missing soffice fails
them.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

try:  # tests/ as a package
    from . import soffice
except ImportError:  # rootdir-style test modules: tests/ is on sys.path
    import soffice

ON_CI = "CI" in os.environ

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        not soffice.available() and not ON_CI,
        reason="soffice not on PATH (set CI to turn this skip into a failure)",
    ),
]


def require_soffice() -> None:
    """Called first in every test: when not skipped, a missing soffice is a FAILURE.

    (A failing fixture would only report an error, so this is a plain call.)
    """
    if not soffice.available():
        pytest.fail("CI is set but soffice is not on PATH: LibreOffice tests must not be skipped")


# ---------------------------------------------------------------- helpers


def make_book(path: Path, a1: float = 2, a2: float = 3, cached: float = 99) -> Path:
    """A1=a1, A2=a2, A3 '=A1*A2' with a (deliberately wrong) cached value."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_number("A1", a1)
    ws.write_number("A2", a2)
    ws.write_formula("A3", "=A1*A2", None, cached)
    wb.close()
    return path


def cached_a3(xlsx: Path):
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    try:
        return wb.worksheets[0]["A3"].value
    finally:
        wb.close()


def calamine_column_a(path: Path) -> list:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return [row[0] for row in rows]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    return make_book(src_dir / "book.xlsx")


# ---------------------------------------------------------------- tests


def test_recalc_flag_controls_formula_recalculation(book: Path, tmp_path: Path):
    require_soffice()
    before = digest(book)
    assert cached_a3(book) == 99  # what the tool "wrote"

    kept = soffice.convert(book, "xlsx", tmp_path / "kept", recalc=False)
    assert kept == (tmp_path / "kept" / "book.xlsx").resolve()
    assert kept.is_file() and zipfile.is_zipfile(kept)
    assert cached_a3(kept) == 99, "LibreOffice recalculated although recalc=False"

    recalced = soffice.convert(book, "xlsx", tmp_path / "recalc", recalc=True)
    assert cached_a3(recalced) == 6, "recalc=True did not make LibreOffice recalculate"
    assert calamine_column_a(recalced)[:2] == [2, 3]

    assert digest(book) == before, "input was modified"
    assert sorted(p.name for p in book.parent.iterdir()) == ["book.xlsx"], (
        "files left next to input"
    )


def set_ods_autocalculate(ods: Path, dest: Path, value: bool) -> Path:
    """Copy of ``ods`` whose settings.xml has AutoCalculate set to ``value``."""
    old = f'config:name="AutoCalculate" config:type="boolean">{str(not value).lower()}<'
    new = f'config:name="AutoCalculate" config:type="boolean">{str(value).lower()}<'
    with zipfile.ZipFile(ods) as zin:
        names = zin.namelist()
        parts = {n: zin.read(n) for n in names}
    settings = parts["settings.xml"].decode("utf-8")
    assert old in settings
    parts["settings.xml"] = settings.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(dest, "w") as zout:  # mimetype first and stored, as ODF requires
        zout.writestr("mimetype", parts.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name in names:
            if name in parts:
                zout.writestr(name, parts[name], compress_type=zipfile.ZIP_DEFLATED)
    return dest


def test_recalc_flag_on_ods_input(book: Path, tmp_path: Path):
    require_soffice()
    # xlsx -> ods without recalc keeps the wrong cached 99 in the ods file.
    ods = soffice.convert(book, "ods", tmp_path / "ods", recalc=False)
    assert calamine_column_a(ods)[2] == 99

    # ODFRecalcMode works: recalc=True recalculates ods input.
    assert cached_a3(soffice.convert(ods, "xlsx", tmp_path / "r1", recalc=True)) == 6

    # LibreOffice writes AutoCalculate=true into its ods settings, and then it
    # recalculates on load/save even with ODFRecalcMode=never. So recalc=False
    # does not keep the cached values of such an ods. (Documents LibreOffice
    # 7.4 behaviour; if this assertion ever fails, recalc=False got stricter.)
    assert cached_a3(soffice.convert(ods, "xlsx", tmp_path / "k1", recalc=False)) == 6

    # With AutoCalculate=false in the document, recalc=False keeps the cached
    # value and recalc=True still recalculates.
    src_dir = tmp_path / "manual"
    src_dir.mkdir()
    manual = set_ods_autocalculate(ods, src_dir / "manual.ods", False)
    assert cached_a3(soffice.convert(manual, "xlsx", tmp_path / "k2", recalc=False)) == 99
    assert cached_a3(soffice.convert(manual, "xlsx", tmp_path / "r2", recalc=True)) == 6


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_round_trip_keeps_values(book: Path, tmp_path: Path, fmt: str):
    require_soffice()
    out = soffice.convert(book, fmt, tmp_path / "out")
    assert out.suffix == f".{fmt}" and out.stat().st_size > 0
    assert calamine_column_a(out)[:2] == [2, 3]


def test_pdf_and_csv(book: Path, tmp_path: Path):
    require_soffice()
    pdf = soffice.convert(book, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    csv = soffice.convert(book, "csv", tmp_path / "csv", recalc=True)
    assert csv.read_text(encoding="utf-8").split() == ["2", "3", "6"]


def test_convert_many_returns_outputs_in_input_order(tmp_path: Path):
    require_soffice()
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    # Names deliberately not in sorted order; the values tell the files apart.
    names = ["zeta", "alpha", "mid"]
    srcs = [
        make_book(src_dir / f"{n}.xlsx", a1=i + 10, a2=1, cached=-1) for i, n in enumerate(names)
    ]
    outs = soffice.convert_many(srcs, "xlsx", tmp_path / "out", recalc=True)
    assert len(outs) == 3
    assert [o.name for o in outs] == [f"{n}.xlsx" for n in names]
    assert [cached_a3(o) for o in outs] == [10, 11, 12]


def test_missing_input_raises(tmp_path: Path):
    require_soffice()
    with pytest.raises(RuntimeError, match="not found"):
        soffice.convert(tmp_path / "nope.xlsx", "xlsx", tmp_path / "out")


@pytest.mark.parametrize(
    "content",
    [b"this is not a spreadsheet\n", b"PK\x03\x04 truncated zip", b""],
    ids=["garbage", "truncated-zip", "empty"],
)
def test_corrupt_input_raises(tmp_path: Path, content: bytes):
    require_soffice()
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    bad = src_dir / "bad.xlsx"
    bad.write_bytes(content)
    with pytest.raises(RuntimeError) as excinfo:
        soffice.convert(bad, "xlsx", tmp_path / "out")
    if content:  # non-empty input reaches soffice; its output is in the message. Which error it
        # prints depends on the installed modules: Calc alone cannot load the garbage ("could not be
        # loaded"); with Writer installed the text opens in Writer, which aborts on the Calc filter.
        assert re.search(r"could not be loaded|no export filter|Application Error", str(excinfo.value))
    assert not (tmp_path / "out" / "bad.xlsx").exists()
    assert bad.read_bytes() == content


def test_convert_many_with_one_corrupt_input_raises(book: Path, tmp_path: Path):
    require_soffice()
    bad = book.parent / "bad.xlsx"
    bad.write_bytes(b"garbage")
    with pytest.raises(RuntimeError, match="bad.xlsx"):
        soffice.convert_many([book, bad], "ods", tmp_path / "out")


def test_outdir_must_differ_from_input_dir(book: Path):
    require_soffice()
    with pytest.raises(ValueError):
        soffice.convert(book, "xlsx", book.parent)
    with pytest.raises(ValueError):
        soffice.convert(book, "docx", book.parent / "x")


def test_timeout_kills_soffice_and_next_call_works(book: Path, tmp_path: Path):
    require_soffice()
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="timed out"):
        soffice.convert(book, "xlsx", tmp_path / "t", recalc=True, timeout=0.2)
    assert time.monotonic() - t0 < 15
    # The killed profile was thrown away; a fresh one works.
    out = soffice.convert(book, "xlsx", tmp_path / "t2", recalc=True)
    assert cached_a3(out) == 6
