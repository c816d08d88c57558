"""Issue 19, what a clerk misread or was not told: a quarter run the way a clerk runs it.

Each test builds its files from the shipped master (real templates, filled) and runs the real
command or pipeline; the reproducer is made in the test.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MASTER
from test_validate import PERIODE, TAHUN, UNIT, fill, spec_of

from rbxl.cli import main
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
