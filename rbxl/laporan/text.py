"""Unit-written text made safe for a Word document: no control characters, bounded length.

The text lands as literal runs (python-docx escapes it as XML), so '=cmd|...' stays text; what
must go are characters XML 1.0 forbids (python-docx refuses them), bidi overrides that make
text read backwards, and lengths that would fill pages. rbxl.text (h10) has the same cleaning
for terminals and file names; the two are meant to become one.
"""

from __future__ import annotations

import re

from ..values import format_number

# C0/C1 controls (tab and newline kept), DEL, bidi embeddings/overrides/isolates and marks,
# line/paragraph separators, lone surrogates, and the two non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      "\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n|\r")

LIMIT = 1500  # characters of one unit-written text in the report; the workbook keeps it whole


def clean_text(value: object) -> str:
    """`value` as text without control characters; line breaks kept as '\\n'."""
    if value is None:
        return ""
    text = _NEWLINES.sub("\n", str(value))
    return _CONTROL.sub("", text).strip()


def unit_text(value: object, limit: int = LIMIT) -> str:
    """Clean unit text, cut to `limit` characters with a visible mark saying how long it was."""
    text = clean_text(value)
    if len(text) <= limit:
        return text
    return (f"{text[:limit].rstrip()} … [dipotong; teks lengkap {format_number(len(text))} karakter "
            f"ada di workbook monitoring]")
