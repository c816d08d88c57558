"""Worker processes: how many by default and how they are started (one place for both)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

MAX_DEFAULT_WORKERS = 4  # beyond this the disk and the parent's bookkeeping dominate


def default_workers() -> int:
    """The CPU count, capped at MAX_DEFAULT_WORKERS."""
    return min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)


def pool_context() -> BaseContext:
    """fork where the platform has it: workers inherit the loaded roadmap instead of pickling it."""
    import multiprocessing as mp

    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
