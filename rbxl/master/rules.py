"""The cell rules of the master: required and unique keys, choices, numbers, references,
targets, weights, grade bands and links; each problem a finding with sheet and cell."""

from __future__ import annotations

import re

from rbxl.core.findings import Finding, finding
from rbxl.core.values import (
    NO_VALUE,
    as_text,
    format_number,
    parse_graded,
    parse_number,
)
from rbxl.master import schema as S
from rbxl.master.model import (
    Bobot,
    Indikator,
    Kegiatan,
    RencanaAksi,
    Roadmap,
    number_of,
)
from rbxl.master.table import Table, split_list


class Checker:
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

    def required_and_unique(self, t: Table) -> None:
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

    def choices(self, t: Table) -> None:
        for rec, cells in zip(t.records, t.cells, strict=True):
            for col in t.sheet.columns:
                if col.kind != S.CHOICE or rec.get(col.key) is None:
                    continue
                allowed = self.lists.get(col.choices, [])
                value = as_text(rec[col.key])
                if value not in allowed:
                    self.add("MASTER_BAD_CHOICE", t.sheet.name, cells[col.key], value=value,
                             column=col.header, choices=", ".join(allowed) or col.choices)

    def numbers(self, t: Table) -> None:
        for rec, cells in zip(t.records, t.cells, strict=True):
            for col in t.sheet.columns:
                v = rec.get(col.key)
                if col.kind == S.NUMBER and v is not None and parse_number(v) is None:
                    self.add("MASTER_NOT_NUMBER", t.sheet.name, cells[col.key], column=col.header, value=v)

    def unknown_ref(self, sheet: str, value: str, cell: str, column: str) -> None:
        self.add("MASTER_UNKNOWN_REF", sheet, cell, value=value, column=column)

    def refs(self, sheet: str, rec: dict, cells: dict, key: str, header: str) -> tuple[str, ...]:
        refs = split_list(rec.get(key))
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
        ind = Indikator(
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
        for y in years:  # a target that moves against the direction: said once, at its cell
            if (t := ind.against_direction(y)) is not None:
                self.add("MASTER_TARGET_AGAINST_DIRECTION", sheet.name, cells.get(f"target_{y}", ""), label=label,
                         tahun=y, value=format_number(t), detail=format_number(parse_number(ind.baseline)),
                         arah=ind.arah)
                break
        return ind

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

    def bobot(self, t: Table) -> list[Bobot]:
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

    def weight_sums(self, roadmap: Roadmap, t: Table) -> None:
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

    def grade_bands(self, indikator: list[Indikator], t: Table, meanings: dict[str, dict[str, str]],
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
