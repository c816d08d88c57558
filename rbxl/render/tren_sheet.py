"""The Tren (and, for TAHUNAN, Tahunan) sheets of the monitoring workbook, laid out from rbxl.riwayat.trend.

Earlier periods come from the riwayat store and are written as values; this period's column
is a formula over the Rencana Aksi sheet (AVERAGEIFS, as on Ringkasan) and every change and
count is a formula, each with the cached value the trend view computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rbxl.consolidation.figures import KEPATUHAN_STATES as PUNCTUALITY
from rbxl.consolidation.figures import LATE, ON_TIME, TIME_UNKNOWN
from rbxl.consolidation.tables import NOT_RETURNED, REJECTED_FILE
from rbxl.core.enums import Period
from rbxl.core.formulas import capaian_formula, capaian_value
from rbxl.core.xlsx import A4
from rbxl.form.spec import list_name
from rbxl.master.model import Roadmap
from rbxl.master.schema import BASELINE_YEAR, RIWAYAT_YEARS
from rbxl.riwayat.trend import History, target_value

SHEET = "Tren"
YEAR_SHEET = Period.TAHUNAN.label
MASTER_MARK = " *"


def _cell(r: int, c: int, absolute: bool = False) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(r, c, row_abs=absolute, col_abs=absolute)


def _num(ws, r: int, c: int, v, fmt) -> None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    elif v not in (None, ""):
        ws.write_string(r, c, str(v), fmt)


def _change(ws, r: int, c_prev: int, c_cur: int, c: int, prev, cur, fmt) -> None:
    a, b = _cell(r, c_prev), _cell(r, c_cur)
    cached = cur - prev if isinstance(prev, float) and isinstance(cur, float) else ""
    ws.write_formula(r, c, f'=IF(AND(ISNUMBER({a}),ISNUMBER({b})),{b}-{a},"")', fmt, cached)


@dataclass
class _Tren:
    """What every block of the Tren sheet needs: the sheet, formats, the trend and its period columns."""

    wb: Any
    ws: Any
    F: dict
    trend: History
    labels: list[str]
    live: bool  # this period's column can be a formula over the Rencana Aksi sheet
    ra_rng: Callable[[str], str]

    @property
    def n(self) -> int:
        return len(self.labels)


def write_tren(wb, F: dict, trend: History, roadmap: Roadmap, periode: str, ra_rng: Callable[[str], str],
               lists: dict[str, list[str]]) -> None:
    """Add the Tren sheet; `ra_rng(column key)` is a range of the Rencana Aksi sheet."""
    ws = wb.add_worksheet(SHEET)
    n = len(trend.periods)
    labels = [p.periode + (MASTER_MARK if p.master_changed else "") for p in trend.periods]
    t = _Tren(wb, ws, F, trend, labels, n > 0 and trend.periods[-1].periode == periode, ra_rng)
    # wide enough for the longest unit code and name, and 'Belum mengumpulkan' in a period column,
    # so none is cut or runs into the next column when printed
    units = roadmap.units.values()
    ws.set_column(0, 0, max([16, *(len(u.kode) * 1.15 + 3 for u in units)]))
    ws.set_column(1, 1, min(64, max([36, *(len(u.nama) * 1.05 + 2 for u in units)])))
    ws.set_column(2, 1 + n, 21)  # period columns also hold the punctuality states ('Belum mengumpulkan')
    ws.set_column(2 + n, 2 + n + 14, 10)
    ws.write_string(0, 0, f"TREN {trend.tahun}: PROGRES, KETEPATAN PENGUMPULAN DAN INDIKATOR", F["title"])
    ws.write_string(1, 0, "Periode lalu diambil dari berkas riwayat (rbxl.sqlite); kolom periode ini dihitung rumus "
                          "dari sheet Rencana Aksi. Perubahan = periode terakhir dikurangi periode sebelumnya."
                    + (" * = direkap dengan versi master yang berbeda dari periode sebelumnya."
                       if any(p.master_changed for p in trend.periods) else ""))
    top = 3
    area_last = _areas(t, top)
    unit_last = _units(t, max(area_last + 3, top + 18))
    count_top, count_last = _punctuality(t, unit_last + 3)
    ind_last = _indicators(t, max(count_last + 3, count_top + 17), roadmap, lists)
    _perbup_history(t, ind_last + 3, roadmap)
    ws.freeze_panes(0, 2)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)


def _areas(t: _Tren, top: int) -> int:
    """Progress per area, with this period live and a line chart; returns the last row."""
    ws, F, n, trend, ra_rng = t.ws, t.F, t.n, t.trend, t.ra_rng
    ws.write_string(top, 0, "Progres rata-rata per area perubahan (baris PD utama, %)", F["bold"])
    head = top + 1
    for c, h in enumerate(["Kode", "Area Perubahan", *t.labels, "Perubahan"]):
        ws.write_string(head, c, h, F["head"])
    rows: list[tuple[str, str, list[float | None], tuple[str, str] | None]] = [
        (a.kode, a.nama, a.progres, ("area_kode", a.kode)) for a in trend.areas]
    rows.append(("Pemda", "Semua area", trend.mean_progress, None))
    for i, (kode, nama, series, crit) in enumerate(rows):
        r = head + 1 + i
        ws.write_string(r, 0, kode)
        ws.write_string(r, 1, nama)
        for j, v in enumerate(series):
            if t.live and j == n - 1:
                by = f"{ra_rng(crit[0])},{_cell(r, 0)}," if crit else ""
                ws.write_formula(r, 2 + j, f'=IFERROR(AVERAGEIFS({ra_rng("progres")},{by}{ra_rng("peran")},"Utama"),"")',
                                 F["num"], "" if v is None else v)
            else:
                _num(ws, r, 2 + j, v, F["num"])
        if n >= 2:
            _change(ws, r, n, n + 1, n + 2, series[-2], series[-1], F["num"])
    area_last = head + len(rows)
    if n >= 2:
        ws.conditional_format(head + 1, n + 2, area_last, n + 2,
                              {"type": "cell", "criteria": "<", "value": 0, "format": F["red"]})
    if n >= 2:  # a trend needs two points; one period's figures are on Ringkasan already
        chart = t.wb.add_chart({"type": "line"})
        for i in range(len(rows)):
            r = head + 1 + i
            chart.add_series({"name": [SHEET, r, 1], "categories": [SHEET, head, 2, head, 1 + n],
                              "values": [SHEET, r, 2, r, 1 + n], "marker": {"type": "circle"}})
        chart.set_title({"name": f"Progres per area, {trend.tahun} (%)"})
        chart.set_y_axis({"min": 0, "max": 100})
        chart.set_legend({"position": "right"})
        chart.set_size({"width": 640, "height": 320})
        ws.insert_chart(top, n + 5, chart)
    return area_last


def _units(t: _Tren, top: int) -> int:
    """Progress per unit (units that reported at least once); returns the last row."""
    ws, F, n, ra_rng = t.ws, t.F, t.n, t.ra_rng
    ws.write_string(top, 0, "Progres rata-rata per unit (baris PD utama, %); perubahan negatif = unit mundur",
                    F["bold"])
    head = top + 1
    for c, h in enumerate(["Unit", "Nama Unit", *t.labels, "Perubahan"]):
        ws.write_string(head, c, h, F["head"])
    led = [u for u in t.trend.units if any(v is not None for v in u.progres)] or t.trend.units
    for i, u in enumerate(led):
        r = head + 1 + i
        ws.write_string(r, 0, u.unit)
        ws.write_string(r, 1, u.nama)
        for j, v in enumerate(u.progres):
            if t.live and j == n - 1:
                ws.write_formula(r, 2 + j, f'=IFERROR(AVERAGEIFS({ra_rng("progres")},{ra_rng("unit")},{_cell(r, 0)},'
                                           f'{ra_rng("peran")},"Utama"),"")', F["num"], "" if v is None else v)
            else:
                _num(ws, r, 2 + j, v, F["num"])
        if n >= 2:
            _change(ws, r, n, n + 1, n + 2, u.progres[-2], u.progres[-1], F["num"])
    unit_last = head + len(led)
    if n >= 2 and led:
        ws.conditional_format(head + 1, n + 2, unit_last, n + 2,
                              {"type": "cell", "criteria": "<", "value": 0, "format": F["red"]})
    return unit_last


def _punctuality(t: _Tren, top: int) -> tuple[int, int]:
    """Punctuality per unit, the count per state (COUNTIF) and its chart; returns (count top, last row)."""
    ws, F, n, trend = t.ws, t.F, t.n, t.trend
    ws.write_string(top, 0, "Ketepatan pengumpulan per unit (waktu simpan di dalam berkas terhadap batas waktu di "
                            "sheet Jadwal master)",
                    F["bold"])
    head = top + 1
    for c, h in enumerate(["Unit", "Nama Unit", *t.labels]):
        ws.write_string(head, c, h, F["head"])
    for i, u in enumerate(trend.units):
        r = head + 1 + i
        ws.write_string(r, 0, u.unit)
        ws.write_string(r, 1, u.nama)
        for j, s in enumerate(u.ketepatan):
            if s:
                ws.write_string(r, 2 + j, s)
    p_first, p_last = head + 1, head + len(trend.units)
    if trend.units and n:
        for text, color in ((ON_TIME, "green"), (LATE, "yellow"), (REJECTED_FILE, "red"), (NOT_RETURNED, "grey")):
            ws.conditional_format(p_first, 2, p_last, 1 + n, {"type": "cell", "criteria": "==",
                                                              "value": f'"{text}"', "format": F[color]})
    top = p_last + 2
    ws.write_string(top, 0, "Jumlah unit per keadaan", F["bold"])
    head = top + 1
    for c, h in enumerate(["Keadaan", "", *t.labels]):
        ws.write_string(head, c, h, F["head"])
    states = [s for s in PUNCTUALITY if s != TIME_UNKNOWN or any(trend.punctuality[s])]
    for i, s in enumerate(states):
        r = head + 1 + i
        ws.write_string(r, 0, s)
        for j in range(n):
            col = _cell(p_first, 2 + j, True) + ":" + _cell(max(p_last, p_first), 2 + j, True)
            ws.write_formula(r, 2 + j, f"=COUNTIF({col},{_cell(r, 0, True)})", F["int"], trend.punctuality[s][j])
    count_last = head + len(states)
    if n >= 2:
        chart = t.wb.add_chart({"type": "column", "subtype": "stacked"})
        colors = ["#70AD47", "#FFC000", "#FF6F61", "#A5A5A5", "#5B9BD5"]
        for i in range(len(states)):
            r = head + 1 + i
            chart.add_series({"name": [SHEET, r, 0], "categories": [SHEET, head, 2, head, 1 + n],
                              "values": [SHEET, r, 2, r, 1 + n], "fill": {"color": colors[i % len(colors)]}})
        chart.set_title({"name": "Ketepatan pengumpulan per periode (unit)"})
        chart.set_y_axis({"min": 0})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 300})
        ws.insert_chart(top, n + 5, chart)
    return top, count_last


def _indicators(t: _Tren, top: int, roadmap: Roadmap, lists: dict[str, list[str]]) -> int:
    """Indicators across the years: the Perbup's history, baseline, realisation and target, capaian; last row."""
    ws, F, trend = t.ws, t.F, t.trend
    years = trend.years
    ws.write_string(top, 0, f"Indikator: riwayat Perbup (Tabel 2.x), baseline {BASELINE_YEAR}, realisasi tiap tahun "
                            f"(periode terakhir yang dilaporkan) dan target {years[0]}-{years[-1]}", F["bold"])
    head = top + 1
    cols = (["Kode", "Indikator", "Satuan", *[f"Riwayat {y}" for y in RIWAYAT_YEARS], f"Baseline {BASELINE_YEAR}"]
            + [f"Realisasi {y}" for y in years] + [f"Target {y}" for y in years] + [f"Capaian {trend.tahun} (%)"])
    for c, h in enumerate(cols):
        ws.write_string(head, c, h, F["head"])
    ws.set_row(head, 30)
    by_code = {i.kode: i for i in roadmap.indikator}
    c_real = 3 + len(RIWAYAT_YEARS) + 1
    c_target = c_real + len(years)
    y_at = years.index(trend.tahun) if trend.tahun in years else None
    for i, ser in enumerate(trend.indikator):
        r = head + 1 + i
        ind = by_code[ser.kode]
        ws.write_string(r, 0, ser.kode)
        ws.write_string(r, 1, ser.nama)
        ws.write_string(r, 2, ser.satuan or "")
        for j, y in enumerate(RIWAYAT_YEARS):
            _num(ws, r, 3 + j, ser.riwayat.get(y), F["wrap"])
        _num(ws, r, 3 + len(RIWAYAT_YEARS), ser.baseline, F["wrap"])
        for j, y in enumerate(years):
            real = ser.realisasi.get(y)
            _num(ws, r, c_real + j, real, F["wrap"])
            _num(ws, r, c_target + j, target_value(ind, y), F["wrap"])
        if y_at is not None:
            t_cell, r_cell = _cell(r, c_target + y_at), _cell(r, c_real + y_at)
            daftar = ind.daftar_kategori if ind.is_kategori and ind.daftar_kategori in lists else ""
            formula = capaian_formula(t_cell, r_cell, ind.arah, list_name(daftar) if daftar else "")
            cached = capaian_value(target_value(ind, trend.tahun), ser.realisasi.get(trend.tahun, ""), ind.arah,
                                   lists.get(daftar) if daftar else None)
            ws.write_formula(r, c_target + len(years), formula, F["num"], cached)
    return head + len(trend.indikator)


def _perbup_history(t: _Tren, top: int, roadmap: Roadmap) -> None:
    """The Perbup's history tables (sheet Riwayat of the master), as values."""
    ws, F = t.ws, t.F
    ws.write_string(top, 0, "Riwayat Perbup (sheet Riwayat master, Tabel 2.2-2.9)", F["bold"])
    head = top + 1
    for c, h in enumerate(["Kode", "Indikator", "Area", *[str(y) for y in RIWAYAT_YEARS]]):
        ws.write_string(head, c, h, F["head"])
    for i, rec in enumerate(roadmap.riwayat):
        r = head + 1 + i
        ws.write_string(r, 0, str(rec.get("kode") or ""))
        ws.write_string(r, 1, str(rec.get("indikator") or ""))
        ws.write_string(r, 2, str(rec.get("area_kode") or ""))
        for j, y in enumerate(RIWAYAT_YEARS):
            _num(ws, r, 3 + j, rec.get(f"nilai_{y}"), F["wrap"])


def write_tahunan(wb, F: dict, trend: History, roadmap: Roadmap) -> None:
    """The year's picture (TAHUNAN): each PD utama row with every period's progress side by side
    and its final status, and how many rows ended in each status."""
    ws = wb.add_worksheet(YEAR_SHEET)
    n = len(trend.periods)
    labels = [p.periode + (MASTER_MARK if p.master_changed else "") for p in trend.periods]
    ws.write_string(0, 0, f"GAMBARAN TAHUN {trend.tahun}: PROGRES SETIAP PERIODE DAN STATUS AKHIR TAHUN", F["title"])
    ws.write_string(1, 0, "Status akhir = status terakhir yang dilaporkan tahun ini. Indikator terhadap target tahun "
                          "ini: lihat sheet Tren.")
    statuses = roadmap.statuses()
    head = 3 + len(statuses) + 2
    first, last = head + 1, head + len(trend.rows)
    status_col = 3 + n
    ws.write_string(3, 0, "Status akhir", F["head"])
    ws.write_string(3, 1, "Baris", F["head"])
    rng = f"{_cell(first, status_col, True)}:{_cell(max(first, last), status_col, True)}"
    for i, s in enumerate(statuses):
        ws.write_string(4 + i, 0, s)
        ws.write_formula(4 + i, 1, f"=COUNTIF({rng},{_cell(4 + i, 0, True)})", F["int"],
                         sum(r.final_status == s for r in trend.rows))
    for c, h in enumerate(["Kode", "Unit (PD utama)", "Area", *[f"Progres {x}" for x in labels], "Status akhir"]):
        ws.write_string(head, c, h, F["head"])
    ws.set_column(0, 2, 14)
    ws.set_column(3, 3 + n, 12)
    for i, row in enumerate(trend.rows):
        r = first + i
        ws.write_string(r, 0, row.kode)
        ws.write_string(r, 1, row.unit)
        ws.write_string(r, 2, row.area_kode)
        for j, v in enumerate(row.progres):
            _num(ws, r, 3 + j, v, F["num"])
        if row.final_status:
            ws.write_string(r, status_col, row.final_status)
    ws.freeze_panes(first, 2)
    if trend.rows:
        ws.autofilter(head, 0, last, status_col)
