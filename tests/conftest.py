"""Shared fixtures: the shipped master, its Roadmap, and helpers to build variants of it."""

from __future__ import annotations

import copy
import importlib.util
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


def require_chromium() -> str:
    """Browser tests need Debian's Chromium and Playwright (pip) to drive it; same rule as require_app."""
    require_app("chromium", "Chromium")
    if importlib.util.find_spec("playwright") is None:
        if os.environ.get("CI"):
            pytest.fail("playwright (pip install playwright) tidak ditemukan, padahal CI wajib menjalankan uji Chromium")
        pytest.skip("playwright not installed")
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not needed)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def plant_text(spec, answers: dict, fields: tuple[str, ...], payloads: list[str]) -> dict[tuple[str, str, str], str]:
    """Cycle hostile strings through every input cell of the named free-text fields of a unit's form.

    Updates `answers` (as rbxl.form.sample builds them) and returns what was planted where.
    """
    planted: dict[tuple[str, str, str], str] = {}
    for sheet in spec.sheets:
        for row in sheet.rows:
            for f in sheet.fields:
                if f.key in fields and row.is_input(f):
                    key = (sheet.name, row.key, f.key)
                    answers[key] = planted[key] = payloads[len(planted) % len(payloads)]
    return planted


@pytest.fixture(scope="module")
def demo(tmp_path_factory, roadmap):
    """The two-period demo: TW1 then TW2 of 2023 consolidated into <out>, one riwayat store
    (<out>/rbxl.sqlite); returns (out, rbxl.cli.demo.Demo)."""
    from rbxl.cli.demo import run_demo

    out = tmp_path_factory.mktemp("riwayat") / "hasil"
    result = run_demo(roadmap, out, 2023, "TW1")
    assert result.first is not None and result.outputs.report.periode == "TW2"
    return out, result
