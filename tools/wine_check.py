"""Run the Windows installer's own binaries under Wine and check what a Windows user relies on.

    python3 tools/build_windows.py && python3 tools/wine_check.py [dist/rbxl-<v>-setup.exe]

What it does, each step with its own time limit (the whole check fits in 10 minutes on 2 cores):
1. unpacks the installer's payload with 7-Zip (the NSIS stub is 32-bit and Debian's wine64 runs
   64-bit programs only, so the installer itself is not run): the Python folder, pkgs\\ and
   bin\\rbxl.exe exactly as the installer would lay them out; the signatures of the shipped
   python.exe / python3XY.dll are checked again (tools/build_windows.py's check);
2. a fresh Wine prefix with two test-only additions, never shipped: a stand-in
   bcryptprimitives.dll (Rust's ProcessPrng, which Windows 10 has and Wine 8.0 lacks; built with
   mingw-w64 from tools/windows/bcryptprimitives.c) and tools/windows/wine_sitecustomize.py
   (three Wine 8.0 gaps CPython 3.12 hits; see that file);
3. `rbxl --version` through bin\\rbxl.exe, the launcher the Start menu and PATH use; the
   installer's own PATH step (pynsist's _system_path.py add_user, as rbxl.nsi runs it), a new
   cmd.exe finding `rbxl`, and the uninstaller's remove_user;
4. tools/windows/wine_probe.py: the spawn worker pool, the per-file deadline, the period lock
   between two processes, atomic replace while the target is held open, Windows file names;
5. `rbxl demo` under Wine and on Linux side by side; the csv/ tables of both periods must be
   equal, the time columns and file hash of berkas.csv aside (the sample files are written
   anew, with their own time, on each run), paths compared with the output folder taken out;
6. `rbxl konsol` answering one page, when the build has that command (else said plainly);
7. the tests marked `windows` (pytest -m windows) under the Wine Python, with pytest's own
   win_amd64 wheels downloaded for the test only.
Exit status 0 only when every step that ran passed.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_windows  # noqa: E402

HERE = ROOT / "tools" / "windows"
WINE = "/usr/lib/wine/wine64"  # Debian's wine64 package; not on PATH
TEST_DEPS = ["pytest>=8"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


class Failed(Exception):
    pass


def winpath(p: Path) -> str:
    return "Z:" + str(p).replace("/", "\\")


class Wine:
    def __init__(self, work: Path, app: Path):
        self.app, self.prefix = app, work / "prefix"
        self.env = dict(os.environ, WINEPREFIX=str(self.prefix), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=",
                        DISPLAY="")

    def run(self, args: list[str], timeout: float, env: dict[str, str] | None = None) -> tuple[int, str]:
        """A Windows program under Wine. Its standard streams are pipes (CPython under Wine cannot
        start with a file as stdout: WinError 6), stdin empty."""
        try:
            res = subprocess.run([WINE, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=timeout, env={**self.env, **(env or {})})
        except subprocess.TimeoutExpired as err:
            self.kill()
            out = err.stdout.decode("utf-8", "replace") if err.stdout else ""
            raise Failed(f"no answer within {timeout:.0f} s:\n{tail(out)}") from None
        return res.returncode, ANSI.sub("", res.stdout.decode("utf-8", "replace"))

    def popen(self, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen([WINE, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env={**self.env, **(env or {})})

    def python(self) -> str:
        return str(self.app / "Python" / "python.exe")

    def rbxl(self) -> str:
        return str(self.app / "bin" / "rbxl.exe")

    def kill(self) -> None:
        wineserver = Path(WINE).with_name("wineserver")
        subprocess.run([str(wineserver if wineserver.exists() else "wineserver"), "-k"], env=self.env,
                       capture_output=True, timeout=30, check=False)


def tail(text: str, n: int = 25) -> str:
    lines = [ln for ln in text.splitlines() if not re.match(r"^\s*(0x)?[0-9a-f]{8,}|^(PE|ELF)\s", ln)]
    return "\n".join(lines[-n:])


# --- the steps ----------------------------------------------------------------------------------

def unpack(setup: Path, work: Path) -> tuple[Path, str]:
    app = work / "app"
    subprocess.run(["7z", "x", "-y", f"-o{app}", str(setup)], check=True, stdout=subprocess.DEVNULL)
    for rel in ("Python/python.exe", "bin/rbxl.exe", "pkgs/rbxl/__init__.py", "uninstall.exe", "rbxl-prompt.bat",
                "pkgs/master/roadmap-rb-blora-2022-2026.xlsx"):
        if not (app / rel).is_file():
            raise Failed(f"the installer has no {rel}")
    if (app / "pkgs" / "pytest").exists():
        raise Failed("the installer carries pytest: test extras must stay out")
    signed = []
    dll = next((app / "Python").glob("python3??.dll"))
    for pe in (app / "Python" / "python.exe", dll):
        r = build_windows.verify_signed(pe, work)
        signed.append(f"{r['file']} sha256 {r['sha256'][:16]}...")
    return app, "payload unpacked; signed by the PSF: " + ", ".join(signed)


def prefix(wine: Wine, work: Path) -> str:
    code, out = wine.run(["wineboot", "-i"], timeout=180)
    system32 = wine.prefix / "drive_c" / "windows" / "system32"
    if code != 0 or not system32.is_dir():
        raise Failed(f"wineboot failed ({code}):\n{tail(out)}")
    dll = system32 / "bcryptprimitives.dll"
    subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", str(dll), str(HERE / "bcryptprimitives.c"),
                    "-ladvapi32"], check=True)
    shutil.copy2(HERE / "wine_sitecustomize.py", wine.app / "Python" / "sitecustomize.py")
    return "fresh prefix, test-only bcryptprimitives.dll and sitecustomize.py added"


def version(wine: Wine) -> str:
    want = f"rbxl {build_windows.version()}"
    code, out = wine.run([wine.rbxl(), "--version"], timeout=120)
    if code != 0 or out.strip() != want:
        raise Failed(f"bin\\rbxl.exe --version gave {code}: {out.strip()!r}, wanted {want!r}")
    # what the "rbxl (Command Prompt)" entry runs (cmd.exe /k rbxl-prompt.bat), with no rbxl on PATH before
    code, out = wine.run(["cmd", "/c", winpath(wine.app / "rbxl-prompt.bat")], timeout=120)
    if code != 0 or want not in out:
        raise Failed(f"rbxl-prompt.bat gave {code}: {out.strip()!r}")
    return f"bin\\rbxl.exe --version: {want}; rbxl-prompt.bat (the Command Prompt entry) finds rbxl"


def user_path(wine: Wine) -> str:
    """The installer's PATH step (the same command rbxl.nsi runs) and its undoing by the uninstaller."""
    script, bin_dir = winpath(wine.app / "_system_path.py"), winpath(wine.app / "bin")
    code, out = wine.run([wine.python(), "-Es", script, "add_user", bin_dir], timeout=120)
    if code != 0:
        raise Failed(f"_system_path.py add_user failed ({code}):\n{tail(out)}")
    _, reg = wine.run(["reg", "query", "HKCU\\Environment", "/v", "PATH"], timeout=60)
    _, found = wine.run(["cmd", "/c", "rbxl --version"], timeout=120)  # a new process, as a new Command Prompt
    code, out = wine.run([wine.python(), "-Es", script, "remove_user", bin_dir], timeout=120)
    _, after = wine.run(["reg", "query", "HKCU\\Environment", "/v", "PATH"], timeout=60)
    want = f"rbxl {build_windows.version()}"
    if bin_dir not in reg or found.strip() != want or code != 0 or bin_dir in after:
        raise Failed(f"user PATH: added {bin_dir in reg}, `rbxl --version` in a new cmd gave {found.strip()!r}, "
                     f"removed {code == 0 and bin_dir not in after}")
    return "bin\\ added to the user's PATH, `rbxl --version` found by a new cmd.exe, removed again"


def probe(wine: Wine, work: Path) -> str:
    code, out = wine.run([wine.python(), winpath(HERE / "wine_probe.py"), winpath(work / "probe")], timeout=240)
    lines = [ln for ln in out.splitlines() if ln.startswith(("OK ", "FAILED "))]
    print("\n".join("    " + ln.split("\n")[0] for ln in lines), flush=True)
    if code != 0 or len([ln for ln in lines if ln.startswith("OK ")]) < 5:
        raise Failed(tail(out))
    return f"{len(lines)} Windows paths passed"


# the time columns (receipt; saved, which falls back to the file's own time) and the hash of a
# sample file, which is written anew with its own time on each run
CSV_DROP = {"berkas.csv": {"diterima", "disimpan", "sha256"}}


def table(path: Path, out: Path, win: bool) -> list[list[str]]:
    prefix = winpath(out) if win else str(out)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    drop = {i for i, name in enumerate(rows[0]) if name in CSV_DROP.get(path.name, set())} if rows else set()
    return [[c.replace(prefix, "<out>").replace("\\", "/") for i, c in enumerate(r) if i not in drop] for r in rows]


def demo(wine: Wine, work: Path) -> str:
    win_out, lin_out = work / "demo-windows", work / "demo-linux"
    env = dict(os.environ, PYTHONPATH=str(ROOT), RBXL_START_METHOD="spawn")
    linux = subprocess.Popen([sys.executable, "-m", "rbxl", "demo", "--out", str(lin_out)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    start = time.monotonic()
    code, out = wine.run([wine.rbxl(), "demo", "--out", winpath(win_out)], timeout=420)
    took = time.monotonic() - start
    if linux.wait(300) != 0:
        raise Failed(f"rbxl demo on Linux failed: {linux.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    if code != 0:
        raise Failed(f"rbxl demo under Wine ended with {code}:\n{tail(out)}")
    compared, diffs = 0, []
    for lin in sorted(lin_out.glob("*/csv/*.csv")):
        rel = lin.relative_to(lin_out)
        win = win_out / rel
        if not win.is_file():
            diffs.append(f"{rel}: missing under Wine")
            continue
        a, b = table(lin, lin_out, False), table(win, win_out, True)
        compared += 1
        if a != b:
            bad = next(i for i, (x, y) in enumerate(zip(a + [[]], b + [[]], strict=False)) if x != y)
            diffs.append(f"{rel} row {bad}: Linux {a[bad] if bad < len(a) else None} / "
                         f"Wine {b[bad] if bad < len(b) else None}")
    if compared < 16 or diffs:
        raise Failed(f"{compared} tables compared; differences:\n" + "\n".join(diffs[:10]))
    return f"rbxl demo under Wine {took:.0f} s; {compared} csv tables (2 periods) equal to Linux"


def konsol(wine: Wine, work: Path) -> str:
    code, out = wine.run([wine.rbxl(), "--help"], timeout=120)
    if not re.search(r"^\s+konsol\b", out, re.M):
        return "NOT CHECKED: this build has no `rbxl konsol` command (rbxl --help does not list it)"  # said, not passed
    _, usage = wine.run([wine.rbxl(), "konsol", "--help"], timeout=120)
    extra = [opt for opt in ("--tanpa-browser",) if opt in usage]  # the Start-menu entry opens one; CI has none
    proc = wine.popen([wine.rbxl(), "konsol", "--out", winpath(work / "konsol"), *extra], env={"BROWSER": "none"})
    assert proc.stdout is not None
    seen, url, deadline = [], None, time.monotonic() + 120
    os.set_blocking(proc.stdout.fileno(), False)
    try:
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            chunk = proc.stdout.read() or b""
            seen.append(ANSI.sub("", chunk.decode("utf-8", "replace")))
            m = re.search(r"http://(127\.0\.0\.1|localhost):\d+/?\S*", "".join(seen))
            url = m.group(0) if m else None
            time.sleep(0.5)
        if url is None:
            raise Failed(f"rbxl konsol printed no local address within 120 s:\n{tail(''.join(seen))}")
        # as a browser: the token address answers with a session cookie and a redirect to the page
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=60) as resp:
            body = resp.read()
            if resp.status != 200 or b"<" not in body:
                raise Failed(f"{url} answered {resp.status}")
        return f"rbxl konsol answered {url} with {len(body)} bytes"
    finally:
        proc.kill()
        proc.wait(10)


def windows_tests(wine: Wine, work: Path) -> str:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py")
                   if "mark.windows" in p.read_text(encoding="utf-8"))
    if not files:
        raise Failed("no test is marked windows")
    deps = work / "testdeps"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--platform", "win_amd64", "--only-binary=:all:",
                    "--python-version", build_windows.PY_MINOR, "-d", str(deps / "wheels"), *TEST_DEPS], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = deps / "site"
    for whl in (deps / "wheels").glob("*.whl"):
        with zipfile.ZipFile(whl) as z:
            z.extractall(site)
    tests = work / "tests-copy"  # a copy: pytest writes nothing into the work tree
    shutil.copytree(ROOT / "tests", tests / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tests / "pyproject.toml")
    shutil.copytree(ROOT / "master", tests / "master")
    code, out = wine.run([wine.python(), "-c", f"import sys; sys.path.append({winpath(site)!r}); import pytest; "
                          f"sys.exit(pytest.main(['-q', '-m', 'windows', '-p', 'no:cacheprovider', '--durations=5', '--rootdir', "
                          f"{winpath(tests)!r}] + [{winpath(tests)!r} + '\\\\' + f.replace('/', '\\\\') for f in "
                          f"{files!r}]))"], timeout=300, env={"CI": "true"})
    summary = next((ln for ln in reversed(out.splitlines()) if re.search(r"\d+ (passed|failed)", ln)), "")
    print(tail(out, 15), flush=True)
    if code != 0:
        raise Failed(f"pytest -m windows under Wine: {summary or tail(out)}")
    return f"pytest -m windows under Wine: {summary.strip('= ')}"


def label(msg: str, ok: bool) -> str:
    """A step that could not be checked says so in its own column, never as a plain ok."""
    return "FAILED" if not ok else "NOT CHECKED" if msg.startswith("NOT CHECKED") else "ok"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("setup", nargs="?", help="the installer (default: dist/rbxl-<version>-setup.exe)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (printed at the end)")
    ap.add_argument("--only", nargs="*", default=None, help="run only these steps (after unpack and prefix): "
                    "version path probe demo konsol tests")
    args = ap.parse_args(argv)
    setup = Path(args.setup) if args.setup else ROOT / "dist" / f"rbxl-{build_windows.version()}-setup.exe"
    missing = [t for t in (WINE, shutil.which("7z"), shutil.which("x86_64-w64-mingw32-gcc")) if not t or
               not Path(t).exists()]
    if missing or not setup.is_file():
        print(f"wine_check: needs {setup} (python3 tools/build_windows.py) and Debian's wine64, p7zip-full, "
              "gcc-mingw-w64-x86-64", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="rbxl-wine-"))
    start, results, failed = time.monotonic(), [], 0
    wine: Wine | None = None
    try:
        t = time.monotonic()
        app, msg = unpack(setup, work)
        results.append(("unpack", msg, time.monotonic() - t, True))
        wine = Wine(work, app)
        for name, step in [("prefix", lambda: prefix(wine, work)), ("version", lambda: version(wine)),
                           ("path", lambda: user_path(wine)),
                           ("probe", lambda: probe(wine, work)), ("demo", lambda: demo(wine, work)),
                           ("konsol", lambda: konsol(wine, work)), ("tests", lambda: windows_tests(wine, work))]:
            if args.only is not None and name != "prefix" and name not in args.only:
                continue
            t = time.monotonic()
            print(f"== {name} ==", flush=True)
            try:
                msg, ok = step(), True
            except (Failed, subprocess.CalledProcessError, OSError) as err:
                msg, ok = f"FAILED: {err}", False
                failed += 1
            results.append((name, msg, time.monotonic() - t, ok))
            print(f"   {label(msg, ok)} {msg.splitlines()[0] if ok else msg} [{time.monotonic() - t:.0f} s]", flush=True)
            if name == "prefix" and not ok:
                break
    except Failed as err:
        results.append(("unpack", f"FAILED: {err}", 0.0, False))
        failed += 1
    finally:
        if wine:
            wine.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"== Wine check of {setup.name}: {time.monotonic() - start:.0f} s ==")
    for name, msg, took, ok in results:
        print(f"  {label(msg, ok):<11} {name:<8} {took:5.0f} s  {msg.splitlines()[0]}")
    if args.keep:
        print(f"  work folder kept: {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
