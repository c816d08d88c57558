"""Facts that have a home are not typed anywhere else (the enums, the findings and run-message catalogues)."""

from __future__ import annotations

import ast
import builtins
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
from rbxl.core.messages import MESSAGES, fields

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
    loose = [(p.name, n, s) for p in SOURCES for n, s in _strings(p)
             if CODE_LIKE.match(s) and s not in CATALOG and s not in MESSAGES]
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


# --- run messages (rbxl/core/messages.py) ------------------------------------------------------
CATALOGUES = {ROOT / "core" / "findings.py", ROOT / "core" / "messages.py"}
# words no English developer message uses and nearly every Indonesian sentence does
INDONESIAN = {"tidak", "belum", "sudah", "yang", "dan", "atau", "untuk", "dari", "di", "ke", "dengan", "harus",
              "berkas", "bukan", "dapat", "sedang", "jalankan", "pilih", "isi", "ada", "kata", "sandi", "pesan",
              "proses", "templat", "periksa", "gagal", "ditolak", "dikenal", "pun", "lagi", "dulu", "rusak"}


def _indonesian(text: str) -> bool:
    return bool(INDONESIAN & set(re.findall(r"[a-z]+", text.lower())))


def _exception_classes() -> set[str]:
    """Names of every exception class: the builtins, click's, and each class rbxl derives from them."""
    names = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}
    names |= {"UsageError", "ClickException", "BadParameter"}
    classes = [(n.name, {getattr(b, "id", getattr(b, "attr", "")) for b in n.bases})
               for path in SOURCES for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        new = {name for name, bases in classes if name not in names and bases & names}
        names |= new
        grew = bool(new)
    return names


def _texts_given_to_exceptions(path: Path, exceptions: set[str]) -> list[tuple[int, str]]:
    """(line, text) of every string given to an exception constructor: literals, f-string parts and the
    module constants it names. Text inside a finding(...) belongs to the findings catalogue's call."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {}
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            constants[st.targets[0].id] = " ".join(n.value for n in ast.walk(st.value)
                                                   if isinstance(n, ast.Constant) and isinstance(n.value, str))

    def texts(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "finding":
            return []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name) and node.id in constants:
            return [constants[node.id]]
        return [t for child in ast.iter_child_nodes(node) for t in texts(child)]

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in exceptions:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found += [(node.lineno, t) for t in texts(arg)]
    return found


def test_no_indonesian_text_is_given_to_an_exception_outside_the_catalogues():
    exceptions = _exception_classes()
    assert {"UsageError", "OutputError", "StoreError", "PdfFailed", "Fatal", "ValueError"} <= exceptions
    seen = [(p, n, t) for p in SOURCES if p not in CATALOGUES for n, t in _texts_given_to_exceptions(p, exceptions)]
    assert len(seen) > 5  # the scan sees the English developer messages (ValueError('truncated'), ...)
    hits = [(p.relative_to(ROOT).as_posix(), n, t[:60]) for p, n, t in seen if _indonesian(t)]
    assert hits == []
    assert _indonesian("Folder {folder} sedang dipakai proses rbxl lain") and not _indonesian("length too long")


def _message_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(module, line, code, the keywords it passes; None when it passes **values) of every message() call."""
    calls = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and "message" in (getattr(node.func, "id", ""), getattr(node.func, "attr", ""))
                    and node.args
                    and isinstance(node.args[0], ast.Constant)):
                keywords = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
                calls.append((path.relative_to(ROOT).as_posix(), node.lineno, node.args[0].value, keywords))
    return calls


def test_every_message_call_fills_exactly_the_fields_of_its_template():
    calls = _message_calls()
    assert len(calls) > 40  # the scan sees the calls
    assert [c for c in calls if c[2] not in MESSAGES] == []
    wrong = [(m, n, code, sorted(kw ^ fields(code))) for m, n, code, kw in calls
             if code in MESSAGES and kw is not None and kw != fields(code)]
    assert wrong == []
    for _, _, code, kw in calls:  # and the template formats with those keywords
        if kw is not None:
            MESSAGES[code].format(**dict.fromkeys(kw, "x"))


def test_every_run_message_is_used_and_no_code_is_in_both_catalogues():
    used = {c[2] for c in _message_calls()}
    assert sorted(set(MESSAGES) - used) == []
    assert set(MESSAGES) & set(CATALOG) == set()
