"""What a valid e-mail address is: one parser for `master check`, `rbxl kirim` and `rbxl tarik`.

A master cell may hold several addresses, separated by ';', ',' or line breaks. An address is
a dot-atom local part and a domain of letter/digit labels (hyphens only inside a label), as
an SMTP server accepts it; anything else is reported instead of being silently skipped.
"""

from __future__ import annotations

import re

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = rf"{_ATOM}(?:\.{_ATOM})*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})+"
_ADDRESS = re.compile(rf"{_LOCAL}@{_DOMAIN}")
_SEPARATORS = re.compile(r"[;,\r\n]")


def is_address(text: str | None) -> bool:
    """True for one plain address such as 'organisasi@blorakab.go.id'."""
    return bool(_ADDRESS.fullmatch(text or ""))


def split_addresses(raw: str | None) -> list[str]:
    """The non-blank parts of a cell, in order."""
    return [p.strip() for p in _SEPARATORS.split(raw or "") if p.strip()]


def parse_addresses(raw: str | None) -> tuple[list[str], list[str]]:
    """(valid, invalid) addresses of a master cell; valid ones once each, case ignored."""
    valid: list[str] = []
    invalid: list[str] = []
    for part in split_addresses(raw):
        if not is_address(part):
            invalid.append(part)
        elif part.lower() not in (v.lower() for v in valid):
            valid.append(part)
    return valid, invalid
