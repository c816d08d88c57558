"""Open a saved e-mail (.eml): every part, however it nests, in a worker with a deadline and a memory cap.

Mail clients hide attachments in many layouts: Apple Mail puts them inline inside
multipart/alternative and multipart/related, signed mail wraps them in multipart/signed
(S/MIME, PGP) or inside an opaque S/MIME signature (smime.p7m), a forwarded message carries
them as message/rfc822, and Outlook in RTF mode packs them into winmail.dat (TNEF). The whole
tree is walked here; what cannot be opened (encrypted mail, a broken winmail.dat) becomes a
finding that names it, so a workbook is never dropped silently.

The standard library's email parser has no limits of its own (a 1.4 MB message nested 20,000
levels deep took 77-188 s; 270,000 header parameters over 300 s and 450 MB), so a message
is first screened for absurd structure and then parsed in a worker (rbxl/workers.py): a
hostile message costs one finding, not the run.
"""

from __future__ import annotations

import datetime as dt
import email
import email.message
import email.policy
import email.utils
import re
from dataclasses import dataclass, field

from rbxl.core.findings import Finding, finding
from rbxl.core.messages import message
from rbxl.intake.guard import MAX_UNCOMPRESSED, OLE_MAGIC, ZIP_MAGIC, short

MAX_MAIL_PARTS = 1000  # MIME parts of one message, forwarded ones included
MAX_MULTIPART = 100  # multipart headers in one message (nesting and forwarding together)
MAX_DELIMITERS = 5000  # lines starting with "--": boundaries, screened before parsing
MAX_PARAMS = 100  # parameters of one Content-Type/-Disposition (a long RFC 2231 name needs ~10)
MAX_HEADER = 16 * 2**10  # bytes of one Content-Type/-Disposition header, folded lines included
ALONE_BYTES = 8 * 2**20  # a message larger than this is parsed in a worker of its own
FORWARDED = "pesan-terusan.eml"
WORKBOOK_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                  "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
                  "application/vnd.ms-excel": ".xls", "application/vnd.oasis.opendocument.spreadsheet": ".ods"}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
PKCS7_MIME = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
PGP_EXT = (".pgp", ".gpg")


@dataclass
class Mail:
    """What a message carries: its files as (path inside the message, raw name, bytes), and findings.

    The path is '' for a file attached to the message itself, or e.g. 'pesan-terusan.eml!/' for
    one inside a forwarded message, so the source reads 'surat.eml!/pesan-terusan.eml!/a.xlsx'.
    """

    when: dt.datetime | None = None
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # names past the byte budget, not decoded
    sender: str = ""  # the From address, lower case ('' when it names none; see collect's sender check)


def screen(data: bytes, source: str) -> Finding | None:
    """A finding when the raw message is built to exhaust the parser; read before any parsing."""
    nests = len(re.findall(rb"(?im)^content-type:[ \t]*(?:\r?\n[ \t]+)?multipart/", data))
    if nests > MAX_MULTIPART:
        return finding("FILE_TOO_LARGE", file=source,
                       detail=f"e-mail tidak wajar: {nests} bagian multipart bersarang (batas {MAX_MULTIPART})")
    for m in re.finditer(rb"(?im)^content-(?:type|disposition):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", data):
        if len(m.group()) > MAX_HEADER or m.group().count(b";") > MAX_PARAMS:
            return finding("FILE_TOO_LARGE", file=source,
                           detail=f"e-mail tidak wajar: kepala bagian MIME {len(m.group()) // 1024} KB dengan "
                                  f"{m.group().count(b';')} parameter (batas {MAX_PARAMS})")
    lines = len(re.findall(rb"(?m)^--", data))
    if lines > MAX_DELIMITERS:
        return finding("FILE_TOO_LARGE", file=source,
                       detail=f"e-mail tidak wajar: {lines} batas bagian MIME (batas {MAX_DELIMITERS})")
    return None


def parse_mail(data: bytes, source: str, bytes_left: int = MAX_UNCOMPRESSED) -> Mail:
    """Every file the message carries, decoded up to `bytes_left`; see the module docstring."""
    out = Mail()
    early = screen(data, source)
    if early:
        out.findings.append(early)
        return out
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        out.when = _date(msg)
        out.sender = _sender(msg)
        _Walker(source, out, bytes_left).walk(msg, "", 0)
    except _TooMany:
        out.files.clear()
        out.findings.append(finding("FILE_TOO_LARGE", file=source,
                                    detail=f"e-mail memuat lebih dari {MAX_MAIL_PARTS} bagian MIME"))
    except MemoryError:
        out.files.clear()
        out.findings.append(finding("FILE_TOO_LARGE", file=source, detail="e-mail tidak wajar: butuh memori berlebihan"))
    except RecursionError:
        out.files.clear()
        out.findings.append(finding("FILE_TOO_LARGE", file=source, detail="e-mail tidak wajar: bagian bersarang terlalu dalam"))
    except Exception as err:  # the email package raises many types on broken input
        out.files.clear()
        out.findings.append(finding("FILE_UNREADABLE", file=source, detail=f"e-mail rusak: {short(err)}"))
    return out


def _date(msg: email.message.Message) -> dt.datetime | None:
    try:
        raw = msg["Date"]
        if not raw:
            return None
        when = email.utils.parsedate_to_datetime(str(raw))
        return when.astimezone().replace(tzinfo=None) if when.tzinfo else when
    except (TypeError, ValueError, OverflowError, OSError, IndexError):
        return None


class _TooMany(Exception):
    pass


class _Walker:
    def __init__(self, source: str, out: Mail, bytes_left: int):
        self.source, self.out, self.bytes_left, self.parts = source, out, bytes_left, 0

    def unreachable(self, path: str, what: str) -> None:
        self.out.findings.append(finding("MAIL_UNREACHABLE", file=f"{self.source}!/{path}".rstrip("/!"), detail=what))

    def keep(self, path: str, name: str, data: bytes) -> None:
        if len(data) > self.bytes_left:
            self.out.not_checked.append(path + name)
            self.bytes_left = -1
            return
        self.bytes_left -= len(data)
        self.out.files.append((path, name, data))

    def walk(self, part: email.message.Message, path: str, depth: int) -> None:
        self.parts += 1
        if self.parts > MAX_MAIL_PARTS:
            raise _TooMany
        ctype = part.get_content_type()
        name = _filename(part)
        if ctype == "message/rfc822":  # a forwarded message: opened like the message itself
            inner = part.get_payload(0) if part.is_multipart() else None
            if isinstance(inner, email.message.Message):
                label = name if name.lower().endswith(".eml") else FORWARDED
                self.walk(inner, f"{path}{label}!/", depth + 1)
            return
        if ctype == "multipart/encrypted":
            self.unreachable(path, "pesan terenkripsi (PGP/MIME); isinya hanya dapat dibuka penerima dengan kunci "
                                   "pribadinya")
            return
        if part.is_multipart():  # mixed, alternative, related, signed (the signature is a leaf)
            payload = part.get_payload()
            for child in payload if isinstance(payload, list) else []:
                if isinstance(child, email.message.Message):
                    self.walk(child, path, depth)
            return
        if ctype in SIGNATURES:
            return  # a detached signature: the signed parts are its siblings
        if ctype in PKCS7_MIME or name.lower().endswith(".p7m"):
            self.smime(part, path, name or "smime.p7m", depth)
            return
        if ctype in TNEF_TYPES or name.lower() == "winmail.dat":
            self.tnef(_payload(part), path, name or "winmail.dat")
            return
        if name.lower().endswith(PGP_EXT):
            self.unreachable(path + name, "lampiran terenkripsi PGP; rbxl tidak dapat membukanya")
            return
        if not name:
            ext = WORKBOOK_TYPES.get(ctype)
            if not ext and ctype == "application/octet-stream":
                head = _payload(part)[:8]
                ext = ".xlsx" if head.startswith(ZIP_MAGIC) else ".xls" if head.startswith(OLE_MAGIC) else ""
            if not ext:
                return  # the text or HTML body, an unnamed inline image
            name = "lampiran" + ext
        self.keep(path, name, _payload(part))

    def smime(self, part: email.message.Message, path: str, name: str, depth: int) -> None:
        """Opaque signed S/MIME: the signed message is inside the signature; encrypted: a finding."""
        inner = signed_content(_payload(part))
        if inner is None:
            kind = str(part.get_param("smime-type") or "")
            what = "tanda tangan S/MIME yang tidak dapat dibaca" if "signed" in kind else \
                "pesan terenkripsi S/MIME; isinya hanya dapat dibuka penerima dengan kunci pribadinya"
            self.unreachable(path + name, what)
            return
        if name.lower().endswith(".p7m") and name.lower() != "smime.p7m":  # a signed file (laporan.xlsx.p7m)
            self.keep(path, name[:-4], inner)
            return
        try:
            msg = email.message_from_bytes(inner, policy=email.policy.default)
        except Exception as err:
            self.unreachable(path + name, f"isi tanda tangan S/MIME rusak ({short(err)})")
            return
        self.walk(msg, f"{path}{name}!/", depth + 1)

    def tnef(self, data: bytes, path: str, name: str) -> None:
        """winmail.dat (Outlook's RTF mail): the files inside, by tnefparse."""
        try:
            from tnefparse import TNEF

            tnef = TNEF(data, do_checksum=False)
            if not tnef.objects:
                raise ValueError(message("TNEF_EMPTY"))
            found = [(_tnef_name(a), a.data) for a in tnef.attachments]
        except MemoryError:
            raise
        except Exception as err:  # tnefparse raises what the bytes make it raise
            self.unreachable(path + name, f"winmail.dat (format RTF Outlook) tidak dapat dibuka ({short(err)}); minta "
                                          "unit mengirim ulang dengan format HTML atau teks biasa")
            return
        if not found:
            self.out.findings.append(finding("FILE_SKIPPED", file=f"{self.source}!/{path}{name}",
                                             detail="winmail.dat tanpa lampiran (hanya isi surat format RTF Outlook)"))
        for inner, payload in found:
            self.keep(f"{path}{name}!/", inner, payload if isinstance(payload, bytes) else b"")


def _tnef_name(att) -> str:
    try:
        name = att.long_filename()
    except Exception:
        name = ""
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return str(name or "").strip("\x00") or "lampiran"


def _filename(part: email.message.Message) -> str:
    try:
        return str(part.get_filename() or "")
    except (ValueError, TypeError, IndexError, LookupError):
        return ""


def _payload(part: email.message.Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


# --- CMS (PKCS #7) signed data: just enough DER/BER to take the signed content out ---------------
_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2


def signed_content(der: bytes) -> bytes | None:
    """The content of an opaque CMS SignedData (RFC 5652), or None (enveloped, detached, broken).

    The signature is not verified: rbxl reads what the unit sent; who sent it is another check.
    """
    try:
        tag, body, _ = _tlv(der, 0)
        if tag != 0x30:
            return None
        items = _children(body)
        if len(items) < 2 or items[0] != (0x06, _SIGNED_DATA):
            return None
        [signed] = [b for t, b in _children(items[1][1]) if t == 0x30][:1]
        parts = _children(signed)
        encap = next(b for t, b in parts[2:3] if t == 0x30)
        inner = _children(encap)
        if len(inner) < 2 or inner[1][0] != 0xA0:
            return None  # detached: no content inside
        [(t, octets)] = _children(inner[1][1])[:1]
        return _octets(t, octets)
    except (ValueError, IndexError, StopIteration):
        return None


def _octets(tag: int, body: bytes) -> bytes:
    if tag == 0x04:
        return body
    if tag == 0x24:  # constructed OCTET STRING (BER, as Outlook writes it): concatenate the pieces
        return b"".join(_octets(t, b) for t, b in _children(body))
    raise ValueError("not an octet string")


def _children(body: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(body):
        if body[pos:pos + 2] == b"\x00\x00":  # end of an indefinite-length content
            break
        tag, inner, pos = _tlv(body, pos)
        out.append((tag, inner))
    return out


def _tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, content, position after) of one BER element; indefinite lengths are followed."""
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte tags are not used in CMS")
    first = data[pos + 1]
    pos += 2
    if first == 0x80:  # indefinite: content runs to the matching 00 00
        start, end = pos, pos
        while data[end:end + 2] != b"\x00\x00":
            _, _, end = _tlv(data, end)
        return tag, data[start:end], end + 2
    if first & 0x80:
        n = first & 0x7F
        if n > 4:
            raise ValueError("length too long")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    else:
        length = first
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, data[pos:pos + length], pos + length


# --- in workers ---------------------------------------------------------------------------------
_FAILED = {"timeout": "e-mail tidak wajar: pembacaannya melebihi batas waktu {detail} detik",
           "died": "e-mail tidak wajar: pembacanya berhenti (memori habis)",
           "error": "e-mail tidak dapat dibaca: {detail}"}


def _init_worker() -> None:
    import tnefparse  # noqa: F401  (loaded before the memory cap, once per worker)


def _job(job: tuple[bytes, str, int]) -> Mail:
    return parse_mail(*job)


def _job_failed(job: tuple[bytes, str, int], why) -> Mail:
    return Mail(findings=[finding("FILE_TOO_LARGE", file=job[1], detail=_FAILED[why.kind].format(detail=why.detail))])


def parse_isolated(jobs: list[tuple[bytes, str, int]]) -> list[Mail]:
    """parse_mail(data, source, bytes_left) for each job, each in a worker with the workers' limits.

    A message screened out as absurd never reaches a worker; the others share one pool.
    """
    from rbxl.core.workers import default_workers, map_isolated

    out: list[Mail | None] = []
    todo = []
    for data, source, left in jobs:
        early = screen(data, source)
        out.append(Mail(findings=[early]) if early else None)
        if not early:
            todo.append((data, source, left))
    small = [j for j in todo if len(j[0]) <= ALONE_BYTES]
    results = dict(zip((id(j) for j in small), map_isolated(
        _job, small, initializer=_init_worker, initargs=(), workers=default_workers(), failed=_job_failed),
        strict=True)) if small else {}
    for j in todo:  # a large message parses alone, with the whole memory budget (40 MB took 350 MB)
        if id(j) not in results:
            [results[id(j)]] = map_isolated(_job, [j], initializer=_init_worker, initargs=(), workers=1,
                                            failed=_job_failed)
    done = iter(results[id(j)] for j in todo)
    return [m if m is not None else next(done) for m in out]


def _sender(msg: email.message.Message) -> str:
    """The message's From address, lower case ('' when it names none, the raw text when it names
    several or cannot be parsed: either way it matches no unit's address)."""
    try:
        raw = str(msg["From"] or "")
    except Exception:  # a header the email package cannot decode
        return ""
    return from_address(raw)


def from_address(raw: str) -> str:
    """One From header as the address to compare with the master's (lower case), else its text."""
    pairs = [a for _, a in email.utils.getaddresses([raw]) if a]
    if len(pairs) == 1 and "@" in pairs[0]:
        return pairs[0].strip().lower()
    return " ".join(raw.split())[:200]
