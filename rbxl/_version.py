"""The version of rbxl, defined once (pyproject reads it; `rbxl --version` and the store print it)."""

__version__ = "0.1.0"
