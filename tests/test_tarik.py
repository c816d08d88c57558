"""`rbxl tarik`: returns fetched from a real Dovecot over IMAP (plain+STARTTLS and IMAPS).

The mailbox is filled with IMAP APPEND the way units' mail arrives: one message with 30
workbooks, attachments that are not workbooks, winmail.dat, RFC 2047 and RFC 2231 encoded
names, the same file twice, a forwarded message with the workbook inside, a zip, a hostile
file, a message over the size limit, and plain mail. Dovecot runs as its own process
(tests/dovecot.py); without it the tests fail under CI and skip on a developer machine.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import dovecot
import hostile
import pytest
from helpers import require_app

from rbxl.checks.submission import DUPLICATE, REJECTED
from rbxl.core.errors import EXIT_MAIL, MailError
from rbxl.core.paths import email_dir, inbox_dir
from rbxl.form.sample import answers_for
from rbxl.form.spec import plan
from rbxl.mail.imap import attachments, parse
from rbxl.mail.tarik import LOG, SAVED, SKIPPED, TOO_LARGE, default_since, tarik
from rbxl.pipeline import run_validation
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ROOT = Path(__file__).resolve().parents[1]


def require_dovecot() -> None:
    require_app("dovecot", app="Dovecot (apt-get install dovecot-imapd)", found=bool(dovecot.binary()))


def message(subject: str, files: list[tuple[str, bytes, tuple[str, str]]] = (), sender: str = "unit@blorakab.go.id",
            body: str = "Terlampir laporan kami.") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "organisasi@blorakab.go.id", subject
    msg["Message-ID"] = make_msgid(domain="blorakab.go.id")
    msg["Date"] = "Mon, 10 Apr 2023 09:00:00 +0700"
    msg.set_content(body)
    for name, data, (main, sub) in files:
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg


def encoded_2047(name: str, data: bytes) -> EmailMessage:
    """An attachment whose name is RFC 2047 encoded in the parameter (as older Outlook writes it)."""
    msg = message("Laporan Dinkes")
    msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename="x.xlsx")
    part = list(msg.iter_attachments())[-1]
    word = "=?UTF-8?B?" + base64.b64encode(name.encode()).decode() + "?="
    part.replace_header("Content-Disposition", f'attachment; filename="{word}"')
    part.set_param("name", word, header="Content-Type")
    return msg


def forwarded(inner: EmailMessage) -> EmailMessage:
    outer = message("Fwd: " + str(inner["Subject"]), sender="sekretaris@blorakab.go.id",
                    body="Diteruskan dari kepala dinas.")
    outer.add_attachment(inner)  # message/rfc822
    return outer


@pytest.fixture(scope="module")
def workbooks(roadmap, tmp_path_factory) -> dict[str, bytes]:
    """Filled templates of 36 units (bytes), by unit code."""
    folder = tmp_path_factory.mktemp("isian")
    out = {}
    for unit in list(roadmap.units)[:36]:
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        out[unit] = write_template(spec, folder / f"{unit}.xlsx", answers_for(spec)).read_bytes()
    return out


@pytest.fixture(scope="module")
def mailbox(workbooks, tmp_path_factory):
    """A running Dovecot whose INBOX holds every kind of message; yields (server, expected)."""
    require_dovecot()
    units = list(workbooks)
    bomb = hostile.zip_bomb_xlsx(tmp_path_factory.mktemp("jahat"), inflated_mb=60).read_bytes()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr(f"{units[34]}.xlsx", workbooks[units[34]])
    big = os.urandom(2_600_000)
    inner = message("Laporan TW1", [(f"{units[33]}.xlsx", workbooks[units[33]], XLSX)], sender="dinas@blorakab.go.id")
    msgs = {
        "satu": message("Laporan TW1", [(f"{units[0]}.xlsx", workbooks[units[0]], XLSX)]),
        "tiga puluh": message("Kiriman kecamatan", [(f"{u}.xlsx", workbooks[u], XLSX) for u in units[1:31]]),
        "bukan lembar kerja": message("Surat pengantar", [("surat.pdf", b"%PDF-1.4 surat", ("application", "pdf")),
                                                          ("catatan.docx", b"PK\x03\x04docx",
                                                           ("application", "octet-stream"))]),
        "winmail": message("Laporan (Outlook RTF)", [("winmail.dat", b"\x78\x9f\x3e\x22tnef",
                                                      ("application", "ms-tnef"))]),
        "rfc2047": encoded_2047(f"Laporan {units[31]} – Triwulan I.xlsx", workbooks[units[31]]),
        "rfc2231": message("Laporan", [(f"Laporan {units[32]} – Triwulan I (perbaikan).xlsx",
                                        workbooks[units[32]], XLSX)]),
        "dua kali dalam satu pesan": message("Dobel", [(f"{units[0]}.xlsx", workbooks[units[0]], XLSX),
                                                        (f"{units[0]} (1).xlsx", workbooks[units[0]], XLSX)]),
        "dikirim lagi": message("Laporan TW1 (kirim ulang)", [(f"{units[0]}.xlsx", workbooks[units[0]], XLSX)]),
        "terusan": forwarded(inner),
        "zip": message("Laporan dalam zip", [("laporan.zip", zipped.getvalue(), ("application", "zip"))]),
        "jahat": message("Laporan", [("laporan.xlsx", bomb, XLSX)], sender="asing@contoh.invalid"),
        "terlalu besar": message("Berkas besar", [("besar.xlsx", big, XLSX)]),
    }
    noise = [message(f"Undangan rapat {i}") for i in range(5)]
    server = dovecot.Dovecot()
    server.start()
    try:
        server.append([m.as_bytes() for m in (*msgs.values(), *noise)])
        server.append([message("Laporan TW4 2022", [("lama.xlsx", workbooks[units[35]], XLSX)]).as_bytes()],
                      when=dt.datetime(2023, 1, 5, tzinfo=dt.UTC))
        yield server, msgs
    finally:
        server.stop()


def settings(server, security: str = "starttls", **kw):
    return server.settings(security, max_mb=2, **kw)


def saved_names(out: Path) -> set[str]:
    return {p.name for p in inbox_dir(out, TAHUN, PERIODE).glob("*.eml")}


def name_of(msg: EmailMessage) -> str:
    return hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:32] + ".eml"


# --- parsing IMAP responses (pure) --------------------------------------------------------------

def test_parse_reads_literals_nil_and_sections():
    data = b'1 (UID 7 BODY[HEADER.FIELDS (MESSAGE-ID)] {5}ab)c) FLAGS (\\Seen) X NIL "q\\"t")'
    [num, items] = parse(data)
    assert num == b"1"
    assert items == [b"UID", b"7", b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b"ab)c)", b"FLAGS", [b"\\Seen"],
                     b"X", None, b'q"t']


def test_bodystructure_of_forwarded_message_and_encoded_names():
    structure = parse(
        b'(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1 NIL NIL NIL NIL)'
        b'("message" "rfc822" NIL NIL NIL "7bit" 900 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)'
        b' (("text" "plain" NIL NIL NIL "7bit" 5 1 NIL NIL NIL NIL)'
        b'  ("application" "octet-stream" ("name" "a.xlsx") NIL NIL "base64" 400 NIL'
        b'   ("attachment" ("filename*" "utf-8\'\'Laporan%20%E2%80%93%20TW1.xlsx")) NIL NIL) "mixed" NIL NIL NIL NIL)'
        b' 20 NIL NIL NIL NIL)'
        b'("application" "pdf" ("name" "=?UTF-8?B?U3VyYXQgw6kucGRm?=") NIL NIL "base64" 30 NIL'
        b' ("attachment" NIL) NIL NIL) "mixed" NIL NIL NIL NIL)')[0]
    parts = [p for p in attachments(structure) if p.filename]
    assert [(p.filename, p.forwarded, p.is_workbook) for p in parts] == [
        ("Laporan – TW1.xlsx", True, True), ("Surat é.pdf", False, False)]


# --- against Dovecot ------------------------------------------------------------------------------

def test_only_messages_with_workbooks_are_saved_and_mail_is_untouched(mailbox, tmp_path):
    server, msgs = mailbox
    out = tmp_path / "out"
    ticks = []
    result = tarik(settings(server), TAHUN, PERIODE, out, since=dt.date(2023, 4, 1), progress=ticks.append)

    with_workbook = ["satu", "tiga puluh", "rfc2047", "rfc2231", "dua kali dalam satu pesan", "dikirim lagi",
                     "terusan", "zip", "jahat", "winmail"]  # winmail.dat may hold one: validate opens or names it
    missing = [k for k in with_workbook if name_of(msgs[k]) not in saved_names(out)]
    assert not missing, (missing, [(f.subject, f.hasil, f.lampiran, f.keterangan) for f in result.outcomes])
    assert saved_names(out) == {name_of(msgs[k]) for k in with_workbook}
    by_id = {f.message_id: f for f in result.outcomes}
    assert by_id[str(msgs["bukan lembar kerja"]["Message-ID"])].hasil == SKIPPED
    assert "winmail.dat" in by_id[str(msgs["winmail"]["Message-ID"])].keterangan
    assert by_id[str(msgs["winmail"]["Message-ID"])].hasil == SAVED
    assert by_id[str(msgs["terlalu besar"]["Message-ID"])].hasil == TOO_LARGE
    assert any("Triwulan I.xlsx" in n for n in by_id[str(msgs["rfc2047"]["Message-ID"])].lampiran)
    assert len(by_id[str(msgs["tiga puluh"]["Message-ID"])].lampiran) == 30
    assert result.examined == 17  # 12 + 5 noise; the January message is before `since`
    assert len(ticks) == 12  # one step per message that carries an attachment
    # the saved files are the messages, byte for byte as the server has them
    saved = (inbox_dir(out, TAHUN, PERIODE) / name_of(msgs["satu"])).read_bytes()
    assert b"Laporan TW1" in saved and saved.count(b"Content-Disposition: attachment") == 1
    # logged, outside masuk/ (validate reads every file there)
    log = list(csv.DictReader((email_dir(out, TAHUN, PERIODE) / LOG).open(encoding="utf-8")))
    assert sorted(r["hasil"] for r in log) == sorted([SAVED] * 10 + [SKIPPED] + [TOO_LARGE])
    # nothing read, moved, flagged or deleted
    conn = server.client()
    conn.select("INBOX", readonly=True)
    typ, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    assert len(data) == 18 and all(b"\\Seen" not in d and b"rbxl" not in d for d in data)


def test_validate_on_masuk_finds_every_workbook_and_rejects_the_hostile_one(mailbox, roadmap, workbooks, tmp_path):
    server, _ = mailbox
    out = tmp_path / "out"
    tarik(settings(server), TAHUN, PERIODE, out, since=dt.date(2023, 4, 1))
    report = run_validation([inbox_dir(out, TAHUN, PERIODE)], roadmap, TAHUN, PERIODE, out, workers=2).report
    units = list(workbooks)
    assert set(report.chosen) == set(units[:35])  # 30 + single + 2047 + 2231 + forwarded + zipped
    assert sum(s.verdict == DUPLICATE for s in report.submissions) == 3  # same bytes: twice in one, once again
    [bomb] = [s for s in report.submissions if s.verdict == REJECTED]
    assert {f.code for f in bomb.findings} == {"FILE_TOO_LARGE"}
    [broken] = [f for f in report.findings if f.code == "MAIL_UNREACHABLE"]  # the fixture's winmail.dat is not TNEF
    assert "winmail.dat" in broken.file and "winmail.dat" in broken.message


def test_a_second_run_fetches_only_what_is_new(mailbox, tmp_path, workbooks):
    server, _ = mailbox
    out = tmp_path / "out"
    first = tarik(settings(server), TAHUN, PERIODE, out, since=dt.date(2023, 4, 1))
    before = {p.name: p.stat().st_mtime_ns for p in inbox_dir(out, TAHUN, PERIODE).iterdir()}
    again = tarik(settings(server), TAHUN, PERIODE, out, since=dt.date(2023, 4, 1))
    assert not again.saved and again.already == len(first.saved) == 10
    assert {p.name: p.stat().st_mtime_ns for p in inbox_dir(out, TAHUN, PERIODE).iterdir()} == before
    unit = list(workbooks)[0]
    new = message("Perbaikan", [(f"{unit}.xlsx", workbooks[unit] + b"", XLSX)])
    server.append([new.as_bytes()])
    try:
        third = tarik(settings(server), TAHUN, PERIODE, out, since=dt.date(2023, 4, 1))
        assert [f.path.name for f in third.saved] == [name_of(new)]
    finally:  # the test (not rbxl) removes it: the other tests share this mailbox
        conn = server.client()
        conn.select("INBOX")
        typ, data = conn.uid("SEARCH", "SUBJECT", '"Perbaikan"')
        conn.uid("STORE", data[0].decode().replace(" ", ","), "+FLAGS", "(\\Deleted)")
        conn.expunge()
        conn.logout()


def test_imaps_with_the_tests_own_certificate(mailbox, tmp_path):
    server, msgs = mailbox
    result = tarik(settings(server, "ssl"), TAHUN, PERIODE, tmp_path, since=dt.date(2023, 4, 1))
    assert len(result.saved) == 10
    untrusted = settings(server, "ssl")
    untrusted.cafile = ""
    with pytest.raises(MailError, match="sertifikat server tidak dipercaya"):
        tarik(untrusted, TAHUN, PERIODE, tmp_path / "x", since=dt.date(2023, 4, 1))


def test_default_since_is_the_day_before_the_templates_went_out(mailbox, tmp_path):
    server, _ = mailbox
    out = tmp_path / "out"
    assert default_since(out, TAHUN, PERIODE) is None
    log = email_dir(out, TAHUN, PERIODE) / "kirim-log.csv"
    log.parent.mkdir(parents=True)
    log.write_text("waktu,unit,alamat,berkas,sha256,message_id,hasil,keterangan\n"
                   "2023-04-02T08:00:00+07:00,BAPPEDA,a@b.go.id,x.xlsx,ab,<m@x>,terkirim,\n"
                   "2023-03-30T08:00:00+07:00,DINKES,a@b.go.id,x.xlsx,ab,<m@y>,gagal,\n", encoding="utf-8")
    assert default_since(out, TAHUN, PERIODE) == dt.date(2023, 4, 1)
    everything = tarik(settings(server), TAHUN, PERIODE, tmp_path / "semua", since=None)
    assert everything.examined == 18  # no send log: the whole folder
    result = tarik(settings(server), TAHUN, PERIODE, out)
    assert result.examined == 17 and result.since == dt.date(2023, 4, 1)


def test_tandai_sets_a_keyword_and_nothing_else(mailbox, tmp_path):
    server, msgs = mailbox
    tarik(settings(server), TAHUN, PERIODE, tmp_path, since=dt.date(2023, 4, 1), tandai=True)
    conn = server.client()
    conn.select("INBOX", readonly=True)
    typ, data = conn.uid("SEARCH", "KEYWORD", "rbxl-diambil")
    flagged = len(data[0].split())
    typ, seen = conn.uid("SEARCH", "SEEN")
    typ, total = conn.uid("SEARCH", "ALL")
    conn.logout()
    assert flagged == 10 and not seen[0] and len(total[0].split()) == 18
    # leave the shared mailbox as the other tests expect it
    conn = server.client()
    conn.select("INBOX")
    conn.uid("STORE", "1:*", "-FLAGS", "(rbxl-diambil)")
    conn.logout()


def test_wrong_password_is_one_attempt_exit_5_and_an_indonesian_message(mailbox, tmp_path):
    server, _ = mailbox
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RBXL_IMAP_HOST": "127.0.0.1", "RBXL_IMAP_PORT": str(server.port),
           "RBXL_IMAP_SECURITY": "none", "RBXL_IMAP_USER": dovecot.USER, "RBXL_IMAP_PASSWORD": "salah"}
    before = server.log().count("auth failed") + server.log().count("Authentication failed")
    proc = subprocess.run([sys.executable, "-m", "rbxl", "tarik", "--tahun", "2023", "--periode", "TW1",
                           "--out", str(tmp_path)], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == EXIT_MAIL == 5, proc.stderr
    assert "Login IMAP sebagai organisasi" in proc.stderr and "ditolak" in proc.stderr
    assert "tidak mencoba lagi" in proc.stderr
    after = server.log().count("auth failed") + server.log().count("Authentication failed")
    assert after - before == 1  # one login, no retry storm
    assert not inbox_dir(tmp_path, TAHUN, PERIODE).exists()


def test_cli_periksa_fetches_then_validates(mailbox, tmp_path):
    server, _ = mailbox
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RBXL_IMAP_PASSWORD": dovecot.PASSWORD}
    (tmp_path / "rbxl.toml").write_text(
        f'[imap]\nhost = "127.0.0.1"\nport = {server.ssl_port}\nsecurity = "ssl"\nuser = "{dovecot.USER}"\n'
        f'cafile = "{server.cert}"\nmax_mb = 2\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "rbxl", "tarik", "--tahun", "2023", "--periode", "TW1",
                           "--sejak", "2023-04-01", "--periksa"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the hostile file is rejected
    assert "Disimpan: 10 pesan baru" in proc.stdout
    assert "FILE_TOO_LARGE" in proc.stdout and "berkas terpakai 35" in proc.stdout


def test_dropped_connection_resumes_without_saving_anything_twice(workbooks, tmp_path):
    require_dovecot()
    units = list(workbooks)[:12]
    msgs = [message(f"Laporan {u}", [(f"{u}.xlsx", workbooks[u], XLSX)]) for u in units]
    out = tmp_path / "out"
    with dovecot.Dovecot() as server:
        server.append([m.as_bytes() for m in msgs])
        saved: list = []

        def pull_the_plug(f) -> None:
            if f is not None:
                saved.append(f)
            if len(saved) == 4:
                server.stop()  # the server goes away mid-run: its imap process dies with it

        with pytest.raises(MailError, match="IMAP") as err:
            tarik(server.settings("none"), TAHUN, PERIODE, out, progress=pull_the_plug)
        assert "4 pesan baru sudah tersimpan" in str(err.value) and "melanjutkan" in str(err.value)
        partial = saved_names(out)
        assert len(partial) == 4 and not list(inbox_dir(out, TAHUN, PERIODE).glob(".~rbxl-*"))
        server.start()
        result = tarik(server.settings("none"), TAHUN, PERIODE, out)
        assert result.already == 4 and len(result.saved) == 8
        assert saved_names(out) == {name_of(m) for m in msgs}
        log = list(csv.DictReader((email_dir(out, TAHUN, PERIODE) / LOG).open(encoding="utf-8")))
        ids = [r["message_id"] for r in log if r["hasil"] == SAVED]
        assert len(ids) == len(set(ids)) == 12


def test_unknown_folder_is_a_usage_error(mailbox, tmp_path):
    from rbxl.core.errors import UsageError

    server, _ = mailbox
    with pytest.raises(UsageError, match="Folder 'Kiriman Unit' tidak ada"):
        tarik(settings(server, folder="Kiriman Unit"), TAHUN, PERIODE, tmp_path)


def test_imap_settings_refuse_a_password_in_the_file(tmp_path):
    from rbxl.core.errors import UsageError
    from rbxl.mail.config import load_imap_settings

    (tmp_path / "rbxl.toml").write_text('[imap]\nhost = "x"\npassword = "rahasia"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="RBXL_IMAP_PASSWORD"):
        load_imap_settings(cwd=tmp_path, env={})
    s = load_imap_settings(cwd=tmp_path / "kosong", env={"RBXL_IMAP_HOST": "mail.blorakab.go.id", "RBXL_IMAP_SECURITY": "starttls",
                                "RBXL_IMAP_PASSWORD": "p"})
    assert (s.host, s.effective_port, s.folder, s.password) == ("mail.blorakab.go.id", 143, "INBOX", "p")
