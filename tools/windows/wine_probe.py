"""Run by tools/wine_check.py with the installer's own Windows Python under Wine: the paths
of rbxl that differ on Windows, each checked on the real Windows CPython and wheels.

    python.exe wine_probe.py WORKDIR

Prints one line per check, 'OK <name>: ...' or 'FAILED <name>: ...', and exits 1 if any failed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import traceback
from pathlib import Path


def square(x):
    return x * x


def slow_or_fast(x):
    if x == "slow":
        time.sleep(30)
    return ("ok", x)


def init():
    pass


def failed(item, why):
    return ("failed", item, why.kind)


def take_lock(out, q):
    from rbxl.core.errors import OutputError
    from rbxl.core.lock import period_lock

    try:
        with period_lock(out, 2023, "TW1", wait=1):
            q.put("got it")
    except OutputError as err:
        q.put(f"refused: {err}")


def check_spawn_pool(work: Path) -> str:
    from rbxl.core.workers import default_start_method, map_isolated

    assert sys.platform == "win32", sys.platform
    assert default_start_method() == "spawn", default_start_method()
    res = map_isolated(square, list(range(24)), initializer=init, initargs=(), workers=2, failed=failed)
    assert res == [x * x for x in range(24)], res
    from concurrent.futures import ProcessPoolExecutor  # rbxl template uses it for many units
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
        assert list(pool.map(square, range(30), chunksize=3)) == [x * x for x in range(30)]
    return "24 items on 2 spawn workers (map_isolated), 30 through a spawn ProcessPoolExecutor"


def check_deadline(work: Path) -> str:
    from rbxl.core.workers import map_isolated

    start = time.monotonic()
    res = map_isolated(slow_or_fast, ["a", "slow", "b", "c"], initializer=init, initargs=(), workers=2,
                       failed=failed, seconds=3)
    took = time.monotonic() - start
    assert res == [("ok", "a"), ("failed", "slow", "timeout"), ("ok", "b"), ("ok", "c")], res
    assert took < 25, took
    return f"the slow file stopped at its 3 s deadline, the others done ({took:.1f} s)"


def check_period_lock(work: Path) -> str:
    from rbxl.core.lock import period_lock

    out = work / "kunci"
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    with period_lock(out, 2023, "TW1"):
        p = ctx.Process(target=take_lock, args=(out, q))
        p.start()
        held = q.get(timeout=120)
        p.join(60)
    assert held.startswith("refused: ") and "sedang dipakai proses rbxl lain" in held, held
    p = ctx.Process(target=take_lock, args=(out, q))
    p.start()
    free = q.get(timeout=120)
    p.join(60)
    assert free == "got it", free
    return "a second process is refused while the period folder is held, then gets the lock"


def check_atomic_replace(work: Path) -> str:
    from rbxl.core.atomic import write_bytes
    from rbxl.core.errors import OutputError

    target = work / "monitoring-2023-TW1.xlsx"
    write_bytes(target, b"lama")
    write_bytes(target, b"baru-1")  # replacing a closed file works
    assert target.read_bytes() == b"baru-1"
    with open(target, "rb"):  # as Excel holds a workbook it has open
        try:
            write_bytes(target, b"baru-2")
        except OutputError as err:
            msg = str(err)
        else:
            raise AssertionError("replacing a file held open did not fail: Windows sharing rules not in force")
    alt = work / "monitoring-2023-TW1 (baru).xlsx"
    assert "sedang terbuka/terkunci" in msg and alt.read_bytes() == b"baru-2", msg
    assert target.read_bytes() == b"baru-1"
    assert not list(work.glob(".~rbxl-*")), list(work.glob(".~rbxl-*"))
    return "a target held open is not replaced; the new file lands as '... (baru).xlsx'"


def check_windows_names(work: Path) -> str:
    from rbxl.core.text import safe_filename

    names = ["CON", "nul.txt", "COM1.xlsx", 'a<b>c:d"e/f\\g|h?i*j.xlsx', "laporan. . ", "Kec. Jati ", "x" * 300 + ".xlsx"]
    folder = work / "nama"
    folder.mkdir()
    for raw in names:
        name = safe_filename(raw)
        path = folder / name
        path.write_bytes(b"x")
        assert path.read_bytes() == b"x" and name in os.listdir(folder), (raw, name)
    return f"{len(names)} unsafe names became names Windows writes and reads back"


CHECKS = [check_spawn_pool, check_deadline, check_period_lock, check_atomic_replace, check_windows_names]


def main() -> int:
    work = Path(sys.argv[1])
    work.mkdir(parents=True, exist_ok=True)
    bad = 0
    for check in CHECKS:
        name = check.__name__[len("check_"):]
        sub = work / name
        sub.mkdir(exist_ok=True)
        start = time.monotonic()
        try:
            print(f"OK {name}: {check(sub)} [{time.monotonic() - start:.1f} s]", flush=True)
        except Exception:
            bad += 1
            print(f"FAILED {name}: {traceback.format_exc()}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
