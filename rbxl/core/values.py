"""Cell-value clean-up in one place: Indonesian numbers, grades, and capaian arithmetic."""

from __future__ import annotations

import datetime as dt
import math
import re

# "1.234,5" "75,5" "2.76" "-3" "1 234,5"
_NUMBER = re.compile(r"^[+-]?(\d{1,3}([. ]\d{3})+|\d+)?([.,]\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GRADED = re.compile(r"^\s*([+-]?[\d.,]+)\s+([A-Za-z]{1,2})\s*$")

NO_VALUE = {"", "-", "–", "na", "n/a", "NA"}


def parse_number(value: object) -> float | None:
    """Read a number written the Indonesian way or the English way; None if it is not one.

    Both separators: the last one is the decimal mark ("1.234,5" -> 1234.5, "1,234.5" ->
    1234.5). Only commas: decimal comma ("75,5"). Only dots: thousands when grouped in threes
    ("1.234" -> 1234), else a decimal point ("2.76").
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if not isinstance(value, str):
        return None
    s = value.strip().replace("\u00a0", " ").rstrip("%").strip()
    if not s:
        return None
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        if s.count(",") > 1:
            return None
        s = s.replace(",", ".")
    elif _THOUSANDS_DOT.match(s):
        s = s.replace(".", "")
    s = s.replace(" ", "")
    if not re.match(r"^[+-]?(\d+\.?\d*|\.\d+)$", s):
        return None
    return float(s)


def parse_graded(value: object) -> tuple[float | None, str | None]:
    """'70,2 BB' -> (70.2, 'BB'); a bare number -> (n, None); anything else -> (None, None)."""
    if isinstance(value, str):
        m = _GRADED.match(value)
        if m:
            return parse_number(m.group(1)), m.group(2).upper()
    return parse_number(value), None


def format_number(value: float | None, decimals: int | None = None) -> str:
    """Indonesian display: 1234.5 -> '1.234,5'."""
    if value is None:
        return ""
    if decimals is None:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def decimals_of(text: str) -> int:
    """How many decimals a number was written with ('2,20' -> 2)."""
    m = re.search(r"[.,](\d+)\s*$", text.strip())
    return len(m.group(1)) if m and not _THOUSANDS_DOT.match(text.strip()) else 0


# SAKIP grades (PermenPANRB 88/2021): lower bound of each grade, best first.
SAKIP_GRADES = [("AA", 90.0), ("A", 80.0), ("BB", 70.0), ("B", 60.0), ("CC", 50.0), ("C", 30.0), ("D", 0.0)]


def sakip_grade(score: float | None) -> str | None:
    if score is None:
        return None
    for grade, low in SAKIP_GRADES:
        if score > low or (low == 0.0 and score >= 0):
            return grade
    return None


def capaian(realisasi: float | None, target: float | None, arah: str) -> float | None:
    """Achievement in percent, by the indicator's direction; None when it cannot be computed.

    naik: R/T*100. turun: (2T-R)/T*100 (the LKjIP formula for 'lower is better'; never
    below 0). sama: 100 when R equals T, else 0.
    """
    if realisasi is None or target is None:
        return None
    if arah == "sama":
        return 100.0 if math.isclose(realisasi, target, rel_tol=0, abs_tol=1e-9) else 0.0
    if target == 0:
        return None
    if arah == "turun":
        return max(0.0, (2 * target - realisasi) / target * 100)
    return realisasi / target * 100


def capaian_kategori(realisasi: str | None, target: str | None, ordered: list[str]) -> float | None:
    """Categories best first (WTP, WDP, TW, TMP): capaian = rank(R)/rank(T)*100, rank 1 = worst."""
    if not realisasi or not target or realisasi not in ordered or target not in ordered:
        return None
    n = len(ordered)
    rank_r = n - ordered.index(realisasi)
    rank_t = n - ordered.index(target)
    return rank_r / rank_t * 100


def as_text(value: object) -> str:
    """A cell value as the text a person typed (floats without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text like 31/03/2023 or 2023-03-31."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (EXCEL_EPOCH + dt.timedelta(days=float(value))).date()
        return None
    if isinstance(value, str):
        s = value.strip()
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
            try:
                return dt.datetime.strptime(s, fmt).date()
            except ValueError:
                continue
        m = re.fullmatch(r"(\d{1,2})[\s-]+([A-Za-z]+)[\s-]+(\d{4})", s)  # "5 April 2023", "05-Apr-2023"
        if m and m.group(2)[:3].casefold() in MONTHS:
            try:
                return dt.date(int(m.group(3)), MONTHS[m.group(2)[:3].casefold()], int(m.group(1)))
            except ValueError:
                return None
    return None


# Indonesian and English month names by their first three letters
MONTHS = {"jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7, "agu": 8,
          "aug": 8, "agt": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12, "dec": 12}


BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember"]


def format_date(d: dt.date) -> str:
    """A date spelled out the Indonesian way, '4 Mei 2024': day and month can never be read swapped."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


THRESHOLDS = (100.0,)  # the value a capaian or a progress reaches only when it is met


def format_floor(value: float | None, decimals: int = 1, thresholds: tuple[float, ...] = THRESHOLDS) -> str:
    """format_number that never shows a threshold a value did not reach: where rounding would lift a
    value below a threshold (100, or the period's expected progress) to it or past it, the value
    is cut to `decimals` instead. 99.95 -> '99,9' (not '100,0'); 66.25 -> '66,3' as usual."""
    if value is None:
        return ""
    shown = round(value, decimals)
    if any(value < t <= shown for t in thresholds):
        step = 10 ** decimals
        shown = math.floor(value * step + 1e-9) / step
        if shown >= min(t for t in thresholds if value < t):  # float noise at the boundary
            shown -= 1 / step
    return format_number(shown, decimals)


def format_percent(value: float | None, decimals: int = 1, thresholds: tuple[float, ...] = THRESHOLDS) -> str:
    """The one percent format of every rendering: '66,2%', with format_floor's rounding; '–' for none."""
    return "–" if value is None else f"{format_floor(value, decimals, thresholds)}%"


def format_change(value: float | None, decimals: int = 1) -> str:
    """A change with its sign, '+10,6' / '−2,5' / '0,0'; a change too small to show at `decimals`
    gets one more decimal, so a fall is never printed as no change."""
    if value is None:
        return "–"
    if value != 0 and round(abs(value), decimals) == 0:
        decimals += 1
    text = format_number(abs(value), decimals)
    if round(abs(value), decimals) == 0:
        return text
    return ("+" if value > 0 else "−") + text
