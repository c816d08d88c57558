"""The README's finding-code and module tables are generated from the code and must not drift."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("readme_tables", ROOT / "tools" / "readme_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_match_the_code():
    tool = _tool()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tool.update(text) == text, "run: python tools/readme_tables.py"


def test_every_catalogue_code_and_module_is_in_the_readme():
    from rbxl.core.findings import CATALOG

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [c for c in CATALOG if f"`{c}`" not in text] == []
    modules = [p.relative_to(ROOT).as_posix() for p in (ROOT / "rbxl").rglob("*.py")]
    assert [m for m in modules if f"`{m}`" not in text] == []
    assert "| `FILE_EMPTY` | Kesalahan | ya |" in text  # rejecting codes say so
