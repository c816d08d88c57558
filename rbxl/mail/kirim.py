"""Send each unit its e-mail (the template, feedback with its perbaikan file, or a reminder), or
write the messages as .eml files (dry run).

One message per unit, addressed to the unit's e-mail in the MASTER (the manifest may be stale).
Every message is recorded at once in <out>/<tahun>-<periode>/email/kirim-log.csv, so a re-run
sends only what has not gone out yet (same kind, same file), even after a crash midway. The
pieces (settings, messages, the log, the SMTP transport) live in `rbxl.mail`; this module only
decides who gets what. Rendering is `console.py`'s.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

from rbxl.core.address import is_address, parse_addresses
from rbxl.core.atomic import write_bytes
from rbxl.core.enums import Verdict
from rbxl.core.errors import NothingToSend, UsageError
from rbxl.core.messages import message
from rbxl.core.paths import (
    PERBAIKAN_LIST,
    archive_log,
    email_dir,
    feedback_dir,
    perbaikan_dir,
    templates_dir,
)
from rbxl.core.text import safe_filename
from rbxl.core.values import format_date
from rbxl.mail.config import (
    CONFIG_KEYS,
    CONFIG_NAME,
    DEFAULT_PORT,
    ENV_PASSWORD,
    ENV_VARS,
    PASSWORD_KEYS,
    SECURITY,
    SETTINGS_HELP,
    SmtpSettings,
    load_smtp_settings,
    password_prompt,
)
from rbxl.mail.message import (
    PENGINGAT,
    PLACEHOLDERS,
    TEMPLATE,
    UMPAN_BALIK,
    MailTemplate,
    build_message,
    late_again_note,
    load_template,
    mime_type,
    template_context,
)
from rbxl.mail.sendlog import (
    CONTOH,
    DILEWATI,
    GAGAL,
    LOG_FIELDS,
    LOG_NAME,
    SUDAH,
    TERKIRIM,
    KirimResult,
    Outcome,
    SendLog,
)
from rbxl.mail.smtp import Fatal, Transport, describe, reply
from rbxl.master.model import Roadmap
from rbxl.template.generate import MANIFEST, read_manifest, slug

__all__ = ["CONFIG_KEYS", "CONFIG_NAME", "CONTOH", "DEFAULT_PORT", "DILEWATI", "ENV_PASSWORD", "ENV_VARS",
           "GAGAL", "LOG_FIELDS", "LOG_NAME", "PASSWORD_KEYS", "PENGINGAT", "PLACEHOLDERS", "SECURITY",
           "SETTINGS_HELP", "SUDAH", "TEMPLATE", "TERKIRIM", "UMPAN_BALIK", "KirimResult", "MailTemplate",
           "Outcome", "SendLog", "SmtpSettings", "build_message", "is_address", "kirim", "load_smtp_settings",
           "load_template", "mime_type", "parse_addresses", "password_prompt", "template_context"]

ATTEMPTS = 3
RETRY_DELAYS: tuple[float, ...] = (2.0, 5.0)  # seconds before the 2nd and the 3rd attempt


@dataclass
class _Job:
    """One unit's message to be: what to attach, what to fill in, and what makes it 'the same'."""

    row: dict[str, str]  # unit, nama, file (attachment path relative to `folder`)
    folder: Path
    extra: dict[str, str] = field(default_factory=dict)
    key: str = ""  # what counts as already sent; '' = the attachment's SHA-256


def kirim(roadmap: Roadmap, tahun: int, periode: str, out: str | Path, units: list[str] | None = None, *,
          smtp: SmtpSettings | None = None, template: str | Path | MailTemplate | None = None,
          dry_run: bool = False, ulang: bool = False, password: Callable[[str], str] | None = None,
          attempts: int = ATTEMPTS, delays: tuple[float, ...] | None = None,
          sleep: Callable[[float], None] = time.sleep, progress: Callable[[Outcome], None] | None = None,
          jenis: str = TEMPLATE, today: dt.date | None = None, db: str | Path | None = None) -> KirimResult:
    """Send (or, with dry_run, write as .eml) each selected unit's message of kind `jenis`.

    TEMPLATE: the unit's template from the manifest. UMPAN_BALIK: the feedback note in the body
    and the perbaikan workbook attached, for each unit the last validate found needing a fix.
    PENGINGAT: a reminder with the deadline, for each unit with no returned file in the archive;
    with the riwayat store (`db`, $RBXL_DB or <out>/rbxl.sqlite) it also says when the unit did
    not return, or returned late, in the period before in the same year.
    `password` asks for the SMTP password when a user is set and RBXL_SMTP_PASSWORD is not;
    without it such a run is refused before anything is sent.
    """
    roadmap.check_period(tahun, periode)
    tpl = template if isinstance(template, MailTemplate) else load_template(template, jenis)
    smtp = dataclasses.replace(smtp) if smtp else SmtpSettings()
    if not dry_run:
        if not smtp.host:
            raise UsageError(SETTINGS_HELP)
        if smtp.user and not smtp.password and password is None:
            raise UsageError(message("SMTP_PASSWORD_MISSING", user=smtp.user, env=ENV_PASSWORD))
    today = today or dt.date.today()
    if jenis == UMPAN_BALIK:
        jobs = _feedback_jobs(roadmap, tahun, periode, out)
    elif jenis == PENGINGAT:
        jobs = _reminder_jobs(roadmap, tahun, periode, out, today, db)
    else:
        jobs = [_Job(r, templates_dir(out, tahun, periode))
                for r in _manifest_rows(templates_dir(out, tahun, periode) / MANIFEST, tahun, periode)]
    jobs = _select(jobs, roadmap, tahun, periode, units, jenis, out)
    _refuse_when_no_one_reachable(jobs, roadmap, smtp)
    sender, sender_name, reply_to = _sender(smtp, roadmap, dry_run)
    folder = email_dir(out, tahun, periode)
    log = SendLog(folder / LOG_NAME)
    result = KirimResult(tahun, periode, dry_run, folder, log.path, jenis=jenis)
    if sender == NO_SENDER:
        result.notes.append(f"Alamat pengirim belum diatur; pesan uji coba memakai {NO_SENDER}. {SENDER_HELP} "
                            "Tanpa itu pengiriman sungguhan ditolak.")
    ctx = _Context(roadmap, tahun, periode, tpl, log, ulang, dry_run, sender, sender_name, reply_to,
                   None if dry_run else Transport(smtp, password), smtp, max(1, attempts),
                   RETRY_DELAYS if delays is None else delays, sleep, result, jenis)
    try:
        for job in jobs:
            o = _one(job, ctx)
            result.outcomes.append(o)
            if o.hasil != SUDAH:
                log.add(o)
            if progress:
                progress(o)
    finally:
        if ctx.transport:
            ctx.transport.close()
    return result


NO_SENDER = "pengirim@contoh.invalid"  # only ever in a --dry-run draft, and said so
SENDER_HELP = message("SENDER_HELP")


def reachable(unit) -> bool:
    """The unit has at least one valid address in the master."""
    return unit is not None and bool(unit.email.strip()) and not parse_addresses(unit.email)[1]


def _refuse_when_no_one_reachable(jobs: list[_Job], roadmap: Roadmap, smtp: SmtpSettings) -> None:
    """Nothing can be sent (no unit to write to has an address): say so and why, before anything is
    written, with exit code 1 -- also for --dry-run, which would otherwise show 0 messages and exit 0."""
    if not jobs or any(reachable(roadmap.units.get(j.row["unit"].strip())) for j in jobs):
        return
    codes = [j.row["unit"].strip() for j in jobs]
    shown = ", ".join(codes[:10]) + (message("AND_MORE", count=len(codes) - 10) if len(codes) > 10 else "")
    kontak = (roadmap.settings.get("kontak_email") or "").strip()
    sender = "" if smtp.from_addr or is_address(smtp.user) or is_address(kontak) else \
        message("NOTHING_TO_SEND_SENDER", help=SENDER_HELP)
    raise NothingToSend(message("NOTHING_TO_SEND", count=len(codes), units=shown, sender=sender))


def sending_problems(roadmap: Roadmap, smtp: SmtpSettings | None, file: str = "") -> list:
    """Warnings for `master check`: units without an address, no contact in the master's settings,
    no sender. Each would make `kirim` send nothing, or mail that tells the unit nothing to reply to."""
    from rbxl.core.findings import finding
    from rbxl.master.schema import PENGATURAN, UNIT

    out = []
    missing = [u.kode for u in roadmap.units.values() if not u.email.strip()]
    if missing:
        shown = ", ".join(missing[:10]) + (f" dan {len(missing) - 10} lainnya" if len(missing) > 10 else "")
        out.append(finding("MASTER_NO_EMAIL", file=file, sheet=UNIT.name, value=shown, detail=len(missing),
                           total=len(roadmap.units)))
    s = roadmap.settings
    for key, what in (("kontak_email", "alamat e-mail tujuan pengiriman berkas dan pertanyaan"),
                      ("kontak_telepon", "nomor telepon yang dapat dihubungi unit")):
        if not (s.get(key) or "").strip():
            out.append(finding("MASTER_NO_CONTACT", file=file, sheet=PENGATURAN.name, value=key, detail=what))
    kontak = (s.get("kontak_email") or "").strip()
    if smtp is not None and not (smtp.from_addr or is_address(smtp.user) or is_address(kontak)):
        out.append(finding("MASTER_NO_SENDER", file=file))
    return out


_DANGLING = re.compile(r"(?:\b(dan|atau|serta|yang|untuk|dengan|dalam|di|ke|dari|pada)|([,;:-]))\s*$", re.I)


def cut_texts(roadmap: Roadmap, file: str = "") -> list:
    """Rencana aksi texts that end mid-sentence ('... Tindak Lanjut dan'): a master typed from the
    Perbup with a line lost. Not a print cut-off, so it is said where the text can be completed."""
    from rbxl.core.findings import finding
    from rbxl.master.schema import RENCANA_AKSI

    out = []
    for ra in roadmap.rencana_aksi:
        for label, text in [("kegiatan", ra.kegiatan), *((f"aksi {y}", t) for y, t in sorted(ra.aksi.items()))]:
            m = _DANGLING.search(text or "")
            if m and text.strip() not in ("-", "–"):
                out.append(finding("MASTER_TEXT_CUT", file=file, sheet=RENCANA_AKSI.name, value=ra.kode, label=label,
                                   detail=(m.group(1) or m.group(2)), text=text.strip()[-40:]))
    return out


def _manifest_rows(manifest: Path, tahun: int, periode: str) -> list[dict[str, str]]:
    if not manifest.is_file():
        raise UsageError(message("MANIFEST_MISSING", manifest=manifest, tahun=tahun, periode=periode))
    return [r for r in read_manifest(manifest) if (r.get("unit") or "").strip()]


def _request(putusan: str) -> str:
    """What the feedback asks: a fix, or (the file's values are used) a look at the notes."""
    if putusan in (Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES):
        return "Isiannya sudah kami pakai; mohon periksa catatan berikut."
    return "Mohon diperbaiki sebagai berikut."


def _feedback_jobs(roadmap: Roadmap, tahun: int, periode: str, out: str | Path) -> list[_Job]:
    listing = perbaikan_dir(out, tahun, periode) / PERBAIKAN_LIST
    if not listing.is_file():
        raise UsageError(message("PERBAIKAN_LIST_MISSING", listing=listing, tahun=tahun, periode=periode))
    with open(listing, newline="", encoding="utf-8-sig") as fh:
        rows = [dict(r) for r in csv.DictReader(fh) if (r.get("unit") or "").strip()]
    jobs = []
    missing = [r["unit"].strip() for r in rows if not (feedback_dir(out, tahun, periode) / f"{r['unit'].strip()}.txt").is_file()]
    if missing:  # the list and the notes disagree (a run stopped between them): never send an empty note
        raise UsageError(message("FEEDBACK_NOTE_MISSING", units=", ".join(missing[:10]),
                                 folder=feedback_dir(out, tahun, periode), listing=listing.name, tahun=tahun,
                                 periode=periode))
    for r in rows:
        note = feedback_dir(out, tahun, periode) / f"{r['unit'].strip()}.txt"
        text = note.read_text(encoding="utf-8")
        # the same file and the same note count as 'already sent'; a new validate run that
        # finds something else makes a new message
        key = hashlib.sha256((r.get("sha256", "") + "\n" + text).encode()).hexdigest()
        r["file"] = r.get("berkas", "")  # '' when the returned file could not be read: text only
        deadline = roadmap.jadwal.get((tahun, periode))
        by = f" paling lambat {format_date(deadline)}" if deadline else ""
        lampiran = (f"Terlampir berkas {r['file']}: template yang sama dengan isian Bapak/Ibu, sel yang perlu "
                    "diperbaiki diwarnai merah dengan catatan, dan sheet pertama \"Perbaikan\" berisi daftar temuan "
                    "dengan tautan ke setiap sel. Cukup perbaiki sel yang ditandai, simpan, lalu kirim kembali "
                    f"berkas itu{by}.") if r["file"] else (
                    "Berkas Bapak/Ibu sudah kami terima dan isinya kami pakai, tetapi ada catatan di atas yang hanya "
                    "dapat dipastikan oleh unit Bapak/Ibu. Mohon periksa dan balas e-mail ini: bila ada yang keliru, "
                    "perbaiki berkas lalu kirim kembali; bila sudah benar, cukup balas bahwa isian itu benar."
                    ) if r.get("putusan") in (Verdict.ACCEPTED, Verdict.ACCEPTED_NOTES) else (
                    "Berkas yang Bapak/Ibu kirim tidak dapat kami baca sebagai template periode ini, sehingga "
                    "tidak ada berkas perbaikan. Mohon isi template asli yang kami kirim sebelumnya (bukan "
                    f"salinan atau template periode lain), lalu kirim kembali{by}.")
        jobs.append(_Job(r, perbaikan_dir(out, tahun, periode), {"umpan_balik": text.strip() or "-",
                                                                 "putusan": r.get("putusan", "") or "-",
                                                                 "permintaan": _request(r.get("putusan", "")),
                                                                 "lampiran": lampiran}, key))
    return jobs


def _reminder_jobs(roadmap: Roadmap, tahun: int, periode: str, out: str | Path, today: dt.date,
                   db: str | Path | None = None) -> list[_Job]:
    rows = _manifest_rows(templates_dir(out, tahun, periode) / MANIFEST, tahun, periode)
    notes = _late_before(tahun, periode, out, db)
    returned = returned_units(out, tahun, periode)
    deadline = roadmap.jadwal.get((tahun, periode))
    if deadline is None:
        batas = "belum ditetapkan di master (sheet Jadwal)"
    elif deadline > today:
        batas = f"{format_date(deadline)} ({(deadline - today).days} hari lagi)"
    elif deadline == today:
        batas = f"{format_date(deadline)} (hari ini)"
    else:
        batas = f"{format_date(deadline)} (sudah lewat {(today - deadline).days} hari)"
    # at most one reminder per unit per day unless --ulang
    return [_Job(r, templates_dir(out, tahun, periode),
                 {"keterangan_batas": batas, "catatan_riwayat": notes.get(r["unit"].strip(), "")},
                 f"{PENGINGAT}:{today.isoformat()}") for r in rows if r["unit"].strip() not in returned]


def _late_before(tahun: int, periode: str, out: str | Path, db: str | Path | None) -> dict[str, str]:
    """unit -> the reminder's sentence about the period before in the year, from the riwayat store;
    {} without a store. A store that cannot be used stops the run (StoreError, exit code 4)."""
    from rbxl.form.spec import periode_label
    from rbxl.riwayat.trend import previous_states
    from rbxl.store import open_store, store_path

    path = store_path(db, out)
    if not path.is_file():
        return {}
    with open_store(path, create=False) as store:
        before, states = previous_states(store, tahun, periode)
    if before is None:
        return {}
    label = periode_label(tahun, before)
    return {u: note for u, k in states.items() if (note := late_again_note(k, label))}


def returned_units(out: str | Path, tahun: int, periode: str) -> set[str]:
    """Units with any file in the period's archive log (accepted or not: they did reply)."""
    log = archive_log(out, tahun, periode)
    if not log.is_file():
        return set()
    with open(log, newline="", encoding="utf-8-sig") as fh:
        return {(r.get("unit") or "").strip() for r in csv.DictReader(fh)} - {""}


def _select(jobs: list[_Job], roadmap: Roadmap, tahun: int, periode: str, units: list[str] | None,
            jenis: str, out: str | Path) -> list[_Job]:
    if not units:
        return jobs
    wanted: list[str] = []
    for code in units:
        code = code.strip()
        if code not in roadmap.units and code.upper() in roadmap.units:
            code = code.upper()
        roadmap.unit(code)  # unknown codes: UsageError naming the sheet
        if code not in wanted:
            wanted.append(code)
    listed = {j.row["unit"].strip() for j in jobs}
    missing = [c for c in wanted if c not in listed]
    if missing and jenis == TEMPLATE:
        manifest = templates_dir(out, tahun, periode) / MANIFEST
        raise UsageError(message("UNITS_NOT_IN_MANIFEST", units=", ".join(missing), manifest=manifest, tahun=tahun,
                                 periode=periode, unit_options=" ".join(f"--unit {c}" for c in missing)))
    if missing:
        raise UsageError(message("UNITS_NEED_NO_FEEDBACK", units=", ".join(missing)) if jenis == UMPAN_BALIK
                         else message("UNITS_NEED_NO_REMINDER", units=", ".join(missing)))
    return [j for j in jobs if j.row["unit"].strip() in wanted]


def _sender(smtp: SmtpSettings, roadmap: Roadmap, dry_run: bool) -> tuple[str, str, str]:
    kontak = (roadmap.settings.get("kontak_email") or "").strip()
    sender = smtp.from_addr or (smtp.user if is_address(smtp.user) else "")
    if not sender and is_address(kontak):
        sender = kontak
    if not sender:
        if not dry_run:
            raise UsageError(message("SENDER_MISSING", help=SENDER_HELP))
        sender = NO_SENDER
    name = smtp.from_name or (roadmap.settings.get("pengelola") or "").strip()
    reply_to = smtp.reply_to or (kontak if is_address(kontak) and kontak.lower() != sender.lower() else "")
    return sender, name, reply_to


@dataclass
class _Context:
    roadmap: Roadmap
    tahun: int
    periode: str
    tpl: MailTemplate
    log: SendLog
    ulang: bool
    dry_run: bool
    sender: str
    sender_name: str
    reply_to: str
    transport: Transport | None
    smtp: SmtpSettings
    attempts: int
    delays: tuple[float, ...]
    sleep: Callable[[float], None]
    result: KirimResult
    jenis: str


def _one(job: _Job, c: _Context) -> Outcome:
    row = job.row
    kode = row["unit"].strip()
    unit = c.roadmap.units.get(kode)
    o = Outcome(kode, unit.nama if unit else (row.get("nama") or ""), unit.email.strip() if unit else "",
                Path(row.get("file") or "").name, DILEWATI, jenis=c.jenis)
    if unit is None:
        o.keterangan = "unit ini tidak ada lagi di master; buat ulang template"
        return o
    to, bad = parse_addresses(unit.email)
    if not unit.email.strip():
        o.keterangan = "belum ada alamat e-mail di master (sheet Unit, kolom E-mail)"
        return o
    if bad:
        o.keterangan = (f"alamat e-mail di master tidak sah: {'; '.join(bad)} (tulis alamat saja, misal "
                        "nama@contoh.go.id; beberapa alamat dipisah titik koma)")
        return o
    o.alamat = ", ".join(to)
    data: bytes | None = None
    if o.berkas or c.jenis != UMPAN_BALIK:  # feedback on an unreadable file has nothing to attach
        path = job.folder / o.berkas
        if not o.berkas or not path.is_file():
            o.hasil = GAGAL
            o.keterangan = f"berkas {o.berkas or '(kosong)'} tidak ditemukan di {path.parent}; jalankan " + (
                "rbxl periksa lagi" if c.jenis == UMPAN_BALIK else "rbxl template lagi")
            return o
        data = path.read_bytes()
    o.sha256 = job.key or hashlib.sha256(data or b"").hexdigest()
    previous = None if c.ulang else c.log.sent_before(kode, o.sha256, c.jenis)
    if previous:
        o.hasil = SUDAH
        o.message_id = previous.get("message_id", "")
        o.keterangan = f"sudah terkirim {previous.get('waktu', '')} ke {previous.get('alamat', '')}"
        return o
    subject, body = c.tpl.render(template_context(c.roadmap, unit, c.tahun, c.periode, o.berkas, **job.extra))
    msg = build_message(subject=subject, body=body, sender=c.sender, sender_name=c.sender_name, to=to,
                        reply_to=c.reply_to, attachment=data, filename=o.berkas, unit=kode, tahun=c.tahun,
                        periode=c.periode, sha256=o.sha256, kind=c.jenis,
                        in_reply_to="" if c.jenis == TEMPLATE else c.log.thread_id(kode))
    o.message_id = msg["Message-ID"]
    if c.dry_run:
        name = f"{slug(kode)}.eml" if c.jenis == TEMPLATE else f"{slug(kode)}-{c.jenis}.eml"
        o.eml = write_bytes(c.result.folder / safe_filename(name), msg.as_bytes(policy=policy.SMTP))
        o.hasil, o.keterangan = CONTOH, f"uji coba, tidak dikirim: {o.eml.name}"
        return o
    if c.result.aborted:
        o.hasil, o.keterangan = GAGAL, f"tidak dicoba: {c.result.aborted}"
        return o
    assert c.transport is not None
    for attempt in range(1, c.attempts + 1):
        o.percobaan = attempt
        try:
            refused = c.transport.send(msg, c.sender, to)
        except Fatal as err:
            c.result.aborted = str(err)
            o.hasil, o.keterangan = GAGAL, str(err)
            return o
        except OSError as err:  # smtplib errors, refused connections, timeouts, TLS
            o.hasil, o.keterangan = GAGAL, f"{describe(err, c.smtp)} (percobaan {attempt} dari {c.attempts})"
            if attempt < c.attempts:
                c.sleep(c.delays[min(attempt - 1, len(c.delays) - 1)] if c.delays else 0)
            continue
        o.hasil = TERKIRIM
        o.keterangan = ""
        if refused:
            o.keterangan = "sebagian alamat ditolak: " + "; ".join(
                f"{a} ({reply(code, t)})" for a, (code, t) in refused.items())
        return o
    return o
