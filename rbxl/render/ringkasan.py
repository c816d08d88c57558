"""The Ringkasan sheet's comparison with the previous period and its charts (from the executive view
and the figures view): what changed since then, the areas' status by the stated rule, and charts a
grey print still tells apart, whose labels never round a value up to 100."""

from __future__ import annotations

from rbxl.consolidation.executive import Executive
from rbxl.core.values import format_change, format_floor, format_percent
from rbxl.form.spec import PERIODE_LABEL

# Lead-row status per unit: colours of clearly different lightness, and patterns on two of them,
# so "in progress" and "not reported" are not the same grey on paper.
STATUS_FILLS = {
    "n_selesai": {"fill": {"color": "#375623"}},
    "n_berjalan": {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#BF8F00", "bg_color": "#FFE699"}},
    "n_belum": {"fill": {"color": "#C00000"}},
    "n_tidak": {"pattern": {"pattern": "dark_vertical", "fg_color": "#262626", "bg_color": "#A6A6A6"}},
    "n_kosong": {"pattern": {"pattern": "percent_20", "fg_color": "#7F7F7F", "bg_color": "#FFFFFF"}},
}
STATUS_COLORS = STATUS_FILLS  # (the keys: one series per status column of the Per Unit sheet)


def chart_text(chart, title: str) -> None:
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
    chart.set_chartarea({"border": {"none": True}})


def percent_labels(values: list[object]) -> list[dict]:
    """One data label per bar, written as the report writes it: never 100% for a value under 100,
    'tanpa data' where there is no value (a bar of nothing says so)."""
    out = []
    for v in values:
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        out.append({"value": format_percent(float(v), 1) if number else "tanpa data"})  # type: ignore[arg-type]
    return out


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def wrapped(ws, F, row: int, text: str, height: int) -> None:
    """A long line in columns A-H, wrapped: a text that spills right would widen the printed page."""
    if "wrap" not in F["cache"]:
        F["cache"]["wrap"] = F["wb"].add_format({"text_wrap": True, "valign": "top", "font_size": 9})
    ws.merge_range(row, 0, row, 7, text, F["cache"]["wrap"])
    ws.set_row(row, height)


def comparison_line(ex: Executive) -> str:
    """Row 3 of the Ringkasan: the change since the previous period, the areas that fell, who has no data."""
    o = ex.overall
    missing = "; ".join(a.nama for a in ex.not_returned) or "tidak ada"
    if ex.previous is None or o.change is None:
        return f"Belum ada periode sebelumnya tahun ini untuk dibandingkan. Unit tanpa data: {missing}."
    fell = "; ".join(f"{a.nama} {format_floor(a.before or 0, 1)} → {format_floor(a.mean or 0, 1)}" for a in ex.fell)
    return (f"Dibanding {PERIODE_LABEL[ex.previous]}: rata-rata progres {format_floor(o.before or 0, 1)} → "
            f"{format_floor(o.mean or 0, 1)} ({format_change(o.change)} poin). Area yang turun: {fell or 'tidak ada'}. "
            f"Unit tanpa data: {missing}.")


def area_comparison(ws, F, top: int, ex: Executive) -> None:
    """Columns F-H of the per-area table: the previous period's mean, the change (a formula over
    C and F), and the status by the rule the sheet states under the table."""
    before = PERIODE_LABEL[ex.previous] if ex.previous else "periode sebelumnya"
    for c, head in ((5, f"Progres {before} (%)"), (6, "Perubahan (poin)"), (7, "Keadaan")):
        ws.write_string(top, c, head, F["head"])
    ws.set_column(5, 6, 13)
    ws.set_column(7, 7, 16)
    for i, a in enumerate(ex.areas):
        r = top + 1 + i
        if a.before is None:
            ws.write_string(r, 5, "–")
            ws.write_string(r, 6, "–")
        else:
            ws.write_number(r, 5, a.before, F["num"])
            ws.write_formula(r, 6, f'=IF(ISNUMBER(C{r + 1}),C{r + 1}-F{r + 1},"")', F["num"],
                             a.change if a.change is not None else "")
        ws.write_string(r, 7, a.status)
    wrapped(ws, F, top + len(ex.areas) + 1, f"Keadaan: {ex.rule}", 40)


def capaian_axis_max(values: list) -> int:
    """Room for the longest bar and its label: 20% over the largest capaian, at least 125, in steps
    of 25; capped at 300 so one runaway value does not flatten every other bar."""
    top = max([v for v in values if _is_number(v)] + [100])
    return int(min(300, max(125, -(-(top * 1.2) // 25) * 25)))


def capaian_chart(wb, ind, rows: list[dict], tahun: int):
    """Capaian per indicator, labelled with its short name; the red line at 100 is the target."""
    n = len(rows)
    c, names = ind.index["capaian"], ind.index["nama_singkat"]
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "Capaian (%)", "categories": ["Indikator", 1, names, n, names],
                      "values": ["Indikator", 1, c, n, c], "fill": {"color": "#5B9BD5"}, "gap": 50,
                      "data_labels": {"value": True, "position": "outside_end", "font": {"size": 9},
                                      "custom": percent_labels([r.get("capaian") for r in rows])}})
    chart_text(chart, f"Capaian indikator terhadap target {tahun} (garis merah = target 100%)")
    # major unit 100 puts the only strong gridline at the target; minor lines every 25 help reading
    chart.set_x_axis({"min": 0, "max": capaian_axis_max([r.get("capaian") for r in rows]), "major_unit": 100,
                      "minor_unit": 25, "num_format": '0"%"', "num_font": {"size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#C00000", "width": 2}},
                      "minor_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9}})
    chart.set_legend({"none": True})
    return chart


def status_chart(wb, units, rows: list[dict], block: list[int], kelompok: str):
    """Lead-row status per unit for one kind of unit, labelled with the unit's short name. Where no
    unit of the kind leads more than one row (one per kecamatan), a stacked bar is always full and
    says nothing: the chart shows each unit's progress instead."""
    first, last = block[0] + 1, block[-1] + 1
    names = units.index["singkatan"]
    most = max((rows[i].get("n_utama") or 0 for i in block), default=0)
    if most <= 1:
        c = units.index["progres"]
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": "Progres (%)", "categories": ["Per Unit", first, names, last, names],
                          "values": ["Per Unit", first, c, last, c], "gap": 50, "fill": {"color": "#2E75B6"},
                          "data_labels": {"value": True, "position": "outside_end", "font": {"size": 9},
                                          "custom": percent_labels([rows[i].get("progres") for i in block])}})
        chart_text(chart, f"Progres rencana aksi PD utama: {kelompok} ({len(block)} unit)")
        chart.set_x_axis({"min": 0, "max": 110, "major_unit": 25, "num_font": {"size": 9},
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9}})
        chart.set_legend({"none": True})
        return chart
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for key, fill in STATUS_FILLS.items():
        c = units.index[key]
        label = units.cols[c].header  # the meaning's label (enums.StatusRole.label) or 'Belum Dilaporkan'
        chart.add_series({"name": label, "categories": ["Per Unit", first, names, last, names],
                          "values": ["Per Unit", first, c, last, c], "gap": 50, **fill,
                          "border": {"color": "#FFFFFF"}})
    chart_text(chart, f"Status rencana aksi PD utama: {kelompok} ({len(block)} unit)")
    axis = {"min": 0, "major_unit": 1 if most <= 10 else 5, "num_font": {"size": 9},
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if most <= 10:
        axis["max"] = most
    chart.set_x_axis(axis)
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9}})
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    return chart
