"""Charts of the report as PNG images at print resolution (matplotlib, Agg: no display needed).

Each chart only draws numbers it is given from rbxl.consolidation.figures and writes each value on its bar,
so the printed number never depends on reading a bar's length or its colour.
"""

from __future__ import annotations

import io

from rbxl.core.values import format_floor, format_number

DPI = 200  # print resolution at the 16 cm the charts are placed at
WIDTH_IN = 6.3  # 16 cm
# Colour-blind-safe palette (Okabe-Ito), plus hatching so a grey print still tells bars apart.
COLOURS = ["#009E73", "#56B4E9", "#E69F00", "#D55E00", "#999999", "#CC79A7", "#0072B2", "#F0E442"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.axisbelow": True})
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # light compression: the default level costs half a second over four charts, for 10% in size
    # no bbox_inches="tight": it crops to a varying width, and the picture placed at 16 cm would
    # then print below 200 dpi; constrained layout keeps labels inside the fixed 16 cm instead
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    fig.clf()
    _plt().close(fig)
    return buf.getvalue()


def _pct(v: float | None) -> str:
    return "belum ada data" if v is None else f"{format_floor(v, 1)}%"


def progress_per_area(labels: list[str], means: list[float | None], totals: list[int],
                      expected: float | None = None) -> bytes:
    """Mean progress of the rows per area, 0-100%, with the value and the rows it covers written,
    and a dashed line at the period's expected progress."""
    plt = _plt()
    fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH_IN, 0.42 * len(labels) + 0.9))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, [m or 0 for m in means], color=COLOURS[6], height=0.6)
    for yi, m, n in zip(y, means, totals, strict=True):
        ax.text((m or 0) + 1.5, yi, f"{_pct(m)}  ({format_number(n)} baris)", va="center", fontsize=7.5)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100"])
    if expected is not None:
        ax.axvline(expected, color="#333333", linestyle="--", linewidth=1)
        ax.text(expected, len(labels) - 0.45, f"harapan {format_number(expected, 0)}%", ha="center", fontsize=7)
    ax.set_xlabel("Rata-rata progres baris rencana aksi (%)")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    return _png(fig)


def _integer_axis(axis) -> None:
    """A count axis: whole numbers only, written the Indonesian way (no '0.5', no point decimals)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, 0)))


def counts(labels: list[str], values: list[int], xlabel: str) -> bytes:
    """One horizontal bar per category, each with its own colour and hatch and its count written."""
    plt = _plt()
    fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH_IN, 0.38 * len(labels) + 0.8))
    y = list(range(len(labels)))[::-1]
    bars = ax.barh(y, values, height=0.6, color=[COLOURS[i % len(COLOURS)] for i in range(len(labels))],
                   edgecolor="#333333", linewidth=0.4)
    for i, bar in enumerate(bars):
        bar.set_hatch(HATCHES[i % len(HATCHES)])
    top = max(values or [0]) or 1
    for yi, v in zip(y, values, strict=True):
        ax.text(v + top * 0.015, yi, format_number(v), va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, top * 1.15)
    _integer_axis(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    return _png(fig)


def grouped_states(groups: list[str], states: list[str], values: list[list[int]], ylabel: str) -> bytes:
    """Bars per group (Indikator, Kegiatan prioritas) split by capaian state, with counts written."""
    plt = _plt()
    fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH_IN, 2.6))
    width = 0.8 / len(states)
    for j, state in enumerate(states):
        xs = [i + (j - (len(states) - 1) / 2) * width for i in range(len(groups))]
        vals = [row[j] for row in values]
        ax.bar(xs, vals, width=width * 0.95, label=state, color=COLOURS[[0, 3, 4][j % 3]],
               hatch=HATCHES[[0, 3, 1][j % 3]], edgecolor="#333333", linewidth=0.4)
        for x, v in zip(xs, vals, strict=True):
            ax.text(x, v, format_number(v), ha="center", va="bottom", fontsize=7.5)
    ax.set_xticks(range(len(groups)), groups)
    _integer_axis(ax.yaxis)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=7.5, ncols=len(states), loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return _png(fig)


LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2, 1, 2))]


def spread(values: list[float], gap: float) -> list[float]:
    """Label positions near `values` that keep at least `gap` apart (in the values' order), so end
    labels of lines that finish close together do not print over each other."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    last = None
    for i in order:
        y = values[i] if last is None else max(values[i], last + gap)
        placed[i], last = y, y
    shift = max(0.0, (last or 0) - 104)  # keep the top label inside the axes
    return [y - shift for y in placed]


def trend(periods: list[str], series: dict[str, list[float | None]]) -> bytes:
    """Mean progress per area across the periods of the year: one line per area, each with its own
    marker and dash (a grey print tells them apart), and its name and last value written at its end,
    spread so that no two labels overlap."""
    plt = _plt()
    fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH_IN, 3.6))
    markers = "osD^v<>p"
    ends: list[tuple[int, float, str]] = []
    for i, (label, values) in enumerate(series.items()):
        pts = [(x, v) for x, v in enumerate(values) if v is not None]
        if not pts:
            continue
        # a period without data is a gap in the line (NaN), not a straight line across it
        ax.plot(range(len(values)), [float("nan") if v is None else v for v in values],
                marker=markers[i % len(markers)], color=COLOURS[i % len(COLOURS)], linestyle=LINESTYLES[i % 8],
                linewidth=1.3, markersize=5, markeredgecolor="#222222", markeredgewidth=0.5)
        x, v = pts[-1]
        ends.append((x, v, f"{label}: {format_floor(v, 1)}%"))
    for (x, v, text), y in zip(ends, spread([v for _, v, _ in ends], 5.0), strict=True):
        ax.annotate(text, (x, v), xytext=(x + 0.08, y), fontsize=6.5, va="center",
                    arrowprops={"arrowstyle": "-", "color": "#888888", "linewidth": 0.5})
    ax.set_xticks(range(len(periods)), periods)
    ax.set_xlim(-0.2, len(periods) - 1 + 1.6)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Rata-rata progres (%)")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return _png(fig)
