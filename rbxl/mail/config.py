"""Mail server settings: [smtp] and [imap] of rbxl.toml, overridden by RBXL_SMTP_* / RBXL_IMAP_*.

Passwords are read only from RBXL_SMTP_PASSWORD / RBXL_IMAP_PASSWORD or an interactive hidden
prompt; a configuration file that holds one is refused, so it never ends up in a shared folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.address import is_address
from rbxl.core.errors import UsageError

CONFIG_NAME = "rbxl.toml"
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}
IMAP_PORT = {"starttls": 143, "ssl": 993, "none": 143}
CONFIG_KEYS = ("host", "port", "security", "user", "from", "from_name", "reply_to", "timeout")
IMAP_KEYS = ("host", "port", "security", "user", "folder", "timeout", "cafile", "max_mb")
PASSWORD_KEYS = {"password", "pass", "passwd", "sandi", "kata_sandi", "katasandi"}
ENV_VARS = {"host": "RBXL_SMTP_HOST", "port": "RBXL_SMTP_PORT", "security": "RBXL_SMTP_SECURITY",
            "user": "RBXL_SMTP_USER", "from": "RBXL_SMTP_FROM"}
ENV_PASSWORD = "RBXL_SMTP_PASSWORD"
IMAP_ENV = {key: f"RBXL_IMAP_{key.upper()}" for key in IMAP_KEYS}
IMAP_ENV_PASSWORD = "RBXL_IMAP_PASSWORD"

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
IMAP_HELP = (
    "Pengaturan IMAP belum lengkap: alamat server (host) belum diisi. Tulis di rbxl.toml (folder kerja) "
    "atau berkas lain yang ditunjuk dengan --config:\n"
    "  \\[imap]\n"
    '  host = "mail.contoh.go.id"\n'
    "  port = 993\n"
    '  security = "ssl"        # ssl | starttls | none\n'
    '  user = "organisasi@contoh.go.id"\n'
    '  folder = "INBOX"\n'
    "atau pakai variabel lingkungan RBXL_IMAP_HOST, RBXL_IMAP_PORT, RBXL_IMAP_SECURITY, RBXL_IMAP_USER, "
    "RBXL_IMAP_FOLDER. Kata sandi hanya dari RBXL_IMAP_PASSWORD atau diketik saat diminta."
)


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


@dataclass
class ImapSettings:
    host: str = ""
    port: int | None = None
    security: str = "ssl"
    user: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0
    cafile: str = ""  # a certificate (or CA) to trust besides the system's: an office's own CA
    max_mb: float = 25.0  # a message larger than this is logged and skipped
    source: str = ""

    @property
    def effective_port(self) -> int:
        return self.port or IMAP_PORT[self.security]


def load_smtp_settings(config: str | Path | None = None, env: Mapping[str, str] | None = None,
                       cwd: str | Path | None = None) -> SmtpSettings:
    """[smtp] of `config` (or ./rbxl.toml when it exists), overridden by RBXL_SMTP_* variables."""
    env = os.environ if env is None else env
    data, source, where = _section("smtp", CONFIG_KEYS, ENV_PASSWORD, ENV_VARS, config, env, cwd)
    security = _security(data, "starttls", where)
    settings = SmtpSettings(host=_text(data.get("host")), port=_port(data, where, "SMTP"), security=security,
                            user=_text(data.get("user")), password=env.get(ENV_PASSWORD) or "",
                            from_addr=_text(data.get("from")), from_name=_text(data.get("from_name")),
                            reply_to=_text(data.get("reply_to")), timeout=_positive(data, "timeout", 30.0, where),
                            source=source)
    for label, value in (("from", settings.from_addr), ("reply_to", settings.reply_to)):
        if value and not is_address(value):
            raise UsageError(f"Alamat {label} '{value}' {where} bukan alamat e-mail yang sah.")
    return settings


def load_imap_settings(config: str | Path | None = None, env: Mapping[str, str] | None = None,
                       cwd: str | Path | None = None) -> ImapSettings:
    """[imap] of `config` (or ./rbxl.toml when it exists), overridden by RBXL_IMAP_* variables."""
    env = os.environ if env is None else env
    data, source, where = _section("imap", IMAP_KEYS, IMAP_ENV_PASSWORD, IMAP_ENV, config, env, cwd)
    cafile = _text(data.get("cafile"))
    if cafile and not Path(cafile).is_file():
        raise UsageError(f"Berkas sertifikat cafile '{cafile}' {where} tidak ditemukan.")
    return ImapSettings(host=_text(data.get("host")), port=_port(data, where, "IMAP"),
                        security=_security(data, "ssl", where), user=_text(data.get("user")),
                        password=env.get(IMAP_ENV_PASSWORD) or "", folder=_text(data.get("folder")) or "INBOX",
                        timeout=_positive(data, "timeout", 30.0, where), cafile=cafile,
                        max_mb=_positive(data, "max_mb", 25.0, where), source=source)


def _section(name: str, keys: tuple[str, ...], env_password: str, env_vars: Mapping[str, str],
             config: str | Path | None, env: Mapping[str, str],
             cwd: str | Path | None) -> tuple[dict[str, object], str, str]:
    path = Path(config) if config is not None else Path(cwd or Path.cwd()) / CONFIG_NAME
    data: dict[str, object] = {}
    source = ""
    if config is not None or path.is_file():
        data, source = _read_config(path, name, keys, env_password), str(path)
    for key, var in env_vars.items():
        value = (env.get(var) or "").strip()
        if value:
            data[key] = value
    where = f"di {source} atau variabel lingkungan" if source else "di variabel lingkungan"
    return data, source, where


def _security(data: Mapping[str, object], default: str, where: str) -> str:
    security = _text(data.get("security")).lower() or default
    if security not in SECURITY:
        raise UsageError(f"Nilai security '{security}' {where} tidak dikenal. Pilih: starttls, ssl atau none.")
    return security


def _port(data: Mapping[str, object], where: str, kind: str) -> int | None:
    if data.get("port") in (None, ""):
        return None
    try:
        port = int(str(data["port"]).strip())
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise UsageError(f"Nomor port {kind} '{data['port']}' {where} tidak sah (1-65535).")
    return port


def _positive(data: Mapping[str, object], key: str, default: float, where: str) -> float:
    if data.get(key) in (None, ""):
        return default
    try:
        value = float(str(data[key]))
    except ValueError:
        value = -1
    if value <= 0:
        raise UsageError(f"Nilai {key} '{data[key]}' {where} harus angka lebih dari 0.")
    return value


def _read_config(path: Path, name: str, keys: tuple[str, ...], env_password: str) -> dict[str, object]:
    if not path.is_file():
        raise UsageError(f"Berkas pengaturan {path} tidak ditemukan.")
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"Berkas pengaturan {path} bukan TOML yang sah: {err}") from None
    except OSError as err:
        from rbxl.core.atomic import explain_read

        raise UsageError(f"Berkas pengaturan {explain_read(err, path)}") from None
    section = doc.get(name, {})
    if not isinstance(section, dict):
        raise UsageError(f"Di {path}, '{name}' harus berupa bagian (tabel) {name}.")
    secret = sorted(k for k in section if k.lower() in PASSWORD_KEYS)
    if secret:
        raise UsageError(f"Kata sandi {name.upper()} tidak boleh disimpan di berkas {path} (kunci "
                         f"{', '.join(secret)}). Hapus baris itu; isi variabel lingkungan {env_password} atau "
                         "ketik kata sandi saat diminta.")
    unknown = sorted(k for k in section if k not in keys)
    if unknown:
        raise UsageError(f"Kunci tidak dikenal di bagian {name} {path}: {', '.join(unknown)}. "
                         f"Kunci yang dikenal: {', '.join(keys)}.")
    for key, value in section.items():
        if isinstance(value, dict | list):
            raise UsageError(f"Di {path}, {name}.{key} harus berupa teks atau angka.")
    return dict(section)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def password_prompt(kind: str = "SMTP") -> Callable[[str], str] | None:
    """A hidden interactive prompt when stdin is a terminal, else None (password from env only)."""
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        return None
    import click

    return lambda user: click.prompt(f"Kata sandi {kind} untuk {user}", hide_input=True)
