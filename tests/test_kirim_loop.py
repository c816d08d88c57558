"""`rbxl kirim --umpan-balik` and `--pengingat`: feedback with the perbaikan file, reminders with
the deadline, both threaded to the template e-mail, through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
import test_kirim
from test_kirim import NO_WAIT, PERIODE, TAHUN, cli, read_log, settings, templates, with_mail

from rbxl.form import SHEET_RA_UTAMA, plan
from rbxl.kirim import CONTOH, PENGINGAT, SUDAH, TERKIRIM, UMPAN_BALIK, kirim
from rbxl.pipeline import run_validation
from rbxl.sample import answers_for
from rbxl.template import write_template

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
        write_template(spec, inbox / f"{unit}.xlsx", answers)
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
    assert "PENGINGAT" in body and f"{deadline:%d/%m/%Y} ({(deadline - day).days} hari lagi)" in body
    [att] = list(msg.iter_attachments())
    assert att.get_content() == templates(out)["BAG-HUKUM"].read_bytes()

    same_day = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=PENGINGAT, today=day, **NO_WAIT)
    assert [o.hasil for o in same_day.outcomes] == [SUDAH]
    late = deadline + dt.timedelta(days=3)
    later = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=PENGINGAT, today=late, **NO_WAIT)
    assert [o.hasil for o in later.outcomes] == [TERKIRIM]
    assert "sudah lewat 3 hari" in server.messages()[-1].get_body(("plain",)).get_content()


def test_feedback_without_a_validate_run_says_what_to_do(rm, out):
    from rbxl.errors import UsageError

    with pytest.raises(UsageError, match="rbxl validate"):
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
    write_template(spec, inbox / "BAG-HUKUM.xlsx", answers_for(spec))
    checked = run_validation([inbox], rm, TAHUN, PERIODE, out, workers=1)
    assert [(p.unit, p.path) for p in checked.perbaikan if p.unit == "BAG-HUKUM"] == [("BAG-HUKUM", None)]
    result = kirim(rm, TAHUN, PERIODE, out, smtp=settings(server.port), jenis=UMPAN_BALIK, **NO_WAIT)
    assert {o.unit: o.hasil for o in result.outcomes} == {"BAPPEDA": TERKIRIM, "BAG-HUKUM": TERKIRIM}
    hukum = next(m for m in server.messages() if m["To"] == MAIL["BAG-HUKUM"])
    assert not list(hukum.iter_attachments())
    assert "FILE_WRONG_PERIOD" not in hukum.get_body(("plain",)).get_content()  # prose, not codes
    assert "Ditolak" in hukum.get_body(("plain",)).get_content()
