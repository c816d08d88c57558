"""Who a returned file says it is from, and whether that can be believed: the hidden
identity and its signature, the e-mail sender, the save time written inside, the visible
Identitas sheet when the hidden one was removed."""

from __future__ import annotations

import datetime as dt

from rbxl.checks.cells import cell, find_sheet, short
from rbxl.checks.submission import Submission
from rbxl.core.address import parse_addresses
from rbxl.core.findings import finding
from rbxl.core.signing import CREATED, SIGNATURE, verify
from rbxl.core.values import (
    as_text,
)
from rbxl.form.spec import (
    HEADER_ROW,
    LABEL_KODE_UNIT,
    LABEL_PERIODE,
    META_SHEET,
    SHEET_IDENTITAS,
)
from rbxl.intake import RawWorkbook
from rbxl.master.model import Roadmap


def read_meta(raw: RawWorkbook) -> dict[str, str] | None:
    grid = raw.sheets.get(META_SHEET)
    if grid is None:
        return None
    return {as_text(r[0]): as_text(r[1]) for r in grid[1:] if len(r) >= 2 and as_text(r[0])}


def authentic(sub: Submission, meta: dict[str, str], claimed: str, key: bytes) -> bool:
    """False (with its finding) when the identity the file shows is not the one the office signed."""
    shown = f"{short(meta.get('periode', '?'))} {short(meta.get('tahun', '?'))}"
    sub.unit = claimed
    if not meta.get(SIGNATURE):
        why = ("identitas tersembunyi tidak ada" if any(f.code == "FILE_META_MISSING" for f in sub.findings)
               else "tanda keaslian tidak ada di identitas tersembunyi")
        sub.findings.append(finding("FILE_UNSIGNED", file=sub.item.source, unit=claimed, sheet=META_SHEET,
                                    detail=why, claimed=short(meta["unit"])))
        return False
    if not verify(meta, key):
        sub.findings.append(finding("FILE_SIGNATURE_BAD", file=sub.item.source, unit=claimed, sheet=META_SHEET,
                                    detail=shown, claimed=short(meta["unit"])))
        return False
    return True


def unit_of_address(roadmap: Roadmap, address: str) -> list[str]:
    """The units whose master e-mail cell holds `address` (case ignored)."""
    address = address.lower()
    return [code for code, u in roadmap.units.items()
            if address in (a.lower() for a in parse_addresses(u.email)[0])]


def check_sender(sub: Submission, claimed: str, roadmap: Roadmap) -> None:
    """A file that came by e-mail is compared with the addresses of the unit it claims to be."""
    sender = sub.item.sender
    if sender is None or not claimed:
        return
    own = parse_addresses(roadmap.units[claimed].email)[0]
    shown = sender or "(tanpa alamat pengirim)"

    def add(code: str, **kw) -> None:
        sub.findings.append(finding(code, file=sub.item.source, unit=claimed, value=shown, claimed=claimed, **kw))

    if not own:
        add("EMAIL_SENDER_UNCHECKED")
    elif sender.lower() not in (a.lower() for a in own):
        others = [u for u in unit_of_address(roadmap, sender) if u != claimed] if sender else []
        if others:
            add("EMAIL_SENDER_OTHER_UNIT", other=", ".join(others), detail=", ".join(own))
        else:
            add("EMAIL_SENDER_UNKNOWN", detail=", ".join(own))


SENDER_MISMATCH = frozenset({"EMAIL_SENDER_OTHER_UNIT", "EMAIL_SENDER_UNKNOWN"})
CLOCK_SLACK = dt.timedelta(days=1)  # a unit's computer clock or time zone may be off by this much


def check_saved_time(sub: Submission, meta: dict[str, str], now: dt.datetime) -> None:
    """A save time in the future, or before the template was made, is reported and not used to
    choose the newest file (a forged date must not beat the unit's later correction)."""
    saved = sub.saved_at
    if saved is None:
        return
    if saved > now + CLOCK_SLACK:
        sub.findings.append(finding("FILE_SAVED_FUTURE", file=sub.item.source, unit=sub.unit,
                                    value=saved.isoformat(sep=" ")))
        sub.saved_at = None
        return
    made = template_made(meta)
    if made is not None and saved < made - CLOCK_SLACK:
        sub.findings.append(finding("FILE_SAVED_BEFORE_TEMPLATE", file=sub.item.source, unit=sub.unit,
                                    value=saved.isoformat(sep=" "), detail=made.isoformat(sep=" ")))
        sub.saved_at = None


def template_made(meta: dict[str, str]) -> dt.datetime | None:
    """When the template was written (meta 'dibuat', UTC) in local time, as saved_at is."""
    try:
        made = dt.datetime.fromisoformat(meta.get(CREATED, "").replace(" ", "T"))
        return made.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None) if made.tzinfo is None else \
            made.astimezone().replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


# what an untouched template yields; any other finding means something was typed


def identity_from_sheet(raw: RawWorkbook, roadmap: Roadmap) -> tuple[str | None, str]:
    """Unit code and period label written on the visible Identitas sheet (unit None if unknown)."""
    grid = find_sheet(raw, SHEET_IDENTITAS)
    if grid is None:
        return None, ""
    labels = {as_text(cell(grid, r, 0)): cell(grid, r, 1) for r in range(HEADER_ROW + 1, min(len(grid), 40))}
    unit = as_text(labels.get(LABEL_KODE_UNIT))
    return (unit if unit in roadmap.units else None), as_text(labels.get(LABEL_PERIODE))
