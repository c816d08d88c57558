"""What people see when they print: a template and the demo's monitoring workbook rendered by a
real LibreOffice to PDF and PNG (artefacts under the test's tmp path, or $RBXL_PNG_DIR to keep
them), with assertions on the PDF's text: whole Petunjuk lines, every chart label present, and
(issue 19) no cut text: every locked template text, the monitoring workbook's unit codes, names
and headers printed whole and not run into the next column."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import require_soffice

from rbxl.form.spec import plan
from rbxl.template.write import write_template

pytestmark = pytest.mark.libreoffice


def _render():
    require_soffice()
    import render

    render.require_poppler()
    return render


def _png_dir(tmp_path: Path, name: str) -> Path:
    keep = os.environ.get("RBXL_PNG_DIR")
    return Path(keep) / name if keep else tmp_path / "png" / name


def _pages(render, pdf: Path) -> list[str]:
    return render.pdf_text(pdf).split("\f")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_petunjuk_prints_every_line_whole(roadmap, tmp_path):
    render = _render()
    spec = plan(roadmap, "BAG-ORGANISASI", 2023, "TW1")
    book = write_template(spec, tmp_path / "BAG-ORGANISASI.xlsx")
    out = _png_dir(tmp_path, "template")
    pngs = render.to_png(book, out)
    pages = _pages(render, out / f"{book.stem}.pdf")
    identitas = next(i for i, p in enumerate(pages) if "IDENTITAS PENGISI" in p)
    assert identitas >= 1
    printed = _flat(" ".join(pages[:identitas]))
    # a line cut at the right edge, or two lines drawn over each other, does not come out whole
    missing = [line for line in spec.guide if line and _flat(line) not in printed]
    assert missing == []
    assert len(pngs) >= len(spec.sheets) + 1  # every visible sheet printed at least one page


def test_ringkasan_charts_print_every_label(demo, roadmap, tmp_path):
    render = _render()
    book = demo[1].outputs.monitoring
    out = _png_dir(tmp_path, "monitoring")
    pngs = render.to_png(book, out)
    pages = _pages(render, out / f"{book.stem}.pdf")
    first_data = next(i for i, p in enumerate(pages) if re.search(r"Indikator\s+Halaman", p))
    summary = pages[:first_data]  # Ringkasan is the first sheet, Indikator the second
    assert 1 <= len(summary) <= 5
    printed = _flat(" ".join(summary))
    for ind in roadmap.indikator:  # every bar of the capaian chart is named, none skipped
        assert ind.label in printed, ind.kode
    assert "IND-3.4-04" not in printed  # names, not codes
    for unit in roadmap.units.values():  # every unit of the status charts is named
        assert unit.singkatan in printed, unit.kode
    for kind in ("Kecamatan (16 unit)", "Bagian Setda (4 unit)"):
        assert kind in printed
    # the state's date and the comparison with the previous period (the demo's book is TW2 after TW1)
    assert "keadaan sampai 30 Juni 2023" in printed and "Dibanding Triwulan I: rata-rata progres" in printed
    # a capaian under 100 is never labelled 100% (77,99 against 78 is 99,9%)
    from rbxl.core.values import format_percent

    near = [r["capaian"] for r in demo[1].outputs.tables.indikator
            if isinstance(r.get("capaian"), float) and 99.5 <= r["capaian"] < 100]
    assert near and all(format_percent(v) in printed for v in near)
    assert len(pngs) == len(pages) - (pages[-1].strip() == "")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _sheet_pages(pages: list[str], first_line: str) -> str:
    """The pages whose first printed line starts with `first_line` (sheet name in the footer/title)."""
    return "\n".join(p for p in pages if p.lstrip().startswith(first_line))


@pytest.mark.parametrize("unit", ["INSPEKTORAT", "KEC-RANDUBLATUNG", "DINKES"])  # DINKES: an instrument sheet
def test_template_prints_every_locked_text_whole(roadmap, tmp_path, unit):
    """A wrapped cell in a row too low is cut at its last line: every locked text must print whole."""
    from rbxl.form.sample import answers_for

    render = _render()
    spec = plan(roadmap, unit, 2024, "TW1")
    book = write_template(spec, tmp_path / f"{unit}.xlsx", answers_for(spec))
    printed = _squeeze(render.pdf_text(render.to_pdf(book, _png_dir(tmp_path, unit)), raw=True))
    cut = [(sheet.name, row.key, k, v[-40:]) for sheet in spec.sheets for row in sheet.rows
           for k, v in row.values.items() if isinstance(v, str) and v.strip() and _squeeze(v) not in printed]
    assert cut == []


@pytest.fixture(scope="module")
def demo_pages(demo, tmp_path_factory):
    render = _render()
    tmp = tmp_path_factory.mktemp("cetak")
    book = demo[1].outputs.monitoring  # the session's demo, second period: with the Tren sheet
    pdf = render.to_pdf(book, _png_dir(tmp, "monitoring-cetak"))
    return render.pdf_text(pdf, raw=True).split("\f")


def test_matriks_prints_every_unit_code_whole(roadmap, demo_pages):
    printed = _squeeze(_sheet_pages(demo_pages, "Kode"))  # Matriks: rotated codes above the first row
    assert [u for u in roadmap.units if u not in printed] == []


def test_tren_prints_unit_names_whole_and_states_apart(roadmap, demo_pages):
    tren = _sheet_pages(demo_pages, "TREN") + "\n" + "\n".join(
        p for p in demo_pages if "Tepat waktu" in p and "Pengumpulan" not in p.split("\n", 1)[0])
    flat = _flat(tren)
    assert "Belum mengumpulkan" in flat
    # a name cut at the column's edge, or a code or state running into the next column, fails here
    assert [u.kode for u in roadmap.units.values() if f"{u.kode} {u.nama}" not in flat] == []
    assert re.findall(r"\S(?:Belum mengumpulkan|Tepat waktu|Terlambat)", tren) == []


def test_pengisi_prints_every_header_whole(demo_pages):
    from rbxl.consolidation.columns import IDENTITAS_COLS

    printed = _squeeze(_sheet_pages(demo_pages, "Pengisi"))
    assert [c.header for c in IDENTITAS_COLS if _squeeze(c.header) not in printed] == []
