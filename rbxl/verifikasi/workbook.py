"""The verifier's workbook of one instrument and period: every unit's answer and evidence locked,
an input column for the verified answer (prefilled with the unit's, or the verifier's earlier
one) and a note; and reading it back into verified answers.

The workbook is a FormSpec like a unit's template (one sheet, 'Verifikasi <kode>'), so the same
writer protects it and the same checks read it: a changed locked cell or a verified answer
outside its scale is a finding with its cell. A file for another instrument or period is
refused with a message naming both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rbxl.checks.identity import read_meta
from rbxl.checks.structure import compare_locked
from rbxl.checks.submission import Submission
from rbxl.checks.values import read_inputs
from rbxl.consolidation.tables import Tables
from rbxl.core.errors import UsageError
from rbxl.core.findings import Finding, has_errors
from rbxl.core.messages import message
from rbxl.core.values import format_date, format_number
from rbxl.form.instrumen import answer_rule, how_to_answer, scale_list
from rbxl.form.meta import Meta
from rbxl.form.sheet import DataSheet, Field, Row, Rule
from rbxl.form.spec import Answers, FormSpec, periode_label
from rbxl.intake import RawWorkbook, Received
from rbxl.intake.read import read_workbook
from rbxl.master.instrumen import Instrumen
from rbxl.master.model import Roadmap
from rbxl.template.write import write_template

SHEET_PREFIX = "Verifikasi "
CATATAN = Rule("text", "Catatan Verifikator", max_len=1000,
               prompt="Alasan bila jawaban verifikasi berbeda dari jawaban unit, atau bukti yang kurang.")


def sheet_name(kode: str) -> str:
    return f"{SHEET_PREFIX}{kode}"[:31]


def file_name(kode: str, tahun: int, periode: str) -> str:
    return f"verifikasi-{kode}-{tahun}-{periode}.xlsx"


def instrument(roadmap: Roadmap, kode: str) -> Instrumen:
    ins = roadmap.instrumen.get(kode)
    if ins is None:
        known = ", ".join(roadmap.instrumen) or "belum ada"
        raise UsageError(message("INSTRUMEN_UNKNOWN", kode=kode, known=known))
    return ins


def verifier_spec(roadmap: Roadmap, tables: Tables, kode: str) -> FormSpec:
    """The verifier's workbook as a FormSpec: a row per (unit whose data is used, question)."""
    ins = instrument(roadmap, kode)
    verifier = roadmap.units.get(ins.verifikator)
    questions = {q.kode: q for q in ins.pertanyaan}
    rows: list[Row] = []
    lists: dict[str, list[str]] = {}
    for r in tables.instrumen:
        q = questions.get(r["kode"])
        if r["instrumen"] != kode or not r["dipakai"] or q is None:
            continue
        rule = answer_rule(q, roadmap)
        rule = Rule(rule.kind, f"Jawaban verifikasi {r['unit']} {q.kode}", rule.low, rule.high, rule.max_len,
                    rule.daftar, False, rule.prompt)
        if q.skala:
            lists[scale_list(q.skala)] = list(roadmap.skala.get(q.skala, {}))
        nilai = r["nilai"]
        rows.append(Row(f"{r['unit']}/{q.kode}", {
            "no": len(rows) + 1, "kode": f"{r['unit']}/{q.kode}", "unit": r["nama_unit"], "komponen": r["komponen"],
            "pertanyaan": q.teks, "cara": how_to_answer(q, rule, roadmap), "jawaban": _shown(r["jawaban"]),
            "nilai": nilai if isinstance(nilai, (int, float)) else "", "bukti": r["bukti"],
            "bukti_ket": r["bukti_ket"]}, rules={"jawaban_verifikasi": rule},
            calc={"unit": r["unit"], "kode": q.kode}))
    if not rows:
        raise UsageError(message("VERIFIKASI_NOTHING", kode=kode, label=periode_label(tables.tahun, tables.periode)))
    label = periode_label(tables.tahun, tables.periode)
    sheet = DataSheet(
        sheet_name(kode), f"VERIFIKASI {ins.nama.upper()}", f"{label} - verifikator: "
        f"{verifier.nama if verifier else 'belum ditetapkan'}",
        "Jawaban dan bukti dukung unit terkunci. Isi kolom kuning: Jawaban Verifikasi (terisi jawaban unit; ubah bila "
        "bukti tidak mendukung, kosongkan bila tidak dapat diterima) dan Catatan Verifikator.",
        [Field("no", "No", 5), Field("kode", "Kode Baris", 16), Field("unit", "Unit", 20),
         Field("komponen", "Komponen", 20), Field("pertanyaan", "Pertanyaan", 36), Field("cara", "Cara Menjawab", 16),
         Field("jawaban", "Jawaban Unit", 14), Field("nilai", "Nilai Mandiri (0-1)", 9, num_format="0.00"),
         Field("bukti", "Tautan Bukti Dukung", 26), Field("bukti_ket", "Keterangan Bukti Dukung", 24),
         Field("jawaban_verifikasi", "Jawaban Verifikasi", 16, True, None, num_format="0.##"),
         Field("catatan", "Catatan Verifikator", 30, True, CATATAN)],
        rows, "verifikasi")
    guide = [f"VERIFIKASI INSTRUMEN {ins.kode}: {ins.nama}", f"Periode: {label}",
             f"Dasar: {ins.dasar}" if ins.dasar else "", "",
             "Bab IV Perbup: monev PMPRB dan monev tingkat Pemerintah Daerah dikoordinasikan Inspektorat Daerah.",
             "Periksa setiap jawaban unit dengan bukti dukungnya. Kolom Jawaban Verifikasi sudah terisi jawaban unit: "
             "biarkan bila sesuai, ubah bila bukti menunjukkan jawaban lain, kosongkan bila jawaban tidak dapat "
             "diterima (bernilai 0). Tulis alasannya di Catatan Verifikator.",
             "Jangan mengubah sel terkunci, menambah, menghapus atau mengurutkan baris. Kembalikan berkas ini ke Bagian "
             "Organisasi; dibaca dengan 'rbxl verifikasi baca'."]
    return FormSpec(ins.verifikator or "VERIFIKATOR", verifier.nama if verifier else "Verifikator",
                    verifier.singkatan if verifier else "Verifikator", tables.tahun, tables.periode,
                    roadmap.fingerprint, [sheet], lists, [g for g in guide if g is not None],
                    dict(roadmap.settings))


def write_verifier_workbook(roadmap: Roadmap, tables: Tables, kode: str, path: Path,
                            earlier: dict[tuple[str, str, str], tuple[object, str]] | None = None) -> Path:
    """Write the workbook; verified answers start from `earlier` (the store's) or the unit's own."""
    spec = verifier_spec(roadmap, tables, kode)
    sheet = spec.sheets[0]
    answers: Answers = {}
    by_key = {(r["unit"], r["kode"]): r for r in tables.instrumen if r["instrumen"] == kode}
    for row in sheet.rows:
        unit, q = row.calc["unit"], row.calc["kode"]
        before = (earlier or {}).get((kode, str(unit), str(q)))
        answer, note = before if before is not None else (by_key[(unit, q)]["jawaban"], "")
        if answer not in ("", None):
            answers[(sheet.name, row.key, "jawaban_verifikasi")] = _typed_back(answer, row, sheet)
        if note:
            answers[(sheet.name, row.key, "catatan")] = note
    return write_template(spec, path, answers, prefilled=set(answers))


@dataclass
class Verification:
    """What a verifier's workbook said: (unit, kode, verified answer, note) rows, and its findings."""

    instrumen: str
    verifikator: str
    rows: list[tuple[str, str, object, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def identify(path: Path, kode: str, tahun: int, periode: str) -> tuple[Received, RawWorkbook, Meta]:
    """Open a verifier's workbook and check it is for `kode` in (tahun, periode); UsageError naming both
    otherwise, before anything else is read."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(message("VERIFIKASI_NOT_FOUND", path=path))
    item = Received(str(path), path.name, path.read_bytes())
    raw = read_workbook(item)
    meta = read_meta(raw)
    claim = Meta.parse(meta) if meta else None
    sheets = [name for name in (claim.rows if claim else {}) if name.startswith(SHEET_PREFIX)]
    if claim is None or not sheets:
        raise UsageError(message("VERIFIKASI_NOT_OURS", name=path.name, kode=kode))
    their = sheets[0][len(SHEET_PREFIX):]
    asked = f"instrumen {kode} {periode_label(tahun, periode)}"
    try:
        got = f"instrumen {their} {periode_label(int(claim.tahun), claim.periode)}"
    except (ValueError, KeyError):
        got = f"instrumen {their} periode {claim.periode} {claim.tahun}"
    if their != sheet_name(kode)[len(SHEET_PREFIX):] or (claim.tahun, claim.periode) != (str(tahun), periode):
        raise UsageError(message("VERIFIKASI_OTHER", name=path.name, got=got, asked=asked))
    return item, raw, claim


def read_verifier_workbook(path: Path, roadmap: Roadmap, tables: Tables, kode: str) -> Verification:
    """Read a verifier's workbook back; refuses one for another instrument or period (UsageError)."""
    item, raw, claim = identify(path, kode, tables.tahun, tables.periode)
    asked = f"instrumen {kode} {periode_label(tables.tahun, tables.periode)}"
    spec = verifier_spec(roadmap, tables, kode)
    sheet = spec.sheets[0]
    grid = raw.sheets.get(sheet.name)
    sub = Submission(item, unit=spec.unit_kode, tahun=tables.tahun, periode=tables.periode)
    if grid is None:
        raise UsageError(message("VERIFIKASI_SHEET_MISSING", sheet=sheet.name, name=path.name))
    locked = compare_locked(sheet, grid, str(path), spec.unit_kode)
    if claim.rows_of(sheet.name) not in (None, ";".join(r.key for r in sheet.rows)) or has_errors(locked):
        detail = "; ".join(f"{f.cell}: {f.message}" for f in locked[:5])
        raise UsageError(message("VERIFIKASI_STALE", name=path.name, asked=asked, detail=": " + detail if detail else ""))
    read_inputs(sheet, grid, sub, raw.formulas.get(sheet.name, {}), spec)
    out = Verification(kode, spec.unit_kode, findings=sub.findings)
    for row in sheet.rows:
        v = sub.values.get((sheet.name, row.key, "jawaban_verifikasi"), "")
        note = sub.values.get((sheet.name, row.key, "catatan"), "")
        out.rows.append((str(row.calc["unit"]), str(row.calc["kode"]), v, str(note)))
    return out


def _shown(v: object) -> object:
    """A unit's answer as locked text: the same whether the tables are fresh (dates) or read back from
    the rekap snapshot (ISO text), so the workbook reads back against either."""
    if isinstance(v, float):
        return format_number(v)
    if isinstance(v, str) and len(v) >= 10 and v[4:5] == "-" and v[7:8] == "-":
        try:
            v = dt.date.fromisoformat(v[:10])
        except ValueError:
            return v
    if isinstance(v, dt.date):
        return format_date(v)
    return v


def _typed_back(answer: object, row: Row, sheet: DataSheet) -> object:
    """An answer from the snapshot as its cell wants it (dates come back from JSON as ISO text)."""
    rule = row.rule_for(sheet.field("jawaban_verifikasi"))
    if rule is not None and rule.kind == "date" and isinstance(answer, str):
        try:
            return dt.date.fromisoformat(answer[:10])
        except ValueError:
            return answer
    return answer
