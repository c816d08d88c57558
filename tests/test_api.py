"""The library surface: what `import rbxl` offers, and that rbxl's CLI leaves click alone."""

from __future__ import annotations

import click
from click.testing import CliRunner


def test_rbxl_help_style_is_local_to_rbxl_commands():
    from rbxl.cli import main

    assert click.Context.formatter_class is click.HelpFormatter

    @click.command()
    @click.option("--n")
    def other(n):
        """Another click program in the same process."""

    assert "Options:" in CliRunner().invoke(other, ["--help"]).output
    rbxl_help = CliRunner().invoke(main, ["validate", "--help"]).output
    assert "Pilihan:" in rbxl_help and "Pemakaian: " in rbxl_help
    assert "Pilihan:" in CliRunner().invoke(main, ["master", "check", "--help"]).output


def test_public_api_names_resolve_to_functions_and_classes_not_modules():
    import inspect
    import subprocess
    import sys

    import rbxl

    assert set(rbxl.__all__) == set(rbxl._API) | {"__version__"}
    for name in rbxl._API:
        value = getattr(rbxl, name)
        assert not inspect.ismodule(value), name
        assert (inspect.getdoc(value) or "").strip(), f"{name} has no docstring"
    # whatever was imported first, the package attribute stays the function
    code = ("import rbxl.pipeline, rbxl; from rbxl import validate, generate, consolidate; "
            "import inspect; assert all(inspect.isfunction(f) for f in (validate, generate, consolidate, "
            "rbxl.validate, rbxl.generate, rbxl.consolidate))")
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())
    # importing the package loads none of the heavy modules (rbxl --help stays fast)
    code = "import rbxl, sys; heavy = [m for m in ('pandas', 'xlsxwriter', 'rbxl.checks.validate') if m in sys.modules]; " \
           "assert not heavy, heavy"
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def _env() -> dict[str, str]:
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_readme_python_api_session_runs_and_prints_what_the_readme_shows():
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code, shown = re.findall(r"```(?:python|text)\n(.*?)```", section, re.S)[:2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == shown.strip()
