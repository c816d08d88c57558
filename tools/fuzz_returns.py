"""Fuzz `rbxl validate` with thousands of mutated returned files; report crashes, hangs, memory.

Seeds are real returns: templates generated from the shipped master, filled with
`rbxl.form.sample`, and re-saved as ods and xls by LibreOffice (when `soffice` is installed).
Each mutant changes one thing: the zip structure (headers, sizes, methods, flags, offsets),
one XML member of an xlsx/ods (bytes, numbers, cell references, repeats, encodings), the
bytes of an xls, or the file's name. Mutants are validated in batches, each batch by the
CLI in its own process (`python -m rbxl validate BATCH --out ...`), with a time limit and
the peak memory of the whole process tree sampled from /proc.

A batch fails when the CLI exits with anything but 0/1 (a crash: traceback), runs past the
time limit (a hang), leaves a worker alive, or loses a file (a mutant with neither a log line
nor a finding). Each failing batch is bisected to the file that causes it, which is copied
to --crashers with a note of its mutation.

    python tools/fuzz_returns.py --count 3000 --batch 40 --work /tmp/fuzz
    PYTHONPATH=/path/to/other/checkout python tools/fuzz_returns.py --count 400   # compare
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAHUN, PERIODE = 2023, "TW1"
UNITS = ["INSPEKTORAT", "KEC-JATI", "BAG-ORGANISASI"]

INTERESTING_NUMBERS = [b"inf", b"-inf", b"1e400", b"-1e400", b"nan", b"-9.2e18", b"9.2e18", b"2958466", b"-1",
                       b"1e308", b"4294967296", b"0x10", b"", b"99999999999999999999999"]
INTERESTING_REFS = [b"ALL100000", b"XFD1048576", b"A1048577", b"ZZZZ1", b"A0", b"A-1", b"AAA1", b"A99999999999"]
INTERESTING_BYTES = [b"\xff\xfe", b"\x00", b"\xc3\x28", b"\x1b]0;judul\x07", b"\xe2\x80\xae", b"<!DOCTYPE x>",
                     b'table:number-rows-repeated="1048576"', b'table:number-columns-repeated="16384"',
                     b"]]>", b"&#0;", b"&xxx;", b"<", b"\"", b"r:id=\"rId\xff\""]
NAMES = ["=1+1.xlsx", "=HYPERLINK(\"http://x\",\"y\").xlsx", "CON.xlsx", "nul.xlsx", "a" * 240 + ".xlsx",
         "laporan\x1b[2J.xlsx", "\u202excod.xlsx", "tanpa-ekstensi", "titik.xlsx.", "spasi .xlsx",
         "laporan\u0000.xlsx", "lap?*:.xlsx"]


# --- seeds -------------------------------------------------------------------------------------

def make_seeds(work: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from rbxl.form.sample import answers_for
    from rbxl.form.spec import plan
    from rbxl.master.load import read_master
    from rbxl.template.write import write_template

    seeds = work / "seeds"
    if seeds.exists() and any(seeds.iterdir()):
        return sorted(seeds.iterdir())
    seeds.mkdir(parents=True)
    roadmap = read_master(ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx")[0]
    xlsx = [write_template(plan(roadmap, u, TAHUN, PERIODE), seeds / f"{u}.xlsx",
                           answers_for(plan(roadmap, u, TAHUN, PERIODE))) for u in UNITS]
    if shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as profile:
            for _fmt, flt in (("ods", "ods"), ("xls", "xls:MS Excel 97")):
                subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                                flt, "--outdir", str(seeds), *map(str, xlsx[:2])],
                               capture_output=True, timeout=300, check=False)
    return sorted(seeds.iterdir())


# --- mutators ----------------------------------------------------------------------------------

def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i, zf.read(i)) for i in zf.infolist()]


def _rezip(members, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for info, payload in members:
            ni = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            ni.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else method
            zf.writestr(ni, payload)
    return buf.getvalue()


def mutate_xml(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    kind = rng.choice(["flip", "number", "ref", "insert", "delete", "repeat", "dup"])
    if kind == "flip" and xml:
        b = bytearray(xml)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), "xml:flip"
    if kind == "number":
        nums = list(re.finditer(rb">(-?\d+(?:\.\d+)?)<|\"(-?\d+(?:\.\d+)?)\"", xml))
        if nums:
            m = rng.choice(nums)
            g = 1 if m.group(1) is not None else 2
            new = rng.choice(INTERESTING_NUMBERS)
            return xml[:m.start(g)] + new + xml[m.end(g):], f"xml:number->{new.decode(errors='replace')}"
    if kind == "ref":
        refs = list(re.finditer(rb'r="([A-Z]+\d+)"', xml))
        if refs:
            m = rng.choice(refs)
            new = rng.choice(INTERESTING_REFS)
            return xml[:m.start(1)] + new + xml[m.end(1):], f"xml:ref->{new.decode()}"
    if kind == "repeat":
        reps = list(re.finditer(rb'number-(?:rows|columns)-repeated="(\d+)"', xml))
        if reps:
            m = rng.choice(reps)
            new = rng.choice([b"1048576", b"16384", b"100000", b"0", b"-1", b"99999999999"])
            return xml[:m.start(1)] + new + xml[m.end(1):], f"xml:repeat->{new.decode()}"
        tags = list(re.finditer(rb"<table:table-row\b", xml))
        if tags:
            m = rng.choice(tags)
            return xml[:m.end()] + b' table:number-rows-repeated="1048576"' + xml[m.end():], "xml:add-repeat"
    if kind == "delete" and len(xml) > 10:
        a = rng.randrange(len(xml))
        return xml[:a] + xml[a + rng.randint(1, 200):], "xml:delete"
    if kind == "dup" and len(xml) > 10:
        a = rng.randrange(len(xml))
        b_ = min(len(xml), a + rng.randint(1, 2000))
        return xml[:b_] + xml[a:b_] * rng.randint(1, 50) + xml[b_:], "xml:dup"
    ins = rng.choice(INTERESTING_BYTES)
    a = rng.randrange(len(xml) + 1)
    return xml[:a] + ins + xml[a:], f"xml:insert {ins[:20]!r}"


def mutate_package(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One XML member of an xlsx/ods changed, or the zip structure itself."""
    if rng.random() < 0.6:
        members = _members(data)
        xmls = [k for k, (i, _) in enumerate(members) if i.filename.endswith((".xml", ".rels"))]
        k = rng.choice(xmls)
        new, what = mutate_xml(rng, members[k][1])
        members[k] = (members[k][0], new)
        return _rezip(members), f"{members[k][0].filename}:{what}"
    return mutate_zip(rng, data)


def mutate_zip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    b = bytearray(data)
    kind = rng.choice(["flag", "method", "size", "offset", "eocd", "deflate", "truncate", "bytes", "nested", "name"])
    cds = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    locs = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    if kind == "flag" and cds:
        p = rng.choice(cds)
        struct.pack_into("<H", b, p + 8, struct.unpack_from("<H", b, p + 8)[0] | rng.choice([1, 0x40, 0x800, 8]))
        return bytes(b), "zip:flag"
    if kind == "method" and cds:
        p = rng.choice(cds)
        m = rng.choice([1, 6, 9, 12, 14, 93, 99, 0xFFFF])
        struct.pack_into("<H", b, p + 10, m)
        if locs:
            struct.pack_into("<H", b, rng.choice(locs) + 8, m)
        return bytes(b), f"zip:method {m}"
    if kind == "size" and cds:
        p = rng.choice(cds)
        struct.pack_into("<I", b, p + rng.choice([20, 24]), rng.choice([0, 1, 2**31, 2**32 - 1, rng.randrange(2**32)]))
        return bytes(b), "zip:size"
    if kind == "offset" and cds:
        p = rng.choice(cds)
        struct.pack_into("<I", b, p + 42, rng.choice([0, len(b) * 2, 2**32 - 1, rng.randrange(len(b))]))
        return bytes(b), "zip:offset"
    if kind == "eocd":
        p = data.rfind(b"PK\x05\x06")
        if p >= 0:
            field = rng.choice([10, 12, 16])
            if field == 10:
                struct.pack_into("<H", b, p + field, rng.choice([0, 1, 0xFFFF]))
            else:
                struct.pack_into("<I", b, p + field, rng.choice([0, 2**32 - 1, min(len(b) * 4, 2**32 - 1)]))
            return bytes(b), f"zip:eocd+{field}"
    if kind == "deflate" and locs:
        p = rng.choice(locs)
        n, e = struct.unpack_from("<HH", b, p + 26)
        start = p + 30 + n + e
        for _ in range(rng.randint(1, 6)):
            q = min(len(b) - 1, start + rng.randrange(64))
            b[q] ^= 1 << rng.randrange(8)
        return bytes(b), "zip:deflate"
    if kind == "truncate":
        return data[:rng.randrange(len(data))], "zip:truncate"
    if kind == "nested":
        return zip_of_zeros(rng.randint(2, 4), rng.randint(2, 8)), "zip:zip-of-zips-of-zeros"
    if kind == "name" and cds:
        p = rng.choice(cds)
        n = struct.unpack_from("<H", b, p + 28)[0]
        for q in range(p + 46, p + 46 + n):
            if rng.random() < 0.3:
                b[q] = rng.choice([0xFF, 0xC3, 0x2F, 0x5C, 0x00])
        return bytes(b), "zip:name-bytes"
    for _ in range(rng.randint(1, 16)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b), "zip:bytes"


def zip_of_zeros(depth: int, width: int) -> bytes:
    sys.path.insert(0, str(ROOT / "tests"))
    import hostile  # the builders of the test suite

    return hostile.zip_of_zips_of_zeros_bytes(depth, width, inner=random.choice(["nol.xml", "nol.xlsx"]))


def mutate_ole(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    b = bytearray(data)
    kind = rng.choice(["header", "directory", "bytes", "truncate"])
    if kind == "header":
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(0x30, 0x200)] = rng.randrange(256)
        return bytes(b), "xls:header"
    if kind == "directory":
        sect = struct.unpack_from("<I", b, 0x30)[0]  # first directory sector
        base = 512 * (sect + 1)
        for _ in range(rng.randint(1, 8)):
            q = base + rng.randrange(512)
            if q < len(b):
                b[q] = rng.randrange(256)
        return bytes(b), "xls:directory"
    if kind == "truncate":
        return data[:rng.randrange(512, len(data))], "xls:truncate"
    for _ in range(rng.randint(1, 32)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b), "xls:bytes"


def mutate(rng: random.Random, seed: Path) -> tuple[bytes, str, str]:
    """(bytes, description, file name) of one mutant of `seed`."""
    data = seed.read_bytes()
    name = seed.name
    if rng.random() < 0.05:
        name = rng.choice(NAMES)
    try:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            new, what = mutate_ole(rng, data)
        else:
            new, what = mutate_package(rng, data)
    except (struct.error, ValueError, IndexError, zipfile.BadZipFile):  # a mutator's own slip: flip bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        new, what = bytes(b), "zip:bytes"
    return new, f"{seed.name}: {what}", name


# --- running -----------------------------------------------------------------------------------

class TreeMemory(threading.Thread):
    """Peak resident memory of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.stop = pid, interval, 0, threading.Event()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self.stop.is_set():
            tree, total = tree_pids(self.pid), 0
            for pid in tree:
                try:
                    with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
                        total += int(fh.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.interval)


def tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def run_batch(folder: Path, out: Path, timeout: float, env: dict) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "rbxl", "validate", str(folder), "--tahun", str(TAHUN), "--periode", PERIODE,
           "--out", str(out), "--json", "--master", str(ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx")]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=out.parent,  # not ROOT: -m would import rbxl from the cwd
                            start_new_session=True)
    mem = TreeMemory(proc.pid)
    mem.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        hang = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        hang = True
    mem.stop.set()
    mem.join()
    time.sleep(0.05)
    leftover = [p for p in _session_pids(proc.pid)]
    for p in leftover:
        with contextlib.suppress(OSError):
            os.kill(p, 9)
    lost = [] if hang or proc.returncode not in (0, 1) else lost_files(folder, out, stdout)
    return {"code": proc.returncode, "hang": hang, "seconds": time.monotonic() - start, "peak": mem.peak,
            "stderr": stderr.decode("utf-8", "replace")[-3000:], "leftover": leftover, "lost": lost}


def _session_pids(sid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid and int(d) != sid:
                    out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def lost_files(folder: Path, out: Path, stdout: bytes) -> list[str]:
    """Mutants with neither a log line in the archive nor a finding naming them."""
    import csv

    logs = list(out.rglob("log.csv"))
    seen = set()
    if logs:
        with open(logs[0], encoding="utf-8", newline="") as fh:
            seen |= {row["sumber"] for row in csv.DictReader(fh)}
    with contextlib.suppress(ValueError):
        seen |= {f["file"] for f in json.loads(stdout.decode("utf-8", "replace") or "[]")}
    seen_text = "\n".join(seen)
    return [p.name for p in folder.iterdir() if p.name not in seen_text and _printable(p.name) not in seen_text]


def _printable(name: str) -> str:
    sys.path.insert(0, str(ROOT))
    from rbxl.core.text import clean_text

    return clean_text(name)


def failed(result: dict) -> str:
    if result["hang"]:
        return "hang"
    if result["code"] not in (0, 1) or "Traceback (most recent call last)" in result["stderr"]:
        return f"crash (exit {result['code']})"
    if result["leftover"]:
        return "worker left running"
    if result["lost"]:
        return "file lost"
    return ""


def bisect(files: list[Path], work: Path, timeout: float, env: dict) -> list[tuple[Path, str, dict]]:
    """Each file of a failing batch alone: the ones that fail by themselves."""
    out = []
    for f in files:
        single = work / "single"
        shutil.rmtree(single, ignore_errors=True)
        single.mkdir()
        shutil.copy(f, single / f.name)
        r = run_batch(single, work / "single-out", timeout, env)
        why = failed(r)
        if why:
            out.append((f, why, r))
    return out


# --- minimising --------------------------------------------------------------------------------

def oracle(data: bytes, name: str) -> str:
    """What the rbxl on sys.path does with one file in-process: '' or the exception it lets out."""
    from rbxl.checks.structure import check
    from rbxl.intake import collect, read_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            items, _ = collect([path])
            for item in items:
                if not item.note:
                    try:
                        check(item, read_workbook(item), _roadmap(), TAHUN, PERIODE, {})
                    except Exception as err:
                        if type(err).__name__ == "Rejected":
                            continue
                        raise
        except BaseException as err:  # a panic is a BaseException
            if isinstance(err, KeyboardInterrupt):
                raise
            return type(err).__name__
    return ""


_ROADMAP: list = []


def _roadmap():
    if not _ROADMAP:
        from rbxl.master.load import read_master

        _ROADMAP.append(read_master(ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx")[0])
    return _ROADMAP[0]


def _entries(data: bytes) -> list[tuple[bytes, bytes]] | None:
    """(local record, central record) of each zip member, raw, corruption included."""
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0:
        return None
    cd_size, cd_off = struct.unpack_from("<II", data, eocd + 12)
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", data[cd_off:cd_off + cd_size])]
    out = []
    for c in central:
        c += cd_off
        n, e, cm = struct.unpack_from("<HHH", data, c + 28)
        local = struct.unpack_from("<I", data, c + 42)[0]
        nxt = sorted(x for x in [cd_off, *[struct.unpack_from("<I", data, cc + cd_off + 42)[0] for cc in central]]
                     if x > local)
        end = nxt[0] if nxt else cd_off
        if not (0 <= local < end <= len(data)):
            return None
        out.append((data[local:end], data[c:c + 46 + n + e + cm]))
    return out


def _zip_of(entries: list[tuple[bytes, bytes]]) -> bytes:
    body, cds = bytearray(), bytearray()
    for local, central in entries:
        cd = bytearray(central)
        struct.pack_into("<I", cd, 42, len(body))
        body += local
        cds += cd
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cds), len(body), 0)
    return bytes(body + cds + end)


def minimise(data: bytes, name: str) -> bytes:
    """Drop zip members, then blank byte ranges, while the same failure still happens."""
    want = oracle(data, name)
    if not want:
        return data
    entries = _entries(data)
    if entries:
        k = 0
        while k < len(entries):
            trial = entries[:k] + entries[k + 1:]
            if trial and oracle(_zip_of(trial), name) == want:
                entries = trial
            else:
                k += 1
        if oracle(_zip_of(entries), name) == want:
            data = _zip_of(entries)
    chunk = max(1, len(data) // 8)
    while chunk >= 16:  # cut tails: most formats keep working past a short read, so try it
        trial = data[:-chunk]
        if len(trial) > 64 and oracle(trial, name) == want:
            data = trial
        else:
            chunk //= 2
    return data


def minimise_folder(src: Path, dest: Path) -> None:
    """One minimised file per distinct failure of the rbxl on sys.path, into `dest`."""
    sys.path.insert(0, os.environ.get("PYTHONPATH", str(ROOT)).split(os.pathsep)[0])
    dest.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for f in sorted(src.iterdir()):
        why = oracle(f.read_bytes(), f.name)
        if not why or why in seen:
            continue
        small = minimise(f.read_bytes(), f.name)
        ext = f.suffix.lower() if re.fullmatch(r"\.[a-z]{3,4}", f.suffix.lower()) else ".xlsx"
        out = dest / f"{why.lower()}-{len(seen) + 1}{ext}"
        out.write_bytes(small)
        seen.add(why)
        print(f"{f.name}: {why}, {len(f.read_bytes())} -> {len(small)} bytes: {out.name}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=180, help="seconds per batch before it counts as a hang")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "rbxl-fuzz")
    ap.add_argument("--crashers", type=Path, default=None, help="copy each minimised crasher here")
    ap.add_argument("--json", type=Path, default=None, help="write the summary here")
    ap.add_argument("--minimise", type=Path, default=None, metavar="FOLDER",
                    help="minimise the crashers in FOLDER against the rbxl on PYTHONPATH, into --crashers")
    a = ap.parse_args()
    if a.minimise:
        minimise_folder(a.minimise, a.crashers or a.minimise / "kecil")
        return
    a.work.mkdir(parents=True, exist_ok=True)
    seeds = make_seeds(a.work)
    rng = random.Random(a.seed)
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(ROOT))
    summary = {"mutants": 0, "batches": 0, "failing_batches": 0, "crashers": [], "peak_mb": 0.0,
               "seconds": 0.0, "seeds": [s.name for s in seeds], "kinds": {}}
    started = time.monotonic()
    n = 0
    while n < a.count:
        folder = a.work / "batch"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        notes = {}
        for i in range(min(a.batch, a.count - n)):
            data, what, name = mutate(rng, rng.choice(seeds))
            safe = re.sub(r"[/\x00]", "_", name)
            path = folder / f"{n + i:05d}-{safe}"[:250]
            path.write_bytes(data)
            notes[path.name] = what
            kind = re.findall(r"(?<![a-z])(?=((?:xml|zip|xls):[a-z]+(?:-[a-z]+)*))", what)[-1]
            summary["kinds"][kind] = summary["kinds"].get(kind, 0) + 1
        n += len(notes)
        r = run_batch(folder, a.work / "out", a.timeout, env)
        summary["batches"] += 1
        summary["mutants"] = n
        summary["peak_mb"] = max(summary["peak_mb"], r["peak"] / 2**20)
        why = failed(r)
        line = f"[{n}/{a.count}] exit {r['code']} {r['seconds']:.1f}s peak {r['peak'] / 2**20:.0f} MB"
        print(line + (f"  FAIL: {why}" if why else ""), flush=True)
        if why:
            summary["failing_batches"] += 1
            print(r["stderr"][-1500:], flush=True)
            for f, fwhy, fr in bisect(sorted(folder.iterdir()), a.work, a.timeout, env):
                entry = {"file": f.name, "mutation": notes.get(f.name, ""), "why": fwhy,
                         "stderr": fr["stderr"].strip().splitlines()[-1:] if fr["stderr"].strip() else []}
                summary["crashers"].append(entry)
                print("  crasher:", json.dumps(entry, ensure_ascii=False), flush=True)
                if a.crashers:
                    a.crashers.mkdir(parents=True, exist_ok=True)
                    shutil.copy(f, a.crashers / f.name)
    summary["seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if a.json:
        a.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
