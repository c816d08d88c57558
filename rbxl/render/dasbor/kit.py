"""The dashboard's building blocks: palette and tones, escaping, Indonesian numbers and percents,
state badges, and the inline SVG bar charts every section uses."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Sequence

from rbxl.consolidation.executive import ATTENTION, LAGGING, NO_PROGRESS, ON_TRACK
from rbxl.consolidation.figures import LATE, ON_TIME, TIME_UNKNOWN, PeriodFigures
from rbxl.consolidation.tables import (
    NO_DATA,
    NOT_RETURNED,
    REJECTED_FILE,
    TARGET_MET,
    TARGET_NOT_MET,
)
from rbxl.core.enums import NOT_REPORTED, StatusRole, Verdict
from rbxl.core.text import clean_text as _clean_line
from rbxl.core.values import format_number, format_percent

# Text colour / background pairs: every pair is held to a contrast of at least 4.5:1 by a test.
PALETTE = {
    "text": ("#1b1f24", "#ffffff"),
    "muted": ("#4a5360", "#ffffff"),
    "head": ("#ffffff", "#1d4f91"),
    "link": ("#1d4f91", "#ffffff"),
    "ok": ("#0d5c2a", "#e3f3e8"),
    "warn": ("#6b4a00", "#fdf1d6"),
    "bad": ("#8f1d1d", "#fbe7e7"),
    "none": ("#3d4550", "#eceff3"),
    "card": ("#1b1f24", "#f3f6fa"),
}
BAR = {"ok": "#2e7d4f", "warn": "#b7791f", "bad": "#c0392b", "none": "#8a94a3", "main": "#1d4f91"}

# How a state is shown: a tone (colour) AND a symbol and its words, never colour alone.
# Status names are the master's; their tone follows the meaning the master gives them.
ROLE_TONE = {StatusRole.DONE: ("ok", "✔"), StatusRole.IN_PROGRESS: ("warn", "◐"),
             StatusRole.NOT_STARTED: ("none", "○"), StatusRole.CANNOT: ("bad", "✖")}
TONE: dict[str, tuple[str, str]] = {TARGET_MET: ("ok", "✔"), TARGET_NOT_MET: ("bad", "✖"), NO_DATA: ("none", "–"),
        Verdict.ACCEPTED: ("ok", "✔"), Verdict.ACCEPTED_NOTES: ("ok", "✔"), Verdict.NEEDS_FIX: ("warn", "!"),
        Verdict.REJECTED: ("bad", "✖"), NOT_RETURNED: ("bad", "○"), REJECTED_FILE: ("bad", "✖"),
        ON_TIME: ("ok", "✔"), LATE: ("warn", "!"), TIME_UNKNOWN: ("none", "?"),
        ON_TRACK: ("ok", "●"), ATTENTION: ("warn", "◐"), LAGGING: ("bad", "○"), NO_PROGRESS: ("none", "–")}
UNREPORTED = NOT_REPORTED


def clean_text(s: object) -> str:
    """Unit text without control characters or bidi overrides (rbxl.core.text), line breaks kept."""
    return _clean_line(s, keep_newlines=True)


_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def esc(s: object) -> str:
    return html.escape(clean_text(s), quote=True)


def linkify(s: object) -> str:
    """Escaped text whose http(s) URLs become links; javascript:, data: and the rest stay text."""
    text, out, pos = clean_text(s), [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:)")
        out.append(html.escape(text[pos:m.start()]))
        out.append(f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer" target="_blank">'
                   f"{html.escape(url)}</a>")
        pos = m.start() + len(url)
    out.append(html.escape(text[pos:]))
    return "".join(out)


def num(v: object, digits: int = 1) -> str:
    """A number the Indonesian way (decimal comma); '–' for blank."""
    if isinstance(v, bool) or v in (None, ""):
        return "–"
    if isinstance(v, (int, float)):
        return format_number(float(v), 0 if float(v).is_integer() else digits)
    return esc(v)


def pct(v: object) -> str:
    """The page's one percent format: one decimal, never rounded up to 100 (values.format_percent)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return format_percent(float(v), 1)
    return "–" if v in (None, "") else f"{esc(v)}%"


def tones(fig: PeriodFigures) -> dict[str, tuple[str, str]]:
    """TONE plus the master's status names, each with the tone of its meaning. A support row's
    'cannot' status (the lead never asked for support) is no failure: it is neutral."""
    return {**TONE, **{name: (("none", "–") if role == StatusRole.CANNOT and name not in fig.statuses
                              else ROLE_TONE[role]) for name, role in fig.status_role.items()}}


def badge(state: str, tone_of: dict[str, tuple[str, str]] = TONE) -> str:
    """A state as symbol + words on a tinted background."""
    state = clean_text(state) or UNREPORTED
    tone, mark = tone_of.get(state, ("none", "–"))
    return f'<span class="b {tone}"><span aria-hidden="true">{mark}</span> {html.escape(state)}</span>'


def json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element: <, >, & and U+2028/2029 become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# --------------------------------------------------------------------------- charts


def bar_chart(ident: str, title: str, items: Sequence[tuple[str, float | None, str, str]], scale: float,
              target: float | None = None) -> str:
    """Horizontal bars as inline SVG, a label above each bar; items are (label, value, value text, tone).

    The chart is an image with a title; its numbers are in the table that follows it.
    """
    return grouped_chart(ident, title, [(label, [("", value, text, tone)]) for label, value, text, tone in items],
                         scale, target)


Bar = tuple[str, float | None, str, str]  # (label left of the bar, value, value text, tone)


def grouped_chart(ident: str, title: str, groups: Sequence[tuple[str, Sequence[Bar]]], scale: float,
                  target: float | None = None, sub_w: int = 0) -> str:
    """Groups of horizontal bars as inline SVG: each group's label above its bars, each bar's own
    short label (a period, a year) in the first `sub_w` pixels; a dashed mark at `target`."""
    w, bar_x, row_h = 420, sub_w, 22
    bar_w = 300 - bar_x
    h = sum(row_h * (len(bars) + 1) for _, bars in groups) + (22 if target is not None else 6)
    tx = None if target is None else bar_x + target / scale * bar_w
    parts = [f'<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
             f'aria-labelledby="{ident}-t" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-t">{esc(title)}</title>']
    y = 0
    for label, bars in groups:
        parts.append(f'<text x="0" y="{y + 15}" class="lbl">{esc(_short(label, 48))}</text>')
        for k, (sub, value, text, tone) in enumerate(bars):
            by = y + 21 + k * row_h
            if sub:
                parts.append(f'<text x="0" y="{by + 14}" class="val">{esc(sub)}</text>')
            parts.append(f'<rect x="{bar_x}" y="{by}" width="{bar_w}" height="16" fill="#eceff3"/>')
            if value is not None:
                bw = max(0.0, min(value, scale)) / scale * bar_w
                parts.append(f'<rect x="{bar_x}" y="{by}" width="{bw:.1f}" height="16" fill="{BAR[tone]}"/>')
            parts.append(f'<text x="306" y="{by + 14}" class="val">{esc(text)}</text>')
            if tx is not None:  # a dashed mark at the target on every bar, clear of the labels
                parts.append(f'<line x1="{tx:.1f}" y1="{by - 3}" x2="{tx:.1f}" y2="{by + 19}" '
                             'stroke="#1b1f24" stroke-width="1.5" stroke-dasharray="3 2"/>')
        y += row_h * (len(bars) + 1)
    if tx is not None:
        parts.append(f'<text x="{tx:.1f}" y="{h - 3}" text-anchor="middle" class="val">target {num(target)}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, n: int) -> str:
    text = clean_text(text).replace("\n", " ")
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
