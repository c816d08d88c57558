"""Every command has Indonesian help with an example; the benchmark script runs on a tiny size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from rbxl._version import __version__

from rbxl.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    seen = []
    for path, _cmd in _commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Contoh:" in result.output, path
        seen.append(" ".join(path))
    assert {"generate", "validate", "consolidate", "demo", "master check", "laporan"} <= set(seen)


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_unknown_period_is_a_usage_error():
    result = CliRunner().invoke(main, ["generate", "--tahun", "2023", "--periode", "TW5"])
    assert result.exit_code == 2


def test_benchmark_script_runs_on_a_tiny_size(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--size", "tiny", "--json",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    stages = {r["tahap"] for r in data["rows"]}
    assert {"generate (1 proses)", "consolidate (ujung ke ujung)", "laporan docx (tanpa PDF)", "rbxl --help"} <= stages
    assert all(r["seconds"] > 0 and r["peak_mb"] > 0 for r in data["rows"])
    assert "cpus" in data["machine"]


def test_shipped_master_is_found_from_any_folder(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != "RBXL_MASTER"}
    proc = subprocess.run([sys.executable, "-m", "rbxl", "master", "check"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Master dapat dipakai" in proc.stdout


def test_code_passes_ruff():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "rbxl", "tests", "benchmarks", "tools"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
