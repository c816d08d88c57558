"""Authenticity (issue 19): no unit can file another unit's return, or another period's.

Every return here is a template written by rbxl's own writer with the office key of its output
folder (what `rbxl generate` does), then edited the way the attacker of issue 19 did: the
hidden sheet's identity changed with openpyxl, the shared strings relabelled at zip level
(kecamatan templates share their rows), the hidden sheet removed with the visible Identitas
naming another unit, a TW2 file relabelled as TW1, e-mails from another unit's address, and
save times in 2099 or before the template was made. Each attack has a control showing the
edited file would have passed without the signature, so the test can fail.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import re
import stat
import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from conftest import require_soffice, require_ssconvert, ssconvert

from rbxl.checks.identity import read_meta
from rbxl.checks.submission import ACCEPTED, ACCEPTED_NOTES, NEEDS_FIX, REJECTED, SUPERSEDED
from rbxl.checks.validate import validate
from rbxl.core.findings import CATALOG, ERROR, INFO, WARNING
from rbxl.core.signing import (
    SIGNATURE,
    TEMPLATE_ID,
    ensure_key,
    key_path,
    load_signing,
    sign,
    verify,
)
from rbxl.form.sample import answers_for
from rbxl.form.spec import LABEL_KODE_UNIT, META_SHEET, SHEET_IDENTITAS, plan
from rbxl.intake import collect, read_workbook
from rbxl.pipeline import run_validation
from rbxl.template.generate import generate
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
DATA = Path(__file__).parent / "data" / "authenticity"
MAIL = {"INSPEKTORAT": "inspektorat@blorakab.go.id", "BAPPEDA": "bappeda@blorakab.go.id",
        "KEC-JATI": "kec.jati@blorakab.go.id", "KEC-CEPU": "kec.cepu@blorakab.go.id"}
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def with_mail(roadmap, mail: dict[str, str]):
    rm = copy.copy(roadmap)
    rm.units = dict(roadmap.units)
    for kode, address in mail.items():
        rm.units[kode] = dataclasses.replace(roadmap.units[kode], email=address)
    return rm


@pytest.fixture
def rm(roadmap):
    return with_mail(roadmap, MAIL)


def signed(out: Path, folder: Path, roadmap, unit: str, name: str | None = None, periode: str = PERIODE,
           seed: int = 0, created: dt.datetime | None = None, key: bytes | None = None) -> Path:
    """A unit's filled template, written and signed as `rbxl generate` writes it for `out`."""
    spec = plan(roadmap, unit, TAHUN, periode)
    folder.mkdir(parents=True, exist_ok=True)
    return write_template(spec, folder / (name or f"{unit}.xlsx"), answers_for(spec, seed), created=created,
                          key=key if key is not None else ensure_key(out))


def validated(paths, roadmap, out: Path):
    return run_validation([*paths], roadmap, TAHUN, PERIODE, out, workers=1).report


def codes(sub) -> list[str]:
    return [f.code for f in sub.findings]


def the(sub, code: str):
    found = [f for f in sub.findings if f.code == code]
    assert len(found) == 1, (code, codes(sub))
    return found[0]


def rezip(src: Path, dst: Path, edit) -> Path:
    """Copy a package member by member, `edit(name, bytes) -> bytes` on each (a zip-level edit)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, edit(info.filename, zin.read(info)))
    return dst


def relabel_strings(src: Path, dst: Path, pairs: list[tuple[str, str]]) -> Path:
    """The attack on kecamatan templates: only xl/sharedStrings.xml is edited."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        text = data.decode("utf-8")
        for old, new in pairs:
            text = text.replace(old, new)
        return text.encode("utf-8")
    return rezip(src, dst, edit)


def set_saved_time(src: Path, dst: Path, when: str) -> Path:
    """docProps/core.xml says the file was saved at `when` (the meta sheet is untouched)."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "docProps/core.xml":
            return data
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + when.encode() + rb"\2", data)
    return rezip(src, dst, edit)


def as_email(path: Path, target: Path, sender: str, inner_zip: bool = False) -> Path:
    msg = EmailMessage()
    msg["From"] = f"Operator <{sender}>"
    msg["To"] = "organisasi@blorakab.go.id"
    msg["Subject"] = "Laporan monitoring RB"
    msg["Date"] = "Mon, 03 Apr 2023 10:00:00 +0700"
    msg.set_content("Terlampir laporan.")
    if inner_zip:
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(path.name, path.read_bytes())
        msg.add_attachment(buf.getvalue(), maintype="application", subtype="zip", filename="laporan.zip")
    else:
        msg.add_attachment(path.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=path.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(msg))
    path.unlink()
    return target


# --------------------------------------------------------------------------- the key and the signature

def test_generate_makes_one_private_key_beside_the_output_and_signs_every_template(roadmap, tmp_path):
    out = tmp_path / "hasil"
    first = generate(roadmap, TAHUN, PERIODE, out, units=["KEC-JATI", "KEC-CEPU"], workers=1)
    path = key_path(out)
    assert path == out / ".rbxl-kunci"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_signing(out).key
    assert key is not None and len(key) == 32
    generate(roadmap, TAHUN, "TW2", out, units=["KEC-JATI"], workers=1)
    assert load_signing(out).key == key  # made once: a second run never replaces it
    ids = set()
    for g in first:
        meta = read_meta(read_workbook(collect([g.file])[0][0]))
        assert meta is not None and verify(meta, key)
        assert meta[SIGNATURE].startswith("v1:") and meta["unit"] == g.unit
        ids.add(meta[TEMPLATE_ID])
        with zipfile.ZipFile(g.file) as zf:  # the key itself is never inside a template
            blob = b"".join(zf.read(n) for n in zf.namelist())
        assert key.hex().encode() not in blob and key not in blob
    assert len(ids) == 2


def test_signature_covers_every_identity_entry(roadmap, tmp_path):
    key = ensure_key(tmp_path)
    spec = plan(roadmap, "KEC-JATI", TAHUN, PERIODE)
    meta = spec.meta() | {"dibuat": "2023-04-01T02:00:00", TEMPLATE_ID: "abc"}
    meta[SIGNATURE] = sign(meta, key)
    assert verify(meta, key)
    for entry in ("unit", "tahun", "periode", "master", "dibuat", TEMPLATE_ID, "baris:Rencana Aksi Pendukung"):
        assert entry in meta
        assert not verify(meta | {entry: meta[entry] + "x"}, key), entry
    assert not verify(meta | {"unit_lain": "KEC-CEPU"}, key)  # an added row is an edit too
    assert not verify(meta, os.urandom(32))  # another office's key


def test_a_genuine_return_is_accepted_with_no_authenticity_finding(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, tmp_path / "kiriman", rm, "KEC-JATI")
    report = validated([path], rm, out)
    sub = report.submissions[0]
    assert sub.verdict == ACCEPTED and codes(sub) == [] and report.findings == []
    assert report.chosen["KEC-JATI"] is sub


def test_generated_template_filled_with_openpyxl_stays_genuine(rm, tmp_path):
    out = tmp_path / "hasil"
    [g] = generate(rm, TAHUN, PERIODE, out, units=["INSPEKTORAT"], workers=1)
    wb = openpyxl.load_workbook(g.file)
    ws = wb[SHEET_IDENTITAS]
    for row in ws.iter_rows(min_row=5):
        if row[0].value == "Nama Pengisi":
            row[1].value = "Budi"
    path = tmp_path / "kiriman" / "inspektorat.xlsx"
    path.parent.mkdir()
    wb.save(path)
    sub = validated([path], rm, out).submissions[0]
    assert "FILE_SIGNATURE_BAD" not in codes(sub) and "FILE_UNSIGNED" not in codes(sub)
    assert sub.unit == "INSPEKTORAT" and sub.verdict == NEEDS_FIX  # the blanks are the unit's to fill


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_signature_survives_a_libreoffice_resave(rm, tmp_path, fmt):
    require_soffice()
    from soffice import convert

    out = tmp_path / "hasil"
    src = signed(out, tmp_path / "src", rm, "KEC-JATI")
    resaved = convert(src, fmt, tmp_path / "kiriman")
    sub = validated([resaved], rm, out).submissions[0]
    assert not {"FILE_SIGNATURE_BAD", "FILE_UNSIGNED"} & set(codes(sub)), codes(sub)
    assert sub.verdict in (ACCEPTED, ACCEPTED_NOTES) and sub.unit == "KEC-JATI"


def test_signature_survives_a_gnumeric_resave(rm, tmp_path):
    require_ssconvert()
    out = tmp_path / "hasil"
    src = signed(out, tmp_path / "src", rm, "KEC-JATI")
    sub = validated([ssconvert(src, tmp_path / "kiriman", "xlsx")], rm, out).submissions[0]
    assert not {"FILE_SIGNATURE_BAD", "FILE_UNSIGNED"} & set(codes(sub)), codes(sub)
    assert sub.verdict in (ACCEPTED, ACCEPTED_NOTES)


# --------------------------------------------------------------------------- the attacks of issue 19

def test_kec_jati_relabelled_as_kec_cepu_in_the_shared_strings_is_rejected(rm, tmp_path):
    jati, cepu = plan(rm, "KEC-JATI", TAHUN, PERIODE), plan(rm, "KEC-CEPU", TAHUN, PERIODE)
    assert [s.rows and [r.key for r in s.rows] for s in jati.sheets[1:]] == \
        [s.rows and [r.key for r in s.rows] for s in cepu.sheets[1:]]  # the rows are the same: only identity differs
    out = tmp_path / "hasil"
    genuine = signed(out, tmp_path / "src", rm, "KEC-JATI")
    (tmp_path / "kiriman").mkdir()
    forged = relabel_strings(genuine, tmp_path / "kiriman" / "kec-cepu.xlsx",
                             [("KEC-JATI", "KEC-CEPU"), (jati.unit_nama, cepu.unit_nama),
                              (jati.unit_singkatan, cepu.unit_singkatan)])
    # control: without the signature check this file passes as KEC-CEPU's return
    plain = validate([forged], rm, TAHUN, PERIODE, workers=1).submissions[0]
    assert plain.unit == "KEC-CEPU" and plain.verdict == ACCEPTED

    report = validated([forged], rm, out)
    sub = report.submissions[0]
    f = the(sub, "FILE_SIGNATURE_BAD")
    assert sub.verdict == REJECTED and sub.values == {} and "KEC-CEPU" not in report.chosen
    assert f.severity == ERROR and f.sheet == META_SHEET and "KEC-CEPU" in f.message
    assert "Identitas berkas diubah" in f.message


def test_hidden_identity_edited_with_openpyxl_is_rejected(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, tmp_path / "kiriman", rm, "KEC-JATI")
    wb = openpyxl.load_workbook(path)
    for row in wb[META_SHEET].iter_rows(min_row=2):
        if row[0].value == "unit":
            row[1].value = "KEC-CEPU"
    wb.save(path)
    sub = validated([path], rm, out).submissions[0]
    assert codes(sub)[0] == "FILE_SIGNATURE_BAD" and sub.verdict == REJECTED


def test_hidden_sheet_removed_and_identitas_naming_another_unit_is_rejected(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, tmp_path / "kiriman", rm, "KEC-JATI")
    cepu = rm.units["KEC-CEPU"]
    wb = openpyxl.load_workbook(path)
    wb.remove(wb[META_SHEET])
    for row in wb[SHEET_IDENTITAS].iter_rows():
        if row[0].value == LABEL_KODE_UNIT:
            row[1].value = cepu.kode
        elif row[0].value == "Unit Kerja":
            row[1].value = cepu.nama
    wb.save(path)
    plain = validate([path], rm, TAHUN, PERIODE, workers=1).submissions[0]
    assert plain.unit == "KEC-CEPU" and plain.verdict in (ACCEPTED, ACCEPTED_NOTES)  # control

    sub = validated([path], rm, out).submissions[0]
    assert codes(sub) == ["FILE_META_MISSING", "FILE_UNSIGNED"] and sub.verdict == REJECTED
    assert "identitas tersembunyi tidak ada" in the(sub, "FILE_UNSIGNED").message


def test_tw2_file_relabelled_as_tw1_is_rejected(rm, tmp_path):
    out = tmp_path / "hasil"
    tw2 = signed(out, tmp_path / "src", rm, "KEC-JATI", periode="TW2")
    (tmp_path / "kiriman").mkdir()
    forged = relabel_strings(tw2, tmp_path / "kiriman" / "KEC-JATI.xlsx",
                             [("Triwulan II 2023", "Triwulan I 2023"), ("30 Juni", "31 Maret"),
                              ("<t>TW2</t>", "<t>TW1</t>")])
    plain = validate([forged], rm, TAHUN, PERIODE, workers=1).submissions[0]
    # control: without the key it passes for TW1; only its Tanggal Pengisian (in July) is outside TW1's window
    assert plain.periode == "TW1" and plain.verdict == ACCEPTED_NOTES and codes(plain) == ["VALUE_DATE_OUTSIDE"]

    sub = validated([forged], rm, out).submissions[0]
    assert codes(sub) == ["FILE_SIGNATURE_BAD"] and sub.verdict == REJECTED
    # the genuine TW2 file itself is told it is for another period, as before
    # (the period is cumulative: the forged copy is in the archive and read again beside it)
    genuine = next(s for s in validated([tw2], rm, out).submissions if s.item.source == str(tw2))
    assert codes(genuine) == ["FILE_WRONG_PERIOD"]


def test_template_made_without_or_with_another_key_is_not_accepted(rm, tmp_path):
    out = tmp_path / "hasil"
    ensure_key(out)
    folder = tmp_path / "kiriman"
    spec = plan(rm, "BAPPEDA", TAHUN, PERIODE)
    folder.mkdir()
    unsigned = write_template(spec, folder / "tanpa-tanda.xlsx", answers_for(spec))
    elsewhere = signed(out, folder, rm, "INSPEKTORAT", key=os.urandom(32))
    report = validated([unsigned, elsewhere], rm, out)
    by = {s.item.name: s for s in report.submissions}
    assert codes(by["tanpa-tanda.xlsx"]) == ["FILE_UNSIGNED"]
    assert codes(by["INSPEKTORAT.xlsx"]) == ["FILE_SIGNATURE_BAD"]
    assert report.chosen == {}
    assert not any(p.path for p in run_validation([folder], rm, TAHUN, PERIODE, out, workers=1).perbaikan)


def test_perbaikan_file_is_signed_and_its_return_accepted(rm, tmp_path):
    out = tmp_path / "hasil"
    spec = plan(rm, "INSPEKTORAT", TAHUN, PERIODE)
    answers = answers_for(spec)
    ra = spec.sheets[1].rows[0].key
    answers[(spec.sheets[1].name, ra, "progres")] = "sebagian"
    (tmp_path / "kiriman").mkdir()
    path = write_template(spec, tmp_path / "kiriman" / "a.xlsx", answers, key=ensure_key(out))
    done = run_validation([path], rm, TAHUN, PERIODE, out, workers=1)
    [p] = [p for p in done.perbaikan if p.path]
    meta = read_meta(read_workbook(collect([p.path])[0][0]))
    assert meta is not None and verify(meta, ensure_key(out))
    back = tmp_path / "kembali"
    back.mkdir()
    returned = back / p.path.name
    returned.write_bytes(p.path.read_bytes())  # the unit sends the perbaikan file back as it is
    sub = validated([returned], rm, out).submissions[0]
    assert not {"FILE_SIGNATURE_BAD", "FILE_UNSIGNED"} & set(codes(sub)) and sub.unit == "INSPEKTORAT"


def test_missing_key_is_one_warning_not_silent_acceptance(rm, tmp_path):
    made = tmp_path / "kantor-lain"
    path = signed(made, tmp_path / "kiriman", rm, "INSPEKTORAT")
    out = tmp_path / "hasil"  # validated in a folder whose key is not there
    report = validated([path], rm, out)
    assert [f.code for f in report.findings] == ["FILE_SIGNATURE_UNCHECKED"]
    f = report.findings[0]
    assert f.severity == WARNING and str(out / ".rbxl-kunci") in f.message
    assert report.submissions[0].verdict == ACCEPTED  # the unit is not blamed for the office's missing key
    assert not key_path(out).exists()  # validation never makes a key


def test_key_file_in_an_input_folder_is_never_read_or_archived(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, out / "kiriman", rm, "INSPEKTORAT")
    report = validated([out], rm, out)  # the operator points validate at the whole output folder
    assert [s.item.source for s in report.submissions] == [str(path)]
    assert not any(".rbxl-kunci" in i.source for i in report.kept)


def _key_hex(out: str) -> str:
    return ensure_key(out).hex()


def test_concurrent_first_runs_agree_on_one_key(tmp_path):
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        keys = pool.map(_key_hex, [str(tmp_path / "hasil")] * 8)
    assert len(set(keys)) == 1 and load_signing(tmp_path / "hasil").key.hex() == keys[0]
    assert [p.name for p in (tmp_path / "hasil").iterdir()] == [".rbxl-kunci"]  # no temporary file left


def test_key_is_made_where_hard_links_are_not_allowed(tmp_path, monkeypatch):
    """Some network shares refuse hard links (EPERM); the key is then created in place, exclusively."""
    def no_links(*a, **kw):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    key = ensure_key(tmp_path)
    assert load_signing(tmp_path).key == key and stat.S_IMODE(key_path(tmp_path).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [".rbxl-kunci"]


def test_broken_key_file_stops_with_a_clear_message(rm, tmp_path):
    from rbxl.core.errors import UsageError

    out = tmp_path / "hasil"
    out.mkdir()
    key_path(out).write_text("bukan kunci\n")
    with pytest.raises(UsageError, match="rusak"):
        load_signing(out)


# --------------------------------------------------------------------------- the e-mail sender

def test_return_mailed_from_another_units_address_never_beats_the_units_own(rm, tmp_path):
    out = tmp_path / "hasil"
    inbox = tmp_path / "masuk"
    own = signed(out, tmp_path / "a", rm, "INSPEKTORAT", seed=1, created=dt.datetime(2023, 4, 2, 9))
    as_email(own, inbox / "dari-inspektorat.eml", MAIL["INSPEKTORAT"])
    later = signed(out, tmp_path / "b", rm, "INSPEKTORAT", seed=2, created=dt.datetime(2023, 4, 9, 9))
    as_email(later, inbox / "dari-bappeda.eml", MAIL["BAPPEDA"])
    report = validated([inbox], rm, out)
    by = {s.item.source.split("/")[-2].split("!")[0]: s for s in report.submissions}
    genuine, other = by["dari-inspektorat.eml"], by["dari-bappeda.eml"]
    assert report.chosen["INSPEKTORAT"] is genuine and genuine.verdict == ACCEPTED
    assert other.verdict == SUPERSEDED
    f = the(other, "EMAIL_SENDER_OTHER_UNIT")
    assert f.severity == ERROR and f.value == MAIL["BAPPEDA"]
    assert MAIL["BAPPEDA"] in f.message and MAIL["INSPEKTORAT"] in f.message and "BAPPEDA" in f.message
    assert the(other, "FILE_SENDER_OUTRANKED").params["detail"] == genuine.item.source
    # the attempt is not 'all accepted': the run says so and exits 1 (seen: exit 0, "Semua berkas diterima")
    assert report.impostors == [other] and not report.ok


def test_only_file_from_an_unknown_address_is_used_and_names_both_addresses(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, tmp_path / "a", rm, "KEC-CEPU")
    mail = as_email(path, tmp_path / "masuk" / "surat.eml", "camat.cepu@gmail.com", inner_zip=True)
    report = validated([mail], rm, out)
    sub = report.chosen["KEC-CEPU"]
    f = the(sub, "EMAIL_SENDER_UNKNOWN")
    assert "camat.cepu@gmail.com" in f.message and MAIL["KEC-CEPU"] in f.message
    assert sub.verdict == ACCEPTED_NOTES and sub.item.sender == "camat.cepu@gmail.com"  # through the zip too


def test_unit_without_address_in_the_master_is_a_note(rm, tmp_path):
    out = tmp_path / "hasil"
    path = signed(out, tmp_path / "a", rm, "DINKES")
    report = validated([as_email(path, tmp_path / "masuk" / "surat.eml", "dinkes@blorakab.go.id")], rm, out)
    sub = report.chosen["DINKES"]
    assert codes(sub) == ["EMAIL_SENDER_UNCHECKED"] and the(sub, "EMAIL_SENDER_UNCHECKED").severity == INFO
    assert sub.verdict == ACCEPTED


def test_folder_file_and_right_sender_get_no_sender_finding(rm, tmp_path):
    out = tmp_path / "hasil"
    a = signed(out, tmp_path / "masuk", rm, "BAPPEDA")
    b = as_email(signed(out, tmp_path / "x", rm, "KEC-JATI"), tmp_path / "masuk" / "jati.eml",
                 MAIL["KEC-JATI"].upper())  # case is not a different address
    report = validated([a, b], rm, out)
    assert [codes(s) for s in report.submissions] == [[], []]


# --------------------------------------------------------------------------- save times

def test_save_time_in_2099_is_flagged_and_does_not_beat_the_units_later_correction(rm, tmp_path):
    out = tmp_path / "hasil"
    folder = tmp_path / "kiriman"
    first = signed(out, tmp_path / "src", rm, "INSPEKTORAT", name="awal.xlsx", seed=1,
                   created=dt.datetime(2023, 4, 2, 9))
    folder.mkdir()
    forged = set_saved_time(first, folder / "awal.xlsx", "2099-01-01T00:00:00Z")
    os.utime(forged, (dt.datetime(2023, 4, 2, 10).timestamp(),) * 2)
    fixed = signed(out, folder, rm, "INSPEKTORAT", name="perbaikan.xlsx", seed=2, created=dt.datetime(2023, 4, 9, 9))
    os.utime(fixed, (dt.datetime(2023, 4, 9, 10).timestamp(),) * 2)
    report = validated([folder], rm, out)
    by = {s.item.name: s for s in report.submissions}
    assert report.chosen["INSPEKTORAT"] is by["perbaikan.xlsx"]
    f = the(by["awal.xlsx"], "FILE_SAVED_FUTURE")
    assert f.severity == WARNING and "2099" in f.message
    assert by["awal.xlsx"].verdict == SUPERSEDED


def test_save_time_before_the_template_was_made_is_flagged(rm, tmp_path):
    out = tmp_path / "hasil"
    src = signed(out, tmp_path / "src", rm, "INSPEKTORAT", created=dt.datetime(2023, 4, 2, 9))
    (tmp_path / "kiriman").mkdir()
    path = set_saved_time(src, tmp_path / "kiriman" / "a.xlsx", "2023-01-05T08:00:00Z")
    sub = validated([path], rm, out).submissions[0]
    f = the(sub, "FILE_SAVED_BEFORE_TEMPLATE")
    assert "2023-01-05" in f.message and "2023-04-02" in f.message and sub.saved_at is None


def test_every_new_code_is_in_the_catalogue_with_its_severity():
    assert CATALOG["FILE_UNSIGNED"].rejects and CATALOG["FILE_SIGNATURE_BAD"].rejects
    assert not CATALOG["EMAIL_SENDER_OTHER_UNIT"].rejects  # used when it is the only file, never over the unit's own
    assert CATALOG["FILE_SIGNATURE_UNCHECKED"].severity == WARNING


# --------------------------------------------------------------------------- reproducers in tests/data

REPRODUCERS = {
    "kec-cepu-dari-kec-jati.xlsx": ["FILE_SIGNATURE_BAD"],  # shared strings relabelled
    "tanpa-sheet-tersembunyi.xlsx": ["FILE_META_MISSING", "FILE_UNSIGNED"],
    "tw2-dilabel-tw1.xlsx": ["FILE_SIGNATURE_BAD"],
    "inspektorat-dari-bappeda.eml": ["EMAIL_SENDER_OTHER_UNIT"],
}


@pytest.mark.parametrize("name,expected", REPRODUCERS.items())
def test_reproducers_in_tests_data(rm, tmp_path, name, expected):
    out = tmp_path / "hasil"
    out.mkdir()
    key_path(out).write_bytes((DATA / "kunci-uji").read_bytes())  # the key the reproducers were signed with
    report = validated([DATA / name], rm, out)
    assert [codes(s)[:len(expected)] for s in report.submissions] == [expected]


# --------------------------------------------------------------------------- through a real mailbox

def test_issue_scenario_through_tarik_the_units_own_file_is_kept(rm, tmp_path):
    """Issue 19: a return for INSPEKTORAT built elsewhere and mailed from BAPPEDA's address was
    'Diterima' and the genuine one 'Digantikan'. Here both arrive in a real Dovecot, `tarik`
    saves them into masuk/, and validate keeps INSPEKTORAT's own file."""
    import dovecot
    from test_tarik import message, require_dovecot

    from rbxl.core.paths import inbox_dir
    from rbxl.mail.tarik import tarik

    require_dovecot()
    out = tmp_path / "hasil"
    own = signed(out, tmp_path / "a", rm, "INSPEKTORAT", seed=1, created=dt.datetime(2023, 4, 2, 9))
    later = signed(out, tmp_path / "b", rm, "INSPEKTORAT", seed=2, created=dt.datetime(2023, 4, 9, 9))
    jati = signed(out, tmp_path / "c", rm, "KEC-JATI")
    forged = relabel_strings(jati, tmp_path / "c" / "kec-cepu.xlsx", [("KEC-JATI", "KEC-CEPU")])
    msgs = [message("Laporan TW1", [("inspektorat.xlsx", own.read_bytes(), XLSX)], sender=MAIL["INSPEKTORAT"]),
            message("Laporan TW1", [("inspektorat.xlsx", later.read_bytes(), XLSX)], sender=MAIL["BAPPEDA"]),
            message("Laporan Cepu", [("cepu.xlsx", forged.read_bytes(), XLSX)], sender=MAIL["KEC-JATI"])]
    with dovecot.Dovecot() as server:
        server.append([m.as_bytes() for m in msgs])
        assert len(tarik(server.settings("none"), TAHUN, PERIODE, out).saved) == 3
    report = validated([inbox_dir(out, TAHUN, PERIODE)], rm, out)
    by_sender = {s.item.sender: s for s in report.submissions}
    assert set(by_sender) == {MAIL["INSPEKTORAT"], MAIL["BAPPEDA"], MAIL["KEC-JATI"]}
    assert report.chosen["INSPEKTORAT"] is by_sender[MAIL["INSPEKTORAT"]]
    assert by_sender[MAIL["BAPPEDA"]].verdict == SUPERSEDED
    assert {"EMAIL_SENDER_OTHER_UNIT", "FILE_SENDER_OUTRANKED"} <= set(codes(by_sender[MAIL["BAPPEDA"]]))
    cepu = by_sender[MAIL["KEC-JATI"]]
    assert codes(cepu) == ["EMAIL_SENDER_OTHER_UNIT", "FILE_SIGNATURE_BAD"] and cepu.verdict == REJECTED
    assert "KEC-CEPU" not in report.chosen
