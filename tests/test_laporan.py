"""`rbxl laporan`: the Word report and the Pokja packets, read back and held against the data.

One module-scoped demo run (47 units of the shipped master, 2023 TW1) is consolidated; hostile
unit text and a late file are then written into its snapshot, and the report is rendered from
it. python-docx reads the document back: every table is matched, by its header row, with the
period's CSV or with rbxl.consolidation.figures, and the test fails on a table it does not know. A real
LibreOffice converts the document to PDF; pdftotext and pdftoppm check what a reader sees.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_soffice
from docx import Document
from docx.oxml.ns import qn
from render import require_poppler

from rbxl.cli import main
from rbxl.consolidation.executive import executive
from rbxl.consolidation.figures import LATE, ON_TIME, PeriodFigures, figures
from rbxl.consolidation.tables import Tables
from rbxl.core.paths import csv_dir, laporan_path, snapshot_path
from rbxl.core.values import format_floor, format_number, parse_number
from rbxl.render.laporan import pokja_path, write_laporan
from rbxl.riwayat.snapshot import load_tables, save_tables

TAHUN, PERIODE = 2023, "TW1"
FORMULA = "=cmd|' /C calc'!A0"
CONTROL = "awal\x07\x1b[2J\x00tengah\u202eexe.xlsx\u2066akhir"
LONG = "Kendala panjang sekali. " * 2200  # ~50,000 characters
LATE_UNIT = "BKD"


@dataclass
class Period:
    roadmap: object
    out: Path
    fig: PeriodFigures
    docx: Path
    csv: dict[str, list[dict]]
    hostile: dict[str, str]  # field -> text written into the snapshot (unit = HOSTILE)
    hostile_unit: str


@pytest.fixture(scope="module")
def period(tmp_path_factory, roadmap, demo) -> Period:
    import shutil

    out = tmp_path_factory.mktemp("laporan") / "hasil"
    shutil.copytree(demo[0], out)  # the session's demo (2023 TW1 then TW2), copied: this fixture edits it
    tables = load_tables(out, TAHUN, PERIODE)
    # hostile text in three PD utama rows of one unit that returned its file
    rows = [r for r in tables.rencana_aksi if r["peran"] == "Utama" and r["unit"] == "BAG-HUKUM"]
    hostile = {"kendala": FORMULA, "tindak_lanjut": CONTROL, "output": LONG}
    rows[0].update(hostile)
    rows[1]["kendala"] = LONG
    # a file saved after the deadline (15 April 2023 in the shipped Jadwal)
    chosen = next(u["berkas"] for u in tables.unit if u["unit"] == LATE_UNIT)
    for b in tables.berkas:
        if b["unit"] == LATE_UNIT and b["nama_berkas"] == chosen:
            b["disimpan"] = "2023-05-02 08:00:00"
    save_tables(tables, out)
    result = write_laporan(roadmap, out, TAHUN, PERIODE)
    assert result.documents == [laporan_path(out, TAHUN, PERIODE)] and not result.locked
    folder = csv_dir(out, TAHUN, PERIODE)
    data = {n: list(csv.DictReader((folder / f"{n}.csv").open(encoding="utf-8")))
            for n in ("indikator", "kegiatan_prioritas", "rencana_aksi", "unit", "instrumen_nilai")}
    return Period(roadmap, out, figures(load_tables(out, TAHUN, PERIODE), roadmap), result.documents[0], data,
                  hostile, "BAG-HUKUM")


# --------------------------------------------------------------------------- reading the document back

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    parts = []
    for node in el.iter(f"{W}t", f"{W}br"):
        parts.append("\n" if node.tag == f"{W}br" else (node.text or ""))
    return "".join(parts)


def read_back(path: Path) -> tuple[list[tuple[int, str]], list[tuple[str, list[list[str]]]]]:
    """Headings (level, text) and tables (the heading above them, rows of cell texts), in order."""
    doc = Document(str(path))
    headings, tables, current = [], [], ""
    for el in doc.element.body.iterchildren():
        if el.tag == f"{W}p":
            style = el.find(f"{W}pPr/{W}pStyle")
            sid = style.get(f"{W}val") if style is not None else ""
            if sid.startswith("Heading"):
                current = _text(el)
                headings.append((int(sid[-1]), current))
        elif el.tag == f"{W}tbl":
            rows = [[_text(tc) for tc in tr.iter(f"{W}tc")] for tr in el.iter(f"{W}tr")]
            tables.append((current, rows))
    return headings, tables


def floor(v: str) -> str:
    """A capaian as the report writes it: one decimal, never rounded up to 100 (values.format_floor)."""
    return "–" if v == "" else format_floor(float(v), 1)


def shown(v: str, decimals: int | None = None) -> str:
    """How the report writes a CSV value: Indonesian numbers, '–' for nothing, text as it is."""
    if v == "":
        return "–"
    if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@", "\t", "\r"):  # the CSV's injection guard
        v = v[1:]
    n = parse_number(v) if re.fullmatch(r"-?\d+(\.\d+)?", v) else None
    return format_number(n, decimals) if n is not None else v


MARK = {"Tercapai": "✓ Tercapai", "Belum tercapai": "✗ Belum tercapai", "Belum ada data": "– Belum ada data"}


def mark(r: dict) -> str:
    """The Keterangan of a CSV row: without data it names what is missing, the target or the realisation."""
    if r["status_capaian"] == "Belum ada data" and not r["target"].strip():
        return "– Target belum ditetapkan"
    if r["status_capaian"] == "Belum ada data" and not r["realisasi"].strip():
        return "– Realisasi belum dilaporkan"
    return MARK[r["status_capaian"]]


def _status(r: dict) -> str:
    return r["status"] or ("Belum mengumpulkan" if r["pengumpulan"] == "Belum mengumpulkan" else "Belum dilaporkan")


def _by(rows: list[dict], *keys: str) -> dict[tuple, dict]:
    out = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), r)
    return out


def test_headings_fields_and_layout(period):
    headings, _ = read_back(period.docx)
    h1 = [t for lvl, t in headings if lvl == 1]
    assert h1 == ["RINGKASAN EKSEKUTIF", "KATA PENGANTAR", "I. PENDAHULUAN", "II. RINGKASAN CAPAIAN",
                  "III. CAPAIAN PER AREA PERUBAHAN", "IV. KEPATUHAN PELAPORAN", "V. CATATAN UNTUK PIMPINAN",
                  "VI. PERMASALAHAN", "VII. REKOMENDASI", "VIII. PENUTUP", "DAFTAR ISTILAH", "LAMPIRAN"]
    h2 = [t for lvl, t in headings if lvl == 2]
    for n, a in enumerate(period.fig.areas, 1):
        assert f"3.{n} {a.nama}" in h2
    assert "1.1 Latar Belakang" in h2
    with zipfile.ZipFile(period.docx) as z:
        body = z.read("word/document.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        settings = z.read("word/settings.xml").decode()
    assert 'TOC \\o "1-2"' in body and "PAGE" in footers and "updateFields" in settings
    with zipfile.ZipFile(period.docx) as z:  # charts: PNG at print resolution (16 cm at 200 dpi)
        from PIL import Image

        charts = [Image.open(io.BytesIO(z.read(n))) for n in z.namelist() if n.startswith("word/media/")]
    assert len(charts) == 3 and all(c.format == "PNG" and c.width >= 1250 for c in charts)  # >= 200 dpi
    doc = Document(str(period.docx))
    portrait = doc.sections[0]
    assert (portrait.page_width, portrait.page_height) == (7560310, 10692130)  # A4 in EMU
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # Lampiran: landscape
    for t in doc.tables:
        first = t.rows[0]._tr
        if len(t.rows) > 1:
            assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_every_table_number_equals_the_csv_or_the_figures(period):
    fig, data = period.fig, period.csv
    h = fig.headline
    ind = _by(data["indikator"], "kode", "unit")
    keg = _by(data["kegiatan_prioritas"], "kode", "unit")
    ra = _by([r for r in data["rencana_aksi"] if r["peran"] == "Utama"], "kode", "nama_unit")
    ra_units = {u for _, u in ra}
    units = _by(data["unit"], "unit")
    unit_by_name = {u.nama: u for u in fig.units}
    code = {u.nama: u.unit for u in fig.units}
    ex = executive(fig)
    labels = {"Unit pelapor (diharapkan)": h.expected, "Unit yang mengumpulkan": h.returned,
              "Unit yang datanya dipakai": h.used, "Unit belum mengumpulkan": h.not_returned,
              "Unit tanpa data (belum mengumpulkan atau berkas ditolak)": h.expected - h.used,
              "Rencana aksi (baris PD penanggung jawab)": h.rencana_aksi.total,
              "   - Belum dilaporkan": h.rencana_aksi.unreported,
              "Indikator (baris)": h.indikator, "Kegiatan prioritas (baris)": h.kegiatan}
    labels.update({f"   - {s}": n for s, n in h.rencana_aksi.by_status.items()})
    _, tables = read_back(period.docx)
    checked, rows_checked = 0, 0
    for heading, rows in tables:
        head, body = rows[0], rows[1:]
        if head == ["Uraian", "Jumlah"]:
            state_block = None
            for label, value in body:
                if label == "Rata-rata progres (%)":
                    assert value == (f"{format_number(h.rencana_aksi.mean_progress, 1)} "
                                     f"({h.rencana_aksi.covered} baris)")
                elif label in ("Indikator (baris)", "Kegiatan prioritas (baris)"):
                    state_block = h.indikator_by_state if label.startswith("Indikator") else h.kegiatan_by_state
                    assert value == format_number(labels[label]), label
                elif state_block is not None and label.strip("- ").strip() in state_block:
                    assert value == format_number(state_block[label.strip("- ").strip()]), label
                else:
                    assert value == format_number(labels[label]), label
                rows_checked += 1
        elif head == ["Keadaan", "Jumlah unit"]:
            assert {k: parse_number(v) for k, v in body} == h.kepatuhan
        elif head[:2] == ["Area perubahan", "Baris PD penanggung jawab"]:
            by_name = {a.nama: a for a in fig.areas}
            for r in body:
                a = by_name[r[0]]
                c = a.rencana_aksi
                assert r[1:-2] == [format_number(c.total), *[format_number(c.by_status[s]) for s in fig.statuses],
                                   format_number(c.unreported),
                                   "–" if c.mean_progress is None else format_number(c.mean_progress, 1)]
                assert r[-1] == next(s.status for s in ex.areas if s.kode == a.kode)
                rows_checked += 1
        elif head[:2] == ["Area perubahan", "Rata-rata progres"]:  # the executive page
            assert [r[0] for r in body] == [a.nama for a in ex.areas]
            for r, a in zip(body, ex.areas, strict=True):
                assert r[1].endswith(f"({a.covered} dari {a.total} baris)") and r[-1].endswith(a.status)
                rows_checked += 1
        elif head == ["Unit", "Alasan"]:  # the executive page: every unit needing attention, by name
            assert [r[0] for r in body] == [a.nama for a in ex.attention]
        elif head == ["Kendala (dikutip apa adanya)", "Baris", "Ditulis oleh"]:
            quoted = [r[0] for r in body]
            assert len(quoted) == len(set(quoted))  # each quote once
        elif head == ["Istilah", "Arti"]:
            continue
        elif head[:4] in (["Kode", "Indikator", "Satuan", "Nilai awal 2021"], ["Kode", "Kegiatan prioritas", "Satuan",
                                                                                "Nilai awal 2021"]):
            src = ind if head[1] == "Indikator" else keg
            for kode, _name, _sat, base, target, real, cap, shown_mark, unit in body:
                r = src[(kode, code[unit])]
                assert [base, target, real, cap, shown_mark] == [shown(r["baseline"]), shown(r["target"]),
                                                                 shown(r["realisasi"]), floor(r["capaian"]), mark(r)], kode
                rows_checked += 1
        elif head[:3] == ["Kode", "Indikator", "Unit"]:
            for kode, _name, unit, target, real, cap, shown_mark in body:
                r = ind[(kode, code[unit])]
                assert [target, real, cap, shown_mark] == [shown(r["target"]), shown(r["realisasi"]),
                                                           floor(r["capaian"]), mark(r)]
                rows_checked += 1
            assert len(body) == len(data["indikator"])
        elif head[:3] == ["Kode", "Rencana aksi", "PD penanggung jawab"] and len(head) == 6:
            by_code: dict[str, list[dict]] = {}
            for r in ra.values():
                by_code.setdefault(r["kode"], []).append(r)
            for kode, _aksi, unit, status, prog, _out in body:
                if unit.endswith(" unit") and unit not in ra_units:  # an action many units lead, collapsed
                    group = by_code[kode]
                    assert unit == f"{len(group)} unit" and len(group) > 5
                    counts = {}
                    for r in group:
                        counts[_status(r)] = counts.get(_status(r), 0) + 1
                    assert sorted(status.split("\n")) == sorted(f"{n} {s}" for s, n in counts.items())
                    rows_checked += len(group)
                    continue
                r = ra[(kode, unit)]
                assert [status, prog] == [_status(r), shown(r["progres"], 1)], (kode, unit)
                rows_checked += 1
        elif head[:3] == ["Kode", "Rencana aksi", "PD penanggung jawab"]:  # Catatan: Belum Dimulai / Tidak Dapat
            for r in body:
                assert ra[(r[0], r[2])]["status"] in ("Belum Dimulai", "Tidak Dapat Dilaksanakan")
        elif head == ["Kode", "Uraian", "Unit", "Target", "Realisasi", "Capaian (%)"]:
            for kode, _u, unit, target, real, cap in body:
                unit = code[unit]
                r = ind.get((kode, unit)) or keg[(kode, unit)]
                assert r["status_capaian"] == "Belum tercapai"
                assert [target, real, cap] == [shown(r["target"]), shown(r["realisasi"]), floor(r["capaian"])]
            n_below = sum(r["status_capaian"] == "Belum tercapai" for r in data["indikator"] + data[
                "kegiatan_prioritas"])
            assert len(body) == n_below
        elif head[:2] == ["No", "Unit"]:
            assert len(body) == h.expected
            for _no, nama, putusan, _when, state, n_utama, prog, err, warn in body:
                u = unit_by_name[nama]
                c = units[(u.unit,)]
                assert [putusan, n_utama, prog, err, warn] == [c["putusan"], shown(c["n_utama"]),
                                                               shown(c["progres"], 1), shown(c["n_err"]),
                                                               shown(c["n_warn"])]
                assert state == u.kepatuhan
                rows_checked += 1
        elif head[:4] == ["Kode", "Tabel", "Area", "Indikator"]:  # L.1
            assert len(body) == len(data["indikator"])
            for r_doc in body:
                r = ind[(r_doc[0], r_doc[11])]
                assert r_doc[6:10] == [shown(r["baseline"]), shown(r["target"]), shown(r["realisasi"]),
                                       floor(r["capaian"])]
                rows_checked += 1
        elif head[:3] == ["Kode", "Area", "Kegiatan prioritas"]:  # L.2
            assert len(body) == len(data["kegiatan_prioritas"])
            for r_doc in body:
                r = keg[(r_doc[0], r_doc[9])]
                assert r_doc[4:8] == [shown(r["baseline"]), shown(r["target"]), shown(r["realisasi"]),
                                      floor(r["capaian"])]
                rows_checked += 1
        elif head[:4] == ["Kode", "Area", "Rencana aksi", "PD penanggung jawab"]:  # L.3
            assert len(body) == len(ra)
            for r_doc in body:
                r = ra[(r_doc[0], r_doc[3])]
                assert [r_doc[4], r_doc[5]] == [_status(r), shown(r["progres"], 1)]
                rows_checked += 1
        elif head[:2] == ["Kode unit", "Nama unit"]:  # L.4
            assert len(body) == len(data["unit"])
            for r_doc in body:
                c = units[(r_doc[0],)]
                n = len(fig.statuses)
                assert r_doc[3] == shown(c["n_utama"]) and r_doc[3 + n + 2] == shown(c["progres"], 1)
                assert r_doc[-3:] == [shown(c["n_pendukung"]), shown(c["n_err"]), shown(c["n_warn"])]
                rows_checked += 1
        elif head[:3] == ["Instrumen", "Unit", "Komponen"]:  # L.5: the instruments' scores (issue 21)
            scores = {(r["instrumen"], r["unit"], r["komponen"]): r for r in data["instrumen_nilai"]}
            shown_rows = [r for r in data["instrumen_nilai"] if r["tingkat"] in ("0", "1")]
            assert len(body) == len(shown_rows) > 0
            for kode, unit, komponen, _bobot, mandiri, verifikasi in body:
                r = scores[(kode, code[unit], komponen)]
                # the CSV holds machine numbers ('44.765'): read as such, then written the Indonesian way
                assert [mandiri, verifikasi] == [format_number(float(r[k]), 2) if r[k] else "–"
                                                 for k in ("nilai_mandiri", "nilai_verifikasi")]
                rows_checked += 1
        elif len(head) == 1 and head[0].startswith("RANCANGAN"):  # the Rekomendasi draft's note
            continue
        else:
            pytest.fail(f"table under '{heading}' with header {head} is not checked against the data")
        checked += 1
    assert checked >= 30 and rows_checked > 500, (checked, rows_checked)


def test_catatan_and_kepatuhan_state_the_computed_facts(period):
    doc = Document(str(period.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    c = period.fig.catatan
    assert "Belum dinilai sebagai keterlambatan: Triwulan I 2023 berakhir pada semester pertama." in text
    assert f"{len(c.indikator_below)} baris indikator dan {len(c.kegiatan_below)} baris kegiatan prioritas" in text
    assert f"{len(c.not_returned)} unit tanpa data yang dapat dipakai" in text
    assert f"{len(c.tidak_dapat)} baris dinyatakan Tidak Dapat Dilaksanakan" in text
    assert "Riwayat periode sebelumnya belum tersedia" in text
    # a target against its indicator's direction is said beside the facts (the shipped master's IND-3.5-01:
    # 2021 value 3, target 2023 2, meant to rise), by the rule master periksa warns by
    against = [i.kode for i in period.roadmap.indikator if i.against_direction(TAHUN) is not None]
    assert "IND-3.5-01" in against
    line = next(p for p in text.splitlines() if "bergerak berlawanan dengan arahnya" in p)
    assert all(k in line for k in against) and "nilai awal 2021 3, target 2, arah naik" in line
    assert period.fig.unit(LATE_UNIT).kepatuhan == LATE and period.fig.headline.kepatuhan[LATE] == 1
    assert "RANCANGAN untuk disunting" in "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_hostile_unit_text_lands_as_cut_clean_literal_text(period):
    with zipfile.ZipFile(period.docx) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    body = _text(Document(str(period.docx)).element.body)
    assert FORMULA in body  # kept literally, as text
    assert "cmd" not in "".join(re.findall(r"<w:instrText[^>]*>([^<]*)<", xml))  # never a field
    assert "awal[2Jtengahexe.xlsxakhir" in body  # controls and bidi overrides gone, the rest kept
    for ch in ("\x07", "\x1b", "\x00", "\u202e", "\u2066"):
        assert ch not in xml
    assert f"dipotong; teks lengkap {format_number(len(LONG.strip()))} karakter" in body
    assert "Kendala panjang sekali. " * 70 not in body  # nothing near 50,000 characters in one place


def test_pdf_through_libreoffice_shows_areas_and_headline_numbers(period, tmp_path, monkeypatch):
    require_soffice()
    require_poppler()
    from rbxl.render.laporan.pdf import to_pdf

    pdf = tmp_path / "laporan.pdf"
    assert to_pdf([(period.docx, pdf)]) == [pdf]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for a in period.fig.areas:
        assert a.nama in flat, a.nama
    h = period.fig.headline
    assert re.search(rf"Unit pelapor \(diharapkan\) {h.expected}\b", flat)
    assert re.search(rf"Unit yang datanya dipakai {h.used}\b", flat)
    assert f"Rata-rata progres (%) {format_number(h.rencana_aksi.mean_progress, 1)}" in flat
    # the table of contents was filled by Writer: headings with page numbers, not the placeholder
    assert "Daftar isi diisi saat dokumen dibuka" not in flat
    assert re.search(r"I\. PENDAHULUAN\.{5,}\s*\d+", text)
    # pages as PNG to look at: RBXL_PNG_DIR keeps them (as for tests/test_print.py), else the test's tmp dir
    png = Path(os.environ.get("RBXL_PNG_DIR") or tmp_path / "png") / "laporan"
    png.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(png / "hal")], check=True)
    pages = sorted(png.glob("hal-*.png"))
    assert len(pages) > 20 and all(p.stat().st_size > 3000 for p in pages)

    # the old PDF open in a viewer that locks it (Windows): the new one is kept as '(baru)'
    import rbxl.core.atomic
    from rbxl.core.errors import OutputError

    real_replace, old = rbxl.core.atomic.os.replace, pdf.read_bytes()

    def locked(src, dst, *a, **k):
        if Path(dst) == pdf:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(rbxl.core.atomic.os, "replace", locked)
    (item,) = to_pdf([(period.docx, pdf)])
    monkeypatch.undo()
    assert isinstance(item, OutputError) and item.exit_code == 4 and "(baru)" in str(item)
    assert pdf.read_bytes() == old and pdf.with_name("laporan (baru).pdf").stat().st_size > 10000


def test_per_pokja_packets_hold_only_their_area(period):
    fig = period.fig
    result = write_laporan(period.roadmap, period.out, TAHUN, PERIODE, per_pokja=True)
    assert [p.name for p in result.documents] == [pokja_path(period.out, TAHUN, PERIODE, a.kode, a.nama).name
                                                  for a in fig.areas]
    assert result.documents[0].name == "pokja-A1-manajemen-perubahan-2023-TW1.docx"
    for a, path in zip(fig.areas, result.documents, strict=True):
        headings, tables = read_back(path)
        assert [t for lvl, t in headings if lvl == 2 and t.startswith("3.")] == [f"3.1 {a.nama}"]
        for _heading, rows in tables:
            head, body = rows[0], rows[1:]
            own = fig.area_units(a.kode)  # the Pokja's members and the units leading the area's rows
            if head[:4] == ["Kode", "Area", "Rencana aksi", "PD penanggung jawab"]:
                assert {r[1] for r in body} <= {a.kode}
                assert len(body) == a.rencana_aksi.total
            if head[:2] == ["No", "Unit"]:  # only the area's units, each once, with the area's rows only
                assert sorted(r[1] for r in body) == sorted(u.nama for u in own)
                for r in body:
                    u = next(x for x in own if x.nama == r[1])
                    assert r[5] == format_number(sum(x["unit"] == u.unit for x in fig.utama_rows(a.kode)))
            if head == ["Keadaan", "Jumlah unit"]:
                assert sum(int(v) for _, v in body) == len(own)
            if head[:4] == ["Kode", "Tabel", "Area", "Indikator"]:
                assert {r[2] for r in body} <= {a.kode}
                assert len(body) == a.indikator
            if head == ["Uraian", "Jumlah"] and _heading.startswith("2.1"):  # the area's own figures
                got = dict(body)
                assert got["Rencana aksi (baris PD penanggung jawab)"] == format_number(a.rencana_aksi.total)
                assert got["Indikator (baris)"] == format_number(a.indikator)
                assert got["Kegiatan prioritas (baris)"] == format_number(a.kegiatan)
                mean = a.rencana_aksi.mean_progress
                assert got["Rata-rata progres (%)"] == ("–" if mean is None else
                                                        f"{format_number(mean, 1)} ({a.rencana_aksi.covered} baris)")


def test_trend_and_second_half_facts_from_earlier_periods(period, tmp_path, roadmap):
    base = load_tables(period.out, TAHUN, PERIODE)
    out = tmp_path / "hasil"
    for p, shift in (("TW1", 0.0), ("TW2", 10.0), ("TW3", 20.0)):
        t = Tables(**copy.deepcopy(base.__dict__))
        t.periode = p
        for r in t.rencana_aksi:
            if isinstance(r.get("progres"), float):
                r["progres"] = min(100.0, r["progres"] + shift)
        save_tables(t, out)
    figs = [figures(load_tables(out, TAHUN, p), roadmap) for p in ("TW1", "TW2", "TW3")]
    result = write_laporan(roadmap, out, TAHUN, "TW3")
    assert result.trend == ["TW1 2023", "TW2 2023"]
    headings, tables = read_back(result.documents[0])
    assert (2, "2.5 Perkembangan dari Periode Sebelumnya") in headings
    trend = next(rows for h, rows in tables if h.startswith("2.5"))
    assert trend[0] == ["Area perubahan", "Triwulan I", "Triwulan II", "Triwulan III"]
    for row, a in zip(trend[1:], figs[0].areas, strict=False):
        assert row[1:] == [format_number(f.area(a.kode).rencana_aksi.mean_progress, 1) for f in figs]
    text = "\n".join(p.text for p in Document(str(result.documents[0])).paragraphs)
    c = figs[2].catatan
    assert c.second_half and len(c.belum_dimulai) > 0
    assert f"{len(c.belum_dimulai)} baris masih Belum Dimulai" in text
    twice = ", ".join(sorted(u.nama for u in figs[2].units if not u.data_dipakai))
    assert "Dua periode berturut-turut (Triwulan II 2023 dan Triwulan III 2023): " in text
    assert all(name in text for name in twice.split(", "))


def test_cli_never_consolidated_period_and_locked_output(period, tmp_path, monkeypatch):
    runner = CliRunner()
    res = runner.invoke(main, ["laporan", "--tahun", "2024", "--periode", "TW2", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "belum direkap" in res.output

    import rbxl.core.atomic

    target = laporan_path(period.out, TAHUN, PERIODE)
    old = target.read_bytes()
    real_replace = rbxl.core.atomic.os.replace

    def locked(src, dst, *a, **k):
        if Path(dst) == target:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(rbxl.core.atomic.os, "replace", locked)
    res = runner.invoke(main, ["laporan", "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(period.out)])
    monkeypatch.undo()
    alt = target.with_name(f"{target.stem} (baru).docx")
    assert res.exit_code == 4, res.output
    assert alt.is_file() and target.read_bytes() == old
    assert "(baru)" in res.output
    assert Document(str(alt)).paragraphs  # the new document is whole
    assert not list(target.parent.glob(".~rbxl-*"))


def test_cli_subprocess_writes_the_report(period, tmp_path):
    out = tmp_path / "hasil"
    shutil.copytree(snapshot_path(period.out, TAHUN, PERIODE).parent, out / f"{TAHUN}-{PERIODE}",
                    ignore=shutil.ignore_patterns("arsip", "templates", "contoh-kiriman"))
    proc = subprocess.run([sys.executable, "-m", "rbxl", "laporan", "--tahun", str(TAHUN), "--periode", PERIODE,
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert laporan_path(out, TAHUN, PERIODE).is_file()
    assert "laporan-monev-2023-TW1.docx" in proc.stdout


def test_pdf_without_libreoffice_keeps_the_docx_alone(period, tmp_path):
    out = tmp_path / "hasil"
    shutil.copytree(snapshot_path(period.out, TAHUN, PERIODE).parent, out / f"{TAHUN}-{PERIODE}",
                    ignore=shutil.ignore_patterns("arsip", "templates", "contoh-kiriman"))
    env = {**os.environ, "PATH": str(tmp_path / "kosong")}  # no soffice on this PATH
    proc = subprocess.run([sys.executable, "-m", "rbxl", "laporan", "--tahun", str(TAHUN), "--periode", PERIODE,
                           "--pdf", "--out", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "LibreOffice (soffice) tidak terpasang" in proc.stdout
    assert laporan_path(out, TAHUN, PERIODE).is_file()
    assert not laporan_path(out, TAHUN, PERIODE).with_suffix(".pdf").exists()


def test_pdf_step_that_times_out_is_killed_and_reported(period, tmp_path):
    require_soffice()
    from rbxl.render.laporan.pdf import PdfFailed, to_pdf

    target = tmp_path / "laporan.pdf"
    with pytest.raises(PdfFailed, match="tidak selesai dalam 0,5 detik") as err:
        to_pdf([(period.docx, target)], timeout=0.5)
    assert err.value.exit_code == 4 and not target.exists()


def test_earlier_periods_of_the_year_and_the_one_just_before(period, tmp_path, roadmap):
    from rbxl.consolidation.figures import previous_in_year
    from rbxl.render.laporan.history import earlier_figures

    base = load_tables(period.out, TAHUN, PERIODE)
    out = tmp_path / "hasil"
    for p in ("TW1", "TW3", "S1"):
        t = Tables(**copy.deepcopy(base.__dict__))
        t.periode = p
        save_tables(t, out)

    def codes(periode: str) -> list[str]:
        return [f.periode for f in earlier_figures(out, TAHUN, periode, roadmap)]

    assert codes("TW4") == ["TW1", "TW3"] and previous_in_year("TW4", codes("TW4")) == "TW3"
    assert codes("TW3") == ["TW1"] and previous_in_year("TW3", codes("TW3")) is None  # TW2 missing: not in a row
    assert codes("S2") == ["S1"] and previous_in_year("S2", codes("S2")) == "S1"
    assert codes("TAHUNAN") == ["TW1", "TW3"] and previous_in_year("TAHUNAN", codes("TAHUNAN")) is None
    assert previous_in_year("TAHUNAN", ["TW1", "TW2", "TW3", "TW4"]) == "TW4"
    assert codes("TW2") == ["TW1"] and earlier_figures(out, TAHUN + 1, "TW2", roadmap) == []  # another year


# --------------------------------------------------------------------------- with the riwayat store


@pytest.fixture
def two_periods(period, tmp_path) -> Path:
    """The fixture's demo run (TW1, then TW2 prefilled from the store, as in test_riwayat) copied:
    both period folders and a copy of its store (VACUUM INTO, as test_riwayat's tahunan does)."""
    out = tmp_path / "hasil"
    for p in ("TW1", "TW2"):
        shutil.copytree(snapshot_path(period.out, TAHUN, p).parent, out / f"{TAHUN}-{p}",
                        ignore=shutil.ignore_patterns("arsip", "templates", "contoh-kiriman", "perbaikan"))
    con = sqlite3.connect(period.out / "rbxl.sqlite")
    con.execute(f"VACUUM INTO '{out / 'rbxl.sqlite'}'")
    con.close()
    return out


def _trend_rows(path: Path) -> list[list[str]]:
    _, tables = read_back(path)
    return next(rows for h, rows in tables if h.startswith("2.5"))


def test_trend_and_two_periods_in_a_row_come_from_the_store_as_the_tren_sheet(two_periods, roadmap):
    import openpyxl

    from rbxl.consolidation.figures import NO_DATA_STATES
    from rbxl.core.paths import monitoring_path
    from rbxl.riwayat.trend import history
    from rbxl.store import open_store

    out = two_periods
    # The snapshots of TW1 now say something else: the report must not read them when there is a store.
    t1 = load_tables(out, TAHUN, "TW1")
    for r in t1.rencana_aksi:
        if isinstance(r.get("progres"), float):
            r["progres"] = min(100.0, r["progres"] + 7.0)
    save_tables(t1, out)
    with open_store(out / "rbxl.sqlite", create=False) as st:
        h = history(st, roadmap, TAHUN, upto="TW2")
    assert h.labels == ["TW1", "TW2"]

    result = write_laporan(roadmap, out, TAHUN, "TW2")
    assert result.trend == ["TW1 2023"] and result.store == out / "rbxl.sqlite" and not result.notes
    rows = _trend_rows(result.documents[0])
    assert rows[0] == ["Area perubahan", "Triwulan I", "Triwulan II"]
    assert len(rows) == len(h.areas) + 2
    tren = {r[0]: r for r in openpyxl.load_workbook(monitoring_path(out, TAHUN, "TW2"), data_only=True)["Tren"]
            .iter_rows(min_row=1, max_col=4, values_only=True) if r[0]}
    for row, a in zip(rows[1:], h.areas, strict=False):
        assert row == [a.nama, *[format_number(v, 1) if v is not None else "–" for v in a.progres]]
        assert [tren[a.kode][2], tren[a.kode][3]] == pytest.approx(a.progres)  # the Tren sheet: same numbers
    assert rows[-1] == ["Seluruh area", *[format_number(v, 1) for v in h.mean_progress]]
    shifted = figures(load_tables(out, TAHUN, "TW1"), roadmap).headline.rencana_aksi.mean_progress
    assert format_number(shifted, 1) != rows[-1][1]  # (the test can tell the two sources apart)

    # two periods in a row: the trend view's punctuality, which is each period's figures judgement
    no_data = {u.unit for u in h.units if u.ketepatan[0] in NO_DATA_STATES and u.ketepatan[1] in NO_DATA_STATES}
    fig2 = figures(load_tables(out, TAHUN, "TW2"), roadmap)
    assert no_data and no_data == {u.unit for u in fig2.units if not u.data_dipakai} & {
        u.unit for u in figures(load_tables(out, TAHUN, "TW1"), roadmap).units if not u.data_dipakai}
    text = "\n".join(p.text for p in Document(str(result.documents[0])).paragraphs)
    line = next(x for x in text.splitlines() if x.startswith("Dua periode berturut-turut"))
    assert line.startswith("Dua periode berturut-turut (Triwulan I 2023 dan Triwulan II 2023): ")
    assert sorted(n for n in line.split(": ", 1)[1].rstrip(".").split("; ")) == sorted(
        fig2.unit(u).nama for u in no_data)
    assert "Sumber: basis data riwayat monitoring" in text and "sqlite" not in text

    # The store is the source of the fact too: a unit recorded there as on time in TW1 is not listed,
    # whatever its TW1 snapshot says.
    gone = fig2.unit(sorted(no_data)[0])
    con = sqlite3.connect(out / "rbxl.sqlite")
    con.execute("UPDATE unit_periode SET ketepatan = ? WHERE unit = ? AND periode_id = "
                "(SELECT id FROM periode WHERE tahun = ? AND periode = 'TW1')", (ON_TIME, gone.unit, TAHUN))
    con.commit()
    con.close()
    again = write_laporan(roadmap, out, TAHUN, "TW2", per_pokja=True)
    area = next(a for a in fig2.areas if gone.unit in a.pokja)
    packet = pokja_path(out, TAHUN, "TW2", area.kode, area.nama)
    assert packet in again.documents
    text = "\n".join(p.text for p in Document(str(packet)).paragraphs)
    line = next(x for x in text.splitlines() if x.startswith("Dua periode berturut-turut"))
    assert gone.nama not in line
    assert f"{gone.nama} ({gone.putusan})" in text  # still without data in TW2 (section c)


def test_without_a_usable_store_the_snapshots_or_a_clear_stop(two_periods, roadmap, tmp_path):
    from rbxl.store import open_store

    out = two_periods
    figs = [figures(load_tables(out, TAHUN, p), roadmap) for p in ("TW1", "TW2")]
    elsewhere = tmp_path / "lain" / "rbxl.sqlite"  # no store there: the snapshots, as before the store
    result = write_laporan(roadmap, out, TAHUN, "TW2", db=elsewhere)
    assert result.store is None and result.trend == ["TW1 2023"] and not elsewhere.exists()
    rows = _trend_rows(result.documents[0])
    assert rows[-1] == ["Seluruh area", *[format_number(f.headline.rencana_aksi.mean_progress, 1) for f in figs]]

    with open_store(tmp_path / "kosong.sqlite"):  # a store that does not hold the period: snapshots + a note
        pass
    result = write_laporan(roadmap, out, TAHUN, "TW2", db=tmp_path / "kosong.sqlite")
    assert result.store is None and "belum tercatat" in result.notes[0]

    bad = tmp_path / "bukan.sqlite"  # not a store: the consolidate message and exit code, nothing written
    bad.write_bytes(b"ini bukan basis data" * 10)
    target = laporan_path(out, TAHUN, "TW2")
    target.unlink()
    res = CliRunner().invoke(main, ["laporan", "--tahun", str(TAHUN), "--periode", "TW2", "--out", str(out),
                                    "--db", str(bad)])
    assert res.exit_code == 4 and "bukan basis data riwayat" in res.output and str(bad) in res.output
    assert bad.read_bytes() == b"ini bukan basis data" * 10 and not target.exists()
