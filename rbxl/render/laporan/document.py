"""The report to the Bupati and the Pokja packets, laid out with python-docx.

Every number comes from rbxl.consolidation.figures (one PeriodFigures); this module selects which figures and
rows to show, formats them the Indonesian way and places them. It computes no count or mean.
A packet is the same document narrowed to one area: its rows and its Pokja's member units.
"""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from rbxl.core.values import format_number
from rbxl.form.spec import PERIODE_END, PERIODE_LABEL
from rbxl.render.laporan import charts
from rbxl.render.laporan.docx_kit import (
    add_field,
    page_number_footer,
    setup_page,
    update_fields_on_open,
)
from rbxl.render.laporan.history import YearTrend
from rbxl.render.laporan.parts import (
    PORTRAIT_W,
    UNREPORTED,
    Context,
    para,
    pct,
    picture,
    status_row,
    styles,
    table,
    tanggal_id,
    title_short,
)
from rbxl.render.laporan.sections import (
    catatan,
    in_master_order,
    indicator_table,
    kegiatan_table,
    kepatuhan,
    lampiran,
    quotes,
    rencana_aksi_table,
)
from rbxl.render.laporan.text import clean_text


def build(ctx: Context) -> Document:
    doc = Document()
    styles(doc)
    first = doc.sections[0]
    setup_page(first)
    first.different_first_page_header_footer = True  # no page number on the cover
    page_number_footer(first, title_short(ctx))
    _cover(doc, ctx)
    _toc(doc)
    _pendahuluan(doc, ctx)
    _ringkasan(doc, ctx)
    _areas(doc, ctx)
    kepatuhan(doc, ctx)
    catatan(doc, ctx)
    lampiran(doc, ctx)
    update_fields_on_open(doc)
    props = doc.core_properties
    props.title, props.author = title_short(ctx), "rbxl"
    props.subject = "Laporan hasil monitoring dan evaluasi Road Map Reformasi Birokrasi"
    return doc


# --------------------------------------------------------------------------- styles and helpers

def _cover(doc, ctx: Context) -> None:
    pemda = clean_text(ctx.roadmap.settings.get("nama_pemda")) or "Pemerintah Kabupaten Blora"
    for _ in range(4):
        doc.add_paragraph()
    para(doc, pemda.upper(), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        doc.add_paragraph()
    if ctx.area_fig:
        title = ["BAHAN LAPORAN KEMAJUAN", f"KELOMPOK KERJA (POKJA) {ctx.area_fig.nama.upper()}",
                 "PADA RAPAT PLENO REFORMASI BIROKRASI"]
    else:
        title = ["LAPORAN HASIL MONITORING DAN EVALUASI", "PELAKSANAAN ROAD MAP REFORMASI BIROKRASI",
                 f"{pemda.upper()} TAHUN 2022-2026"]
    for line in title:
        para(doc, line, bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph()
    para(doc, f"Periode {ctx.label}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, f"(keadaan sampai {PERIODE_END[ctx.fig.periode]} {ctx.fig.tahun})", size=11,
       align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(8):
        doc.add_paragraph()
    pengelola = clean_text(ctx.roadmap.settings.get("pengelola")) or "Bagian Organisasi Sekretariat Daerah"
    para(doc, pengelola, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, f"Blora, {tanggal_id(ctx.tanggal)}", size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_page_break()

def _toc(doc) -> None:
    para(doc, "DAFTAR ISI", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
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
        para(doc, text, style="List Number")
    doc.add_heading("1.2 Maksud dan Tujuan", 2)
    if ctx.area_fig:
        para(doc, f"Dokumen ini adalah bahan laporan kemajuan pelaksanaan kegiatan Reformasi Birokrasi oleh "
                f"Kelompok Kerja area {ctx.area_fig.nama} pada rapat pleno (Lampiran I Bab IV 4.1.A huruf e). "
                "Isinya hanya indikator, kegiatan prioritas dan rencana aksi area ini, serta keadaan "
                "pelaporan unit anggota Pokja (Tabel 3.23).")
    else:
        para(doc, "Laporan ini menyajikan hasil monitoring pelaksanaan Road Map Reformasi Birokrasi: capaian "
                "indikator kinerja terhadap target tahun berjalan, kemajuan kegiatan prioritas dan rencana "
                "aksi per area perubahan, kendala dan tindak lanjut yang dilaporkan Perangkat Daerah, serta "
                "kepatuhan pelaporan, sebagai bahan bagi Bupati Blora (Lampiran I Bab IV 4.5).")
    doc.add_heading("1.3 Periode dan Cakupan", 2)
    deadline = f"; batas pengumpulan {tanggal_id(fig.batas_waktu)}" if fig.batas_waktu else ""
    para(doc, f"Periode {ctx.label}, keadaan sampai {PERIODE_END[fig.periode]} {fig.tahun}{deadline}. "
            "Realisasi dan progres dilaporkan kumulatif sejak 1 Januari terhadap target tahunan.")
    rows = [["Unit pelapor (diharapkan)", format_number(h.expected)],
            ["Unit yang mengumpulkan", format_number(h.returned)],
            ["Unit yang datanya dipakai", format_number(h.used)],
            ["Unit belum mengumpulkan", format_number(h.not_returned)]]
    table(doc, ["Uraian", "Jumlah"], [9.0, 3.0], rows, right={1})
    source = f" ({ctx.out_label})" if ctx.out_label else ""
    para(doc, f"Sumber data: rekap rbxl periode ini{source}. Semua angka dalam dokumen ini dihitung sekali "
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
    table(doc, ["Uraian", "Jumlah"], [9.0, 3.0], rows, right={1})

    doc.add_heading("2.2 Progres per Area Perubahan", 2)
    areas = [area] if area else fig.areas
    if not area:
        picture(doc, charts.progress_per_area([a.nama for a in areas],
                                               [a.rencana_aksi.mean_progress for a in areas],
                                               [a.rencana_aksi.total for a in areas]),
                 "Gambar 1. Rata-rata progres baris rencana aksi PD utama per area perubahan")
    head = ["Kode", "Area Perubahan", "Baris PD utama", *fig.statuses, UNREPORTED, "Rata-rata progres (%)"]
    widths = [1.2, 3.2, 1.3] + [1.9] * len(fig.statuses) + [1.9, 1.8]
    widths[1] = PORTRAIT_W - sum(widths) + widths[1]
    table(doc, head, widths, [[a.kode, clean_text(a.nama), *status_row(a.rencana_aksi, fig.statuses)]
                               for a in areas], right=set(range(2, len(head))))

    doc.add_heading("2.3 Status Rencana Aksi", 2)
    picture(doc, charts.counts([*fig.statuses, UNREPORTED], [*ra.by_status.values(), ra.unreported],
                                "Jumlah baris rencana aksi PD utama"),
             f"Gambar {1 if area else 2}. Status baris rencana aksi PD utama, {ctx.label}")

    doc.add_heading(f"2.4 Indikator terhadap Target {fig.tahun}", 2)
    picture(doc, charts.grouped_states(["Indikator kinerja", "Kegiatan prioritas"], list(ind),
                                        [list(ind.values()), list(keg.values())], "Jumlah baris"),
             f"Gambar {2 if area else 3}. Capaian indikator dan kegiatan prioritas terhadap target {fig.tahun}")
    para(doc, "Tanda: ✓ Tercapai (capaian 100% atau lebih), ✗ Belum tercapai, – Belum ada data (realisasi "
            "belum dilaporkan).")
    indicator_table(doc, fig.indikator_rows(ctx.area), baseline=False)

    if ctx.trend is not None and ctx.trend.earlier:
        _trend(doc, ctx, ctx.trend)

def _trend(doc, ctx: Context, trend: YearTrend) -> None:
    """Laid out from the YearTrend (the trend view when there is a store): no figure computed here."""
    doc.add_heading("2.5 Perkembangan dari Periode Sebelumnya", 2)
    labels = [PERIODE_LABEL[p] for p in trend.periods]
    codes = [ctx.area] if ctx.area else [a.kode for a in ctx.fig.areas]
    series = {ctx.fig.area(k).nama: trend.areas.get(k, [None] * len(labels)) for k in codes}
    picture(doc, charts.trend(labels, series), "Rata-rata progres baris PD utama per periode tahun ini")
    widths = [5.0] + [(PORTRAIT_W - 5.0) / len(labels)] * len(labels)
    rows = [[clean_text(name), *[pct(v) for v in values]] for name, values in series.items()]
    if not ctx.area:
        rows.append(["Seluruh area", *[pct(v) for v in trend.overall]])
    table(doc, ["Area perubahan", *labels], widths, rows, right=set(range(1, len(labels) + 1)))
    para(doc, f"Sumber: berkas riwayat {trend.store.name}, angka yang sama dengan sheet Tren workbook monitoring."
       if trend.store else f"Sumber: rekap setiap periode (rekap-{trend.tahun}-<periode>.json), tanpa berkas riwayat.")

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
        para(doc, f"Pokja (Tabel 3.23): {members or '-'}.")
        para(doc, f"Baris rencana aksi PD utama: {format_number(ra.total)}; "
                + "; ".join(f"{s} {format_number(c)}" for s, c in ra.by_status.items())
                + f"; {UNREPORTED.lower()} {format_number(ra.unreported)}. "
                f"Rata-rata progres: {pct(ra.mean_progress)}{'%' if ra.mean_progress is not None else ''}.")
        doc.add_heading("a. Indikator kinerja", 3)
        indicator_table(doc, fig.indikator_rows(a.kode), baseline=True)
        doc.add_heading("b. Kegiatan prioritas", 3)
        kegiatan_table(doc, fig.kegiatan_rows(a.kode))
        doc.add_heading(f"c. Rencana aksi {fig.tahun}", 3)
        rows = in_master_order(fig.utama_rows(a.kode), ctx.roadmap)
        rencana_aksi_table(doc, rows)
        doc.add_heading("d. Kendala dan tindak lanjut yang ditulis unit", 3)
        quotes(doc, rows)
