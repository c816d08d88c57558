"""Workbooks inside every e-mail layout units' mail clients write, and e-mails built to exhaust the parser.

Each layout is built with the standard library's email package (tests/hostile.py), signed
with a real S/MIME signature (cryptography), packed in a real winmail.dat (written to the
MS-OXTNEF layout and read by tnefparse), and validated against the shipped master: the unit's
file must be found and accepted. What rbxl cannot open (encrypted mail, a broken winmail.dat)
and what is past an input's budget must be named in a finding of its own. The same layouts are
fetched by `tarik` from a real Dovecot and checked with `tarik --periksa`.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import dovecot
import hostile
import pytest

from rbxl.checks.submission import ACCEPTED
from rbxl.checks.validate import validate
from rbxl.core import workers
from rbxl.core.findings import ERROR
from rbxl.core.paths import email_dir, inbox_dir
from rbxl.form.sample import answers_for
from rbxl.form.spec import plan
from rbxl.intake import collect
from rbxl.intake.mail import signed_content
from rbxl.mail.tarik import LOG, SAVED, tarik
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def books(roadmap, tmp_path_factory) -> dict[str, bytes]:
    """Filled templates of 10 units from the shipped master, by unit code."""
    folder = tmp_path_factory.mktemp("isian")
    out = {}
    for unit in list(roadmap.units)[:10]:
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        out[unit] = write_template(spec, folder / f"{unit}.xlsx", answers_for(spec)).read_bytes()
    return out


def layouts(books: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """{layout: (unit, message bytes)}: one unit's workbook in each way mail clients send it."""
    u = list(books)
    one = lambda i: [(f"{u[i]}.xlsx", books[u[i]])]  # noqa: E731
    return {
        "apple": (u[0], hostile.apple_mail_bytes(one(0))),
        "nested": (u[1], hostile.nested_mixed_bytes(one(1), depth=3)),
        "smime": (u[2], hostile.smime_signed_bytes(one(2))),
        "smime-opaque": (u[3], hostile.smime_signed_bytes(one(3), opaque=True)),
        "pgp": (u[4], hostile.pgp_signed_bytes(one(4))),
        "forward-apple": (u[5], hostile.forwarded_mail_bytes(hostile.apple_mail_bytes(one(5)))),
        "winmail": (u[6], hostile.outlook_rtf_mail_bytes(one(6))),
        "forward-signed": (u[7], hostile.forwarded_mail_bytes(hostile.smime_signed_bytes(one(7)))),
    }


def test_every_layout_reaches_the_unit_file_and_it_is_accepted(roadmap, books, tmp_path):
    folder = tmp_path / "masuk"
    folder.mkdir()
    cases = layouts(books)
    for name, (_, data) in cases.items():
        (folder / f"{name}.eml").write_bytes(data)
    report = validate([folder], roadmap, TAHUN, PERIODE, workers=2)
    for name, (unit, _) in cases.items():
        assert unit in report.chosen, (name, [(f.file, f.message) for f in report.all_findings()])
        sub = report.chosen[unit]
        assert sub.verdict == ACCEPTED and sub.item.source.startswith(str(folder / f"{name}.eml") + "!/")
        assert sub.item.data == books[unit]  # the bytes the unit attached, not a re-encoding
    assert report.chosen[cases["winmail"][0]].item.source.endswith("winmail.dat!/" + cases["winmail"][0] + ".xlsx")
    assert "pesan-terusan.eml!/" in report.chosen[cases["forward-apple"][0]].item.source
    assert not [f for f in report.findings if f.severity == ERROR], [f.message for f in report.findings]
    assert not any("tanpa lampiran" in f.message for f in report.findings)
    assert report.ok


def test_opaque_signature_content_is_the_signed_message(books):
    unit = next(iter(books))
    raw = hostile.smime_signed_bytes([(f"{unit}.xlsx", books[unit])], opaque=True)
    import base64
    import email

    der = base64.b64decode(email.message_from_bytes(raw).get_payload())
    inner = signed_content(der)
    assert inner is not None and inner.startswith(b"Content-Type: multipart/mixed")
    assert signed_content(der[:200]) is None and signed_content(b"\x30\x03\x02\x01\x01") is None


def test_what_cannot_be_opened_is_named_and_the_run_is_not_ok(roadmap, books, tmp_path):
    folder = tmp_path / "masuk"
    folder.mkdir()
    unit = next(iter(books))
    (folder / "terenkripsi.eml").write_bytes(hostile.smime_encrypted_bytes([(f"{unit}.xlsx", books[unit])]))
    broken = hostile.eml_with_attachments(tmp_path, {"winmail.dat": b"\x78\x9f\x3e\x22rusak"}, name="rtf.eml")
    (folder / "rtf.eml").write_bytes(broken.read_bytes())
    (folder / "pgp.eml").write_bytes(
        b"From: a@blorakab.go.id\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=E\r\n\r\n'
        b"--E\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
        b"--E\r\nContent-Type: application/octet-stream; name=encrypted.asc\r\n\r\n"
        b"-----BEGIN PGP MESSAGE-----\r\nhQEM\r\n-----END PGP MESSAGE-----\r\n--E--\r\n")
    report = validate([folder], roadmap, TAHUN, PERIODE, workers=1)
    found = {Path(f.file.split("!/")[0]).name: f for f in report.findings if f.code == "MAIL_UNREACHABLE"}
    assert set(found) == {"terenkripsi.eml", "rtf.eml", "pgp.eml"}
    assert "S/MIME" in found["terenkripsi.eml"].message and found["terenkripsi.eml"].file.endswith("smime.p7m")
    assert "winmail.dat" in found["rtf.eml"].message and found["rtf.eml"].file.endswith("winmail.dat")
    assert "PGP" in found["pgp.eml"].message
    assert all(f.severity == ERROR for f in found.values())
    assert not report.ok and not report.chosen


def test_attachments_past_the_budget_are_each_named(roadmap, books, tmp_path):
    """120 workbooks in one e-mail (each counts its package members): every one is checked or named."""
    base = next(iter(books.values()))
    names = [f"lampiran-{i:03}.xlsx" for i in range(120)]
    # different bytes per file (a zip comment), so none is a duplicate of another
    files = {n: base[:-2] + len(n).to_bytes(2, "little") + n.encode() for n in names}
    path = hostile.eml_with_attachments(tmp_path, files, name="banyak.eml")
    items, findings = collect([path])
    checked = {i.source.rsplit("!/", 1)[1] for i in items if not i.note}
    named = {f.file.rsplit("!/", 1)[1]: f for f in findings if "!/" in f.file}
    assert checked and named, [f.message for f in findings]
    assert checked | set(named) == set(names) and not checked & set(named)
    late = [n for n in names if n in named]
    assert all(named[n].code in ("FILE_NOT_CHECKED", "FILE_TOO_LARGE") for n in late)
    assert sum(named[n].code == "FILE_NOT_CHECKED" for n in late) >= len(late) - 1
    assert "tidak diperiksa" in named[late[-1]].message.lower()


@pytest.mark.parametrize("kind", ["nested", "parts", "params"])
def test_a_hostile_message_costs_one_finding_and_seconds(roadmap, books, tmp_path, kind):
    folder = tmp_path / "masuk"
    folder.mkdir()
    head = b"From: a@blorakab.go.id\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
    if kind == "nested":  # 20,000 levels: the email package took 77 s before giving up (RecursionError)
        data = head + b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                               for i in range(20000)) + b"Content-Type: text/plain\r\n\r\nx\r\n"
    elif kind == "parts":  # 100,000 empty parts
        data = head + b"Content-Type: multipart/mixed; boundary=B\r\n\r\n" + b"--B\r\n\r\n" * 100_000 + b"--B--\r\n"
    else:  # one Content-Type with 270,000 parameters (2.8 MB)
        data = (head + b"Content-Type: multipart/mixed; boundary=B; "
                + b"; ".join(b"x%d=y" % i for i in range(270_000)) + b"\r\n\r\n--B\r\n\r\nx\r\n--B--\r\n")
    (folder / "jahat.eml").write_bytes(data)
    unit = next(iter(books))
    (folder / f"{unit}.xlsx").write_bytes(books[unit])
    start = time.monotonic()
    report = validate([folder], roadmap, TAHUN, PERIODE, workers=1)
    assert time.monotonic() - start < 30
    [bad] = [f for f in report.findings if f.file.endswith("jahat.eml")]
    assert bad.code == "FILE_TOO_LARGE" and "e-mail tidak wajar" in bad.message
    assert unit in report.chosen  # the good file next to it is not lost


def test_a_slow_message_is_stopped_by_the_worker_deadline(roadmap, books, tmp_path, monkeypatch):
    """Under every screen limit but slow to parse: the worker's deadline stops it, one finding."""
    monkeypatch.setattr(workers, "FILE_SECONDS", 1.0)
    parts = b"".join(b"--B\r\nContent-Type: text/plain; " + b"; ".join(b"p%d=v" % j for j in range(90))
                     + b"\r\n\r\nx\r\n" for _ in range(4000))
    data = (b"From: a@blorakab.go.id\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n" + parts + b"--B--\r\n")
    path = tmp_path / "lambat.eml"
    path.write_bytes(data)
    start = time.monotonic()
    items, findings = collect([path])
    assert time.monotonic() - start < 20
    [bad] = findings
    assert bad.code == "FILE_TOO_LARGE" and "batas waktu" in bad.message


# --- against Dovecot ---------------------------------------------------------------------------

def require_dovecot() -> None:
    if dovecot.binary():
        return
    if os.environ.get("CI"):
        pytest.fail("dovecot tidak ditemukan, padahal CI wajib menjalankan uji IMAP (apt-get install dovecot-imapd)")
    pytest.skip("dovecot not installed")


@pytest.fixture(scope="module")
def mailbox(books):
    require_dovecot()
    cases = layouts(books)
    server = dovecot.Dovecot()
    server.start()
    try:
        server.append([data for _, data in cases.values()])
        yield server, cases
    finally:
        server.stop()


def test_tarik_saves_every_layout_and_validate_accepts_each_unit(mailbox, roadmap, tmp_path):
    server, cases = mailbox
    result = tarik(server.settings("none"), TAHUN, PERIODE, tmp_path, since=dt.date(2020, 1, 1))
    assert len(result.saved) == len(cases), [(f.subject, f.hasil, f.keterangan) for f in result.outcomes]
    report = validate([inbox_dir(tmp_path, TAHUN, PERIODE)], roadmap, TAHUN, PERIODE, workers=2)
    assert {unit for unit, _ in cases.values()} <= set(report.chosen)
    assert report.ok, [(f.file, f.message) for f in report.all_findings() if f.severity == ERROR]


def test_periksa_does_not_say_all_received_when_a_workbook_is_sealed(books, tmp_path):
    """An encrypted message and a formula in the sender's name: saved, named, and the log is guarded."""
    require_dovecot()
    unit = next(iter(books))
    sealed = hostile.smime_encrypted_bytes([(f"{unit}.xlsx", books[unit])], subject="=HYPERLINK(\"http://x\",\"a\")")
    sealed = sealed.replace(b"From: Operator Kecamatan <operator@blorakab.go.id>",
                            b"From: -2+3 <operator@blorakab.go.id>")
    good = hostile.apple_mail_bytes([("@SUM(1+1).xlsx", books[unit])], subject="+Laporan")
    server = dovecot.Dovecot()
    server.start()
    try:
        server.append([sealed, good])
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RBXL_IMAP_PASSWORD": dovecot.PASSWORD}
        (tmp_path / "rbxl.toml").write_text(
            f'[imap]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\nuser = "{dovecot.USER}"\n',
            encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "rbxl", "tarik", "--tahun", str(TAHUN), "--periode", PERIODE,
                               "--sejak", "2020-01-01", "--periksa", "--out", str(tmp_path / "out")], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        server.stop()
    text = " ".join(proc.stdout.split())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Semua berkas diterima" not in text and "MAIL_UNREACHABLE" in text and "S/MIME" in text
    assert "Disimpan: 2 pesan baru" in text
    rows = list(csv.DictReader((email_dir(tmp_path / "out", TAHUN, PERIODE) / LOG).open(encoding="utf-8")))
    assert {r["hasil"] for r in rows} == {SAVED}
    fields = [r[k] for r in rows for k in ("pengirim", "subjek", "lampiran")]
    assert not [v for v in fields if v[:1] in "=+-@"], fields
    assert {v[:2] for v in fields} >= {"'=", "'+", "'-", "'@"}


def test_a_signed_file_p7m_is_the_file_inside(books, tmp_path):
    """laporan.xlsx.p7m (a file signed on its own, CMS opaque): the workbook inside is checked."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    unit, data = next(iter(books.items()))
    cert, key = hostile._signer()
    der = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256()).sign(
        serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])  # a file, not text: no CRLF conversion
    path = hostile.eml_with_attachments(tmp_path, {f"{unit}.xlsx.p7m": der}, name="bertanda.eml")
    items, findings = collect([path])
    [book] = [i for i in items if not i.note]
    assert book.name == f"{unit}.xlsx" and book.data == data, [f.message for f in findings]
