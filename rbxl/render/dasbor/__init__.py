"""The dashboard page (dasbor): one self-contained HTML file per period for the leaders' phones.

It lays out the period's figures (rbxl.consolidation.figures) and, when the riwayat store exists, the year's
trend (rbxl.riwayat.trend); it computes none of its own. Everything is
inline (styles, script, SVG charts), and a Content-Security-Policy allows nothing else, so
the file works as an e-mail attachment, from a USB stick or on a static website. Every text
that came from a unit's file is escaped; bukti dukung becomes a link only for http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from string import Template

from rbxl.consolidation.executive import AreaStatus, Executive, executive
from rbxl.consolidation.figures import KEPATUHAN_STATES, PeriodFigures, StatusCounts, figures
from rbxl.consolidation.tables import NO_DATA, TARGET_MET, TARGET_NOT_MET, Tables
from rbxl.core.atomic import write_text
from rbxl.core.enums import Collection
from rbxl.core.paths import dasbor_path
from rbxl.core.values import format_change, format_floor
from rbxl.form.spec import periode_label
from rbxl.master.model import Roadmap
from rbxl.render.dasbor.instrumen import section_instrumen
from rbxl.render.dasbor.kit import (
    PALETTE,
    TONE,
    UNREPORTED,
    badge,
    bar_chart,
    clean_text,
    csp_hash,
    esc,
    grouped_chart,
    json_for_script,
    linkify,
    num,
    pct,
    tones,
)
from rbxl.riwayat.snapshot import load_tables
from rbxl.riwayat.trend import History, earlier_from, load_history
from rbxl.store import store_path

# --------------------------------------------------------------------------- sections


def table(caption: str, head: list[str], rows: list[list[str]], attrs: list[str] | None = None,
          ident: str = "", numeric: set[int] | None = None) -> str:
    """A table in its own horizontally scrolling box (cells are already escaped HTML)."""
    numeric = numeric or set()
    th = "".join(f'<th scope="col"{" class=n" if i in numeric else ""}>{h}</th>' for i, h in enumerate(head))
    labels = [html.escape(re.sub(r"<[^>]+>", "", html.unescape(h)), quote=True) for h in head]
    body = []
    for r, row in enumerate(rows):  # data-label: the column's name, shown beside the value on a phone
        cells = "".join((f"<th scope=row>{c}</th>" if i == 0 else
                         f'<td data-label="{labels[i]}"{" class=n" if i in numeric else ""}>{c}</td>')
                        for i, c in enumerate(row))
        body.append(f"<tr{attrs[r] if attrs else ''}>{cells}</tr>")
    idattr = f' id="{ident}"' if ident else ""
    return (f'<div class="scroll" role="region" aria-label="{esc(caption)}" tabindex="0"><table{idattr}>'
            f"<caption>{esc(caption)}</caption><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table></div>")


def _mean_text(a: AreaStatus, ex: Executive) -> str:
    if a.mean is None:
        return f"belum ada data (0 dari {num(a.total)} baris)"
    return f"{format_floor(a.mean, 1, (100.0, ex.expected))}% ({num(a.covered)} dari {num(a.total)} baris)"


def _change(a: AreaStatus, previous: str) -> str:
    if a.change is None:
        return ""
    arrow = "▲" if a.change > 0 else "▼" if a.change < 0 else "＝"
    return (f'<span class="chg{" turun" if a.change < 0 else ""}"><span aria-hidden="true">{arrow}</span> '
            f"{format_change(a.change)} poin dari {esc(previous)}</span>")


def section_sekilas(fig: PeriodFigures, ex: Executive) -> str:
    """The first screen: where things stand (status by the stated rule), which way they move, who is late."""
    prev = periode_label(fig.tahun, ex.previous).split(" ")[0:2] if ex.previous else []
    previous = " ".join(prev)
    o = ex.overall
    missing = ex.not_returned
    head = (f'<p class="lead">{badge(o.status)} Rata-rata progres <strong data-fig="sekilas-progres">'
            f"{_mean_text(o, ex)}</strong>; harapan {esc(periode_label(fig.tahun, fig.periode))}: "
            f"{num(ex.expected)}%. {_change(o, previous)}</p>"
            f'<p class="lead">Data dari <strong>{num(ex.units_returned)} dari {num(ex.units_expected)}</strong> unit '
            f"dipakai" + (f"; <strong>{num(len(missing))} unit belum ada data</strong>." if missing else
                         "; semua unit mengumpulkan berkas yang dapat dipakai.") + "</p>")
    areas = "".join(
        f'<li data-area="{esc(a.kode)}" data-status="{esc(a.status)}"><span class="nm">{esc(a.nama)}</span>'
        f'{badge(a.status)}<span class="sub">{_mean_text(a, ex)}</span>{_change(a, previous)}</li>'
        for a in ex.areas)
    people = "".join(
        f'<li data-unit="{esc(a.unit)}"><span class="nm">{esc(a.nama)}</span><span class="sub">'
        f'{esc("; ".join(a.reasons(ex.not_started_word, previous or "periode sebelumnya")))}</span></li>'
        for a in ex.attention)
    fell = ex.fell
    fell_text = ("Turun dari " + esc(previous) + ": " + "; ".join(
        f"{esc(a.nama)} {format_floor(a.before or 0, 1)}% → {format_floor(a.mean or 0, 1)}%" for a in fell) + "."
        if fell else (f"Tidak ada area yang turun dari {esc(previous)}." if previous else
                      "Belum ada periode sebelumnya tahun ini untuk dibandingkan."))
    return ('<h2 id="h-sekilas">Sekilas</h2>' + head
            + f'<h3>Perlu perhatian ({num(len(ex.attention))} unit)</h3>'
            + (f'<ul class="stack" id="perlu-perhatian">{people}</ul>' if people else "<p>Tidak ada.</p>")
            + f'<h3>Keadaan area</h3><p id="area-turun">{fell_text}</p><ul class="stack" id="keadaan-area">{areas}</ul>'
            + f"<details><summary>Aturan keadaan dan perhatian</summary><p>{esc(ex.rule)}</p><p>Unit perlu "
              "perhatian bila datanya tidak ada, dua periode berturut-turut tanpa data, progres suatu baris turun, "
              f"baris selesai dibuka kembali, atau baris masih {esc(ex.not_started_word)} pada semester kedua.</p>"
              "</details>")


def _progress_line(c: StatusCounts, done: str) -> str:
    return (f"{num(c.total)} baris PD utama · rata-rata progres {pct(c.mean_progress)} · "
            f"{num(c.by_status.get(done, 0))} selesai")


def section_ringkasan(fig: PeriodFigures) -> str:
    h = fig.headline
    ra = h.rencana_aksi
    cards = [("expected", "Unit pelapor", num(h.expected), ""),
             ("returned", "Sudah mengumpulkan", num(h.returned), f"datanya dipakai: {num(h.used)}"),
             ("not_returned", str(Collection.NOT_RETURNED), num(h.not_returned), ""),
             ("ra_total", "Rencana aksi (PD utama)", num(ra.total), f"{num(ra.by_status.get(fig.done_status, 0))} selesai"),
             ("mean_progress", "Rata-rata progres", pct(ra.mean_progress), "baris PD utama yang melapor"),
             ("indikator_met", "Indikator tercapai", num(h.indikator_by_state[TARGET_MET]),
              f"dari {num(h.indikator)} indikator")]
    dl = "".join(f'<div class="card"><dt>{label}</dt><dd><span class="big" data-fig="{key}">{value}</span>'
                 f'{f"<span class=sub>{note}</span>" if note else ""}</dd></div>'
                 for key, label, value, note in cards)
    states = [*fig.statuses, UNREPORTED]
    counts = {**ra.by_status, UNREPORTED: ra.unreported}
    tone_of = tones(fig)
    items = [(s, counts[s], num(counts[s]), tone_of.get(s, ("none", ""))[0]) for s in states]
    chart = bar_chart("g-status", "Jumlah baris rencana aksi PD utama menurut status pelaksanaan", items,
                      max(ra.total, 1))
    rows = [[badge(s, tone_of), num(counts[s])] for s in states]
    batas = f"batas {fig.batas_waktu:%d-%m-%Y}" if fig.batas_waktu else "tanpa batas waktu di master"
    kepatuhan = [[badge(s), num(h.kepatuhan.get(s, 0))] for s in KEPATUHAN_STATES]
    return (f'<h2 id="h-ringkasan">Ringkasan</h2><dl class="cards">{dl}</dl>'
            f'<h3>Status pelaksanaan rencana aksi</h3><div class="pair"><figure>{chart}<figcaption>Grafik: '
            "jumlah baris rencana aksi PD utama menurut status. Angkanya ada pada tabel.</figcaption></figure>"
            + table("Status pelaksanaan rencana aksi (baris PD utama)", ["Status", "Jumlah baris"], rows,
                    ident="tabel-status", numeric={1}) + "</div>"
            + f"<h3>Ketepatan pengumpulan</h3><p>Menurut waktu simpan di dalam berkas, terhadap {batas}.</p>"
            + table("Ketepatan pengumpulan (jumlah unit)", ["Keadaan", "Unit"], kepatuhan, ident="tabel-kepatuhan",
                    numeric={1}))


def section_area(fig: PeriodFigures) -> str:
    items = [(f"{a.kode} {a.nama}", a.rencana_aksi.mean_progress,
              pct(a.rencana_aksi.mean_progress) if a.rencana_aksi.mean_progress is not None else "tanpa data",
              "main") for a in fig.areas]
    chart = bar_chart("g-area", "Rata-rata progres rencana aksi PD utama per area perubahan (persen)", items, 100)
    rows = [[f'<a href="#h-a-{esc(a.kode)}">{esc(a.kode)} {esc(a.nama)}</a>', num(a.rencana_aksi.total), pct(a.rencana_aksi.mean_progress),
             num(a.rencana_aksi.by_status.get(fig.done_status, 0)), num(a.rencana_aksi.unreported),
             " / ".join(num(a.indikator_by_state[s]) for s in (TARGET_MET, TARGET_NOT_MET, NO_DATA))]
            for a in fig.areas]
    attrs = [f' data-area="{esc(a.kode)}"' for a in fig.areas]
    return ('<h2 id="h-area">Progres per area perubahan</h2>'
            f"<figure>{chart}<figcaption>Grafik: rata-rata progres (0–100%) baris rencana aksi "
            "yang dilaporkan PD utama, per area. Angkanya ada pada tabel; nama area menuju rinciannya."
            "</figcaption></figure>"
            + table("Progres per area perubahan",
                    ["Area", "Baris PD utama", "Rata-rata progres", esc(fig.done_status), UNREPORTED,
                     "Indikator: tercapai / belum / tanpa data"], rows, attrs, "tabel-area", {1, 2, 3, 4, 5}))


def section_indikator(fig: PeriodFigures) -> str:
    names = {u.unit: u.nama for u in fig.units}
    items = [(f"{r['kode']} {r['indikator']}", r["capaian"] if r["capaian"] != "" else None,
              f"{pct(r['capaian'])} {TONE[r['status_capaian']][1]}" if r["capaian"] != "" else "tanpa data",
              TONE[r["status_capaian"]][0]) for r in fig.indikator]
    chart = bar_chart("g-indikator", f"Capaian indikator kinerja terhadap target {fig.tahun} (persen)", items, 150,
                      target=100)
    rows = [[f"{esc(r['kode'])}<br>{esc(r['indikator'])}", esc(r["satuan"]), num(r["baseline"], 2),
             num(r["target"], 2), num(r["realisasi"], 2), pct(r["capaian"]), badge(r["status_capaian"]),
             esc(names.get(r["unit"], r["unit"])), esc(r["sumber_data"])] for r in fig.indikator]
    attrs = [f' data-kode="{esc(r["kode"])}"' for r in fig.indikator]
    keg = [[f"{esc(r['kode'])}<br>{esc(r['kegiatan'])}", esc(r["satuan"]), num(r["target"], 2),
            num(r["realisasi"], 2), pct(r["capaian"]), badge(r["status_capaian"]), esc(names.get(r["unit"], r["unit"]))]
           for r in fig.kegiatan]
    return (f'<h2 id="h-indikator">Indikator kinerja terhadap target {fig.tahun}</h2>'
            f"<figure>{chart}<figcaption>Grafik: capaian tiap indikator (realisasi terhadap target {fig.tahun}); "
            "✔ tercapai, ✖ belum tercapai; garis putus-putus = target (100%); batang dipotong pada 150%. "
            "Angkanya ada pada tabel di bawah."
            "</figcaption></figure>"
            + table(f"Indikator kinerja: target dan realisasi {fig.tahun}",
                    ["Indikator", "Satuan", "Baseline 2021", f"Target {fig.tahun}", "Realisasi", "Capaian",
                     "Status", "PD pelapor", "Sumber data"], rows, attrs, "tabel-indikator", {2, 3, 4, 5})
            + "<h3>Kegiatan prioritas</h3>"
            + table(f"Kegiatan prioritas: target dan realisasi {fig.tahun}",
                    ["Kegiatan", "Satuan", f"Target {fig.tahun}", "Realisasi", "Capaian", "Status", "SKPD pengampu"],
                    keg, ident="tabel-kegiatan", numeric={2, 3, 4}))


def section_unit(fig: PeriodFigures) -> str:
    states = list(dict.fromkeys(u.putusan for u in fig.units))
    options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in states)
    rows = [[f'<a href="#per-unit" data-pilih="{esc(u.unit)}">{esc(u.nama)}</a> <span class=kode>({esc(u.unit)})</span>',
             badge(u.putusan), badge(u.kepatuhan) if u.kepatuhan else "–", num(u.utama.total),
             pct(u.utama.mean_progress), num(u.utama.by_status.get(fig.done_status, 0)), num(u.n_pendukung),
             num(u.n_kesalahan), num(u.n_peringatan), esc(u.jenis)] for u in fig.units]
    attrs = [f' data-unit="{esc(u.unit)}" data-putusan="{esc(u.putusan)}" '
             f'data-cari="{esc((u.nama + " " + u.unit).lower())}"' for u in fig.units]
    return ('<h2 id="h-unit">Status pengumpulan per unit</h2>'
            '<div class="filter" role="search" aria-label="Saring daftar unit">'
            '<p><label for="cari-unit">Cari nama unit</label>'
            '<input id="cari-unit" type="search" autocomplete="off" placeholder="misal: kecamatan"></p>'
            '<p><label for="saring-status">Status pengumpulan</label>'
            f'<select id="saring-status"><option value="">Semua status</option>{options}</select></p></div>'
            f'<p id="jumlah-unit" role="status" aria-live="polite">{num(len(fig.units))} unit</p>'
            "<p>Nama unit menuju tampilan per unit: apa yang dipimpin, didukung, dan masih terbuka.</p>"
            + table("Status pengumpulan dan progres per unit",
                    ["Unit", "Status pengumpulan", "Ketepatan waktu", "Baris PD utama", "Rata-rata progres", esc(fig.done_status),
                     "Baris pendukung", "Kesalahan", "Peringatan", "Jenis"], rows, attrs, "tabel-unit",
                    {3, 4, 5, 6, 7, 8}))


def section_rincian(fig: PeriodFigures) -> str:
    names, tone_of = {u.unit: u.nama for u in fig.units}, tones(fig)
    out = ['<h2 id="h-rincian">Rencana aksi per area</h2>'
           "<p>Baris rencana aksi yang dilaporkan PD utama, dengan status, progres, output dan bukti dukung. "
           "Tautan bukti dukung hanya dibuat untuk alamat http/https.</p>"]
    for a in fig.areas:
        rows = [[esc(r["kode"]),
                 f'<span class="keg">{esc(r["kegiatan"])}</span><span class="aksi">{esc(r["aksi"])}</span>',
                 esc(names.get(r["unit"], r["unit"])), badge(r["status"], tone_of), pct(r["progres"]),
                 f'{esc(r["output"])}<span class="bukti">{linkify(r["bukti"])}</span>',
                 f'{esc(r["kendala"])}<span class="tl">{esc(r["tindak_lanjut"])}</span>']
                for r in fig.utama_rows(a.kode)]
        out.append(f'<section class="area" aria-labelledby="h-a-{esc(a.kode)}">'
                   f'<h3 id="h-a-{esc(a.kode)}">{esc(a.kode)} {esc(a.nama)}</h3>'
                   f"<p>{_progress_line(a.rencana_aksi, fig.done_status)}</p>"
                   + table(f"Rencana aksi area {a.kode} {a.nama}",
                           ["Kode", "Kegiatan dan rencana aksi", "PD utama", "Status", "Progres",
                            "Output dan bukti dukung", "Kendala dan tindak lanjut"], rows,
                           ident=f"tabel-ra-{a.kode}", numeric={4})
                   + "</section>")
    return "".join(out)


def unit_view_data(fig: PeriodFigures) -> dict:
    """What the per-unit view shows, as plain lists for the page script (which only lays them out)."""
    ra: dict[str, list[str]] = {}
    for r in fig.rencana_aksi:
        ra.setdefault(clean_text(r["kode"]), [clean_text(r["area_kode"]), clean_text(r["kegiatan"])])
    units = {}
    for u, rows in fig.rows_by_unit().items():
        f = fig.unit(u)
        units[u] = {"nama": clean_text(f.nama), "putusan": clean_text(f.putusan),
                    "ringkas": f"{_progress_line(f.utama, fig.done_status)} · {num(f.n_pendukung)} baris pendukung",
                    "utama": [[clean_text(r["kode"]), clean_text(r["status"]) or UNREPORTED, pct(r["progres"])]
                              for r in rows.utama],
                    "pendukung": [[clean_text(r["kode"]), clean_text(r["status"]) or UNREPORTED]
                                  for r in rows.pendukung],
                    "terbuka": [[clean_text(r["kode"]), clean_text(r["peran"]), clean_text(r["status"]) or UNREPORTED]
                                for r in rows.terbuka]}
    return {"ra": ra, "units": units, "tone": {k: list(v) for k, v in tones(fig).items()}}


def section_per_unit(fig: PeriodFigures) -> str:
    options = "".join(f'<option value="{esc(u.unit)}">{esc(u.nama)}</option>' for u in fig.units)
    return ('<h2 id="h-per-unit">Per unit: yang dipimpin, didukung, dan masih terbuka</h2>'
            '<p><label for="pilih-unit">Pilih unit</label>'
            f'<select id="pilih-unit">{options}</select></p>'
            '<noscript><p>Tampilan per unit memerlukan JavaScript. Baris yang dipimpin setiap unit juga ada '
            "pada bagian Rencana aksi per area.</p></noscript>"
            '<div id="rincian-unit"></div>')


def _capaian_text(value: float | None, status: str) -> str:
    return "tanpa data" if value is None else f"{pct(value)} {TONE[status][1]}"


def _chart_and_table(title: str, chart: str, caption: str, data_table: str) -> str:
    return (f'<h3>{title}</h3><div class="pair"><figure>{chart}<figcaption>{caption}</figcaption></figure>'
            f"{data_table}</div>")


def section_tren(trend: History) -> str:
    """The year so far from the riwayat store, laid out from rbxl.riwayat.trend (no figure of its own):
    Pemda and area progress per period, punctuality per period, and each indicator's latest
    realisation of each year against that year's target."""
    mark = [" *" if p.master_changed else "" for p in trend.periods]
    short = [p.periode + m for p, m in zip(trend.periods, mark, strict=True)]  # beside the bars
    heads = [esc(p.label + m) for p, m in zip(trend.periods, mark, strict=True)]  # table columns
    cols = set(range(1, len(heads) + 1))

    series = [("Pemda (semua area)", trend.mean_progress), *((f"{a.kode} {a.nama}", a.progres) for a in trend.areas)]
    progress = grouped_chart(
        "g-tren-progres", f"Rata-rata progres rencana aksi PD utama per periode {trend.tahun} (persen)",
        [(name, [(s, v, pct(v) if v is not None else "tanpa data", "main") for s, v in zip(short, values, strict=True)])
         for name, values in series], 100, sub_w=80)
    progress_rows = [[esc(name), *(pct(v) for v in values)] for name, values in series]
    progress_attrs = [' data-area=""', *(f' data-area="{esc(a.kode)}"' for a in trend.areas)]

    punct = grouped_chart(
        "g-tren-ketepatan", f"Ketepatan pengumpulan per periode {trend.tahun} (jumlah unit)",
        [(f"{TONE[k][1]} {k}", [(s, n, num(n), TONE[k][0]) for s, n in zip(short, counts, strict=True)])
         for k, counts in trend.punctuality.items()], max(len(trend.units), 1), sub_w=80)
    punct_rows = [[badge(k), *(num(n) for n in counts)] for k, counts in trend.punctuality.items()]

    years = [y for y in trend.years if y <= trend.tahun]
    indicators = grouped_chart(
        "g-tren-indikator", f"Capaian indikator kinerja terhadap target setiap tahun sampai {trend.tahun} (persen)",
        [(f"{i.kode} {i.nama}",
          [(str(y), i.capaian[y], _capaian_text(i.capaian[y], i.status[y]), TONE[i.status[y]][0])
           for y in years if y in i.realisasi] or [("", None, "tanpa data", "none")])
         for i in trend.indikator], 150, target=100, sub_w=80)
    ind_head = ["Indikator", "Satuan", *(h for y in years for h in (f"Target {y}", f"Realisasi {y}", f"Capaian {y}"))]
    ind_rows = [[f"{esc(i.kode)}<br>{esc(i.nama)}", esc(i.satuan),
                 *(cell for y in years for cell in (
                     num(i.target_value.get(y), 2),
                     num(i.realisasi.get(y), 2)
                     + (f' <span class="kode">({esc(i.sumber[y])})</span>' if y in i.sumber else ""),
                     (f"{pct(i.capaian[y])} " if i.capaian.get(y) is not None else "") + badge(i.status[y])))]
                for i in trend.indikator]
    ind_attrs = [f' data-kode="{esc(i.kode)}"' for i in trend.indikator]

    changed = any(mark)
    return (f'<h2 id="h-tren">Tren {trend.tahun}: antarperiode dan antartahun</h2>'
            f"<p>Dari riwayat monitoring: setiap periode {trend.tahun} yang sudah direkap, sampai "
            "periode ini."
            + (" * = direkap dengan versi master yang berbeda dari periode sebelumnya." if changed else "") + "</p>"
            + _chart_and_table(
                "Rata-rata progres per periode", progress,
                "Grafik: rata-rata progres (0–100%) baris rencana aksi yang dilaporkan PD utama, untuk Pemda "
                "dan setiap area, pada setiap periode. Angkanya ada pada tabel.",
                table(f"Rata-rata progres per periode {trend.tahun} (baris PD utama)", ["Pemda / area", *heads],
                      progress_rows, progress_attrs, "tabel-tren-progres", cols))
            + _chart_and_table(
                "Ketepatan pengumpulan per periode", punct,
                "Grafik: jumlah unit menurut ketepatan pengumpulan pada setiap periode. Angkanya ada pada tabel.",
                table(f"Ketepatan pengumpulan per periode {trend.tahun} (jumlah unit)", ["Keadaan", *heads],
                      punct_rows, ident="tabel-tren-ketepatan", numeric=cols))
            + _chart_and_table(
                "Indikator terhadap target setiap tahun", indicators,
                "Grafik: capaian tiap indikator dari realisasi terakhir yang dilaporkan setiap tahun terhadap "
                "target tahun itu; ✔ tercapai, ✖ belum tercapai; garis putus-putus = target (100%); batang "
                "dipotong pada 150%. Angkanya ada pada tabel; periode asal realisasi ditulis dalam kurung.",
                table(f"Indikator kinerja: target, realisasi dan capaian setiap tahun sampai {trend.tahun}",
                      ind_head, ind_rows, ind_attrs, "tabel-tren-indikator", set(range(2, len(ind_head))))))


# The page's sections in order; the trend (section_tren) joins after the indicators when the
# riwayat store has periods of the year.
SECTIONS: list[tuple[str, str, Callable[[PeriodFigures], str]]] = [
    ("ringkasan", "Ringkasan", section_ringkasan),
    ("area", "Progres per area", section_area),
    ("indikator", "Indikator", section_indikator),
    ("unit", "Status unit", section_unit),
    ("rincian", "Rencana aksi per area", section_rincian),
    ("per-unit", "Per unit", section_per_unit),
]

_HERE = Path(__file__).parent
PAGE = Template((_HERE / "dasbor.html").read_text(encoding="utf-8"))
STYLE = Template((_HERE / "dasbor.css").read_text(encoding="utf-8")).substitute(
    {f"{k}_{part}": v[i] for k, v in PALETTE.items() for i, part in enumerate(("fg", "bg"))})
SCRIPT = (_HERE / "dasbor.js").read_text(encoding="utf-8")


# Sections whose detail waits behind a disclosure (<details>): the heading stays, the rest opens on a tap.
FOLDED = {"indikator", "tren", "unit", "rincian", "per-unit"}


def _fold(ident: str, html_text: str) -> str:
    if ident not in FOLDED:
        return html_text
    head, _, rest = html_text.partition("</h2>")
    return f'{head}</h2><details class="more" id="d-{ident}"><summary>Tampilkan rincian</summary>{rest}</details>'


def render(fig: PeriodFigures, generated: dt.datetime | None = None, trend: History | None = None) -> str:
    """The whole page as one HTML string; with the year's `trend` (rbxl.riwayat.trend), its section too."""
    generated = generated or dt.datetime.now()
    label = periode_label(fig.tahun, fig.periode)
    ex = executive(fig, earlier_from(trend, fig.periode) if trend is not None and trend.periods else None)
    sections = [("sekilas", "Sekilas", lambda _: section_sekilas(fig, ex)), *SECTIONS]
    if trend is not None and trend.periods:
        at = next(i for i, (ident, _, _) in enumerate(sections) if ident == "indikator") + 1
        sections.insert(at, ("tren", "Tren", lambda _: section_tren(trend)))
    if fig.instrumen:  # issue 21: instruments answered this period
        sections.append(("instrumen", "Instrumen", lambda f: section_instrumen(f, table, esc, num)))
    nav = "".join(f'<li><a href="#{ident}">{title}</a></li>' for ident, title, _ in sections)
    body = "".join(f'<section id="{ident}" aria-labelledby="h-{ident}">{_fold(ident, render_(fig))}</section>'
                   for ident, _, render_ in sections)
    csp = (f"default-src 'none'; style-src {csp_hash(STYLE)}; script-src {csp_hash(SCRIPT)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    return PAGE.substitute(
        csp=csp, title=esc(f"Dasbor RB Kabupaten Blora – {label}"), style=STYLE, script=SCRIPT, label=esc(label),
        generated=generated.strftime("%d-%m-%Y %H:%M"), nav=nav, body=body,
        data=json_for_script(unit_view_data(fig)))


def write_dasbor(fig: PeriodFigures, target: str | Path, trend: History | None = None) -> Path:
    return write_text(target, render(fig, trend=trend))


def write_period_dasbor(tables: Tables, roadmap: Roadmap, out: str | Path, trend: History | None = None) -> Path:
    """Write <out>/<tahun>-<periode>/dasbor-<tahun>-<periode>.html for consolidated tables (with
    the year's trend from the riwayat store when there is one)."""
    return write_dasbor(figures(tables, roadmap), dasbor_path(out, tables.tahun, tables.periode), trend)


def write_saved_dasbor(roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                       db: str | Path | None = None) -> Path:
    """The page of a period consolidated earlier (from its saved rekap), e.g. after a master fix;
    its trend up to that period comes from the riwayat store (`db`, $RBXL_DB or <out>/rbxl.sqlite),
    and is left out when there is no store."""
    trend = load_history(store_path(db, out), roadmap, tahun, upto=periode)
    return write_period_dasbor(load_tables(out, tahun, periode), roadmap, out, trend)
