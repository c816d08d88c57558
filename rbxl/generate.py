"""Generate one template per unit for a year and period, plus a manifest CSV."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_text
from .form import FormSpec, plan
from .master.model import Roadmap
from .paths import period_dir, templates_dir  # noqa: F401  (period_dir: re-exported)
from .template import write_template

MANIFEST = "manifest.csv"


@dataclass
class Generated:
    unit: str
    nama: str
    file: Path
    email: str
    rows: dict[str, int]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "unit"


def template_name(spec: FormSpec) -> str:
    return f"{spec.unit_kode}_{slug(spec.unit_singkatan)}_{spec.tahun}-{spec.periode}.xlsx"


_WORKER: dict = {}


def _init(roadmap: Roadmap) -> None:
    _WORKER["roadmap"] = roadmap  # once per worker, not pickled with every job


def _one(args: tuple, roadmap: Roadmap | None = None) -> Generated:
    kode, tahun, periode, folder, prev, last_year = args
    roadmap = roadmap or _WORKER["roadmap"]
    spec = plan(roadmap, kode, tahun, periode)
    answers, marked = None, None
    if prev is not None or last_year is not None:
        from .prefill import apply

        spec, answers, marked = apply(spec, prev, last_year)
    path = write_template(spec, folder / template_name(spec), answers, prefilled=marked)
    u = roadmap.units[kode]
    return Generated(kode, u.nama, path, u.email, spec.row_count())


def generate(roadmap: Roadmap, tahun: int, periode: str, out: str | Path, units: list[str] | None = None,
             progress: Callable[[Generated], None] | None = None, workers: int | None = None,
             db: Path | None = None) -> list[Generated]:
    """Write templates under <out>/<tahun>-<periode>/templates/ and the manifest beside them.

    With `db` (the riwayat store), each unit's inputs are prefilled with its latest accepted
    values from an earlier period of the same year (rbxl.prefill)."""
    roadmap.check_period(tahun, periode)
    codes = list(dict.fromkeys(units)) if units else roadmap.reporting_units()
    for code in codes:
        roadmap.unit(code)  # unknown codes fail before anything is written
    folder = templates_dir(out, tahun, periode)
    if db is not None:
        from .prefill import load_prefill

        pf = load_prefill(Path(db), tahun, periode, codes)
        jobs = [(code, tahun, periode, folder, pf.previous.get(code), pf.last_year.get(code)) for code in codes]
    else:
        jobs = [(code, tahun, periode, folder, None, None) for code in codes]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    results: list[Generated] = []
    if workers > 1 and len(jobs) >= 8:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(roadmap,)) as pool:
            for g in pool.map(_one, jobs, chunksize=max(1, len(jobs) // (workers * 4))):
                results.append(g)
                if progress:
                    progress(g)
    else:
        for job in jobs:
            g = _one(job, roadmap)
            results.append(g)
            if progress:
                progress(g)
    write_manifest(results, folder / MANIFEST)
    return results


MANIFEST_FIELDS = ["unit", "nama", "email", "file", "baris_ra_utama", "baris_ra_pendukung",
                   "baris_indikator", "baris_kegiatan"]


def write_manifest(results: list[Generated], path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(MANIFEST_FIELDS)
    for g in results:
        w.writerow([g.unit, g.nama, g.email, g.file.name, g.rows.get("Rencana Aksi Utama", 0),
                    g.rows.get("Rencana Aksi Pendukung", 0), g.rows.get("Indikator", 0),
                    g.rows.get("Kegiatan Prioritas", 0)])
    write_text(path, buf.getvalue())


def read_manifest(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
