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
from rbxl.core.messages import message

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

SETTINGS_HELP = message("SMTP_SETTINGS_MISSING")
IMAP_HELP = message("IMAP_SETTINGS_MISSING")


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
            raise UsageError(message("SETTINGS_BAD_ADDRESS", label=label, value=value, where=where))
    return settings


def load_imap_settings(config: str | Path | None = None, env: Mapping[str, str] | None = None,
                       cwd: str | Path | None = None) -> ImapSettings:
    """[imap] of `config` (or ./rbxl.toml when it exists), overridden by RBXL_IMAP_* variables."""
    env = os.environ if env is None else env
    data, source, where = _section("imap", IMAP_KEYS, IMAP_ENV_PASSWORD, IMAP_ENV, config, env, cwd)
    cafile = _text(data.get("cafile"))
    if cafile and not Path(cafile).is_file():
        raise UsageError(message("SETTINGS_CAFILE_MISSING", cafile=cafile, where=where))
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
    where = message("SETTINGS_WHERE_FILE", source=source) if source else message("SETTINGS_WHERE_ENV")
    return data, source, where


def _security(data: Mapping[str, object], default: str, where: str) -> str:
    security = _text(data.get("security")).lower() or default
    if security not in SECURITY:
        raise UsageError(message("SETTINGS_BAD_SECURITY", security=security, where=where))
    return security


def _port(data: Mapping[str, object], where: str, kind: str) -> int | None:
    if data.get("port") in (None, ""):
        return None
    try:
        port = int(str(data["port"]).strip())
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise UsageError(message("SETTINGS_BAD_PORT", kind=kind, port=data["port"], where=where))
    return port


def _positive(data: Mapping[str, object], key: str, default: float, where: str) -> float:
    if data.get(key) in (None, ""):
        return default
    try:
        value = float(str(data[key]))
    except ValueError:
        value = -1
    if value <= 0:
        raise UsageError(message("SETTINGS_NOT_POSITIVE", key=key, value=data[key], where=where))
    return value


def _read_config(path: Path, name: str, keys: tuple[str, ...], env_password: str) -> dict[str, object]:
    if not path.is_file():
        raise UsageError(message("SETTINGS_FILE_MISSING", path=path))
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(message("SETTINGS_NOT_TOML", path=path, detail=err)) from None
    except OSError as err:
        from rbxl.core.atomic import explain_read

        raise UsageError(message("SETTINGS_UNREADABLE", reason=explain_read(err, path))) from None
    section = doc.get(name, {})
    if not isinstance(section, dict):
        raise UsageError(message("SETTINGS_NOT_TABLE", path=path, name=name))
    secret = sorted(k for k in section if k.lower() in PASSWORD_KEYS)
    if secret:
        raise UsageError(message("SETTINGS_PASSWORD_IN_FILE", kind=name.upper(), path=path, keys=", ".join(secret),
                                 env=env_password))
    unknown = sorted(k for k in section if k not in keys)
    if unknown:
        raise UsageError(message("SETTINGS_UNKNOWN_KEYS", name=name, path=path, unknown=", ".join(unknown),
                                 keys=", ".join(keys)))
    for key, value in section.items():
        if isinstance(value, dict | list):
            raise UsageError(message("SETTINGS_NOT_SCALAR", path=path, name=name, key=key))
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
