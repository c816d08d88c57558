"""Generate one template per unit for a year and period, plus a manifest CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rbxl.core.atomic import write_text
from rbxl.core.paths import templates_dir
from rbxl.core.signing import ensure_key
from rbxl.core.text import safe_filename
from rbxl.core.workers import default_workers, pool_context
from rbxl.form.spec import FormSpec, plan
from rbxl.master.model import Roadmap
from rbxl.template.write import write_template

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
    return safe_filename(f"{spec.unit_kode}_{slug(spec.unit_singkatan)}_{spec.tahun}-{spec.periode}.xlsx")


@dataclass(frozen=True)
class TemplatePlan:
    """One template generate will write: the unit's FormSpec and where it goes."""

    spec: FormSpec
    file: Path
    email: str
    answers: dict | None = None  # the unit's last accepted values (rbxl.template.prefill), or None: blank
    prefilled: frozenset = frozenset()  # which answers are prefilled (marked in the template)


def plan_templates(roadmap: Roadmap, tahun: int, periode: str, out: str | Path,
                   units: list[str] | None = None, db: Path | None = None) -> list[TemplatePlan]:
    """Decide every template of a period without writing anything (unknown units fail here).

    With `db` (the riwayat store), each unit's inputs are prefilled with its latest accepted
    values from an earlier period of the same year (rbxl.template.prefill)."""
    roadmap.check_period(tahun, periode)
    codes = list(dict.fromkeys(units)) if units else roadmap.reporting_units()
    for code in codes:
        roadmap.unit(code)  # unknown codes fail before anything is written
    folder = templates_dir(out, tahun, periode)
    pf = None
    if db is not None:
        from rbxl.template.prefill import apply, load_prefill

        pf = load_prefill(Path(db), tahun, periode, codes)
    plans = []
    for code in codes:
        spec = plan(roadmap, code, tahun, periode)
        answers: dict | None = None
        marked: frozenset = frozenset()
        if pf is not None and (code in pf.previous or code in pf.last_year):
            spec, answers, keys = apply(spec, pf.previous.get(code), pf.last_year.get(code))
            marked = frozenset(keys)
        plans.append(TemplatePlan(spec, folder / template_name(spec), roadmap.units[code].email, answers, marked))
    return plans


def _write_one(p: TemplatePlan, key: bytes | None = None) -> Generated:
    path = write_template(p.spec, p.file, p.answers, prefilled=set(p.prefilled), key=key)
    return Generated(p.spec.unit_kode, p.spec.unit_nama, path, p.email, p.spec.row_count())


def write_templates(plans: list[TemplatePlan], manifest: Path, progress: Callable[[Generated], None] | None = None,
                    workers: int | None = None, key: bytes | None = None) -> list[Generated]:
    """Write the planned templates (in worker processes when there are many) and the manifest;
    with `key` (rbxl.core.signing.ensure_key of the output folder) each template is signed."""
    workers = workers if workers is not None else default_workers()
    results: list[Generated] = []
    write_one = partial(_write_one, key=key)
    if workers > 1 and len(plans) >= 8:
        with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
            for g in pool.map(write_one, plans, chunksize=max(1, len(plans) // (workers * 4))):
                results.append(g)
                if progress:
                    progress(g)
    else:
        for p in plans:
            g = write_one(p)
            results.append(g)
            if progress:
                progress(g)
    write_manifest(results, manifest)
    return results


def generate(roadmap: Roadmap, tahun: int, periode: str, out: str | Path, units: list[str] | None = None,
             progress: Callable[[Generated], None] | None = None, workers: int | None = None,
             db: Path | None = None) -> list[Generated]:
    """Write templates under <out>/<tahun>-<periode>/templates/ and the manifest beside them
    (prefilled from the riwayat store at `db`, see plan_templates), each signed with the key of
    `out` (<out>/.rbxl-kunci, created on the first run, rbxl.core.signing)."""
    plans = plan_templates(roadmap, tahun, periode, out, units, db)
    return write_templates(plans, templates_dir(out, tahun, periode) / MANIFEST, progress, workers,
                           key=ensure_key(out))


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


def templates_made(out: str | Path, tahun: int, periode: str) -> dt.datetime | None:
    """When the period's templates were made (their manifest's file time), if they were made here:
    no return can have been sent before it (rbxl.checks.validate.arrival)."""
    try:
        seconds = (templates_dir(out, tahun, periode) / MANIFEST).stat().st_mtime
        return dt.datetime.fromtimestamp(seconds).replace(microsecond=0)
    except (OSError, ValueError, OverflowError):
        return None


def read_manifest(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
