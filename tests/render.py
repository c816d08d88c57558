"""Render a workbook's printed pages to PNG: LibreOffice exports the PDF it would print (own
profile, see soffice.py), poppler's pdftoppm rasterises each page. The PNGs are test artefacts
to look at; tests assert what the PDF text and the chart XML can show.

    python tests/render.py BOOK.xlsx OUTDIR     # writes OUTDIR/<stem>.pdf and <stem>-<page>.png
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import soffice  # noqa: E402
from helpers import require_app  # noqa: E402


def require_poppler() -> None:
    require_app("pdftoppm", "pdftotext", app="poppler-utils")


def to_pdf(book: Path, outdir: Path) -> Path:
    return soffice.convert(book, "pdf", outdir)


def to_png(book: Path, outdir: Path, dpi: int = 70) -> list[Path]:
    """One PNG per printed page of every visible sheet, in print order."""
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = to_pdf(book, outdir)
    prefix = outdir / book.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(outdir.glob(f"{book.stem}-*.png"))


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """The PDF's text with its layout (-layout keeps each printed line on one line); with `raw`, in
    drawing order (-raw), so a wrapped cell's lines follow each other and two cells whose text
    touches (one running into the next) come out without a space between them."""
    cmd = ["pdftotext", "-raw" if raw else "-layout"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout


if __name__ == "__main__":
    for page in to_png(Path(sys.argv[1]), Path(sys.argv[2])):
        print(page)
