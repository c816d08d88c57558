"""rbxl kirim: each unit gets exactly its own template, once, through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import copy
import csv
import dataclasses
import email
import smtplib
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

import rbxl.mail.kirim as kirim_mod
from rbxl.cli import main
from rbxl.core.errors import UsageError
from rbxl.mail.kirim import (
    CONTOH,
    DILEWATI,
    GAGAL,
    TERKIRIM,
    SmtpSettings,
    kirim,
    load_smtp_settings,
    load_template,
    parse_addresses,
)
from rbxl.template.generate import generate

TAHUN, PERIODE = 2023, "TW1"
UNITS = ["BAPPEDA", "INSPEKTORAT", "BAG-HUKUM"]
MAIL = {"BAPPEDA": "bappeda@blorakab.go.id", "INSPEKTORAT": "inspektorat@blorakab.go.id"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FROM = "organisasi@blorakab.go.id"
# AUTH without TLS is fine on 127.0.0.1; aiosmtpd warns about it for every connection
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
NO_WAIT = {"delays": (0, 0), "sleep": lambda s: None}


# --- fixtures ------------------------------------------------------------------------------
def with_mail(roadmap, mail: dict[str, str]):
    """A shallow copy of the shared roadmap whose units carry these e-mail addresses."""
    rm = copy.copy(roadmap)
    rm.units = dict(roadmap.units)
    for kode, address in mail.items():
        rm.units[kode] = dataclasses.replace(roadmap.units[kode], email=address)
    rm.settings = {**roadmap.settings, "kontak_email": "rb@blorakab.go.id", "kontak_telepon": "(0296) 531 000"}
    return rm


@pytest.fixture
def rm(roadmap):
    return with_mail(roadmap, MAIL)


@pytest.fixture
def out(tmp_path, roadmap):
    """Templates generated from the shipped master, whose manifest has no e-mail addresses at all."""
    out = tmp_path / "out"
    generate(roadmap, TAHUN, PERIODE, out, units=UNITS, workers=1)
    return out


def templates(out: Path) -> dict[str, Path]:
    folder = out / f"{TAHUN}-{PERIODE}" / "templates"
    return {kode: next(folder.glob(f"{kode}_*.xlsx")) for kode in UNITS}


def read_log(out: Path) -> list[dict[str, str]]:
    with open(out / f"{TAHUN}-{PERIODE}" / "email" / "kirim-log.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps every accepted envelope; refuses RCPT for addresses in `reject`."""

    def __init__(self):
        self.envelopes, self.rcpt_tried, self.reject, self.logins = [], [], set(), []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_tried.append(address)
        if address in self.reject:
            return "550 5.1.1 Kotak surat tidak dikenal"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        return [email.message_from_bytes(e.original_content or e.content, policy=policy.default)
                for e in self.envelopes]


def start(handler, **kwargs):
    ctl = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    ctl.start()
    return ctl


@pytest.fixture
def server():
    box = Mailbox()
    ctl = start(box)
    box.port = ctl.port
    yield box
    ctl.stop()


@pytest.fixture
def auth_server():
    box = Mailbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        box.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = auth_data.password == b"rahasia-123"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    ctl = start(box, authenticator=authenticator, auth_required=True, auth_require_tls=False)
    box.port = ctl.port
    yield box
    ctl.stop()


def settings(port: int, **kw) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, security="none", from_addr=FROM,
                        from_name="Bagian Organisasi", timeout=5, **kw)


@pytest.fixture
def env(monkeypatch, tmp_path):
    """No RBXL_SMTP_* from the machine, no rbxl.toml in the working folder, no real waiting."""
    for var in [*kirim_mod.ENV_VARS.values(), kirim_mod.ENV_PASSWORD]:
        monkeypatch.delenv(var, raising=False)
    work = tmp_path / "kerja"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(kirim_mod, "RETRY_DELAYS", (0, 0))
    return monkeypatch


def cli(monkeypatch, rm, out, *args, **env):
    monkeypatch.setattr("rbxl.master.load.read_master", lambda path: (rm, []))
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    return CliRunner().invoke(main, ["kirim", "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out),
                                     *args])


def attachments(msg):
    return list(msg.iter_attachments())


# --- sending -------------------------------------------------------------------------------
def test_each_unit_gets_exactly_its_own_file_once(rm, out, server):
    files = templates(out)
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)

    assert result.ok and [o.unit for o in result.sent] == ["BAPPEDA", "INSPEKTORAT"]
    assert [(o.unit, o.hasil) for o in result.skipped] == [("BAG-HUKUM", DILEWATI)]
    assert "belum ada alamat e-mail" in result.skipped[0].keterangan
    msgs = server.messages()
    assert len(msgs) == 2
    by_unit = {}
    for envelope, msg in zip(server.envelopes, msgs, strict=True):
        kode = msg["X-RBXL"].split(";")[0].removeprefix("unit=")
        by_unit[kode] = msg
        assert envelope.rcpt_tos == [MAIL[kode]] and envelope.mail_from == FROM
        assert msg["To"] == MAIL[kode]
        assert "Triwulan I 2023" in msg["Subject"] and rm.units[kode].nama in msg["Subject"]
        assert msg["From"].addresses[0].addr_spec == FROM
        assert msg["From"].addresses[0].display_name == "Bagian Organisasi"
        assert msg["Reply-To"] == "rb@blorakab.go.id"
        msgid = msg["Message-ID"].strip()  # a long Message-ID header may be folded onto a second line
        assert msg["Date"] and msgid.startswith("<") and msgid.endswith("@blorakab.go.id>")
        assert f"tahun={TAHUN}; periode={PERIODE}" in msg["X-RBXL"]
        (att,) = attachments(msg)
        assert att.get_content_type() == XLSX
        assert att.get_filename() == files[kode].name
        assert att.get_content() == files[kode].read_bytes()
        body = msg.get_body(("plain",)).get_content()
        assert "15 April 2023" in body and files[kode].name in body and "(0296) 531 000" in body
        assert "{" not in body
    assert set(by_unit) == {"BAPPEDA", "INSPEKTORAT"}
    hukum = files["BAG-HUKUM"].read_bytes()
    assert all(att.get_content() != hukum for m in msgs for att in attachments(m))
    assert all("BAG-HUKUM" not in r for r in server.rcpt_tried)

    log = read_log(out)
    sent = [r for r in log if r["hasil"] == TERKIRIM]
    assert sorted(r["unit"] for r in sent) == ["BAPPEDA", "INSPEKTORAT"]
    for r in sent:
        assert r["message_id"] == by_unit[r["unit"]]["Message-ID"].strip()
        assert r["alamat"] == MAIL[r["unit"]] and r["berkas"] == files[r["unit"]].name
        assert len(r["sha256"]) == 64 and r["waktu"]
    assert [r["unit"] for r in log if r["hasil"] == DILEWATI] == ["BAG-HUKUM"]

    # second run: nothing new goes out
    again = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    assert len(server.envelopes) == 2 and again.sent == [] and len(again.already_sent) == 2 and again.ok

    # --ulang sends everything again
    ulang = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), ulang=True, **NO_WAIT)
    assert len(ulang.sent) == 2 and len(server.envelopes) == 4

    # a changed template is sent again, and only that one
    changed = files["INSPEKTORAT"].read_bytes() + b"\0versi-2"
    files["INSPEKTORAT"].write_bytes(changed)
    third = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    assert [o.unit for o in third.sent] == ["INSPEKTORAT"] and len(server.envelopes) == 5
    assert server.envelopes[-1].rcpt_tos == [MAIL["INSPEKTORAT"]]
    (att,) = attachments(server.messages()[-1])
    assert att.get_content() == changed


def test_unit_selection_and_ulang_only_for_selected(rm, out, server):
    kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    result = kirim(rm, TAHUN, PERIODE, out, ["inspektorat"], smtp=settings(server.port), ulang=True, **NO_WAIT)
    assert [o.unit for o in result.outcomes] == ["INSPEKTORAT"]
    assert [e.rcpt_tos for e in server.envelopes[2:]] == [[MAIL["INSPEKTORAT"]]]
    with pytest.raises(UsageError, match="TIDAK-ADA"):
        kirim(rm, TAHUN, PERIODE, out, ["TIDAK-ADA"], smtp=settings(server.port))
    with pytest.raises(UsageError, match="tidak ada di manifest"):
        kirim(rm, TAHUN, PERIODE, out, ["SETDA"], smtp=settings(server.port))


def test_invalid_addresses_are_skipped_never_redirected(roadmap, out, server):
    rm = with_mail(roadmap, {"BAPPEDA": "bappeda blorakab.go.id", "INSPEKTORAT": "a@blorakab.go.id; b@blorakab.go.id",
                             "BAG-HUKUM": "hukum(at)blorakab.go.id"})
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    assert {o.unit for o in result.skipped} == {"BAPPEDA", "BAG-HUKUM"}
    assert all("tidak sah" in o.keterangan for o in result.skipped)
    assert [e.rcpt_tos for e in server.envelopes] == [["a@blorakab.go.id", "b@blorakab.go.id"]]
    assert parse_addresses("x@y.id, X@Y.id;;  z@w.go.id ") == (["x@y.id", "z@w.go.id"], [])
    assert parse_addresses("tanpa-at.go.id")[1] == ["tanpa-at.go.id"]


def test_crash_midway_keeps_what_was_sent(rm, out, server):
    def crash(outcome):
        if outcome.hasil == TERKIRIM:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), progress=crash, **NO_WAIT)
    assert [r["unit"] for r in read_log(out) if r["hasil"] == TERKIRIM] == ["BAPPEDA"]
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    assert [o.unit for o in result.sent] == ["INSPEKTORAT"]
    assert [e.rcpt_tos for e in server.envelopes] == [[MAIL["BAPPEDA"]], [MAIL["INSPEKTORAT"]]]


# --- dry run -------------------------------------------------------------------------------
def test_dry_run_writes_readable_eml_and_contacts_no_server(rm, out, monkeypatch, server):
    def no_network(*a, **k):
        raise AssertionError("dry run must not connect")

    monkeypatch.setattr(smtplib, "SMTP", no_network)
    monkeypatch.setattr(smtplib, "SMTP_SSL", no_network)
    files = templates(out)
    result = kirim(rm, TAHUN, PERIODE, out, smtp=SmtpSettings(), dry_run=True)
    assert result.ok and result.sent == [] and len(result.dry_run_paths) == 2
    folder = out / f"{TAHUN}-{PERIODE}" / "email"
    assert sorted(p.name for p in folder.glob("*.eml")) == ["BAPPEDA.eml", "INSPEKTORAT.eml"]
    for kode in ("BAPPEDA", "INSPEKTORAT"):
        raw = (folder / f"{kode}.eml").read_bytes()
        assert b"Subject: Template Monitoring" in raw  # plain text headers, readable in an editor
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["To"] == MAIL[kode] and "Triwulan I 2023" in msg["Subject"]
        assert msg["Message-ID"] and msg["Date"] and f"unit={kode};" in msg["X-RBXL"]
        (att,) = attachments(msg)
        assert att.get_filename() == files[kode].name and att.get_content() == files[kode].read_bytes()
    log = read_log(out)
    assert sorted(r["unit"] for r in log if r["hasil"] == CONTOH) == ["BAPPEDA", "INSPEKTORAT"]
    assert server.envelopes == []

    # a dry run does not count as sent
    monkeypatch.undo()
    real = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    assert len(real.sent) == 2 and len(server.envelopes) == 2


def test_dry_run_cli_needs_no_smtp_settings(rm, out, env):
    result = cli(env, rm, out, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Uji coba" in result.output and "BAG-HUKUM" in result.output
    assert len(list((out / f"{TAHUN}-{PERIODE}" / "email").glob("*.eml"))) == 2


# --- failures ------------------------------------------------------------------------------
def test_rejected_recipient_is_retried_then_failed_others_still_sent(rm, out, server):
    server.reject.add(MAIL["BAPPEDA"])
    waits = []
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), delays=(0.01, 0.02), sleep=waits.append)
    assert not result.ok
    (failed,) = result.failed
    assert failed.unit == "BAPPEDA" and failed.percobaan == 3 and "550" in failed.keterangan
    assert server.rcpt_tried.count(MAIL["BAPPEDA"]) == 3 and waits == [0.01, 0.02]
    assert [o.unit for o in result.sent] == ["INSPEKTORAT"]
    assert [e.rcpt_tos for e in server.envelopes] == [[MAIL["INSPEKTORAT"]]]
    log = {r["unit"]: r for r in read_log(out)}
    assert log["BAPPEDA"]["hasil"] == GAGAL and "550" in log["BAPPEDA"]["keterangan"]
    assert log["BAPPEDA"]["message_id"]


def test_cli_exit_code_1_when_a_send_fails_and_rerun_sends_only_the_failed(rm, out, server, env):
    server.reject.add(MAIL["INSPEKTORAT"])
    smtp_env = {"RBXL_SMTP_HOST": "127.0.0.1", "RBXL_SMTP_PORT": server.port, "RBXL_SMTP_SECURITY": "none",
                "RBXL_SMTP_FROM": FROM}
    result = cli(env, rm, out, **smtp_env)
    assert result.exit_code == 1, result.output
    assert "gagal" in result.output and "550" in result.output
    assert server.rcpt_tried.count(MAIL["INSPEKTORAT"]) == 3
    assert [e.rcpt_tos for e in server.envelopes] == [[MAIL["BAPPEDA"]]]
    assert [r["hasil"] for r in read_log(out) if r["unit"] == "INSPEKTORAT"] == [GAGAL]

    server.reject.clear()
    again = cli(env, rm, out, **smtp_env)
    assert again.exit_code == 0, again.output
    assert [e.rcpt_tos for e in server.envelopes] == [[MAIL["BAPPEDA"]], [MAIL["INSPEKTORAT"]]]


def test_unreachable_server_fails_every_unit_after_retries(rm, out):
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(free_port()), **NO_WAIT)
    assert [o.unit for o in result.failed] == ["BAPPEDA", "INSPEKTORAT"]
    assert all(o.percobaan == 3 and "ditolak" in o.keterangan for o in result.failed)


# --- settings and password -----------------------------------------------------------------
def test_password_comes_from_the_environment(rm, out, auth_server, env):
    smtp_env = {"RBXL_SMTP_HOST": "127.0.0.1", "RBXL_SMTP_PORT": auth_server.port,
                "RBXL_SMTP_SECURITY": "none", "RBXL_SMTP_USER": FROM}
    refused = cli(env, rm, out, **smtp_env)  # a user but no password, no terminal: refused before sending
    assert refused.exit_code == 2 and "RBXL_SMTP_PASSWORD" in refused.output
    assert auth_server.logins == []

    result = cli(env, rm, out, **smtp_env, RBXL_SMTP_PASSWORD="rahasia-123")
    assert result.exit_code == 0, result.output
    assert auth_server.logins == [(FROM, "rahasia-123")]
    assert len(auth_server.envelopes) == 2


def test_wrong_password_stops_without_retrying(rm, out, auth_server):
    smtp = settings(auth_server.port, user=FROM, password="salah")
    result = kirim(rm, TAHUN, PERIODE, out, smtp=smtp, **NO_WAIT)
    # one login() call (smtplib tries PLAIN, then LOGIN) and no retries hammering the account
    assert len(auth_server.logins) == 2
    assert result.aborted and "ditolak" in result.aborted
    assert len(result.failed) == 2 and auth_server.envelopes == []


def test_interactive_prompt_is_used_once(rm, out, auth_server):
    asked = []
    smtp = settings(auth_server.port, user=FROM)
    result = kirim(rm, TAHUN, PERIODE, out, smtp=smtp, password=lambda u: asked.append(u) or "rahasia-123",
                   **NO_WAIT)
    assert result.ok and asked == [FROM] and len(auth_server.envelopes) == 2
    assert smtp.password == ""  # the caller's settings are not changed


def test_settings_file_and_environment(tmp_path):
    cfg = tmp_path / "rbxl.toml"
    cfg.write_text('[smtp]\nhost = "mail.blorakab.go.id"\nport = 465\nsecurity = "ssl"\nuser = "org"\n'
                   'from = "org@blorakab.go.id"\nfrom_name = "Bagian Organisasi"\ntimeout = 10\n')
    s = load_smtp_settings(env={}, cwd=tmp_path)
    assert (s.host, s.port, s.security, s.user, s.from_addr, s.timeout) == \
           ("mail.blorakab.go.id", 465, "ssl", "org", "org@blorakab.go.id", 10.0)
    s = load_smtp_settings(cfg, env={"RBXL_SMTP_HOST": "smtp.lain.id", "RBXL_SMTP_PORT": "2525",
                                     "RBXL_SMTP_SECURITY": "STARTTLS", "RBXL_SMTP_PASSWORD": "pw"})
    assert (s.host, s.port, s.security, s.password) == ("smtp.lain.id", 2525, "starttls", "pw")
    assert "pw" not in repr(s)
    assert load_smtp_settings(env={}, cwd=tmp_path / "tidak-ada").host == ""
    assert SmtpSettings(security="starttls").effective_port == 587

    cfg.write_text('[smtp]\nhost = "h"\npassword = "rahasia"\n')
    with pytest.raises(UsageError, match="RBXL_SMTP_PASSWORD"):
        load_smtp_settings(cfg, env={})
    cfg.write_text('[smtp]\nhots = "h"\n')
    with pytest.raises(UsageError, match="hots"):
        load_smtp_settings(cfg, env={})
    with pytest.raises(UsageError, match="security"):
        load_smtp_settings(env={"RBXL_SMTP_SECURITY": "tls"}, cwd=tmp_path / "tidak-ada")
    with pytest.raises(UsageError, match="port"):
        load_smtp_settings(env={"RBXL_SMTP_PORT": "abc"}, cwd=tmp_path / "tidak-ada")
    with pytest.raises(UsageError, match="tidak ditemukan"):
        load_smtp_settings(tmp_path / "lain.toml", env={})


def test_missing_host_is_a_usage_error(rm, out, env):
    result = cli(env, rm, out)
    assert result.exit_code == 2
    assert "RBXL_SMTP_HOST" in result.output and "[smtp]" in result.output
    with pytest.raises(UsageError, match="host"):
        kirim(rm, TAHUN, PERIODE, out, smtp=SmtpSettings())


def test_missing_manifest_points_to_generate(rm, tmp_path):
    with pytest.raises(UsageError, match="rbxl template"):
        kirim(rm, TAHUN, PERIODE, tmp_path / "kosong", dry_run=True)


# --- template ------------------------------------------------------------------------------
def test_custom_template_and_unknown_placeholders(rm, out, server, env, tmp_path):
    tpl = tmp_path / "surat.txt"
    tpl.write_text("Subjek: [{unit_kode}] Laporan {periode_label} {tahun}\n\nHalo {unit_nama},\n"
                   "lampiran: {nama_berkas}; batas {batas_waktu}; {{bukan isian}}\nSalam hormat — {pengelola}\n",
                   encoding="utf-8")
    result = cli(env, rm, out, "--template", str(tpl), "--unit", "BAPPEDA", RBXL_SMTP_HOST="127.0.0.1",
                 RBXL_SMTP_PORT=server.port, RBXL_SMTP_SECURITY="none", RBXL_SMTP_FROM=FROM)
    assert result.exit_code == 0, result.output
    (msg,) = server.messages()
    assert msg["Subject"] == "[BAPPEDA] Laporan Triwulan I 2023"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Halo Badan Perencanaan") and "{bukan isian}" in body and "15 April 2023" in body
    assert "Salam hormat — Bagian Organisasi" in body

    tpl.write_text("Subjek: {unit_nama} {salah}\n\n{juga_salah} {unit_kode}\n", encoding="utf-8")
    bad = cli(env, rm, out, "--template", str(tpl), "--dry-run")
    assert bad.exit_code == 2 and "{salah}" in bad.output and "{juga_salah}" in bad.output
    with pytest.raises(UsageError, match="Subjek"):
        tpl.write_text("Halo {unit_nama}\n", encoding="utf-8")
        load_template(tpl)
    with pytest.raises(UsageError, match="kurung kurawal"):
        tpl.write_text("Subjek: a {unit_nama\n\nisi\n", encoding="utf-8")
        load_template(tpl)


def test_default_template_uses_only_known_placeholders():
    tpl = load_template()
    assert "{periode_label}" in tpl.subject and "{tahun}" in tpl.subject
    assert tpl.source.startswith("bawaan")


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["kirim", "--help"])
    assert result.exit_code == 0
    assert "Contoh:" in result.output and "rbxl kirim --tahun 2023 --periode TW1 --dry-run" in result.output
