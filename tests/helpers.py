"""Helpers shared by the test modules (imported as `helpers`: tests/ is on sys.path, as for conftest)."""

from __future__ import annotations

import os
import shutil

import pytest


def require_app(*commands: str, app: str, found: bool | None = None) -> None:
    """The one rule for tests of a real application: it runs wherever CI runs.

    Under CI a missing application FAILS the test (.ci/run installs it, so a skip would hide a broken
    install step); on a developer machine without it the test is skipped. `found` overrides the
    look-up on PATH (Dovecot lives in /usr/sbin)."""
    if found is None:
        found = all(shutil.which(c) for c in commands)
    if found:
        return
    names = "/".join(commands) or app
    if os.environ.get("CI"):
        pytest.fail(f"{names} ({app}) tidak ditemukan, padahal CI wajib menjalankan uji {app}")
    pytest.skip(f"{names} ({app}) not installed")
