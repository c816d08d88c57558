"""Consolidation: one accepted submission per unit -> tidy tables over all units.

Every expected row appears once per reporting unit, with the unit's values where its file
was used and 'Belum mengumpulkan' where it was not, so nothing is averaged as zero.
"""

from __future__ import annotations

from rbxl.checks.report import Report
from rbxl.checks.submission import Submission
from rbxl.consolidation.tables import (
    NOT_RETURNED,
    REJECTED_FILE,
    Tables,
    status_capaian,
)
from rbxl.core.enums import Role, Severity, Verdict
from rbxl.core.findings import Finding
from rbxl.core.values import capaian, capaian_kategori
from rbxl.form.spec import (
    IDENTITAS_INPUTS,
    SHEET_IDENTITAS,
    SHEET_INDIKATOR,
    SHEET_KEGIATAN,
    SHEET_RA_PENDUKUNG,
    SHEET_RA_UTAMA,
    FormSpec,
    plan,
)
from rbxl.master.model import Roadmap


def consolidate(report: Report, roadmap: Roadmap) -> Tables:
    """The tidy tables of a validated period (reads the chosen files' values, writes nothing)."""
    t = Tables(report.tahun, report.periode)
    rejected_units = {s.unit for s in report.submissions if s.unit and s.verdict == Verdict.REJECTED}
    specs: dict[str, FormSpec] = {u: plan(roadmap, u, report.tahun, report.periode) for u in report.expected}
    t.lists = {k: v for spec in specs.values() for k, v in spec.lists.items()}
    for unit in report.expected:
        spec = specs[unit]
        sub = report.chosen.get(unit)
        state = sub.verdict if sub else (REJECTED_FILE if unit in rejected_units else NOT_RETURNED)
        _rows(t, roadmap, spec, sub, state)
        u = roadmap.units[unit]
        t.unit.append({"unit": unit, "singkatan": u.singkatan or unit, "nama": u.nama, "jenis": u.jenis,
                       "kelompok": u.kelompok, "dikumpulkan": bool(
            sub or unit in rejected_units), "data_dipakai": sub is not None,
            "putusan": state, "berkas": sub.item.name if sub else _rejected_names(report, unit), "email": u.email})
        if sub:
            vals = {k[1]: v for k, v in sub.values.items() if k[0] == SHEET_IDENTITAS}
            t.identitas.append({"unit": unit, **{k: vals.get(k, "") for k, _, _ in IDENTITAS_INPUTS}})
    for s in report.submissions:
        t.berkas.append({"berkas": s.item.source, "nama_berkas": s.item.name, "unit": s.unit,
                         "diterima": s.item.mtime.isoformat(sep=" ") if s.item.mtime else "",
                         "disimpan": s.saved_at.isoformat(sep=" ") if s.saved_at else "",
                         "sha256": s.item.sha256, "putusan": s.verdict})
    counts = {id(f) for f in counted_findings(report)}
    for f in report.all_findings():
        level = Severity(f.severity).label
        if id(f) not in counts:  # still listed, under a level the per-unit counts do not match
            level = f"{level} ({NOT_COUNTED})"
        t.temuan.append({"tingkat": level, "kode": f.code, "unit": f.unit, "berkas": f.file, "sheet": f.sheet,
                         "sel": f.cell, "nilai": f.value, "pesan": f.message})
    _unit_counts(t, roadmap)
    return t


NOT_COUNTED = "berkas tidak dipakai"


def _rejected_names(report: Report, unit: str) -> str:
    """The names of a unit's rejected files ('' when it sent none): the row says which file it was."""
    names = dict.fromkeys(s.item.name for s in report.submissions if s.unit == unit and s.verdict == Verdict.REJECTED)
    return "; ".join(names)


def _unit_counts(t: Tables, roadmap: Roadmap) -> None:
    """The Per Unit counts of every unit row, from the figures view (the monitoring workbook caches
    the same numbers under its formulas), so the unit table is complete before anything is written."""
    from rbxl.consolidation.columns import STATUS_COUNT
    from rbxl.consolidation.figures import figures
    from rbxl.core.enums import STATUS_ORDER

    fig = figures(t, roadmap)
    for row in t.unit:
        u = fig.unit(row["unit"])
        row.update({"n_utama": u.utama.total, "n_pendukung": u.n_pendukung, "n_kosong": u.utama.unreported,
                    "progres": "" if u.utama.mean_progress is None else u.utama.mean_progress,
                    "n_err": u.n_kesalahan, "n_warn": u.n_peringatan})
        row.update({STATUS_COUNT[role]: u.utama.by_status[roadmap.status_named(role)] for role in STATUS_ORDER})


def counted_findings(report: Report) -> list[Finding]:
    """The findings totals count: per unit, those of the file whose data is used.

    A unit with no usable file counts its files' findings, except superseded and duplicate
    copies; findings about inputs that are not workbooks always count.
    """
    out = list(report.findings)
    for s in report.submissions:
        chosen = report.chosen.get(s.unit) if s.unit else None
        if s.verdict in (Verdict.SUPERSEDED, Verdict.DUPLICATE) or (chosen is not None and s is not chosen):
            continue
        out += s.findings
    return out


def _rows(t: Tables, roadmap: Roadmap, spec: FormSpec, sub: Submission | None, state: str) -> None:
    values = sub.values if sub else {}
    unit = spec.unit_kode
    ra_by_code = {r.kode: r for r in roadmap.rencana_aksi}
    for sheet in spec.sheets:
        if sheet.name in (SHEET_RA_UTAMA, SHEET_RA_PENDUKUNG):
            peran = (Role.LEAD if sheet.name == SHEET_RA_UTAMA else Role.SUPPORT).value
            for row in sheet.rows:
                ra = ra_by_code[row.key]
                g = lambda k, name=sheet.name, key=row.key: values.get((name, key, k), "")  # noqa: E731
                t.rencana_aksi.append({
                    "kode": ra.kode, "area_kode": ra.area_kode, "area": row.values["area"],
                    "kegiatan": row.values["kegiatan"], "aksi": row.values["aksi"], "unit": unit,
                    "nama_unit": spec.unit_nama, "peran": peran, "pengumpulan": state, "status": g("status"),
                    "progres": g("progres") if peran == Role.LEAD else "", "output": g("output"), "bukti": g("bukti"),
                    "kendala": g("kendala"), "tindak_lanjut": g("tindak_lanjut"), "keterangan": g("keterangan")})
        elif sheet.name == SHEET_INDIKATOR:
            by_code = {i.kode: i for i in roadmap.indikator}
            for row in sheet.rows:
                ind = by_code[row.key]
                real = values.get((sheet.name, row.key, "realisasi"), "")
                target = row.values["target"]
                if ind.is_kategori:
                    cap = capaian_kategori(real or None, target or None, roadmap.choices(ind.daftar_kategori))
                else:
                    cap = capaian(real if isinstance(real, float) else None,
                                  target if isinstance(target, (int, float)) else None, ind.arah)
                t.indikator.append({
                    "kode": ind.kode, "tabel": ind.tabel, "area_kode": ind.area_kode, "indikator": ind.nama,
                    "nama_singkat": ind.label,
                    "satuan": ind.satuan, "jenis_nilai": ind.jenis_nilai, "arah": ind.arah,
                    "daftar": ind.daftar_kategori if ind.is_kategori else "",
                    "baseline": row.values["baseline"], "target": target, "realisasi": real,
                    "capaian": "" if cap is None else cap, "status_capaian": status_capaian(cap), "unit": unit,
                    "pengumpulan": state, "sumber_data": values.get((sheet.name, row.key, "sumber_data"), ""),
                    "keterangan": values.get((sheet.name, row.key, "keterangan"), "")})
        elif sheet.name == SHEET_KEGIATAN:
            for row in sheet.rows:
                real = values.get((sheet.name, row.key, "realisasi"), "")
                target = row.values["target"]
                cap = capaian(real if isinstance(real, float) else None,
                              target if isinstance(target, (int, float)) else None, "naik")
                t.kegiatan.append({
                    "kode": row.key, "area": row.values["area"], "kegiatan": row.values["kegiatan"],
                    "satuan": row.values["satuan"], "baseline": row.values["baseline"], "target": target,
                    "realisasi": real, "capaian": "" if cap is None else cap, "status_capaian": status_capaian(cap),
                    "unit": unit, "pengumpulan": state,
                    "keterangan": values.get((sheet.name, row.key, "keterangan"), "")})
