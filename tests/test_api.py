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
