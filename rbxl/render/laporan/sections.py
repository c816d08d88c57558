"""The laporan's tables of rows (indikator, kegiatan, rencana aksi), its quotes, and the
appendix sections (kepatuhan, catatan, lampiran)."""

from __future__ import annotations

import datetime as dt

from rbxl.consolidation.figures import KEPATUHAN_STATES, status_counts
from rbxl.consolidation.tables import NO_DATA
from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.core.values import format_number
from rbxl.form.spec import PERIODE_LABEL
from rbxl.master.model import Roadmap
from rbxl.render.laporan.docx_kit import (
    new_section,
)
from rbxl.render.laporan.parts import (
    LANDSCAPE_W,
    LEAD,
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


def _is_blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def row_mark(r: dict) -> tuple[str, str]:
    """The capaian mark of a row; without data it says which is missing: the target or the realisation."""
    state = r.get("status_capaian", "")
    if state == NO_DATA and _is_blank(r.get("target")):
        return "– Target belum ditetapkan", capaian_mark(state)[1]
    if state == NO_DATA and _is_blank(r.get("realisasi")):
        return "– Realisasi belum dilaporkan", capaian_mark(state)[1]
    return capaian_mark(state)


# Satuan words of a measure (an index, a percentage, a grade); any other satuan counts things (SKPD, Perda, SK).
MEASURES = ("%", "persen", "indeks", "nilai", "level", "skor", "skala", "predikat", "opini", "angka", "tingkat", "rasio")


def fraction_note(doc, rows: list[dict]) -> None:
    """Say so where a unit reported a fraction of a count ('48,06 SKPD'): the value is shown as
    reported, and the note asks for it to be checked."""
    odd = [r for r in rows if isinstance(r.get("realisasi"), float) and not r["realisasi"].is_integer()
           and r.get("satuan") and not any(m in str(r["satuan"]).casefold() for m in MEASURES)]
    if odd:
        para(doc, "Catatan: realisasi berikut dilaporkan sebagai pecahan, padahal satuannya hitungan; angka "
                  "ditampilkan apa adanya dan perlu dikonfirmasi kepada unit: "
                  + "; ".join(f"{clean_text(r.get('kode'))} ({num(r['realisasi'])} {unit_text(r['satuan'], 50)})"
                              for r in odd) + ".", size=8)


def indicator_table(doc, rows: list[dict], baseline: bool, names=clean_text) -> None:
    """Indicators with their capaian mark: with baseline and satuan in an area's section, compact in II."""
    if not rows:
        para(doc, "Tidak ada indikator kinerja untuk periode ini.")
        return
    if baseline:
        head = ["Kode", "Indikator", "Satuan", "Nilai awal 2021", "Target", "Realisasi", "Capaian (%)",
                "Keterangan", "Unit"]
        widths = [1.9, 2.8, 1.5, 1.6, 1.3, 1.7, 1.6, 2.2, 2.4]
    else:
        head = ["Kode", "Indikator", "Unit", "Target", "Realisasi", "Capaian (%)", "Keterangan"]
        widths = [2.0, 4.8, 2.4, 1.5, 1.7, 1.7, 2.9]
    mark_col = head.index("Keterangan")
    body, fills = [], []
    for r in rows:
        shown, fill = row_mark(r)
        lead = ([unit_text(r.get("satuan"), 50), num(r.get("baseline"))] if baseline
                else [names(r.get("unit"))])
        tail = [names(r.get("unit"))] if baseline else []
        body.append([clean_text(r.get("kode")), unit_text(r.get("indikator"), 300), *lead, num(r.get("target")),
                     num(r.get("realisasi")), capaian_text(r.get("capaian")), shown, *tail])
        fills.append({mark_col: fill})
    table(doc, head, widths, body, right=set(range(3, mark_col)), fills=fills)
    if baseline:
        fraction_note(doc, rows)


# --------------------------------------------------------------------------- III per area

def kegiatan_table(doc, rows: list[dict], names=clean_text) -> None:
    if not rows:
        para(doc, "Tidak ada kegiatan prioritas area ini untuk tahun ini.")
        return
    head = ["Kode", "Kegiatan prioritas", "Satuan", "Nilai awal 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu"]
    widths = [1.9, 2.8, 1.5, 1.6, 1.3, 1.7, 1.6, 2.2, 2.4]
    body, fills = [], []
    for r in rows:
        shown, fill = row_mark(r)
        body.append([clean_text(r.get("kode")), unit_text(r.get("kegiatan"), 300), unit_text(r.get("satuan"), 50),
                     num(r.get("baseline")), num(r.get("target")), num(r.get("realisasi")),
                     capaian_text(r.get("capaian")), shown, names(r.get("unit"))])
        fills.append({7: fill})
    table(doc, head, widths, body, right={3, 4, 5, 6}, fills=fills)
    fraction_note(doc, rows)

def in_master_order(rows: list[dict], roadmap: Roadmap) -> list[dict]:
    """Rows grouped by rencana aksi code in the Perbup's order (the tables list them unit by unit)."""
    order = {ra.kode: i for i, ra in enumerate(roadmap.rencana_aksi)}
    return sorted(rows, key=lambda r: order.get(r.get("kode"), len(order)))

COLLAPSE = 5  # a row code led by more units than this is one line with counts, not one line per unit


def rencana_aksi_table(doc, rows: list[dict], names=clean_text, statuses: list[str] | None = None) -> None:
    """Rows in the Perbup's order, one line per unit; an action many units lead (1.b.4 by 43 units)
    is one line: how many units, how many in each status, their mean progress."""
    if not rows:
        para(doc, "Tidak ada rencana aksi area ini untuk tahun ini.")
        return
    head = ["Kode", "Rencana aksi", LEAD, "Status", "Progres (%)", "Keluaran"]
    widths = [1.2, 5.4, 3.0, 2.6, 1.6, 3.2]
    by_code: dict[str, list[dict]] = {}
    for r in rows:
        by_code.setdefault(r.get("kode", ""), []).append(r)
    body = []
    for kode, group in by_code.items():
        aksi = unit_text(group[0].get("aksi"), 600)
        if len(group) > COLLAPSE:
            counts: dict[str, int] = {}
            for r in group:
                counts[status_text(r)] = counts.get(status_text(r), 0) + 1
            order = [*(statuses or []), UNREPORTED]
            shown = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
            c = status_counts(group, statuses or [])
            body.append([clean_text(kode), aksi, f"{format_number(len(group))} unit",
                         "\n".join(f"{format_number(n)} {s}" for s, n in shown),
                         f"{pct(c.mean_progress)} (rata-rata {format_number(c.covered)} baris)",
                         "Rincian per unit: Lampiran L.3"])
            continue
        for k, r in enumerate(group):
            body.append([clean_text(kode), aksi if k == 0 else "〃", names(r.get("unit")), status_text(r),
                         num(r.get("progres"), 1) if r.get("progres") != "" else "–", unit_text(r.get("output"), 400)])
    table(doc, head, widths, body, right={4})


# --------------------------------------------------------------------------- IV Kepatuhan

def kepatuhan(doc, ctx: Context) -> None:
    fig = ctx.fig
    doc.add_page_break()
    doc.add_heading("IV. KEPATUHAN PELAPORAN", 1)
    who = ("unit anggota Pokja dan unit yang bertanggung jawab atas rencana aksi area ini, dengan baris area ini "
           "saja") if ctx.area else "unit pelapor"
    deadline = tanggal_id(fig.batas_waktu) if fig.batas_waktu else "belum ditetapkan dalam jadwal pengumpulan"
    para(doc, f"Batas waktu pengumpulan {ctx.label}: {deadline}. Ketepatan waktu dinilai dari waktu simpan yang "
            "tercatat di dalam berkas yang dipakai, dibandingkan dengan batas waktu pada jadwal pengumpulan. "
            f"Tabel berikut mencakup setiap {who}.")
    counts = fig.kepatuhan_counts(ctx.units()) if ctx.area_fig else fig.headline.kepatuhan
    table(doc, ["Keadaan", "Jumlah unit"], [9.0, 3.0],
           [[s, format_number(counts.get(s, 0))] for s in KEPATUHAN_STATES], right={1})
    head = ["No", "Unit", "Putusan berkas", "Waktu simpan", "Ketepatan", f"Baris {LEAD}", "Rata-rata progres (%)",
            "Kesalahan", "Peringatan"]
    widths = [0.7, 3.6, 2.3, 2.0, 2.3, 1.2, 1.3, 1.8, 1.8]
    led = {u.unit: fig.unit_counts(u.unit, ctx.area) if ctx.area else u.utama for u in ctx.units()}
    rows = [[format_number(i), clean_text(u.nama), clean_text(u.putusan), _when(u.disimpan), u.kepatuhan,
             format_number(led[u.unit].total), pct(led[u.unit].mean_progress), format_number(u.n_kesalahan),
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
        n = sum(r.get("status") == not_started for r in fig.utama_rows(ctx.area))
        para(doc, f"Belum dinilai sebagai keterlambatan: {ctx.label} berakhir pada semester pertama. Saat ini "
                  + (f"{format_number(n)} baris masih {not_started}." if n else f"tidak ada baris {not_started}."))
    elif not c.belum_dimulai:
        para(doc, "Tidak ada: setiap baris sudah dimulai atau berstatus lain.")
    else:
        para(doc, f"{format_number(len(c.belum_dimulai))} baris masih {not_started}:")
        table(doc, ["Kode", "Rencana aksi", LEAD], [1.5, 11.0, 4.5],
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
               [[clean_text(r.get("kode")), name, ctx.unit_name(r.get("unit")), num(r.get("target")),
                 num(r.get("realisasi")), capaian_text(r.get("capaian"))] for r, name in below], right={3, 4, 5})

    against = [(i, t) for i in ctx.roadmap.indikator if (not ctx.area or i.area_kode == ctx.area)
               and (t := i.against_direction(fig.tahun)) is not None]
    if against:  # a target the Perbup set below the 2021 value of an indicator meant to rise, or the reverse
        para(doc, f"Target {fig.tahun} indikator berikut bergerak berlawanan dengan arahnya; periksa kembali dengan "
                  "Perbup sebelum menilai capaiannya: " + "; ".join(
                      f"{clean_text(i.kode)} {unit_text(i.label, 120)} (nilai awal 2021 {num(i.baseline)}, target "
                      f"{num(t)}, arah {clean_text(i.arah or 'naik')})" for i, t in against) + ".")

    doc.add_heading("c. Unit yang tidak mengumpulkan", 3)
    if not c.not_returned:
        para(doc, ("Semua unit area ini" if ctx.area else "Semua unit") + " mengumpulkan berkas yang dapat dipakai.")
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
        table(doc, ["Kode", "Rencana aksi", LEAD, "Alasan (kendala) dan tindak lanjut dari unit"],
               [1.3, 5.7, 3.0, 7.0],
               [[clean_text(r.get("kode")), unit_text(r.get("aksi"), 300), clean_text(r.get("nama_unit")),
                 _reason(r)] for r in c.tidak_dapat])


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
            "teks sangat panjang dipotong dengan tanda). Baris dukungan (PD pendukung) ada pada berkas rekap "
            "monitoring periode ini (Excel), lembar Rencana Aksi.")
    doc.add_heading("L.1 Indikator Kinerja", 2)
    head = ["Kode", "Tabel", "Area", "Indikator", "Satuan", "Arah", "Nilai awal 2021", "Target", "Realisasi",
            "Capaian (%)", "Keterangan", "Unit", "Pengumpulan", "Sumber data"]
    widths = [2.0, 1.4, 1.0, 4.6, 1.5, 1.1, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 1.8]
    rows = fig.indikator_rows(ctx.area)
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("tabel")), clean_text(r.get("area_kode")),
                                unit_text(r.get("indikator"), 300), unit_text(r.get("satuan"), 50),
                                clean_text(r.get("arah")), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                row_mark(r)[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("sumber_data"), 300)]
                               for r in rows], right={6, 7, 8, 9})
    doc.add_heading("L.2 Kegiatan Prioritas", 2)
    head = ["Kode", "Area", "Kegiatan prioritas", "Satuan", "Nilai awal 2021", "Target", "Realisasi", "Capaian (%)",
            "Keterangan", "Pengampu", "Pengumpulan", "Keterangan unit"]
    widths = [2.0, 2.4, 4.6, 1.4, 1.6, 1.4, 1.6, 1.6, 2.2, 2.3, 2.4, 2.2]
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area")), unit_text(r.get("kegiatan"), 300),
                                unit_text(r.get("satuan"), 50), num(r.get("baseline")), num(r.get("target")),
                                num(r.get("realisasi")), capaian_text(r.get("capaian")),
                                row_mark(r)[0], clean_text(r.get("unit")),
                                clean_text(r.get("pengumpulan")), unit_text(r.get("keterangan"), 400)]
                               for r in fig.kegiatan_rows(ctx.area)], right={4, 5, 6, 7})
    doc.add_heading(f"L.3 Rencana Aksi (baris {LEAD})", 2)
    head = ["Kode", "Area", "Rencana aksi", LEAD, "Status", "Progres (%)", "Keluaran", "Bukti dukung", "Kendala",
            "Tindak lanjut"]
    widths = [1.2, 1.0, 4.2, 3.6, 2.6, 1.6, 3.0, 2.7, 3.0, 2.9]
    ra_rows = in_master_order(fig.utama_rows(ctx.area), ctx.roadmap)
    # the action's text once per code: the rows after it say 〃 (ditto), as a clerk's table does
    table(doc, head, widths, [[clean_text(r.get("kode")), clean_text(r.get("area_kode")),
                                unit_text(r.get("aksi"), 600) if i == 0 or ra_rows[i - 1].get("kode") != r.get("kode")
                                else "〃",
                                clean_text(r.get("nama_unit")), status_text(r),
                                num(r.get("progres"), 1) if r.get("progres") != "" else "–",
                                unit_text(r.get("output"), 600), unit_text(r.get("bukti"), 400),
                                unit_text(r.get("kendala"), 600), unit_text(r.get("tindak_lanjut"), 600)]
                               for i, r in enumerate(ra_rows)], right={5})
    doc.add_heading("L.4 Rekap per Unit", 2)
    head = ["Kode unit", "Nama unit", "Putusan", f"Baris {LEAD}", *fig.statuses, UNREPORTED,
            "Rata-rata progres (%)", "Baris pendukung", "Kesalahan", "Peringatan"]
    widths = [2.4, 4.0, 2.0, 1.2] + [1.9] * len(fig.statuses) + [1.9, 1.6, 1.6, 1.8, 1.8]
    widths[1] = LANDSCAPE_W - sum(widths) + widths[1]
    table(doc, head, widths, [[clean_text(u.unit), clean_text(u.nama), clean_text(u.putusan),
                                *status_row(fig.unit_counts(u.unit, ctx.area) if ctx.area else u.utama, fig.statuses),
                                format_number(u.n_pendukung),
                                format_number(u.n_kesalahan), format_number(u.n_peringatan)]
                               for u in ctx.units()], right=set(range(3, len(head))))
    instrumen_lampiran(doc, ctx)


def instrumen_lampiran(doc, ctx: Context) -> None:
    """L.5: per instrument (issue 21), each unit's nilai mandiri and nilai verifikasi, for the whole
    instrument and its first-level components, as the monitoring workbook's Nilai sheet computes them."""
    units = {u.unit for u in ctx.units()}
    rows = [r for r in ctx.fig.instrumen if r["unit"] in units and r["tingkat"] in (0, 1)]
    if not rows:
        return
    doc.add_heading("L.5 Nilai Instrumen", 2)
    para(doc, "Nilai 0 sampai 100 per unit: nilai mandiri dihitung dari jawaban unit, nilai verifikasi dari "
              "jawaban yang diperiksa verifikator (kosong bila belum diverifikasi). Baris pertama setiap unit "
              "adalah nilai seluruh instrumen, baris berikutnya komponennya dengan bobotnya.")
    head = ["Instrumen", "Unit", "Komponen", "Bobot", "Nilai mandiri", "Nilai verifikasi"]
    widths = [3.0, 5.0, 9.1, 2.0, 3.3, 3.3]

    def score(v: object) -> str:
        return "–" if v in ("", None) else num(v, 2)

    table(doc, head, widths, [[clean_text(r["instrumen"]), clean_text(r["nama_unit"] or r["unit"]),
                                unit_text(r["komponen"], 200), num(r["bobot"]), score(r["nilai_mandiri"]),
                                score(r["nilai_verifikasi"])] for r in rows], right={3, 4, 5})
