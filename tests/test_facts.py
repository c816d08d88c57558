"""Facts that have a home are not typed anywhere else (the enums and the findings catalogue)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import rbxl
from rbxl.core.enums import Collection, Period, Role, Verdict
from rbxl.core.findings import CATALOG, REJECTING

ROOT = Path(rbxl.__file__).parent
SOURCES = sorted(p for p in ROOT.rglob("*.py"))
CODE_LIKE = re.compile(r"^(MASTER|FILE|SHEET|CELL|ROW|ROWS|VALUE|CONSIST)_[A-Z_]+$")


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_every_code_given_to_finding_is_in_the_catalogue():
    calls = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("finding", "add") and isinstance(node.args[0].value, str):
                    calls.append((path.name, node.lineno, node.args[0].value))
    assert len(calls) > 50  # the scan sees the checks
    assert [c for c in calls if CODE_LIKE.match(c[2]) and c[2] not in CATALOG] == []
    # and any code-shaped literal anywhere (wrappers, sets) names a real code
    loose = [(p.name, n, s) for p in SOURCES for n, s in _strings(p) if CODE_LIKE.match(s) and s not in CATALOG]
    assert loose == []


def test_rejecting_codes_come_from_the_catalogue():
    assert "CELL_CHANGED" in REJECTING and "VALUE_REQUIRED" not in REJECTING
    assert all(CATALOG[c].severity == "error" for c in REJECTING)


def test_verdicts_states_roles_and_periods_are_only_typed_in_enums():
    words = {v.value for e in (Verdict, Collection, Role) for v in e} | {p.label for p in Period}
    hits = [(p.name, n, s) for p in SOURCES if p.name != "enums.py" for n, s in _strings(p) if s in words]
    assert hits == []
