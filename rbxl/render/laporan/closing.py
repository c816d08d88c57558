"""The laporan's closing parts: Permasalahan (the kendala units wrote, by area, counted, each quote
once), the Rekomendasi drafted from the findings by stated rules (a draft the Bagian Organisasi
edits), the Penutup with its signature, and the short glossary of the words the report must use."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from rbxl.consolidation.executive import ATTENTION, LAGGING
from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.core.values import format_number
from rbxl.render.laporan.docx_kit import shade
from rbxl.render.laporan.front import signature
from rbxl.render.laporan.parts import LEAD, PORTRAIT_W, Context, para, table
from rbxl.render.laporan.text import clean_text, unit_text


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def kendala_groups(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Rows grouped by the kendala they quote (same words, case and spacing aside), most often first."""
    groups: dict[str, tuple[str, list[dict]]] = {}
    for r in rows:
        text = unit_text(r.get("kendala"))
        if text:
            groups.setdefault(_key(text), (text, []))[1].append(r)
    return sorted(groups.values(), key=lambda g: -len(g[1]))


def permasalahan(doc, ctx: Context, number: str) -> None:
    fig = ctx.fig
    doc.add_page_break()
    doc.add_heading(f"{number}. PERMASALAHAN", 1)
    para(doc, f"Kendala yang ditulis {LEAD} pada baris rencana aksi, dikelompokkan per area perubahan. Kendala "
              "yang sama (kata-katanya sama) dikutip sekali, dengan jumlah baris dan unit yang menuliskannya.")
    areas = [ctx.area_fig] if ctx.area_fig else fig.areas
    for a in areas:
        rows = fig.utama_rows(a.kode)
        groups = kendala_groups(rows)
        n_rows = sum(len(g) for _, g in groups)
        doc.add_heading(clean_text(a.nama), 3)
        if not groups:
            para(doc, "Tidak ada kendala yang ditulis untuk area ini.")
            continue
        para(doc, f"{format_number(n_rows)} baris menulis kendala; {format_number(len(groups))} kendala berbeda.")
        body = []
        for text, group in groups:
            units = list(dict.fromkeys(ctx.unit_name(r.get("unit")) for r in group))
            codes = list(dict.fromkeys(clean_text(r.get("kode")) for r in group))
            who = ", ".join(units[:6]) + (f" dan {format_number(len(units) - 6)} unit lain" if len(units) > 6 else "")
            lanjut = list(dict.fromkeys(t for t in (unit_text(r.get("tindak_lanjut")) for r in group) if t))
            body.append([f"“{unit_text(text, 600)}”"
                         + (f"\nTindak lanjut: “{unit_text(lanjut[0], 400)}”" if lanjut else ""),
                         format_number(len(group)), f"{who} (baris {', '.join(codes[:8])}"
                         + (" …" if len(codes) > 8 else "") + ")"])
        table(doc, ["Kendala (dikutip apa adanya)", "Baris", "Ditulis oleh"], [9.5, 1.3, 6.2], body, right={1})


def draft_recommendations(ctx: Context) -> list[tuple[str, str]]:
    """(rule, recommendation) pairs: each recommendation follows from a finding by the rule beside it."""
    ex, fig = ctx.executive, ctx.fig
    assert ex is not None
    c = fig.catatan_for(ctx.area)
    out: list[tuple[str, str]] = []
    twice = [a for a in ex.not_returned if a.twice]
    once = [a for a in ex.not_returned if not a.twice]
    if twice:
        out.append(("Unit tanpa data dua periode berturut-turut",
                    "Sekretaris Daerah memberikan teguran tertulis kepada " + ", ".join(clean_text(a.nama) for a in twice)
                    + " agar menyampaikan laporan paling lambat tujuh hari kerja."))
    if once:
        out.append(("Unit tanpa data pada periode ini",
                    "Bagian Organisasi meminta " + ", ".join(clean_text(a.nama) for a in once)
                    + " menyampaikan laporan yang dapat dipakai sebelum periode berikutnya."))
    lowered = [a for a in ex.attention if a.lowered or a.reopened]
    if lowered:
        out.append(("Progres turun atau baris selesai dibuka kembali",
                    "Bagian Organisasi meminta klarifikasi kepada " + ", ".join(
                        f"{clean_text(a.nama)} ({format_number(len(a.lowered) + len(a.reopened))} baris)" for a in lowered)
                    + ": koreksi data atau kemunduran pelaksanaan, dengan bukti dukung."))
    for a in ex.areas:
        if a.status == LAGGING:
            out.append((f"Area {LAGGING.lower()} (10 poin atau lebih di bawah harapan)",
                        f"Pokja {clean_text(a.nama)} menyusun langkah percepatan dan melaporkannya pada rapat pleno "
                        "berikutnya."))
        elif a.status == ATTENTION:
            out.append((f"Area {ATTENTION.lower()}", f"Pokja {clean_text(a.nama)} membahas penyebabnya ("
                        + "; ".join(a.reasons) + ") pada rapat pleno berikutnya."))
    if c.belum_dimulai:
        out.append((f"Baris masih {ex.not_started_word} pada semester kedua",
                    f"{LEAD} {format_number(len(c.belum_dimulai))} baris tersebut menyampaikan jadwal mulai "
                    "kepada Pokja areanya."))
    cannot = fig.statuses[STATUS_ORDER.index(StatusRole.CANNOT)]
    if c.tidak_dapat:
        out.append((f"Baris {cannot}", f"Pokja menilai {format_number(len(c.tidak_dapat))} baris tersebut untuk "
                    "diusulkan perubahan rencana aksi pada evaluasi road map."))
    below = len(c.indikator_below) + len(c.kegiatan_below)
    if below:
        out.append(("Indikator atau kegiatan prioritas di bawah target",
                    f"Pengampu {format_number(below)} baris yang belum mencapai target menyampaikan langkah "
                    "pencapaiannya sampai akhir tahun."))
    return out


def rekomendasi(doc, ctx: Context, number: str) -> None:
    doc.add_page_break()
    doc.add_heading(f"{number}. REKOMENDASI", 1)
    box = doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    cell = box.rows[0].cells[0]
    cell.width = Cm(PORTRAIT_W)
    shade(cell, "FFF2CC")
    cell.paragraphs[0].add_run("RANCANGAN untuk disunting Bagian Organisasi sebelum laporan ditandatangani. "
                               "Setiap butir disusun dari temuan periode ini menurut aturan yang disebut di "
                               "depannya; ubah, hapus atau tambahkan butir sesuai arahan pimpinan.").italic = True
    doc.add_paragraph()
    items = draft_recommendations(ctx)
    if not items:
        para(doc, "Tidak ada temuan yang memerlukan rekomendasi menurut aturan di atas.")
    for n, (rule, text) in enumerate(items, 1):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(0.6)
        p.paragraph_format.first_line_indent = Cm(-0.6)
        p.add_run(f"{n}. ")
        p.add_run(f"[{rule}] ").italic = True
        p.add_run(text)


def penutup(doc, ctx: Context, number: str) -> None:
    doc.add_page_break()
    doc.add_heading(f"{number}. PENUTUP", 1)
    what = "Bahan laporan kemajuan ini" if ctx.area_fig else "Laporan hasil monitoring dan evaluasi ini"
    p = para(doc, f"{what} disusun dari laporan yang disampaikan Perangkat Daerah untuk periode {ctx.label}. "
                  "Angka di dalamnya dapat ditelusuri pada lampiran dan pada berkas rekap monitoring periode ini. "
                  "Rekomendasi pada bab sebelumnya diharapkan menjadi bahan arahan pimpinan dan tindak lanjut "
                  "Perangkat Daerah pada periode berikutnya.")
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    signature(doc, ctx)


GLOSSARY = [
    ("Area perubahan", "Salah satu dari delapan bidang Road Map Reformasi Birokrasi, misalnya Penataan Tatalaksana."),
    ("Rencana aksi", "Kegiatan yang harus dilaksanakan pada tahun berjalan menurut Lampiran II Peraturan Bupati."),
    ("Baris", "Satu rencana aksi yang dilaporkan oleh satu Perangkat Daerah pada satu periode. Rencana aksi yang "
              "menjadi tanggung jawab 43 Perangkat Daerah dihitung 43 baris."),
    (LEAD, "Perangkat Daerah yang bertanggung jawab atas suatu rencana aksi (dalam Peraturan Bupati: PD utama)."),
    ("PD pendukung", "Perangkat Daerah yang membantu pelaksanaan rencana aksi."),
    ("Progres", "Persentase pelaksanaan rencana aksi sampai akhir periode, kumulatif sejak 1 Januari."),
    ("Rata-rata progres", "Rata-rata progres baris yang melaporkan angka; jumlah baris yang dihitung ditulis di "
                          "sampingnya."),
    ("Harapan periode", "Bagian tahun yang sudah berjalan: 25% pada Triwulan I, 50% pada Triwulan II atau "
                        "Semester I, 75% pada Triwulan III, 100% pada akhir tahun."),
    ("Nilai awal", "Nilai indikator pada tahun 2021, sebelum road map berlaku."),
    ("Target", "Nilai yang direncanakan untuk tahun berjalan."),
    ("Realisasi", "Nilai yang dilaporkan tercapai sampai akhir periode."),
    ("Capaian", "Realisasi dibandingkan target, dalam persen; tercapai bila 100% atau lebih."),
    ("Keluaran", "Hasil nyata suatu rencana aksi (dokumen, sistem, layanan) yang dilaporkan unit."),
    ("Kendala / tindak lanjut", "Hambatan yang dihadapi dan langkah yang direncanakan, ditulis oleh unit."),
]


def glossary(doc) -> None:
    doc.add_page_break()
    doc.add_heading("DAFTAR ISTILAH", 1)
    table(doc, ["Istilah", "Arti"], [4.0, 13.0], [[t, m] for t, m in GLOSSARY])
    for p in doc.paragraphs[-1:]:
        p.paragraph_format.space_after = Pt(0)
