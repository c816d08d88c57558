"""Issue 19, data lost by an operator slip: a period is cumulative, a typo writes nothing, a wrong
--periode writes nothing, Ctrl+C leaves one run's outputs, and `rbxl` alone prints its help.

Real subprocess runs of the `rbxl` command on the shipped master where the CLI is the point.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from test_validate import fill, spec_of

from rbxl.core.enums import Verdict
from rbxl.pipeline import run_consolidation, run_validation

ROOT = Path(__file__).resolve().parents[1]
TAHUN, PERIODE = 2023, "TW1"
PERIOD = f"{TAHUN}-{PERIODE}"
XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rbxl(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rbxl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {}), "COLUMNS": "200"},
                          stdin=subprocess.DEVNULL)


def _digest(path: Path) -> str:
    """SHA-256 of a file's bytes; of a workbook, of every sheet's cells (read with calamine) but
    the time it was written (docProps, the hidden 'dibuat' of a perbaikan file), to the second."""
    if path.suffix != ".xlsx":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    cells = {name: [row for row in wb.get_sheet_by_name(name).to_python() if not row or row[0] != "dibuat"]
             for name in wb.sheet_names}
    return hashlib.sha256(repr(cells).encode()).hexdigest()


def snapshot(folder: Path, raw: bool = False) -> dict[str, str]:
    """Every file under `folder` (relative path -> digest of its content; `raw`: of its bytes)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if raw else _digest(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".rbxl.lock"}


def log_rows(out: Path) -> list[dict[str, str]]:
    with open(out / PERIOD / "arsip" / "log.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def needs_fix(roadmap, folder: Path, unit: str, **kw) -> Path:
    """A return of `unit` with one progress cell out of range: Perlu perbaikan (a perbaikan file)."""
    spec = spec_of(roadmap, unit)
    sheet = spec.sheet("Rencana Aksi Utama")
    key = (sheet.name, sheet.rows[0].key, "progres")
    return fill(folder, spec, {key: 250}, **kw)[0]


def mail(folder: Path, name: str, workbook: Path, date: dt.datetime) -> Path:
    msg = EmailMessage()
    msg["From"] = "operator@blorakab.go.id"
    msg["To"] = "rb@blorakab.go.id"
    msg["Subject"] = "Laporan RB"
    msg["Date"] = email.utils.format_datetime(date.astimezone())
    msg.set_content("Terlampir.")
    msg.add_attachment(workbook.read_bytes(), maintype="application", subtype=XLSX, filename=workbook.name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(bytes(msg))
    return path


@pytest.fixture
def period(roadmap, tmp_path):
    """A period validated once: KEC-JATI needs a fix, INSPEKTORAT accepted, from folder hari-1/."""
    day1 = tmp_path / "hari-1"
    needs_fix(roadmap, day1, "KEC-JATI")
    fill(day1, spec_of(roadmap, "INSPEKTORAT"))
    out = tmp_path / "out"
    run_validation([day1], roadmap, TAHUN, PERIODE, out, workers=2)
    assert (out / PERIOD / "perbaikan").is_dir()
    return out, day1


# --- 1. a typo in the input path --------------------------------------------------------------

@pytest.mark.parametrize("command", ["validate", "consolidate"])
def test_missing_input_path_is_a_usage_error_and_writes_nothing(period, tmp_path, command):
    out, _ = period
    before = snapshot(tmp_path, raw=True)
    done = rbxl(command, "kirimann/", "--tahun", str(TAHUN), "--periode", PERIODE, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "kirimann" in done.stderr and "tidak ditemukan" in done.stderr
    assert "Simpan ulang" not in done.stderr + done.stdout  # not the message meant for a unit's file
    assert snapshot(tmp_path, raw=True) == before  # perbaikan files, findings workbook, archive: all as they were
    assert not (out / "rbxl.sqlite").exists()  # consolidate did not even create the riwayat store


# --- 2. a period is cumulative ----------------------------------------------------------------

def test_a_new_folder_adds_to_the_period_and_rerunning_is_idempotent(roadmap, period, tmp_path):
    out, day1 = period
    first_rows = log_rows(out)
    fix_file = next((out / PERIOD / "perbaikan").glob("KEC-JATI_*_perbaikan.xlsx"))

    day2 = tmp_path / "hari-2"  # another day, another folder: only BAG-HUKUM's return
    fill(day2, spec_of(roadmap, "BAG-HUKUM"))
    report = run_validation([day2], roadmap, TAHUN, PERIODE, out, workers=2).report
    assert {"KEC-JATI", "INSPEKTORAT", "BAG-HUKUM"} <= set(report.chosen)  # earlier returns not forgotten
    assert report.chosen["KEC-JATI"].verdict == Verdict.NEEDS_FIX
    assert fix_file.is_file()  # its perbaikan file is still there
    assert (out / PERIOD / "umpan-balik" / "KEC-JATI.txt").is_file()
    rows = log_rows(out)
    assert rows[:len(first_rows)] == first_rows and len(rows) == len(first_rows) + 1
    assert rows[-1]["unit"] == "BAG-HUKUM"
    outputs = snapshot(out / PERIOD)

    again = run_validation([day2], roadmap, TAHUN, PERIODE, out, workers=2).report  # the same input again
    assert log_rows(out) == rows  # no duplicate archive rows
    assert snapshot(out / PERIOD) == outputs  # the same outputs, byte for byte
    assert not [f for f in again.all_findings() if f.code == "FILE_DUPLICATE"]
    both = run_validation([day1, day2], roadmap, TAHUN, PERIODE, out, workers=2).report
    assert log_rows(out) == rows and set(both.chosen) == set(report.chosen)


def test_a_later_correction_beats_a_file_dated_2099(roadmap, period, tmp_path):
    """The forgery's save time (2099, written inside the file) and file time (2099) must not win
    over the unit's correction received later."""
    out, _ = period
    forged_dir = tmp_path / "palsu"
    forged, _ = fill(forged_dir, spec_of(roadmap, "BAG-HUKUM"), name="palsu.xlsx", seed=7,
                     created=dt.datetime(2099, 1, 1))
    os.utime(forged, (dt.datetime(2099, 1, 1).timestamp(),) * 2)
    run_validation([forged_dir], roadmap, TAHUN, PERIODE, out, workers=2)
    time.sleep(1.1)  # received one second later at least (log times are to the second)
    fixed_dir = tmp_path / "koreksi"
    fill(fixed_dir, spec_of(roadmap, "BAG-HUKUM"), name="koreksi.xlsx", seed=8, created=dt.datetime(2023, 4, 2))
    report = run_validation([fixed_dir], roadmap, TAHUN, PERIODE, out, workers=2).report
    assert report.chosen["BAG-HUKUM"].item.name == "koreksi.xlsx"
    forged_sub = next(s for s in report.submissions if s.item.name == "palsu.xlsx")
    assert forged_sub.verdict == Verdict.SUPERSEDED


def test_in_one_run_the_email_date_decides_and_a_future_date_never_wins(roadmap, tmp_path):
    spec = spec_of(roadmap, "BAG-HUKUM")
    src = tmp_path / "src"
    forged, _ = fill(src, spec, name="palsu.xlsx", seed=7, created=dt.datetime(2099, 1, 1))
    real, _ = fill(src, spec, name="asli.xlsx", seed=8)
    now = dt.datetime.now()
    inbox = tmp_path / "masuk"
    mail(inbox, "a.eml", forged, dt.datetime(2099, 1, 1))  # Date in the future: not believable
    mail(inbox, "b.eml", real, now - dt.timedelta(days=1))
    mail(inbox, "c.eml", forged, now - dt.timedelta(days=2))  # same bytes, older: the original copy
    report = run_validation([inbox], roadmap, TAHUN, PERIODE, tmp_path / "out", workers=2).report
    assert report.chosen["BAG-HUKUM"].item.name == "asli.xlsx"


# --- 3. the wrong --periode -------------------------------------------------------------------

def test_most_files_for_another_period_stop_the_run_before_anything_is_written(roadmap, tmp_path):
    inbox = tmp_path / "kiriman"
    for unit in ("KEC-JATI", "INSPEKTORAT", "BAG-HUKUM"):
        fill(inbox, spec_of(roadmap, unit))
    out = tmp_path / "out"
    done = rbxl("validate", str(inbox), "--tahun", str(TAHUN), "--periode", "TW2", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "TW1 2023" in done.stderr and "kemungkinan salah" in done.stderr
    assert "tidak terbaca" not in done.stdout + done.stderr
    assert not out.exists()  # nothing at all: no archive, findings, feedback, perbaikan, lock or folder
    done = rbxl("rekap", str(inbox), "--tahun", str(TAHUN), "--periode", "TW2", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert not out.exists()  # not even an empty riwayat store


def test_one_unit_sending_an_old_template_twice_is_not_a_period_slip(roadmap, tmp_path):
    # counted by unit: KEC-JATI's two TW1 copies weigh once against BAG-HUKUM's TW2 file
    inbox = tmp_path / "kiriman"
    fill(inbox, spec_of(roadmap, "KEC-JATI"))
    fill(inbox, spec_of(roadmap, "KEC-JATI"), name="KEC-JATI-lagi.xlsx", seed=3)
    fill(inbox, spec_of(roadmap, "BAG-HUKUM", periode="TW2"))
    report = run_validation([inbox], roadmap, TAHUN, "TW2", tmp_path / "out", workers=1).report
    assert report.chosen["BAG-HUKUM"].periode == "TW2"
    assert {f.code for s in report.submissions if s.unit == "KEC-JATI" for f in s.findings} >= {"FILE_WRONG_PERIOD"}


def test_one_unit_on_an_old_template_is_still_that_units_finding(roadmap, tmp_path):
    inbox = tmp_path / "kiriman"
    fill(inbox, spec_of(roadmap, "KEC-JATI", periode="TW4", tahun=2022))
    fill(inbox, spec_of(roadmap, "INSPEKTORAT"))
    report = run_validation([inbox], roadmap, TAHUN, PERIODE, tmp_path / "out", workers=2).report
    assert [f.code for s in report.submissions for f in s.findings if f.code == "FILE_WRONG_PERIOD"]
    assert (tmp_path / "out" / PERIOD / "umpan-balik" / "KEC-JATI.txt").is_file()


# --- 4. Ctrl+C while consolidating --------------------------------------------------------------

def test_ctrl_c_during_consolidate_leaves_the_previous_outputs_whole(roadmap, tmp_path):
    day1, day2 = tmp_path / "hari-1", tmp_path / "hari-2"
    needs_fix(roadmap, day1, "KEC-JATI")
    fill(day1, spec_of(roadmap, "INSPEKTORAT"))
    fill(day2, spec_of(roadmap, "BAG-HUKUM"))
    needs_fix(roadmap, day2, "INSPEKTORAT", name="inspektorat-revisi.xlsx")
    out = tmp_path / "out"
    run_consolidation([day1], roadmap, TAHUN, PERIODE, out, workers=2)
    outputs = {k: v for k, v in snapshot(out / PERIOD, raw=True).items() if not k.startswith("arsip/")}

    flag = tmp_path / "sedang-merekap"
    proc = subprocess.Popen([sys.executable, "-m", "rbxl", "consolidate", str(day2), "--tahun", str(TAHUN),
                             "--periode", PERIODE, "--out", str(out)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            env={**os.environ, "RBXL_TEST_PAUSE": f"consolidate:{flag}", "COLUMNS": "200"})
    deadline = time.monotonic() + 240
    while not flag.exists():  # the new monitoring workbook is written, temuan/perbaikan too: not yet published
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Dihentikan" in stderr and "Traceback" not in stderr
    after = {k: v for k, v in snapshot(out / PERIOD, raw=True).items() if not k.startswith("arsip/")}
    assert after == outputs  # temuan, umpan-balik, perbaikan, monitoring, csv/, rekap, dasbor: all the old run's
    assert not any(p.name.startswith(".~rbxl") for p in (out / PERIOD).rglob("*"))

    done = rbxl("consolidate", str(tmp_path / "kosong"), "--tahun", str(TAHUN), "--periode", PERIODE, "--out",
                str(out), cwd=tmp_path)
    assert done.returncode == 2  # (a typo again: still nothing touched)
    (tmp_path / "kosong").mkdir()
    done = rbxl("consolidate", str(tmp_path / "kosong"), "--tahun", str(TAHUN), "--periode", PERIODE, "--out",
                str(out), cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # the archive kept day 2's files: the period now has them
    with open(out / PERIOD / "csv" / "unit.csv", newline="", encoding="utf-8") as fh:
        units = {r["unit"]: r for r in csv.DictReader(fh)}
    assert units["BAG-HUKUM"]["berkas"] and units["INSPEKTORAT"]["berkas"].endswith("inspektorat-revisi.xlsx")


# --- 5. `rbxl` alone ----------------------------------------------------------------------------

def test_rbxl_without_arguments_prints_the_help_as_help(tmp_path):
    done = rbxl(cwd=tmp_path)
    assert done.returncode == 2  # click's convention (8.2+): no command given is a usage error
    first = done.stderr.splitlines()[0]
    assert first.startswith("Pemakaian: ") and first.endswith("rbxl [PILIHAN] PERINTAH [ARGUMEN]...")
    assert "Gagal" not in done.stderr
    lines = done.stderr.splitlines()
    assert "Perintah:" in lines and any(line.strip().startswith("periksa") for line in lines)
    assert len(lines) > 20  # laid out as help, not folded into one paragraph


def test_ctrl_c_while_the_command_is_still_importing_is_not_a_traceback(tmp_path):
    # seen: a Ctrl+C in the first 0.7 s printed Python's KeyboardInterrupt traceback. The interrupt
    # is raised, deterministically, while the command line imports click, as a real SIGINT would be.
    code = ("import builtins, sys\n"
            "real = builtins.__import__\n"
            "def hook(name, *a, **k):\n"
            "    if name == 'click':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = hook\n"
            "sys.argv = ['rbxl', '--help']\n"
            "from rbxl.__main__ import run\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 130
    assert "Traceback" not in done.stderr and "Dihentikan (Ctrl+C)" in done.stderr
