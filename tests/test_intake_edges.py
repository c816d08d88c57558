"""E-mail and archive edge cases of issue 19: what the guard, the walk and the logs must not miss.

Each test builds its own minimal reproducer (hostile builders that return bytes are named
*_bytes, as in tests/hostile.py) next to a valid return, and checks that the inputs stay
byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest

from rbxl.checks.structure import NEEDS_FIX
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
