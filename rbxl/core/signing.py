"""The office's keyed signature on every template it makes, so no unit can pass a file off as
another unit's, or as another period's.

A secret key (32 random bytes) lives beside the period folders, at `<out>/.rbxl-kunci`: created
the first time rbxl writes a template there (generate, perbaikan, demo), readable by its owner
only, and never written into any template. Each template's hidden meta sheet carries `tanda`,
an HMAC-SHA256 under that key over every other meta entry: unit, tahun, periode, the template
id, the master fingerprint, the creation time, each sheet's row keys and the prefill source.
A unit can read the signature but cannot make a valid one for other content, so editing any of
these (in the hidden sheet, in the shared strings, or by rebuilding the file) is caught.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from rbxl.core.atomic import TEMP_PREFIX, explain
from rbxl.core.errors import OutputError, UsageError
from rbxl.core.messages import message
from rbxl.core.paths import key_file

SIGNATURE = "tanda"  # the meta key holding the signature
TEMPLATE_ID = "id"  # the meta key of the template's random id
CREATED = "dibuat"  # the meta key of the template's creation time (UTC, ISO 8601)
VERSION = "v1"
_KEY_BYTES = 32
_HEADER = ("# rbxl: kunci tanda keaslian template. Simpan cadangannya di tempat aman; tanpa berkas ini\n"
           "# keaslian template yang sudah dikirim tidak dapat diperiksa. Jangan dikirim ke unit.\n")


@dataclass(frozen=True)
class Signing:
    """What a validation run knows about the office's key: the key, or None when its file is absent
    (templates made in another output folder or on another computer)."""

    path: Path
    key: bytes | None


def key_path(out: str | Path) -> Path:
    return key_file(out)


def load_signing(out: str | Path) -> Signing:
    """The key of the output folder `out`, read only (never created by a validation)."""
    path = key_path(out)
    return Signing(path, _read(path) if path.exists() else None)


def ensure_key(out: str | Path) -> bytes:
    """The key of `out`, created (mode 0600, never half-written) when it does not exist yet."""
    path = key_path(out)
    if path.exists():
        return _read(path)
    key = os.urandom(_KEY_BYTES)
    tmp = path.with_name(f"{TEMP_PREFIX}kunci-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(tmp, key)
        try:
            os.link(tmp, path)  # fails when another run made the key first: then that one counts
        except FileExistsError:
            return _read(path)
        except OSError:  # a file system without hard links (some network shares): create in place
            try:
                _write_new(path, key)
            except FileExistsError:
                return _read(path)
    except OSError as err:
        raise OutputError(explain(err, path)) from err
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return key


def _write_new(path: Path, key: bytes) -> None:
    """Create `path` (never over an existing file), owner-only, holding the key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(_HEADER + key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as err:
        raise UsageError(message("SIGNING_KEY_UNREADABLE", path=path, why=err.strerror or err)) from err
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) != 1 or not re.fullmatch(r"[0-9a-f]{64}", lines[0]):
        raise UsageError(message("SIGNING_KEY_BROKEN", path=path))
    return bytes.fromhex(lines[0])


def _payload(meta: dict[str, str]) -> bytes:
    """Every meta entry but the signature, in one unambiguous order and spelling."""
    items = sorted((k, v) for k, v in meta.items() if k != SIGNATURE)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(meta: dict[str, str], key: bytes) -> str:
    """The `tanda` value for a template's meta entries."""
    mac = hmac.new(key, b"rbxl-template\0" + _payload(meta), hashlib.sha256).hexdigest()
    return f"{VERSION}:{mac}"


def verify(meta: dict[str, str], key: bytes) -> bool:
    """True when `meta` (as read back from a returned file) carries a valid signature under `key`."""
    given = meta.get(SIGNATURE, "")
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), sign(meta, key).encode("ascii"))
