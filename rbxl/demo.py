"""`rbxl demo`: the whole cycle on the shipped master, with clearly labelled sample answers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from .atomic import write_bytes, write_text
from .form import plan
from .generation import generate, template_name
from .master.model import Roadmap
from .paths import demo_inbox_dir
from .pipeline import Outputs, run_consolidation
from .sample import add_mistakes, answers_for
from .template import write_template


@dataclass
class Demo:
    inbox: Path
    outputs: Outputs
    story: list[str]


def run_demo(roadmap: Roadmap, out: str | Path, tahun: int = 2023, periode: str = "TW1",
             progress=None) -> Demo:
    out = Path(out)
    generate(roadmap, tahun, periode, out)
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
            write_template(spec, first, answers_for(spec, seed=7), created=base_time)
            name = "laporan rb dpk FINAL revisi.xlsx"
            story.append("DPK mengirim dua versi; yang terbaru dipakai, yang lama tercatat 'Digantikan'.")
        path = inbox / name
        write_template(spec, path, answers, created=base_time + dt.timedelta(hours=i % 24, minutes=i))
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
    write_template(wrong, inbox / "dinsos laporan.xlsx", answers_for(wrong))
    story.append("Dinsos P3A keliru mengirim template periode lain: berkas ditolak.")
    write_bytes(inbox / "~$laporan rb dpk (1).xlsx", b"\x0bOperator DPK" + b"\x00" * 40)
    write_text(inbox / "catatan pengiriman.txt", "Mohon dicek, terima kasih.\n")
    outputs = run_consolidation([inbox], roadmap, tahun, periode, out, progress=progress)
    return Demo(inbox, outputs, story)


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
