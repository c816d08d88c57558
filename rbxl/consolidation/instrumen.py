"""Instruments in consolidation: per unit and question the answer and its value, per unit and
component the weighted score (nilai mandiri), and beside it the verifier's (nilai verifikasi).

A question's score is its effective weight (its share of 100, rbxl.master.instrumen) times the
value of its answer (0-1); a component's score is the sum over the questions under it; the
instrument's score is the sum over all its questions (0-100). An unanswered scored question
scores 0; a unit whose file is not used has no score. The verified score uses the verifier's
answer for every question of a unit the verifier's workbook held (a blank verified answer
scores 0: the verifier did not accept the unit's answer).
"""

from __future__ import annotations

from rbxl.consolidation.tables import Tables
from rbxl.form.instrumen import KIND
from rbxl.form.spec import FormSpec
from rbxl.master.instrumen import SEP, Instrumen, answer_value
from rbxl.master.model import Roadmap

Verified = dict[tuple[str, str, str], tuple[object, str]]  # (instrumen, unit, kode) -> (answer, note)


def instrument_rows(t: Tables, roadmap: Roadmap, spec: FormSpec, values: dict, state: str, used: bool) -> None:
    """The answer rows of the unit's instrument sheets (every question, answered or not)."""
    for sheet in spec.sheets:
        if sheet.kind != KIND:
            continue
        ins = roadmap.instrumen[sheet.rows[0].calc["instrumen"]] if sheet.rows else None
        if ins is None:
            continue
        for q in ins.pertanyaan:
            g = lambda k, name=sheet.name, key=q.kode: values.get((name, key, k), "")  # noqa: E731
            answer = g("jawaban")
            value = answer_value(q, answer if answer != "" else None, roadmap.skala) if used else None
            weight = ins.weights.get(q.kode)
            t.instrumen.append({
                "instrumen": ins.kode, "kode": q.kode, "komponen": q.path,
                "komponen_kode": ins.component_codes.get(q.komponen, ""), "pertanyaan": q.teks, "jenis": q.jenis,
                "unit": spec.unit_kode, "nama_unit": spec.unit_nama, "pengumpulan": state, "dipakai": used,
                "jawaban": answer, "nilai": "" if value is None else value,
                "bobot": "" if weight is None else weight,
                "skor": "" if weight is None or value is None else weight * value,
                "bukti": g("bukti"), "bukti_ket": g("bukti_ket"),
                "diverifikasi": False, "jawaban_verifikasi": "", "nilai_verifikasi": "", "skor_verifikasi": "",
                "catatan_verifikasi": ""})


def apply_verification(t: Tables, roadmap: Roadmap, verified: Verified) -> None:
    """Put the verifier's answers beside the units' own, then recompute every score row."""
    units_verified = {(i, u) for i, u, _k in verified}
    for row in t.instrumen:
        key = (row["instrumen"], row["unit"], row["kode"])
        ins = roadmap.instrumen.get(row["instrumen"])
        if ins is None or (row["instrumen"], row["unit"]) not in units_verified:
            continue
        q = next(q for q in ins.pertanyaan if q.kode == row["kode"])
        answer, note = verified.get(key, ("", ""))
        value = answer_value(q, answer if answer != "" else None, roadmap.skala)
        weight = ins.weights.get(q.kode)
        row.update({"diverifikasi": True, "jawaban_verifikasi": answer, "catatan_verifikasi": note,
                    "nilai_verifikasi": "" if value is None else value,
                    "skor_verifikasi": "" if weight is None else weight * (value or 0.0)})
    t.instrumen_nilai = scores(t, roadmap)


def component_rows(ins: Instrumen) -> list[tuple[str, str, int, float]]:
    """(component code, path, depth, weight) of the instrument's whole ('' code, depth 0) and of each
    scored component, parents before children."""
    out = [("", f"{ins.nama} (seluruh instrumen)", 0, 100.0)]
    for path, code in ins.component_codes.items():
        if path in ins.component_weights:
            out.append((code, SEP.join(path), len(path), ins.component_weights[path]))
    return out


def scores(t: Tables, roadmap: Roadmap) -> list[dict]:
    """Per instrument, unit and component: nilai mandiri and nilai verifikasi ('' where none)."""
    out = []
    by: dict[tuple[str, str], list[dict]] = {}
    for row in t.instrumen:
        by.setdefault((row["instrumen"], row["unit"]), []).append(row)
    for (kode, unit), rows in by.items():
        ins = roadmap.instrumen.get(kode)
        if ins is None:
            continue
        used = any(r["dipakai"] for r in rows)
        verified = any(r["diverifikasi"] for r in rows)
        for code, path, depth, weight in component_rows(ins):
            mine = [r for r in rows if not code or _under(r["komponen_kode"], code)]
            out.append({"instrumen": kode, "unit": unit, "nama_unit": rows[0]["nama_unit"],
                        "pengumpulan": rows[0]["pengumpulan"], "komponen_kode": code, "komponen": path,
                        "tingkat": depth, "bobot": weight,
                        "nilai_mandiri": sum(_num(r["skor"]) for r in mine) if used else "",
                        "nilai_verifikasi": sum(_num(r["skor_verifikasi"]) for r in mine) if verified else ""})
    return out


def _under(code: str, ancestor: str) -> bool:
    return code == ancestor or code.startswith(ancestor + ".")


def _num(v: object) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0
