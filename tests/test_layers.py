"""The layer rule of rbxl/_layers.py: no import runs upward, no imports close a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import rbxl
from rbxl._layers import LAYER_OF, LAYERS

PKG = Path(rbxl.__file__).parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


MODULES = {_module_name(p): p for p in PKG.rglob("*.py")}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYER_OF[parts[1] if len(parts) > 1 else "__init__"]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every rbxl import in the file, in functions too; `from a import b` names a.b when b is a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "rbxl"]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import (rbxl imports are absolute)"
            if node.module and node.module.split(".")[0] == "rbxl":
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    out.append((node.lineno, sub if sub in MODULES else node.module))
    return out


def _in_type_checking_block(path: Path) -> set[int]:
    lines = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if hasattr(inner, "lineno"):
                    lines.add(inner.lineno)
    return lines


def test_every_package_has_a_layer():
    for module in MODULES:
        parts = module.split(".")
        assert len(parts) == 1 or parts[1] in LAYER_OF, f"{module} is in no layer of rbxl/_layers.py"


def test_no_import_runs_upward():
    upward = []
    for module, path in MODULES.items():
        for line, target in _imports(path):
            if _layer(target) > _layer(module):
                upward.append(f"{path.relative_to(PKG.parent)}:{line}: {module} "
                              f"({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})")
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        skip = _in_type_checking_block(path)
        for line, target in _imports(path):
            if line in skip or target == module:
                continue
            # importing a package runs its __init__: an edge to the package module itself
            if target in MODULES:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle():
    # a package's __init__ that re-exports its submodules is not a circle with them when they never
    # import the package itself: the edges say so
    assert _cycles(_graph()) == []


def test_the_checker_sees_a_circle_and_an_upward_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert _layer("rbxl.core.enums") < _layer("rbxl.checks.validate") < _layer("rbxl.cli")


def test_no_module_is_over_500_lines():
    # a module past 500 lines holds more than one idea: split it along its blocks (issue 20)
    long = {name: n for name, p in MODULES.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
