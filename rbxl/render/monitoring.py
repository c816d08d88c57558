"""The Pemda-wide monitoring workbook and the tidy CSV export.

Summary figures are formulas over the data sheets (COUNTIFS, AVERAGEIFS, COUNTIF, SUM), so a
corrected value updates the summary and the charts; each formula carries the value Python
computed from the same data, so viewers and LibreOffice show the right numbers at once.
Values from units are always written as values, never as formulas or links.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from rbxl.consolidation.columns import (
    BERKAS_COLS,
    IDENTITAS_COLS,
    IND_COLS,
    KEG_COLS,
    RA_COLS,
    STATUS_COUNT,
    TEMUAN_COLS,
    TIDY_TABLES,
    UNIT_COLS,
    Col,
)
from rbxl.consolidation.executive import Executive, executive
from rbxl.consolidation.figures import PeriodFigures, UnitFigure
from rbxl.consolidation.figures import figures as compute_figures
from rbxl.consolidation.tables import NO_DATA, TARGET_MET, TARGET_NOT_MET, Tables
from rbxl.core.atomic import atomic_path, write_text
from rbxl.core.enums import (
    NO,
    STATUS_ORDER,
    YES,
    Collection,
    Period,
    Role,
    StatusRole,
    Verdict,
    yes_no,
)
from rbxl.core.findings import ERROR, WARNING
from rbxl.core.formulas import capaian_formula, capaian_value
from rbxl.core.text import csv_safe
from rbxl.core.xlsx import A4, cell_name, column_ref, header_format, print_a4
from rbxl.form.spec import PERIODE_LABEL, list_name
from rbxl.master.model import UNIT_GROUPS, Roadmap
from rbxl.master.schema import STATUS_LISTS
from rbxl.render.instrumen_sheet import write_instrument_sheets
from rbxl.render.ringkasan import (
    area_comparison,
    capaian_chart,
    chart_text,
    comparison_line,
    percent_labels,
    status_chart,
    wrapped,
)
from rbxl.riwayat.trend import earlier_from
from rbxl.template.write import WB_OPTIONS, fit_height, write_list_sheet

# Status names are the master's; their meaning (and so their colour and count column) is fixed.
ROLE_COLOR = {StatusRole.DONE: "green", StatusRole.IN_PROGRESS: "yellow", StatusRole.NOT_STARTED: "red",
              StatusRole.CANNOT: "grey"}
LEAD, SUPPORT = Role.LEAD.value, Role.SUPPORT.value


class _Data:
    """A data sheet: where each column lives, for building range references."""

    def __init__(self, name: str, cols: list[Col], n: int):
        self.name, self.cols, self.n = name, cols, n
        self.index = {c.key: i for i, c in enumerate(cols)}

    def rng(self, key: str) -> str:
        """The whole data column on its sheet (at least one row, so formulas stay valid)."""
        return column_ref(self.name, self.index[key], 1, max(self.n, 1))

    def cell(self, key: str, i: int) -> str:
        """The cell of data row i (0-based) in this sheet."""
        return cell_name(i + 1, self.index[key])


def write_monitoring(tables: Tables, roadmap: Roadmap, path: Path, trend=None) -> Path:
    """Write the monitoring workbook to `path` atomically; returns `path`. With `trend`
    (rbxl.riwayat.trend.History) it also has the Tren sheet (and, for TAHUNAN, the Tahunan sheet)."""
    import xlsxwriter

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WB_OPTIONS)
        F = _formats(wb)
        wb.set_properties({"title": f"Monitoring Road Map RB {PERIODE_LABEL[tables.periode]} {tables.tahun}",
                           "author": "rbxl", "company": roadmap.settings.get("nama_pemda", "")})
        summary = wb.add_worksheet("Ringkasan")
        ind = _Data("Indikator", IND_COLS, len(tables.indikator))
        keg = _Data("Kegiatan Prioritas", KEG_COLS, len(tables.kegiatan))
        ra = _Data("Rencana Aksi", RA_COLS, len(tables.rencana_aksi))
        # the Indikator sheet in the master's order (Tabel 3.4 first), so the chart reads like the Perbup
        order = {i.kode: n for n, i in enumerate(roadmap.indikator)}
        ra_order = {r.kode: n for n, r in enumerate(roadmap.rencana_aksi)}
        _indicator_sheet(wb, F, ind, sorted(tables.indikator, key=lambda r: order.get(r["kode"], len(order))),
                         tables)
        _indicator_sheet(wb, F, keg, tables.kegiatan, tables)
        _table_sheet(wb, F, ra, tables.rencana_aksi,
                     {roadmap.status_named(role): ROLE_COLOR[role] for role in STATUS_ORDER})
        _matrix(wb, F, tables, ra_order, roadmap)
        fig = compute_figures(tables, roadmap)  # every cached value below comes from this view
        unit_data, unit_order = _per_unit(wb, F, tables, ra, roadmap, fig)
        if trend is not None and trend.periods:
            from rbxl.render.tren_sheet import write_tahunan, write_tren

            write_tren(wb, F, trend, roadmap, tables.periode, ra.rng, tables.lists)
            if tables.periode == "TAHUNAN":
                write_tahunan(wb, F, trend, roadmap)
        write_instrument_sheets(wb, F, tables, roadmap, _value, _fmt)  # issue 21: a sheet pair per instrument
        _table_sheet(wb, F, _Data("Pengumpulan", BERKAS_COLS, len(tables.berkas)), tables.berkas)
        _table_sheet(wb, F, _Data("Pengisi", IDENTITAS_COLS, len(tables.identitas)), tables.identitas)
        temuan = _Data("Temuan", TEMUAN_COLS, len(tables.temuan))
        _table_sheet(wb, F, temuan, tables.temuan)
        write_list_sheet(wb, dict(sorted(tables.lists.items())))
        earlier = earlier_from(trend, tables.periode) if trend is not None and trend.periods else None
        _summary(wb, summary, F, tables, roadmap, ind, ra, unit_data, unit_order, fig, keg, executive(fig, earlier))
        summary.activate()
        wb.close()
    return path


def _formats(wb) -> dict:
    return {
        "head": header_format(wb, valign="vcenter", align="center"),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "num": wb.add_format({"num_format": "0.0", "valign": "top"}),
        "int": wb.add_format({"num_format": "0", "valign": "top"}),
        "green": wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        "yellow": wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        "red": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "grey": wb.add_format({"bg_color": "#EDEDED", "font_color": "#595959"}),
        "cache": {},
        "wb": wb,
    }


def _fmt(F: dict, num_format: str):
    if not num_format:
        return F["wrap"]
    if num_format not in F["cache"]:
        F["cache"][num_format] = F["wb"].add_format({"num_format": num_format, "valign": "top"})
    return F["cache"][num_format]


def _value(ws, r: int, c: int, v, fmt) -> None:
    if v is None or v == "":
        return
    if isinstance(v, bool):
        ws.write_string(r, c, yes_no(v), fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    elif hasattr(v, "isoformat"):
        ws.write_string(r, c, v.isoformat(), fmt)
    else:
        ws.write_string(r, c, str(v), fmt)  # never a formula, never a link


def _setup(ws, data: _Data, F: dict, freeze_cols: int = 1) -> None:
    for c, col in enumerate(data.cols):
        ws.write_string(0, c, col.header, F["head"])
        ws.set_column(c, c, col.width)
    # bold headers wrap wider than body text: fit them with a tenth of the width to spare
    ws.set_row(0, max(32, fit_height((col.header, col.width * 0.9) for col in data.cols)))
    ws.freeze_panes(1, freeze_cols)
    ws.autofilter(0, 0, max(data.n, 1), len(data.cols) - 1)
    print_a4(ws, repeat_row=0, footer_left=data.name)


def _table_sheet(wb, F, data: _Data, rows: list[dict], status_colors: dict[str, str] | None = None) -> None:
    ws = wb.add_worksheet(data.name)
    _setup(ws, data, F, 2)
    for i, row in enumerate(rows, start=1):
        for c, col in enumerate(data.cols):
            _value(ws, i, c, row.get(col.key), _fmt(F, col.num_format))
        ws.set_row(i, fit_height((row.get(col.key), col.width) for col in data.cols))
    if status_colors and rows:
        c = data.index["status"]
        _traffic(ws, F, 1, c, len(rows), c, status_colors)
        c = data.index["pengumpulan"]
        _traffic(ws, F, 1, c, len(rows), c, {Collection.NOT_RETURNED: "grey", Collection.REJECTED_FILE: "red"})


def _traffic(ws, F, r1, c1, r2, c2, mapping: dict[str, str]) -> None:
    for text, color in mapping.items():
        ws.conditional_format(r1, c1, r2, c2, {"type": "cell", "criteria": "==", "value": f'"{text}"',
                                               "format": F[color]})


def _indicator_sheet(wb, F, data: _Data, rows: list[dict], tables: Tables) -> None:
    ws = wb.add_worksheet(data.name)
    _setup(ws, data, F, 2)
    for i, row in enumerate(rows):
        r = i + 1
        for c, col in enumerate(data.cols):
            if col.key == "capaian":
                daftar = row.get("daftar", "")
                formula = capaian_formula(data.cell("target", i), data.cell("realisasi", i), row.get("arah", "naik"),
                                          list_name(daftar) if daftar else "")
                cached = capaian_value(row["target"], row["realisasi"], row.get("arah", "naik"),
                                       tables.lists.get(daftar) if daftar else None)
                ws.write_formula(r, c, formula, _fmt(F, col.num_format), cached)
            elif col.key == "status_capaian":
                cap = data.cell("capaian", i)
                ws.write_formula(r, c, f'=IF({cap}="","{NO_DATA}",IF({cap}>=100,"{TARGET_MET}","{TARGET_NOT_MET}"))',
                                 F["wrap"], row["status_capaian"])
            else:
                _value(ws, r, c, row.get(col.key), _fmt(F, col.num_format))
        ws.set_row(r, fit_height((row.get(col.key), col.width) for col in data.cols))
    if rows:
        c = data.index["status_capaian"]
        _traffic(ws, F, 1, c, len(rows), c, {TARGET_MET: "green", TARGET_NOT_MET: "red", NO_DATA: "grey"})
        c = data.index["capaian"]
        ws.conditional_format(1, c, len(rows), c, {"type": "icon_set", "icon_style": "3_traffic_lights",
                                                   "icons": [{"criteria": ">=", "type": "number", "value": 100},
                                                             {"criteria": ">=", "type": "number", "value": 80}]})


def _matrix(wb, F, tables: Tables, ra_order: dict[str, int], roadmap: Roadmap) -> None:
    """Actions x units, the status each unit reported (values: a view, not a summary)."""
    ws = wb.add_worksheet("Matriks")
    codes = sorted(dict.fromkeys(r["kode"] for r in tables.rencana_aksi), key=lambda k: ra_order.get(k, len(ra_order)))
    units = list(dict.fromkeys(r["unit"] for r in tables.rencana_aksi))
    cell = {(r["kode"], r["unit"]): r for r in tables.rencana_aksi}
    ws.write_string(0, 0, "Kode", F["head"])
    ws.set_column(0, 0, 8)
    ws.set_column(1, len(units), 4.5)
    vert = header_format(F["wb"], rotation=90, align="center", text_wrap=False)
    for j, u in enumerate(units, start=1):
        ws.write_string(0, j, u, vert)
    # rotated codes: about 7 points per bold character (KEC-RANDUBLATUNG, BAKESBANGPOL printed whole)
    ws.set_row(0, max(90, 7.5 * max((len(u) for u in units), default=0) + 12))
    short = {name: role.short for daftar in STATUS_LISTS for name, role in roadmap.status_roles[daftar].items()}
    for i, k in enumerate(codes, start=1):
        ws.write_string(i, 0, k, F["bold"])
        for j, u in enumerate(units, start=1):
            r = cell.get((k, u))
            if r is None:
                continue
            text = "?" if r["pengumpulan"] in tuple(Collection) else short.get(r["status"], "?")
            if r["peran"] == LEAD:
                text = text + "*"
            ws.write_string(i, j, text)
    n = len(codes)
    legend = n + 2
    ws.write_string(legend, 0, "Keterangan: S = selesai, B = berjalan, - = belum dimulai, X = tidak dilaksanakan/"
                    "tidak diminta, ? = belum ada laporan, * = PD utama. Sel kosong: unit tidak terlibat.")
    if n:
        for prefix, color in (("S", "green"), ("B", "yellow"), ("-", "red"), ("X", "grey"), ("?", "grey")):
            ws.conditional_format(1, 1, n, len(units), {"type": "text", "criteria": "begins with", "value": prefix,
                                                        "format": F[color]})
    ws.freeze_panes(1, 1)
    print_a4(ws)


def _per_unit(wb, F, tables: Tables, ra: _Data, roadmap: Roadmap, fig: PeriodFigures) -> tuple[_Data, list[dict]]:
    """The Per Unit sheet, its rows grouped by unit kind and sorted by name within a kind, so each
    kind is one contiguous block that one Ringkasan chart can read."""
    data = _Data("Per Unit", UNIT_COLS, len(tables.unit))
    rows = sorted(tables.unit, key=lambda r: (UNIT_GROUPS.index(r["kelompok"]) if r.get("kelompok") in UNIT_GROUPS
                                              else len(UNIT_GROUPS), str(r.get("singkatan", "")).casefold()))
    ws = wb.add_worksheet(data.name)
    _setup(ws, data, F, 2)
    temuan = _Data("Temuan", TEMUAN_COLS, len(tables.temuan))
    # each formula with its cached value from the unit's figures (rbxl.consolidation.figures)
    formulas: dict[str, Callable[[str, UnitFigure], tuple[str, object]]] = {
        "n_utama": lambda a, u: (f'=COUNTIFS({ra.rng("unit")},{a},{ra.rng("peran")},"{LEAD}")', u.utama.total),
        "n_pendukung": lambda a, u: (f'=COUNTIFS({ra.rng("unit")},{a},{ra.rng("peran")},"{SUPPORT}")',
                                     u.n_pendukung),
        "progres": lambda a, u: (f'=IFERROR(AVERAGEIFS({ra.rng("progres")},{ra.rng("unit")},{a},'
                                 f'{ra.rng("peran")},"{LEAD}"),"")', _cached(u.utama.mean_progress)),
        "n_err": lambda a, u: (f'=COUNTIFS({temuan.rng("unit")},{a},{temuan.rng("tingkat")},"{ERROR.label}")',
                               u.n_kesalahan),
        "n_warn": lambda a, u: (f'=COUNTIFS({temuan.rng("unit")},{a},{temuan.rng("tingkat")},"{WARNING.label}")',
                                u.n_peringatan),
    }
    for role in STATUS_ORDER:
        formulas[STATUS_COUNT[role]] = (lambda s: lambda a, u: (
            f'=COUNTIFS({ra.rng("unit")},{a},{ra.rng("peran")},"{LEAD}",{ra.rng("status")},"{s}")',
            u.utama.by_status[s]))(roadmap.status_named(role))
    status_cells = [data.index[STATUS_COUNT[role]] for role in STATUS_ORDER]
    for i, row in enumerate(rows):
        unit_fig = fig.unit(row["unit"])
        for c, col in enumerate(data.cols):
            if col.key in formulas:
                formula, cached = formulas[col.key](data.cell("unit", i), unit_fig)
                ws.write_formula(i + 1, c, formula, _fmt(F, col.num_format or "0"), cached)
            elif col.key == "n_kosong":  # lead rows with no status: the unit's file is missing or left them blank
                cached = unit_fig.utama.unreported
                first, last = cell_name(i + 1, min(status_cells)), cell_name(i + 1, max(status_cells))
                ws.write_formula(i + 1, c, f"={data.cell('n_utama', i)}-SUM({first}:{last})", F["int"], cached)
            else:
                _value(ws, i + 1, c, row.get(col.key), F["wrap"])
        ws.set_row(i + 1, fit_height((row.get(col.key), col.width) for col in data.cols))  # wrapped names
    if rows:
        c = data.index["putusan"]
        _traffic(ws, F, 1, c, len(tables.unit), c, {Collection.NOT_RETURNED: "grey", Collection.REJECTED_FILE: "red",
                                                   Verdict.NEEDS_FIX: "yellow", Verdict.ACCEPTED: "green",
                                                   Verdict.ACCEPTED_NOTES: "green"})
    return data, rows


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _cached(v: float | None) -> float | str:
    """A mean as IFERROR(AVERAGEIFS(...),"") caches it: '' where there is nothing to average."""
    return "" if v is None else v


# Ringkasan is printed (A4 portrait, one page wide): charts are stacked under the tables at the
# tables' width, so printing scales nothing down, and a chart starts a new page when it would not fit.
CHART_WIDTH = 1010  # px: columns A-H of the Ringkasan (the area table with its comparison columns)
PAGE_HEIGHT = 1340  # px of sheet per printed A4 portrait page at that width (margins and footer off)
ROW_PX = 20  # default row height

class _Stack:
    """Places charts one under another from a sheet row, with page breaks between printed pages."""

    def __init__(self, ws, row: int, used_px: int):
        self.ws, self.row, self.used = ws, row, used_px
        self.breaks: list[int] = []

    def add(self, chart, height: int) -> None:
        if self.used + height > PAGE_HEIGHT:
            self.breaks.append(self.row)
            self.used = 0
        chart.set_size({"width": CHART_WIDTH, "height": height})
        self.ws.insert_chart(self.row, 0, chart, {"x_offset": 2, "y_offset": 4})
        rows = -(-(height + 8) // ROW_PX) + 1
        self.row += rows
        self.used += rows * ROW_PX

    def close(self) -> None:
        if self.breaks:
            self.ws.set_h_pagebreaks(self.breaks)


def _summary(wb, ws, F, tables: Tables, roadmap: Roadmap, ind: _Data, ra: _Data, units: _Data,
             unit_rows: list[dict], fig: PeriodFigures, keg: _Data, ex: Executive) -> None:
    ws.set_column(0, 0, 42)
    ws.set_column(1, 4, 14)
    ws.write_string(0, 0, f"MONITORING ROAD MAP REFORMASI BIROKRASI - {PERIODE_LABEL[tables.periode].upper()} "
                          f"{tables.tahun}", F["title"])
    ws.write_string(1, 0, f"{roadmap.settings.get('nama_pemda', '')} - {roadmap.settings.get('dasar_hukum', '')}"
                          f" · keadaan sampai {Period(tables.periode).end} {tables.tahun}")
    wrapped(ws, F, 2, comparison_line(ex), 28)
    ws.write_string(3, 0, "Uraian", F["head"])
    ws.write_string(3, 1, "Jumlah", F["head"])
    order = {i.kode: n for n, i in enumerate(roadmap.indikator)}  # the Indikator sheet's order: the chart's
    ind_rows = sorted(tables.indikator, key=lambda r: order.get(r["kode"], len(order)))
    # the cached values are the figures view's (rbxl.consolidation.figures): one computation, every rendering
    h, ra_fig = fig.headline, fig.headline.rencana_aksi
    statuses = list(ra_fig.by_status)
    first = 4  # 0-based row of the first figure, under the header
    # (key, label, formula given the Excel row of every key, cached value); rows follow this order
    Row = tuple[str, str, Callable[[dict[str, int]], str], object]
    rows: list[Row] = [
        ("expected", "Unit pelapor (diharapkan)", lambda at: f"=COUNTA({units.rng('unit')})", h.expected),
        ("returned", "Unit yang mengumpulkan", lambda at: f'=COUNTIF({units.rng("dikumpulkan")},"{YES}")', h.returned),
        ("used", "Unit yang datanya dipakai", lambda at: f'=COUNTIF({units.rng("data_dipakai")},"{YES}")', h.used),
        ("not_returned", "Unit belum mengumpulkan", lambda at: f'=COUNTIF({units.rng("dikumpulkan")},"{NO}")',
         h.not_returned),
        ("utama", "Rencana aksi (baris PD utama)", lambda at: f'=COUNTIF({ra.rng("peran")},"{LEAD}")', ra_fig.total),
    ]
    rows += [(f"status:{s}", f"   - {s}",
              lambda at, s=s: f'=COUNTIFS({ra.rng("peran")},"{LEAD}",{ra.rng("status")},"{s}")', n)
             for s, n in ra_fig.by_status.items()]
    rows.append(("unreported", "   - Belum dilaporkan",
                 lambda at: f"=B{at['utama']}-SUM(B{at['status:' + statuses[0]]}:B{at['status:' + statuses[-1]]})",
                 ra_fig.unreported))
    rows.append(("progress", "Rata-rata progres PD utama (%)",
                 lambda at: f'=IFERROR(AVERAGEIFS({ra.rng("progres")},{ra.rng("peran")},"{LEAD}"),"")',
                 _cached(ra_fig.mean_progress)))
    rows.append(("indikator", "Indikator (baris)", lambda at: f"=COUNTA({ind.rng('kode')})", h.indikator))
    rows += [(f"capaian:{s}", f"   - {s}", lambda at, s=s: f'=COUNTIF({ind.rng("status_capaian")},"{s}")', n)
             for s, n in h.indikator_by_state.items()]
    rows.append(("kegiatan", "Kegiatan prioritas (baris)", lambda at: f"=COUNTA({keg.rng('kode')})", h.kegiatan))
    rows += [(f"keg:{s}", f"   - {s} (kegiatan)", lambda at, s=s: f'=COUNTIF({keg.rng("status_capaian")},"{s}")', n)
             for s, n in h.kegiatan_by_state.items()]
    at = {key: first + i + 1 for i, (key, *_) in enumerate(rows)}  # Excel (1-based) row of each figure
    for i, (key, label, formula, cached) in enumerate(rows):
        ws.write_string(first + i, 0, label)
        ws.write_formula(first + i, 1, formula(at), F["num"] if key == "progress" else F["int"], cached)

    # progress per area
    top = first + len(rows) + 2
    done = roadmap.status_named(StatusRole.DONE)
    for c, h_ in enumerate(["Area Perubahan", "Kode", "Rata-rata Progres (%)", "Aksi (PD utama)", done]):
        ws.write_string(top, c, h_, F["head"])
    ws.set_row(top, 30)  # two-line headers
    areas = fig.areas
    for i, area in enumerate(areas):
        r = top + 1 + i
        ws.write_string(r, 0, area.nama)
        ws.write_string(r, 1, area.kode)
        a = cell_name(r, 1)
        ws.write_formula(r, 2, f'=IFERROR(AVERAGEIFS({ra.rng("progres")},{ra.rng("area_kode")},{a},'
                               f'{ra.rng("peran")},"{LEAD}"),"")', F["num"], _cached(area.rencana_aksi.mean_progress))
        ws.write_formula(r, 3, f'=COUNTIFS({ra.rng("area_kode")},{a},{ra.rng("peran")},"{LEAD}")', F["int"],
                         area.rencana_aksi.total)
        ws.write_formula(r, 4, f'=COUNTIFS({ra.rng("area_kode")},{a},{ra.rng("peran")},"{LEAD}",'
                               f'{ra.rng("status")},"{done}")', F["int"], area.rencana_aksi.by_status[done])
    last_area = top + len(areas)
    area_comparison(ws, F, top, ex)

    stack = _Stack(ws, last_area + 2, (last_area + 2) * ROW_PX + 20)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "Rata-rata progres (%)", "categories": ["Ringkasan", top + 1, 0, last_area, 0],
                      "values": ["Ringkasan", top + 1, 2, last_area, 2], "fill": {"color": "#2E75B6"},
                      "gap": 60, "data_labels": {"value": True, "position": "outside_end", "font": {"size": 9},
                                                 "custom": percent_labels([a.rencana_aksi.mean_progress
                                                                           for a in areas])}})
    chart_text(chart, "Progres rencana aksi per area (PD utama, %)")
    chart.set_x_axis({"min": 0, "max": 110, "major_unit": 20, "num_font": {"size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
    chart.set_legend({"none": True})
    stack.add(chart, 300)
    if ind_rows:
        stack.add(capaian_chart(wb, ind, ind_rows, tables.tahun), 110 + 26 * len(ind_rows))
    for kelompok in UNIT_GROUPS:
        block = [i for i, r in enumerate(unit_rows) if r.get("kelompok") == kelompok]
        if block:
            stack.add(status_chart(wb, units, unit_rows, block, kelompok), max(200, 120 + 22 * len(block)))
    stack.close()
    ws.set_paper(A4)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&LRingkasan&RHalaman &P dari &N")


def _cell_text(v: object) -> object:
    """A CSV cell: yes/no in words, unit text behind the injection guard."""
    return yes_no(v) if isinstance(v, bool) else csv_safe(v)


def write_csv_tables(tables: Tables, folder: Path) -> list[Path]:
    """One CSV per tidy table plus KAMUS.csv (column meanings) in `folder`; returns the files."""
    import pandas as pd

    out = []
    docs = []
    for name, (attr, cols) in TIDY_TABLES.items():  # fixed columns: the same header whoever returned
        rows = getattr(tables, attr)
        keys = [c.key for c in cols]
        frame = pd.DataFrame([{k: _cell_text(r.get(k, "")) for k in keys} for r in rows], columns=keys, dtype=object)
        buf = io.StringIO()
        frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        out.append(write_text(folder / f"{name}.csv", buf.getvalue()))
        docs += [(f"{name}.csv", c.key, c.header) for c in cols]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["tabel", "kolom", "arti"])
    w.writerows(docs)
    out.append(write_text(folder / "KAMUS.csv", buf.getvalue()))
    return out
