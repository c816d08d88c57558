"""Unit-written text made safe for a Word document: no control characters, bounded length.

The text lands as literal runs (python-docx escapes it as XML), so '=cmd|...' stays text. The
cleaning is rbxl.core.text's (controls, bidi overrides, surrogates), with line breaks kept; the
report adds what XML 1.0 also refuses (U+FFFE, U+FFFF) and a cut for texts that would fill pages.
"""

from __future__ import annotations

from rbxl.core import text as _text
from rbxl.core.values import format_number

LIMIT = 1500  # characters of one unit-written text in the report; the workbook keeps it whole
_XML_NONCHARS = str.maketrans("", "", "\ufffe\uffff")


def clean_text(value: object) -> str:
    """`value` as text without control characters; line breaks kept as '\\n'."""
    if value is None:
        return ""
    return _text.clean_text(value, keep_newlines=True).translate(_XML_NONCHARS).strip()


def unit_text(value: object, limit: int = LIMIT) -> str:
    """Clean unit text, cut to `limit` characters with a visible mark saying how long it was."""
    text = clean_text(value)
    if len(text) <= limit:
        return text
    return (f"{text[:limit].rstrip()} … [dipotong; teks lengkap {format_number(len(text))} karakter "
            f"ada di workbook monitoring]")
