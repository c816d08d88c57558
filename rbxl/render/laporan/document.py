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
from rbxl.render.laporan.closing import glossary, penutup, permasalahan, rekomendasi
from rbxl.render.laporan.docx_kit import (
    add_field,
    page_number_footer,
    setup_page,
    update_fields_on_open,
)
from rbxl.render.laporan.front import area_mean, change_text, cover, executive_page, kata_pengantar
from rbxl.render.laporan.history import YearTrend
from rbxl.render.laporan.parts import (
    LEAD,
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
    cover(doc, ctx)
    executive_page(doc, ctx)
    kata_pengantar(doc, ctx)
    _toc(doc)
    _pendahuluan(doc, ctx)
    _ringkasan(doc, ctx)
    _areas(doc, ctx)
    kepatuhan(doc, ctx)
    catatan(doc, ctx)
    permasalahan(doc, ctx, "VI")
    rekomendasi(doc, ctx, "VII")
    penutup(doc, ctx, "VIII")
    glossary(doc)
    lampiran(doc, ctx)
    update_fields_on_open(doc)
    props = doc.core_properties
    props.title, props.author = title_short(ctx), ctx.setting("pengelola")
    props.subject = "Laporan hasil monitoring dan evaluasi Road Map Reformasi Birokrasi"
    return doc


# --------------------------------------------------------------------------- styles and helpers

def _toc(doc) -> None:
    para(doc, "DAFTAR ISI", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u',
              "Daftar isi diisi saat dokumen dibuka: di Word pilih Ya bila ditanya memperbarui field "
              "(atau klik kanan di sini lalu Update Field); di LibreOffice Writer: Alat > Perbarui > "
              "Perbarui Semua.")
    doc.add_page_break()


# --------------------------------------------------------------------------- I Pendahuluan

def _pendahuluan(doc, ctx: Context) -> None:
    fig, ex = ctx.fig, ctx.executive
    assert ex is not None
    perbup = ctx.setting("dasar_hukum")
    doc.add_heading("I. PENDAHULUAN", 1)
    doc.add_heading("1.1 Latar Belakang", 2)
    for text in (
        f"Road Map Reformasi Birokrasi Pemerintah Kabupaten Blora Tahun 2022-2026 ditetapkan dengan {perbup}. "
        "Road map memuat delapan area perubahan, masing-masing dengan indikator kinerja, kegiatan prioritas dan "
        "rencana aksi setiap tahun, serta Perangkat Daerah yang bertanggung jawab dan yang mendukung.",
        "Pelaksanaannya dimonitor setiap periode: setiap Perangkat Daerah melaporkan status dan progres rencana "
        "aksi yang menjadi tanggung jawabnya, realisasi indikator dan kegiatan prioritas, keluaran dan bukti "
        "dukung, serta kendala dan tindak lanjutnya. Laporan ini menyajikan hasil monitoring tersebut untuk "
        f"periode {ctx.label}.",
    ):
        para(doc, text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.add_heading("1.2 Dasar Hukum", 2)
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
    doc.add_heading("1.3 Maksud dan Tujuan", 2)
    if ctx.area_fig:
        para(doc, f"Dokumen ini adalah bahan laporan kemajuan pelaksanaan kegiatan Reformasi Birokrasi oleh "
                f"Kelompok Kerja area {ctx.area_fig.nama} pada rapat pleno (Lampiran I Bab IV 4.1.A huruf e). "
                "Isinya hanya indikator, kegiatan prioritas dan rencana aksi area ini, serta keadaan "
                "pelaporan unit anggota Pokja (Tabel 3.23) dan unit yang bertanggung jawab atas rencana aksi area ini.")
    else:
        para(doc, "Laporan ini menyajikan hasil monitoring pelaksanaan Road Map Reformasi Birokrasi: capaian "
                "indikator kinerja terhadap target tahun berjalan, kemajuan kegiatan prioritas dan rencana "
                "aksi per area perubahan, permasalahan yang dilaporkan Perangkat Daerah, kepatuhan pelaporan "
                "dan rancangan rekomendasi, sebagai bahan bagi Bupati Blora (Lampiran I Bab IV 4.5).")
    doc.add_heading("1.4 Periode dan Cakupan", 2)
    deadline = f"; batas pengumpulan {tanggal_id(fig.batas_waktu)}" if fig.batas_waktu else ""
    para(doc, f"Periode {ctx.label}, keadaan sampai {PERIODE_END[fig.periode]} {fig.tahun}{deadline}. "
            "Realisasi dan progres dilaporkan kumulatif sejak 1 Januari terhadap target tahunan.")
    n_missing = len(ex.not_returned)
    who = "Unit area ini" if ctx.area_fig else "Unit pelapor"
    rows = [[f"{who} (diharapkan)", format_number(ex.units_expected)],
            ["Unit yang datanya dipakai", format_number(ex.units_returned)],
            ["Unit tanpa data (belum mengumpulkan atau berkas ditolak)", format_number(n_missing)]]
    table(doc, ["Uraian", "Jumlah"], [11.0, 3.0], rows, right={1})
    para(doc, "Sumber data: rekap monitoring periode ini" + (f" ({ctx.out_label})" if ctx.out_label else "")
            + ". Semua angka dalam dokumen ini dihitung sekali dari rekap tersebut.")


# --------------------------------------------------------------------------- II Ringkasan

def _ringkasan(doc, ctx: Context) -> None:
    fig, h, ex = ctx.fig, ctx.fig.headline, ctx.executive
    assert ex is not None
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
    rows.append([f"Rencana aksi (baris {LEAD})", format_number(ra.total)])
    rows += [[f"   - {s}", format_number(n)] for s, n in ra.by_status.items()]
    rows.append([f"   - {UNREPORTED}", format_number(ra.unreported)])
    rows.append(["Rata-rata progres (%)", f"{pct(ra.mean_progress)} ({format_number(ra.covered)} baris)"])
    rows.append(["Indikator (baris)", format_number(area.indikator if area else h.indikator)])
    rows += [[f"   - {s}", format_number(n)] for s, n in ind.items()]
    rows.append(["Kegiatan prioritas (baris)", format_number(area.kegiatan if area else h.kegiatan)])
    rows += [[f"   - {s}", format_number(n)] for s, n in keg.items()]
    table(doc, ["Uraian", "Jumlah"], [11.0, 3.0], rows, right={1})

    doc.add_heading("2.2 Progres per Area Perubahan", 2)
    areas = [area] if area else fig.areas
    if not area:
        picture(doc, charts.progress_per_area([a.nama for a in areas],
                                               [a.rencana_aksi.mean_progress for a in areas],
                                               [a.rencana_aksi.covered for a in areas], ex.expected),
                 f"Gambar 1. Rata-rata progres baris rencana aksi per area perubahan; garis putus-putus: harapan "
                 f"{ctx.label} ({format_number(ex.expected, 0)}%)")
    status = {s.kode: s for s in ex.areas}
    head = ["Area perubahan", f"Baris {LEAD}", *fig.statuses, UNREPORTED, "Rata-rata progres (%)", "Perubahan",
            "Keadaan"]
    widths = [3.0, 1.6] + [1.6] * len(fig.statuses) + [1.6, 1.8, 1.6, 1.9]
    widths[0] = PORTRAIT_W - sum(widths) + widths[0]
    table(doc, head, widths, [[clean_text(a.nama), *status_row(a.rencana_aksi, fig.statuses),
                               change_text(status[a.kode]), status[a.kode].status] for a in areas],
          right=set(range(1, len(head) - 1)))

    doc.add_heading("2.3 Status Rencana Aksi", 2)
    picture(doc, charts.counts([*fig.statuses, UNREPORTED], [*ra.by_status.values(), ra.unreported],
                                f"Jumlah baris rencana aksi ({LEAD})"),
             f"Gambar {1 if area else 2}. Status baris rencana aksi, {ctx.label}")

    doc.add_heading(f"2.4 Indikator terhadap Target {fig.tahun}", 2)
    picture(doc, charts.grouped_states(["Indikator kinerja", "Kegiatan prioritas"], list(ind),
                                        [list(ind.values()), list(keg.values())], "Jumlah baris"),
             f"Gambar {2 if area else 3}. Capaian indikator dan kegiatan prioritas terhadap target {fig.tahun}")
    para(doc, "Tanda: ✓ Tercapai (capaian 100% atau lebih), ✗ Belum tercapai, – Belum ada data (realisasi "
            "belum dilaporkan, atau target belum ditetapkan: lihat kolom Realisasi dan Target).")
    indicator_table(doc, fig.indikator_rows(ctx.area), baseline=False, names=ctx.unit_name)

    if ctx.trend is not None and ctx.trend.earlier:
        _trend(doc, ctx, ctx.trend)

def _trend(doc, ctx: Context, trend: YearTrend) -> None:
    """Laid out from the YearTrend (the trend view when there is a store): no figure computed here."""
    ex = ctx.executive
    assert ex is not None
    doc.add_heading("2.5 Perkembangan dari Periode Sebelumnya", 2)
    labels = [PERIODE_LABEL[p] for p in trend.periods]
    codes = [ctx.area] if ctx.area else [a.kode for a in ctx.fig.areas]
    series = {ctx.fig.area(k).nama: trend.areas.get(k, [None] * len(labels)) for k in codes}
    picture(doc, charts.trend(labels, series), "Rata-rata progres baris rencana aksi per periode tahun ini")
    widths = [5.0] + [(PORTRAIT_W - 5.0) / len(labels)] * len(labels)
    rows = [[clean_text(name), *[pct(v) for v in values]] for name, values in series.items()]
    if not ctx.area:
        rows.append(["Seluruh area", *[pct(v) for v in trend.overall]])
    table(doc, ["Area perubahan", *labels], widths, rows, right=set(range(1, len(labels) + 1)))
    para(doc, "Sumber: basis data riwayat monitoring, angka yang sama dengan lembar Tren berkas rekap monitoring."
         if trend.store else "Sumber: rekap setiap periode tahun ini (basis data riwayat belum ada).")
    if ex.previous:
        prev = f"{PERIODE_LABEL[ex.previous]} {ctx.fig.tahun}"
        fell = ex.fell
        para(doc, f"Turun dari {prev}: " + ("; ".join(f"{clean_text(a.nama)} {pct(a.before)}% → {pct(a.mean)}% "
                                                       f"({change_text(a)})" for a in fell)
                                           if fell else "tidak ada area yang turun") + ".")
        down = [a for a in ex.attention if a.lowered]
        para(doc, "Unit yang menurunkan progres: " + ("; ".join(
            f"{clean_text(a.nama)} ({format_number(len(a.lowered))} baris: "
            + ", ".join(f"{c.kode} {format_number(c.before, 1)} → {format_number(c.now, 1)}" for c in a.lowered) + ")"
            for a in down) if down else "tidak ada") + ".")

def _areas(doc, ctx: Context) -> None:
    fig, ex = ctx.fig, ctx.executive
    assert ex is not None
    status = {s.kode: s for s in ex.areas}
    doc.add_page_break()
    doc.add_heading("III. CAPAIAN PER AREA PERUBAHAN", 1)
    areas = [ctx.area_fig] if ctx.area_fig else fig.areas
    for n, a in enumerate(areas, 1):
        if n > 1:
            doc.add_page_break()
        doc.add_heading(f"3.{n} {clean_text(a.nama)}", 2)
        ra = a.rencana_aksi
        members = ", ".join(ctx.unit_name(u) for u in a.pokja)
        para(doc, f"Pokja (Tabel 3.23): {members or '-'}.")
        para(doc, f"Baris rencana aksi ({LEAD}): {format_number(ra.total)}; "
                + "; ".join(f"{s} {format_number(c)}" for s, c in ra.by_status.items())
                + f"; {UNREPORTED.lower()} {format_number(ra.unreported)}. "
                f"Rata-rata progres: {area_mean(status[a.kode], ex)}; keadaan: {status[a.kode].status}"
                + (f", perubahan {change_text(status[a.kode])}" if status[a.kode].change is not None else "") + ".")
        doc.add_heading("a. Indikator kinerja", 3)
        indicator_table(doc, fig.indikator_rows(a.kode), baseline=True, names=ctx.unit_name)
        doc.add_heading("b. Kegiatan prioritas", 3)
        kegiatan_table(doc, fig.kegiatan_rows(a.kode), names=ctx.unit_name)
        doc.add_heading(f"c. Rencana aksi {fig.tahun}", 3)
        rows = in_master_order(fig.utama_rows(a.kode), ctx.roadmap)
        rencana_aksi_table(doc, rows, names=ctx.unit_name, statuses=fig.statuses)
        n_kendala = sum(bool(clean_text(r.get("kendala"))) for r in rows)
        para(doc, f"Kendala yang ditulis pada {format_number(n_kendala)} baris area ini dirangkum pada bab "
                  "Permasalahan." if n_kendala else "Tidak ada kendala yang ditulis untuk area ini.")
