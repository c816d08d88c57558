"""Sample answers for a FormSpec: the labelled demo data of `rbxl demo`, tests and benchmarks.

Answers are deterministic for a unit (seeded by its code) and consistent (done = 100 %
with bukti dukung), unless mistakes are asked for.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib

from rbxl.core.enums import Period
from rbxl.core.enums import StatusRole as R
from rbxl.form.spec import Answers, DataSheet, FormSpec
from rbxl.master.schema import LIST_STATUS_DUKUNGAN

DEMO = "[CONTOH] "


def answers_for(spec: FormSpec, seed: int = 0) -> Answers:
    rng = random.Random(zlib.crc32(f"{spec.unit_kode}:{spec.tahun}:{spec.periode}:{seed}".encode()))
    out: Answers = {}
    for sheet in spec.sheets:
        for row in sheet.rows:
            _fill_row(spec, sheet, row, rng, out)
    return out


def _fill_row(spec: FormSpec, sheet: DataSheet, row, rng: random.Random, out: Answers) -> None:
    put = lambda key, v: out.__setitem__((sheet.name, row.key, key), v)  # noqa: E731
    if sheet.kind == "identitas":
        if not row.is_input(sheet.field("nilai")):
            return
        put("nilai", {"nama": f"{DEMO}Petugas {spec.unit_singkatan}", "nip": f"19{rng.randrange(10**15, 10**16)}",
                      "jabatan": f"{DEMO}Analis Kebijakan", "telepon": "0296-000000",
                      "email": "contoh@contoh.invalid", "tanggal": _filled_on(spec)}[row.key])
    elif sheet.kind == "ra_utama":
        role = rng.choices([R.NOT_STARTED, R.IN_PROGRESS, R.DONE, R.CANNOT], [1, 5, 3, 0.3])[0]
        progres = {R.NOT_STARTED: 0, R.IN_PROGRESS: rng.choice([10, 25, 40, 50, 60, 75, 90]),
                   R.DONE: 100, R.CANNOT: 0}[role]
        put("status", spec.status_named(role))
        put("progres", progres)
        if role != R.NOT_STARTED:
            put("output", f"{DEMO}Hasil kegiatan {row.key} sampai akhir periode.")
            put("bukti", f"{DEMO}Laporan/SK nomor {rng.randrange(1, 999)}/{spec.tahun}")
        if role in (R.IN_PROGRESS, R.CANNOT):
            put("kendala", f"{DEMO}Keterbatasan waktu dan anggaran.")
            put("tindak_lanjut", f"{DEMO}Dilanjutkan pada periode berikutnya.")
    elif sheet.kind == "ra_pendukung":
        role = rng.choice([R.IN_PROGRESS, R.DONE, R.NOT_STARTED, R.CANNOT])
        put("status", spec.status_named(role, LIST_STATUS_DUKUNGAN))
        put("keterangan", f"{DEMO}Mengirim data dan menghadiri rapat koordinasi.")
    elif sheet.kind in ("indikator", "kegiatan"):
        rule = row.rule_for(sheet.field("realisasi"))
        target = row.values.get("target")
        if rule is not None and rule.kind == "list":
            choices = spec.lists.get(rule.daftar, [])
            put("realisasi", choices[0] if rng.random() < 0.8 or len(choices) < 2 else choices[1])
        elif isinstance(target, (int, float)):
            v = round(target * rng.uniform(0.85, 1.08), 2)
            if rule is not None and rule.high is not None:
                v = min(v, rule.high)
            put("realisasi", v)
        elif rule is not None:
            put("realisasi", round(rng.uniform(rule.low or 0, min(rule.high or 100, 100)), 1))
        if sheet.kind == "indikator":
            put("sumber_data", f"{DEMO}Laporan evaluasi {spec.tahun}")
    elif sheet.kind == "instrumen":
        _instrument_answer(spec, sheet, row, rng, put)


def _instrument_answer(spec: FormSpec, sheet: DataSheet, row, rng: random.Random, put) -> None:
    """A typed answer by the question's rule, with its evidence (links on an example domain)."""
    rule = row.rule_for(sheet.field("jawaban"))
    if rule is None:
        return
    if rule.kind == "list":
        choices = spec.lists.get(rule.daftar, [])
        answer: object = choices[min(int(rng.random() ** 2 * len(choices)), len(choices) - 1)] if choices else None
    elif rule.kind == "decimal":
        answer = round(rng.uniform(max(rule.low or 0, 0), min(rule.high if rule.high is not None else 100, 100)), 1)
    elif rule.kind == "date":
        answer = Period(spec.periode).first_day(spec.tahun) - dt.timedelta(days=rng.randrange(30, 400))
    elif rule.kind == "url":
        answer = f"https://contoh.invalid/{spec.unit_kode.lower()}/{row.key.lower()}"
    else:
        answer = f"{DEMO}Catatan {row.key} dari {spec.unit_singkatan}."
    if answer is None:
        return
    put("jawaban", answer)
    q = row.calc.get("pertanyaan")
    if getattr(q, "bukti", False):
        put("bukti", f"https://contoh.invalid/bukti/{spec.unit_kode.lower()}/{row.key.lower()}")
        put("bukti_ket", f"{DEMO}Dokumen bukti {row.key} {spec.unit_singkatan} {spec.tahun}")


def add_mistakes(spec: FormSpec, answers: Answers) -> list[str]:
    """Typical mistakes a unit makes; returns what was done (for the demo's labels)."""
    done = []
    for sheet in spec.sheets:
        if sheet.kind == "ra_utama" and sheet.rows:
            row = sheet.rows[0]
            done_name = spec.status_named(R.DONE)
            answers[(sheet.name, row.key, "status")] = done_name
            answers[(sheet.name, row.key, "progres")] = 80
            done.append(f"{sheet.name} {row.key}: {done_name} tetapi progres 80%")
            if len(sheet.rows) > 1:
                answers[(sheet.name, sheet.rows[1].key, "progres")] = "75,5"
                done.append(f"{sheet.name} {sheet.rows[1].key}: progres diketik sebagai teks '75,5'")
        if sheet.kind == "identitas":
            answers[(sheet.name, "nip", "nilai")] = "1980 0101 2005"
            done.append("NIP tidak 18 digit")
        if sheet.kind == "ra_pendukung" and sheet.rows:
            answers[(sheet.name, sheet.rows[-1].key, "status")] = "Sudah"
            done.append(f"{sheet.name} {sheet.rows[-1].key}: status di luar daftar")
    return done


def _filled_on(spec: FormSpec) -> dt.date:
    """Five days after the period's end (5 April for TW1): inside the deadline window rbxl checks."""
    return Period(spec.periode).last_day(spec.tahun) + dt.timedelta(days=5)
