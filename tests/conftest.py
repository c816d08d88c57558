"""Shared fixtures: the shipped master, its Roadmap, and helpers to build variants of it."""

from __future__ import annotations

import copy
import os
import shutil
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


def require_soffice() -> None:
    """LibreOffice tests run everywhere CI runs: a missing soffice fails under CI, skips locally."""
    if shutil.which("soffice"):
        return
    if os.environ.get("CI"):
        pytest.fail("soffice (LibreOffice) tidak ditemukan, padahal CI wajib menjalankan uji LibreOffice")
    pytest.skip("soffice not installed")


CHROMIUM = "/usr/bin/chromium"


def require_chromium() -> str:
    """Browser tests run everywhere CI runs: a missing Chromium or Playwright fails under CI, skips locally."""
    import importlib.util

    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    missing = [what for what, ok in (("chromium (apt-get install chromium)", path),
                                     ("playwright (pip install playwright)", importlib.util.find_spec("playwright")))
               if not ok]
    if not missing:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{', '.join(missing)} tidak ditemukan, padahal CI wajib menjalankan uji browser")
    pytest.skip(f"{', '.join(missing)} not installed")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not needed)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()
