"""The trend view: one computed picture of a year's history from the riwayat store.

    from rbxl.store import open_store
    from rbxl.riwayat.trend import history
    with open_store("output/rbxl.sqlite", create=False) as store:
        h = history(store, roadmap, 2023)            # every stored period of 2023
        h = history(store, roadmap, 2023, upto="TW2")  # ... up to and including TW2
    h.periods        # [PeriodPoint(tahun, periode, label, sidik_master, master_changed)]
    h.mean_progress  # Pemda mean progress (PD utama rows) per period, aligned with h.periods
    h.areas          # [AreaSeries(kode, nama, progres=[... per period])]
    h.units          # [UnitSeries(unit, nama, progres=[...], ketepatan=[...], n_selesai=[...])]
    h.punctuality    # {state: [n units per period]} over figures.KEPATUHAN_STATES (on time, late, unknown,
                     #  rejected file, not returned): the same judgement as the laporan's
    h.status_counts  # {'Selesai': [n PD utama rows per period], ...} in the master's STATUS_AKSI order
    h.indikator      # [IndicatorSeries(kode, nama, ..., riwayat={2017: v}, baseline, realisasi={2022: v},
                     #                  target={2022: v}, sumber={2022: 'TW4'}, target_value={2022: 70.2},
                     #                  capaian={2022: 98.5}, status={2022: 'Belum tercapai'})]
    h.rows           # [RowSeries(kode, unit, area_kode, progres=[...], status=[...])]: each PD utama row

    h = load_history(Path("output/rbxl.sqlite"), roadmap, 2023)  # None when there is no store yet
    before, states = previous_states(store, 2023, "TW2")  # 'TW1', {unit: punctuality in TW1}

Like rbxl.consolidation.figures for one period, every rendering (the Tren and Tahunan sheets, the report,
the dashboard) lays these numbers out and computes none of its own. A mean is the mean of the
numeric values (AVERAGEIFS), None where there are none, never 0. `master_changed` marks a
period consolidated with another master than the stored period before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rbxl.consolidation.figures import KEPATUHAN_STATES as PUNCTUALITY
from rbxl.consolidation.tables import status_capaian
from rbxl.core.enums import Period, StatusRole
from rbxl.core.formulas import capaian_value
from rbxl.form.spec import SHEET_INDIKATOR, SHEET_RA_UTAMA, periode_label
from rbxl.master.model import Indikator, Roadmap, number_of
from rbxl.master.schema import LIST_STATUS_AKSI
from rbxl.store import Store, untyped


@dataclass(frozen=True)
class PeriodPoint:
    tahun: int
    periode: str
    label: str
    sidik_master: str
    master_changed: bool  # consolidated with another master than the stored period before it


@dataclass(frozen=True)
class AreaSeries:
    kode: str
    nama: str
    progres: list[float | None]


@dataclass(frozen=True)
class UnitSeries:
    unit: str
    nama: str
    progres: list[float | None]
    ketepatan: list[str]  # punctuality per period; '' where the unit had no row in that period
    n_selesai: list[int]


@dataclass(frozen=True)
class RowSeries:
    """One rencana aksi row of one PD utama across the year's periods."""

    kode: str
    unit: str
    area_kode: str
    progres: list[float | None]
    status: list[str]

    @property
    def final_status(self) -> str:
        return next((s for s in reversed(self.status) if s), "")


@dataclass(frozen=True)
class IndicatorSeries:
    kode: str
    nama: str
    satuan: str
    arah: str
    area_kode: str
    riwayat: dict[int, object]  # the Perbup's history (Riwayat sheet) for an indicator of the same name
    baseline: object
    realisasi: dict[int, object]  # year -> the latest reported realisation of that year
    sumber: dict[int, str]  # year -> the period it came from
    target: dict[int, object]  # the master's cell as typed ('70,2 BB')
    # Per year, as the template and the Indikator sheet judge it: the target the template shows
    # (number, or category text; '' where none), the year's capaian of its latest realisation
    # (None: no data) and Tercapai / Belum tercapai / Belum ada data.
    target_value: dict[int, float | str] = field(default_factory=dict)
    capaian: dict[int, float | None] = field(default_factory=dict)
    status: dict[int, str] = field(default_factory=dict)


@dataclass
class History:
    tahun: int
    periods: list[PeriodPoint]
    mean_progress: list[float | None]
    areas: list[AreaSeries]
    units: list[UnitSeries]
    punctuality: dict[str, list[int]]
    indikator: list[IndicatorSeries]
    rows: list[RowSeries] = field(default_factory=list)
    years: tuple[int, ...] = ()
    status_counts: dict[str, list[int]] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [p.periode for p in self.periods]

    def area(self, kode: str) -> AreaSeries:
        return next(a for a in self.areas if a.kode == kode)

    def unit(self, kode: str) -> UnitSeries:
        return next(u for u in self.units if u.unit == kode)


def target_value(ind: Indikator, tahun: int) -> float | str:
    """A year's target as the template shows it: the number, or the category text ('' for none)."""
    if ind.is_kategori:
        return ind.target_text(tahun) or ""
    n = number_of(ind.targets.get(tahun))
    return "" if n is None else n


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def history(store: Store, roadmap: Roadmap, tahun: int, upto: str | None = None) -> History:
    """The year's trend from the store; `upto` stops at that period (inclusive)."""
    limit = Period(upto).rank if upto else 99
    every = store.periods()
    periods, before = [], None
    for p in every:
        if p.tahun == tahun and p.urutan <= limit:
            periods.append(PeriodPoint(p.tahun, p.periode, periode_label(p.tahun, p.periode), p.sidik_master,
                                       before is not None and before.sidik_master != p.sidik_master))
        before = p
    index = {p.periode: i for i, p in enumerate(periods)}
    n = len(periods)

    by_area: dict[str, list[list[float]]] = {}
    by_unit: dict[str, list[list[float]]] = {}
    overall: list[list[float]] = [[] for _ in range(n)]
    rows: dict[tuple[str, str], dict] = {}
    for r in store.values(tahun=tahun, lembar=SHEET_RA_UTAMA):
        i = index.get(r["periode"])
        if i is None or r["kolom"] not in ("progres", "status"):
            continue
        row = rows.setdefault((r["kode"], r["unit"]), {"area": r["area_kode"], "progres": [None] * n,
                                                       "status": [""] * n})
        if r["kolom"] == "status":
            row["status"][i] = r["teks"] or ""
            continue
        v = r["angka"]
        if v is None:
            continue
        row["progres"][i] = v
        by_area.setdefault(r["area_kode"], [[] for _ in range(n)])[i].append(v)
        by_unit.setdefault(r["unit"], [[] for _ in range(n)])[i].append(v)
        overall[i].append(v)

    states: dict[str, list[str]] = {}
    for s in store.unit_states(tahun):
        i = index.get(s["periode"])
        if i is not None:
            states.setdefault(s["unit"], [""] * n)[i] = s["ketepatan"]
    punctuality: dict[str, list[int]] = {k: [sum(st[i] == k for st in states.values()) for i in range(n)] for k in PUNCTUALITY}
    done = {u: [0] * n for u in states}
    for (_, unit), row in rows.items():
        for i, st in enumerate(row["status"]):
            if roadmap.status_role(st) == StatusRole.DONE:
                done.setdefault(unit, [0] * n)[i] += 1

    names = {u.kode: u.nama for u in roadmap.units.values()}
    unit_codes = list(roadmap.reporting_units()) + sorted(set(states) - set(roadmap.units))
    units = [UnitSeries(u, names.get(u, u), [_mean(v) for v in by_unit.get(u, [[] for _ in range(n)])],
                        states.get(u, [""] * n), done.get(u, [0] * n)) for u in unit_codes]
    areas = [AreaSeries(a.kode, a.nama, [_mean(v) for v in by_area.get(a.kode, [[] for _ in range(n)])])
             for a in roadmap.areas.values()]
    statuses = roadmap.statuses(LIST_STATUS_AKSI)
    status_counts = {s: [sum(r["status"][i] == s for r in rows.values()) for i in range(n)] for s in statuses}
    return History(tahun, periods, [_mean(v) for v in overall], areas, units, punctuality,
                   _indicators(store, roadmap, tahun, limit),
                   [RowSeries(k, u, r["area"], r["progres"], r["status"]) for (k, u), r in sorted(rows.items())],
                   tuple(roadmap.years), status_counts)


def load_history(db: Path, roadmap: Roadmap, tahun: int, upto: str | None = None) -> History | None:
    """`history` from the store file at `db`; None when the file does not exist yet."""
    from rbxl.store import open_store

    if not Path(db).is_file():
        return None
    with open_store(db, create=False) as store:
        return history(store, roadmap, tahun, upto)


def previous_states(store: Store, tahun: int, periode: str) -> tuple[str | None, dict[str, str]]:
    """The period just before `periode` in its year (when it was consolidated) and each unit's
    punctuality in it, as h.units[...].ketepatan holds it; (None, {}) when there is none."""
    from rbxl.consolidation.figures import previous_in_year
    stored = [p.periode for p in store.periods() if p.tahun == tahun and p.urutan < Period(periode).rank]
    before = previous_in_year(periode, stored)
    if before is None:
        return None, {}
    return before, {r["unit"]: r["ketepatan"] for r in store.unit_states(tahun) if r["periode"] == before}


def _indicators(store: Store, roadmap: Roadmap, tahun: int, limit: int) -> list[IndicatorSeries]:
    latest: dict[tuple[str, int], tuple[int, str, object]] = {}  # (kode, year) -> (rank, periode, value)
    for r in store.values(lembar=SHEET_INDIKATOR, kolom="realisasi"):
        if r["tahun"] > tahun or (r["tahun"] == tahun and r["urutan"] > limit):
            continue
        k = (r["kode"], r["tahun"])
        if k not in latest or r["urutan"] > latest[k][0]:
            latest[k] = (r["urutan"], r["periode"], untyped(r["tipe"], r["angka"], r["teks"]))
    history_by_name: dict[tuple[str, str], dict] = {}
    for rec in roadmap.riwayat:
        name = str(rec.get("indikator") or "").strip().casefold()
        history_by_name.setdefault((str(rec.get("area_kode") or ""), name), rec)
    out = []
    for ind in roadmap.indikator:
        rec = history_by_name.get((ind.area_kode, ind.nama.strip().casefold()), {})
        riwayat = {int(k[6:]): v for k, v in rec.items() if k.startswith("nilai_") and v not in (None, "")}
        real = {y: latest[(ind.kode, y)][2] for y in roadmap.years if (ind.kode, y) in latest}
        src = {y: latest[(ind.kode, y)][1] for y in roadmap.years if (ind.kode, y) in latest}
        targets = {y: target_value(ind, y) for y in roadmap.years}
        ordered = roadmap.choices(ind.daftar_kategori) if ind.is_kategori else None
        cap = {y: _or_none(capaian_value(targets[y], real.get(y, ""), ind.arah, ordered)) for y in roadmap.years}
        out.append(IndicatorSeries(ind.kode, ind.nama, ind.satuan, ind.arah, ind.area_kode, riwayat, ind.baseline,
                                   real, src, {y: ind.targets.get(y) for y in roadmap.years}, targets, cap,
                                   {y: status_capaian(c) for y, c in cap.items()}))
    return out


def _or_none(v: float | str) -> float | None:
    return None if v == "" else float(v)


def earlier_from(h: History, periode: str):
    """The period just before `periode` in the year, from the trend view, as the executive view
    compares with it (rbxl.consolidation.executive.Earlier); None when it was not consolidated."""
    from rbxl.consolidation.executive import Earlier
    from rbxl.consolidation.figures import NO_DATA_STATES, previous_in_year

    codes = h.labels
    before = previous_in_year(periode, [c for c in codes if Period(c).rank < Period(periode).rank]
                              if periode != Period.TAHUNAN else [c for c in codes if c != periode])
    if before is None:
        return None
    i = codes.index(before)
    return Earlier(before, h.mean_progress[i], {a.kode: a.progres[i] for a in h.areas},
                   frozenset(u.unit for u in h.units if u.ketepatan[i] in NO_DATA_STATES),
                   {(r.unit, r.kode): (r.progres[i], r.status[i]) for r in h.rows})
