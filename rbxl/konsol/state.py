"""What the console shows about a period, read from the files the CLI writes: the template manifest,
the send log, the archive log, the findings workbook, the perbaikan list and the riwayat store.

Nothing here decides a verdict: the findings workbook (temuan-<tahun>-<periode>.xlsx, written by every
`periksa` and `rekap`, from the console or the terminal) is the last run's word, read back as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.core.enums import Collection, Period, Verdict
from rbxl.core.paths import (
    PERBAIKAN_LIST,
    archive_log,
    dasbor_path,
    email_dir,
    feedback_dir,
    findings_path,
    laporan_path,
    monitoring_path,
    perbaikan_dir,
    period_dir,
    snapshot_path,
    templates_dir,
)
from rbxl.master.model import Roadmap

NOT_COUNTED = (Verdict.SUPERSEDED, Verdict.DUPLICATE)
VERDICTS = [Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES, Verdict.NEEDS_FIX, Verdict.REJECTED, Collection.NOT_RETURNED]


def _csv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return [dict(r) for r in csv.DictReader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _sheet(wb, name: str) -> list[dict[str, str]]:
    try:
        grid = wb.get_sheet_by_name(name).to_python()
    except Exception:  # an older findings workbook without that sheet
        return []
    if not grid:
        return []
    head = [str(h) for h in grid[0]]
    return [{h: "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
             for h, v in zip(head, row, strict=False)} for row in grid[1:]]


@dataclass
class Temuan:
    """The findings workbook of the last validation, as rows."""

    files: list[dict[str, str]] = field(default_factory=list)  # sheet Berkas
    findings: list[dict[str, str]] = field(default_factory=list)  # sheet Temuan
    missing: list[str] = field(default_factory=list)  # sheet Belum Mengumpulkan
    written: dt.datetime | None = None


def read_temuan(out: Path, tahun: int, periode: str) -> Temuan:
    path = findings_path(out, tahun, periode)
    if not path.is_file():
        return Temuan()
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception:  # open in Excel while being replaced, or damaged: the board shows no return yet
        return Temuan()
    return Temuan(_sheet(wb, "Berkas"), _sheet(wb, "Temuan"), [r.get("Unit", "") for r in _sheet(wb, "Belum Mengumpulkan")],
                  dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0))


@dataclass
class UnitRow:
    unit: str
    nama: str
    kelompok: str
    email: str
    template: bool = False
    sent: str = ""  # when the template e-mail went out ('' never)
    files: int = 0  # returned workbooks received
    verdict: str = Collection.NOT_RETURNED
    errors: int = 0
    warnings: int = 0
    received: str = ""  # when rbxl received the file that counts
    late: bool = False
    reminded: str = ""
    feedback: str = ""
    perbaikan: str = ""  # the marked-up file's name in perbaikan/

    @property
    def state(self) -> str:
        return self.verdict


@dataclass
class Board:
    tahun: int
    periode: str
    label: str
    rows: list[UnitRow]
    deadline: dt.date | None
    templates: int = 0
    sent: int = 0
    returned: int = 0
    validated: dt.datetime | None = None
    consolidated: bool = False
    laporan: bool = False
    dasbor: bool = False

    @property
    def counts(self) -> dict[str, int]:
        got = {str(v): 0 for v in VERDICTS}
        for r in self.rows:
            got[r.verdict] = got.get(r.verdict, 0) + 1
        return got

    @property
    def next_step(self) -> str:
        if not self.templates:
            return "Buat template"
        if not self.sent:
            return "Kirim template ke unit (atau bagikan folder templates/)"
        if not self.returned:
            return "Unggah berkas kiriman unit"
        if not self.consolidated:
            return "Periksa kiriman yang masuk, lalu buat rekap"
        if not self.laporan:
            return "Tulis laporan"
        return "Selesai: kirim umpan balik dan pengingat bila masih ada unit yang belum lengkap"


def _sent_times(out: Path, tahun: int, periode: str) -> dict[str, dict[str, str]]:
    """jenis -> unit -> time of the last message of that kind that went out."""
    from rbxl.mail.sendlog import LOG_NAME, TERKIRIM

    got: dict[str, dict[str, str]] = {}
    for r in _csv(email_dir(out, tahun, periode) / LOG_NAME):
        if r.get("hasil") == TERKIRIM:
            got.setdefault(r.get("jenis") or "template", {})[r.get("unit", "")] = r.get("waktu", "")[:16].replace("T", " ")
    return got


def _chosen(files: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The file that counts per unit: the last one whose verdict is not superseded or a duplicate."""
    got: dict[str, dict[str, str]] = {}
    for f in files:
        if f.get("Unit") and f.get("Putusan") not in NOT_COUNTED:
            got[f["Unit"]] = f
    return got


def board(roadmap: Roadmap, out: Path, tahun: int, periode: str) -> Board:
    from rbxl.template.generate import MANIFEST

    out = Path(out)
    manifest = {r.get("unit", "") for r in _csv(templates_dir(out, tahun, periode) / MANIFEST)}
    mail = _sent_times(out, tahun, periode)
    temuan = read_temuan(out, tahun, periode)
    chosen = _chosen(temuan.files)
    n_files: dict[str, int] = {}
    for f in temuan.files:
        n_files[f.get("Unit", "")] = n_files.get(f.get("Unit", ""), 0) + 1
    received = {r.get("sha256", ""): r.get("waktu_periksa", "") for r in _csv(archive_log(out, tahun, periode))}
    fix = {r.get("unit", ""): r.get("berkas", "") for r in _csv(perbaikan_dir(out, tahun, periode) / PERBAIKAN_LIST)}
    deadline = roadmap.jadwal.get((tahun, periode))
    rows = []
    for code in roadmap.reporting_units():
        u = roadmap.units[code]
        row = UnitRow(code, u.nama, u.kelompok, u.email, template=code in manifest,
                      sent=mail.get("template", {}).get(code, ""), files=n_files.get(code, 0),
                      reminded=mail.get("pengingat", {}).get(code, ""), feedback=mail.get("umpan-balik", {}).get(code, ""),
                      perbaikan=fix.get(code, ""))
        kept = chosen.get(code)
        if kept is not None:
            row.verdict = kept.get("Putusan", "")
            row.errors, row.warnings = int(kept.get("Kesalahan") or 0), int(kept.get("Peringatan") or 0)
            row.received = received.get(kept.get("SHA-256", ""), "")[:16].replace("T", " ")
            if deadline and row.received:
                row.late = row.received[:10] > deadline.isoformat()
        rows.append(row)
    return Board(tahun, periode, f"{Period(periode).label} {tahun}", rows, deadline, templates=len(manifest),
                 sent=len(mail.get("template", {})), returned=len(chosen), validated=temuan.written,
                 consolidated=snapshot_path(out, tahun, periode).is_file() and monitoring_path(out, tahun, periode).is_file(),
                 laporan=laporan_path(out, tahun, periode).is_file(), dasbor=dasbor_path(out, tahun, periode).is_file())


@dataclass
class UnitDetail:
    row: UnitRow
    files: list[dict[str, str]]
    findings: list[dict[str, str]]
    feedback: str
    perbaikan: Path | None
    mail: list[dict[str, str]]
    history: list[tuple[str, str, str]]  # (period label, collection state, punctuality) from the store
    reported: list[dict] = field(default_factory=list)  # the unit's rencana aksi rows in the period's rekap


def unit_detail(roadmap: Roadmap, out: Path, tahun: int, periode: str, code: str, db: Path | None = None) -> UnitDetail:
    from rbxl.mail.sendlog import LOG_NAME
    from rbxl.store import open_store, store_path

    b = board(roadmap, out, tahun, periode)
    row = next(r for r in b.rows if r.unit == code)
    temuan = read_temuan(out, tahun, periode)
    notes = feedback_dir(out, tahun, periode) / f"{code}.txt"
    try:
        feedback = notes.read_text(encoding="utf-8")
    except OSError:
        feedback = ""
    fix = perbaikan_dir(out, tahun, periode) / row.perbaikan if row.perbaikan else None
    history: list[tuple[str, str, str]] = []
    path = store_path(db, out)
    if path.is_file():
        try:
            store = open_store(path, create=False)
            try:
                for r in store.unit_states():
                    if r["unit"] == code:
                        history.append((f"{Period(r['periode']).label} {r['tahun']}", str(r["keadaan"]),
                                        str(r["ketepatan"])))
            finally:
                store.close()
        except Exception:  # a store another rbxl holds or cannot be read: the unit page without its history
            history = []
    reported: list[dict] = []
    if snapshot_path(out, tahun, periode).is_file():
        from rbxl.riwayat.snapshot import load_tables

        try:
            reported = [r for r in load_tables(out, tahun, periode).rencana_aksi if r.get("unit") == code]
        except Exception:  # a rekap written by another rbxl version: the page without it
            reported = []
    return UnitDetail(row, [f for f in temuan.files if f.get("Unit") == code],
                      [f for f in temuan.findings if f.get("Unit") == code], feedback,
                      fix if fix and fix.is_file() else None,
                      [r for r in _csv(email_dir(out, tahun, periode) / LOG_NAME) if r.get("unit") == code], history,
                      reported)


@dataclass
class PeriodSummary:
    tahun: int
    periode: str
    label: str
    board: Board | None
    stored: str = ""  # when the store recorded it ('' not recorded)


def periods(roadmap: Roadmap, out: Path, db: Path | None = None) -> list[PeriodSummary]:
    """Every period with a folder under `out` or a record in the store, newest first."""
    import re

    from rbxl.store import open_store, store_path

    found: dict[tuple[int, str], str] = {}
    pattern = re.compile(r"^(\d{4})-(" + "|".join(p.value for p in Period) + ")$")
    if Path(out).is_dir():
        for p in Path(out).iterdir():
            m = pattern.match(p.name)
            if m and p.is_dir():
                found[(int(m.group(1)), m.group(2))] = ""
    path = store_path(db, out)
    if path.is_file():
        try:
            store = open_store(path, create=False)
            try:
                for info in store.periods():
                    found[(info.tahun, info.periode)] = info.direkap
            finally:
                store.close()
        except Exception:
            pass
    got = []
    for (tahun, periode), stored in sorted(found.items(), key=lambda k: (k[0][0], Period(k[0][1]).rank), reverse=True):
        b = board(roadmap, out, tahun, periode) if period_dir(out, tahun, periode).is_dir() else None
        got.append(PeriodSummary(tahun, periode, f"{Period(periode).label} {tahun}", b, stored))
    return got
