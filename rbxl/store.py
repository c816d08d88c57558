"""The riwayat store: every consolidated period in one embedded SQLite file (`rbxl.sqlite`).

One file holds the periods, the files received, every accepted value (unit x item x field,
typed), the findings and each unit's state, so later periods can prefill templates, compare
with what a unit reported before, and draw trends. The schema is plain tables (documented in
the README) so DuckDB, Datasette or ODBC can read the file directly.

Safety: consolidating a period replaces its rows in one transaction (a run killed at any
moment leaves the store as it was); WAL and a busy timeout let a second rbxl wait for the
first; a file that is not a store of ours, is corrupt, or was written by a newer rbxl stops
the run with a message naming it, and is never modified.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rbxl._version import __version__
from rbxl.core.enums import Period, yes_no
from rbxl.core.errors import OutputError
from rbxl.core.messages import message
from rbxl.core.paths import store_file

ENV_DB = "RBXL_DB"
ENV_TIMEOUT = "RBXL_DB_TIMEOUT"  # seconds a writer waits for another rbxl (default 30)
SQLITE_MAGIC = b"SQLite format 3\x00"

# Period order inside a year (a semester ends with its second quarter; the year closes last).

# Forward migrations: MIGRATIONS[i] brings user_version i to i + 1. Never edit a shipped one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE info (kunci TEXT PRIMARY KEY, nilai TEXT NOT NULL);
    CREATE TABLE periode (
        id INTEGER PRIMARY KEY,
        tahun INTEGER NOT NULL,
        periode TEXT NOT NULL,
        urutan INTEGER NOT NULL,
        sidik_master TEXT NOT NULL,
        master TEXT NOT NULL DEFAULT '',
        direkap TEXT NOT NULL,
        versi_rbxl TEXT NOT NULL,
        UNIQUE (tahun, periode)
    );
    CREATE TABLE unit_periode (
        periode_id INTEGER NOT NULL REFERENCES periode(id) ON DELETE CASCADE,
        unit TEXT NOT NULL,
        nama TEXT NOT NULL DEFAULT '',
        jenis TEXT NOT NULL DEFAULT '',
        dikumpulkan INTEGER NOT NULL,
        data_dipakai INTEGER NOT NULL,
        keadaan TEXT NOT NULL,
        berkas TEXT NOT NULL DEFAULT '',
        waktu_kirim TEXT,
        batas_waktu TEXT,
        ketepatan TEXT NOT NULL,
        PRIMARY KEY (periode_id, unit)
    );
    CREATE TABLE berkas (
        periode_id INTEGER NOT NULL REFERENCES periode(id) ON DELETE CASCADE,
        unit TEXT NOT NULL DEFAULT '',
        sumber TEXT NOT NULL,
        nama_berkas TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        putusan TEXT NOT NULL,
        disimpan TEXT,
        diterima TEXT,
        sidik_master TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE nilai (
        periode_id INTEGER NOT NULL REFERENCES periode(id) ON DELETE CASCADE,
        unit TEXT NOT NULL,
        lembar TEXT NOT NULL,
        kode TEXT NOT NULL,
        kolom TEXT NOT NULL,
        area_kode TEXT NOT NULL DEFAULT '',
        tipe TEXT NOT NULL CHECK (tipe IN ('angka', 'teks', 'tanggal')),
        angka REAL,
        teks TEXT,
        PRIMARY KEY (periode_id, unit, lembar, kode, kolom)
    ) WITHOUT ROWID;
    CREATE TABLE temuan (
        periode_id INTEGER NOT NULL REFERENCES periode(id) ON DELETE CASCADE,
        unit TEXT NOT NULL DEFAULT '',
        kode TEXT NOT NULL,
        tingkat TEXT NOT NULL,
        berkas TEXT NOT NULL DEFAULT '',
        sheet TEXT NOT NULL DEFAULT '',
        sel TEXT NOT NULL DEFAULT '',
        nilai TEXT NOT NULL DEFAULT '',
        pesan TEXT NOT NULL
    );
    CREATE INDEX temuan_periode ON temuan (periode_id, unit);
    CREATE INDEX berkas_periode ON berkas (periode_id, unit);
    CREATE VIEW nilai_rapi AS
        SELECT p.tahun, p.periode, n.unit, n.lembar, n.kode, n.kolom, n.area_kode, n.tipe,
               COALESCE(n.teks, n.angka) AS nilai
        FROM nilai n JOIN periode p ON p.id = n.periode_id;
    """,
    # 2 (issue 21): the verifier's answers, and the instruments' scores. Keyed by the period's year and
    # code, not its row: a re-consolidation replaces the period's rows but keeps what a verifier said.
    """
    CREATE TABLE verifikasi (
        tahun INTEGER NOT NULL,
        periode TEXT NOT NULL,
        instrumen TEXT NOT NULL,
        unit TEXT NOT NULL,
        kode TEXT NOT NULL,
        tipe TEXT NOT NULL CHECK (tipe IN ('angka', 'teks', 'tanggal')),
        angka REAL,
        teks TEXT,
        catatan TEXT NOT NULL DEFAULT '',
        verifikator TEXT NOT NULL DEFAULT '',
        berkas TEXT NOT NULL DEFAULT '',
        dibaca TEXT NOT NULL,
        PRIMARY KEY (tahun, periode, instrumen, unit, kode)
    ) WITHOUT ROWID;
    CREATE TABLE nilai_instrumen (
        tahun INTEGER NOT NULL,
        periode TEXT NOT NULL,
        instrumen TEXT NOT NULL,
        unit TEXT NOT NULL,
        komponen_kode TEXT NOT NULL,
        komponen TEXT NOT NULL DEFAULT '',
        bobot REAL,
        nilai_mandiri REAL,
        nilai_verifikasi REAL,
        PRIMARY KEY (tahun, periode, instrumen, unit, komponen_kode)
    ) WITHOUT ROWID;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(OutputError):
    """The store cannot be used (not ours, corrupt, newer, locked): exit code 4, file untouched."""


def store_path(db: str | Path | None, out: str | Path) -> Path:
    """--db, else $RBXL_DB, else <out>/rbxl.sqlite."""
    if db:
        return Path(db)
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    return store_file(out)


def _timeout() -> float:
    try:
        return float(os.environ.get(ENV_TIMEOUT, "30"))
    except ValueError:
        return 30.0


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    tahun: int
    periode: str
    urutan: int
    sidik_master: str
    direkap: str
    n_unit: int = 0
    n_dikumpulkan: int = 0
    n_dipakai: int = 0
    n_nilai: int = 0
    n_temuan: int = 0


@dataclass(frozen=True)
class PeriodRecord:
    """What one consolidation writes: the period row and its child rows."""

    tahun: int
    periode: str
    sidik_master: str
    master: str
    units: list[dict]  # unit_periode columns
    berkas: list[dict]
    nilai: Iterable[tuple]  # (unit, lembar, kode, kolom, area_kode, value)
    temuan: list[dict]
    direkap: str = ""


def typed(value: object) -> tuple[str, float | None, str | None]:
    """(tipe, angka, teks) of an accepted value: numbers stay numbers, dates are ISO text."""
    kind = type(value)
    if kind is str:  # the common cases first: this runs once per value
        return "teks", None, value  # type: ignore[return-value]
    if kind is float:
        return "angka", value, None  # type: ignore[return-value]
    if isinstance(value, bool):
        return "teks", None, yes_no(value)
    if isinstance(value, (int, float)):
        return "angka", float(value), None
    if isinstance(value, (dt.date, dt.datetime)):
        return "tanggal", None, value.isoformat()
    return "teks", None, str(value)


def untyped(tipe: str, angka: float | None, teks: str | None) -> object:
    if tipe == "angka":
        return angka
    if tipe == "tanggal" and teks:
        return dt.datetime.fromisoformat(teks) if "T" in teks else dt.date.fromisoformat(teks)
    return teks


class Store:
    """An open store. Use `open_store(path)`; close it (or use `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path, self.conn = path, conn

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # --- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so a second writer waits here."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as err:
            raise _broken(self.path, err) from err
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise

    def replace_period(self, rec: PeriodRecord) -> int:
        """Replace the period's rows with `rec` in one transaction; other periods are untouched."""
        try:
            with self._write() as c:
                old = c.execute("SELECT id FROM periode WHERE tahun = ? AND periode = ?",
                                (rec.tahun, rec.periode)).fetchone()
                if old is not None:  # explicit, not left to ON DELETE CASCADE: correct even without foreign_keys
                    for table in ("nilai", "temuan", "berkas", "unit_periode"):
                        c.execute(f"DELETE FROM {table} WHERE periode_id = ?", (old[0],))
                    c.execute("DELETE FROM periode WHERE id = ?", (old[0],))
                cur = c.execute(
                    "INSERT INTO periode (tahun, periode, urutan, sidik_master, master, direkap, versi_rbxl) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (rec.tahun, rec.periode, Period(rec.periode).rank, rec.sidik_master, rec.master,
                     rec.direkap or dt.datetime.now().replace(microsecond=0).isoformat(), __version__))
                pid = int(cur.lastrowid or 0)
                c.executemany(
                    "INSERT INTO unit_periode (periode_id, unit, nama, jenis, dikumpulkan, data_dipakai, keadaan, "
                    "berkas, waktu_kirim, batas_waktu, ketepatan) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [(pid, u["unit"], u.get("nama", ""), u.get("jenis", ""), int(u["dikumpulkan"]),
                      int(u["data_dipakai"]), u["keadaan"], u.get("berkas", ""), u.get("waktu_kirim"),
                      u.get("batas_waktu"), u["ketepatan"]) for u in rec.units])
                c.executemany(
                    "INSERT INTO berkas (periode_id, unit, sumber, nama_berkas, sha256, putusan, disimpan, diterima, "
                    "sidik_master) VALUES (?,?,?,?,?,?,?,?,?)",
                    [(pid, b.get("unit", ""), b["sumber"], b["nama_berkas"], b["sha256"], b["putusan"],
                      b.get("disimpan"), b.get("diterima"), b.get("sidik_master", "")) for b in rec.berkas])
                # in primary-key order, so the WITHOUT ROWID b-tree is appended to, not split at random
                c.executemany(
                    "INSERT INTO nilai (periode_id, unit, lembar, kode, kolom, area_kode, tipe, angka, teks) "
                    "VALUES (?,?,?,?,?,?,?,?,?)",
                    ((pid, unit, lembar, kode, kolom, area, *typed(v)) for unit, lembar, kode, kolom, area, v in
                     sorted(rec.nilai, key=lambda t: t[:4])))
                c.executemany(
                    "INSERT INTO temuan (periode_id, unit, kode, tingkat, berkas, sheet, sel, nilai, pesan) "
                    "VALUES (?,?,?,?,?,?,?,?,?)",
                    [(pid, f.get("unit", ""), f["kode"], f["tingkat"], f.get("berkas", ""), f.get("sheet", ""),
                      f.get("sel", ""), f.get("nilai", ""), f["pesan"]) for f in rec.temuan])
            return pid
        except sqlite3.DatabaseError as err:
            raise _broken(self.path, err) from err

    def replace_verification(self, tahun: int, periode: str, instrumen: str, rows: Iterable[tuple],
                             verifikator: str = "", berkas: str = "") -> None:
        """The verifier's answers for an instrument's units (unit, kode, answer, note), replacing what
        the store held for those units of that instrument and period."""
        rows = list(rows)
        now = dt.datetime.now().replace(microsecond=0).isoformat()
        try:
            with self._write() as c:
                for unit in {r[0] for r in rows}:
                    c.execute("DELETE FROM verifikasi WHERE tahun = ? AND periode = ? AND instrumen = ? AND unit = ?",
                              (tahun, periode, instrumen, unit))
                c.executemany(
                    "INSERT INTO verifikasi (tahun, periode, instrumen, unit, kode, tipe, angka, teks, catatan, "
                    "verifikator, berkas, dibaca) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(tahun, periode, instrumen, unit, kode, *typed("" if v is None else v), note or "", verifikator,
                      berkas, now) for unit, kode, v, note in rows])
        except sqlite3.DatabaseError as err:
            raise _broken(self.path, err) from err

    def verifications(self, tahun: int, periode: str) -> dict[tuple[str, str, str], tuple[object, str]]:
        """(instrumen, unit, kode) -> (verified answer, note) of a period ('' where left blank)."""
        rows = self.query("SELECT instrumen, unit, kode, tipe, angka, teks, catatan FROM verifikasi "
                          "WHERE tahun = ? AND periode = ?", (tahun, periode))
        return {(r["instrumen"], r["unit"], r["kode"]): (untyped(r["tipe"], r["angka"], r["teks"]), r["catatan"])
                for r in rows}

    def replace_scores(self, tahun: int, periode: str, rows: Iterable[dict]) -> None:
        """The period's instrument scores (consolidation.instrumen.scores rows), replaced whole."""
        def num(v: object) -> float | None:
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        try:
            with self._write() as c:
                c.execute("DELETE FROM nilai_instrumen WHERE tahun = ? AND periode = ?", (tahun, periode))
                c.executemany(
                    "INSERT INTO nilai_instrumen (tahun, periode, instrumen, unit, komponen_kode, komponen, bobot, "
                    "nilai_mandiri, nilai_verifikasi) VALUES (?,?,?,?,?,?,?,?,?)",
                    [(tahun, periode, r["instrumen"], r["unit"], r["komponen_kode"], r["komponen"], num(r["bobot"]),
                      num(r["nilai_mandiri"]), num(r["nilai_verifikasi"])) for r in rows])
        except sqlite3.DatabaseError as err:
            raise _broken(self.path, err) from err

    # --- reading ------------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            raise _broken(self.path, err) from err

    def periods(self) -> list[PeriodInfo]:
        """Every period in the store with its counts, oldest first."""
        rows = self.query(
            "SELECT p.id, p.tahun, p.periode, p.urutan, p.sidik_master, p.direkap, "
            "(SELECT COUNT(*) FROM unit_periode u WHERE u.periode_id = p.id), "
            "(SELECT COUNT(*) FROM unit_periode u WHERE u.periode_id = p.id AND u.dikumpulkan), "
            "(SELECT COUNT(*) FROM unit_periode u WHERE u.periode_id = p.id AND u.data_dipakai), "
            "(SELECT COUNT(*) FROM nilai n WHERE n.periode_id = p.id), "
            "(SELECT COUNT(*) FROM temuan t WHERE t.periode_id = p.id) "
            "FROM periode p ORDER BY p.tahun, p.urutan")
        return [PeriodInfo(*r) for r in rows]

    def period(self, tahun: int, periode: str) -> PeriodInfo | None:
        return next((p for p in self.periods() if (p.tahun, p.periode) == (tahun, periode)), None)

    def unit_states(self, tahun: int | None = None) -> list[sqlite3.Row]:
        where, params = ("WHERE p.tahun = ?", (tahun,)) if tahun is not None else ("", ())
        return self.query(
            "SELECT p.tahun, p.periode, p.urutan, u.* FROM unit_periode u JOIN periode p ON p.id = u.periode_id "
            f"{where} ORDER BY p.tahun, p.urutan, u.unit", params)

    def values(self, tahun: int | None = None, lembar: str | None = None, kolom: str | None = None,
               units: Iterable[str] | None = None) -> list[sqlite3.Row]:
        """Accepted values (tahun, periode, urutan, unit, lembar, kode, kolom, area_kode, tipe, angka, teks)."""
        where, params = [], []
        for col, v in (("p.tahun", tahun), ("n.lembar", lembar), ("n.kolom", kolom)):
            if v is not None:
                where.append(f"{col} = ?")
                params.append(v)
        if units is not None:
            units = list(units)
            where.append(f"n.unit IN ({','.join('?' * len(units))})")
            params += units
        sql = ("SELECT p.tahun, p.periode, p.urutan, n.unit, n.lembar, n.kode, n.kolom, n.area_kode, n.tipe, "
               "n.angka, n.teks FROM nilai n JOIN periode p ON p.id = n.periode_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.tahun, p.urutan")
        return self.query(sql, tuple(params))

    def latest_values(self, tahun: int, periode: str, units: Iterable[str] | None = None,
                      inclusive: bool = False) -> dict[str, Previous]:
        """Per unit, its accepted values from its latest period of `tahun` before `periode`
        (or up to and including it, with `inclusive`)."""
        rank = Period(periode).rank + (1 if inclusive else 0)
        rows = self.query(
            "SELECT p.periode, p.urutan, n.unit, n.lembar, n.kode, n.kolom, n.tipe, n.angka, n.teks "
            "FROM nilai n JOIN periode p ON p.id = n.periode_id "
            "JOIN unit_periode u ON u.periode_id = n.periode_id AND u.unit = n.unit "
            "WHERE p.tahun = ? AND p.urutan < ? AND u.data_dipakai = 1", (tahun, rank))
        wanted = set(units) if units is not None else None
        best: dict[str, int] = {}
        for r in rows:
            if wanted is None or r["unit"] in wanted:
                best[r["unit"]] = max(best.get(r["unit"], 0), r["urutan"])
        out: dict[str, Previous] = {}
        for r in rows:
            if best.get(r["unit"]) == r["urutan"]:
                prev = out.setdefault(r["unit"], Previous(tahun, r["periode"], {}))
                prev.values[(r["lembar"], r["kode"], r["kolom"])] = untyped(r["tipe"], r["angka"], r["teks"])
        return out

    def previous_period(self, tahun: int, periode: str) -> PeriodInfo | None:
        """The stored period just before (tahun, periode), in any year."""
        key = (tahun, Period(periode).rank)
        before = [p for p in self.periods() if (p.tahun, p.urutan) < key]
        return before[-1] if before else None


@dataclass
class Previous:
    """A unit's accepted values of one earlier period: (sheet, row key, field) -> value."""

    tahun: int
    periode: str
    values: dict[tuple[str, str, str], object]


# --- opening -------------------------------------------------------------------------------

def _broken(path: Path, err: Exception) -> StoreError:
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return _locked(path, err)
    if "readonly" in text or "read-only" in text or "disk i/o" in text or "full" in text:
        return StoreError(message("STORE_NOT_WRITABLE", path=path, detail=err))
    return StoreError(message("STORE_BROKEN", path=path, detail=err))


def _locked(path: Path, err: Exception) -> StoreError:
    return StoreError(message("STORE_BUSY", path=path, seconds=f"{_timeout():g}", detail=err))


def open_store(path: str | Path, create: bool = True) -> Store:
    """Open (and create or migrate) the store at `path`. Refuses, untouched, any file that is not
    an rbxl store, is corrupt, or was written by a newer rbxl (StoreError, exit code 4)."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise StoreError(message("STORE_IS_FOLDER", path=path))
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                raise StoreError(message("STORE_NOT_SQLITE", path=path))
        _check_version(path)
    elif not create:
        raise StoreError(message("STORE_MISSING", path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=_timeout(), isolation_level=None)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(message("STORE_CANNOT_OPEN", path=path, detail=err)) from err
    conn.row_factory = sqlite3.Row
    store = Store(path, conn)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        _migrate(store)
    except sqlite3.DatabaseError as err:
        conn.close()
        raise _broken(path, err) from err
    except BaseException:
        conn.close()
        raise
    return store


def _check_version(path: Path) -> None:
    """Read the schema version without writing anything (read-only connection)."""
    try:
        ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_timeout())
        try:
            version = ro.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            problem = ro.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            ro.close()
    except sqlite3.DatabaseError as err:
        raise _broken(path, err) from err
    if problem != "ok":
        raise _broken(path, sqlite3.DatabaseError(problem))
    if version > SCHEMA_VERSION:
        raise StoreError(message("STORE_NEWER", path=path, version=version, known=SCHEMA_VERSION))
    if version == 0 and tables:
        raise StoreError(message("STORE_FOREIGN", path=path))


def _migrate(store: Store) -> None:
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    for i in range(version, SCHEMA_VERSION):
        with store._write() as c:
            for statement in MIGRATIONS[i].split(";\n"):
                if statement.strip():
                    c.execute(statement)
            if i == 0:
                c.execute("INSERT INTO info (kunci, nilai) VALUES ('dibuat_oleh', ?)", (f"rbxl {__version__}",))
            c.execute(f"PRAGMA user_version = {i + 1}")
