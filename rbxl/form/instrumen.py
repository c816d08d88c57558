"""The FormSpec sheets of the master's instruments: one protected sheet per instrument a unit
answers in a period, rows grouped by component, a typed answer cell per question (dropdowns
for scales through the list sheet), the evidence link and its description, the guidance.

The same sheet definition is what the template writer renders and what the checker reads
back, exactly like the roadmap's sheets (rbxl.form.spec).
"""

from __future__ import annotations

import re

from rbxl.core.values import format_number
from rbxl.form.sheet import DATE_HINT, DECIMAL_HINT, PASTE_SHORT, DataSheet, Field, Row, Rule
from rbxl.master.instrumen import SEP, Instrumen, Pertanyaan
from rbxl.master.model import Roadmap

KIND = "instrumen"
BUKTI_URL = Rule("url", "Tautan Bukti Dukung", max_len=500,
                 prompt="Alamat lengkap bukti dukung, diawali https:// (misal tautan Google Drive atau situs unit).")
BUKTI_KET = Rule("text", "Keterangan Bukti Dukung", max_len=500,
                 prompt="Nama dokumen bukti dukung (nomor SK, judul laporan) dan di mana dokumen itu dapat dilihat.")
HOW = {"ya_tidak": "Pilih {choices}", "skala": "Pilih: {choices}", "persen": "Persen {low}-{high}",
       "angka": "Angka {low}-{high}", "teks": "Teks", "tanggal": "Tanggal", "tautan": "Tautan (https://...)"}


def scale_list(skala: str) -> str:
    """The list name (and so the defined name Daftar_...) of an instrument scale."""
    return "SKALA_" + re.sub(r"[^A-Za-z0-9_]", "_", skala)


def answer_rule(q: Pertanyaan, roadmap: Roadmap) -> Rule:
    label = f"Jawaban {q.kode}"
    if q.jenis in ("ya_tidak", "skala"):
        choices = list(roadmap.skala.get(q.skala, {}))
        return Rule("list", label, daftar=scale_list(q.skala), required=q.wajib,
                    prompt=f"Pilih dari daftar: {', '.join(choices)}. {PASTE_SHORT}")
    if q.jenis == "persen":
        low, high = q.min if q.min is not None else 0.0, q.maks if q.maks is not None else 100.0
        return Rule("decimal", label, low=low, high=high, required=q.wajib,
                    prompt=f"Persen {format_number(low)}-{format_number(high)}, tanpa tanda %. {DECIMAL_HINT}")
    if q.jenis == "angka":
        low, high = q.min if q.min is not None else 0.0, q.maks if q.maks is not None else 1e9
        what = (f"Angka {format_number(low)}-{format_number(high)}" if high < 1e9
                else f"Angka minimal {format_number(low)}")
        return Rule("decimal", label, low=low, high=high, required=q.wajib, prompt=f"{what}. {DECIMAL_HINT}")
    if q.jenis == "tanggal":
        return Rule("date", label, required=q.wajib, prompt=f"Tanggal. {DATE_HINT}")
    if q.jenis == "tautan":
        return Rule("url", label, max_len=500, required=q.wajib, prompt="Alamat lengkap, diawali https://.")
    return Rule("text", label, max_len=2000, required=q.wajib, prompt="Jawaban singkat dan jelas.")


def how_to_answer(q: Pertanyaan, rule: Rule, roadmap: Roadmap) -> str:
    text = HOW[q.jenis].format(choices=" / ".join(roadmap.skala.get(q.skala, {})),
                               low=format_number(rule.low) if rule.low is not None else "",
                               high=format_number(rule.high) if rule.high is not None and rule.high < 1e9 else "...")
    extra = []
    if q.wajib:
        extra.append("wajib")
    if q.bukti:
        extra.append("jawaban positif wajib disertai bukti")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def instrument_sheet(roadmap: Roadmap, ins: Instrumen, sub: str, tahun: int) -> DataSheet:
    rows: list[Row] = []
    for n, q in enumerate(ins.pertanyaan, start=1):
        rule = answer_rule(q, roadmap)
        rows.append(Row(q.kode, {"no": n, "kode": q.kode, "komponen": SEP.join(q.komponen), "pertanyaan": q.teks,
                                 "penjelasan": q.penjelasan, "cara": how_to_answer(q, rule, roadmap)},
                        rules={"jawaban": rule},
                        calc={"instrumen": ins.kode, "pertanyaan": q, "skala": dict(roadmap.skala.get(q.skala, {}))}))
    note = (f"Dasar: {ins.dasar}. " if ins.dasar else "") + (
        "Isi kolom berwarna kuning: jawaban setiap pertanyaan, dan bukti dukungnya (tautan dan keterangan). "
        "Penjelasan setiap pertanyaan ada di kolom Penjelasan.")
    return DataSheet(
        ins.sheet_name, f"{ins.nama.upper()} - TAHUN {tahun}", sub, note,
        [Field("no", "No", 5), Field("kode", "Kode", 8), Field("komponen", "Komponen", 24),
         Field("pertanyaan", "Pertanyaan", 44), Field("penjelasan", "Penjelasan", 34),
         Field("cara", "Cara Menjawab", 18), Field("jawaban", "Jawaban", 18, True, None, num_format="0.##"),
         Field("bukti", "Tautan Bukti Dukung", 28, True, BUKTI_URL),
         Field("bukti_ket", "Keterangan Bukti Dukung", 28, True, BUKTI_KET)],
        rows, KIND)


def instrument_sheets(roadmap: Roadmap, unit: str, tahun: int, periode: str, sub: str
                      ) -> tuple[list[DataSheet], dict[str, list[str]]]:
    """The unit's instrument sheets for the period, and the scale lists they use."""
    sheets: list[DataSheet] = []
    lists: dict[str, list[str]] = {}
    for ins in roadmap.instruments_for(unit, tahun, periode):
        sheets.append(instrument_sheet(roadmap, ins, sub, tahun))
        for q in ins.pertanyaan:
            if q.skala:
                lists[scale_list(q.skala)] = list(roadmap.skala.get(q.skala, {}))
    return sheets, lists


def guide_lines(sheets: list[DataSheet]) -> list[str]:
    """What the Petunjuk says about the instrument sheets ([] when the unit has none)."""
    if not any(s.kind == KIND for s in sheets):
        return []
    return ["", "INSTRUMEN",
            "- Sheet 'Instrumen ...' berisi pertanyaan instrumen monev. Jawab setiap pertanyaan di kolom Jawaban "
            "sesuai kolom Cara Menjawab; baca kolom Penjelasan.",
            "- Jawaban positif (Ya, skala bernilai, angka di atas nol) untuk pertanyaan yang meminta bukti wajib "
            "disertai bukti dukung: tautan (diawali https://) dan/atau keterangan dokumennya.",
            "- Jawaban dan bukti dukung diverifikasi oleh verifikator instrumen (Inspektorat Daerah, Bab IV)."]
