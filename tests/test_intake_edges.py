"""E-mail and archive edge cases of issue 19: what the guard, the walk and the logs must not miss.

Each test builds its own minimal reproducer (hostile builders that return bytes are named
*_bytes, as in tests/hostile.py) next to a valid return, and checks that the inputs stay
byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from pathlib import Path

import pytest

from rbxl.checks.structure import ACCEPTED, ACCEPTED_NOTES, NEEDS_FIX, REJECTED
from rbxl.checks.validate import validate
from rbxl.core.xlsx import cell_name
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.pipeline import run_validation
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
UNIT = "KEC-JATI"


@pytest.fixture(scope="module")
def spec(roadmap):
    return plan(roadmap, UNIT, TAHUN, PERIODE)


@pytest.fixture(scope="module")
def good(spec, tmp_path_factory) -> Path:
    return write_template(spec, tmp_path_factory.mktemp("baik") / f"{UNIT}.xlsx", answers_for(spec))


def progress_cell(spec, n: int = 0) -> tuple[str, str]:
    """(row key, A1) of the n-th Rencana Aksi Utama row's progres cell."""
    s = spec.sheet(SHEET_RA_UTAMA)
    return s.rows[n].key, cell_name(s.first_row + n, s.col("progres"))


def fingerprints(folder: Path) -> dict[str, str]:
    """Every file under `folder` by its SHA-256 (inputs must stay byte-identical)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def run(paths, roadmap, out=None):
    paths = paths if isinstance(paths, list) else [paths]
    if out is not None:
        return run_validation(paths, roadmap, TAHUN, PERIODE, out, workers=2).report
    return validate(paths, roadmap, TAHUN, PERIODE, workers=2)


def sub_of(report, suffix: str):
    found = [s for s in report.submissions if s.item.source.endswith(suffix)]
    assert len(found) == 1, (suffix, [s.item.source for s in report.submissions])
    return found[0]


# --- formulas, whatever the attribute order or quoting ---------------------------------------

def _sheet_part(data: bytes, sheet: str) -> str:
    from rbxl.intake.guard import Budget, _sheet_parts

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = _sheet_parts(zf, set(zf.namelist()), "x", Budget())
    return next(part for part, name in parts.items() if name == sheet)


def rewrite_cell_bytes(data: bytes, sheet: str, cell: str, element: str) -> bytes:
    """The package with one cell element of `sheet` replaced by `element` (raw XML, as a hostile app writes)."""
    part = _sheet_part(data, sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == part:
                pattern = re.compile(rb'<c r="' + cell.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
                body, n = pattern.subn(element.encode(), body)
                assert n == 1, (cell, n)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("element", [
    '<c s="3" r="{cell}"><f>1+1</f><v>2</v></c>',  # r after s
    '<c t="str" r="{cell}"><f>HYPERLINK("http://x","klik")</f><v>klik</v></c>',
    "<c r='{cell}'><f>1+1</f><v>2</v></c>",  # single quotes
    '<c r = "{cell}" s="1>"><f>1+1</f><v>2</v></c>',  # spaces around '=', a '>' inside a value
    '<c r="{cell}"><v>2</v><f>1+1</f></c>',  # the cached value first
], ids=["s-first", "t-str-hyperlink", "single-quote", "spaces-gt", "v-first"])
def test_formula_found_whatever_the_attribute_order_or_quoting(roadmap, spec, good, tmp_path, element):
    key, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "rumus.xlsx"
    bad.write_bytes(rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, element.format(cell=cell)))
    sub = sub_of(run(folder, roadmap), "rumus.xlsx")
    found = [(f.sheet, f.cell) for f in sub.findings if f.code == "VALUE_FORMULA"]
    assert found == [(SHEET_RA_UTAMA, cell)]
    assert sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, key, "progres") not in sub.values  # the cached value is never used


def test_the_same_cell_without_a_formula_is_read(roadmap, spec, good, tmp_path):
    """Control: the rewrite itself (reordered attributes, single quotes) changes nothing else."""
    key, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    ok = folder / "tanpa-rumus.xlsx"
    ok.write_bytes(rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, f"<c s='3' r='{cell}'><v>42</v></c>"))
    sub = sub_of(run(folder, roadmap), "tanpa-rumus.xlsx")
    assert not [f for f in sub.findings if f.code == "VALUE_FORMULA"]
    assert sub.values[(SHEET_RA_UTAMA, key, "progres")] == 42


# --- zips with two readings ----------------------------------------------------------------------

def _records(data: bytes) -> tuple[bytes, bytes, int]:
    """(local records, central directory, entry count) of a plain zip without a comment."""
    eocd = data.rfind(b"PK\x05\x06")
    n, size_cd, off_cd = struct.unpack("<HII", data[eocd + 10:eocd + 20])
    return data[:off_cd], data[off_cd:off_cd + size_cd], n


def second_end_record_bytes(real: bytes, decoy: bytes) -> bytes:
    """`real` whose zip comment holds a whole `decoy` package: zipfile reads the last end record (the
    decoy's), a reader that checks the comment length reads `real`."""
    return real[:-2] + struct.pack("<H", len(decoy) + 1) + decoy + b"\0"


def moved_directory_bytes(real: bytes, decoy: bytes) -> bytes:
    """One end record whose central-directory offset names `real`'s directory while the directory
    just before it (where zipfile looks, taking the difference for prepended data) is `decoy`'s."""
    rm, rcd, _ = _records(real)
    dm, dcd, dn = _records(decoy)
    a, b = len(rm), len(rm) + len(rcd)
    shift = b - (b + len(dm) - a)  # zipfile adds (where the directory is - where it is said to be)
    entries, i = b"", 0
    while i < len(dcd):
        n, e, c = struct.unpack("<HHH", dcd[i + 28:i + 34])
        entry = bytearray(dcd[i:i + 46 + n + e + c])
        struct.pack_into("<I", entry, 42, struct.unpack_from("<I", entry, 42)[0] + shift)
        entries += bytes(entry)
        i += 46 + n + e + c
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, dn, dn, len(entries), a, 0)
    return rm + rcd + dm + entries + eocd


def overlapping_members_bytes(name: str, data: bytes) -> bytes:
    """A zip of returns listing `name` twice over the same bytes: once as its own member, once inside
    the stored data of another member (David Fifield's overlap), so two readers extract different files."""
    one = io.BytesIO()
    with zipfile.ZipFile(one, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(name, data)
    record, _, _ = _records(one.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("sampul.txt", record)
        zf.writestr(name, data)
    raw = bytearray(out.getvalue())
    _, cd, _ = _records(bytes(raw))
    eocd = raw.rfind(b"PK\x05\x06")
    (off_cd,) = struct.unpack_from("<I", raw, eocd + 16)
    n0, e0, c0 = struct.unpack_from("<HHH", raw, off_cd + 28)
    second = off_cd + 46 + n0 + e0 + c0
    struct.pack_into("<I", raw, second + 42, 30 + len("sampul.txt"))  # into sampul.txt's data
    return bytes(raw)


@pytest.fixture(scope="module")
def formula_package(spec, good) -> bytes:
    """The good return with a formula in a progres cell: what the decoy would hide."""
    _, cell = progress_cell(spec)
    return rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, f'<c r="{cell}"><f>1+1</f><v>77</v></c>')


@pytest.mark.parametrize("build", [second_end_record_bytes, moved_directory_bytes], ids=["comment", "directory"])
def test_a_package_with_two_readings_is_refused(roadmap, good, formula_package, tmp_path, build):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dua.xlsx").write_bytes(build(formula_package, good.read_bytes()))
    (folder / good.name).write_bytes(good.read_bytes())
    before = fingerprints(folder)
    report = run(folder, roadmap, out=tmp_path / "out")
    bad = sub_of(report, "dua.xlsx")
    assert [f.code for f in bad.findings] == ["FILE_ZIP_AMBIGUOUS"] and bad.verdict == REJECTED
    assert "dua cara" in bad.findings[0].message
    assert sub_of(report, good.name).verdict in (ACCEPTED, ACCEPTED_NOTES)
    assert fingerprints(folder) == before


def test_a_zip_of_returns_with_overlapping_members_is_refused(roadmap, good, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kiriman.zip").write_bytes(overlapping_members_bytes(good.name, good.read_bytes()))
    report = run(folder, roadmap)
    assert [(Path(f.file).name, f.code) for f in report.findings if f.code == "FILE_ZIP_AMBIGUOUS"] == [
        ("kiriman.zip", "FILE_ZIP_AMBIGUOUS")]
    assert not [s for s in report.submissions if s.item.source.endswith(good.name)]  # nothing read from it


def test_a_zip_of_returns_with_a_stored_workbook_has_one_reading(roadmap, good, tmp_path):
    """Control: a stored xlsx inside a zip carries its own zip records; that is one reading, not two."""
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "kiriman.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("tersimpan/" + good.name), good.read_bytes(), zipfile.ZIP_STORED)
        zf.writestr("surat.txt", "Terlampir laporan kami.", zipfile.ZIP_DEFLATED)
    report = run(folder, roadmap)
    assert not [f for f in report.findings if f.code == "FILE_ZIP_AMBIGUOUS"]
    assert sub_of(report, good.name).verdict in (ACCEPTED, ACCEPTED_NOTES)
