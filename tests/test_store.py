"""The riwayat store on its own: one transaction per period, kill -9, two writers, bad files.

The kill and the second writer are real processes (`sys.executable`), not simulations.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rbxl.store import SCHEMA_VERSION, PeriodRecord, StoreError, open_store

ROOT = Path(__file__).resolve().parents[1]
UNITS = [{"unit": f"U{i}", "nama": f"Unit {i}", "dikumpulkan": True, "data_dipakai": True, "keadaan": "Diterima",
          "ketepatan": "Tepat waktu"} for i in range(3)]


def record(tahun: int, periode: str, n: int, base: float = 0.0, fp: str = "fp1") -> PeriodRecord:
    values = [(f"U{i % 3}", "Rencana Aksi Utama", f"k{i}", "progres", "A1", base + i) for i in range(n)]
    return PeriodRecord(tahun, periode, fp, "master.xlsx", UNITS, [], values,
                        [{"kode": "ROWS_EMPTY", "tingkat": "Peringatan", "pesan": "x", "unit": "U1"}])


def dump(path: Path) -> dict[str, list]:
    """Every row of every table of the store, for before/after comparisons."""
    con = sqlite3.connect(path)
    try:
        return {t: sorted(map(tuple, con.execute(f"SELECT * FROM {t}").fetchall()), key=repr)
                for t in ("periode", "unit_periode", "berkas", "nilai", "temuan")}
    finally:
        con.close()


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def env(**extra) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


@pytest.fixture
def store_file(tmp_path) -> Path:
    path = tmp_path / "rbxl.sqlite"
    with open_store(path) as st:
        st.replace_period(record(2023, "TW1", 500))
        st.replace_period(record(2023, "TW2", 500, base=1000))
    return path


def test_schema_version_tables_and_wal(store_file):
    con = sqlite3.connect(store_file)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {"periode", "unit_periode", "berkas", "nilai", "temuan", "info", "nilai_rapi"} <= names
    # the documented view gives one tidy value column
    rows = con.execute("SELECT tahun, periode, unit, kode, nilai FROM nilai_rapi WHERE kode = 'k1'").fetchall()
    assert sorted(rows) == [(2023, "TW1", "U1", "k1", 1.0), (2023, "TW2", "U1", "k1", 1001.0)]


def test_readme_documents_every_table_and_column(store_file):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    con = sqlite3.connect(store_file)
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
        assert f"`{table}`" in readme, table
        for col in con.execute(f"PRAGMA table_info({table})"):
            assert f"`{col[1]}`" in readme, (table, col[1])


def test_consolidating_again_replaces_only_that_period(store_file):
    before = dump(store_file)
    with open_store(store_file) as st:
        st.replace_period(record(2023, "TW2", 10, base=5000))
    after = dump(store_file)
    tw1 = before["periode"][0][0] if before["periode"][0][2] == "TW1" else before["periode"][1][0]
    assert [r for r in after["nilai"] if r[0] == tw1] == [r for r in before["nilai"] if r[0] == tw1]
    tw2 = [r for r in after["nilai"] if r[0] != tw1]
    assert len(tw2) == 10 and {r[-2] for r in tw2} == {5000.0 + i for i in range(10)}


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from rbxl.store import PeriodRecord, open_store
    UNITS = [{"unit": "U0", "dikumpulkan": True, "data_dipakai": True, "keadaan": "Diterima", "ketepatan": "x"}]
    def values():
        for i in range(int(sys.argv[3])):
            if i == 3000 and sys.argv[2] == "pause":
                print("mid", flush=True)  # inside the transaction, rows already written
                time.sleep(120)
            yield ("U0", "Rencana Aksi Utama", f"k{i}", "progres", "A1", 99999.0)
    st = open_store(sys.argv[1])
    st.replace_period(PeriodRecord(2023, "TW1", "fp2", "", UNITS, [], values(), []))
    print("done", flush=True)
""")


def test_kill_9_mid_write_leaves_the_store_as_before(store_file, tmp_path):
    before = dump(store_file)
    script = tmp_path / "writer.py"
    script.write_text(KILL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(store_file), "pause", "100000"], env=env(),
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "mid"
        assert (tmp_path / "rbxl.sqlite-wal").exists()  # the half-written period is really on disk
    finally:
        proc.kill()  # SIGKILL
        proc.wait()
    assert proc.returncode == -9
    assert integrity(store_file) == "ok"
    assert dump(store_file) == before


def test_kill_9_at_random_moments_never_leaves_half_a_period(store_file, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(KILL_SCRIPT)
    before = dump(store_file)
    old_tw1 = [r for r in before["nilai"] if r[0] == 1]
    rng = random.Random(13)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, str(script), str(store_file), "run", "60000"], env=env(),
                                stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.2, 1.2))
        proc.kill()
        proc.wait()
        assert integrity(store_file) == "ok"
        now = dump(store_file)
        tw2 = [p for p in now["periode"] if p[2] == "TW2"]
        assert [r for r in now["nilai"] if r[0] == tw2[0][0]] == [r for r in before["nilai"] if r[0] == 2]
        tw1 = [p for p in now["periode"] if p[2] == "TW1"][0]
        rows = [r for r in now["nilai"] if r[0] == tw1[0]]
        if tw1[4] == "fp2":  # the new period is there in full, or the old one is untouched
            assert len(rows) == 60000
            outcomes.add("new")
        else:
            assert rows == old_tw1
            outcomes.add("old")
    assert outcomes  # each kill left one of the two complete states


HOLD_SCRIPT = textwrap.dedent("""
    import sys, time
    from rbxl.store import open_store
    st = open_store(sys.argv[1])
    with st._write() as c:
        c.execute("DELETE FROM temuan")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    print("released", flush=True)
""")


def test_second_writer_stops_with_a_clear_message_or_waits(store_file, tmp_path, monkeypatch):
    script = tmp_path / "hold.py"
    script.write_text(HOLD_SCRIPT)
    holder = subprocess.Popen([sys.executable, str(script), str(store_file), "2.5"], env=env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("RBXL_DB_TIMEOUT", "0.3")
        with open_store(store_file) as st, pytest.raises(StoreError) as err:
            st.replace_period(record(2023, "TW3", 5))
        assert "sedang dipakai proses rbxl lain" in str(err.value) and str(store_file) in str(err.value)
        assert err.value.exit_code == 4
        monkeypatch.setenv("RBXL_DB_TIMEOUT", "30")
        t = time.monotonic()
        with open_store(store_file) as st:  # waits for the holder, then writes
            st.replace_period(record(2023, "TW3", 5))
        assert time.monotonic() - t > 0.5
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()
    assert integrity(store_file) == "ok"
    assert [p.periode for p in open_store(store_file).periods()] == ["TW1", "TW2", "TW3"]


def _cli(args: list[str]):
    from rbxl.cli import main

    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("kind", ["newer", "text", "other-sqlite", "corrupt"])
def test_unusable_store_is_named_exit_4_and_never_touched(kind, store_file, tmp_path, master_path):
    path = tmp_path / "bad.sqlite"
    if kind == "newer":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE periode (id INTEGER)")
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        con.close()
        expect = "versi lebih baru"
    elif kind == "text":
        path.write_text("tahun,periode\n2023,TW1\n")
        expect = "bukan berkas SQLite"
    elif kind == "other-sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE pelanggan (nama TEXT)")
        con.close()
        expect = "SQLite lain"
    else:
        con = sqlite3.connect(store_file)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        data = bytearray(store_file.read_bytes())
        for i in range(4096 * 2, len(data), 4096):  # keep page 1 (header, schema), break the rest
            data[i:i + 200] = os.urandom(200)
        path.write_bytes(bytes(data))
        expect = "rusak"
    original = path.read_bytes()
    result = _cli(["riwayat", "--db", str(path)])
    assert result.exit_code == 4, result.output
    assert str(path) in result.output and expect in result.output, result.output
    out = tmp_path / "hasil"
    result = _cli(["consolidate", str(tmp_path), "--tahun", "2023", "--periode", "TW1", "--master", str(master_path),
                   "--out", str(out), "--db", str(path)])
    assert result.exit_code == 4 and expect in result.output, result.output
    assert not (out / "2023-TW1").exists()  # stopped before any work
    assert path.read_bytes() == original


def test_missing_store_for_listing_says_how_it_is_made(tmp_path):
    result = _cli(["riwayat", "--db", str(tmp_path / "tidak-ada.sqlite")])
    assert result.exit_code == 4 and "belum ada" in result.output
    assert not (tmp_path / "tidak-ada.sqlite").exists()


def test_newer_version_check_happens_before_any_write(tmp_path):
    path = tmp_path / "n.sqlite"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.execute("CREATE TABLE x (a)")
    con.close()
    with pytest.raises(StoreError, match="versi lebih baru"):
        open_store(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL



def test_a_write_refused_by_sqlite_is_told_as_not_writable(store_file):
    from rbxl.store import Store

    before = dump(store_file)
    ro = sqlite3.connect(f"{store_file.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(StoreError, match="tidak dapat ditulis") as err:
        Store(store_file, ro).replace_period(record(2023, "TW3", 5))  # sqlite: readonly database
    assert str(store_file) in str(err.value) and err.value.exit_code == 4
    ro.close()
    assert dump(store_file) == before
