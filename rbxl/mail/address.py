"""What rbxl accepts as an e-mail address, and how a master cell holding several is split."""

from __future__ import annotations

import re

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
_ADDRESS = re.compile(rf"{_LOCAL}@{_DOMAIN}")


def is_address(text: str) -> bool:
    return bool(_ADDRESS.fullmatch(text or ""))


def parse_addresses(raw: str) -> tuple[list[str], list[str]]:
    """(valid, invalid) addresses of a master cell; several may be separated by ';' or ','."""
    valid: list[str] = []
    invalid: list[str] = []
    for part in re.split(r"[;,]", raw or ""):
        part = part.strip()
        if not part:
            continue
        if not is_address(part):
            invalid.append(part)
        elif part.lower() not in (v.lower() for v in valid):
            valid.append(part)
    return valid, invalid
