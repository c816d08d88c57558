"""`rbxl riwayat impor` and `ekspor`: rebuild periods from their folders, export one tidy CSV.

Import re-checks the byte-for-byte copies in each period's `arsip/` (named by SHA-256) against
the current master and records the result, restoring each file's original name and source from
`arsip/log.csv`; nothing is e-mailed and no period folder is written to. Which file a unit's
data comes from follows the same rule as consolidation (validation.arrival: the one received last).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path

from rbxl.core.atomic import write_text
from rbxl.core.enums import Period
from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.core.paths import ARCHIVE_LOG
from rbxl.master.model import Roadmap
from rbxl.store import open_store

PERIOD_DIR = re.compile(r"^(\d{4})-(" + "|".join(Period) + ")$")  # <tahun>-<periode> folders
EXPORT_FIELDS = ["tahun", "periode", "unit", "lembar", "kode", "kolom", "area_kode", "tipe", "nilai"]


@dataclass
class Imported:
    tahun: int
    periode: str
    folder: Path
    files: int
    units_used: int
    note: str = ""


def period_folders(path: Path) -> list[tuple[int, str, Path]]:
    """Period folders at `path` (itself one, or an output folder holding several), oldest first."""
    path = Path(path)
    if not path.is_dir():
        raise UsageError(message("IMPORT_FOLDER_MISSING", path=path))
    found = []
    for p in [path, *sorted(x for x in path.iterdir() if x.is_dir())]:
        m = PERIOD_DIR.match(p.name)
        if m and (p / "arsip" / ARCHIVE_LOG).is_file():
            found.append((int(m.group(1)), m.group(2), p))
    if not found:
        raise UsageError(message("IMPORT_NO_PERIODS", path=path))
    return sorted(found, key=lambda t: (t[0], Period(t[1]).rank))


def _log_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "arsip" / ARCHIVE_LOG, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def import_periods(path: str | Path, roadmap: Roadmap, db: Path, workers: int | None = None) -> list[Imported]:
    """Record every period folder under `path` in the store at `db` (replacing those periods)."""
    from rbxl.checks.history import load_context
    from rbxl.checks.validate import validate
    from rbxl.consolidation.build import consolidate
    from rbxl.consolidation.instrumen import apply_verification
    from rbxl.intake.archive import read_receipts
    from rbxl.riwayat.record import period_record
    from rbxl.template.generate import templates_made

    done = []
    with open_store(db) as store:
        for tahun, periode, folder in period_folders(Path(path)):
            if tahun not in roadmap.years:
                done.append(Imported(tahun, periode, folder, 0, 0, f"tahun {tahun} di luar road map; dilewati"))
                continue
            rows = _log_rows(folder)
            # the period's inputs as received (names, sources, receipt times) from arsip/ and log.csv,
            # re-read exactly as consolidation does, oldest period first so each is compared with
            # the ones imported before it
            receipts = read_receipts(folder.parent, tahun, periode)
            report = validate([], roadmap, tahun, periode, workers=workers, receipts=receipts,
                              template_made=templates_made(folder.parent, tahun, periode),
                              history=load_context(store, tahun, periode))
            files = {s.item.sha256 for s in report.submissions}
            tables = consolidate(report, roadmap)
            rec = period_record(report, tables, roadmap)
            when = max((r.get("waktu_periksa", "") for r in rows), default="")
            store.replace_period(dataclasses.replace(rec, direkap=when))
            apply_verification(tables, roadmap, store.verifications(tahun, periode))  # issue 21: kept in the store
            store.replace_scores(tahun, periode, tables.instrumen_nilai)
            done.append(Imported(tahun, periode, folder, len(files), len(report.chosen)))
    return done


def _safe(v: object) -> object:
    from rbxl.core.text import csv_safe

    return csv_safe(v)


def export_csv(db: Path, target: Path) -> tuple[Path, int]:
    """One tidy CSV over every period: tahun x periode x unit x lembar x kode x kolom -> nilai."""
    with open_store(db, create=False) as store:
        rows = store.query("SELECT p.tahun, p.periode, n.unit, n.lembar, n.kode, n.kolom, n.area_kode, n.tipe, "
                           "n.angka, n.teks FROM nilai n JOIN periode p ON p.id = n.periode_id "
                           "ORDER BY p.tahun, p.urutan, n.unit, n.lembar, n.kode, n.kolom")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_FIELDS)
    for r in rows:
        value = r["angka"] if r["tipe"] == "angka" else r["teks"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        w.writerow([r["tahun"], r["periode"], r["unit"], r["lembar"], r["kode"], r["kolom"], r["area_kode"],
                    r["tipe"], _safe(value)])
    return write_text(target, buf.getvalue()), len(rows)
