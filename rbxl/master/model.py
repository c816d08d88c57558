"""The Roadmap: a typed, checked model of the master workbook (the Perbup's content)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.core.values import NO_VALUE, parse_graded, parse_number
from rbxl.master.schema import LIST_STATUS_AKSI, PERIODS

Raw = float | str | None  # a cell value as the administrator wrote it


@dataclass(frozen=True)
class Unit:
    kode: str
    nama: str
    singkatan: str
    jenis: str
    induk: str = ""
    email: str = ""
    unit_pelayanan: bool = False
    alias: tuple[str, ...] = ()
    catatan: str = ""

    @property
    def is_pd(self) -> bool:
        return self.jenis == "Perangkat Daerah"

    @property
    def kelompok(self) -> str:
        """The kind a report groups units by, so a chart of 47 units can be split into readable ones."""
        if not self.is_pd:
            return UNIT_GROUPS[2]
        return UNIT_GROUPS[1] if self.nama.casefold().startswith("kecamatan") else UNIT_GROUPS[0]


UNIT_GROUPS = ("Dinas, Badan, Sekretariat dan RSUD", "Kecamatan", "Bagian Setda")


@dataclass(frozen=True)
class Area:
    kode: str
    nama: str
    nama_lampiran: str
    sasaran: str
    program: str
    program_nama: str = ""


@dataclass(frozen=True)
class Indikator:
    kode: str
    tabel: str
    area_kode: str
    sasaran: str
    nama: str
    satuan: str
    jenis_nilai: str  # angka | persen | kategori | angka_predikat
    daftar_kategori: str
    arah: str  # naik | turun | sama
    nilai_min: float | None
    nilai_maks: float | None
    baseline: Raw
    targets: dict[int, Raw]
    penanggung_jawab: tuple[str, ...]
    dasar_penanggung_jawab: str = ""
    sama_dengan: str = ""
    sumber: str = ""
    catatan: str = ""
    nama_singkat: str = ""
    dasar_batas: str = ""

    @property
    def label(self) -> str:
        """The short name for charts, else the Perbup's full name."""
        return self.nama_singkat or self.nama

    def against_direction(self, tahun: int) -> float | None:
        """The year's target when it moves against the indicator's direction (below its 2021 value
        for one meant to rise, above it for one meant to fall), else None: the one rule `master
        periksa` warns by and the laporan repeats."""
        base, target = parse_number(self.baseline), parse_number(self.targets.get(tahun))
        arah = (self.arah or "naik").lower()
        if base is None or target is None or arah not in ("naik", "turun"):
            return None
        return target if (target < base if arah == "naik" else target > base) else None

    @property
    def is_kategori(self) -> bool:
        return self.jenis_nilai == "kategori"

    def target_number(self, tahun: int) -> float | None:
        return number_of(self.targets.get(tahun))

    def target_text(self, tahun: int) -> str | None:
        raw = self.targets.get(tahun)
        if raw is None or (isinstance(raw, str) and raw.strip() in NO_VALUE):
            return None
        return raw.strip() if isinstance(raw, str) else None


@dataclass(frozen=True)
class Kegiatan:
    kode: str
    tabel: str
    area_kode: str
    nama: str
    satuan: str
    baseline: Raw
    targets: dict[int, Raw]
    pengampu: tuple[str, ...]
    dasar_pengampu: str = ""
    sumber: str = ""
    catatan: str = ""


@dataclass(frozen=True)
class RencanaAksi:
    kode: str
    area_kode: str
    kelompok_kode: str
    kelompok: str
    kegiatan: str
    aksi: dict[int, str]
    pd_utama: tuple[str, ...]
    pd_pendukung: tuple[str, ...]
    sumber: str = ""
    catatan: str = ""

    def aksi_for(self, tahun: int) -> str | None:
        """The action text for a year, or None where the Perbup has a dash or nothing."""
        text = (self.aksi.get(tahun) or "").strip()
        return None if text in NO_VALUE else text


@dataclass(frozen=True)
class Grup:
    kode: str
    nama: str
    jenis: str  # SEMUA_PD | UNIT_PELAYANAN | POKJA_AREA | POKJA_SEMUA | DAFTAR
    anggota: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuickWin:
    kode: str
    nama: str
    area_kode: str
    sumber: str = ""
    catatan: str = ""


@dataclass(frozen=True)
class Bobot:
    """One line of the PMPRB weighting as the Perbup states it; parents sum their `induk` children."""
    kode: str
    induk: str
    komponen: str
    area_kode: str
    bobot: float | None
    sumber: str = ""
    catatan: str = ""


@dataclass
class Roadmap:
    """The checked content of the master workbook: units, areas, indicators, actions, lists."""

    settings: dict[str, str]
    years: tuple[int, ...]
    units: dict[str, Unit]
    areas: dict[str, Area]
    indikator: list[Indikator]
    kegiatan: list[Kegiatan]
    rencana_aksi: list[RencanaAksi]
    pokja: dict[str, tuple[str, ...]]
    grup: dict[str, Grup]
    pilihan: dict[str, list[str]]
    jadwal: dict[tuple[int, str], dt.date]
    riwayat: list[dict] = field(default_factory=list)
    pilihan_keterangan: dict[str, dict[str, str]] = field(default_factory=dict)  # list -> value -> meaning
    status_roles: dict[str, dict[str, StatusRole]] = field(default_factory=dict)  # STATUS_* list -> value -> role
    quick_wins: list[QuickWin] = field(default_factory=list)
    bobot: list[Bobot] = field(default_factory=list)
    instrumen: dict = field(default_factory=dict)  # kode -> rbxl.master.instrumen.Instrumen
    skala: dict[str, dict[str, float]] = field(default_factory=dict)  # scale -> answer -> value
    fingerprint: str = ""
    source: str = ""

    def instruments_for(self, unit: str, tahun: int, periode: str) -> list:
        """The instruments the unit answers in (tahun, periode), in master order."""
        return [i for i in self.instrumen.values()
                if i.asked(tahun, periode) and unit in self.resolve(i.pengisi)]

    def bobot_rincian(self, kode: str) -> float | None:
        """The sum of a weighting line's parts (None when it has none): computed, never typed."""
        parts = [b.bobot for b in self.bobot if b.induk == kode and b.bobot is not None]
        return sum(parts) if parts else None

    # --- groups -----------------------------------------------------------------------
    def resolve(self, refs: tuple[str, ...], area_kode: str = "") -> list[str]:
        """Unit codes named by refs (unit codes or group codes), in order, without repeats."""
        out: dict[str, None] = {}
        for ref in refs:
            out.update(dict.fromkeys(self._expand(ref, area_kode)))
        return list(out)

    def roles(self, unit: str) -> dict[str, set[str]]:
        """Row codes the unit leads, supports, and is responsible for (computed once per master)."""
        key = (self.fingerprint, id(self.units), len(self.units))
        if getattr(self, "_roles_key", None) != key:
            index: dict[str, dict[str, set[str]]] = {}

            def add(u: str, kind: str, code: str) -> None:
                index.setdefault(u, {"lead": set(), "support": set(), "indikator": set(), "kegiatan": set()})
                index[u][kind].add(code)

            for ra in self.rencana_aksi:
                for u in self.leads(ra):
                    add(u, "lead", ra.kode)
                for u in self.supports(ra):
                    add(u, "support", ra.kode)
            for ind in self.indikator:
                for u in self.resolve(ind.penanggung_jawab, ind.area_kode):
                    add(u, "indikator", ind.kode)
            for keg in self.kegiatan:
                for u in self.resolve(keg.pengampu, keg.area_kode):
                    add(u, "kegiatan", keg.kode)
            self._roles, self._roles_key = index, key
        return self._roles.get(unit, {"lead": set(), "support": set(), "indikator": set(), "kegiatan": set()})

    def _expand(self, ref: str, area_kode: str) -> list[str]:
        if ref in self.units:
            return [ref]
        grup = self.grup.get(ref)
        if grup is None:
            return []
        if grup.jenis == "SEMUA_PD":
            return [u.kode for u in self.units.values() if u.is_pd]
        if grup.jenis == "UNIT_PELAYANAN":
            return [u.kode for u in self.units.values() if u.unit_pelayanan]
        if grup.jenis == "POKJA_AREA":
            return list(self.pokja.get(area_kode, ()))
        if grup.jenis == "POKJA_SEMUA":  # every Pokja of Tabel 3.23, in Pokja order
            return list(dict.fromkeys(u for members in self.pokja.values() for u in members))
        return [c for c in grup.anggota if c in self.units]

    def leads(self, ra: RencanaAksi) -> list[str]:
        return self.resolve(ra.pd_utama, ra.area_kode)

    def supports(self, ra: RencanaAksi) -> list[str]:
        """Supporting units, minus those that lead the row (they report in full already)."""
        lead = set(self.leads(ra))
        return [u for u in self.resolve(ra.pd_pendukung, ra.area_kode) if u not in lead]

    def describe_refs(self, refs: tuple[str, ...]) -> str:
        names = []
        for ref in refs:
            if ref in self.units:
                names.append(self.units[ref].singkatan or self.units[ref].nama)
            elif ref in self.grup:
                names.append(self.grup[ref].nama)
            else:
                names.append(ref)
        return "; ".join(names)

    # --- look-ups ----------------------------------------------------------------------
    def unit(self, kode: str) -> Unit:
        try:
            return self.units[kode]
        except KeyError:
            raise UsageError(message("UNIT_UNKNOWN", kode=kode)) from None

    def check_period(self, tahun: int, periode: str) -> None:
        if tahun not in self.years:
            raise UsageError(message("YEAR_OUTSIDE", tahun=tahun, first=self.years[0], last=self.years[-1]))
        if periode not in PERIODS:
            raise UsageError(message("PERIOD_UNKNOWN", periode=periode, choices=", ".join(PERIODS)))

    def choices(self, name: str) -> list[str]:
        return self.pilihan.get(name, [])

    def status_role(self, value: object, daftar: str = LIST_STATUS_AKSI) -> StatusRole | None:
        """What a status typed by a unit means (None: blank or not in the list)."""
        return self.status_roles.get(daftar, {}).get(value) if isinstance(value, str) else None

    def status_named(self, role: StatusRole, daftar: str = LIST_STATUS_AKSI) -> str:
        """The master's name for a meaning, e.g. DONE -> 'Selesai'."""
        return next(v for v, r in self.status_roles.get(daftar, {}).items() if r == role)

    def statuses(self, daftar: str = LIST_STATUS_AKSI) -> list[str]:
        """The list's status names in STATUS_ORDER (done, in progress, not started, cannot)."""
        return [self.status_named(role, daftar) for role in STATUS_ORDER]

    def reporting_units(self) -> list[str]:
        """Units that receive a workbook: every unit with at least one row in any year."""
        return list(self.units)


def number_of(raw: Raw) -> float | None:
    """The numeric part of a master value ('70,2 BB' -> 70.2, '-' -> None)."""
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip() in NO_VALUE:
        return None
    return parse_graded(raw)[0] if isinstance(raw, str) else parse_number(raw)
