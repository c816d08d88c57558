"""What a consolidated period leaves in the riwayat store: its units' states, files, values and findings."""

from __future__ import annotations

import datetime as dt

from rbxl.checks.report import Report
from rbxl.consolidation.figures import figures
from rbxl.consolidation.tables import Tables
from rbxl.form.spec import SHEET_INDIKATOR, SHEET_KEGIATAN, SHEET_RA_PENDUKUNG, SHEET_RA_UTAMA
from rbxl.master.model import Roadmap
from rbxl.store import PeriodRecord


def _iso(v: dt.datetime | dt.date | None) -> str | None:
    return v.isoformat() if v else None


def area_index(roadmap: Roadmap) -> dict[tuple[str, str], str]:
    """(sheet, row key) -> area code, for every sheet whose rows belong to an area."""
    out = {}
    for ra in roadmap.rencana_aksi:
        out[(SHEET_RA_UTAMA, ra.kode)] = out[(SHEET_RA_PENDUKUNG, ra.kode)] = ra.area_kode
    for ind in roadmap.indikator:
        out[(SHEET_INDIKATOR, ind.kode)] = ind.area_kode
    for keg in roadmap.kegiatan:
        out[(SHEET_KEGIATAN, keg.kode)] = keg.area_kode
    return out


def period_record(report: Report, tables: Tables, roadmap: Roadmap) -> PeriodRecord:
    """The rows the store keeps for one consolidated period."""
    fig = figures(tables, roadmap)
    units = []
    for u in tables.unit:
        f = fig.unit(u["unit"])
        units.append({"unit": u["unit"], "nama": u.get("nama", ""), "jenis": u.get("jenis", ""),
                      "dikumpulkan": f.dikumpulkan, "data_dipakai": f.data_dipakai, "keadaan": f.putusan,
                      "berkas": f.berkas, "waktu_kirim": f.disimpan or None, "batas_waktu": _iso(fig.batas_waktu),
                      "ketepatan": f.kepatuhan})
    berkas = [{"unit": s.unit, "sumber": s.item.source, "nama_berkas": s.item.name, "sha256": s.item.sha256,
               "putusan": s.verdict, "disimpan": _iso(s.saved_at), "diterima": _iso(s.item.mtime),
               "sidik_master": s.master} for s in report.submissions]
    areas = area_index(roadmap)

    def values():
        for unit, sub in report.chosen.items():
            for (sheet, key, fld), v in sub.values.items():
                if v is None or v == "":
                    continue
                yield unit, sheet, key, fld, areas.get((sheet, key), ""), v

    return PeriodRecord(report.tahun, report.periode, roadmap.fingerprint, roadmap.source, units, berkas, values(),
                        list(tables.temuan))
