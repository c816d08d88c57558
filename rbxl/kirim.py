"""Send every unit its own template by e-mail, or write the messages as .eml files (dry run).

One message per unit, addressed to the unit's e-mail in the MASTER (the manifest may be stale),
with only that unit's template attached. Every message is recorded at once in
<out>/<tahun>-<periode>/email/kirim-log.csv, so a re-run sends only the units whose current
file (same SHA-256) has not gone out yet, even after a crash midway.

The SMTP password is read only from RBXL_SMTP_PASSWORD or an interactive hidden prompt; it is
never accepted from the command line or a configuration file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import string
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from importlib import resources
from pathlib import Path

from .atomic import write_bytes, write_text
from .errors import UsageError
from .form import PERIODE_LABEL
from .generate import MANIFEST, read_manifest, slug
from .master.model import Roadmap, Unit
from .paths import email_dir, templates_dir
from .text import safe_filename

LOG_NAME = "kirim-log.csv"
LOG_FIELDS = ["waktu", "unit", "alamat", "berkas", "sha256", "message_id", "hasil", "keterangan"]
TERKIRIM, GAGAL, DILEWATI, CONTOH = "terkirim", "gagal", "dilewati", "contoh"
SUDAH = "sudah terkirim"  # only in the result, never logged: the same file went out in an earlier run

ATTEMPTS = 3
RETRY_DELAYS: tuple[float, ...] = (2.0, 5.0)  # seconds before the 2nd and the 3rd attempt

CONFIG_NAME = "rbxl.toml"
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}
CONFIG_KEYS = ("host", "port", "security", "user", "from", "from_name", "reply_to", "timeout")
PASSWORD_KEYS = {"password", "pass", "passwd", "sandi", "kata_sandi", "katasandi"}
ENV_VARS = {"host": "RBXL_SMTP_HOST", "port": "RBXL_SMTP_PORT", "security": "RBXL_SMTP_SECURITY",
            "user": "RBXL_SMTP_USER", "from": "RBXL_SMTP_FROM"}
ENV_PASSWORD = "RBXL_SMTP_PASSWORD"

PLACEHOLDERS = ("unit_nama", "unit_kode", "periode_label", "tahun", "batas_waktu", "kontak_nama",
                "kontak_telepon", "kontak_email", "cara_pengembalian", "pengelola", "nama_pemda",
                "nama_berkas")

# The CLI prints errors as rich markup, where a bare [smtp] would vanish: hence the backslash.
SETTINGS_HELP = (
    "Pengaturan SMTP belum lengkap: alamat server (host) belum diisi. Tulis di rbxl.toml (folder kerja) "
    "atau berkas lain yang ditunjuk dengan --config:\n"
    "  \\[smtp]\n"
    '  host = "mail.contoh.go.id"\n'
    "  port = 587\n"
    '  security = "starttls"   # starttls | ssl | none\n'
    '  user = "organisasi@contoh.go.id"\n'
    '  from = "organisasi@contoh.go.id"\n'
    '  from_name = "Bagian Organisasi"\n'
    "atau pakai variabel lingkungan RBXL_SMTP_HOST, RBXL_SMTP_PORT, RBXL_SMTP_SECURITY, RBXL_SMTP_USER, "
    "RBXL_SMTP_FROM. Kata sandi hanya dari RBXL_SMTP_PASSWORD atau diketik saat diminta. "
    "Untuk mencoba tanpa mengirim, pakai --dry-run."
)

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
_ADDRESS = re.compile(rf"{_LOCAL}@{_DOMAIN}")
_MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".xls": "application/vnd.ms-excel", ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


# --- settings -------------------------------------------------------------------------------
@dataclass
class SmtpSettings:
    host: str = ""
    port: int | None = None
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    from_addr: str = ""
    from_name: str = ""
    reply_to: str = ""
    timeout: float = 30.0
    source: str = ""  # the configuration file read, if any

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORT[self.security]


def load_smtp_settings(config: str | Path | None = None, env: Mapping[str, str] | None = None,
                       cwd: str | Path | None = None) -> SmtpSettings:
    """[smtp] of `config` (or ./rbxl.toml when it exists), overridden by RBXL_SMTP_* variables."""
    env = os.environ if env is None else env
    path = Path(config) if config is not None else Path(cwd or Path.cwd()) / CONFIG_NAME
    data: dict[str, object] = {}
    source = ""
    if config is not None or path.is_file():
        data, source = _read_config(path), str(path)
    for key, var in ENV_VARS.items():
        value = (env.get(var) or "").strip()
        if value:
            data[key] = value
    where = f"di {source} atau variabel lingkungan" if source else "di variabel lingkungan"

    security = _text(data.get("security")).lower() or "starttls"
    if security not in SECURITY:
        raise UsageError(f"Nilai security '{security}' {where} tidak dikenal. Pilih: starttls, ssl atau none.")
    port = None
    if data.get("port") not in (None, ""):
        try:
            port = int(str(data["port"]).strip())
        except ValueError:
            port = -1
        if not 0 < port < 65536:
            raise UsageError(f"Nomor port SMTP '{data['port']}' {where} tidak sah (1-65535).")
    timeout = 30.0
    if data.get("timeout") not in (None, ""):
        try:
            timeout = float(str(data["timeout"]))
        except ValueError:
            timeout = -1
        if timeout <= 0:
            raise UsageError(f"Nilai timeout '{data['timeout']}' {where} harus angka detik lebih dari 0.")
    settings = SmtpSettings(host=_text(data.get("host")), port=port, security=security,
                            user=_text(data.get("user")), password=env.get(ENV_PASSWORD) or "",
                            from_addr=_text(data.get("from")), from_name=_text(data.get("from_name")),
                            reply_to=_text(data.get("reply_to")), timeout=timeout, source=source)
    for label, value in (("from", settings.from_addr), ("reply_to", settings.reply_to)):
        if value and not is_address(value):
            raise UsageError(f"Alamat {label} '{value}' {where} bukan alamat e-mail yang sah.")
    return settings


def _read_config(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise UsageError(f"Berkas pengaturan {path} tidak ditemukan.")
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"Berkas pengaturan {path} bukan TOML yang sah: {err}") from None
    except OSError as err:
        raise UsageError(f"Berkas pengaturan {path} tidak dapat dibaca: {err}") from None
    smtp = doc.get("smtp", {})
    if not isinstance(smtp, dict):
        raise UsageError(f"Di {path}, 'smtp' harus berupa bagian (tabel) smtp.")
    secret = sorted(k for k in smtp if k.lower() in PASSWORD_KEYS)
    if secret:
        raise UsageError(f"Kata sandi SMTP tidak boleh disimpan di berkas {path} (kunci {', '.join(secret)}). "
                         f"Hapus baris itu; isi variabel lingkungan {ENV_PASSWORD} atau ketik kata sandi "
                         "saat diminta.")
    unknown = sorted(k for k in smtp if k not in CONFIG_KEYS)
    if unknown:
        raise UsageError(f"Kunci tidak dikenal di bagian smtp {path}: {', '.join(unknown)}. "
                         f"Kunci yang dikenal: {', '.join(CONFIG_KEYS)}.")
    for key, value in smtp.items():
        if isinstance(value, dict | list):
            raise UsageError(f"Di {path}, smtp.{key} harus berupa teks atau angka.")
    return dict(smtp)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def password_prompt() -> Callable[[str], str] | None:
    """A hidden interactive prompt when stdin is a terminal, else None (password from env only)."""
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        return None
    import click

    return lambda user: click.prompt(f"Kata sandi SMTP untuk {user}", hide_input=True)


# --- message template -----------------------------------------------------------------------
@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str
    source: str

    def render(self, context: Mapping[str, str]) -> tuple[str, str]:
        try:
            subject = self.subject.format_map(context)
            body = self.body.format_map(context)
        except (ValueError, KeyError, IndexError, AttributeError) as err:
            raise UsageError(f"Templat e-mail {self.source} tidak dapat diisi: {err}") from None
        return " ".join(subject.split()), body


def load_template(path: str | Path | None = None) -> MailTemplate:
    """The subject and body: first line 'Subjek: ...', a blank line, then the body."""
    if path is None:
        source = "bawaan (rbxl/kirim_template.txt)"
        text = resources.files("rbxl").joinpath("kirim_template.txt").read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UsageError(f"Templat e-mail {path} tidak ditemukan.") from None
        except UnicodeDecodeError:
            raise UsageError(f"Templat e-mail {path} harus disimpan sebagai teks UTF-8.") from None
        except OSError as err:
            raise UsageError(f"Templat e-mail {path} tidak dapat dibaca: {err}") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    m = re.match(r"\s*(?:subjek|subject)\s*:(.*)$", lines[0] if lines else "", re.IGNORECASE)
    if not m or not m.group(1).strip():
        raise UsageError(f"Baris pertama templat e-mail {source} harus 'Subjek: ...' (berisi judul e-mail), "
                         "diikuti satu baris kosong lalu isi e-mail.")
    body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        raise UsageError(f"Templat e-mail {source} tidak berisi isi e-mail setelah baris Subjek.")
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
        raise UsageError(f"Templat e-mail {tpl.source} salah tulis ({err}). Tanda kurung kurawal biasa "
                         "ditulis ganda: {{ dan }}.") from None
    if unknown:
        known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        raise UsageError(f"Templat e-mail {tpl.source} memakai isian yang tidak dikenal: {', '.join(unknown)}. "
                         f"Isian yang tersedia: {known}.")
    tpl.render({p: "x" for p in PLACEHOLDERS})  # format specs that cannot apply fail now, not midway


def template_context(roadmap: Roadmap, unit: Unit, tahun: int, periode: str, nama_berkas: str) -> dict[str, str]:
    s = roadmap.settings

    def setting(key: str) -> str:
        return (s.get(key) or "").strip() or "-"

    deadline = roadmap.jadwal.get((tahun, periode))
    return {"unit_nama": unit.nama, "unit_kode": unit.kode, "periode_label": PERIODE_LABEL[periode],
            "tahun": str(tahun), "batas_waktu": f"{deadline:%d/%m/%Y}" if deadline else "-",
            "kontak_nama": setting("kontak_nama"), "kontak_telepon": setting("kontak_telepon"),
            "kontak_email": setting("kontak_email"), "cara_pengembalian": setting("cara_pengembalian"),
            "pengelola": setting("pengelola"), "nama_pemda": setting("nama_pemda"),
            "nama_berkas": nama_berkas}


# --- addresses and messages -------------------------------------------------------------------
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


def mime_type(name: str) -> tuple[str, str]:
    kind = _MIME.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    main, _, sub = kind.partition("/")
    return main, sub


def build_message(*, subject: str, body: str, sender: str, sender_name: str, to: list[str], reply_to: str,
                  attachment: bytes, filename: str, unit: str, tahun: int, periode: str,
                  sha256: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = ", ".join(to)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "rbxl.invalid"
    msg["Message-ID"] = make_msgid(idstring=f"rbxl.{re.sub(r'[^A-Za-z0-9.-]', '', unit)}", domain=domain)
    msg["X-RBXL"] = f"unit={unit}; tahun={tahun}; periode={periode}; sha256={sha256}"
    # Plain ASCII paragraphs stay verbatim (readable in the .eml); the rest is quoted-printable.
    plain = body.isascii() and max(map(len, body.splitlines()), default=0) <= 900
    msg.set_content(body, cte="7bit" if plain else "quoted-printable")
    maintype, subtype = mime_type(filename)
    msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=filename)
    return msg


# --- the send log ---------------------------------------------------------------------------
class SendLog:
    """kirim-log.csv: read once, rewritten atomically after every message."""

    def __init__(self, path: Path):
        self.path = path
        self.rows: list[dict[str, str]] = []
        if path.is_file():
            try:
                with open(path, newline="", encoding="utf-8-sig") as fh:
                    self.rows = [dict(r) for r in csv.DictReader(fh)]
            except (UnicodeDecodeError, csv.Error) as err:
                raise UsageError(f"Log pengiriman {path} tidak dapat dibaca ({err}). Simpan kembali sebagai "
                                 "CSV UTF-8 atau pindahkan berkas itu.") from None

    def sent_before(self, unit: str, sha256: str) -> dict[str, str] | None:
        for row in reversed(self.rows):
            if row.get("hasil") == TERKIRIM and row.get("unit") == unit and row.get("sha256") == sha256:
                return row
        return None

    def add(self, o: Outcome) -> None:
        when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.rows.append({"waktu": when, "unit": o.unit, "alamat": o.alamat, "berkas": o.berkas,
                          "sha256": o.sha256, "message_id": o.message_id, "hasil": o.hasil,
                          "keterangan": o.keterangan})
        buf = io.StringIO()
        w = csv.DictWriter(buf, LOG_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        write_text(self.path, buf.getvalue())


# --- result ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    unit: str
    nama: str
    alamat: str
    berkas: str
    hasil: str  # terkirim | gagal | dilewati | contoh | sudah terkirim
    keterangan: str = ""
    sha256: str = ""
    message_id: str = ""
    percobaan: int = 0
    eml: Path | None = None


@dataclass
class KirimResult:
    tahun: int
    periode: str
    dry_run: bool
    folder: Path
    log: Path
    outcomes: list[Outcome] = field(default_factory=list)
    aborted: str = ""  # why sending stopped early (login refused, ...)

    def _with(self, hasil: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.hasil == hasil]

    @property
    def sent(self) -> list[Outcome]:
        return self._with(TERKIRIM)

    @property
    def failed(self) -> list[Outcome]:
        return self._with(GAGAL)

    @property
    def skipped(self) -> list[Outcome]:
        return self._with(DILEWATI)

    @property
    def already_sent(self) -> list[Outcome]:
        return self._with(SUDAH)

    @property
    def drafts(self) -> list[Outcome]:
        return self._with(CONTOH)

    @property
    def dry_run_paths(self) -> list[Path]:
        return [o.eml for o in self.drafts if o.eml]

    @property
    def ok(self) -> bool:
        return not self.failed


# --- SMTP -----------------------------------------------------------------------------------
class _Fatal(Exception):
    """Retrying cannot help and every other unit would fail the same way (login refused...)."""


class _Transport:
    """One SMTP connection, opened on first use and reopened after any error."""

    def __init__(self, settings: SmtpSettings, prompt: Callable[[str], str] | None):
        self.settings, self.prompt, self.conn = settings, prompt, None

    def send(self, msg: EmailMessage, sender: str, to: list[str]) -> dict:
        if self.conn is None:
            self.conn = self._connect()
        try:
            return self.conn.send_message(msg, sender, to)
        except BaseException:
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.user and not s.password:
            s.password = self.prompt(s.user) if self.prompt else ""
            if not s.password:
                raise UsageError(f"Kata sandi SMTP untuk {s.user} kosong.")
        context = ssl.create_default_context()
        if s.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=context)
        else:
            conn = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
        try:
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=context)
                conn.ehlo()
            if s.user:
                conn.login(s.user, s.password)
        except smtplib.SMTPAuthenticationError as err:
            _close(conn)
            raise _Fatal(f"login SMTP sebagai {s.user} ditolak server ({_describe(err, s)})") from err
        except smtplib.SMTPNotSupportedError as err:
            _close(conn)
            what = "STARTTLS" if s.security == "starttls" and "STARTTLS" in str(err).upper() else "fitur ini"
            raise _Fatal(f"server {s.host}:{s.effective_port} tidak mendukung {what} ({err}); periksa "
                         "security/port di pengaturan SMTP") from err
        except BaseException:
            _close(conn)
            raise
        return conn

    def close(self) -> None:
        if self.conn is not None:
            _close(self.conn)
            self.conn = None


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _describe(err: BaseException, s: SmtpSettings) -> str:
    where = f"{s.host}:{s.effective_port}"
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        parts = [f"{a} ({_reply(code, text)})" for a, (code, text) in err.recipients.items()]
        return "alamat ditolak server: " + "; ".join(parts)
    if isinstance(err, smtplib.SMTPSenderRefused):
        return f"alamat pengirim {err.sender} ditolak server ({_reply(err.smtp_code, err.smtp_error)})"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"server menjawab {_reply(err.smtp_code, err.smtp_error)}"
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return f"sambungan ke {where} terputus ({err})"
    if isinstance(err, ConnectionRefusedError):
        return f"sambungan ke {where} ditolak (server mati atau port salah)"
    if isinstance(err, socket.gaierror):
        return f"nama server {s.host} tidak dikenal ({err})"
    if isinstance(err, TimeoutError):
        return f"waktu tunggu {s.timeout:g} detik habis saat menghubungi {where}"
    if isinstance(err, ssl.SSLError):
        return f"TLS ke {where} gagal ({err})"
    return f"{type(err).__name__}: {err}"


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


# --- the command ----------------------------------------------------------------------------
def kirim(roadmap: Roadmap, tahun: int, periode: str, out: str | Path, units: list[str] | None = None, *,
          smtp: SmtpSettings | None = None, template: str | Path | MailTemplate | None = None,
          dry_run: bool = False, ulang: bool = False, password: Callable[[str], str] | None = None,
          attempts: int = ATTEMPTS, delays: tuple[float, ...] | None = None,
          sleep: Callable[[float], None] = time.sleep,
          progress: Callable[[Outcome], None] | None = None) -> KirimResult:
    """Send (or, with dry_run, write as .eml) each selected unit's template from the manifest.

    `password` asks for the SMTP password when a user is set and RBXL_SMTP_PASSWORD is not;
    without it such a run is refused before anything is sent.
    """
    roadmap.check_period(tahun, periode)
    tpl = template if isinstance(template, MailTemplate) else load_template(template)
    smtp = dataclasses.replace(smtp) if smtp else SmtpSettings()
    if not dry_run:
        if not smtp.host:
            raise UsageError(SETTINGS_HELP)
        if smtp.user and not smtp.password and password is None:
            raise UsageError(f"Kata sandi SMTP untuk {smtp.user} belum ada. Isi variabel lingkungan "
                             f"{ENV_PASSWORD}, atau jalankan perintah di terminal agar kata sandi diminta.")
    rows = _selected_rows(templates_dir(out, tahun, periode) / MANIFEST, roadmap, tahun, periode, units)
    sender, sender_name, reply_to = _sender(smtp, roadmap, dry_run)
    folder = email_dir(out, tahun, periode)
    log = SendLog(folder / LOG_NAME)
    result = KirimResult(tahun, periode, dry_run, folder, log.path)
    transport = None if dry_run else _Transport(smtp, password)
    delays = RETRY_DELAYS if delays is None else delays
    try:
        for row in rows:
            o = _one(row, roadmap, tahun, periode, out, tpl, log, ulang, dry_run, sender, sender_name,
                     reply_to, transport, smtp, max(1, attempts), delays, sleep, result)
            result.outcomes.append(o)
            if o.hasil != SUDAH:
                log.add(o)
            if progress:
                progress(o)
    finally:
        if transport:
            transport.close()
    return result


def _selected_rows(manifest: Path, roadmap: Roadmap, tahun: int, periode: str,
                   units: list[str] | None) -> list[dict[str, str]]:
    if not manifest.is_file():
        raise UsageError(f"Manifest {manifest} tidak ada. Buat template dulu: "
                         f"rbxl generate --tahun {tahun} --periode {periode}")
    rows = [r for r in read_manifest(manifest) if (r.get("unit") or "").strip()]
    if not units:
        return rows
    wanted: list[str] = []
    for code in units:
        code = code.strip()
        if code not in roadmap.units and code.upper() in roadmap.units:
            code = code.upper()
        roadmap.unit(code)  # unknown codes: UsageError naming the sheet
        if code not in wanted:
            wanted.append(code)
    listed = {r["unit"].strip() for r in rows}
    missing = [c for c in wanted if c not in listed]
    if missing:
        raise UsageError(f"Unit {', '.join(missing)} tidak ada di manifest {manifest}. Buat templatenya dulu: "
                         f"rbxl generate --tahun {tahun} --periode {periode} "
                         + " ".join(f"--unit {c}" for c in missing))
    return [r for r in rows if r["unit"].strip() in wanted]


def _sender(smtp: SmtpSettings, roadmap: Roadmap, dry_run: bool) -> tuple[str, str, str]:
    kontak = (roadmap.settings.get("kontak_email") or "").strip()
    sender = smtp.from_addr or (smtp.user if is_address(smtp.user) else "")
    if not sender and is_address(kontak):
        sender = kontak
    if not sender:
        if not dry_run:
            raise UsageError("Alamat pengirim belum diatur: isi 'from' di bagian smtp pengaturan atau "
                             "variabel lingkungan RBXL_SMTP_FROM.")
        sender = "pengirim@contoh.invalid"
    name = smtp.from_name or (roadmap.settings.get("pengelola") or "").strip()
    reply_to = smtp.reply_to or (kontak if is_address(kontak) and kontak.lower() != sender.lower() else "")
    return sender, name, reply_to


def _outcome(row: dict[str, str], roadmap: Roadmap, hasil: str, keterangan: str) -> Outcome:
    kode = row["unit"].strip()
    unit = roadmap.units.get(kode)
    return Outcome(kode, unit.nama if unit else (row.get("nama") or ""), unit.email.strip() if unit else "",
                   Path(row.get("file") or "").name, hasil, keterangan)


def _one(row, roadmap, tahun, periode, out, tpl, log, ulang, dry_run, sender, sender_name, reply_to,
         transport, smtp, attempts, delays, sleep, result) -> Outcome:
    kode = row["unit"].strip()
    unit = roadmap.units.get(kode)
    if unit is None:
        return _outcome(row, roadmap, DILEWATI, "unit ini tidak ada lagi di master; buat ulang template")
    o = _outcome(row, roadmap, DILEWATI, "")
    to, bad = parse_addresses(unit.email)
    if not unit.email.strip():
        o.keterangan = "belum ada alamat e-mail di master (sheet Unit, kolom E-mail)"
        return o
    if bad:
        o.keterangan = (f"alamat e-mail di master tidak sah: {'; '.join(bad)} (tulis alamat saja, misal "
                        "nama@contoh.go.id; beberapa alamat dipisah titik koma)")
        return o
    o.alamat = ", ".join(to)
    path = templates_dir(out, tahun, periode) / o.berkas
    if not o.berkas or not path.is_file():
        o.hasil = GAGAL
        o.keterangan = f"berkas template {o.berkas or '(kosong)'} tidak ditemukan di {path.parent}; jalankan " \
                       f"rbxl generate lagi"
        return o
    data = path.read_bytes()
    o.sha256 = hashlib.sha256(data).hexdigest()
    previous = None if ulang else log.sent_before(kode, o.sha256)
    if previous:
        o.hasil = SUDAH
        o.message_id = previous.get("message_id", "")
        o.keterangan = f"sudah terkirim {previous.get('waktu', '')} ke {previous.get('alamat', '')}"
        return o
    subject, body = tpl.render(template_context(roadmap, unit, tahun, periode, o.berkas))
    msg = build_message(subject=subject, body=body, sender=sender, sender_name=sender_name, to=to,
                        reply_to=reply_to, attachment=data, filename=o.berkas, unit=kode, tahun=tahun,
                        periode=periode, sha256=o.sha256)
    o.message_id = msg["Message-ID"]
    if dry_run:
        o.eml = write_bytes(email_dir(out, tahun, periode) / safe_filename(f"{slug(kode)}.eml"), msg.as_bytes(policy=policy.SMTP))
        o.hasil, o.keterangan = CONTOH, f"uji coba, tidak dikirim: {o.eml.name}"
        return o
    if result.aborted:
        o.hasil, o.keterangan = GAGAL, f"tidak dicoba: {result.aborted}"
        return o
    for attempt in range(1, attempts + 1):
        o.percobaan = attempt
        try:
            refused = transport.send(msg, sender, to)
        except _Fatal as err:
            result.aborted = str(err)
            o.hasil, o.keterangan = GAGAL, str(err)
            return o
        except OSError as err:  # smtplib errors, refused connections, timeouts, TLS
            o.hasil, o.keterangan = GAGAL, f"{_describe(err, smtp)} (percobaan {attempt} dari {attempts})"
            if attempt < attempts:
                sleep(delays[min(attempt - 1, len(delays) - 1)] if delays else 0)
            continue
        o.hasil = TERKIRIM
        o.keterangan = ""
        if refused:
            o.keterangan = "sebagian alamat ditolak: " + "; ".join(
                f"{a} ({_reply(c, t)})" for a, (c, t) in refused.items())
        return o
    return o


# --- rendering (used by the CLI) --------------------------------------------------------------
_STYLE = {TERKIRIM: "green", GAGAL: "red", DILEWATI: "yellow", CONTOH: "cyan"}


def echo_outcome(o: Outcome) -> None:
    """One line per unit while sending (on stderr, so it never mixes with a password prompt)."""
    from rich.markup import escape

    from .console import err_console

    if o.hasil == TERKIRIM:
        text = f"terkirim ke {o.alamat}" + (f" ({o.keterangan})" if o.keterangan else "")
    elif o.hasil == SUDAH:
        text = "sudah terkirim sebelumnya, dilewati"
    else:
        text = f"{o.hasil}: {o.keterangan}"
    err_console.print(f"  {escape(o.unit)}: [{_STYLE.get(o.hasil, 'dim')}]{escape(text)}[/]")


def show_result(result: KirimResult) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .console import console

    shown = [o for o in result.outcomes if o.hasil != SUDAH]
    label = f"{PERIODE_LABEL.get(result.periode, result.periode)} {result.tahun}"
    if shown:
        t = Table(title=("Uji coba e-mail " if result.dry_run else "Pengiriman template ") + label)
        for col in ("Unit", "Nama", "Alamat", "Berkas", "Hasil", "Keterangan"):
            t.add_column(col, overflow="fold", ratio=3 if col == "Keterangan" else None)
        for o in shown:
            t.add_row(*(escape(v) for v in (o.unit, o.nama, o.alamat or "-", o.berkas, o.hasil, o.keterangan)),
                      style=_STYLE.get(o.hasil))
        console.print(t)
    no_mail = [o for o in result.skipped if not o.alamat]
    if no_mail:
        console.print(f"[yellow]{len(no_mail)} unit belum punya alamat e-mail di master:[/] "
                      f"{', '.join(o.unit for o in no_mail)}. Isi kolom E-mail di sheet Unit, lalu jalankan "
                      "perintah ini lagi.")
    if result.already_sent:
        console.print(f"{len(result.already_sent)} unit sudah menerima berkas yang sama sebelumnya dan tidak "
                      "dikirimi lagi (pakai --ulang untuk mengirim ulang).")
    if result.dry_run:
        console.print(f"[bold cyan]Uji coba:[/] {len(result.drafts)} pesan ditulis sebagai .eml di "
                      f"{result.folder}; tidak ada yang dikirim.")
    else:
        console.print(f"Terkirim: {len(result.sent)}, gagal: {len(result.failed)}, "
                      f"dilewati: {len(result.skipped)}, sudah terkirim sebelumnya: {len(result.already_sent)}.")
    if result.aborted:
        console.print(f"[bold red]Pengiriman dihentikan:[/] {escape(result.aborted)}")
    if result.failed:
        console.print("[bold red]Ada e-mail yang gagal dikirim.[/] Jalankan perintah yang sama lagi untuk "
                      "mencoba ulang hanya yang belum terkirim.")
    console.print(f"Log pengiriman: {result.log}")
