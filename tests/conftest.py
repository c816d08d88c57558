"""Shared fixtures: the shipped master, its Roadmap, and helpers to build variants of it."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx"
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def master_path() -> Path:
    return MASTER


@pytest.fixture(scope="session")
def master_grids() -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(MASTER))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


@pytest.fixture
def grids(master_grids) -> dict[str, list[list]]:
    """A private deep copy of the master's cell grids, to break in a test."""
    return copy.deepcopy(master_grids)


@pytest.fixture(scope="session")
def roadmap():
    from rbxl.master.load import read_master

    return read_master(MASTER)[0]


def require_app(command: str, app: str) -> None:
    """Real-app tests run everywhere CI runs: a missing app fails under CI, skips locally."""
    if shutil.which(command):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{command} ({app}) tidak ditemukan, padahal CI wajib menjalankan uji {app}")
    pytest.skip(f"{command} not installed")


def require_soffice() -> None:
    require_app("soffice", "LibreOffice")


def require_ssconvert() -> None:
    require_app("ssconvert", "Gnumeric")


def ssconvert(src: Path, out_dir: Path, fmt: str) -> Path:
    """Re-save `src` with a real Gnumeric into `out_dir` (never next to the input) as `fmt`."""
    exporters = {"xlsx": "Gnumeric_Excel:xlsx2", "ods": "Gnumeric_OpenCalc:odf", "xls": "Gnumeric_Excel:excel_biff8"}
    out_dir.mkdir(parents=True, exist_ok=True)
    dst = out_dir / f"{src.stem}.{fmt}"
    assert dst.resolve().parent != src.resolve().parent
    env = {**os.environ, "HOME": str(out_dir)}  # Gnumeric writes its settings under HOME
    done = subprocess.run(["ssconvert", "--export-type", exporters[fmt], str(src), str(dst)], env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and dst.stat().st_size > 0, done.stderr
    return dst
