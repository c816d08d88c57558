"""The laporan's tables of rows (indikator, kegiatan, rencana aksi), its quotes, and the
appendix sections (kepatuhan, catatan, lampiran)."""

from __future__ import annotations

import datetime as dt

from docx.shared import Cm, Pt

from rbxl.consolidation.figures import (
    KEPATUHAN_STATES,
)
from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.core.values import format_number
from rbxl.form.spec import PERIODE_LABEL
from rbxl.master.model import Roadmap
from rbxl.render.laporan.docx_kit import (
    new_section,
    shade,
)
from rbxl.render.laporan.parts import (
    LANDSCAPE_W,
    PORTRAIT_W,
    UNREPORTED,
    Context,
    capaian_mark,
    capaian_text,
    num,
    para,
    pct,
    status_row,
    status_text,
    table,
    tanggal_id,
)
from rbxl.render.laporan.text import clean_text, unit_text


def indicator_table(doc, rows: list[dict], baseline: bool) -> None:
    """Indicators with their capaian mark: with baseline and satuan in an area's section, compact in II."""
    if not rows:
        para(doc, "Tidak ada indikator kinerja untuk periode ini.")
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
        shown, fill = capaian_mark(r.get("status_capaian", ""))
        lead = ([unit_text(r.get("satuan"), 50), num(r.get("baseline"))] if baseline
                else [clean_text(r.get("unit"))])
        tail = [clean_text(r.get("unit"))] if baseline else []
        body.append([clean_text(r.get("kode")), unit_text(r.get("indikator"), 300), *lead, num(r.get("target")),
                     num(r.get("realisasi")), capaian_text(r.get("capaian")), shown, *tail])
        fills.append({mark_col: fill})
    table(doc, head, widths, body, right=set(range(3, mark_col)), fills=fills)


# --------------------------------------------------------------------------- III per area

def kegiatan_table(doc, rows: list[dict]) -> None:
    if not rows:
        para(doc, "Tidak ada kegiatan prioritas area ini untuk tahun ini.")
        return
    head = ["Kode", "Kegiatan prioritas", "Satuan", "Baseline 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu"]
    widths = [1.9, 2.8, 1.5, 1.6, 1.3, 1.7, 1.6, 2.2, 2.4]
    body, fills = [], []
    for r in rows:
        shown, fill = capaian_mark(r.get("status_capaian", ""))
        body.append([clean_text(r.get("kode")), unit_text(r.get("kegiatan"), 300), unit_text(r.get("satuan"), 50),
                     num(r.get("baseline")), num(r.get("target")), num(r.get("realisasi")),
                     capaian_text(r.get("capaian")), shown, clean_text(r.get("unit"))])
        fills.append({7: fill})
    table(doc, head, widths, body, right={3, 4, 5, 6}, fills=fills)

def in_master_order(rows: list[dict], roadmap: Roadmap) -> list[dict]:
    """Rows grouped by rencana aksi code in the Perbup's order (the tables list them unit by unit)."""
    order = {ra.kode: i for i, ra in enumerate(roadmap.rencana_aksi)}
    return sorted(rows, key=lambda r: order.get(r.get("kode"), len(order)))

def rencana_aksi_table(doc, rows: list[dict]) -> None:
    if not rows:
        para(doc, "Tidak ada rencana aksi area ini untuk tahun ini.")
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
    table(doc, head, widths, body, right={4})

def quotes(doc, rows: list[dict]) -> None:
    quoted = [r for r in rows if clean_text(r.get("kendala")) or clean_text(r.get("tindak_lanjut"))]
    if not quoted:
        para(doc, "Tidak ada kendala atau tindak lanjut yang ditulis unit untuk area ini.")
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

def kepatuhan(doc, ctx: Context) -> None:
    fig = ctx.fig
    doc.add_page_break()
    doc.add_heading("IV. KEPATUHAN PELAPORAN", 1)
    who = "unit anggota Pokja" if ctx.area else "unit pelapor"
    deadline = tanggal_id(fig.batas_waktu) if fig.batas_waktu else "tidak tercantum di sheet Jadwal master"
    para(doc, f"Batas waktu pengumpulan {ctx.label}: {deadline}. Ketepatan waktu dinilai dari waktu simpan yang "
            "tercatat di dalam berkas yang dipakai, dibandingkan dengan batas waktu di sheet Jadwal master. "
            f"Tabel berikut mencakup setiap {who}.")
    counts = ctx.area_fig.pokja_kepatuhan if ctx.area_fig else fig.headline.kepatuhan
    table(doc, ["Keadaan", "Jumlah unit"], [9.0, 3.0],
           [[s, format_number(counts.get(s, 0))] for s in KEPATUHAN_STATES], right={1})
    head = ["No", "Unit", "Putusan berkas", "Waktu simpan", "Ketepatan", "Baris PD utama", "Rata-rata progres (%)",
            "Kesalahan", "Peringatan"]
    widths = [0.7, 3.6, 2.3, 2.0, 2.3, 1.2, 1.3, 1.8, 1.8]
    rows = [[format_number(i), clean_text(u.nama), clean_text(u.putusan), _when(u.disimpan), u.kepatuhan,
             format_number(u.utama.total), pct(u.utama.mean_progress), format_number(u.n_kesalahan),
             format_number(u.n_peringatan)] for i, u in enumerate(ctx.units(), 1)]
    table(doc, head, widths, rows, right={0, 5, 6, 7, 8})

def _when(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return "–"
    return f"{t.day:02d}-{t.month:02d}-{t.year} {t.hour:02d}:{t.minute:02d}"


# --------------------------------------------------------------------------- V Catatan

def catatan(doc, ctx: Context) -> None:
    fig = ctx.fig
    c = fig.catatan_for(ctx.area)
    doc.add_page_break()
    doc.add_heading("V. CATATAN UNTUK PIMPINAN", 1)
    doc.add_heading("5.1 Fakta dari data periode ini", 2)
    para(doc, "Bagian ini disusun otomatis dari data yang dilaporkan unit; tidak ada penilaian di dalamnya.")

    not_started, cannot = (fig.statuses[STATUS_ORDER.index(r)] for r in (StatusRole.NOT_STARTED, StatusRole.CANNOT))
    doc.add_heading(f"a. Rencana aksi yang masih {not_started} pada semester kedua", 3)
    if not c.second_half:
        para(doc, f"Tidak dinilai: {ctx.label} berakhir pada semester pertama.")
    elif not c.belum_dimulai:
        para(doc, "Tidak ada: setiap baris sudah dimulai atau berstatus lain.")
    else:
        para(doc, f"{format_number(len(c.belum_dimulai))} baris masih {not_started}:")
        table(doc, ["Kode", "Rencana aksi", "PD utama"], [1.5, 11.0, 4.5],
               [[clean_text(r.get("kode")), unit_text(r.get("aksi"), 400), clean_text(r.get("nama_unit"))]
                for r in c.belum_dimulai])

    doc.add_heading("b. Indikator dan kegiatan prioritas di bawah target", 3)
    below = [(r, unit_text(r.get("indikator"), 300)) for r in c.indikator_below]
    below += [(r, unit_text(r.get("kegiatan"), 300)) for r in c.kegiatan_below]
    if not below:
        para(doc, "Tidak ada baris dengan realisasi di bawah target.")
    else:
        para(doc, f"{format_number(len(c.indikator_below))} baris indikator dan "
                f"{format_number(len(c.kegiatan_below))} baris kegiatan prioritas belum mencapai target {fig.tahun}:")
        table(doc, ["Kode", "Uraian", "Unit", "Target", "Realisasi", "Capaian (%)"],
               [2.2, 7.2, 2.6, 1.6, 1.7, 1.7],
               [[clean_text(r.get("kode")), name, clean_text(r.get("unit")), num(r.get("target")),
                 num(r.get("realisasi")), capaian_text(r.get("capaian"))] for r, name in below], right={3, 4, 5})

    doc.add_heading("c. Unit yang tidak mengumpulkan", 3)
    if not c.not_returned:
        para(doc, "Semua unit mengumpulkan berkas yang dapat dipakai.")
    else:
        para(doc, f"{format_number(len(c.not_returned))} unit tanpa data yang dapat dipakai: "
                + "; ".join(f"{clean_text(u.nama)} ({clean_text(u.putusan)})" for u in c.not_returned) + ".")
    trend = ctx.trend
    if trend is not None and trend.previous is not None:
        twice = [u for u in ctx.units() if u.unit in trend.twice]
        prev = f"{PERIODE_LABEL[trend.previous]} {trend.tahun}"
        para(doc, f"Dua periode berturut-turut ({prev} dan {ctx.label}): "
                + ("; ".join(clean_text(u.nama) for u in twice) if twice else "tidak ada") + ".")
    else:
        para(doc, "Riwayat periode sebelumnya belum tersedia, sehingga unit yang dua periode berturut-turut tidak "
                "mengumpulkan belum dapat ditunjukkan.")

    doc.add_heading(f"d. Rencana aksi yang {cannot}", 3)
    if not c.tidak_dapat:
        para(doc, "Tidak ada.")
    else:
        para(doc, f"{format_number(len(c.tidak_dapat))} baris dinyatakan {cannot}, dengan alasan "
                "yang ditulis unit:")
        table(doc, ["Kode", "Rencana aksi", "PD utama", "Alasan (kendala) dan tindak lanjut dari unit"],
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

def lampiran(doc, ctx: Context) -> None:
    fig = ctx.fig
    new_section(doc, landscape=True).different_first_page_header_footer = False  # the cover's setting is copied
    doc.add_heading("LAMPIRAN", 1)
    para(doc, "Tabel lengkap periode ini. Teks yang ditulis unit dikutip apa adanya (karakter kendali dibuang, "
            "teks sangat panjang dipotong dengan tanda). Baris dukungan (PD pendukung) ada di workbook "
            "monitoring, sheet Rencana Aksi.")
    doc.add_heading("L.1 Indikator Kinerja", 2)
    head = ["Kode", "Tabel", "Area", "Indikator", "Satuan", "Arah", "Baseline 2021", "Target", "Realisasi",
            "Capaian (%)", "Keterangan", "Unit", "Pengumpulan", "Sumber data"]
    widths = [2.0, 1.4, 1.0, 4.6, 1.5, 1.1, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 1.8]
    rows = fig.indikator_rows(ctx.area)
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("tabel")), clean_text(r.get("area_kode")),
                                unit_text(r.get("indikator"), 300), unit_text(r.get("satuan"), 50),
                                clean_text(r.get("arah")), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                capaian_mark(r.get("status_capaian", ""))[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("sumber_data"), 300)]
                               for r in rows], right={6, 7, 8, 9})
    doc.add_heading("L.2 Kegiatan Prioritas", 2)
    head = ["Kode", "Area", "Kegiatan prioritas", "Satuan", "Baseline 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu", "Pengumpulan", "Keterangan unit"]
    widths = [2.0, 2.4, 4.6, 1.4, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 2.2]
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area")), unit_text(r.get("kegiatan"), 300),
                                unit_text(r.get("satuan"), 50), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                capaian_mark(r.get("status_capaian", ""))[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("keterangan"), 400)]
                               for r in fig.kegiatan_rows(ctx.area)], right={4, 5, 6, 7})
    doc.add_heading("L.3 Rencana Aksi (baris PD utama)", 2)
    head = ["Kode", "Area", "Rencana aksi", "PD utama", "Status", "Progres (%)", "Output", "Bukti dukung", "Kendala",
            "Tindak lanjut"]
    widths = [1.2, 1.0, 5.2, 2.6, 2.6, 1.6, 3.0, 2.7, 3.0, 2.9]
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area_kode")), unit_text(r.get("aksi"), 600),
                                clean_text(r.get("nama_unit")), status_text(r),
                                num(r.get("progres"), 1) if r.get("progres") != "" else "–",
                                unit_text(r.get("output"), 600), unit_text(r.get("bukti"), 400),
                                unit_text(r.get("kendala"), 600), unit_text(r.get("tindak_lanjut"), 600)]
                               for r in in_master_order(fig.utama_rows(ctx.area), ctx.roadmap)], right={5})
    doc.add_heading("L.4 Rekap per Unit", 2)
    head = ["Unit", "Nama unit", "Putusan", "Baris PD utama", *fig.statuses, UNREPORTED,
            "Rata-rata progres (%)", "Baris pendukung", "Kesalahan", "Peringatan"]
    widths = [2.4, 4.0, 2.0, 1.2] + [1.9] * len(fig.statuses) + [1.9, 1.6, 1.6, 1.8, 1.8]
    widths[1] = LANDSCAPE_W - sum(widths) + widths[1]
    table(doc, head, widths, [[clean_text(u.unit), clean_text(u.nama), clean_text(u.putusan),
                                *status_row(u.utama, fig.statuses), format_number(u.n_pendukung),
                                format_number(u.n_kesalahan), format_number(u.n_peringatan)]
                               for u in ctx.units()], right=set(range(3, len(head))))
