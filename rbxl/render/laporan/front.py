"""The laporan's front matter: a short cover, the executive page a leader reads in one minute,
the Kata Pengantar and the signature block (from the master's Pengaturan).

The executive page lays out rbxl.consolidation.executive (one Executive): the status of each area
by the rule it prints, the change since the previous period with its sign, the areas that fell
and the units that need attention, by name. It computes nothing of its own.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from rbxl.consolidation.executive import (
    ATTENTION,
    LAGGING,
    NO_PROGRESS,
    ON_TRACK,
    AreaStatus,
    Executive,
)
from rbxl.core.enums import Period
from rbxl.core.values import format_change, format_floor, format_number
from rbxl.form.spec import PERIODE_END, PERIODE_LABEL
from rbxl.render.laporan.parts import Context, para, table, tanggal_id
from rbxl.render.laporan.text import clean_text

# Each area status: a mark and its word, the shading only repeating it (greyscale prints the mark).
STATUS_MARK = {ON_TRACK: ("●", "E2EFDA"), ATTENTION: ("◐", "FFF2CC"), LAGGING: ("○", "FCE4D6"),
               NO_PROGRESS: ("–", "EDEDED")}


def cover(doc, ctx: Context) -> None:
    """Title, period, the state's date, the managing division and the report's date."""
    pemda = ctx.setting("nama_pemda")
    for _ in range(3):
        doc.add_paragraph()
    para(doc, pemda.upper(), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
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
    for _ in range(5):
        doc.add_paragraph()
    para(doc, ctx.setting("pengelola"), size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, f"{ctx.setting('laporan_tempat')}, {tanggal_id(ctx.tanggal)}", size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_page_break()


def _pct(v: float | None, ex: Executive) -> str:
    """A mean progress that never shows the expected share or 100 it did not reach."""
    return "–" if v is None else f"{format_floor(v, 1, (100.0, ex.expected))}%"


def area_mean(a: AreaStatus, ex: Executive) -> str:
    """'66,2% (118 dari 122 baris)': an average says how many rows it covers."""
    if a.mean is None:
        return f"belum ada data (0 dari {format_number(a.total)} baris)"
    return f"{_pct(a.mean, ex)} ({format_number(a.covered)} dari {format_number(a.total)} baris)"


def change_text(a: AreaStatus) -> str:
    return "–" if a.change is None else f"{format_change(a.change)} poin"


def executive_page(doc, ctx: Context) -> None:
    """One page: to whom, the state in four sentences, the areas by status, who needs attention."""
    ex = ctx.executive
    assert ex is not None
    fig = ctx.fig
    doc.add_heading("RINGKASAN EKSEKUTIF", 1)
    prev = f"{PERIODE_LABEL[ex.previous]} {fig.tahun}" if ex.previous else ""
    kepada = f"Pokja {ctx.area_fig.nama} dan peserta rapat pleno" if ctx.area_fig else ctx.setting("laporan_kepada")
    memo = [("Kepada", f"Yth. {kepada}"), ("Dari", ctx.setting("pengelola")),
            ("Perihal", f"Hasil monitoring Road Map Reformasi Birokrasi {ctx.label}"),
            ("Keadaan sampai", f"{PERIODE_END[fig.periode]} {fig.tahun}"),
            ("Tanggal", tanggal_id(ctx.tanggal))]
    for label, value in memo:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(3.2))
        p.add_run(f"{label}\t: ").bold = True
        p.add_run(value)
    doc.add_paragraph()
    o = ex.overall
    where = f"area {ctx.area_fig.nama}" if ctx.area_fig else "seluruh area"
    missing = ex.not_returned
    lines = [
        f"Pengumpulan: data {format_number(ex.units_returned)} dari {format_number(ex.units_expected)} unit dipakai"
        + (f"; belum ada data dari {format_number(len(missing))} unit: "
           + "; ".join(f"{clean_text(a.nama)} ({a.not_returned.lower()}"
                       + (f", juga {prev}" if a.twice else "") + ")" for a in missing) if missing
           else "; semua unit mengumpulkan berkas yang dapat dipakai") + ".",
        f"Rata-rata progres {where}: {area_mean(o, ex)}; harapan {ctx.label}: {format_number(ex.expected, 0)}%. "
        f"Keadaan: {o.status}." + (f" Dibanding {prev} ({_pct(o.before, ex)}): {change_text(o)}." if prev else ""),
    ]
    if prev and not ctx.area_fig:
        lines.append("Area yang turun dari " + prev + ": " + ("; ".join(
            f"{clean_text(a.nama)} {_pct(a.before, ex)} → {_pct(a.mean, ex)} ({change_text(a)})" for a in ex.fell)
            if ex.fell else "tidak ada") + ".")
    elif prev and ex.fell:
        lines.append(f"Area ini turun dari {prev}: {_pct(o.before, ex)} → {_pct(o.mean, ex)} ({change_text(o)}).")
    if not prev:
        lines.append("Perbandingan dengan periode sebelumnya belum dapat dibuat: periode sebelumnya tahun ini "
                     "belum direkap.")
    counts = "; ".join(f"{s} {format_number(len(v))}" for s, v in ex.by_status.items() if v)
    if not ctx.area_fig:
        lines.append(f"Area perubahan menurut keadaannya: {counts}.")
    for line in lines:
        para(doc, line, style="List Bullet")
    if not ctx.area_fig:
        head = ["Area perubahan", "Rata-rata progres", f"{PERIODE_LABEL[ex.previous]}" if ex.previous else "Sebelumnya",
                "Perubahan", "Keadaan"]
        rows, fills = [], []
        for a in ex.areas:
            mark, fill = STATUS_MARK[a.status]
            rows.append([clean_text(a.nama), area_mean(a, ex), _pct(a.before, ex), change_text(a), f"{mark} {a.status}"])
            fills.append({4: fill})
        table(doc, head, [5.4, 4.0, 2.3, 2.3, 3.0], rows, right={1, 2, 3}, fills=fills)
    p = para(doc, f"Aturan keadaan. {ex.rule}", size=8)
    p.paragraph_format.space_after = Pt(6)
    attention(doc, ctx, ex, prev)
    doc.add_page_break()


def attention(doc, ctx: Context, ex: Executive, prev: str) -> None:
    doc.add_heading("Unit yang perlu perhatian", 3)
    if not ex.attention:
        para(doc, "Tidak ada unit yang perlu perhatian menurut aturan di bawah.")
    else:
        rows = [[clean_text(a.nama), "; ".join(a.reasons(ex.not_started_word, prev or "periode sebelumnya"))]
                for a in ex.attention]
        table(doc, ["Unit", "Alasan"], [5.5, 11.5], rows)
    second = "" if Period(ctx.fig.periode).second_half else " (dinilai mulai semester kedua)"
    para(doc, "Unit perlu perhatian bila: datanya tidak ada (tidak mengumpulkan atau berkas ditolak), dua periode "
              f"berturut-turut tanpa data, progres suatu baris turun dari periode sebelumnya, baris yang sudah "
              f"selesai dibuka kembali, atau baris masih {ex.not_started_word} pada semester kedua{second}.", size=8)


def signature(doc, ctx: Context) -> None:
    """Place and date, the signer's office, name, rank and NIP (Pengaturan), right of centre."""
    lines = [f"{ctx.setting('laporan_tempat')}, {tanggal_id(ctx.tanggal)}", ctx.setting("penandatangan_jabatan"),
             "", "", ""]
    nama = ctx.setting("penandatangan_nama")
    lines.append(nama or "(nama penandatangan)")
    if ctx.setting("penandatangan_pangkat"):
        lines.append(ctx.setting("penandatangan_pangkat"))
    nip = ctx.setting("penandatangan_nip")
    lines.append(f"NIP. {nip}" if nip else "NIP. ....................")
    doc.add_paragraph()
    for i, line in enumerate(lines):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(9.0)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        run = p.add_run(line)
        run.bold = line == lines[-2] and bool(nama)


def kata_pengantar(doc, ctx: Context) -> None:
    doc.add_heading("KATA PENGANTAR", 1)
    perbup = ctx.setting("dasar_hukum")
    what = (f"bahan laporan kemajuan Kelompok Kerja area {ctx.area_fig.nama}" if ctx.area_fig
            else "laporan hasil monitoring dan evaluasi pelaksanaan Road Map Reformasi Birokrasi")
    for text in (
        f"Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa, karena atas rahmat-Nya {what} "
        f"{ctx.setting('nama_pemda')} periode {ctx.label} dapat diselesaikan.",
        f"Laporan ini disusun sebagai pelaksanaan monitoring dan evaluasi menurut {perbup} tentang Road Map "
        "Reformasi Birokrasi Pemerintah Kabupaten Blora Tahun 2022-2026. Isinya adalah keadaan pelaksanaan "
        "rencana aksi, capaian indikator kinerja dan kegiatan prioritas, ketepatan pelaporan, permasalahan yang "
        "dilaporkan Perangkat Daerah, serta rancangan rekomendasi tindak lanjut.",
        "Terima kasih kami sampaikan kepada seluruh Perangkat Daerah yang telah menyampaikan laporannya. "
        "Semoga laporan ini bermanfaat bagi pimpinan dalam mengambil langkah percepatan reformasi birokrasi.",
    ):
        p = para(doc, text)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    signature(doc, ctx)
    doc.add_page_break()
