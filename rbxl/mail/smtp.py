"""The SMTP transport: one connection, reopened after any error, and errors told in Indonesian."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.mail.config import SmtpSettings


class Fatal(Exception):
    """Retrying cannot help and every other unit would fail the same way (login refused...)."""


class Transport:
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
                raise UsageError(message("SMTP_PASSWORD_EMPTY", user=s.user))
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
            raise Fatal(message("SMTP_LOGIN_REFUSED", user=s.user, detail=describe(err, s))) from err
        except smtplib.SMTPNotSupportedError as err:
            _close(conn)
            what = "STARTTLS" if s.security == "starttls" and "STARTTLS" in str(err).upper() else \
                message("SMTP_THIS_FEATURE")
            raise Fatal(message("SMTP_NOT_SUPPORTED", server=f"{s.host}:{s.effective_port}", what=what,
                                detail=err)) from err
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


def describe(err: BaseException, s: SmtpSettings) -> str:
    where = f"{s.host}:{s.effective_port}"
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        parts = [f"{a} ({reply(code, text)})" for a, (code, text) in err.recipients.items()]
        return "alamat ditolak server: " + "; ".join(parts)
    if isinstance(err, smtplib.SMTPSenderRefused):
        return f"alamat pengirim {err.sender} ditolak server ({reply(err.smtp_code, err.smtp_error)})"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"server menjawab {reply(err.smtp_code, err.smtp_error)}"
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


def reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"
