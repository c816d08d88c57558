"""Facts that have a home are not typed anywhere else (the enums and the findings catalogue)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import rbxl
from rbxl.core.enums import (
    NO,
    NOT_REPORTED,
    YES,
    Capaian,
    Collection,
    Kepatuhan,
    Period,
    Role,
    StatusRole,
    Verdict,
)
from rbxl.core.findings import CATALOG, REJECTING

ROOT = Path(rbxl.__file__).parent
SOURCES = sorted(p for p in ROOT.rglob("*.py"))
# every prefix the catalogue uses (computed, so a new family is covered the day it is added)
PREFIXES = sorted({c.split("_")[0] for c in CATALOG})
CODE_LIKE = re.compile(rf"^({'|'.join(PREFIXES)})_[A-Z_]+$")


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants that are not docstrings (docs may name the shipped master's words)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


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
    words = ({v.value for e in (Verdict, Collection, Role, Capaian, Kepatuhan) for v in e}
             | {p.label for p in Period} | {NOT_REPORTED, YES, NO})
    hits = [(p.name, n, s) for p in SOURCES if p.name != "enums.py" for n, s in _strings(p) if s in words]
    assert hits == []


def test_the_catalogue_families_include_history_and_perbaikan():
    assert {"HISTORY", "PERBAIKAN", "MASTER", "FILE"} <= set(PREFIXES)


def test_status_names_are_the_masters_not_typed_in_messages_or_prompts():
    # the master decides what the statuses are called (sheet Pilihan); a message or a prompt that types
    # 'Selesai' is wrong for a master that renames it
    names = {role.label for role in StatusRole}
    quoted = re.compile("|".join(rf"'{re.escape(n)}'|\b{re.escape(n)} =" for n in names))
    hits = [(p.name, n, s) for p in SOURCES if p.name != "enums.py" for n, s in _code_strings(p) if quoted.search(s)]
    assert hits == []
    assert all(not quoted.search(c.message) for c in CATALOG.values())


def test_the_period_calendar_lives_on_period():
    # a tuple or dict of period codes typed outside enums.py is a second calendar
    codes = {p.value for p in Period}
    found = []
    for path in SOURCES:
        if path.name == "enums.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                elts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            elif isinstance(node, ast.Dict):
                elts = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            else:
                continue
            if sum(e in codes for e in elts) >= 2:
                found.append((path.name, node.lineno))
    assert found == []


def test_indonesian_numbers_are_formatted_in_one_place():
    # values.format_number is the one '1.234,5': a second hand-made '.replace(".", ",")' drifts from it
    pattern = re.compile(r"""\.replace\(\s*(['"])\.\1\s*,\s*(['"]),\2\s*\)""")
    hits = [p.name for p in SOURCES if p.name != "values.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
