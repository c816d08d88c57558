"""`rbxl kirim --umpan-balik` and `--pengingat`: feedback with the perbaikan file, reminders with
the deadline, both threaded to the template e-mail, through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser

import pytest
import test_kirim
from test_kirim import NO_WAIT, PERIODE, TAHUN, cli, read_log, settings, templates, with_mail

from rbxl.consolidation.figures import LATE, ON_TIME
from rbxl.consolidation.tables import NOT_RETURNED, REJECTED_FILE
from rbxl.core.signing import ensure_key
from rbxl.core.values import format_date
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.mail.kirim import CONTOH, PENGINGAT, SUDAH, TERKIRIM, UMPAN_BALIK, kirim
from rbxl.pipeline import run_consolidation, run_validation
from rbxl.riwayat.trend import history
from rbxl.store import open_store
from rbxl.template.generate import generate, template_name
from rbxl.template.write import write_template

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
MAIL = {"BAPPEDA": "bappeda@blorakab.go.id", "INSPEKTORAT": "inspektorat@blorakab.go.id",
        "BAG-HUKUM": "hukum@blorakab.go.id"}


env, out, server = test_kirim.env, test_kirim.out, test_kirim.server  # the same fixtures as kirim's tests


@pytest.fixture
def rm(roadmap):
    return with_mail(roadmap, MAIL)


@pytest.fixture
def returned(rm, out, tmp_path):
    """BAPPEDA returns a file with a wrong progres, INSPEKTORAT a correct one, BAG-HUKUM nothing."""
    inbox = tmp_path / "kiriman"
    inbox.mkdir()
    for unit in ("BAPPEDA", "INSPEKTORAT"):
        spec = plan(rm, unit, TAHUN, PERIODE)
        answers = answers_for(spec)
        if unit == "BAPPEDA":
            answers[(SHEET_RA_UTAMA, spec.sheet(SHEET_RA_UTAMA).rows[0].key, "progres")] = "sebagian"
        write_template(spec, inbox / f"{unit}.xlsx", answers, key=ensure_key(out))  # the office's signed template
    return run_validation([inbox], rm, TAHUN, PERIODE, out, workers=1)


def sent_ids(out) -> dict[str, str]:
    return {r["unit"]: r["message_id"] for r in read_log(out) if r["hasil"] == TERKIRIM and r["jenis"] == "template"}


def test_feedback_goes_to_the_unit_that_must_fix_with_its_perbaikan_file_in_the_thread(rm, out, server, returned):
    kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    template_ids = sent_ids(out)
    server.envelopes.clear()

    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=UMPAN_BALIK, **NO_WAIT)
    assert [(o.unit, o.hasil) for o in result.outcomes] == [("BAPPEDA", TERKIRIM)]
    [msg] = server.messages()
    assert msg["To"] == MAIL["BAPPEDA"]
    # (a long Message-ID header is folded onto its own line)
    assert msg["In-Reply-To"].strip() == template_ids["BAPPEDA"] == msg["References"].strip()
    assert msg["Subject"].startswith("Re: ") and rm.units["BAPPEDA"].nama in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    [perbaikan] = [p for p in returned.perbaikan if p.unit == "BAPPEDA"]
    assert "UMPAN BALIK" in body and "sebagian" in body and "Perlu perbaikan" in body
    assert perbaikan.path.name in body and "{" not in body, body
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == perbaikan.path.name and att.get_content() == perbaikan.path.read_bytes()
    assert "jenis=umpan-balik" in msg["X-RBXL"]

    # no double sends: the same findings are not sent again, unless --ulang
    again = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=UMPAN_BALIK, **NO_WAIT)
    assert [o.hasil for o in again.outcomes] == [SUDAH] and len(server.envelopes) == 1
    forced = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=UMPAN_BALIK, ulang=True, **NO_WAIT)
    assert [o.hasil for o in forced.outcomes] == [TERKIRIM] and len(server.envelopes) == 2
    assert [r["jenis"] for r in read_log(out)].count(UMPAN_BALIK) == 2


def test_reminder_goes_only_to_units_that_have_not_returned_once_a_day(rm, out, server, returned):
    kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), **NO_WAIT)
    template_ids = sent_ids(out)
    server.envelopes.clear()
    day = dt.date(2023, 4, 10)

    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=PENGINGAT, today=day, **NO_WAIT)
    assert [(o.unit, o.hasil) for o in result.outcomes] == [("BAG-HUKUM", TERKIRIM)]
    [msg] = server.messages()
    assert msg["In-Reply-To"].strip() == template_ids["BAG-HUKUM"]
    body = msg.get_body(("plain",)).get_content()
    deadline = rm.jadwal[(TAHUN, PERIODE)]
    assert "PENGINGAT" in body and f"{format_date(deadline)} ({(deadline - day).days} hari lagi)" in body
    [att] = list(msg.iter_attachments())
    assert att.get_content() == templates(out)["BAG-HUKUM"].read_bytes()

    same_day = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=PENGINGAT, today=day, **NO_WAIT)
    assert [o.hasil for o in same_day.outcomes] == [SUDAH]
    late = deadline + dt.timedelta(days=3)
    later = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=PENGINGAT, today=late, **NO_WAIT)
    assert [o.hasil for o in later.outcomes] == [TERKIRIM]
    assert "sudah lewat 3 hari" in server.messages()[-1].get_body(("plain",)).get_content()


def test_feedback_without_a_validate_run_says_what_to_do(rm, out):
    from rbxl.core.errors import UsageError

    with pytest.raises(UsageError, match="rbxl periksa"):
        kirim(rm, TAHUN, PERIODE, out, dry_run=True, jenis=UMPAN_BALIK)


def test_cli_dry_run_reminder_and_exclusive_options(rm, out, env, returned):
    result = cli(env, rm, out, "--pengingat", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "BAG-HUKUM" in result.output and "Uji coba" in result.output
    drafts = list((out / f"{TAHUN}-{PERIODE}" / "email").glob("*-pengingat.eml"))
    assert [p.name for p in drafts] == ["BAG-HUKUM-pengingat.eml"]
    assert read_log(out)[-1]["hasil"] == CONTOH
    result = cli(env, rm, out, "--pengingat", "--umpan-balik")
    assert result.exit_code == 2


def test_feedback_on_an_unreadable_file_is_text_only(rm, out, server, returned, tmp_path):
    spec = plan(rm, "BAG-HUKUM", TAHUN, "TW2")  # the wrong period: rejected, its cells not this period's
    inbox = tmp_path / "kiriman"
    write_template(spec, inbox / "BAG-HUKUM.xlsx", answers_for(spec), key=ensure_key(out))
    checked = run_validation([inbox], rm, TAHUN, PERIODE, out, workers=1)
    assert [(p.unit, p.path) for p in checked.perbaikan if p.unit == "BAG-HUKUM"] == [("BAG-HUKUM", None)]
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=UMPAN_BALIK, **NO_WAIT)
    assert {o.unit: o.hasil for o in result.outcomes} == {"BAPPEDA": TERKIRIM, "BAG-HUKUM": TERKIRIM}
    hukum = next(m for m in server.messages() if m["To"] == MAIL["BAG-HUKUM"])
    assert not list(hukum.iter_attachments())
    assert "FILE_WRONG_PERIOD" not in hukum.get_body(("plain",)).get_content()  # prose, not codes
    assert "Ditolak" in hukum.get_body(("plain",)).get_content()


# --------------------------------------------------------------------------- late again (riwayat store)
LATE_AGAIN = {"BAPPEDA": ON_TIME, "INSPEKTORAT": LATE, "BAG-HUKUM": NOT_RETURNED, "DPK": REJECTED_FILE}


@pytest.fixture
def tw1_recorded(roadmap, out, tmp_path):
    """Two periods: TW1 consolidated into the store (<out>/rbxl.sqlite) with BAPPEDA on time,
    INSPEKTORAT after the deadline, BAG-HUKUM silent and DPK sending another period's template
    (rejected); then the TW2 templates, which nobody has returned yet."""
    rm = with_mail(roadmap, {**MAIL, "DPK": "dpk@blorakab.go.id"})
    deadline = rm.jadwal[(TAHUN, "TW1")]
    inbox = tmp_path / "tw1"
    for unit, periode, saved in (("BAPPEDA", "TW1", deadline - dt.timedelta(days=5)),
                                 ("INSPEKTORAT", "TW1", deadline + dt.timedelta(days=3)),
                                 ("DPK", "TW2", deadline - dt.timedelta(days=1))):
        spec = plan(rm, unit, TAHUN, periode)
        write_template(spec, inbox / template_name(spec), answers_for(spec), key=ensure_key(out),
                       created=dt.datetime.combine(saved, dt.time(9, 0)))
    run_consolidation([inbox], rm, TAHUN, "TW1", out, workers=1)
    generate(rm, TAHUN, "TW2", out, units=[*LATE_AGAIN], workers=1)
    return rm


def test_reminder_says_when_a_unit_is_late_again_from_the_store(tw1_recorded, out, server):
    rm = tw1_recorded
    with open_store(out / "rbxl.sqlite", create=False) as st:  # the trend view holds the TW1 states
        h = history(st, rm, TAHUN)
    assert h.labels == ["TW1"] and {u: h.unit(u).ketepatan[0] for u in LATE_AGAIN} == LATE_AGAIN

    result = kirim(rm, TAHUN, "TW2", out, smtp=settings(server.port), jenis=PENGINGAT,
                   today=dt.date(2023, 7, 10), **NO_WAIT)
    assert sorted((o.unit, o.hasil) for o in result.outcomes) == sorted((u, TERKIRIM) for u in LATE_AGAIN)
    bodies = {next(u for u, a in {**MAIL, "DPK": "dpk@blorakab.go.id"}.items() if a == m["To"]):
              m.get_body(("plain",)).get_content() for m in server.messages()}
    said = "Berkas Triwulan I 2023 dari unit Bapak/Ibu juga"
    assert said not in bodies["BAPPEDA"]
    assert f"{said} kami terima setelah batas waktu." in bodies["INSPEKTORAT"]
    assert f"{said} tidak kami terima." in bodies["BAG-HUKUM"]
    assert f"{said} tidak dapat kami pakai karena ditolak." in bodies["DPK"]
    assert "Batas waktu pengembalian: " in bodies["BAG-HUKUM"].split(said)[0]  # one paragraph with the deadline

    # TW1 has no earlier period in the year: its reminder says nothing about history
    first = kirim(rm, TAHUN, "TW1", out, dry_run=True, jenis=PENGINGAT, today=dt.date(2023, 4, 10))
    assert [o.unit for o in first.outcomes] == ["BAG-HUKUM"]
    draft = BytesParser(policy=policy.default).parsebytes(first.outcomes[0].eml.read_bytes())
    assert "PENGINGAT" in (text := draft.get_body(("plain",)).get_content()) and "juga" not in text


def test_reminder_with_an_unusable_store_stops_like_consolidate(rm, out, env, tmp_path):
    bad = tmp_path / "bukan.sqlite"
    bad.write_bytes(b"bukan riwayat " * 10)
    result = cli(env, rm, out, "--pengingat", "--dry-run", "--db", str(bad))
    assert result.exit_code == 4 and "bukan basis data riwayat" in result.output and str(bad) in result.output
    assert bad.read_bytes() == b"bukan riwayat " * 10
    assert not (out / f"{TAHUN}-{PERIODE}" / "email").exists()  # nothing sent, nothing written
