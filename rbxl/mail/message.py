"""The messages kirim sends: a text template with placeholders, filled per unit, as MIME.

Three kinds share one shape: the template e-mail, the feedback (umpan balik) with the
perbaikan workbook, and the reminder (pengingat). Feedback and reminders carry In-Reply-To and
References pointing at the logged Message-ID of the template e-mail, so the unit's mail client
shows one conversation per period.
"""

from __future__ import annotations

import mimetypes
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from importlib import resources
from pathlib import Path

from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.core.values import format_date
from rbxl.form.spec import PERIODE_LABEL
from rbxl.master.model import Roadmap, Unit

TEMPLATE, UMPAN_BALIK, PENGINGAT = "template", "umpan-balik", "pengingat"  # the kinds of message
TEMPLATE_FILES = {TEMPLATE: "kirim_template.txt", UMPAN_BALIK: "umpan_balik_template.txt",
                  PENGINGAT: "pengingat_template.txt"}

PLACEHOLDERS = ("unit_nama", "unit_kode", "periode_label", "tahun", "batas_waktu", "kontak_nama",
                "kontak_telepon", "kontak_email", "cara_pengembalian", "pengelola", "nama_pemda",
                "nama_berkas", "umpan_balik", "putusan", "permintaan", "keterangan_batas", "lampiran", "catatan_riwayat")

_MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".xls": "application/vnd.ms-excel", ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str
    source: str

    def render(self, context: Mapping[str, str]) -> tuple[str, str]:
        try:
            subject = self.subject.format_map(context)
            body = "\n".join(line.format_map(context) for line in self.body.split("\n")
                             if not _empty_contact_line(line, context))
        except (ValueError, KeyError, IndexError, AttributeError) as err:
            raise UsageError(message("MAIL_TEMPLATE_NOT_FILLED", source=self.source, detail=err)) from None
        return " ".join(subject.split()), body


_CONTACT = ("kontak_nama", "kontak_telepon", "kontak_email")


def _empty_contact_line(line: str, context: Mapping[str, str]) -> bool:
    """A line that only shows a contact the master does not give ('Telepon: -'): not printed."""
    named = set(re.findall(r"{(\w+)[^{}]*}", line))
    return bool(named) and named <= set(_CONTACT) and all((context.get(k) or "-").strip() == "-" for k in named)


def load_template(path: str | Path | None = None, kind: str = TEMPLATE) -> MailTemplate:
    """The subject and body: first line 'Subjek: ...', a blank line, then the body."""
    if path is None:
        name = TEMPLATE_FILES[kind]
        source = f"bawaan (rbxl/mail/templates/{name})"
        text = resources.files("rbxl.mail").joinpath("templates", name).read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UsageError(message("MAIL_TEMPLATE_MISSING", path=path)) from None
        except UnicodeDecodeError:
            raise UsageError(message("MAIL_TEMPLATE_NOT_UTF8", path=path)) from None
        except OSError as err:
            from rbxl.core.atomic import explain_read

            raise UsageError(message("MAIL_TEMPLATE_UNREADABLE", reason=explain_read(err, path))) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    m = re.match(r"\s*(?:subjek|subject)\s*:(.*)$", lines[0] if lines else "", re.IGNORECASE)
    if not m or not m.group(1).strip():
        raise UsageError(message("MAIL_TEMPLATE_NO_SUBJECT", source=source))
    body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        raise UsageError(message("MAIL_TEMPLATE_NO_BODY", source=source))
    tpl = MailTemplate(m.group(1).strip(), body + "\n", source)
    _check_placeholders(tpl)
    return tpl


def _check_placeholders(tpl: MailTemplate) -> None:
    unknown: list[str] = []

    def walk(text: str) -> None:
        for _, name, spec, _ in string.Formatter().parse(text):
            if name is None:
                continue
            if name not in PLACEHOLDERS and f"{{{name}}}" not in unknown:
                unknown.append(f"{{{name}}}")
            if spec:
                walk(spec)

    try:
        walk(tpl.subject)
        walk(tpl.body)
    except ValueError as err:
        raise UsageError(message("MAIL_TEMPLATE_BAD_BRACES", source=tpl.source, detail=err)) from None
    if unknown:
        known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        raise UsageError(message("MAIL_TEMPLATE_UNKNOWN_FIELDS", source=tpl.source, unknown=", ".join(unknown),
                                 known=known))
    tpl.render({p: "x" for p in PLACEHOLDERS})  # format specs that cannot apply fail now, not midway


def return_instruction(s: Mapping[str, str]) -> str:
    """How to send the file back, with the address it speaks of ('alamat kontak'), or a clear
    instruction when the master gives none: the template and every e-mail say the same."""
    from rbxl.form.spec import return_instruction as text

    return text(s) or "-"


def template_context(roadmap: Roadmap, unit: Unit, tahun: int, periode: str, nama_berkas: str,
                     **extra: str) -> dict[str, str]:
    s = roadmap.settings

    def setting(key: str) -> str:
        return (s.get(key) or "").strip() or "-"

    deadline = roadmap.jadwal.get((tahun, periode))
    context = {"unit_nama": unit.nama, "unit_kode": unit.kode, "periode_label": PERIODE_LABEL[periode],
               "tahun": str(tahun), "batas_waktu": format_date(deadline) if deadline else "-",
               "kontak_nama": setting("kontak_nama"), "kontak_telepon": setting("kontak_telepon"),
               "kontak_email": setting("kontak_email"), "cara_pengembalian": return_instruction(s),
               "pengelola": setting("pengelola"), "nama_pemda": setting("nama_pemda"),
               "nama_berkas": nama_berkas, "umpan_balik": "-", "putusan": "-", "permintaan": "", "keterangan_batas": "-", "lampiran": "-",
               "catatan_riwayat": ""}
    return context | extra


def late_again_note(ketepatan: str, before_label: str) -> str:
    """The reminder's sentence for a unit that did not return, or returned late, in the period
    before (`before_label`, e.g. 'Triwulan I 2023'); '' otherwise. It starts with a space so the
    template can put {catatan_riwayat} straight after a sentence."""
    from rbxl.consolidation.figures import LATE
    from rbxl.consolidation.tables import NOT_RETURNED, REJECTED_FILE

    if ketepatan == NOT_RETURNED:
        return f" Berkas {before_label} dari unit Bapak/Ibu juga tidak kami terima."
    if ketepatan == REJECTED_FILE:
        return f" Berkas {before_label} dari unit Bapak/Ibu juga tidak dapat kami pakai karena ditolak."
    if ketepatan == LATE:
        return f" Berkas {before_label} dari unit Bapak/Ibu juga kami terima setelah batas waktu."
    return ""


def mime_type(name: str) -> tuple[str, str]:
    kind = _MIME.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    main, _, sub = kind.partition("/")
    return main, sub


def build_message(*, subject: str, body: str, sender: str, sender_name: str, to: list[str], reply_to: str,
                  attachment: bytes | None, filename: str, unit: str, tahun: int, periode: str,
                  sha256: str, kind: str = TEMPLATE, in_reply_to: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = ", ".join(to)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "rbxl.invalid"
    msg["Message-ID"] = make_msgid(idstring=f"rbxl.{re.sub(r'[^A-Za-z0-9.-]', '', unit)}", domain=domain)
    if in_reply_to:  # one conversation per unit and period in the unit's mail client
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    kind_part = "" if kind == TEMPLATE else f"; jenis={kind}"
    msg["X-RBXL"] = f"unit={unit}; tahun={tahun}; periode={periode}; sha256={sha256}{kind_part}"
    # Plain ASCII paragraphs stay verbatim (readable in the .eml); the rest is quoted-printable.
    plain = body.isascii() and max(map(len, body.splitlines()), default=0) <= 900
    msg.set_content(body, cte="7bit" if plain else "quoted-printable")
    if attachment is not None:
        maintype, subtype = mime_type(filename)
        msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=filename)
    return msg
