"""One reading of a zip: refuse a zip whose bytes can be read two ways.

The guard reads a package with Python's zipfile; calamine reads it with Rust's zip crate; the
operator may open a zip of returns in Windows Explorer. Each finds the end-of-central-directory
record (EOCD) and the central directory its own way, so a second EOCD (e.g. in the zip comment), a
central directory not where the EOCD says, hidden local headers or members whose bytes overlap let
one reader see a decoy while another reads the real package. A zip is accepted only when its bytes
have one reading: members one after another, each local header listed once, the central directory
ending where the (zip64) end record begins, one EOCD ending the file, a comment without zip records.
"""

from __future__ import annotations

import bisect
import struct
import zipfile

EOCD = b"PK\x05\x06"
EOCD64 = b"PK\x06\x06"
LOCATOR64 = b"PK\x06\x07"
CENTRAL = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF
# not two readings but none: a damaged zip (a cut download), told as FILE_UNREADABLE by the callers
BROKEN = "zip rusak (direktori pusat di luar berkas)"


def ambiguity(data: bytes, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], package: bool) -> str | None:
    """Why `data` can be read two ways (Indonesian, for the finding), or None when it has one reading.

    `package` (an xlsx/ods, written whole by an office app) also refuses local headers no directory
    entry lists; a zip of returns may keep stored workbooks (with their own zip records) inside.
    """
    size = len(data)
    eocd = _eocd(data)
    if eocd < 0:
        return "akhir direktori zip tidak ditemukan"
    (comment_len,) = struct.unpack("<H", data[eocd + 20:eocd + 22])
    if eocd + 22 + comment_len != size:
        return "ada data sesudah akhir direktori zip"
    comment = data[eocd + 22:]
    if any(sig in comment for sig in (EOCD, EOCD64, LOCATOR64, CENTRAL, LOCAL)):
        return "komentar zip memuat catatan zip lain (akhir direktori kedua)"
    declared_size, declared_start, cd_end = _directory(data, eocd)
    if declared_start + declared_size > size:
        return BROKEN
    start = getattr(zf, "start_dir", declared_start)
    if start != declared_start or declared_start + declared_size != cd_end:
        return "direktori pusat zip tidak berada di tempat yang dinyatakan akhir direktori"
    spans: list[tuple[int, int, int, bool]] = []  # (local header, data start, data end, opaque)
    for info in sorted(infos, key=lambda i: i.header_offset):
        h = info.header_offset
        if data[h:h + 4] != LOCAL or h + 30 > size:
            return f"anggota '{_short(info.filename)}' tidak berada di tempat yang dinyatakan direktori"
        n, e = struct.unpack("<HH", data[h + 26:h + 30])
        begin, end = h + 30 + n + e, h + 30 + n + e + info.compress_size
        if spans and h < spans[-1][2]:
            return f"anggota '{_short(info.filename)}' bertumpang tindih dengan anggota lain"
        if end > start:
            return f"anggota '{_short(info.filename)}' bertumpang tindih dengan direktori pusat"
        opaque = info.compress_type != zipfile.ZIP_STORED or (not package and data[begin:begin + 4] == LOCAL)
        spans.append((h, begin, end, opaque))
    hidden = [(b, e) for _, b, e, opaque in spans if opaque]  # bytes that may hold anything (compressed, a nested zip)
    if _outside(data, EOCD, hidden) != [eocd]:
        return "ada lebih dari satu akhir direktori zip"
    if any(not start <= p < cd_end for p in _outside(data, CENTRAL, hidden)):
        return "ada direktori pusat kedua di luar tempatnya"
    if package and _outside(data, LOCAL, hidden) != sorted(h for h, *_ in spans):
        return "ada anggota tersembunyi yang tidak tercantum di direktori pusat"
    return None


def _eocd(data: bytes) -> int:
    """Where zipfile finds the EOCD: the last 22 bytes when the comment is empty, else the last
    signature in the final 64 KiB (zipfile._EndRecData)."""
    if len(data) >= 22 and data[-22:-18] == EOCD and data[-2:] == b"\0\0":
        return len(data) - 22
    return data.rfind(EOCD, max(0, len(data) - _MAX_COMMENT - 22))


def _directory(data: bytes, eocd: int) -> tuple[int, int, int]:
    """(declared size, declared start, where it must end) of the central directory."""
    size_cd, start_cd = struct.unpack("<II", data[eocd + 12:eocd + 20])
    loc = eocd - 20
    if loc >= 0 and data[loc:loc + 4] == LOCATOR64:
        (rec,) = struct.unpack("<Q", data[loc + 8:loc + 16])
        if data[rec:rec + 4] == EOCD64 and rec + 56 <= loc:
            size64, start64 = struct.unpack("<QQ", data[rec + 40:rec + 56])
            return size64, start64, rec
    return size_cd, start_cd, eocd


def _outside(data: bytes, sig: bytes, hidden: list[tuple[int, int]]) -> list[int]:
    """Positions of `sig` in `data` that do not lie inside a hidden span (spans sorted, apart)."""
    starts = [b for b, _ in hidden]
    out, i = [], data.find(sig)
    while i >= 0:
        k = bisect.bisect_right(starts, i) - 1
        if k < 0 or i >= hidden[k][1]:
            out.append(i)
            if len(out) > 100_000:
                break  # far past any legitimate count: the caller refuses the file anyway
        i = data.find(sig, i + 1)
    return out


def _short(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "..."
