"""Issue 19, what a clerk misread or was not told: a quarter run the way a clerk runs it.

Each test builds its files from the shipped master (real templates, filled) and runs the real
command or pipeline; the reproducer is made in the test.
"""

from __future__ import annotations

import copy
import csv
import email
import json
import os
import shutil
import stat
import subprocess
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MASTER
from test_validate import PERIODE, TAHUN, UNIT, fill, spec_of

from rbxl.cli import main
from rbxl.form import plan
from rbxl.paths import csv_dir, findings_path, monitoring_path, perbaikan_dir


def cli(*args: str):
    return CliRunner().invoke(main, [*args, "--master", str(MASTER)], catch_exceptions=False)


# --- 7. files colleagues can open, errors in Indonesian, the documented exit code ------------------

def test_outputs_respect_the_umask(roadmap, tmp_path):
    src, _ = fill(tmp_path / "kiriman", spec_of(roadmap))
    out = tmp_path / "hasil"
    old = os.umask(0o022)
    try:
        res = cli("validate", str(src), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out))
    finally:
        os.umask(old)
    assert res.exit_code in (0, 1), res.output
    files = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert findings_path(out, TAHUN, PERIODE) in files
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
    assert all(m == 0o644 for m in modes.values()), modes


def test_an_output_path_taken_by_a_folder_is_said_in_indonesian(roadmap, tmp_path):
    src, _ = fill(tmp_path / "kiriman", spec_of(roadmap))
    out = tmp_path / "hasil"
    findings_path(out, TAHUN, PERIODE).mkdir(parents=True)  # a folder where the workbook goes
    res = cli("validate", str(src), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out))
    assert res.exit_code == 4, res.output
    text = " ".join(res.output.split())
    assert "Is a directory" not in text and "Errno" not in text
    assert "ada folder dengan nama yang sama" in text and "--out" in text


def _immutable(path: Path) -> bool:
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_locked_monitoring_workbook_exits_4_and_a_rejected_unit_names_its_file(roadmap, tmp_path):
    """The old workbook cannot be replaced (Windows: open in Excel; here: immutable): exit 4 as the
    README says, the new one kept as '(baru)'. The unit whose only file was rejected has that file's
    name in unit.csv."""
    inbox = tmp_path / "kiriman"
    fill(inbox, spec_of(roadmap))
    other = spec_of(roadmap, "INSPEKTORAT", periode="TW2")
    fill(inbox, other, name="INSPEKTORAT-tw2.xlsx")  # another period: rejected
    out = tmp_path / "hasil"
    args = ("consolidate", str(inbox), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out))
    res = cli(*args)
    assert res.exit_code == 1, res.output
    with open(csv_dir(out, TAHUN, PERIODE) / "unit.csv", newline="", encoding="utf-8-sig") as fh:
        rows = {r["unit"]: r for r in csv.DictReader(fh)}
    assert rows["INSPEKTORAT"]["putusan"] and rows["INSPEKTORAT"]["berkas"] == "INSPEKTORAT-tw2.xlsx"
    assert rows[UNIT]["berkas"] == f"{UNIT}.xlsx"

    target = monitoring_path(out, TAHUN, PERIODE)
    if not _immutable(target):
        pytest.skip("chattr +i is not available here")
    try:
        res = cli(*args)
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    assert res.exit_code == 4, res.output
    assert "(baru)" in res.output
    assert target.with_name(f"{target.stem} (baru){target.suffix}").is_file()
    assert perbaikan_dir(out, TAHUN, PERIODE).is_dir()


# --- 5. the shipped master has no address: say so before anything is (not) sent --------------------

def test_master_check_warns_that_the_shipped_master_cannot_send(master_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no rbxl.toml here
    for var in ("RBXL_SMTP_FROM", "RBXL_SMTP_USER"):
        monkeypatch.delenv(var, raising=False)
    res = CliRunner().invoke(main, ["master", "check", "--master", str(master_path), "--json"])
    assert res.exit_code == 0, res.output  # warnings: the master is still usable for everything else
    codes = {f["code"]: f for f in json.loads(res.output)}
    assert {"MASTER_NO_EMAIL", "MASTER_NO_CONTACT", "MASTER_NO_SENDER"} <= set(codes)
    assert codes["MASTER_NO_EMAIL"]["params"]["detail"] == codes["MASTER_NO_EMAIL"]["params"]["total"] == "47"
    res = CliRunner().invoke(main, ["master", "check", "--master", str(master_path)])
    assert "Pengiriman e-mail belum siap" in " ".join(res.output.split())


@pytest.mark.parametrize("dry_run", [True, False])
def test_kirim_says_nothing_can_be_sent_and_why(roadmap, tmp_path, monkeypatch, dry_run):
    from rbxl.generation import generate

    monkeypatch.chdir(tmp_path)
    for var in ("RBXL_SMTP_FROM", "RBXL_SMTP_USER", "RBXL_SMTP_HOST"):
        monkeypatch.delenv(var, raising=False)
    if not dry_run:
        monkeypatch.setenv("RBXL_SMTP_HOST", "127.0.0.1")
    out = tmp_path / "hasil"
    generate(roadmap, TAHUN, PERIODE, out, units=[UNIT, "INSPEKTORAT"], workers=1)
    res = cli("kirim", "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out),
              *(["--dry-run"] if dry_run else []))
    text = " ".join(res.output.split())
    assert res.exit_code == 1, text
    assert "Tidak ada e-mail yang dapat dikirim" in text and "sheet Unit" in text and UNIT in text
    assert "Alamat pengirim juga belum diatur" in text
    assert not (out / f"{TAHUN}-{PERIODE}" / "email").exists()  # nothing written


def test_mail_and_template_give_the_contact_or_a_clear_instruction(roadmap, tmp_path):
    """No 'Telepon: -' lines, no 'alamat kontak' that is never given."""
    import dataclasses

    from rbxl.generation import generate
    from rbxl.kirim import kirim
    from rbxl.mail.config import SmtpSettings

    out = tmp_path / "hasil"
    generate(roadmap, TAHUN, PERIODE, out, units=[UNIT], workers=1)
    rm = copy.copy(roadmap)
    rm.units = {**roadmap.units, UNIT: dataclasses.replace(roadmap.units[UNIT], email="org@blorakab.go.id")}
    result = kirim(rm, TAHUN, PERIODE, out, smtp=SmtpSettings(), dry_run=True)
    body = email.message_from_bytes(result.outcomes[0].eml.read_bytes(), policy=policy.default)
    text = body.get_body(("plain",)).get_content()
    assert "Telepon: -" not in text and "E-mail: -" not in text
    assert "Alamat e-mail kontak belum tercantum" in text
    assert any("pengirim@contoh.invalid" in n for n in result.notes)  # the dry run says its sender is a stand-in

    rm.settings = {**roadmap.settings, "kontak_email": "rb@blorakab.go.id", "kontak_telepon": "(0296) 531 000"}
    joined = "\n".join(plan(rm, UNIT, TAHUN, PERIODE).guide)
    assert "Alamat kontak: rb@blorakab.go.id" in joined and "(0296) 531 000" in joined
