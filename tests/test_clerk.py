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
import re
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
from rbxl.core.paths import csv_dir, findings_path, monitoring_path, perbaikan_dir
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.pipeline import run_validation


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


def test_a_locked_findings_workbook_still_publishes_the_runs_other_outputs_together(roadmap, tmp_path):
    """temuan-*.xlsx held open (here: immutable): the new one is kept as '(baru)', exit 4, and the
    feedback notes and perbaikan files of the same run are published with it, so `kirim --umpan-balik`
    never sends a unit an empty note (seen: perbaikan/ updated, umpan-balik/ not, then an e-mail '-')."""
    from rbxl.core.paths import feedback_dir

    inbox = tmp_path / "kiriman"
    fill(inbox, spec_of(roadmap))
    out = tmp_path / "hasil"
    args = ("--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out))
    assert cli("periksa", str(inbox), *args).exit_code == 0
    target = findings_path(out, TAHUN, PERIODE)
    second = tmp_path / "rabu"
    other = spec_of(roadmap, "INSPEKTORAT")
    fill(second, other, {(SHEET_RA_UTAMA, other.sheet(SHEET_RA_UTAMA).rows[0].key, "progres"): 150})
    if not _immutable(target):
        pytest.fail("chattr +i is not available: this test needs it (root on ext4/overlay)")
    try:
        res = cli("periksa", str(second), *args)
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    assert res.exit_code == 4, res.output
    assert "(baru)" in res.output and target.with_name(f"{target.stem} (baru){target.suffix}").is_file()
    assert (feedback_dir(out, TAHUN, PERIODE) / "INSPEKTORAT.txt").is_file()
    assert any(p.name.startswith("INSPEKTORAT") for p in perbaikan_dir(out, TAHUN, PERIODE).glob("*.xlsx"))
    assert not list(out.rglob(".~rbxl-baru"))


def test_kirim_feedback_refuses_when_a_listed_unit_has_no_note(roadmap, tmp_path):
    from rbxl.core.paths import feedback_dir

    inbox = tmp_path / "kiriman"
    spec = spec_of(roadmap)
    fill(inbox, spec, {(SHEET_RA_UTAMA, spec.sheet(SHEET_RA_UTAMA).rows[0].key, "progres"): 150})
    out = tmp_path / "hasil"
    assert cli("periksa", str(inbox), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out)).exit_code == 1
    (feedback_dir(out, TAHUN, PERIODE) / f"{UNIT}.txt").unlink()  # a run stopped between the list and the notes
    res = cli("kirim", "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out), "--umpan-balik", "--dry-run")
    text = " ".join(res.output.split())
    assert res.exit_code == 2, text
    assert f"Umpan balik untuk {UNIT} tidak ada" in text and "Tidak ada yang dikirim" in text
    assert not (out / f"{TAHUN}-{PERIODE}" / "email").exists()


# --- 5. the shipped master has no address: say so before anything is (not) sent --------------------

def test_master_check_warns_that_the_shipped_master_cannot_send(master_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no rbxl.toml here
    for var in ("RBXL_SMTP_FROM", "RBXL_SMTP_USER"):
        monkeypatch.delenv(var, raising=False)
    res = CliRunner().invoke(main, ["master", "check", "--master", str(master_path), "--json"])
    assert res.exit_code == 0, res.output  # warnings: the master is still usable for everything else
    codes = {f["code"]: f for f in json.loads(res.output)}
    assert {"MASTER_NO_EMAIL", "MASTER_NO_CONTACT", "MASTER_NO_SENDER"} <= set(codes)
    # '... Tindak Lanjut dan' is how the shipped master's text ends, not a print cut-off: said here
    assert codes["MASTER_TEXT_CUT"]["value"] == "8.4.b" and "Tindak Lanjut dan" in codes["MASTER_TEXT_CUT"]["message"]
    assert codes["MASTER_NO_EMAIL"]["params"]["detail"] == codes["MASTER_NO_EMAIL"]["params"]["total"] == "47"
    res = CliRunner().invoke(main, ["master", "check", "--master", str(master_path)])
    assert "Pengiriman e-mail belum siap" in " ".join(res.output.split())


@pytest.mark.parametrize("dry_run", [True, False])
def test_kirim_says_nothing_can_be_sent_and_why(roadmap, tmp_path, monkeypatch, dry_run):
    from rbxl.template.generate import generate

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

    from rbxl.mail.config import SmtpSettings
    from rbxl.mail.kirim import kirim
    from rbxl.template.generate import generate

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


# --- 1. '75%' typed into a progress cell --------------------------------------------------------

def _percent_file(roadmap, folder: Path) -> tuple[Path, str, str]:
    """A template whose first progress cell holds 0,75 shown as 75% (what Excel and LibreOffice
    store when '75%' is typed into it)."""
    import openpyxl
    from test_validate import addr, first_key

    from rbxl.form.spec import SHEET_RA_UTAMA

    spec = spec_of(roadmap)
    key = first_key(spec, SHEET_RA_UTAMA)
    cell = addr(spec, SHEET_RA_UTAMA, key, "progres")
    path, _ = fill(folder, spec, {(SHEET_RA_UTAMA, key, "status"): "Sedang Berjalan",
                                  (SHEET_RA_UTAMA, key, "progres"): 0.75})
    wb = openpyxl.load_workbook(path)
    wb[SHEET_RA_UTAMA][cell].number_format = "0%"
    wb.save(path)
    return path, key, cell


def _assert_read_as_75(report, key: str, cell: str) -> None:
    from rbxl.form.spec import SHEET_RA_UTAMA

    sub = report.submissions[0]
    assert sub.values[(SHEET_RA_UTAMA, key, "progres")] == 75
    f = [f for f in sub.findings if f.code == "VALUE_PERCENT_READ"]
    assert [(x.sheet, x.cell, x.value) for x in f] == [(SHEET_RA_UTAMA, cell, "75")]
    assert "dibaca sebagai 75 (persen)" in f[0].message and "0,75" in f[0].message
    assert not [f for f in sub.findings if f.code == "VALUE_PERCENT_FRACTION"]


def test_progress_typed_with_percent_is_read_as_75_and_the_unit_is_asked(roadmap, tmp_path, monkeypatch):
    from test_validate import run

    from rbxl.mail.config import SmtpSettings
    from rbxl.mail.kirim import kirim

    path, key, cell = _percent_file(roadmap, tmp_path / "kiriman")
    out = tmp_path / "hasil"
    report = run(path, roadmap, out=out)
    _assert_read_as_75(report, key, cell)
    assert report.submissions[0].verdict == "Diterima dengan catatan"
    # the warning needs the unit's answer: the unit is listed for feedback, without a perbaikan file
    with open(perbaikan_dir(out, TAHUN, PERIODE) / "daftar.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["unit"], r["putusan"], r["berkas"]) for r in rows] == [(UNIT, "Diterima dengan catatan", "")]

    import dataclasses
    rm = copy.copy(roadmap)
    rm.units = {**roadmap.units, UNIT: dataclasses.replace(roadmap.units[UNIT], email="org@blorakab.go.id")}
    result = kirim(rm, TAHUN, PERIODE, out, smtp=SmtpSettings(), dry_run=True, jenis="umpan-balik")
    assert [o.unit for o in result.drafts] == [UNIT]
    msg = email.message_from_bytes(result.drafts[0].eml.read_bytes(), policy=policy.default)
    text = " ".join(msg.get_body(("plain",)).get_content().split())
    assert f"sel {cell}" in text and "dibaca sebagai 75 (persen)" in text
    assert "cukup balas bahwa isian itu benar" in text and "tidak dapat kami baca" not in text


def test_progress_typed_as_text_with_percent_is_read_as_75(roadmap, tmp_path):
    from test_validate import addr, first_key, run

    from rbxl.form.spec import SHEET_RA_UTAMA

    spec = spec_of(roadmap)
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path, spec, {(SHEET_RA_UTAMA, key, "status"): "Sedang Berjalan",
                                    (SHEET_RA_UTAMA, key, "progres"): "75%"})
    sub = run(path, roadmap).submissions[0]
    assert sub.values[(SHEET_RA_UTAMA, key, "progres")] == 75
    f = [f for f in sub.findings if f.cell == addr(spec, SHEET_RA_UTAMA, key, "progres")]
    assert [x.code for x in f] == ["VALUE_TEXT_NUMBER"] and "dibaca sebagai 75" in f[0].message


@pytest.mark.libreoffice
def test_progress_typed_with_percent_survives_libreoffice_as_ods(roadmap, tmp_path):
    """LibreOffice saves the cell as office:value-type="percentage": the same reading."""
    from conftest import require_soffice
    from test_validate import run

    require_soffice()
    import soffice

    path, key, cell = _percent_file(roadmap, tmp_path / "src")
    ods = soffice.convert(path, "ods", tmp_path / "lo")
    _assert_read_as_75(run(ods, roadmap), key, cell)
    xlsx = soffice.convert(ods, "xlsx", tmp_path / "lo2")  # and back, as LibreOffice writes xlsx styles
    _assert_read_as_75(run(xlsx, roadmap), key, cell)


# --- 2. dates echoed spelled out; a Tanggal Pengisian outside the period's window -----------------

def test_a_swapped_date_is_flagged_and_every_date_is_echoed_spelled_out(roadmap, tmp_path):
    """05/04/2024 typed on an English-locale computer lands as 4 May 2024: after TW1 2024's deadline
    (15 April in the shipped Jadwal). The unit is told '4 Mei 2024' and that it may mean 5 April."""
    import datetime as dt

    import openpyxl
    from test_validate import addr, first_key

    from rbxl.form.spec import PERBAIKAN_SHEET, SHEET_IDENTITAS, SHEET_RA_UTAMA

    spec = spec_of(roadmap, tahun=2024)
    key = first_key(spec, SHEET_RA_UTAMA)
    path, _ = fill(tmp_path / "kiriman", spec, {(SHEET_IDENTITAS, "tanggal", "nilai"): dt.date(2024, 5, 4),
                                                (SHEET_RA_UTAMA, key, "status"): "Tidak Ada"})  # a value error
    out = tmp_path / "hasil"
    report = run_validation([path], roadmap, 2024, PERIODE, out, workers=1).report
    sub = report.submissions[0]
    cell = addr(spec, SHEET_IDENTITAS, "tanggal", "nilai")
    f = [f for f in sub.findings if f.code == "VALUE_DATE_OUTSIDE"]
    assert [(x.sheet, x.cell, x.value) for x in f] == [(SHEET_IDENTITAS, cell, "4 Mei 2024")]
    assert "1 Januari 2024 sampai 15 April 2024" in f[0].message and "bila maksudnya 5 April 2024" in f[0].message

    note = (out / f"2024-{PERIODE}" / "umpan-balik" / f"{UNIT}.txt").read_text(encoding="utf-8")
    assert "Tanggal Pengisian terbaca 4 Mei 2024" in note and "bila maksudnya 5 April 2024" in note
    book = next(perbaikan_dir(out, 2024, PERIODE).glob("*.xlsx"))
    ws = openpyxl.load_workbook(book, read_only=True)[PERBAIKAN_SHEET]
    texts = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "Tanggal Pengisian terbaca 4 Mei 2024" in texts and "5 April 2024" in texts


def test_a_date_inside_the_window_is_only_echoed(roadmap, tmp_path):
    import datetime as dt

    from test_validate import run

    from rbxl.form.spec import SHEET_IDENTITAS
    from rbxl.render.temuan import unit_notes

    path, _ = fill(tmp_path, spec_of(roadmap), {(SHEET_IDENTITAS, "tanggal", "nilai"): dt.date(2023, 4, 10)})
    report = run(path, roadmap)
    sub = report.submissions[0]
    assert sub.verdict == "Diterima" and sub.findings == []
    note = unit_notes(report, roadmap)[UNIT]
    assert "Tanggal Pengisian terbaca 10 April 2023" in note and "Tidak ada yang perlu diperbaiki" in note


# --- 4. a rejected file: one list of problems everywhere ----------------------------------------

def test_a_rejected_file_has_one_list_of_problems_everywhere(roadmap, tmp_path):
    """Rows sorted (rejected) and two wrong values: the console (--json), the findings workbook, the
    feedback note and the Perbaikan sheet list the same problems."""
    import openpyxl
    from test_validate import first_key, tamper

    from rbxl.form.spec import PERBAIKAN_SHEET, SHEET_RA_UTAMA

    spec = spec_of(roadmap)
    sheet = spec.sheet(SHEET_RA_UTAMA)
    path, _ = fill(tmp_path / "kiriman", spec, {(SHEET_RA_UTAMA, first_key(spec, SHEET_RA_UTAMA, 3), "status"): "Tidak Ada",
                                                (SHEET_RA_UTAMA, first_key(spec, SHEET_RA_UTAMA, 4), "progres"): 150})

    def swap(wb):
        ws = wb[SHEET_RA_UTAMA]
        for c in range(1, len(sheet.fields) + 1):
            a, b = ws.cell(sheet.first_row + 2, c), ws.cell(sheet.first_row + 1, c)
            a.value, b.value = b.value, a.value

    tamper(path, swap)
    out = tmp_path / "hasil"
    res = cli("validate", str(path), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out), "--json")
    assert res.exit_code == 1
    # FILE_SIGNATURE_UNCHECKED (these templates were made without the office's key) is the operator's
    # matter, not a problem in the unit's file: the Perbaikan sheet does not list it
    problems = [f for f in json.loads(res.output) if f["severity"] in ("error", "warning")
                and f["code"] != "FILE_SIGNATURE_UNCHECKED"]
    console = sorted(f["message"] for f in problems)

    book = next(perbaikan_dir(out, TAHUN, PERIODE).glob("*.xlsx"))
    rows = list(openpyxl.load_workbook(book, read_only=True)[PERBAIKAN_SHEET].iter_rows(min_row=6, values_only=True))
    listed = sorted(r[4].split(" (di berkas Anda: sel")[0] for r in rows if r[3] in ("Kesalahan", "Peringatan"))

    temuan = openpyxl.load_workbook(findings_path(out, TAHUN, PERIODE), read_only=True)["Temuan"]
    office = "Keaslian berkas tidak diperiksa"  # FILE_SIGNATURE_UNCHECKED, as above
    in_book = sorted(r[8] for r in temuan.iter_rows(min_row=2, values_only=True)
                     if r[0] in ("Kesalahan", "Peringatan") and not str(r[8]).startswith(office))

    note = (out / f"{TAHUN}-{PERIODE}" / "umpan-balik" / f"{UNIT}.txt").read_text(encoding="utf-8")
    place = re.compile(r"^- \[(?:Kesalahan|Peringatan)\] (?:Sheet '[^']*'(?: sel [A-Z]+\d+)?: )?(.*)$")
    in_note = sorted(m.group(1) for line in note.splitlines()
                     if (m := place.match(line)) and not m.group(1).startswith(office))
    assert len(listed) >= 3  # the reordering and the two values, at least
    assert console == in_book == in_note == listed


# --- 8. set-up as a newcomer ---------------------------------------------------------------------

def _blocks(section: str) -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [b.split("\n", 1)[1].strip() for b in part.split("```")[1::2]]


def test_readme_leads_with_a_virtual_environment_on_one_line():
    """Debian/Ubuntu's system Python refuses `pip install` (externally managed): the first command
    makes a venv, on one line, for Linux and for Windows PowerShell."""
    linux, windows = _blocks("Mulai cepat")[:2]
    assert linux == "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && rbxl demo"
    assert windows.startswith("py -m venv .venv;") and "\n" not in windows and windows.endswith("rbxl demo")


def test_ci_runs_the_readme_test_command():
    command = _blocks("Menjalankan uji")[0]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == command


def test_the_perbaikan_file_holds_the_progress_as_75(roadmap, tmp_path):
    """A file that must be fixed for another reason: its perbaikan file keeps the progress as 75
    (not 0,75 with a 'very small' warning) and lists how it was read."""
    import openpyxl
    from test_validate import tamper

    from rbxl.form.spec import PERBAIKAN_SHEET, SHEET_RA_UTAMA

    path, key, cell = _percent_file(roadmap, tmp_path / "kiriman")
    col, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
    tamper(path, lambda wb: wb[SHEET_RA_UTAMA].__setitem__(f"{col}{int(row) + 1}", 150))  # next row: out of range
    [p] = run_validation([path], roadmap, TAHUN, PERIODE, tmp_path / "hasil", workers=1).perbaikan
    assert p.answers[(SHEET_RA_UTAMA, key, "progres")] == 75
    codes = {e.code for e in p.entries if e.cell == cell}
    assert "VALUE_PERCENT_READ" in codes and "VALUE_PERCENT_FRACTION" not in codes
    ws = openpyxl.load_workbook(p.path)[SHEET_RA_UTAMA]
    assert ws[cell].value == 75
    assert PERBAIKAN_SHEET in openpyxl.load_workbook(p.path, read_only=True).sheetnames


def test_a_clerks_own_files_in_rbxls_folders_are_kept(roadmap, tmp_path):
    """Seen: umpan-balik/INSPEKTORAT-diedit-manual.txt and csv/analisis-saya.xlsx vanished on the next
    rekap. rbxl replaces its folders whole, but carries over what it did not write, and says so."""
    from rbxl.core.paths import feedback_dir

    inbox = tmp_path / "kiriman"
    spec = spec_of(roadmap)
    fill(inbox, spec, {(SHEET_RA_UTAMA, spec.sheet(SHEET_RA_UTAMA).rows[0].key, "progres"): 150})
    out = tmp_path / "hasil"
    args = ("rekap", str(inbox), "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out))
    assert cli(*args).exit_code == 1
    mine = [feedback_dir(out, TAHUN, PERIODE) / "INSPEKTORAT-diedit-manual.txt",
            csv_dir(out, TAHUN, PERIODE) / "analisis-saya.xlsx"]
    for p in mine:
        p.write_bytes(b"punya saya")
    stale = feedback_dir(out, TAHUN, PERIODE) / "KEC-CEPU.txt"  # rbxl's own note of a unit no longer listed
    stale.write_text("lama", encoding="utf-8")
    res = cli(*args)
    assert res.exit_code == 1, res.output  # the same findings: kept files are not an output problem
    assert all(p.read_bytes() == b"punya saya" for p in mine)
    assert "bukan buatan rbxl" in " ".join(res.output.split())
    assert not stale.exists() and (feedback_dir(out, TAHUN, PERIODE) / f"{UNIT}.txt").is_file()
