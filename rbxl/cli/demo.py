"""`rbxl demo`: the whole cycle on the shipped master, with clearly labelled sample answers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from rbxl.core.atomic import write_bytes, write_text
from rbxl.core.enums import Period, StatusRole, Verdict
from rbxl.core.paths import demo_inbox_dir
from rbxl.core.signing import ensure_key
from rbxl.form.sample import DEMO, add_mistakes, answers_for
from rbxl.form.spec import plan
from rbxl.master.model import Roadmap
from rbxl.pipeline import Outputs, run_consolidation
from rbxl.store import store_path
from rbxl.template.generate import generate, template_name
from rbxl.template.prefill import apply as prefill_apply
from rbxl.template.prefill import load_prefill
from rbxl.template.write import write_template


@dataclass
class Demo:
    inbox: Path
    outputs: Outputs  # the last period run
    story: list[str]
    first: Outputs | None = None  # the period before it, when the demo ran two


def run_demo(roadmap: Roadmap, out: str | Path, tahun: int = 2023, periode: str = "TW1",
             progress=None) -> Demo:
    """The cycle for `periode`, then (where the year has one) the next period: its templates are
    prefilled from the first, one unit goes backwards, one leaves its file as prefilled."""
    first = _first_period(roadmap, Path(out), tahun, periode, progress)
    first.story += _verify(roadmap, Path(out), first.outputs)
    nxt = Period(periode).next
    if nxt is None:
        return first
    second = _next_period(roadmap, Path(out), tahun, nxt, first, progress)
    return Demo(second.inbox, second.outputs, first.story + second.story, first.outputs)


def _first_period(roadmap: Roadmap, out: Path, tahun: int, periode: str, progress) -> Demo:
    generate(roadmap, tahun, periode, out, db=store_path(None, out))
    office_key = ensure_key(out)  # the sample units fill templates this office signed
    inbox = demo_inbox_dir(out, tahun, periode)
    units = roadmap.reporting_units()
    featured = {"INSPEKTORAT", "DINKES", "KEC-CEPU", "DPK", "BAPPEDA", "DINSOSP3A"}
    missing = [u for u in units[4::9] if u not in featured]  # a few units do not return anything
    mistakes = [u for u in ("INSPEKTORAT", "DINKES", "KEC-CEPU") if u in units]
    story = [f"{len(units)} template dibuat untuk {periode} {tahun}.",
             f"Unit yang (sengaja) belum mengumpulkan: {', '.join(missing)}."]
    by_zip: dict[str, bytes] = {}
    base_time = dt.datetime(tahun, 4, 3, 9, 0)
    for i, unit in enumerate(units):
        if unit in missing:
            continue
        spec = plan(roadmap, unit, tahun, periode)
        answers = answers_for(spec)
        if unit in mistakes:
            story.append(f"{unit} mengirim berkas dengan kesalahan: " + "; ".join(add_mistakes(spec, answers)))
        name = template_name(spec)
        if unit == "DPK":  # a unit renames its file, then sends a corrected version later
            first = inbox / "laporan rb dpk (1).xlsx"
            write_template(spec, first, answers_for(spec, seed=7), created=base_time, key=office_key)
            name = "laporan rb dpk FINAL revisi.xlsx"
            story.append("DPK mengirim dua versi; yang terbaru dipakai, yang lama tercatat 'Digantikan'.")
        path = inbox / name
        write_template(spec, path, answers, created=base_time + dt.timedelta(hours=i % 24, minutes=i), key=office_key)
        if unit.startswith("KEC-") and unit not in mistakes:  # kecamatan files arrive together in a zip
            by_zip[path.name] = path.read_bytes()
            path.unlink()
        elif unit == "BAPPEDA":  # one arrives as a saved e-mail
            _as_email(path, inbox / "Fwd Laporan RB Bappeda.eml")
            story.append("Bappeda mengirim lewat e-mail (.eml) dengan lampiran.")
    if by_zip:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in by_zip.items():
                zf.writestr(f"kecamatan/{name}", data)
        write_bytes(inbox / "kiriman-kecamatan.zip", buf.getvalue())
        story.append(f"{len(by_zip)} kecamatan dikirim dalam satu berkas zip.")
    wrong = plan(roadmap, "DINSOSP3A", tahun, "TW2" if periode != "TW2" else "TW3")
    write_template(wrong, inbox / "dinsos laporan.xlsx", answers_for(wrong), key=office_key)
    story.append("Dinsos P3A keliru mengirim template periode lain: berkas ditolak.")
    write_bytes(inbox / "~$laporan rb dpk (1).xlsx", b"\x0bOperator DPK" + b"\x00" * 40)
    write_text(inbox / "catatan pengiriman.txt", "Mohon dicek, terima kasih.\n")
    outputs = run_consolidation([inbox], roadmap, tahun, periode, out, progress=progress)
    return Demo(inbox, outputs, story)


def _next_period(roadmap: Roadmap, out: Path, tahun: int, periode: str, first: Demo, progress) -> Demo:
    """Units start from their prefilled templates and move on; a few stories stand out."""
    import random

    db = store_path(None, out)
    generate(roadmap, tahun, periode, out, db=db)
    office_key = ensure_key(out)
    units = roadmap.reporting_units()
    pf = load_prefill(db, tahun, periode, units)
    missing_before = list(first.outputs.report.missing)
    missing = missing_before[:-1]  # all but one stay silent a second time
    story = [f"{periode} {tahun}: {len(units)} template dibuat, terisi otomatis (sel biru) dengan laporan "
             f"terakhir yang diterima setiap unit."]
    if missing:
        story.append(f"Belum mengumpulkan dua periode berturut-turut: {', '.join(missing)}.")
    inbox = demo_inbox_dir(out, tahun, periode)
    clean = {u for u, sub in first.outputs.report.chosen.items() if sub.verdict == Verdict.ACCEPTED}
    backwards = max((u for u in units if u in clean and u in pf.previous),
                    key=lambda u: len(_progress_rows(pf.previous[u])), default=None)
    untouched = next((u for u in reversed(units) if u not in missing and u in pf.previous and u != backwards), None)
    sent = dt.datetime(tahun, 7, 3, 9, 0)
    for i, unit in enumerate(units):
        if unit in missing:
            continue
        spec, answers, marked = prefill_apply(plan(roadmap, unit, tahun, periode), pf.previous.get(unit), None)
        fresh = answers_for(spec)  # identitas and rows that had nothing yet
        for key, v in fresh.items():
            answers.setdefault(key, v)
        rng = random.Random(i)
        if unit == backwards:
            story.append(f"{unit} melaporkan progres lebih rendah dari {first.outputs.report.periode} dan membuka "
                         "kembali baris yang sudah selesai: tercatat sebagai peringatan dan terlihat di sheet Tren.")
            _move_on(spec, answers, rng, utama=False)
            _go_backwards(spec, answers)
        elif unit == untouched:
            story.append(f"{unit} mengirim berkas tanpa memperbarui isian terisi otomatis: 'belum diperbarui'.")
        else:
            _move_on(spec, answers, rng)
        write_template(spec, inbox / template_name(spec), answers, created=sent + dt.timedelta(minutes=i),
                       prefilled=marked, key=office_key)
    outputs = run_consolidation([inbox], roadmap, tahun, periode, out, progress=progress)
    return Demo(inbox, outputs, story)


def _verify(roadmap: Roadmap, out: Path, outputs: Outputs) -> list[str]:
    """The Inspektorat verifies each instrument answered this period: its workbook comes back with
    one answer per unit lowered (no evidence in the sample links), and is read into the store."""
    from rbxl.pipeline import run_verifikasi_baca
    from rbxl.verifikasi.workbook import file_name, write_verifier_workbook

    story = []
    t = outputs.tables
    for kode in dict.fromkeys(r["instrumen"] for r in t.instrumen if r["dipakai"]):
        verdicts: dict[tuple[str, str, str], tuple[object, str]] = {}
        for unit in dict.fromkeys(r["unit"] for r in t.instrumen if r["instrumen"] == kode and r["dipakai"]):
            rows = [r for r in t.instrumen if r["instrumen"] == kode and r["unit"] == unit]
            for r in rows:
                verdicts[(kode, unit, r["kode"])] = (r["jawaban"], "")
            lowered = next((r for r in rows if isinstance(r["nilai"], float) and r["nilai"] > 0
                            and r["jenis"] in ("ya_tidak", "skala")), None)
            if lowered is not None:
                verdicts[(kode, unit, lowered["kode"])] = ("", f"{DEMO}Bukti dukung tidak dapat dibuka.")
        path = demo_inbox_dir(out, t.tahun, t.periode).parent / "verifikasi-masuk" / file_name(kode, t.tahun, t.periode)
        write_verifier_workbook(roadmap, t, kode, path, verdicts)  # as the verifier would return it
        done = run_verifikasi_baca(path, roadmap, t.tahun, t.periode, kode, out)
        story.append(f"Inspektorat memverifikasi instrumen {kode}: satu jawaban per unit tidak diterima "
                     f"({len(done.verification.rows)} jawaban dibaca; lihat sheet 'Nilai {kode}', nilai mandiri "  # type: ignore[attr-defined]
                     "dan nilai verifikasi).")
    return story


def _progress_rows(prev) -> list[str]:
    return [k[1] for k, v in prev.values.items() if k[2] == "progres" and isinstance(v, float) and v > 0]


def _go_backwards(spec, answers) -> None:
    for sheet in spec.sheets:
        if sheet.kind != "ra_utama":
            continue
        done = False
        for row in sheet.rows:
            key = (sheet.name, row.key, "progres")
            p = answers.get(key)
            if isinstance(p, (int, float)) and p >= 100 and not done:
                answers[(sheet.name, row.key, "status")] = spec.status_named(StatusRole.IN_PROGRESS)
                answers[key] = 90.0
                answers[(sheet.name, row.key, "kendala")] = f"{DEMO}Dokumen dikembalikan untuk diperbaiki."
                done = True
            elif isinstance(p, (int, float)) and 0 < p < 100:
                answers[key] = max(0.0, p - 20)


def _move_on(spec, answers, rng, utama: bool = True) -> None:
    """A unit updates every row: progress goes up, realisations and notes are rewritten."""
    done, going = spec.status_named(StatusRole.DONE), spec.status_named(StatusRole.IN_PROGRESS)
    for sheet in spec.sheets:
        for row in sheet.rows:
            if sheet.kind in ("indikator", "kegiatan"):
                v = answers.get((sheet.name, row.key, "realisasi"))
                if isinstance(v, float):
                    rule = row.rule_for(sheet.field("realisasi"))
                    answers[(sheet.name, row.key, "realisasi")] = min(round(v * 1.03 + 0.5, 2), rule.high or 1e9)
                answers[(sheet.name, row.key, "keterangan")] = f"{DEMO}Diperbarui {spec.periode}."
            elif sheet.kind == "ra_pendukung":
                answers[(sheet.name, row.key, "keterangan")] = f"{DEMO}Dukungan sampai {spec.periode}."
        if sheet.kind != "ra_utama" or not utama:
            continue
        for row in sheet.rows:
            key = (sheet.name, row.key, "progres")
            p = answers.get(key)
            status = answers.get((sheet.name, row.key, "status"))
            if status == done:
                answers[key] = 100.0  # a done row sent with less than 100 in the first period is corrected
            if status == done or not isinstance(p, (int, float)):
                continue
            p = min(100.0, float(p) + rng.choice([10, 15, 25, 35]))
            answers[key] = p
            answers[(sheet.name, row.key, "status")] = done if p >= 100 else going
            answers[(sheet.name, row.key, "output")] = f"{DEMO}Hasil kegiatan {row.key} sampai akhir periode."
            answers[(sheet.name, row.key, "bukti")] = f"{DEMO}Laporan/SK nomor {rng.randrange(1, 999)}/{spec.tahun}"


def _as_email(path: Path, target: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "contoh.bappeda@contoh.invalid"
    msg["To"] = "organisasi@contoh.invalid"
    msg["Subject"] = "Laporan monitoring RB"
    msg["Date"] = "Mon, 03 Apr 2023 10:00:00 +0700"
    msg.set_content("[CONTOH] Terlampir laporan monitoring RB Bappeda.")
    msg.add_attachment(path.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=path.name)
    write_bytes(target, bytes(msg))
    path.unlink()
