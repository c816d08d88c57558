"""Speed and memory of rbxl against the floor of what its libraries cost.

    python benchmarks/bench.py                 # full run (43 and 1,000 units), writes results.json
    python benchmarks/bench.py --size tiny     # a few units, for the test suite
    python benchmarks/bench.py --periksa 9     # only the whole `rbxl periksa` process against its floor, 9 runs

Each case runs in its own subprocess, so peak memory (max RSS of the process and its
workers) is the case's own. Times are the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MASTER = ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx"
TAHUN, PERIODE = 2023, "TW1"


def add_instrument(roadmap, n: int) -> None:
    """A synthetic instrument BENCH of n questions for every unit (issue 21), through the master's own
    instrument loader: 5 components of 2 sub-components, the seven answer types in turn, two scales,
    stated weights on the top level, equal shares below."""
    from rbxl.master import schema as S
    from rbxl.master.instrumen import load_instruments
    from rbxl.master.table import Table

    def grid(sheet, rows):
        return [[c.header for c in sheet.columns]] + [[r.get(c.key) for c in sheet.columns] for r in rows]

    kinds = ["ya_tidak", "skala", "persen", "angka", "teks", "tanggal", "tautan"]
    ins = [{"kode": "BENCH", "nama": "Instrumen uji beban", "pengisi": ";".join(roadmap.units), "periode": PERIODE}]
    qs = [{"instrumen": "BENCH", "komponen": f"Komponen {k}", "bobot": 20} for k in range(1, 6)]
    for i in range(n):
        jenis = kinds[i % len(kinds)]
        qs.append({"instrumen": "BENCH", "kode": f"B{i + 1}", "komponen": f"Komponen {i % 5 + 1} > Bagian {i % 2 + 1}",
                   "pertanyaan": f"Pertanyaan uji {i + 1}", "jenis": jenis, "skala": "A-E" if jenis == "skala" else None,
                   "wajib": "Ya", "bukti_dukung": "Ya" if jenis in ("ya_tidak", "skala") else None,
                   "min": 0 if jenis == "angka" else None, "maks": 10 if jenis == "angka" else None,
                   "penjelasan": "Penjelasan pertanyaan uji."})
    skala = [{"skala": s, "jawaban": a, "nilai": v} for s, vals in roadmap.skala.items() for a, v in vals.items()]
    findings: list = []
    tables = {sh.name: Table(sh, grid(sh, rows), (), "", findings)
              for sh, rows in ((S.INSTRUMEN, ins), (S.PERTANYAAN, qs), (S.SKALA, skala))}
    made, _scales = load_instruments(tables, "", findings, set(roadmap.units), set(roadmap.grup))
    roadmap.instrumen = {**roadmap.instrumen, **made}


def load(n_units: int | None, instrument: int = 0):
    """The shipped master, or a synthetic one with Perangkat Daerah copied up to n_units; with
    `instrument`, a synthetic instrument of that many questions for every unit (add_instrument)."""
    roadmap = _load(n_units)
    if instrument:
        from rbxl.master.load import fingerprint

        add_instrument(roadmap, instrument)
        roadmap.fingerprint = fingerprint(roadmap)
    return roadmap


def _load(n_units: int | None):
    from rbxl.master.load import fingerprint, read_master

    roadmap, _ = read_master(MASTER)
    if n_units and n_units > len(roadmap.units):
        units = dict(roadmap.units)
        pds = [u for u in roadmap.units.values() if u.is_pd]
        i = 0
        while len(units) < n_units:
            base = pds[i % len(pds)]
            code = f"{base.kode}-{i // len(pds) + 1:03d}"
            units[code] = replace(base, kode=code, nama=f"{base.nama} {i // len(pds) + 1}")
            i += 1
        roadmap.units = units
        roadmap.fingerprint = fingerprint(roadmap)
    elif n_units:
        roadmap.units = dict(list(roadmap.units.items())[:n_units])
        roadmap.fingerprint = fingerprint(roadmap)
    return roadmap


def make_returns(roadmap, folder: Path, n: int, mistakes: int = 0) -> list[Path]:
    """Filled workbooks for the first n units; every 25th has mistakes, or the first `mistakes`."""
    from rbxl.form.sample import add_mistakes, answers_for
    from rbxl.form.spec import plan
    from rbxl.template.write import write_template

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, unit in enumerate(list(roadmap.units)[:n]):
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        answers = answers_for(spec)
        if (i < mistakes) if mistakes else (i % 25 == 7):
            add_mistakes(spec, answers)
        paths.append(write_template(spec, folder / f"{unit}.xlsx", answers))
    return paths


def case_generate(n_units, workers, work: Path, instrument: int = 0) -> dict:
    import xlsxwriter  # noqa: F401  (imported before the clock, as in the floor)

    from rbxl.template.generate import generate

    roadmap = load(n_units, instrument)
    t = time.perf_counter()
    res = generate(roadmap, TAHUN, PERIODE, work, workers=workers)
    return {"seconds": time.perf_counter() - t, "files": len(res)}


def case_write_floor(n_units, work: Path) -> dict:
    """Bare xlsxwriter: the same cell contents, no formats, validation, protection or formulas."""
    import xlsxwriter

    from rbxl.form.spec import plan

    roadmap = load(n_units)
    specs = [plan(roadmap, u, TAHUN, PERIODE) for u in roadmap.units]
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for spec in specs:
        wb = xlsxwriter.Workbook(str(work / f"{spec.unit_kode}.xlsx"), {"in_memory": True})
        ws = wb.add_worksheet("Petunjuk")
        for r, line in enumerate(spec.guide):
            ws.write_string(r, 0, line)
        for sheet in spec.sheets:
            ws = wb.add_worksheet(sheet.name)
            ws.write_string(0, 0, sheet.title)
            for c, f in enumerate(sheet.fields):
                ws.write_string(3, c, f.header)
            for i, row in enumerate(sheet.rows):
                for c, f in enumerate(sheet.fields):
                    v = row.values.get(f.key)
                    if isinstance(v, (int, float)):
                        ws.write_number(4 + i, c, v)
                    elif v:
                        ws.write_string(4 + i, c, str(v))
        wb.close()
    return {"seconds": time.perf_counter() - t, "files": len(specs)}


def case_consolidate(n_units, workers, work: Path, returns: Path, use_store: bool = True,
                     instrument: int = 0) -> dict:
    from rbxl.pipeline import run_consolidation

    roadmap = load(n_units, instrument)
    t = time.perf_counter()
    out = run_consolidation([returns], roadmap, TAHUN, PERIODE, work, workers=workers, use_store=use_store)
    return {"seconds": time.perf_counter() - t, "files": len(out.report.submissions),
            "accepted": len(out.report.chosen)}


def case_dasbor(n_units, work: Path, returns: Path) -> dict:
    """Writing the dashboard page alone, from the tables of a consolidation of the same returns,
    with the trend section of a year whose every period is in the store (as consolidate writes it;
    the trend itself is computed by consolidate before the page, so it is not timed here)."""
    from rbxl.checks.validate import validate
    from rbxl.consolidation.build import consolidate
    from rbxl.render.dasbor import write_period_dasbor
    from rbxl.riwayat.trend import history
    from rbxl.store import open_store

    roadmap = load(n_units)
    tables = consolidate(validate([returns], roadmap, TAHUN, PERIODE), roadmap)
    db = work / "dasbor-riwayat.sqlite"
    synthetic_history(roadmap, db, years=[TAHUN])
    with open_store(db, create=False) as store:
        trend = history(store, roadmap, TAHUN)
    t = time.perf_counter()
    page = write_period_dasbor(tables, roadmap, work, trend)
    return {"seconds": time.perf_counter() - t, "bytes": page.stat().st_size}


TREND_PERIODS = ("TW1", "TW2", "TW3", "TW4", "TAHUNAN")


def synthetic_history(roadmap, db: Path, years=None) -> None:
    """A full store: every year x TW1-TW4 + TAHUNAN x every unit, answers as the demo's."""
    from rbxl.form.sample import answers_for
    from rbxl.form.spec import plan
    from rbxl.riwayat.record import area_index
    from rbxl.store import PeriodRecord, open_store

    areas = area_index(roadmap)
    with open_store(db) as store:
        for tahun in years or roadmap.years:
            for periode in TREND_PERIODS:
                units, values = [], []
                for u in roadmap.units:
                    spec = plan(roadmap, u, tahun, periode)
                    for (sheet, key, fld), v in answers_for(spec).items():
                        values.append((u, sheet, key, fld, areas.get((sheet, key), ""), v))
                    units.append({"unit": u, "nama": roadmap.units[u].nama, "dikumpulkan": True,
                                  "data_dipakai": True, "keadaan": "Diterima", "ketepatan": "Tepat waktu"})
                store.replace_period(PeriodRecord(tahun, periode, roadmap.fingerprint, "", units, [], values, []))


def case_trend(n_units, work: Path) -> dict:
    """The trend of the last year over a synthetic full history (5 years x 5 periods x 47 units)."""
    from rbxl.riwayat.trend import history
    from rbxl.store import open_store

    roadmap = load(n_units)
    db = work / "rbxl.sqlite"
    synthetic_history(roadmap, db)
    with open_store(db) as store:  # checkpoint the WAL so the file size is the store's
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size / 2**20
    t = time.perf_counter()
    with open_store(db, create=False) as store:
        h = history(store, roadmap, roadmap.years[-1])
    return {"seconds": time.perf_counter() - t, "db_mb": round(size, 1), "periods": len(h.periods),
            "rows": len(h.rows)}


def case_check_only(n_units, returns: Path) -> dict:
    """Intake and checks of each file, serially in-process (no archive, no report)."""
    from rbxl.checks.structure import check
    from rbxl.intake import collect, read_workbook

    roadmap = load(n_units)
    items = [i for i in collect([returns])[0] if not i.note]
    specs: dict = {}
    read_workbook(items[0])  # warm: lazy imports happen before the clock, as in the floor
    t = time.perf_counter()
    for item in items:
        check(item, read_workbook(item), roadmap, TAHUN, PERIODE, specs)
    return {"seconds": time.perf_counter() - t, "files": len(items)}


def case_read_floor(returns: Path) -> dict:
    """python-calamine alone: every cell value of every sheet of the same files."""
    from python_calamine import CalamineWorkbook

    files = sorted(returns.glob("*.xlsx"))
    CalamineWorkbook.from_path(str(files[0])).sheet_names  # noqa: B018  (warm, as above)
    t = time.perf_counter()
    cells = 0
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
    return {"seconds": time.perf_counter() - t, "files": len(files), "cells": cells}


READ_ONLY = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
cells = 0
for f in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
print(cells)
"""


def installed_env(pycache: Path | None) -> dict[str, str]:
    """The environment of a run as an installed rbxl has it: pip compiles every module to bytecode when
    it installs, so a run reads .pyc files (kept here under `pycache`). None: compile every module on
    every run, as a source tree does under PYTHONDONTWRITEBYTECODE=1 (this project's machine sets it)."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def case_periksa_process(returns: Path, work: Path, pycache: Path | None) -> dict:
    """`python -m rbxl periksa` as a user starts it: the whole process (imports, master, workers, outputs)."""
    args = [sys.executable, "-m", "rbxl", "periksa", str(returns), "--tahun", str(TAHUN), "--periode", PERIODE,
            "--master", str(MASTER), "--out", str(work / "out")]
    env = installed_env(pycache)
    if pycache is not None:  # the bytecode exists before the clock starts, as after `pip install`
        subprocess.run([sys.executable, "-c", "import rbxl.cli, rbxl.pipeline, rbxl.cli.console, rbxl.master.load"],
                       env=env, check=True)
    t = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1):  # 1: the benchmark's returns carry mistakes on purpose
        raise SystemExit(f"rbxl periksa failed ({proc.returncode}):\n{proc.stderr}")
    return {"seconds": seconds, "files": len(list(returns.glob("*.xlsx")))}


def case_read_process(returns: Path) -> dict:
    """The floor of the above: a process that starts Python and only reads the same files with calamine."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", READ_ONLY, str(returns)], check=True, capture_output=True)
    return {"seconds": time.perf_counter() - t, "files": len(list(returns.glob("*.xlsx")))}


def case_hostile(n_units, workers, returns: Path, work: Path) -> dict:
    """validate over the returns plus one of each hostile file of issue #10 (the run must stay bounded)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import hostile

    from rbxl.pipeline import run_validation

    folder = work / "kiriman"
    shutil.copytree(returns, folder)
    for build, kw in [("far_cell_xlsx", {}), ("repeated_rows_ods", {}), ("corrupt_deflate_xlsx", {}),
                      ("date_cell_xlsx", {}), ("zip_of_zips_of_zeros", {"name": "nol.zip", "inner": "nol.xlsx"}),
                      ("zip_bomb_xlsx", {}), ("absurd_dimension_xlsx", {})]:
        getattr(hostile, build)(folder, **kw)
    roadmap = load(n_units)
    t = time.perf_counter()
    report = run_validation([folder], roadmap, TAHUN, PERIODE, work / "out", workers=workers).report
    return {"seconds": time.perf_counter() - t, "files": len(report.submissions)}


def case_perbaikan(n_units, n_fix: int, work: Path) -> dict:
    """What the perbaikan files add to consolidate: `n_fix` units need a fix (validate untimed)."""
    from rbxl.checks.validate import validate
    from rbxl.core.paths import own_outputs
    from rbxl.render.perbaikan import write_perbaikan

    roadmap = load(n_units)
    returns = work / "kembali"
    make_returns(roadmap, returns, len(roadmap.units), mistakes=n_fix)
    report = validate([returns], roadmap, TAHUN, PERIODE, exclude=own_outputs(work / "out", TAHUN, PERIODE))
    t = time.perf_counter()
    done = write_perbaikan(report, roadmap, work / "out")
    return {"seconds": time.perf_counter() - t, "files": sum(1 for p in done if p.path)}


def case_tarik(n_messages: int, returns: Path, work: Path) -> dict:
    """`tarik` from a real local Dovecot: n messages, one per returned workbook, the rest plain mail
    or a PDF (so BODYSTRUCTURE, not the attachment count, decides). Filling the mailbox is untimed."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    sys.path.insert(0, str(ROOT / "tests"))
    import dovecot

    from rbxl.mail.tarik import tarik

    files = sorted(returns.glob("*.xlsx"))
    msgs = []
    for i in range(n_messages):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = f"unit{i}@blorakab.go.id", "organisasi@blorakab.go.id", f"Pesan {i}"
        m["Message-ID"] = make_msgid(domain="blorakab.go.id")
        m.set_content("Terlampir." if i < len(files) else "Undangan rapat koordinasi.")
        if i < len(files):
            m.add_attachment(files[i].read_bytes(), maintype="application",
                             subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=files[i].name)
        elif i % 3 == 0:
            m.add_attachment(b"%PDF-1.4 " + os.urandom(20_000), maintype="application", subtype="pdf",
                             filename="undangan.pdf")
        msgs.append(m.as_bytes())
    with dovecot.Dovecot() as server:
        server.append(msgs)
        t = time.perf_counter()
        result = tarik(server.settings("starttls"), TAHUN, PERIODE, work)
        seconds = time.perf_counter() - t
    assert len(result.saved) == len(files[:n_messages]), (len(result.saved), len(files))
    return {"seconds": seconds, "files": len(result.saved), "messages": result.examined}


def case_laporan(n_units, work: Path, returns: Path) -> dict:
    """rbxl laporan without the PDF step, from a period consolidated beforehand (not timed)."""
    from rbxl.pipeline import run_consolidation
    from rbxl.render.laporan import write_laporan

    roadmap = load(n_units)
    run_consolidation([returns], roadmap, TAHUN, PERIODE, work)
    t = time.perf_counter()
    result = write_laporan(roadmap, work, TAHUN, PERIODE)
    return {"seconds": time.perf_counter() - t, "files": len(result.documents)}


def case_read_gnumeric(returns: Path, work: Path) -> dict:
    """Gnumeric re-saves (ods, xls) of the returns, read and checked in-process; `quirks_s` is the
    part spent in quirks.py (ods re-indentation and formula scan, xls BIFF scan)."""
    from rbxl.checks.structure import check
    from rbxl.intake import MAX_UNCOMPRESSED, collect, quirks, read_workbook

    env = {**os.environ, "HOME": str(work)}
    for f in sorted(returns.glob("*.xlsx")):  # outside the clock
        for ext in ("ods", "xls"):
            subprocess.run(["ssconvert", str(f), str(work / f"{f.stem}.{ext}")], env=env, check=True,
                           capture_output=True)
    roadmap = load(None)
    items = [i for i in collect([work])[0] if not i.note]
    specs: dict = {}
    t = time.perf_counter()
    for item in items:
        check(item, read_workbook(item), roadmap, TAHUN, PERIODE, specs)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    for item in items:
        if item.ext == ".ods":
            quirks.read_ods(item.data, MAX_UNCOMPRESSED)
        else:
            quirks.xls_cells(item.data)
    return {"seconds": seconds, "files": len(items), "quirks_s": time.perf_counter() - t}


def case_help() -> dict:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rbxl", "--help"], check=True, capture_output=True)
    return {"seconds": time.perf_counter() - t}


CASES = {
    "generate": lambda a: case_generate(a.units, a.workers, Path(a.work), a.instrument),
    "write_floor": lambda a: case_write_floor(a.units, Path(a.work)),
    "consolidate": lambda a: case_consolidate(a.units, a.workers, Path(a.work), Path(a.returns),
                                              instrument=a.instrument),
    "consolidate_nostore": lambda a: case_consolidate(a.units, a.workers, Path(a.work), Path(a.returns), False),
    "trend": lambda a: case_trend(a.units, Path(a.work)),
    "check_only": lambda a: case_check_only(a.units, Path(a.returns)),
    "dasbor": lambda a: case_dasbor(a.units, Path(a.work), Path(a.returns)),
    "read_floor": lambda a: case_read_floor(Path(a.returns)),
    "perbaikan": lambda a: case_perbaikan(a.units, a.fix, Path(a.work)),
    "tarik": lambda a: case_tarik(a.messages, Path(a.returns), Path(a.work)),
    "laporan": lambda a: case_laporan(a.units, Path(a.work), Path(a.returns)),
    "read_gnumeric": lambda a: case_read_gnumeric(Path(a.returns), Path(a.work)),
    "help": lambda a: case_help(),
    "periksa_process": lambda a: case_periksa_process(Path(a.returns), Path(a.work), Path(a.work) / "pyc"),
    "periksa_process_nopyc": lambda a: case_periksa_process(Path(a.returns), Path(a.work), None),
    "read_process": lambda a: case_read_process(Path(a.returns)),
    "hostile": lambda a: case_hostile(a.units, a.workers, Path(a.returns), Path(a.work)),
}


def run_case(name: str, repeat: int, **kw) -> dict:
    """Run a case `repeat` times, each in a fresh subprocess; median time, max peak memory."""
    times, peaks, last = [], [], {}
    for _ in range(repeat):
        work = tempfile.mkdtemp(prefix=f"rbxl-bench-{name}-")
        args = [sys.executable, __file__, "--case", name, "--work", work]
        for k, v in kw.items():
            args += [f"--{k}", str(v)]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        shutil.rmtree(work, ignore_errors=True)
        if proc.returncode != 0:
            raise SystemExit(f"case {name} failed:\n{proc.stderr}")
        last = json.loads(proc.stdout.strip().splitlines()[-1])
        times.append(last["seconds"])
        peaks.append(last["peak_mb"])
    return {**last, "seconds": statistics.median(times), "runs": times, "peak_mb": max(peaks)}


def periksa_only(runs: int) -> None:
    """The periksa process and its floor, interleaved run by run so a busy machine slows both alike."""
    tmp = Path(tempfile.mkdtemp(prefix="rbxl-bench-"))
    try:
        returns = tmp / "returns"
        make_returns(load(None), returns, 47)
        times: dict[str, list[float]] = {"periksa_process": [], "periksa_process_nopyc": [], "read_process": []}
        for _ in range(runs):
            for case, got in times.items():
                got.append(run_case(case, 1, returns=returns)["seconds"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    f = statistics.median(times["read_process"])
    for case, got in times.items():
        print(f"{case:22} median {statistics.median(got):.3f} s, min {min(got):.3f} s; ratio to the read process: "
              f"median {statistics.median(got) / f:.2f}, min {min(got) / min(times['read_process']):.2f}")


def tarik_available() -> bool:
    """The tarik case starts a real Dovecot, which needs the package and root (mail uid 65534)."""
    return (shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists()) and os.geteuid() == 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case")
    ap.add_argument("--work")
    ap.add_argument("--units", type=int, default=0)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--returns")
    ap.add_argument("--fix", type=int, default=20)
    ap.add_argument("--instrument", type=int, default=0, help="questions of a synthetic instrument (issue 21)")
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--size", choices=["tiny", "full", "instrumen"], default="full")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results.json"))
    ap.add_argument("--periksa", type=int, default=0, metavar="RUNS",
                    help="only time the whole periksa process against the read-only process, RUNS times each")
    a = ap.parse_args()
    if a.periksa:
        periksa_only(a.periksa)
        return
    if a.case:
        a.units = a.units or None
        a.workers = a.workers or None
        result = CASES[a.case](a)
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_mb"] = round((me + kids) / 1024, 1)  # KiB on Linux; self + largest child
        print(json.dumps(result))
        return

    if a.size == "instrumen":
        return instrument_cost(a.repeat + 2, a.instrument or 100)
    sizes = [("47 unit (master)", 0, 47)] if a.size == "full" else [("tiny", 5, 5)]
    if a.size == "full":
        sizes.append(("1.000 unit (sintetis)", 1000, 1000))
    repeat = a.repeat if a.size == "full" else 1
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="rbxl-bench-"))
    try:
        for label, units, n_returns in sizes:
            reps = repeat + 2 if units < 1000 else 1  # sub-second cases: more runs for a stable median
            gen1 = run_case("generate", reps, units=units, workers=1)
            gen = run_case("generate", reps, units=units)
            floor_w = run_case("write_floor", reps, units=units)
            rows.append({"ukuran": label, "tahap": "generate (1 proses)", **gen1,
                         "lantai_s": floor_w["seconds"], "rasio": gen1["seconds"] / floor_w["seconds"]})
            rows.append({"ukuran": label, "tahap": "generate (paralel)", **gen,
                         "lantai_s": floor_w["seconds"], "rasio": gen["seconds"] / floor_w["seconds"]})
            returns = tmp / f"returns-{units}"
            sys.path.insert(0, str(ROOT))
            make_returns(load(units or None), returns, n_returns)
            cons = run_case("consolidate", reps, units=units, returns=returns)
            bare = run_case("consolidate_nostore", reps, units=units, returns=returns)
            chk = run_case("check_only", reps, units=units, returns=returns)
            floor_r = run_case("read_floor", reps, returns=returns)
            rows.append({"ukuran": label, "tahap": "consolidate (ujung ke ujung)", **cons,
                         "lantai_s": floor_r["seconds"], "rasio": cons["seconds"] / floor_r["seconds"]})
            rows.append({"ukuran": label, "tahap": "riwayat: consolidate / tanpa riwayat", **cons,
                         "lantai_s": bare["seconds"], "rasio": cons["seconds"] / bare["seconds"]})
            rows.append({"ukuran": label, "tahap": "intake+checks per berkas (1 proses)", **chk,
                         "lantai_s": floor_r["seconds"], "rasio": chk["seconds"] / floor_r["seconds"]})
            # the page is part of consolidate; its share of it (target: at most 0.10)
            page = run_case("dasbor", reps, units=units, returns=returns)
            rows.append({"ukuran": label, "tahap": "dasbor HTML (bagian dari consolidate)", **page,
                         "lantai_s": cons["seconds"], "rasio": page["seconds"] / cons["seconds"]})
            if units < 1000:  # the whole `rbxl periksa` process against a process that only reads (target: < 5x)
                whole = run_case("periksa_process", reps, returns=returns)
                cold = run_case("periksa_process_nopyc", reps, returns=returns)
                floor_p = run_case("read_process", reps, returns=returns)
                rows.append({"ukuran": label, "tahap": "periksa: proses utuh / proses baca calamine", **whole,
                             "lantai_s": floor_p["seconds"], "rasio": whole["seconds"] / floor_p["seconds"]})
                rows.append({"ukuran": label, "tahap": "periksa: proses utuh, tanpa .pyc / baca", **cold,
                             "lantai_s": floor_p["seconds"], "rasio": cold["seconds"] / floor_p["seconds"]})
                bad = run_case("hostile", reps, units=units, returns=returns)
                rows.append({"ukuran": label, "tahap": "validate + 7 berkas berbahaya (paralel)", **bad,
                             "lantai_s": None, "rasio": None})
            if units < 1000:  # the report is for the real master; target < 5 s without the PDF
                lap = run_case("laporan", reps, units=units, returns=returns)
                rows.append({"ukuran": label, "tahap": "laporan docx (tanpa PDF)", **lap, "lantai_s": None,
                             "rasio": None})
            if shutil.which("ssconvert") and units < 1000:  # quirks_s (in the json): the part quirks.py adds
                gn = run_case("read_gnumeric", reps, units=units, returns=returns)
                rows.append({"ukuran": label, "tahap": "checks ods+xls dari Gnumeric (1 proses)", **gn,
                             "lantai_s": floor_r["seconds"] * 2, "rasio": gn["seconds"] / (floor_r["seconds"] * 2)})
            if units >= 1000:
                continue
            n_fix = 20 if a.size == "full" else 2
            fix = run_case("perbaikan", reps, units=units, fix=n_fix)
            rows.append({"ukuran": label, "tahap": f"berkas perbaikan ({n_fix} unit)", **fix,
                         "lantai_s": None, "rasio": None})
            if tarik_available():
                n_msg = 200 if a.size == "full" else 12
                pull = run_case("tarik", reps, messages=n_msg, returns=returns)
                rows.append({"ukuran": label, "tahap": f"tarik IMAP ({n_msg} pesan, {pull['files']} berlampiran)",
                             **pull, "lantai_s": None, "rasio": None})
            else:
                print("tarik: dilewati (dovecot tidak terpasang atau bukan root)", file=sys.stderr)
        tr = run_case("trend", 1, units=0 if a.size == "full" else 5)
        rows.append({"ukuran": "5 th x 5 periode x 47 unit" if a.size == "full" else "tiny",
                     "tahap": f"tren satu tahun (riwayat {tr['db_mb']} MB)", **tr, "lantai_s": None, "rasio": None})
        h = run_case("help", 5 if a.size == "full" else 1)
        rows.append({"ukuran": "-", "tahap": "rbxl --help", **h, "lantai_s": None, "rasio": None})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "processor": platform.processor() or platform.machine()}
    Path(a.json).write_text(json.dumps({"machine": machine, "rows": rows}, indent=2, ensure_ascii=False),
                            encoding="utf-8")
    print(f"{'ukuran':24} {'tahap':38} {'detik':>8} {'lantai':>8} {'rasio':>6} {'memori MB':>10}")
    for r in rows:
        floor = f"{r['lantai_s']:.3f}" if r["lantai_s"] is not None else "-"
        ratio = f"{r['rasio']:.2f}" if r["rasio"] is not None else "-"
        print(f"{r['ukuran']:24} {r['tahap']:38} {r['seconds']:8.3f} {floor:>8} {ratio:>6} {r['peak_mb']:10.1f}")
    print(f"mesin: {machine}")


def instrument_cost(reps: int, questions: int = 100) -> None:
    """What an instrument of `questions` questions for all 47 units adds to generate and consolidate
    (issue 21, target: at most 25% each). Prints the rows; results.json is left as the full run wrote it."""
    tmp = Path(tempfile.mkdtemp(prefix="rbxl-bench-instrumen-"))
    try:
        rows = []
        for stage in ("generate", "consolidate"):
            got = {}
            for n in (0, questions):
                kw: dict = {"units": 0, "instrument": n}
                if stage == "consolidate":
                    returns = tmp / f"returns-{n}"
                    make_returns(load(None, n), returns, 47)
                    kw["returns"] = returns
                got[n] = run_case(stage, reps, **kw)
            ratio = got[questions]["seconds"] / got[0]["seconds"]
            rows.append((stage, got[0]["seconds"], got[questions]["seconds"], ratio, got[questions]["peak_mb"]))
        print(f"{'tahap':14} {'tanpa (s)':>10} {'dengan (s)':>11} {'rasio':>6} {'memori MB':>10}")
        for stage, without, with_, ratio, peak in rows:
            print(f"{stage:14} {without:10.3f} {with_:11.3f} {ratio:6.2f} {peak:10.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
