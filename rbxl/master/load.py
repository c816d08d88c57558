"""Load the master workbook by header names, check every cell, and build the Roadmap.

`load_master(path)` returns the Roadmap (or None when errors make it unusable) and the list
of findings; `read_master(path)` raises MasterError unless the master is free of errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, replace
from pathlib import Path

from rbxl.core.address import parse_addresses
from rbxl.core.enums import StatusRole
from rbxl.core.errors import MasterError
from rbxl.core.findings import Finding, finding, has_errors
from rbxl.core.messages import message
from rbxl.core.values import (
    as_text,
    parse_date,
    parse_number,
)
from rbxl.master import schema as S
from rbxl.master.instrumen import fingerprint_content, load_instruments
from rbxl.master.model import (
    Area,
    Grup,
    QuickWin,
    Roadmap,
    Unit,
)
from rbxl.master.rules import Checker
from rbxl.master.schema import DEFAULT_MASTER, MASTER_NAME
from rbxl.master.table import Table, split_list


def find_master(path: str | Path | None = None) -> Path:
    """The master to use: the one named, else $RBXL_MASTER, else ./master/, else the shipped one."""
    if path:
        return Path(path)
    env = os.environ.get("RBXL_MASTER")
    if env:
        return Path(env)
    if DEFAULT_MASTER.exists():
        return DEFAULT_MASTER
    shipped = Path(__file__).resolve().parents[2] / "master" / MASTER_NAME  # a source checkout
    return shipped if shipped.exists() else DEFAULT_MASTER


def load_master(path: str | Path) -> tuple[Roadmap | None, list[Finding]]:
    """Read and check the master; the Roadmap is None when a sheet or column is missing."""
    path = Path(path)
    file = path.name
    if not path.exists():
        raise MasterError(message("MASTER_NOT_FOUND", path=path))
    if path.is_dir():
        raise MasterError(message("MASTER_IS_FOLDER", path=path, example=path / MASTER_NAME))
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        grids = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in names}
    except Exception as err:  # calamine raises several unrelated types
        # calamine's reason is English ('Cannot detect file format'): not shown; the step is
        raise MasterError(message("MASTER_UNREADABLE", path=path)) from err
    return build_roadmap(grids, file=file, source=str(path))


def build_roadmap(grids: dict[str, list[list]], *, file: str = "", source: str = ""
                  ) -> tuple[Roadmap | None, list[Finding]]:
    findings: list[Finding] = []
    by_norm = {S.norm_header(n): n for n in grids}

    def grid_of(sheet: S.Sheet) -> list[list] | None:
        real = by_norm.get(S.norm_header(sheet.name))
        if real is None:
            if sheet.optional:  # an older master: the sheet is read as empty
                return [[S.header_of(c, None) for c in sheet.columns]]
            findings.append(finding("MASTER_SHEET_MISSING", file=file, sheet=sheet.name))
            return None
        return grids[real]

    # settings first: they say which years the roadmap has
    settings: dict[str, str] = {}
    g = grid_of(S.PENGATURAN)
    if g is not None:
        t = Table(S.PENGATURAN, g, (), file, findings)
        settings = {as_text(r["kunci"]): as_text(r.get("nilai")) for r in t.records if r.get("kunci")}
    years = _years(settings, file, findings)

    tables: dict[str, Table] = {}
    for sheet in S.SHEETS[1:]:
        g = grid_of(sheet)
        if g is not None:
            yrs = S.RIWAYAT_YEARS if sheet is S.RIWAYAT else years
            tables[sheet.name] = Table(sheet, g, yrs, file, findings)
    if len(tables) < len(S.SHEETS) - 1 or has_errors(findings):
        return None, findings

    ck = Checker(file, findings)
    for t in tables.values():
        ck.required_and_unique(t)

    pil = tables[S.PILIHAN.name]
    lists, meanings = _load_pilihan(pil)
    ck.lists = lists
    status_roles = _status_roles(pil, file, findings)
    for t in tables.values():
        ck.choices(t)
        ck.numbers(t)

    units = _load_units(tables[S.UNIT.name], file, findings)
    areas = _load_areas(tables[S.AREA.name])
    grup = _load_grup(tables[S.GRUP.name])
    ck.known_refs = set(units) | set(grup)
    ck.units = set(units)
    ck.areas = set(areas)

    pokja = _load_pokja(tables[S.POKJA.name], tables[S.GRUP.name], units, grup, ck)

    indikator = [ck.indikator(rec, cells, years) for rec, cells in
                 zip(tables[S.INDIKATOR.name].records, tables[S.INDIKATOR.name].cells, strict=True)]
    kegiatan = [ck.kegiatan(rec, cells, years) for rec, cells in
                zip(tables[S.KEGIATAN.name].records, tables[S.KEGIATAN.name].cells, strict=True)]
    rencana = [ck.rencana_aksi(rec, cells, years) for rec, cells in
               zip(tables[S.RENCANA_AKSI.name].records, tables[S.RENCANA_AKSI.name].cells, strict=True)]
    ck.links(indikator, years, {as_text(r.get("kode")): c.get("sama_dengan", "") for r, c in
                                zip(tables[S.INDIKATOR.name].records, tables[S.INDIKATOR.name].cells, strict=True)})

    jadwal = _load_jadwal(tables[S.JADWAL.name], file, findings)

    riwayat = [dict(r) for r in tables[S.RIWAYAT.name].records]
    t = tables[S.QUICK_WINS.name]
    quick_wins = []
    for rec, cells in zip(t.records, t.cells, strict=True):
        ck.area(S.QUICK_WINS.name, as_text(rec.get("area_kode")), cells.get("area_kode", ""))
        quick_wins.append(QuickWin(kode=as_text(rec.get("kode")), nama=as_text(rec.get("nama")),
                                   area_kode=as_text(rec.get("area_kode")), sumber=as_text(rec.get("sumber")),
                                   catatan=as_text(rec.get("catatan"))))
    bobot = ck.bobot(tables[S.BOBOT_PMPRB.name])

    roadmap = Roadmap(settings=settings, years=years, units=units, areas=areas, indikator=indikator,
                      kegiatan=kegiatan, rencana_aksi=rencana,
                      pokja=pokja, grup=grup, pilihan=lists,
                      jadwal=jadwal, riwayat=riwayat, pilihan_keterangan=meanings, status_roles=status_roles,
                      source=source, quick_wins=quick_wins, bobot=bobot)
    ck.weight_sums(roadmap, tables[S.BOBOT_PMPRB.name])
    instrument_tables = {}
    for sheet in S.INSTRUMENT_SHEETS:
        g = grid_of(sheet)
        instrument_tables[sheet.name] = Table(sheet, g if g is not None else [[]], (), file, findings)
    roadmap.instrumen, roadmap.skala = load_instruments(instrument_tables, file, findings, set(units), set(grup))
    coordinator = settings.get("koordinator_monev", "")  # Bab IV 4.1: the Inspektorat, in the shipped master
    if coordinator in units:
        roadmap.instrumen = {k: i if i.verifikator else replace(i, verifikator=coordinator)
                             for k, i in roadmap.instrumen.items()}
    ck.grade_bands(indikator, tables[S.INDIKATOR.name], meanings, years)
    for ra, cells in zip(rencana, tables[S.RENCANA_AKSI.name].cells, strict=True):
        if not any(ra.aksi_for(y) for y in years):
            findings.append(finding("MASTER_NO_ACTION", file=file, sheet=S.RENCANA_AKSI.name,
                                    cell=cells.get("kode", ""), label=f"{ra.kode} {ra.kegiatan}"))
    for g_ in grup.values():
        if not roadmap.resolve((g_.kode,), next(iter(areas), "")) and g_.jenis != "POKJA_AREA":
            findings.append(finding("MASTER_EMPTY_GROUP", file=file, sheet=S.GRUP.name, value=g_.kode))
    roadmap.fingerprint = fingerprint(roadmap)
    return roadmap, findings


# --- one loader per sheet ----------------------------------------------------------------------

def _load_pilihan(pil: Table) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """The lists in their Urutan order, and each value's Keterangan."""
    pilihan: dict[str, list[tuple[float, str]]] = {}
    meanings: dict[str, dict[str, str]] = {}
    for rec in pil.records:
        if rec.get("daftar") and rec.get("nilai") is not None:
            order = parse_number(rec.get("urutan"))
            pilihan.setdefault(as_text(rec["daftar"]), []).append((order or 0.0, as_text(rec["nilai"])))
            meanings.setdefault(as_text(rec["daftar"]), {})[as_text(rec["nilai"])] = as_text(rec.get("keterangan"))
    return {k: [v for _, v in sorted(vs, key=lambda x: x[0])] for k, vs in pilihan.items()}, meanings


def _load_units(t: Table, file: str, findings: list[Finding]) -> dict[str, Unit]:
    units = {}
    for rec, cells in zip(t.records, t.cells, strict=True):
        if not rec.get("kode"):
            continue
        for address in parse_addresses(as_text(rec.get("email")))[1]:
            findings.append(finding("MASTER_BAD_EMAIL", file=file, sheet=S.UNIT.name,
                                    cell=cells.get("email", ""), value=address))
        units[as_text(rec["kode"])] = Unit(
            kode=as_text(rec["kode"]), nama=as_text(rec.get("nama")), singkatan=as_text(rec.get("singkatan")),
            jenis=as_text(rec.get("jenis")), induk=as_text(rec.get("induk")), email=as_text(rec.get("email")),
            unit_pelayanan=as_text(rec.get("unit_pelayanan")).casefold() == "ya",
            alias=split_list(rec.get("alias")), catatan=as_text(rec.get("catatan")))
    return units


def _load_areas(t: Table) -> dict[str, Area]:
    areas = {}
    for rec in t.records:
        if rec.get("kode"):
            areas[as_text(rec["kode"])] = Area(
                kode=as_text(rec["kode"]), nama=as_text(rec.get("nama")),
                nama_lampiran=as_text(rec.get("nama_lampiran")) or as_text(rec.get("nama")),
                sasaran=as_text(rec.get("sasaran")), program=as_text(rec.get("program")),
                program_nama=as_text(rec.get("program_nama")))
    return areas


def _load_grup(t: Table) -> dict[str, Grup]:
    grup = {}
    for rec in t.records:
        if rec.get("kode"):
            grup[as_text(rec["kode"])] = Grup(as_text(rec["kode"]), as_text(rec.get("nama")),
                                              as_text(rec.get("jenis")), split_list(rec.get("anggota")))
    return grup


def _load_pokja(t: Table, grup_table: Table, units: dict[str, Unit], grup: dict[str, Grup],
                ck: Checker) -> dict[str, tuple[str, ...]]:
    """Pokja members per area; unknown units there and in Grup's member lists are reported."""
    pokja: dict[str, list[str]] = {}
    for rec, cells in zip(t.records, t.cells, strict=True):
        area, unit = as_text(rec.get("area_kode")), as_text(rec.get("unit_kode"))
        ck.area(S.POKJA.name, area, cells.get("area_kode", ""))
        if unit and unit not in units:
            ck.unknown_ref(S.POKJA.name, unit, cells.get("unit_kode", ""), "Unit")
        elif area and unit and unit not in pokja.setdefault(area, []):
            pokja[area].append(unit)
    for g_ in grup.values():
        for ref in g_.anggota:
            if ref not in units:
                row = next(i for i, r in enumerate(grup_table.records) if as_text(r.get("kode")) == g_.kode)
                ck.unknown_ref(S.GRUP.name, ref, grup_table.cells[row].get("anggota", ""), "Anggota (untuk DAFTAR)")
    return {k: tuple(v) for k, v in pokja.items()}


def _load_jadwal(t: Table, file: str, findings: list[Finding]) -> dict[tuple[int, str], dt.date]:
    jadwal: dict[tuple[int, str], dt.date] = {}
    for rec, cells in zip(t.records, t.cells, strict=True):
        tahun = parse_number(rec.get("tahun"))
        date = parse_date(rec.get("batas_waktu"))
        if rec.get("batas_waktu") is not None and date is None:
            findings.append(finding("MASTER_NOT_NUMBER", file=file, sheet=S.JADWAL.name,
                                    cell=cells["batas_waktu"], column="Batas Pengumpulan",
                                    value=rec.get("batas_waktu")))
        if tahun and date and rec.get("periode"):
            jadwal[(int(tahun), as_text(rec["periode"]))] = date
    return jadwal


def read_master(path: str | Path) -> tuple[Roadmap, list[Finding]]:
    """Load the master and refuse it when it has errors (the CLI's usual entry point)."""
    roadmap, findings = load_master(path)
    if roadmap is None or has_errors(findings):
        errors = [f for f in findings if f.severity == "error"]
        lines = "\n".join(f"  - {f.sheet} {f.cell}: {f.message}" for f in errors[:20])
        more = message("MASTER_MORE_ERRORS", count=len(errors) - 20) if len(errors) > 20 else ""
        raise MasterError(message("MASTER_HAS_ERRORS", path=path, count=len(errors), lines=lines, more=more))
    return roadmap, findings


def fingerprint(roadmap: Roadmap) -> str:
    """SHA-256 (16 hex) of what decides a workbook's content; e-mails and deadlines excluded."""
    content = {
        "units": [(u.kode, u.nama, u.singkatan, u.jenis, u.unit_pelayanan) for u in roadmap.units.values()],
        "areas": [asdict(a) for a in roadmap.areas.values()],
        "indikator": [asdict(i) for i in roadmap.indikator],
        "kegiatan": [asdict(k) for k in roadmap.kegiatan],
        "rencana_aksi": [asdict(r) for r in roadmap.rencana_aksi],
        "pokja": roadmap.pokja,
        "grup": [asdict(g) for g in roadmap.grup.values()],
        "pilihan": roadmap.pilihan,
    }
    if roadmap.instrumen:  # only then: a master without instruments keeps its fingerprint
        content["instrumen"] = [fingerprint_content(i) for i in roadmap.instrumen.values()]
        content["skala"] = roadmap.skala
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _status_roles(pil: Table, file: str, findings: list[Finding]) -> dict[str, dict[str, StatusRole]]:
    """What each status of the STATUS_* lists means, from the Pilihan sheet's Makna Status column.

    The code reasons with meanings, never with status names, so the master may rename a
    status; a list whose meanings are missing, unknown or repeated is an error, because the
    consistency checks and the summary counts would silently stop working.
    """
    known = ", ".join(StatusRole)
    roles: dict[str, dict[str, StatusRole]] = {name: {} for name in S.STATUS_LISTS}
    for rec, cells in zip(pil.records, pil.cells, strict=True):
        daftar, value = as_text(rec.get("daftar")), as_text(rec.get("nilai"))
        if daftar not in roles or not value:
            continue
        raw = as_text(rec.get("makna")).upper()
        if raw not in set(StatusRole):
            findings.append(finding("MASTER_STATUS_ROLE", file=file, sheet=S.PILIHAN.name,
                                    cell=cells.get("makna", cells.get("nilai", "")), value=value, label=daftar,
                                    choices=known, detail=raw or "kosong"))
            continue
        roles[daftar][value] = StatusRole(raw)
    for daftar, meaning in roles.items():
        used = list(meaning.values())
        missing = [r.value for r in StatusRole if r not in used]
        repeated = sorted({r.value for r in used if used.count(r) > 1})
        problems = ([f"tidak ada {', '.join(missing)}"] if missing else []) + (
            [f"lebih dari satu {', '.join(repeated)}"] if repeated else [])
        if problems and len(meaning) == sum(1 for r in pil.records if as_text(r.get("daftar")) == daftar):
            findings.append(finding("MASTER_STATUS_ROLES", file=file, sheet=S.PILIHAN.name, label=daftar,
                                    choices=known, detail="; ".join(problems)))
    return roles


def _years(settings: dict[str, str], file: str, findings: list[Finding]) -> tuple[int, ...]:
    try:
        first = int(parse_number(settings.get("tahun_mulai")) or S.YEARS_DEFAULT[0])
        last = int(parse_number(settings.get("tahun_selesai")) or S.YEARS_DEFAULT[-1])
        if not 2000 <= first <= last <= first + 20:
            raise ValueError
    except (TypeError, ValueError):
        findings.append(finding("MASTER_BAD_SETTING", file=file, sheet=S.PENGATURAN.name,
                                value="tahun_mulai/tahun_selesai", detail="harus dua tahun berurutan, misal 2022 dan 2026"))
        return S.YEARS_DEFAULT
    return tuple(range(first, last + 1))
