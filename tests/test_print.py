"""What people see when they print: a template and the demo's monitoring workbook rendered by a
real LibreOffice to PDF and PNG (artefacts under the test's tmp path, or $RBXL_PNG_DIR to keep
them), with assertions on the PDF's text: whole Petunjuk lines, every chart label present."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import require_soffice

from rbxl.cli.demo import run_demo
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


def test_ringkasan_charts_print_every_label(roadmap, tmp_path):
    render = _render()
    book = run_demo(roadmap, tmp_path / "demo").outputs.monitoring
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
    assert len(pngs) == len(pages) - (pages[-1].strip() == "")
