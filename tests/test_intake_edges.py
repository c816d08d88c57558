"""E-mail and archive edge cases of issue 19: what the guard, the walk and the logs must not miss.

Each test builds its own minimal reproducer (hostile builders that return bytes are named
*_bytes, as in tests/hostile.py) next to a valid return, and checks that the inputs stay
byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from rbxl.checks.submission import ACCEPTED, ACCEPTED_NOTES, NEEDS_FIX, REJECTED
from rbxl.checks.validate import validate
from rbxl.core.xlsx import cell_name
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.intake.walk import MAX_DEPTH
from rbxl.pipeline import run_validation
from rbxl.template.write import write_template

TAHUN, PERIODE = 2023, "TW1"
UNIT = "KEC-JATI"


@pytest.fixture(scope="module")
def spec(roadmap):
    return plan(roadmap, UNIT, TAHUN, PERIODE)


@pytest.fixture(scope="module")
def good(spec, tmp_path_factory) -> Path:
    return write_template(spec, tmp_path_factory.mktemp("baik") / f"{UNIT}.xlsx", answers_for(spec))


def progress_cell(spec, n: int = 0) -> tuple[str, str]:
    """(row key, A1) of the n-th Rencana Aksi Utama row's progres cell."""
    s = spec.sheet(SHEET_RA_UTAMA)
    return s.rows[n].key, cell_name(s.first_row + n, s.col("progres"))


def fingerprints(folder: Path) -> dict[str, str]:
    """Every file under `folder` by its SHA-256 (inputs must stay byte-identical)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def run(paths, roadmap, out=None):
    paths = paths if isinstance(paths, list) else [paths]
    if out is not None:
        return run_validation(paths, roadmap, TAHUN, PERIODE, out, workers=2).report
    return validate(paths, roadmap, TAHUN, PERIODE, workers=2)


def sub_of(report, suffix: str):
    found = [s for s in report.submissions if s.item.source.endswith(suffix)]
    assert len(found) == 1, (suffix, [s.item.source for s in report.submissions])
    return found[0]


# --- formulas, whatever the attribute order or quoting ---------------------------------------

def _sheet_part(data: bytes, sheet: str) -> str:
    from rbxl.intake.guard import Budget, _sheet_parts

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = _sheet_parts(zf, set(zf.namelist()), "x", Budget())
    return next(part for part, name in parts.items() if name == sheet)


def rewrite_cell_bytes(data: bytes, sheet: str, cell: str, element: str) -> bytes:
    """The package with one cell element of `sheet` replaced by `element` (raw XML, as a hostile app writes)."""
    part = _sheet_part(data, sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == part:
                pattern = re.compile(rb'<c r="' + cell.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
                body, n = pattern.subn(element.encode(), body)
                assert n == 1, (cell, n)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("element", [
    '<c s="3" r="{cell}"><f>1+1</f><v>2</v></c>',  # r after s
    '<c t="str" r="{cell}"><f>HYPERLINK("http://x","klik")</f><v>klik</v></c>',
    "<c r='{cell}'><f>1+1</f><v>2</v></c>",  # single quotes
    '<c r = "{cell}" s="1>"><f>1+1</f><v>2</v></c>',  # spaces around '=', a '>' inside a value
    '<c r="{cell}"><v>2</v><f>1+1</f></c>',  # the cached value first
], ids=["s-first", "t-str-hyperlink", "single-quote", "spaces-gt", "v-first"])
def test_formula_found_whatever_the_attribute_order_or_quoting(roadmap, spec, good, tmp_path, element):
    key, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "rumus.xlsx"
    bad.write_bytes(rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, element.format(cell=cell)))
    sub = sub_of(run(folder, roadmap), "rumus.xlsx")
    found = [(f.sheet, f.cell) for f in sub.findings if f.code == "VALUE_FORMULA"]
    assert found == [(SHEET_RA_UTAMA, cell)]
    assert sub.verdict == NEEDS_FIX
    assert (SHEET_RA_UTAMA, key, "progres") not in sub.values  # the cached value is never used


def test_the_same_cell_without_a_formula_is_read(roadmap, spec, good, tmp_path):
    """Control: the rewrite itself (reordered attributes, single quotes) changes nothing else."""
    key, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    ok = folder / "tanpa-rumus.xlsx"
    ok.write_bytes(rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, f"<c s='3' r='{cell}'><v>42</v></c>"))
    sub = sub_of(run(folder, roadmap), "tanpa-rumus.xlsx")
    assert not [f for f in sub.findings if f.code == "VALUE_FORMULA"]
    assert sub.values[(SHEET_RA_UTAMA, key, "progres")] == 42


# --- zips with two readings ----------------------------------------------------------------------

def _records(data: bytes) -> tuple[bytes, bytes, int]:
    """(local records, central directory, entry count) of a plain zip without a comment."""
    eocd = data.rfind(b"PK\x05\x06")
    n, size_cd, off_cd = struct.unpack("<HII", data[eocd + 10:eocd + 20])
    return data[:off_cd], data[off_cd:off_cd + size_cd], n


def second_end_record_bytes(real: bytes, decoy: bytes) -> bytes:
    """`real` whose zip comment holds a whole `decoy` package: zipfile reads the last end record (the
    decoy's), a reader that checks the comment length reads `real`."""
    return real[:-2] + struct.pack("<H", len(decoy) + 1) + decoy + b"\0"


def moved_directory_bytes(real: bytes, decoy: bytes) -> bytes:
    """One end record whose central-directory offset names `real`'s directory while the directory
    just before it (where zipfile looks, taking the difference for prepended data) is `decoy`'s."""
    rm, rcd, _ = _records(real)
    dm, dcd, dn = _records(decoy)
    a, b = len(rm), len(rm) + len(rcd)
    shift = b - (b + len(dm) - a)  # zipfile adds (where the directory is - where it is said to be)
    entries, i = b"", 0
    while i < len(dcd):
        n, e, c = struct.unpack("<HHH", dcd[i + 28:i + 34])
        entry = bytearray(dcd[i:i + 46 + n + e + c])
        struct.pack_into("<I", entry, 42, struct.unpack_from("<I", entry, 42)[0] + shift)
        entries += bytes(entry)
        i += 46 + n + e + c
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, dn, dn, len(entries), a, 0)
    return rm + rcd + dm + entries + eocd


def overlapping_members_bytes(name: str, data: bytes) -> bytes:
    """A zip of returns listing `name` twice over the same bytes: once as its own member, once inside
    the stored data of another member (David Fifield's overlap), so two readers extract different files."""
    one = io.BytesIO()
    with zipfile.ZipFile(one, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(name, data)
    record, _, _ = _records(one.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("sampul.txt", record)
        zf.writestr(name, data)
    raw = bytearray(out.getvalue())
    _, cd, _ = _records(bytes(raw))
    eocd = raw.rfind(b"PK\x05\x06")
    (off_cd,) = struct.unpack_from("<I", raw, eocd + 16)
    n0, e0, c0 = struct.unpack_from("<HHH", raw, off_cd + 28)
    second = off_cd + 46 + n0 + e0 + c0
    struct.pack_into("<I", raw, second + 42, 30 + len("sampul.txt"))  # into sampul.txt's data
    return bytes(raw)


@pytest.fixture(scope="module")
def formula_package(spec, good) -> bytes:
    """The good return with a formula in a progres cell: what the decoy would hide."""
    _, cell = progress_cell(spec)
    return rewrite_cell_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, f'<c r="{cell}"><f>1+1</f><v>77</v></c>')


@pytest.mark.parametrize("build", [second_end_record_bytes, moved_directory_bytes], ids=["comment", "directory"])
def test_a_package_with_two_readings_is_refused(roadmap, good, formula_package, tmp_path, build):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dua.xlsx").write_bytes(build(formula_package, good.read_bytes()))
    (folder / good.name).write_bytes(good.read_bytes())
    before = fingerprints(folder)
    report = run(folder, roadmap, out=tmp_path / "out")
    bad = sub_of(report, "dua.xlsx")
    assert [f.code for f in bad.findings] == ["FILE_ZIP_AMBIGUOUS"] and bad.verdict == REJECTED
    assert "dua cara" in bad.findings[0].message
    assert sub_of(report, good.name).verdict in (ACCEPTED, ACCEPTED_NOTES)
    assert fingerprints(folder) == before


def test_a_zip_of_returns_with_overlapping_members_is_refused(roadmap, good, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kiriman.zip").write_bytes(overlapping_members_bytes(good.name, good.read_bytes()))
    report = run(folder, roadmap)
    assert [(Path(f.file).name, f.code) for f in report.findings if f.code == "FILE_ZIP_AMBIGUOUS"] == [
        ("kiriman.zip", "FILE_ZIP_AMBIGUOUS")]
    assert not [s for s in report.submissions if s.item.source.endswith(good.name)]  # nothing read from it


def test_a_zip_of_returns_with_a_stored_workbook_has_one_reading(roadmap, good, tmp_path):
    """Control: a stored xlsx inside a zip carries its own zip records; that is one reading, not two."""
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "kiriman.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("tersimpan/" + good.name), good.read_bytes(), zipfile.ZIP_STORED)
        zf.writestr("surat.txt", "Terlampir laporan kami.", zipfile.ZIP_DEFLATED)
    report = run(folder, roadmap)
    assert not [f for f in report.findings if f.code == "FILE_ZIP_AMBIGUOUS"]
    assert sub_of(report, good.name).verdict in (ACCEPTED, ACCEPTED_NOTES)


# --- the walk: links swapped in, deep trees, long paths, unreadable folders, names like rbxl's temp files ---

def remove_tree(top: Path) -> None:
    """Delete a tree of any depth without recursion, holding one folder descriptor at a time
    (shutil.rmtree, and pytest's cleanup of tmp_path with it, recurses and fails on 1,200 levels)."""
    if not os.path.lexists(top):
        return
    flags = os.O_RDONLY | os.O_DIRECTORY
    fd, names = os.open(top, flags), []
    while True:
        sub = None
        with os.scandir(fd) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    sub = e.name
                    break
                os.unlink(e.name, dir_fd=fd)
        if sub is not None:
            nfd = os.open(sub, flags | os.O_NOFOLLOW, dir_fd=fd)
            os.chmod(nfd, 0o755)
            os.close(fd)
            fd, names = nfd, [*names, sub]
            continue
        if not names:
            os.close(fd)
            os.rmdir(top)
            return
        parent = os.open("..", flags, dir_fd=fd)
        os.close(fd)
        fd = parent
        os.rmdir(names.pop(), dir_fd=fd)


def nest(top: Path, names: list[str], leaf: tuple[str, bytes] | None = None) -> None:
    """Folders `names` one inside the other under `top`, made relative to each parent's descriptor (so
    no path handed to the system exceeds its limit); `leaf` is a file written at the bottom."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            os.mkdir(name, dir_fd=fd)
            nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        if leaf:
            wfd = os.open(leaf[0], os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
            os.write(wfd, leaf[1])
            os.close(wfd)
    finally:
        os.close(fd)


def cli(*args, preexec_fn=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "rbxl", *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, preexec_fn=preexec_fn)


def json_findings(result) -> list[dict]:
    return json.loads(result.stdout)


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(good, tmp_path):
    from rbxl.intake.collect import _guarded, _Run
    from rbxl.intake.walk import FILE, Tree

    folder, secret = tmp_path / "in", tmp_path / "rahasia"
    (folder / "sub").mkdir(parents=True)
    secret.mkdir()
    (secret / "shadow").write_text("root:$6$rahasia", encoding="utf-8")
    (secret / "b.xlsx").write_text("root:$6$rahasia", encoding="utf-8")
    (folder / "a.xlsx").write_bytes(good.read_bytes())
    (folder / "sub" / "b.xlsx").write_bytes(good.read_bytes())
    with Tree([folder]) as tree:
        entries = {e.path.name: e for e in tree.entries if e.kind == FILE}
        assert set(entries) == {"a.xlsx", "b.xlsx"}
        (folder / "a.xlsx").unlink()  # between listing and reading: the file becomes a link ...
        (folder / "a.xlsx").symlink_to(secret / "shadow")
        (folder / "sub").rename(tmp_path / "sub-lama")  # ... and a folder on the way becomes one
        (folder / "sub").symlink_to(secret, target_is_directory=True)
        run = _Run()
        for entry in entries.values():
            _guarded(tree, entry, run)
    assert run.items == []  # nothing read through a link
    assert sorted((Path(f.file).name, f.code) for f in run.findings) == [("a.xlsx", "FILE_SKIPPED"),
                                                                         ("b.xlsx", "FILE_SKIPPED")]
    assert all("tautan simbolik" in f.message for f in run.findings)


def test_a_link_named_on_the_command_line_is_followed_once(roadmap, good, tmp_path):
    """The operator's own choice: a named link is followed (resolved when the run starts)."""
    link = tmp_path / "pintasan.xlsx"
    link.symlink_to(good)
    report = run(link, roadmap)
    assert [(s.item.source, s.verdict) for s in report.submissions] == [(str(link), ACCEPTED)]  # named as typed


def test_1200_nested_folders_cost_one_finding_and_the_run_goes_on(good, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / good.name).write_bytes(good.read_bytes())
    try:
        nest(folder, ["d"] * 1200, ("dalam.xlsx", good.read_bytes()))
        before = (folder / good.name).read_bytes()
        result = cli("validate", folder, "--tahun", TAHUN, "--periode", PERIODE, "--out", tmp_path / "out", "--json")
        assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
        deep = [f for f in json_findings(result) if f["code"] == "FOLDER_TOO_DEEP"]
        assert len(deep) == 1 and deep[0]["file"] == str(folder.joinpath(*["d"] * (MAX_DEPTH + 1)))
        assert "32 tingkat" in deep[0]["message"]
        assert (tmp_path / "out" / "2023-TW1" / "temuan-2023-TW1.xlsx").is_file()  # the rest was checked and written
        assert (folder / good.name).read_bytes() == before
    finally:
        remove_tree(folder)


def test_a_path_longer_than_path_max_is_read(roadmap, tmp_path):
    other = write_template(plan(roadmap, "INSPEKTORAT", TAHUN, PERIODE), tmp_path / "INSPEKTORAT.xlsx",
                           answers_for(plan(roadmap, "INSPEKTORAT", TAHUN, PERIODE)))
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"{i:02d}-" + "folder-unit-yang-sangat-panjang-" * 7 for i in range(20)]
    try:
        nest(folder, names, ("INSPEKTORAT.xlsx", other.read_bytes()))
        assert len(str(folder.joinpath(*names, "INSPEKTORAT.xlsx")).encode()) > 4096
        result = cli("validate", folder, "--tahun", TAHUN, "--periode", PERIODE, "--out", tmp_path / "out", "--json")
        assert result.returncode == 0, result.stderr
        assert [f["code"] for f in json_findings(result)] == ["FILE_SIGNATURE_UNCHECKED"]
        log = (tmp_path / "out" / "2023-TW1" / "arsip" / "log.csv").read_text(encoding="utf-8")
        assert "INSPEKTORAT.xlsx" in log and hashlib.sha256(other.read_bytes()).hexdigest() in log
    finally:
        remove_tree(folder)


def _without_read_override() -> None:
    """In the child (run as root): drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding
    set before exec, so the kernel applies the folder's 0o000 to root as to anyone."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="folder permissions as Linux applies them")
def test_a_folder_without_read_permission_is_named(good, tmp_path):
    folder = tmp_path / "in"
    (folder / "tertutup").mkdir(parents=True)
    (folder / "tertutup" / "KEC-JATI-2.xlsx").write_bytes(good.read_bytes())
    (folder / good.name).write_bytes(good.read_bytes())
    (folder / "tertutup").chmod(0o000)
    try:
        result = cli("validate", folder, "--tahun", TAHUN, "--periode", PERIODE, "--out", tmp_path / "out", "--json",
                     preexec_fn=_without_read_override if os.geteuid() == 0 else None)
        assert result.returncode == 1, result.stderr
        found = [(f["code"], f["file"]) for f in json_findings(result) if f["code"].startswith("FOLDER")]
        assert found == [("FOLDER_UNREADABLE", str(folder / "tertutup"))]
        msg = next(f["message"] for f in json_findings(result) if f["code"] == "FOLDER_UNREADABLE")
        assert "tidak ada izin" in msg and "tidak diperiksa" in msg
    finally:
        (folder / "tertutup").chmod(0o755)


@pytest.mark.parametrize("where", ["kiriman", ""], ids=["subfolder", "period-folder"])
def test_a_unit_file_named_like_rbxl_temp_files_is_named_never_deleted(roadmap, good, tmp_path, where):
    out = tmp_path / "out"
    folder = out / "2023-TW1" / where if where else out / "2023-TW1"
    folder.mkdir(parents=True)
    unit_file = folder / ".~rbxl-abcd1234.xlsx"  # what mkstemp would name one of rbxl's own temporary files
    unit_file.write_bytes(good.read_bytes())
    old = time.time() - 3600
    os.utime(unit_file, (old, old))
    (folder / good.name).write_bytes(good.read_bytes())
    report = run(folder, roadmap, out=out)
    assert unit_file.is_file() and unit_file.read_bytes() == good.read_bytes()  # the input is never modified
    named = [f for f in report.findings if f.file == str(unit_file)]
    assert [f.code for f in named] == ["FILE_SKIPPED"] and ".~rbxl-" in named[0].message


def test_rbxl_temp_files_in_its_own_output_folders_are_still_removed(roadmap, good, tmp_path):
    out = tmp_path / "out"
    arsip = out / "2023-TW1" / "arsip"
    arsip.mkdir(parents=True)
    stale = arsip / ".~rbxl-k3j2h1g0.csv"
    stale.write_text("sisa", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / good.name).write_bytes(good.read_bytes())
    run(folder, roadmap, out=out)
    assert not stale.exists()


# --- past the budget: every file not checked is named ------------------------------------------

def many_workbooks_zip_bytes(workbook: bytes, n: int) -> bytes:
    """A zip of `n` workbooks: each xlsx counts its own members against the input's 2,000."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for i in range(n):
            zf.writestr(f"unit-{i:03d}.xlsx", workbook)
    return out.getvalue()


def test_every_workbook_past_the_member_budget_is_named(roadmap, good, tmp_path):
    from rbxl.intake.guard import MAX_ZIP_MEMBERS

    folder = tmp_path / "in"
    folder.mkdir()
    n = 150
    (folder / "banyak.zip").write_bytes(many_workbooks_zip_bytes(good.read_bytes(), n))
    with zipfile.ZipFile(io.BytesIO(good.read_bytes())) as zf:
        per_workbook = len(zf.infolist()) + 1
    assert per_workbook * n > MAX_ZIP_MEMBERS  # the budget is spent part of the way
    report = run(folder, roadmap)
    checked = {Path(s.item.source).name for s in report.submissions}
    refused = {f.file.rsplit("/", 1)[-1] for f in report.findings if f.code in ("FILE_TOO_LARGE", "FILE_NOT_CHECKED")}
    assert len(refused) > 1 and checked | refused == {f"unit-{i:03d}.xlsx" for i in range(n)}  # none dropped
    assert not checked & refused


def test_a_zip_of_more_than_2000_files_names_them_all(roadmap, good, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "arsip.zip", "w") as zf:
        zf.writestr(good.name, good.read_bytes())
        for i in range(2500):
            zf.writestr(f"lampiran/surat-{i:04d}.txt", "surat")
    report = run(folder, roadmap)
    assert sub_of(report, good.name).unit == UNIT  # the workbook before the budget ran out is checked
    one_each = [f for f in report.findings if f.code == "FILE_NOT_CHECKED" and "!/" in f.file]
    listing = [f for f in report.findings if f.code == "FILE_NOT_CHECKED" and "!/" not in f.file]
    assert len(one_each) == 100 and len(listing) == 1
    assert listing[0].file.endswith("arsip.zip")
    skipped = [f for f in report.findings if f.code == "FILE_SKIPPED"]
    rest = 2500 - len(skipped) - 100 - 1  # one member spent the budget (FILE_TOO_LARGE)
    assert f"juga {rest} berkas lain" in listing[0].message


# --- unit text echoed at most MAX_ECHO characters; unit-named sources guarded in daftar.csv -------

def _meta_cell(data: bytes, key: str) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))["_rbxl"]
    row = next(r for r in ws.iter_rows() if r[0].value == key)
    return row[1].coordinate


def inline_text_bytes(data: bytes, sheet: str, cell: str, text: str) -> bytes:
    """The package with one cell holding `text` as an inline string (no 32,767-character limit of an app)."""
    return rewrite_cell_bytes(data, sheet, cell, f'<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>')


def test_a_huge_hidden_value_is_cut_everywhere_it_is_echoed(good, tmp_path):
    from rbxl.core.text import MAX_ECHO

    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(19)
    huge = "TW2" + "".join(rng.choice("ABCDEFGHIJKLMNOP") for _ in range(2_000_000))  # past the ratio guard
    data = inline_text_bytes(good.read_bytes(), "_rbxl", _meta_cell(good.read_bytes(), "periode"), huge)
    (folder / good.name).write_bytes(data)
    out = tmp_path / "out"
    result = cli("validate", folder, "--tahun", TAHUN, "--periode", PERIODE, "--out", out, "--json")
    assert result.returncode == 1, result.stderr
    wrong = [f for f in json_findings(result) if f["code"] == "FILE_WRONG_PERIOD"]
    assert len(wrong) == 1 and "karakter dipotong" in wrong[0]["message"]
    assert len(wrong[0]["message"]) < 2 * MAX_ECHO and all(len(v) < 2 * MAX_ECHO for v in wrong[0]["params"].values())
    assert len(result.stdout) < 20_000
    note = out / "2023-TW1" / "umpan-balik" / f"{UNIT}.txt"
    assert note.stat().st_size < 20_000
    assert (folder / good.name).read_bytes() == data


def test_a_huge_typed_value_is_cut_in_the_perbaikan_sheet(roadmap, spec, good, tmp_path):
    import openpyxl

    from rbxl.core.text import MAX_ECHO

    _, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(5)
    typed = "".join(rng.choice("abcdefghijklmnop ") for _ in range(1_000_000))  # not a number, past the ratio guard
    (folder / good.name).write_bytes(inline_text_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, typed))
    out = tmp_path / "out"
    report = run(folder, roadmap, out=out)
    assert sub_of(report, good.name).verdict == NEEDS_FIX
    [fix] = (out / "2023-TW1" / "perbaikan").glob("*.xlsx")
    wb = openpyxl.load_workbook(fix)
    longest = max(len(str(c.value)) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    assert longest < 2 * MAX_ECHO
    assert "karakter dipotong" in "".join(str(c.value) for row in wb["Perbaikan"].iter_rows() for c in row if c.value)


def test_daftar_csv_guards_a_source_named_like_a_formula(roadmap, spec, good, tmp_path, monkeypatch):
    """A relative input path is the file's source as typed: '=HYPERLINK(...)' must not reach daftar.csv raw."""
    import csv

    _, cell = progress_cell(spec)
    folder = tmp_path / "in"
    folder.mkdir()
    name = '=HYPERLINK("contoh.invalid";"klik").xlsx'
    (folder / name).write_bytes(inline_text_bytes(good.read_bytes(), SHEET_RA_UTAMA, cell, "bukan angka"))
    monkeypatch.chdir(folder)
    run([Path(name)], roadmap, out=tmp_path / "out")
    rows = list(csv.DictReader((tmp_path / "out" / "2023-TW1" / "perbaikan" / "daftar.csv").open(encoding="utf-8")))
    assert [r["sumber"] for r in rows] == ["'" + name]
    log = list(csv.DictReader((tmp_path / "out" / "2023-TW1" / "arsip" / "log.csv").open(encoding="utf-8")))
    assert not any(v.startswith("=") for r in log for v in r.values())


def test_tarik_log_fields_are_guarded_and_stripped_like_log_csv():
    from rbxl.mail.tarik import _guard

    assert _guard('=HYPERLINK("x")') == "'=HYPERLINK(\"x\")"
    assert _guard("Laporan\x1b]0;judul\x07 TW1") == "Laporan]0;judul TW1"


# --- macros: named, never run, values still used ---------------------------------------------------

def with_vba_project_bytes(data: bytes) -> bytes:
    """The package with a VBA project part, as Excel saves a macro-enabled workbook (the project's bytes
    do not matter: rbxl never opens, let alone runs, them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/'
                                    b'vnd.ms-office.vbaProject"/></Types>')
            dst.writestr(info, body)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"" * 20)
    return out.getvalue()


@pytest.mark.parametrize("name", [f"{UNIT}.xlsm", f"{UNIT}-makro.xlsx"], ids=["xlsm", "named-xlsx"])
def test_a_workbook_with_macros_is_named_and_its_values_used(roadmap, spec, good, tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(with_vba_project_bytes(good.read_bytes()))
    sub = sub_of(run(folder, roadmap), name)
    macro = [f for f in sub.findings if f.code == "FILE_MACROS"]
    assert len(macro) == 1 and "xl/vbaProject.bin" in macro[0].message and macro[0].severity == "warning"
    assert ("walaupun namanya .xlsx" in macro[0].message) == name.endswith(".xlsx")
    assert sub.verdict == ACCEPTED_NOTES and sub.unit == UNIT
    plain = sub_of(run(good, roadmap), good.name)
    assert sub.values == plain.values  # the values are read as from the same file without macros


def test_tarik_removes_only_its_own_stale_temporary_files_in_masuk(tmp_path):
    """masuk/ is the input of `tarik --periksa`, so a validation run leaves it alone; tarik, which writes
    there, removes what a killed tarik left (mkstemp's names, older than 15 minutes) before fetching."""
    from rbxl.core.errors import RbxlError
    from rbxl.mail.config import ImapSettings
    from rbxl.mail.tarik import tarik

    masuk = tmp_path / "out" / "2023-TW1" / "masuk"
    masuk.mkdir(parents=True)
    stale, kept = masuk / ".~rbxl-abcd1234.eml", masuk / "a1b2c3.eml"
    for p in (stale, kept):
        p.write_text("Subject: x\n\nsisa", encoding="utf-8")
        os.utime(p, (time.time() - 3600, time.time() - 3600))
    settings = ImapSettings(host="127.0.0.1", port=1, security="none", user="u", password="p", timeout=2)
    with pytest.raises(RbxlError):  # nothing listens on port 1: the connection fails after the clean-up
        tarik(settings, TAHUN, PERIODE, tmp_path / "out", password=lambda _: "p")
    assert not stale.exists() and kept.exists()


def test_without_file_identities_inputs_are_found_and_outputs_still_skipped(tmp_path, monkeypatch):
    """Wine's stat (and Windows' scandir) give no file identity (st_ino 0). Seen under Wine: every
    entry had the identity (0, 0), as did the excluded output folders, so every file was skipped
    and `rbxl demo` received nothing. Without identities the outputs are recognised by path."""
    import rbxl.intake.walk as walk

    inbox = tmp_path / "kiriman"
    (inbox / "hasil").mkdir(parents=True)
    (inbox / "a.xlsx").write_bytes(b"PK")
    (inbox / "hasil" / "b.xlsx").write_bytes(b"PK")
    real = os.stat

    def no_identity(path, *a, **k):
        st = real(path, *a, **k)
        return os.stat_result((st.st_mode, 0, 0, *tuple(st)[3:]))

    monkeypatch.setattr(walk, "_AT", False)
    monkeypatch.setattr(os, "stat", no_identity)
    with walk.Tree([inbox], exclude=[inbox / "hasil"]) as tree:
        found = sorted(e.path.name for e in tree.entries if e.kind == walk.FILE)
    assert found == ["a.xlsx"]
