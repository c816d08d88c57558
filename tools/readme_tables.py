"""Rewrite the README's generated tables from the code: finding codes, run messages and the module layout.

The README marks each generated table with <!-- name:start --> ... <!-- name:end -->; the text
between the markers is replaced. tests/test_readme_tables.py fails when the README drifts.

    python tools/readme_tables.py          # rewrite README.md
    python tools/readme_tables.py --check  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rbxl.core.findings import CATALOG  # noqa: E402

README = ROOT / "README.md"


def summary(template: str) -> str:
    """The first sentence of a message template, placeholders shown as '…'."""
    text = re.sub(r"\{[^}]*\}", "…", template)
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first.rstrip(".")


def codes_table() -> str:
    lines = ["| kode | tingkat | menolak berkas | minta jawaban unit | pesan (ringkas) |", "|---|---|---|---|---|"]
    for code, entry in CATALOG.items():
        lines.append(f"| `{code}` | {entry.severity.label} | {'ya' if entry.rejects else ''} | "
                     f"{'ya' if entry.asks else ''} | "
                     f"{summary(entry.message).replace('|', '/')} |")
    return "\n".join(lines)


def messages_table() -> str:
    """The run-message catalogue (rbxl/core/messages.py): code and the first sentence of its text."""
    from rbxl.core.messages import MESSAGES

    lines = ["| kode | pesan (ringkas) |", "|---|---|"]
    for code, template in MESSAGES.items():
        text = " ".join(summary(template.replace("\\[", "[")).split())
        lines.append(f"| `{code}` | {text.replace('|', '/')} |")
    return "\n".join(lines)


def modules_table() -> str:
    lines = ["| module | job (its docstring's first line) |", "|---|---|"]
    for path in sorted((ROOT / "rbxl").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        lines.append(f"| `{rel}` | {doc.splitlines()[0] if doc else ''} |")
    return "\n".join(lines)


def layers_table() -> str:
    from rbxl._layers import LAYERS

    lines = ["| layer | lives in | job |", "|---|---|---|"]
    for i, (name, job) in enumerate(LAYERS):
        where = f"`rbxl/{name}/`" if (ROOT / "rbxl" / name).is_dir() else f"`rbxl/{name}.py`"
        lines.append(f"| {i} | {where} | {job} |")
    return "\n".join(lines)


def exit_codes_table() -> str:
    from rbxl.core.errors import EXIT_MEANINGS

    lines = ["| kode | arti |", "|---|---|"]
    lines += [f"| {code} | {meaning} |" for code, meaning in sorted(EXIT_MEANINGS.items())]
    return "\n".join(lines)


def commands_table() -> str:
    """Every command and subcommand with its help's first line, from the click tree (hidden aliases left out)."""
    import click

    from rbxl.cli import main

    lines = ["| perintah | gunanya |", "|---|---|"]

    def walk(cmd: click.Command, path: str) -> None:
        if isinstance(cmd, click.Group):
            if cmd.invoke_without_command and path != "rbxl":
                lines.append(f"| `{path}` | {cmd.get_short_help_str(limit=200)} |")
            for name in cmd.list_commands(click.Context(cmd)):
                sub = cmd.get_command(click.Context(cmd), name)
                if sub is not None and not sub.hidden:
                    walk(sub, f"{path} {name}")
        else:
            lines.append(f"| `{path}` | {cmd.get_short_help_str(limit=200)} |")

    walk(main, "rbxl")
    return "\n".join(lines)


TABLES = {"finding-codes": codes_table, "run-messages": messages_table, "layers": layers_table, "modules": modules_table,
          "exit-codes": exit_codes_table, "commands": commands_table}


def update(text: str) -> str:
    for name, render in TABLES.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README has no <!-- {name}:start --> ... <!-- {name}:end --> markers")
        text = pattern.sub(lambda m, r=render: m.group(1) + r() + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = update(text)
    if "--check" in argv:
        if new != text:
            print("README.md tables are out of date: run python tools/readme_tables.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
