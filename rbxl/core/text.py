"""Unit text made safe for where it goes: a terminal or text file, or a file name Windows accepts.

Cells, sheet names and file names come from the units' files; printed raw, an ESC sequence
retitles or clears the terminal, a newline forges a line in a feedback note and a bidi
override (RLO) shows 'xlsx.exe' as 'exe.xlsx'.
"""

from __future__ import annotations

import hashlib
import re

# C0 and C1 controls, DEL, bidi embeddings/overrides/isolates, and the line/paragraph
# separators (U+2028/2029), which some viewers show as line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_BREAKS = re.compile("\r\n|[\r\n\t\u2028\u2029\x0b\x0c\x85]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(s: object, keep_newlines: bool = False) -> str:
    """`s` as text without control characters.

    Tabs and line breaks become a space, or with `keep_newlines` a tab stays and every line
    break becomes '\\n'; everything else that controls a terminal or reorders text is removed.
    Undecodable bytes of a file name (surrogate escapes) become U+FFFD so the text can be
    encoded as UTF-8.
    """
    text = "" if s is None else str(s)
    text = _SURROGATE.sub("\ufffd", text)
    if keep_newlines:
        text = re.sub("\r\n|[\r\x0b\x0c\x85\u2028\u2029]", "\n", text)
        return _CONTROL.sub("", text)
    return _CONTROL.sub("", _BREAKS.sub(" ", text))


_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME = 150  # characters of one name: keeps <out>/<tahun>-<periode>/arsip/... under 260 on Windows


def safe_filename(name: str, max_len: int = MAX_NAME, fallback: str = "berkas") -> str:
    """A file name that Windows, macOS and Linux all accept, keeping the extension.

    Replaces <>:"/\\|?* and controls with '_', drops trailing dots and spaces, prefixes a
    reserved device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9) with '_', and shortens a long
    name to `max_len` characters with a hash of the full name, so two long names stay apart.
    """
    text = clean_text(name).strip()
    text = _FORBIDDEN.sub("_", text).rstrip(" .").lstrip(" ")
    if not text or set(text) <= {"."}:
        text = fallback
    if _WINDOWS_RESERVED.match(text):
        text = "_" + text
    if len(text) > max_len:
        stem, dot, ext = text.rpartition(".")
        ext = f".{ext}" if dot and stem and 0 < len(ext) <= 10 else ""
        stem = text[: len(text) - len(ext)]
        tag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        text = f"{stem[: max_len - len(ext) - 9].rstrip(' .')}~{tag}{ext}"
    return text

# Characters of one unit-controlled text (a cell, a hidden identity value, a sheet or member name)
# echoed back in a finding's message and parameters, the feedback note, --json, the findings workbook
# and the perbaikan sheet: a 22 MB hidden value must not become a 30 MB note. What is cut keeps its
# start and end and says how much was left out; the received file itself stays whole in arsip/.
MAX_ECHO = 500


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """`text` cut to about `limit` characters (start and end kept, the cut counted), or as it is."""
    if len(text) <= limit:
        return text
    tail = min(80, limit // 4)
    head = limit - tail
    return f"{text[:head]} …[{len(text) - head - tail} karakter dipotong]… {text[-tail:]}"


def csv_safe(v: object) -> object:
    """OWASP CSV injection guard: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v
