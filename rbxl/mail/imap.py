"""The IMAP side: connect (IMAPS, STARTTLS or plain), read headers and BODYSTRUCTURE, fetch bodies.

Built on the standard library's imaplib: the server does the MIME parsing (BODYSTRUCTURE), so
all rbxl needs on top is a reader for IMAP's parenthesised responses (`parse`) and a walk over
a message's parts that says which of them is a workbook (`attachments`). Nothing here deletes,
moves or marks a message as read: bodies are fetched with BODY.PEEK and the folder is opened
read-only unless a flag is to be set.
"""

from __future__ import annotations

import contextlib
import email.header
import email.utils
import imaplib
import re
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from rbxl.core.errors import MailError, UsageError
from rbxl.core.messages import message
from rbxl.mail.config import ImapSettings

WORKBOOK_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
CONTAINER_EXT = {".zip", ".eml", ".msg"}  # may hold a workbook: fetched, opened by validate
WORKBOOK_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet",
                  "application/vnd.ms-excel.sheet.macroenabled.12"}
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
PKCS7_MIME = {"application/pkcs7-mime", "application/x-pkcs7-mime"}  # opaque signed or encrypted S/MIME
HEADERS = "MESSAGE-ID FROM SUBJECT DATE"
FLAG = "rbxl-diambil"  # the keyword `--tandai` sets (\Flagged where the server has no keywords)


# --- reading IMAP responses ----------------------------------------------------------------------
def parse(data: bytes) -> list:
    """IMAP's parenthesised data as nested lists: strings and atoms as bytes, NIL as None.

    Literals `{n}` are followed directly by their n bytes (as imaplib hands them over, joined).
    """
    out: list = []
    stack = [out]
    pos, end = 0, len(data)
    while pos < end:
        ch = data[pos]
        if ch in b" \r\n\t":
            pos += 1
        elif ch == 0x28:  # (
            stack.append([])
            pos += 1
        elif ch == 0x29:  # )
            if len(stack) == 1:
                raise ValueError("unbalanced ')' in IMAP response")
            top = stack.pop()
            stack[-1].append(top)
            pos += 1
        elif ch == 0x22:  # "quoted"
            buf = bytearray()
            pos += 1
            while pos < end and data[pos] != 0x22:
                if data[pos] == 0x5C and pos + 1 < end:  # backslash escape
                    pos += 1
                buf.append(data[pos])
                pos += 1
            stack[-1].append(bytes(buf))
            pos += 1
        elif ch == 0x7B:  # {n} literal
            close = data.index(b"}", pos)
            n = int(data[pos + 1:close])
            pos = close + 1
            stack[-1].append(data[pos:pos + n])
            pos += n
        else:  # atom, possibly with a [section (with parentheses)] inside
            start = pos
            depth = 0
            while pos < end:
                c = data[pos]
                if c == 0x5B:
                    depth += 1
                elif c == 0x5D:
                    depth -= 1
                elif depth == 0 and c in b" ()\r\n":
                    break
                pos += 1
            atom = data[start:pos]
            stack[-1].append(None if atom.upper() == b"NIL" else atom)
    if len(stack) != 1:
        raise ValueError("unbalanced '(' in IMAP response")
    return out


def joined(response: list) -> bytes:
    """imaplib's FETCH data (bytes and (header, literal) pairs) back as one stream."""
    return b"".join(part[0] + part[1] if isinstance(part, tuple) else part for part in response if part)


def fetch_items(response: list) -> Iterator[dict[str, object]]:
    """Each message of a FETCH response as {ITEM NAME: value}."""
    tokens = parse(joined(response))
    for i in range(0, len(tokens) - 1):
        if isinstance(tokens[i], bytes) and tokens[i].isdigit() and isinstance(tokens[i + 1], list):
            pairs = tokens[i + 1]
            yield {_text(pairs[j]).upper(): pairs[j + 1] for j in range(0, len(pairs) - 1, 2)}


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


# --- what a message carries ----------------------------------------------------------------------
@dataclass
class Part:
    """One leaf of a message's MIME tree, as BODYSTRUCTURE describes it."""

    content_type: str
    filename: str
    size: int
    forwarded: bool = False  # inside a message/rfc822 part

    @property
    def ext(self) -> str:
        return PurePosixPath(self.filename.lower()).suffix

    @property
    def is_workbook(self) -> bool:
        # a name without extension still counts when the type says spreadsheet (intake sniffs the bytes)
        return self.ext in WORKBOOK_EXT or (not self.ext and self.content_type in WORKBOOK_TYPES)

    @property
    def may_hold_workbook(self) -> bool:
        return self.ext in CONTAINER_EXT or self.content_type in ZIP_TYPES

    @property
    def is_tnef(self) -> bool:
        return self.content_type in TNEF_TYPES or self.filename.lower() == "winmail.dat"

    @property
    def is_sealed(self) -> bool:
        """Its files cannot be seen from here (winmail.dat, S/MIME in the signature, encrypted mail).

        The message is fetched all the same: validate opens what it can and names the rest.
        """
        return (self.is_tnef or self.content_type in PKCS7_MIME or self.content_type == "multipart/encrypted"
                or self.ext in {".p7m", ".pgp", ".gpg"})


@dataclass
class Envelope:
    """What rbxl learns about a message before downloading it."""

    uid: int
    size: int
    message_id: str
    sender: str
    subject: str
    date: str
    parts: list[Part] = field(default_factory=list)

    @property
    def workbooks(self) -> list[Part]:
        """The parts that are, or may hold, a workbook: the message is fetched when there is one."""
        return [p for p in self.parts if p.is_workbook or p.may_hold_workbook or p.is_sealed]

    @property
    def attachments(self) -> list[Part]:
        return [p for p in self.parts if p.filename or p.is_workbook or p.is_sealed]


def attachments(structure: list, forwarded: bool = False) -> list[Part]:
    """The leaves of a BODYSTRUCTURE, forwarded messages (message/rfc822) opened."""
    if not isinstance(structure, list) or not structure:
        return []
    if isinstance(structure[0], list):  # multipart: children first, then the subtype
        out: list[Part] = []
        subtype = ""
        for child in structure:
            if not isinstance(child, list):
                subtype = _text(child).lower()
                break
            out += attachments(child, forwarded)
        if subtype == "encrypted":  # PGP/MIME: one sealed part, whatever its pieces are called
            return [Part("multipart/encrypted", "", sum(p.size for p in out), forwarded)]
        return out
    kind = f"{_text(structure[0])}/{_text(structure[1])}".lower()
    size = _int(structure[6]) if len(structure) > 6 else 0
    if kind == "message/rfc822" and len(structure) > 8 and isinstance(structure[8], list):
        inner = attachments(structure[8], True)
        return inner
    ext_at = 9 if kind.startswith("text/") else 8  # basic parts: md5 at 7, disposition at 8
    disposition = structure[ext_at] if len(structure) > ext_at else None
    name = ""
    if isinstance(disposition, list) and len(disposition) > 1 and isinstance(disposition[1], list):
        name = _param(disposition[1], "filename")
    if not name and isinstance(structure[2], list):
        name = _param(structure[2], "name")
    return [Part(kind, name, size, forwarded)]


def _int(v: object) -> int:
    try:
        return int(_text(v))
    except ValueError:
        return 0


def _param(params: list, key: str) -> str:
    """A parameter's value, decoded: RFC 2231 (name*=utf-8''..., continuations) or RFC 2047."""
    values = {_text(params[i]).lower(): _text(params[i + 1]) for i in range(0, len(params) - 1, 2)}
    if key in values:
        return _decode_2047(values[key])
    pieces = []  # (index, value, percent-encoded) of key*, key*0*, key*1 ...
    for k, v in values.items():
        m = re.fullmatch(re.escape(key) + r"\*(?:(\d+)(\*?))?", k)
        if m:
            pieces.append((int(m.group(1) or 0), v, m.group(1) is None or bool(m.group(2))))
    if not pieces:
        return ""
    pieces.sort()
    charset = "utf-8"
    raw = bytearray()
    for n, (_, value, encoded) in enumerate(pieces):
        if n == 0 and encoded and value.count("'") >= 2:
            charset, _, value = value.split("'", 2)[0], "", value.split("'", 2)[2]
        raw += urllib.parse.unquote_to_bytes(value) if encoded else value.encode("utf-8")
    try:
        return raw.decode(charset or "utf-8", "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def _decode_2047(text: str) -> str:
    if "=?" not in text:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return text


def envelope(uid: int, item: dict[str, object]) -> Envelope:
    from email.parser import BytesHeaderParser
    from email.policy import default

    header_key = next((k for k in item if k.startswith("BODY[HEADER")), "")
    raw = item.get(header_key) or b""
    headers = BytesHeaderParser(policy=default).parsebytes(raw if isinstance(raw, bytes) else b"")

    def h(name: str) -> str:
        try:
            return " ".join(str(headers.get(name, "") or "").split())
        except (ValueError, TypeError, IndexError):  # a broken header must not stop the run
            return ""

    structure = item.get("BODYSTRUCTURE")
    return Envelope(uid, _int(item.get("RFC822.SIZE")), h("Message-ID"), h("From"), h("Subject"), h("Date"),
                    attachments(structure) if isinstance(structure, list) else [])


# --- the connection ------------------------------------------------------------------------------
class Mailbox:
    """One IMAP session on one folder; every failure becomes a MailError in Indonesian."""

    def __init__(self, settings: ImapSettings, prompt: Callable[[str], str] | None = None):
        self.s = settings
        self.prompt = prompt
        self.conn: imaplib.IMAP4 | None = None
        self.writable = False

    @property
    def where(self) -> str:
        return f"{self.s.host}:{self.s.effective_port}"

    def open(self, writable: bool = False) -> Mailbox:
        s = self.s
        if not s.host:
            from rbxl.mail.config import IMAP_HELP

            raise UsageError(IMAP_HELP)
        if not s.user:
            raise UsageError(message("IMAP_USER_MISSING"))
        if not s.password:
            s.password = self.prompt(s.user) if self.prompt else ""
            if not s.password:
                raise UsageError(message("IMAP_PASSWORD_MISSING", user=s.user))
        context = ssl.create_default_context(cafile=s.cafile or None)
        try:
            if s.security == "ssl":
                self.conn = imaplib.IMAP4_SSL(s.host, s.effective_port, ssl_context=context, timeout=s.timeout)
            else:
                self.conn = imaplib.IMAP4(s.host, s.effective_port, timeout=s.timeout)
                if s.security == "starttls":
                    self.conn.starttls(ssl_context=context)
        except (OSError, imaplib.IMAP4.error) as err:
            self.close()
            raise MailError(self.describe(err, message("IMAP_DOING_CONNECT"))) from err
        try:
            self.conn.login(s.user, s.password)
        except imaplib.IMAP4.error as err:
            self.close()
            # one attempt only: retrying a wrong password can lock the office's account
            raise MailError(message("IMAP_LOGIN_REFUSED", user=s.user, server=self.where, detail=_short(err))) from err
        except OSError as err:
            self.close()
            raise MailError(self.describe(err, message("IMAP_DOING_LOGIN"))) from err
        try:
            typ, data = self.conn.select(_quote(s.folder), readonly=not writable)
        except (OSError, imaplib.IMAP4.error) as err:
            self.close()
            raise MailError(self.describe(err, message("IMAP_DOING_SELECT"))) from err
        if typ != "OK":
            self.close()
            raise UsageError(message("IMAP_FOLDER_MISSING", folder=s.folder, user=s.user,
                                     detail=_text(data[0] if data else "")))
        self.writable = writable
        return self

    def uids_since(self, since) -> list[int]:
        # IMAP month names are English whatever the locale: not strftime's %b
        criteria = f"SINCE {since.day}-{_MONTHS[since.month - 1]}-{since.year}" if since else "ALL"
        typ, data = self._call("uid", "SEARCH", criteria)
        return sorted(int(x) for x in (data[0] or b"").split()) if typ == "OK" else []

    def envelopes(self, uids: list[int], batch: int = 250) -> Iterator[Envelope]:
        for i in range(0, len(uids), batch):
            chunk = ",".join(map(str, uids[i:i + batch]))
            typ, data = self._call("uid", "FETCH", chunk,
                                   f"(UID RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS ({HEADERS})])")
            for item in fetch_items(data):
                yield envelope(_int(item.get("UID")), item)

    def body(self, uid: int) -> bytes:
        typ, data = self._call("uid", "FETCH", str(uid), "(BODY.PEEK[])")
        for item in fetch_items(data):
            raw = item.get("BODY[]")
            if isinstance(raw, bytes):
                return raw
        raise MailError(message("IMAP_MESSAGE_GONE", uid=uid, server=self.where))

    def flag(self, uid: int) -> None:
        typ, _ = self._call("uid", "STORE", str(uid), f"+FLAGS ({FLAG})")
        if typ != "OK":
            self._call("uid", "STORE", str(uid), "+FLAGS (\\Flagged)")

    def _call(self, name: str, *args):
        assert self.conn is not None
        try:
            return getattr(self.conn, name)(*[a for a in args if a is not None])
        except (OSError, imaplib.IMAP4.error) as err:  # abort (dropped) is an IMAP4.error too
            self.close()
            raise MailError(self.describe(err, message("IMAP_DOING_READ"))) from err

    def describe(self, err: BaseException, doing: str) -> str:
        s = self.s
        if isinstance(err, ConnectionRefusedError):
            why = message("IMAP_WHY_REFUSED")
        elif isinstance(err, socket.gaierror):
            why = message("IMAP_WHY_UNKNOWN_HOST", host=s.host)
        elif isinstance(err, TimeoutError):
            why = message("IMAP_WHY_TIMEOUT", seconds=f"{s.timeout:g}")
        elif isinstance(err, ssl.SSLCertVerificationError):
            why = message("IMAP_WHY_CERTIFICATE", detail=err.verify_message)
        elif isinstance(err, ssl.SSLError):
            why = message("IMAP_WHY_TLS", detail=_short(err))
        elif isinstance(err, imaplib.IMAP4.abort | ConnectionError | EOFError):
            why = message("IMAP_WHY_DROPPED", detail=_short(err))
        else:
            why = _short(err)
        return message("IMAP_FAILED", doing=doing, server=self.where, why=why)

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.logout()  # never CLOSE: on a writable folder it would expunge what others marked deleted
        except (OSError, imaplib.IMAP4.error):
            with contextlib.suppress(OSError):
                conn.shutdown()

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _short(err: BaseException) -> str:
    text = _text(err.args[0]) if err.args else type(err).__name__
    return " ".join(text.split())[:200] or type(err).__name__
