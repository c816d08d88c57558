"""Load the master workbook by header names, check every cell, and build the Roadmap.

`load_master(path)` returns the Roadmap (or None when errors make it unusable) and the list
of findings; `read_master(path)` raises MasterError unless the master is free of errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from rbxl.core.address import parse_addresses
from rbxl.core.enums import StatusRole
from rbxl.core.errors import MasterError
from rbxl.core.findings import Finding, finding, has_errors
from rbxl.core.values import (
    NO_VALUE,
    as_text,
    format_number,
    parse_date,
    parse_graded,
    parse_number,
)
from rbxl.core.xlsx import cell_name
from rbxl.master import schema as S
from rbxl.master.model import (
    Area,
    Bobot,
    Grup,
    Indikator,
    Kegiatan,
    QuickWin,
    RencanaAksi,
    Roadmap,
    Unit,
    number_of,
)

MASTER_NAME = "roadmap-rb-blora-2022-2026.xlsx"
DEFAULT_MASTER = Path("master") / MASTER_NAME


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


class _Table:
    """One master sheet read into records keyed by schema field names, remembering cells."""

    def __init__(self, sheet: S.Sheet, grid: list[list], years: tuple[int, ...], file: str,
                 findings: list[Finding]):
        self.sheet = sheet
        self.years = years
        self.records: list[dict] = []
        self.cells: list[dict[str, str]] = []  # field -> A1 address, per record
        self.rows: list[int] = []  # 1-based sheet row per record
        header = grid[0] if grid else []
        index = {S.norm_header(h): i for i, h in enumerate(header) if not S.is_blank_header(h)}
        positions: dict[str, int] = {}
        for col, year in sheet.expanded(years):
            name = S.header_of(col, year)
            pos = index.get(S.norm_header(name))
            if pos is None:
                if year is not None:
                    findings.append(finding("MASTER_YEAR_COLUMN_MISSING", file=file, sheet=sheet.name,
                                            cell="1", column=name, tahun=year))
                elif col.required:
                    findings.append(finding("MASTER_COLUMN_MISSING", file=file, sheet=sheet.name,
                                            cell="1", column=name))
                continue
            positions[S.field_of(col, year)] = pos
        for r, row in enumerate(grid[1:], start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            rec, cells = {}, {}
            for key, pos in positions.items():
                v = row[pos] if pos < len(row) else None
                if isinstance(v, str):
                    v = v.strip().replace("\r\n", "\n")
                    v = v or None
                rec[key] = v
                cells[key] = cell_name(r, pos)
            self.records.append(rec)
            self.cells.append(cells)
            self.rows.append(r + 1)


def load_master(path: str | Path) -> tuple[Roadmap | None, list[Finding]]:
    """Read and check the master; the Roadmap is None when a sheet or column is missing."""
    path = Path(path)
    file = path.name
    if not path.exists():
        raise MasterError(f"Master tidak ditemukan: {path}. Gunakan --master untuk menunjuk berkasnya.")
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        grids = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in names}
    except Exception as err:  # calamine raises several unrelated types
        raise MasterError(f"Master {path} tidak dapat dibuka sebagai lembar kerja: {err}") from err
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
        t = _Table(S.PENGATURAN, g, (), file, findings)
        settings = {as_text(r["kunci"]): as_text(r.get("nilai")) for r in t.records if r.get("kunci")}
    years = _years(settings, file, findings)

    tables: dict[str, _Table] = {}
    for sheet in S.SHEETS[1:]:
        g = grid_of(sheet)
        if g is not None:
            yrs = S.RIWAYAT_YEARS if sheet is S.RIWAYAT else years
            tables[sheet.name] = _Table(sheet, g, yrs, file, findings)
    if len(tables) < len(S.SHEETS) - 1 or has_errors(findings):
        return None, findings

    ck = _Checker(file, findings)
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

def _load_pilihan(pil: _Table) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """The lists in their Urutan order, and each value's Keterangan."""
    pilihan: dict[str, list[tuple[float, str]]] = {}
    meanings: dict[str, dict[str, str]] = {}
    for rec in pil.records:
        if rec.get("daftar") and rec.get("nilai") is not None:
            order = parse_number(rec.get("urutan"))
            pilihan.setdefault(as_text(rec["daftar"]), []).append((order or 0.0, as_text(rec["nilai"])))
            meanings.setdefault(as_text(rec["daftar"]), {})[as_text(rec["nilai"])] = as_text(rec.get("keterangan"))
    return {k: [v for _, v in sorted(vs, key=lambda x: x[0])] for k, vs in pilihan.items()}, meanings


def _load_units(t: _Table, file: str, findings: list[Finding]) -> dict[str, Unit]:
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
            alias=_split(rec.get("alias")), catatan=as_text(rec.get("catatan")))
    return units


def _load_areas(t: _Table) -> dict[str, Area]:
    areas = {}
    for rec in t.records:
        if rec.get("kode"):
            areas[as_text(rec["kode"])] = Area(
                kode=as_text(rec["kode"]), nama=as_text(rec.get("nama")),
                nama_lampiran=as_text(rec.get("nama_lampiran")) or as_text(rec.get("nama")),
                sasaran=as_text(rec.get("sasaran")), program=as_text(rec.get("program")),
                program_nama=as_text(rec.get("program_nama")))
    return areas


def _load_grup(t: _Table) -> dict[str, Grup]:
    grup = {}
    for rec in t.records:
        if rec.get("kode"):
            grup[as_text(rec["kode"])] = Grup(as_text(rec["kode"]), as_text(rec.get("nama")),
                                              as_text(rec.get("jenis")), _split(rec.get("anggota")))
    return grup


def _load_pokja(t: _Table, grup_table: _Table, units: dict[str, Unit], grup: dict[str, Grup],
                ck: _Checker) -> dict[str, tuple[str, ...]]:
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


def _load_jadwal(t: _Table, file: str, findings: list[Finding]) -> dict[tuple[int, str], dt.date]:
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
        more = f"\n  ... dan {len(errors) - 20} lagi" if len(errors) > 20 else ""
        raise MasterError(f"Master {path} mengandung {len(errors)} kesalahan; jalankan "
                          f"'rbxl master check' untuk daftar lengkap.\n{lines}{more}")
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
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _split(v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    return tuple(p.strip() for p in str(v).replace("\n", ";").replace(",", ";").split(";") if p.strip())


def _status_roles(pil: _Table, file: str, findings: list[Finding]) -> dict[str, dict[str, StatusRole]]:
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


class _Checker:
    """Cell checks shared by the sheets; appends findings with sheet and cell."""

    def __init__(self, file: str, findings: list[Finding]):
        self.file = file
        self.findings = findings
        self.lists: dict[str, list[str]] = {}
        self.known_refs: set[str] = set()
        self.units: set[str] = set()
        self.areas: set[str] = set()

    def add(self, code: str, sheet: str, cell: str, **kw) -> None:
        self.findings.append(finding(code, file=self.file, sheet=sheet, cell=cell, **kw))

    def required_and_unique(self, t: _Table) -> None:
        seen: dict[str, int] = {}
        for rec, cells, row in zip(t.records, t.cells, t.rows, strict=True):
            for col, year in t.sheet.expanded(t.years):
                key = S.field_of(col, year)
                if col.required and key in cells and rec.get(key) is None:
                    self.add("MASTER_REQUIRED", t.sheet.name, cells[key], column=S.header_of(col, year))
            if t.sheet.key and rec.get(t.sheet.key) is not None:
                k = as_text(rec[t.sheet.key])
                if k in seen:
                    self.add("MASTER_DUPLICATE", t.sheet.name, cells[t.sheet.key], value=k, other_row=seen[k])
                else:
                    seen[k] = row

    def choices(self, t: _Table) -> None:
        for rec, cells in zip(t.records, t.cells, strict=True):
            for col in t.sheet.columns:
                if col.kind != S.CHOICE or rec.get(col.key) is None:
                    continue
                allowed = self.lists.get(col.choices, [])
                value = as_text(rec[col.key])
                if value not in allowed:
                    self.add("MASTER_BAD_CHOICE", t.sheet.name, cells[col.key], value=value,
                             column=col.header, choices=", ".join(allowed) or col.choices)

    def numbers(self, t: _Table) -> None:
        for rec, cells in zip(t.records, t.cells, strict=True):
            for col in t.sheet.columns:
                v = rec.get(col.key)
                if col.kind == S.NUMBER and v is not None and parse_number(v) is None:
                    self.add("MASTER_NOT_NUMBER", t.sheet.name, cells[col.key], column=col.header, value=v)

    def unknown_ref(self, sheet: str, value: str, cell: str, column: str) -> None:
        self.add("MASTER_UNKNOWN_REF", sheet, cell, value=value, column=column)

    def refs(self, sheet: str, rec: dict, cells: dict, key: str, header: str) -> tuple[str, ...]:
        refs = _split(rec.get(key))
        for ref in refs:
            if ref not in self.known_refs:
                self.unknown_ref(sheet, ref, cells.get(key, ""), header)
        return refs

    def area(self, sheet: str, value: str, cell: str) -> None:
        if value and value not in self.areas:
            self.add("MASTER_UNKNOWN_AREA", sheet, cell, value=value)

    def value(self, sheet: str, rec: dict, cells: dict, key: str, header: str, jenis: str,
              kategori: list[str] | None) -> None:
        v = rec.get(key)
        if v is None or (isinstance(v, str) and v.strip() in NO_VALUE):
            return
        if jenis == "kategori":
            if as_text(v) not in (kategori or []):
                self.add("MASTER_BAD_CHOICE", sheet, cells[key], value=v, column=header,
                         choices=", ".join(kategori or []))
            return
        if jenis == "angka_predikat":
            number, grade = parse_graded(v)
            if number is None:
                self.add("MASTER_NOT_NUMBER", sheet, cells[key], column=header, value=v)
            elif grade is not None and kategori and grade not in kategori:
                self.add("MASTER_BAD_CHOICE", sheet, cells[key], value=grade, column=header,
                         choices=", ".join(kategori))
            return
        if parse_number(v) is None:
            self.add("MASTER_NOT_NUMBER", sheet, cells[key], column=header, value=v)

    def _targets(self, sheet: S.Sheet, rec, cells, years, label, jenis, kategori) -> dict[int, object]:
        out = {}
        for y in years:
            key = f"target_{y}"
            self.value(sheet.name, rec, cells, key, f"Target {y}", jenis, kategori)
            out[y] = rec.get(key)
            if key in cells and rec.get(key) is None:
                note = as_text(rec.get("catatan"))
                self.add("MASTER_TARGET_EMPTY", sheet.name, cells[key], tahun=y, label=label,
                         detail=f"Catatan master: {note}" if note else "Isi target atau beri catatan.")
        return out

    def indikator(self, rec: dict, cells: dict, years) -> Indikator:
        sheet = S.INDIKATOR
        jenis = as_text(rec.get("jenis_nilai"))
        daftar = as_text(rec.get("daftar_kategori"))
        if daftar and daftar not in self.lists:
            self.add("MASTER_UNKNOWN_LIST", sheet.name, cells.get("daftar_kategori", ""), value=daftar)
        kategori = self.lists.get(daftar)
        self.area(sheet.name, as_text(rec.get("area_kode")), cells.get("area_kode", ""))
        label = f"{as_text(rec.get('kode'))} {as_text(rec.get('indikator'))}"
        self.value(sheet.name, rec, cells, "baseline", "Baseline", jenis, kategori)
        targets = self._targets(sheet, rec, cells, years, label, jenis, kategori)
        return Indikator(
            kode=as_text(rec.get("kode")), tabel=as_text(rec.get("tabel")), area_kode=as_text(rec.get("area_kode")),
            sasaran=as_text(rec.get("sasaran")), nama=as_text(rec.get("indikator")), satuan=as_text(rec.get("satuan")),
            jenis_nilai=jenis, daftar_kategori=daftar, arah=as_text(rec.get("arah")) or "naik",
            nilai_min=parse_number(rec.get("nilai_min")), nilai_maks=parse_number(rec.get("nilai_maks")),
            baseline=rec.get("baseline"), targets=targets,
            penanggung_jawab=self.refs(sheet.name, rec, cells, "penanggung_jawab", "Penanggung Jawab"),
            dasar_penanggung_jawab=as_text(rec.get("dasar_penanggung_jawab")),
            sama_dengan=as_text(rec.get("sama_dengan")), sumber=as_text(rec.get("sumber")),
            catatan=as_text(rec.get("catatan")), nama_singkat=as_text(rec.get("nama_singkat")),
            dasar_batas=as_text(rec.get("dasar_batas")))

    def kegiatan(self, rec: dict, cells: dict, years) -> Kegiatan:
        sheet = S.KEGIATAN
        self.area(sheet.name, as_text(rec.get("area_kode")), cells.get("area_kode", ""))
        label = f"{as_text(rec.get('kode'))} {as_text(rec.get('kegiatan'))}"
        self.value(sheet.name, rec, cells, "baseline", "Baseline", "angka", None)
        targets = self._targets(sheet, rec, cells, years, label, "angka", None)
        return Kegiatan(
            kode=as_text(rec.get("kode")), tabel=as_text(rec.get("tabel")), area_kode=as_text(rec.get("area_kode")),
            nama=as_text(rec.get("kegiatan")), satuan=as_text(rec.get("satuan")), baseline=rec.get("baseline"),
            targets=targets, pengampu=self.refs(sheet.name, rec, cells, "pengampu", "SKPD Pengampu"),
            dasar_pengampu=as_text(rec.get("dasar_pengampu")), sumber=as_text(rec.get("sumber")),
            catatan=as_text(rec.get("catatan")))

    def rencana_aksi(self, rec: dict, cells: dict, years) -> RencanaAksi:
        sheet = S.RENCANA_AKSI
        self.area(sheet.name, as_text(rec.get("area_kode")), cells.get("area_kode", ""))
        return RencanaAksi(
            kode=as_text(rec.get("kode")), area_kode=as_text(rec.get("area_kode")),
            kelompok_kode=as_text(rec.get("kelompok_kode")), kelompok=as_text(rec.get("kelompok")),
            kegiatan=as_text(rec.get("kegiatan")), aksi={y: as_text(rec.get(f"aksi_{y}")) for y in years},
            pd_utama=self.refs(sheet.name, rec, cells, "pd_utama", "PD Utama"),
            pd_pendukung=self.refs(sheet.name, rec, cells, "pd_pendukung", "PD Pendukung"),
            sumber=as_text(rec.get("sumber")), catatan=as_text(rec.get("catatan")))

    def bobot(self, t: _Table) -> list[Bobot]:
        sheet = S.BOBOT_PMPRB.name
        codes = {as_text(r.get("kode")) for r in t.records}
        out = []
        for rec, cells in zip(t.records, t.cells, strict=True):
            induk = as_text(rec.get("induk"))
            if induk and induk not in codes:
                self.add("MASTER_UNKNOWN_PARENT", sheet, cells.get("induk", ""), value=induk)
            self.area(sheet, as_text(rec.get("area_kode")), cells.get("area_kode", ""))
            out.append(Bobot(kode=as_text(rec.get("kode")), induk=induk, komponen=as_text(rec.get("komponen")),
                             area_kode=as_text(rec.get("area_kode")), bobot=parse_number(rec.get("bobot")),
                             sumber=as_text(rec.get("sumber")), catatan=as_text(rec.get("catatan"))))
        return out

    def weight_sums(self, roadmap: Roadmap, t: _Table) -> None:
        """A stated weight against the sum of its parts, and a part named twice under one parent."""
        sheet = S.BOBOT_PMPRB.name
        for b, cells in zip(roadmap.bobot, t.cells, strict=True):
            total = roadmap.bobot_rincian(b.kode)
            if b.bobot is not None and total is not None and abs(total - b.bobot) > 1e-9:
                self.add("MASTER_WEIGHT_SUM", sheet, cells.get("bobot", ""), label=f"{b.kode} {b.komponen}",
                         stated=b.bobot, total=total,
                         detail=f"Catatan master: {b.catatan}" if b.catatan else "Periksa rinciannya.")
        seen: dict[tuple[str, str], int] = {}
        for b, cells, row in zip(roadmap.bobot, t.cells, t.rows, strict=True):
            key = (b.induk, re.sub(r"\s+", " ", b.komponen).strip().casefold())
            if not b.induk:
                continue
            if key in seen:
                parent = next((p for p in roadmap.bobot if p.kode == b.induk), None)
                self.add("MASTER_WEIGHT_REPEAT", sheet, cells.get("komponen", ""), value=b.komponen,
                         label=f"{b.induk} {parent.komponen if parent else ''}".strip(), other_row=seen[key])
            else:
                seen[key] = row

    def grade_bands(self, indikator: list[Indikator], t: _Table, meanings: dict[str, dict[str, str]],
                    years) -> None:
        """A graded value ('80 A') whose number falls in another grade's band in the Pilihan sheet."""
        for ind, cells in zip(indikator, t.cells, strict=True):
            if ind.jenis_nilai != "angka_predikat":
                continue
            bands = parse_bands(meanings.get(ind.daftar_kategori, {}))
            for key, header, raw in [("baseline", "Baseline", ind.baseline)] + [
                    (f"target_{y}", f"Target {y}", ind.targets.get(y)) for y in years]:
                if not isinstance(raw, str):
                    continue
                number, grade = parse_graded(raw)
                if number is None or grade is None or grade not in bands:
                    continue
                expected = next((g for g, band in bands.items() if _in_band(number, band)), None)
                if expected and expected != grade:
                    low, high, open_low = bands[grade]
                    self.add("MASTER_GRADE_BAND", S.INDIKATOR.name, cells.get(key, ""), value=raw, column=header,
                             label=f"{ind.kode} {ind.nama}", number=number, expected=expected, grade=grade,
                             detail=f"{grade} = {'> ' if open_low else ''}{format_number(low)} - "
                                    f"{format_number(high)}")

    def links(self, indikator: list[Indikator], years, cells: dict[str, str]) -> None:
        by_code = {i.kode: i for i in indikator}
        for i in indikator:
            if not i.sama_dengan:
                continue
            other = by_code.get(i.sama_dengan)
            if other is None:
                self.add("MASTER_UNKNOWN_LINK", S.INDIKATOR.name, cells.get(i.kode, ""), value=i.sama_dengan,
                         column="Sama Dengan")
                continue
            diffs = []
            if number_of(i.baseline) != number_of(other.baseline):
                diffs.append(f"baseline {_shown(i.baseline)} vs {_shown(other.baseline)}")
            for y in years:
                a, b = i.targets.get(y), other.targets.get(y)
                if (number_of(a), _grade(a)) != (number_of(b), _grade(b)) and not (
                        number_of(a) == number_of(b) and (_grade(a) is None or _grade(b) is None)):
                    diffs.append(f"{y}: {_shown(a)} vs {_shown(b)}")
            if diffs:
                self.add("MASTER_LINK_DIFFERS", S.INDIKATOR.name, cells.get(i.kode, ""), value=i.kode,
                         label=f"{i.kode} {i.nama} ({i.tabel})", other=other.kode, other_table=other.tabel,
                         detail="; ".join(diffs))


def parse_bands(meanings: dict[str, str]) -> dict[str, tuple[float, float, bool]]:
    """Grade -> (low, high, low excluded) from Pilihan descriptions such as '> 80 - 90' or '0 - 30'."""
    out = {}
    for grade, text in meanings.items():
        m = re.fullmatch(r"\s*(>)?\s*(\d+(?:[.,]\d+)?)\s*-\s*(\d+(?:[.,]\d+)?)\s*", text or "")
        if m:
            out[grade] = (parse_number(m[2]), parse_number(m[3]), bool(m[1]))
    return out


def _in_band(number: float, band: tuple[float, float, bool]) -> bool:
    low, high, open_low = band
    return (number > low if open_low else number >= low) and number <= high


def _shown(raw: object) -> str:
    return format_number(raw) if isinstance(raw, float) else as_text(raw)


def _grade(raw: object) -> str | None:
    return parse_graded(raw)[1] if isinstance(raw, str) else None
