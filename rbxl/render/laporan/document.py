"""The report to the Bupati and the Pokja packets, laid out with python-docx.

Every number comes from rbxl.consolidation.figures (one PeriodFigures); this module selects which figures and
rows to show, formats them the Indonesian way and places them. It computes no count or mean.
A packet is the same document narrowed to one area: its rows and its Pokja's member units.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from rbxl.consolidation.figures import (
    KEPATUHAN_STATES,
    AreaFigure,
    PeriodFigures,
    StatusCounts,
    UnitFigure,
)
from rbxl.consolidation.tables import NO_DATA, NOT_RETURNED, TARGET_MET, TARGET_NOT_MET
from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.core.values import format_number
from rbxl.form.spec import PERIODE_END, PERIODE_LABEL
from rbxl.master.model import Roadmap
from rbxl.render.laporan import charts
from rbxl.render.laporan.docx_kit import (
    Table,
    add_field,
    new_section,
    page_number_footer,
    setup_page,
    shade,
    update_fields_on_open,
)
from rbxl.render.laporan.history import YearTrend
from rbxl.render.laporan.text import clean_text, unit_text

FONT = "Arial"  # Word's default sans; LibreOffice substitutes the metric-compatible Liberation Sans
CELL_STYLE = "Isi Tabel"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
# The capaian mark is a symbol and a word, and the shading only repeats it (never colour alone).
MARKS = {TARGET_MET: ("✓ Tercapai", "E2EFDA"), TARGET_NOT_MET: ("✗ Belum tercapai", "FCE4D6"),
         NO_DATA: ("– Belum ada data", "EDEDED")}
UNREPORTED = "Belum dilaporkan"
PORTRAIT_W, LANDSCAPE_W = 17.0, 25.7  # usable width in cm (A4, 2 cm margins)


@dataclass
class Context:
    fig: PeriodFigures
    roadmap: Roadmap
    tanggal: dt.date
    area: str | None = None  # None: the report to the Bupati; an area code: that Pokja's packet
    trend: YearTrend | None = None  # the year's trend and "two periods in a row" (laporan.history)
    out_label: str = ""  # the monitoring workbook's file name, cited as the source

    @property
    def label(self) -> str:
        return f"{PERIODE_LABEL[self.fig.periode]} {self.fig.tahun}"

    @property
    def area_fig(self) -> AreaFigure | None:
        return self.fig.area(self.area) if self.area else None

    def units(self) -> list[UnitFigure]:
        return self.fig.pokja_units(self.area) if self.area else self.fig.units


def tanggal_id(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def num(v: object, decimals: int | None = None) -> str:
    """A figure in Indonesian notation; a text value as the master or the unit wrote it."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return format_number(float(v), decimals)
    text = unit_text(v, 200)
    return text or "–"


def pct(v: float | None) -> str:
    return "–" if v is None else format_number(v, 1)


def capaian_text(v: object) -> str:
    return format_number(float(v), 1) if isinstance(v, (int, float)) and not isinstance(v, bool) else "–"


def status_text(row: dict) -> str:
    if row.get("status"):
        return clean_text(row["status"])
    return clean_text(row.get("pengumpulan")) if row.get("pengumpulan") == NOT_RETURNED else UNREPORTED


def build(ctx: Context) -> Document:
    doc = Document()
    _styles(doc)
    first = doc.sections[0]
    setup_page(first)
    first.different_first_page_header_footer = True  # no page number on the cover
    page_number_footer(first, _title_short(ctx))
    _cover(doc, ctx)
    _toc(doc)
    _pendahuluan(doc, ctx)
    _ringkasan(doc, ctx)
    _areas(doc, ctx)
    _kepatuhan(doc, ctx)
    _catatan(doc, ctx)
    _lampiran(doc, ctx)
    update_fields_on_open(doc)
    props = doc.core_properties
    props.title, props.author = _title_short(ctx), "rbxl"
    props.subject = "Laporan hasil monitoring dan evaluasi Road Map Reformasi Birokrasi"
    return doc


# --------------------------------------------------------------------------- styles and helpers


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 14), (2, 12), (3, 10.5)):
        st = doc.styles[f"Heading {level}"]
        rfonts = st.element.rPr.find(qn("w:rFonts")) if st.element.rPr is not None else None
        if rfonts is not None:  # theme fonts win over a named font in Word: drop them
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
        st.font.name, st.font.size, st.font.bold = FONT, Pt(size), True
        st.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)
        st.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
    cell = doc.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(8)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)


def _title_short(ctx: Context) -> str:
    if ctx.area_fig:
        return f"Laporan Kemajuan Pokja {ctx.area_fig.nama} - {ctx.label}"
    return f"Laporan Monitoring dan Evaluasi Road Map RB - {ctx.label}"


def _p(doc, text: str = "", style: str | None = None, bold: bool = False, size: float | None = None,
       align=None):
    p = doc.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    return p


def _table(doc, headers: list[str], widths: list[float], rows: list[list[str]], right: set[int] = frozenset(),
           fills: list[dict[int, str]] | None = None) -> Table:
    t = Table(doc, headers, widths, doc.styles[CELL_STYLE].style_id)
    for i, values in enumerate(rows):
        t.row(values, right, fills[i] if fills else None)
    doc.add_paragraph()
    return t


def _picture(doc, png: bytes, caption: str) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _p(doc, caption, style="Caption", align=WD_ALIGN_PARAGRAPH.CENTER)


def _status_row(counts: StatusCounts, statuses: list[str]) -> list[str]:
    return ([format_number(counts.total)] + [format_number(counts.by_status[s]) for s in statuses]
            + [format_number(counts.unreported), pct(counts.mean_progress)])


def _mark(state: str) -> tuple[str, str]:
    return MARKS.get(state, (clean_text(state), "FFFFFF"))


# --------------------------------------------------------------------------- cover, contents


def _cover(doc, ctx: Context) -> None:
    pemda = clean_text(ctx.roadmap.settings.get("nama_pemda")) or "Pemerintah Kabupaten Blora"
    for _ in range(4):
        doc.add_paragraph()
    _p(doc, pemda.upper(), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        doc.add_paragraph()
    if ctx.area_fig:
        title = ["BAHAN LAPORAN KEMAJUAN", f"KELOMPOK KERJA (POKJA) {ctx.area_fig.nama.upper()}",
                 "PADA RAPAT PLENO REFORMASI BIROKRASI"]
    else:
        title = ["LAPORAN HASIL MONITORING DAN EVALUASI", "PELAKSANAAN ROAD MAP REFORMASI BIROKRASI",
                 f"{pemda.upper()} TAHUN 2022-2026"]
    for line in title:
        _p(doc, line, bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph()
    _p(doc, f"Periode {ctx.label}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, f"(keadaan sampai {PERIODE_END[ctx.fig.periode]} {ctx.fig.tahun})", size=11,
       align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(8):
        doc.add_paragraph()
    pengelola = clean_text(ctx.roadmap.settings.get("pengelola")) or "Bagian Organisasi Sekretariat Daerah"
    _p(doc, pengelola, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, f"Blora, {tanggal_id(ctx.tanggal)}", size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_page_break()


def _toc(doc) -> None:
    _p(doc, "DAFTAR ISI", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u',
              "Daftar isi diisi saat dokumen dibuka: di Word pilih Ya bila ditanya memperbarui field "
              "(atau klik kanan di sini lalu Update Field); di LibreOffice Writer: Alat > Perbarui > "
              "Perbarui Semua.")
    doc.add_page_break()


# --------------------------------------------------------------------------- I Pendahuluan


def _pendahuluan(doc, ctx: Context) -> None:
    fig, h = ctx.fig, ctx.fig.headline
    perbup = clean_text(ctx.roadmap.settings.get("dasar_hukum")) or "Peraturan Bupati Blora Nomor 4 Tahun 2022"
    doc.add_heading("I. PENDAHULUAN", 1)
    doc.add_heading("1.1 Dasar Hukum", 2)
    for text in (
        f"{perbup} tentang Road Map Reformasi Birokrasi Pemerintah Kabupaten Blora Tahun 2022-2026, "
        "khususnya Pasal 7 (monitoring dan evaluasi oleh Perangkat Daerah yang menyelenggarakan urusan "
        "pemerintahan di bidang organisasi) dan Lampiran I Bab IV (4.1 pelaksanaan, 4.2 waktu, 4.5 "
        "pelaporan hasil monitoring dan evaluasi kepada Bupati Blora);",
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 26 Tahun 2020 tentang "
        "Pedoman Evaluasi Pelaksanaan Reformasi Birokrasi (Berita Negara Republik Indonesia Tahun 2020 "
        f"Nomor 442), sebagaimana dirujuk dalam konsiderans Mengingat angka 11 {perbup};",
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 25 Tahun 2020 tentang "
        f"Road Map Reformasi Birokrasi 2020-2024, sebagaimana dirujuk dalam konsiderans Menimbang {perbup}.",
    ):
        _p(doc, text, style="List Number")
    doc.add_heading("1.2 Maksud dan Tujuan", 2)
    if ctx.area_fig:
        _p(doc, f"Dokumen ini adalah bahan laporan kemajuan pelaksanaan kegiatan Reformasi Birokrasi oleh "
                f"Kelompok Kerja area {ctx.area_fig.nama} pada rapat pleno (Lampiran I Bab IV 4.1.A huruf e). "
                "Isinya hanya indikator, kegiatan prioritas dan rencana aksi area ini, serta keadaan "
                "pelaporan unit anggota Pokja (Tabel 3.23).")
    else:
        _p(doc, "Laporan ini menyajikan hasil monitoring pelaksanaan Road Map Reformasi Birokrasi: capaian "
                "indikator kinerja terhadap target tahun berjalan, kemajuan kegiatan prioritas dan rencana "
                "aksi per area perubahan, kendala dan tindak lanjut yang dilaporkan Perangkat Daerah, serta "
                "kepatuhan pelaporan, sebagai bahan bagi Bupati Blora (Lampiran I Bab IV 4.5).")
    doc.add_heading("1.3 Periode dan Cakupan", 2)
    deadline = f"; batas pengumpulan {tanggal_id(fig.batas_waktu)}" if fig.batas_waktu else ""
    _p(doc, f"Periode {ctx.label}, keadaan sampai {PERIODE_END[fig.periode]} {fig.tahun}{deadline}. "
            "Realisasi dan progres dilaporkan kumulatif sejak 1 Januari terhadap target tahunan.")
    rows = [["Unit pelapor (diharapkan)", format_number(h.expected)],
            ["Unit yang mengumpulkan", format_number(h.returned)],
            ["Unit yang datanya dipakai", format_number(h.used)],
            ["Unit belum mengumpulkan", format_number(h.not_returned)]]
    _table(doc, ["Uraian", "Jumlah"], [9.0, 3.0], rows, right={1})
    source = f" ({ctx.out_label})" if ctx.out_label else ""
    _p(doc, f"Sumber data: rekap rbxl periode ini{source}. Semua angka dalam dokumen ini dihitung sekali "
            "dari rekap tersebut, sama dengan angka workbook monitoring.")


# --------------------------------------------------------------------------- II Ringkasan


def _ringkasan(doc, ctx: Context) -> None:
    fig, h = ctx.fig, ctx.fig.headline
    doc.add_page_break()
    doc.add_heading("II. RINGKASAN CAPAIAN", 1)
    area = ctx.area_fig
    ra = area.rencana_aksi if area else h.rencana_aksi
    ind = area.indikator_by_state if area else h.indikator_by_state
    keg = area.kegiatan_by_state if area else h.kegiatan_by_state
    doc.add_heading("2.1 Angka Utama", 2)
    rows = [] if area else [[label, format_number(v)] for label, v in (
        ("Unit pelapor (diharapkan)", h.expected), ("Unit yang mengumpulkan", h.returned),
        ("Unit yang datanya dipakai", h.used), ("Unit belum mengumpulkan", h.not_returned))]
    rows.append(["Rencana aksi (baris PD utama)", format_number(ra.total)])
    rows += [[f"   - {s}", format_number(n)] for s, n in ra.by_status.items()]
    rows.append([f"   - {UNREPORTED}", format_number(ra.unreported)])
    rows.append(["Rata-rata progres PD utama (%)", pct(ra.mean_progress)])
    rows.append(["Indikator (baris)", format_number(area.indikator if area else h.indikator)])
    rows += [[f"   - {s}", format_number(n)] for s, n in ind.items()]
    rows.append(["Kegiatan prioritas (baris)", format_number(area.kegiatan if area else h.kegiatan)])
    rows += [[f"   - {s}", format_number(n)] for s, n in keg.items()]
    _table(doc, ["Uraian", "Jumlah"], [9.0, 3.0], rows, right={1})

    doc.add_heading("2.2 Progres per Area Perubahan", 2)
    areas = [area] if area else fig.areas
    if not area:
        _picture(doc, charts.progress_per_area([a.nama for a in areas],
                                               [a.rencana_aksi.mean_progress for a in areas],
                                               [a.rencana_aksi.total for a in areas]),
                 "Gambar 1. Rata-rata progres baris rencana aksi PD utama per area perubahan")
    head = ["Kode", "Area Perubahan", "Baris PD utama", *fig.statuses, UNREPORTED, "Rata-rata progres (%)"]
    widths = [1.2, 3.2, 1.3] + [1.9] * len(fig.statuses) + [1.9, 1.8]
    widths[1] = PORTRAIT_W - sum(widths) + widths[1]
    _table(doc, head, widths, [[a.kode, clean_text(a.nama), *_status_row(a.rencana_aksi, fig.statuses)]
                               for a in areas], right=set(range(2, len(head))))

    doc.add_heading("2.3 Status Rencana Aksi", 2)
    _picture(doc, charts.counts([*fig.statuses, UNREPORTED], [*ra.by_status.values(), ra.unreported],
                                "Jumlah baris rencana aksi PD utama"),
             f"Gambar {1 if area else 2}. Status baris rencana aksi PD utama, {ctx.label}")

    doc.add_heading(f"2.4 Indikator terhadap Target {fig.tahun}", 2)
    _picture(doc, charts.grouped_states(["Indikator kinerja", "Kegiatan prioritas"], list(ind),
                                        [list(ind.values()), list(keg.values())], "Jumlah baris"),
             f"Gambar {2 if area else 3}. Capaian indikator dan kegiatan prioritas terhadap target {fig.tahun}")
    _p(doc, "Tanda: ✓ Tercapai (capaian 100% atau lebih), ✗ Belum tercapai, – Belum ada data (realisasi "
            "belum dilaporkan).")
    _indicator_table(doc, fig.indikator_rows(ctx.area), baseline=False)

    if ctx.trend is not None and ctx.trend.earlier:
        _trend(doc, ctx, ctx.trend)


def _trend(doc, ctx: Context, trend: YearTrend) -> None:
    """Laid out from the YearTrend (the trend view when there is a store): no figure computed here."""
    doc.add_heading("2.5 Perkembangan dari Periode Sebelumnya", 2)
    labels = [PERIODE_LABEL[p] for p in trend.periods]
    codes = [ctx.area] if ctx.area else [a.kode for a in ctx.fig.areas]
    series = {ctx.fig.area(k).nama: trend.areas.get(k, [None] * len(labels)) for k in codes}
    _picture(doc, charts.trend(labels, series), "Rata-rata progres baris PD utama per periode tahun ini")
    widths = [5.0] + [(PORTRAIT_W - 5.0) / len(labels)] * len(labels)
    rows = [[clean_text(name), *[pct(v) for v in values]] for name, values in series.items()]
    if not ctx.area:
        rows.append(["Seluruh area", *[pct(v) for v in trend.overall]])
    _table(doc, ["Area perubahan", *labels], widths, rows, right=set(range(1, len(labels) + 1)))
    _p(doc, f"Sumber: berkas riwayat {trend.store.name}, angka yang sama dengan sheet Tren workbook monitoring."
       if trend.store else f"Sumber: rekap setiap periode (rekap-{trend.tahun}-<periode>.json), tanpa berkas riwayat.")


def _indicator_table(doc, rows: list[dict], baseline: bool) -> None:
    """Indicators with their capaian mark: with baseline and satuan in an area's section, compact in II."""
    if not rows:
        _p(doc, "Tidak ada indikator kinerja untuk periode ini.")
        return
    if baseline:
        head = ["Kode", "Indikator", "Satuan", "Baseline 2021", "Target", "Realisasi", "Capaian (%)",
                "Keterangan", "Unit"]
        widths = [1.9, 2.8, 1.5, 1.6, 1.3, 1.7, 1.6, 2.2, 2.4]
    else:
        head = ["Kode", "Indikator", "Unit", "Target", "Realisasi", "Capaian (%)", "Keterangan"]
        widths = [2.0, 4.8, 2.4, 1.5, 1.7, 1.7, 2.9]
    mark_col = head.index("Keterangan")
    body, fills = [], []
    for r in rows:
        mark, fill = _mark(r.get("status_capaian", ""))
        lead = ([unit_text(r.get("satuan"), 50), num(r.get("baseline"))] if baseline
                else [clean_text(r.get("unit"))])
        tail = [clean_text(r.get("unit"))] if baseline else []
        body.append([clean_text(r.get("kode")), unit_text(r.get("indikator"), 300), *lead, num(r.get("target")),
                     num(r.get("realisasi")), capaian_text(r.get("capaian")), mark, *tail])
        fills.append({mark_col: fill})
    _table(doc, head, widths, body, right=set(range(3, mark_col)), fills=fills)


# --------------------------------------------------------------------------- III per area


def _areas(doc, ctx: Context) -> None:
    fig = ctx.fig
    doc.add_page_break()
    doc.add_heading("III. CAPAIAN PER AREA PERUBAHAN", 1)
    areas = [ctx.area_fig] if ctx.area_fig else fig.areas
    for n, a in enumerate(areas, 1):
        if n > 1:
            doc.add_page_break()
        doc.add_heading(f"3.{n} {clean_text(a.nama)}", 2)
        ra = a.rencana_aksi
        members = ", ".join(clean_text(ctx.roadmap.units[u].nama) if u in ctx.roadmap.units else u for u in a.pokja)
        _p(doc, f"Pokja (Tabel 3.23): {members or '-'}.")
        _p(doc, f"Baris rencana aksi PD utama: {format_number(ra.total)}; "
                + "; ".join(f"{s} {format_number(c)}" for s, c in ra.by_status.items())
                + f"; {UNREPORTED.lower()} {format_number(ra.unreported)}. "
                f"Rata-rata progres: {pct(ra.mean_progress)}{'%' if ra.mean_progress is not None else ''}.")
        doc.add_heading("a. Indikator kinerja", 3)
        _indicator_table(doc, fig.indikator_rows(a.kode), baseline=True)
        doc.add_heading("b. Kegiatan prioritas", 3)
        _kegiatan_table(doc, fig.kegiatan_rows(a.kode))
        doc.add_heading(f"c. Rencana aksi {fig.tahun}", 3)
        rows = _in_master_order(fig.utama_rows(a.kode), ctx.roadmap)
        _rencana_aksi_table(doc, rows)
        doc.add_heading("d. Kendala dan tindak lanjut yang ditulis unit", 3)
        _quotes(doc, rows)


def _kegiatan_table(doc, rows: list[dict]) -> None:
    if not rows:
        _p(doc, "Tidak ada kegiatan prioritas area ini untuk tahun ini.")
        return
    head = ["Kode", "Kegiatan prioritas", "Satuan", "Baseline 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu"]
    widths = [1.9, 2.8, 1.5, 1.6, 1.3, 1.7, 1.6, 2.2, 2.4]
    body, fills = [], []
    for r in rows:
        mark, fill = _mark(r.get("status_capaian", ""))
        body.append([clean_text(r.get("kode")), unit_text(r.get("kegiatan"), 300), unit_text(r.get("satuan"), 50),
                     num(r.get("baseline")), num(r.get("target")), num(r.get("realisasi")),
                     capaian_text(r.get("capaian")), mark, clean_text(r.get("unit"))])
        fills.append({7: fill})
    _table(doc, head, widths, body, right={3, 4, 5, 6}, fills=fills)


def _in_master_order(rows: list[dict], roadmap: Roadmap) -> list[dict]:
    """Rows grouped by rencana aksi code in the Perbup's order (the tables list them unit by unit)."""
    order = {ra.kode: i for i, ra in enumerate(roadmap.rencana_aksi)}
    return sorted(rows, key=lambda r: order.get(r.get("kode"), len(order)))


def _rencana_aksi_table(doc, rows: list[dict]) -> None:
    if not rows:
        _p(doc, "Tidak ada rencana aksi area ini untuk tahun ini.")
        return
    head = ["Kode", "Rencana aksi", "PD utama", "Status", "Progres (%)", "Output"]
    widths = [1.2, 5.4, 3.0, 2.6, 1.6, 3.2]
    body, last = [], None
    for r in rows:
        # the action text once per row code: a row led by 43 units is not printed 43 times
        aksi = unit_text(r.get("aksi"), 600) if r.get("kode") != last else "〃"
        last = r.get("kode")
        body.append([clean_text(r.get("kode")), aksi, clean_text(r.get("nama_unit")), status_text(r),
                     num(r.get("progres"), 1) if r.get("progres") != "" else "–", unit_text(r.get("output"), 400)])
    _table(doc, head, widths, body, right={4})


def _quotes(doc, rows: list[dict]) -> None:
    quoted = [r for r in rows if clean_text(r.get("kendala")) or clean_text(r.get("tindak_lanjut"))]
    if not quoted:
        _p(doc, "Tidak ada kendala atau tindak lanjut yang ditulis unit untuk area ini.")
        return
    for r in quoted:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(4)
        p.paragraph_format.keep_with_next = True
        p.add_run(f"{clean_text(r.get('nama_unit'))}").bold = True
        p.add_run(f" (rencana aksi {clean_text(r.get('kode'))}, status: {status_text(r)})")
        for label, key in (("Kendala", "kendala"), ("Tindak lanjut", "tindak_lanjut")):
            text = unit_text(r.get(key))
            if text:
                q = doc.add_paragraph()
                q.paragraph_format.left_indent = Cm(0.8)
                q.paragraph_format.space_after = Pt(2)
                q.add_run(f"{label}: ").bold = True
                q.add_run(f"“{text}”").italic = True


# --------------------------------------------------------------------------- IV Kepatuhan


def _kepatuhan(doc, ctx: Context) -> None:
    fig = ctx.fig
    doc.add_page_break()
    doc.add_heading("IV. KEPATUHAN PELAPORAN", 1)
    who = "unit anggota Pokja" if ctx.area else "unit pelapor"
    deadline = tanggal_id(fig.batas_waktu) if fig.batas_waktu else "tidak tercantum di sheet Jadwal master"
    _p(doc, f"Batas waktu pengumpulan {ctx.label}: {deadline}. Ketepatan waktu dinilai dari waktu simpan yang "
            "tercatat di dalam berkas yang dipakai, dibandingkan dengan batas waktu di sheet Jadwal master. "
            f"Tabel berikut mencakup setiap {who}.")
    counts = ctx.area_fig.pokja_kepatuhan if ctx.area_fig else fig.headline.kepatuhan
    _table(doc, ["Keadaan", "Jumlah unit"], [9.0, 3.0],
           [[s, format_number(counts.get(s, 0))] for s in KEPATUHAN_STATES], right={1})
    head = ["No", "Unit", "Putusan berkas", "Waktu simpan", "Ketepatan", "Baris PD utama", "Rata-rata progres (%)",
            "Kesalahan", "Peringatan"]
    widths = [0.7, 3.6, 2.3, 2.0, 2.3, 1.2, 1.3, 1.8, 1.8]
    rows = [[format_number(i), clean_text(u.nama), clean_text(u.putusan), _when(u.disimpan), u.kepatuhan,
             format_number(u.utama.total), pct(u.utama.mean_progress), format_number(u.n_kesalahan),
             format_number(u.n_peringatan)] for i, u in enumerate(ctx.units(), 1)]
    _table(doc, head, widths, rows, right={0, 5, 6, 7, 8})


def _when(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return "–"
    return f"{t.day:02d}-{t.month:02d}-{t.year} {t.hour:02d}:{t.minute:02d}"


# --------------------------------------------------------------------------- V Catatan


def _catatan(doc, ctx: Context) -> None:
    fig = ctx.fig
    c = fig.catatan_for(ctx.area)
    doc.add_page_break()
    doc.add_heading("V. CATATAN UNTUK PIMPINAN", 1)
    doc.add_heading("5.1 Fakta dari data periode ini", 2)
    _p(doc, "Bagian ini disusun otomatis dari data yang dilaporkan unit; tidak ada penilaian di dalamnya.")

    not_started, cannot = (fig.statuses[STATUS_ORDER.index(r)] for r in (StatusRole.NOT_STARTED, StatusRole.CANNOT))
    doc.add_heading(f"a. Rencana aksi yang masih {not_started} pada semester kedua", 3)
    if not c.second_half:
        _p(doc, f"Tidak dinilai: {ctx.label} berakhir pada semester pertama.")
    elif not c.belum_dimulai:
        _p(doc, "Tidak ada: setiap baris sudah dimulai atau berstatus lain.")
    else:
        _p(doc, f"{format_number(len(c.belum_dimulai))} baris masih {not_started}:")
        _table(doc, ["Kode", "Rencana aksi", "PD utama"], [1.5, 11.0, 4.5],
               [[clean_text(r.get("kode")), unit_text(r.get("aksi"), 400), clean_text(r.get("nama_unit"))]
                for r in c.belum_dimulai])

    doc.add_heading("b. Indikator dan kegiatan prioritas di bawah target", 3)
    below = [(r, unit_text(r.get("indikator"), 300)) for r in c.indikator_below]
    below += [(r, unit_text(r.get("kegiatan"), 300)) for r in c.kegiatan_below]
    if not below:
        _p(doc, "Tidak ada baris dengan realisasi di bawah target.")
    else:
        _p(doc, f"{format_number(len(c.indikator_below))} baris indikator dan "
                f"{format_number(len(c.kegiatan_below))} baris kegiatan prioritas belum mencapai target {fig.tahun}:")
        _table(doc, ["Kode", "Uraian", "Unit", "Target", "Realisasi", "Capaian (%)"],
               [2.2, 7.2, 2.6, 1.6, 1.7, 1.7],
               [[clean_text(r.get("kode")), name, clean_text(r.get("unit")), num(r.get("target")),
                 num(r.get("realisasi")), capaian_text(r.get("capaian"))] for r, name in below], right={3, 4, 5})

    doc.add_heading("c. Unit yang tidak mengumpulkan", 3)
    if not c.not_returned:
        _p(doc, "Semua unit mengumpulkan berkas yang dapat dipakai.")
    else:
        _p(doc, f"{format_number(len(c.not_returned))} unit tanpa data yang dapat dipakai: "
                + "; ".join(f"{clean_text(u.nama)} ({clean_text(u.putusan)})" for u in c.not_returned) + ".")
    trend = ctx.trend
    if trend is not None and trend.previous is not None:
        twice = [u for u in ctx.units() if u.unit in trend.twice]
        prev = f"{PERIODE_LABEL[trend.previous]} {trend.tahun}"
        _p(doc, f"Dua periode berturut-turut ({prev} dan {ctx.label}): "
                + ("; ".join(clean_text(u.nama) for u in twice) if twice else "tidak ada") + ".")
    else:
        _p(doc, "Riwayat periode sebelumnya belum tersedia, sehingga unit yang dua periode berturut-turut tidak "
                "mengumpulkan belum dapat ditunjukkan.")

    doc.add_heading(f"d. Rencana aksi yang {cannot}", 3)
    if not c.tidak_dapat:
        _p(doc, "Tidak ada.")
    else:
        _p(doc, f"{format_number(len(c.tidak_dapat))} baris dinyatakan {cannot}, dengan alasan "
                "yang ditulis unit:")
        _table(doc, ["Kode", "Rencana aksi", "PD utama", "Alasan (kendala) dan tindak lanjut dari unit"],
               [1.3, 5.7, 3.0, 7.0],
               [[clean_text(r.get("kode")), unit_text(r.get("aksi"), 300), clean_text(r.get("nama_unit")),
                 _reason(r)] for r in c.tidak_dapat])

    doc.add_heading("5.2 Rekomendasi (diisi Bagian Organisasi)", 2)
    box = doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    cell = box.rows[0].cells[0]
    cell.width = Cm(PORTRAIT_W)
    shade(cell, "FFF2CC")
    cell.paragraphs[0].add_run("[DIISI ADMINISTRATOR] Tuliskan rekomendasi dan arahan untuk pimpinan di sini. "
                               "Bagian ini tidak diisi oleh rbxl.").italic = True
    for _ in range(6):
        cell.add_paragraph()


def _reason(r: dict) -> str:
    kendala, lanjut = unit_text(r.get("kendala")), unit_text(r.get("tindak_lanjut"))
    parts = [f"Kendala: “{kendala}”" if kendala else "Kendala: (tidak ditulis)"]
    if lanjut:
        parts.append(f"Tindak lanjut: “{lanjut}”")
    return "\n".join(parts)


# --------------------------------------------------------------------------- Lampiran


def _lampiran(doc, ctx: Context) -> None:
    fig = ctx.fig
    new_section(doc, landscape=True).different_first_page_header_footer = False  # the cover's setting is copied
    doc.add_heading("LAMPIRAN", 1)
    _p(doc, "Tabel lengkap periode ini. Teks yang ditulis unit dikutip apa adanya (karakter kendali dibuang, "
            "teks sangat panjang dipotong dengan tanda). Baris dukungan (PD pendukung) ada di workbook "
            "monitoring, sheet Rencana Aksi.")
    doc.add_heading("L.1 Indikator Kinerja", 2)
    head = ["Kode", "Tabel", "Area", "Indikator", "Satuan", "Arah", "Baseline 2021", "Target", "Realisasi",
            "Capaian (%)", "Keterangan", "Unit", "Pengumpulan", "Sumber data"]
    widths = [2.0, 1.4, 1.0, 4.6, 1.5, 1.1, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 1.8]
    rows = fig.indikator_rows(ctx.area)
    _table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("tabel")), clean_text(r.get("area_kode")),
                                unit_text(r.get("indikator"), 300), unit_text(r.get("satuan"), 50),
                                clean_text(r.get("arah")), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                _mark(r.get("status_capaian", ""))[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("sumber_data"), 300)]
                               for r in rows], right={6, 7, 8, 9})
    doc.add_heading("L.2 Kegiatan Prioritas", 2)
    head = ["Kode", "Area", "Kegiatan prioritas", "Satuan", "Baseline 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu", "Pengumpulan", "Keterangan unit"]
    widths = [2.0, 2.4, 4.6, 1.4, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 2.2]
    _table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area")), unit_text(r.get("kegiatan"), 300),
                                unit_text(r.get("satuan"), 50), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                _mark(r.get("status_capaian", ""))[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("keterangan"), 400)]
                               for r in fig.kegiatan_rows(ctx.area)], right={4, 5, 6, 7})
    doc.add_heading("L.3 Rencana Aksi (baris PD utama)", 2)
    head = ["Kode", "Area", "Rencana aksi", "PD utama", "Status", "Progres (%)", "Output", "Bukti dukung", "Kendala",
            "Tindak lanjut"]
    widths = [1.2, 1.0, 5.2, 2.6, 2.6, 1.6, 3.0, 2.7, 3.0, 2.9]
    _table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area_kode")), unit_text(r.get("aksi"), 600),
                                clean_text(r.get("nama_unit")), status_text(r),
                                num(r.get("progres"), 1) if r.get("progres") != "" else "–",
                                unit_text(r.get("output"), 600), unit_text(r.get("bukti"), 400),
                                unit_text(r.get("kendala"), 600), unit_text(r.get("tindak_lanjut"), 600)]
                               for r in _in_master_order(fig.utama_rows(ctx.area), ctx.roadmap)], right={5})
    doc.add_heading("L.4 Rekap per Unit", 2)
    head = ["Unit", "Nama unit", "Putusan", "Baris PD utama", *fig.statuses, UNREPORTED,
            "Rata-rata progres (%)", "Baris pendukung", "Kesalahan", "Peringatan"]
    widths = [2.4, 4.0, 2.0, 1.2] + [1.9] * len(fig.statuses) + [1.9, 1.6, 1.6, 1.8, 1.8]
    widths[1] = LANDSCAPE_W - sum(widths) + widths[1]
    _table(doc, head, widths, [[clean_text(u.unit), clean_text(u.nama), clean_text(u.putusan),
                                *_status_row(u.utama, fig.statuses), format_number(u.n_pendukung),
                                format_number(u.n_kesalahan), format_number(u.n_peringatan)]
                               for u in ctx.units()], right=set(range(3, len(head))))
