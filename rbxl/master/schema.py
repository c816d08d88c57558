"""The master workbook's sheets and columns, defined once for the loader and the builder.

Columns are found by their header text (case and spacing ignored), so the administrator may
reorder them. Year columns ("Target 2024") are expanded from the roadmap's years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rbxl.core.enums import Period

MASTER_NAME = "roadmap-rb-blora-2022-2026.xlsx"  # the shipped master, in master/ of the source tree
DEFAULT_MASTER = Path("master") / MASTER_NAME  # where the administrator keeps the one they edit

YEARS_DEFAULT = (2022, 2023, 2024, 2025, 2026)
BASELINE_YEAR = 2021

# column kinds
TEXT, CODE, NUMBER, VALUE, REFS, CHOICE, DATE = "text", "code", "number", "value", "refs", "choice", "date"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: str = ""  # name of a list in the Pilihan sheet (kind CHOICE)
    width: int = 14
    per_year: bool = False  # header holds {tahun}; one column per roadmap year


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: str = "kode"  # the column whose value must be unique ("" = none)
    note: str = ""
    optional: bool = False  # added after the first masters shipped: a master without it still loads

    def expanded(self, years: tuple[int, ...]) -> list[tuple[Column, int | None]]:
        out: list[tuple[Column, int | None]] = []
        for col in self.columns:
            if col.per_year:
                out.extend((col, y) for y in years)
            else:
                out.append((col, None))
        return out


def header_of(col: Column, year: int | None) -> str:
    return col.header.format(tahun=year) if year is not None else col.header


def field_of(col: Column, year: int | None) -> str:
    return f"{col.key}_{year}" if year is not None else col.key


def is_blank_header(text: object) -> bool:
    return text is None or str(text).strip() == ""


def norm_header(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


SOURCE = Column("sumber", "Sumber", TEXT, True, width=22)
NOTE = Column("catatan", "Catatan", TEXT, width=50)

UNIT = Sheet("Unit", (
    Column("kode", "Kode", CODE, True, width=18),
    Column("nama", "Nama Unit", TEXT, True, width=48),
    Column("singkatan", "Singkatan", TEXT, True, width=16),
    Column("jenis", "Jenis", CHOICE, True, "JENIS_UNIT", width=18),
    Column("induk", "Induk", CODE, width=12),
    Column("email", "E-mail", TEXT, width=30),
    Column("unit_pelayanan", "Unit Pelayanan Publik", CHOICE, True, "YA_TIDAK", width=12),
    Column("alias", "Variasi Penulisan di Perbup", TEXT, width=30),
    Column("status_sumber", "Status Sumber", TEXT, width=16),
    NOTE,
), note="Unit pelapor: 43 Perangkat Daerah dan Bagian Setda yang memimpin baris Perbup.")

AREA = Sheet("Area", (
    Column("kode", "Kode", CODE, True, width=8),
    Column("nama", "Area Perubahan", TEXT, True, width=40),
    Column("nama_lampiran", "Nama di Lampiran II", TEXT, width=40),
    Column("sasaran", "Sasaran", TEXT, True, width=36),
    Column("program", "Program", CHOICE, True, "PROGRAM", width=9),
    Column("program_nama", "Nama Program", TEXT, width=50),
    SOURCE, NOTE,
))

INDIKATOR = Sheet("Indikator", (
    Column("kode", "Kode", CODE, True, width=13),
    Column("tabel", "Tabel", TEXT, True, width=10),
    Column("area_kode", "Area", CODE, True, width=7),
    Column("sasaran", "Sasaran", TEXT, width=30),
    Column("indikator", "Indikator Kinerja", TEXT, True, width=44),
    Column("nama_singkat", "Nama Singkat", TEXT, width=24),  # chart labels; blank = the full name
    Column("satuan", "Satuan", TEXT, width=12),
    Column("jenis_nilai", "Jenis Nilai", CHOICE, True, "JENIS_NILAI", width=15),
    Column("daftar_kategori", "Daftar Kategori", TEXT, width=16),
    Column("arah", "Arah", CHOICE, True, "ARAH", width=8),
    Column("nilai_min", "Nilai Minimum", NUMBER, width=9),
    Column("nilai_maks", "Nilai Maksimum", NUMBER, width=9),
    Column("dasar_batas", "Dasar Batas Nilai", TEXT, width=36),
    Column("baseline", f"Baseline {BASELINE_YEAR}", VALUE, width=10),
    Column("target", "Target {tahun}", VALUE, width=10, per_year=True),
    Column("penanggung_jawab", "Penanggung Jawab", REFS, True, width=18),
    Column("dasar_penanggung_jawab", "Dasar Penanggung Jawab", TEXT, width=40),
    Column("sama_dengan", "Sama Dengan", CODE, width=13),
    SOURCE, NOTE,
))

KEGIATAN = Sheet("Kegiatan Prioritas", (
    Column("kode", "Kode", CODE, True, width=13),
    Column("tabel", "Tabel", TEXT, True, width=10),
    Column("area_kode", "Area", CODE, True, width=7),
    Column("kegiatan", "Kegiatan", TEXT, True, width=50),
    Column("satuan", "Satuan", TEXT, True, width=14),
    Column("baseline", f"Baseline {BASELINE_YEAR}", VALUE, width=10),
    Column("target", "Target {tahun}", VALUE, width=10, per_year=True),
    Column("pengampu", "SKPD Pengampu", REFS, True, width=30),
    Column("dasar_pengampu", "Dasar Pengampu", TEXT, width=40),
    SOURCE, NOTE,
))

RENCANA_AKSI = Sheet("Rencana Aksi", (
    Column("kode", "Kode", CODE, True, width=9),
    Column("area_kode", "Area", CODE, True, width=7),
    Column("kelompok_kode", "Kode Kelompok", CODE, width=9),
    Column("kelompok", "Kelompok Kegiatan", TEXT, width=30),
    Column("kegiatan", "Kegiatan / Sub Kegiatan", TEXT, True, width=40),
    Column("aksi", "Rencana Aksi {tahun}", TEXT, width=36, per_year=True),
    Column("pd_utama", "PD Utama", REFS, True, width=24),
    Column("pd_pendukung", "PD Pendukung", REFS, width=24),
    SOURCE, NOTE,
))

POKJA = Sheet("Pokja", (
    Column("area_kode", "Area", CODE, True, width=8),
    Column("unit_kode", "Unit", CODE, True, width=18),
    Column("urutan", "Urutan", NUMBER, width=8),
    SOURCE, NOTE,
), key="")

GRUP = Sheet("Grup", (
    Column("kode", "Kode", CODE, True, width=16),
    Column("nama", "Nama Grup (sebutan di Perbup)", TEXT, True, width=50),
    Column("jenis", "Cara Menentukan Anggota", CHOICE, True, "JENIS_GRUP", width=22),
    Column("anggota", "Anggota (untuk DAFTAR)", REFS, width=26),
    Column("dasar", "Dasar", TEXT, width=50),
    NOTE,
))

RIWAYAT = Sheet("Riwayat", (
    Column("kode", "Kode", CODE, True, width=13),
    Column("tabel", "Tabel", TEXT, True, width=10),
    Column("area_kode", "Area", CODE, True, width=7),
    Column("kelompok", "Kelompok", TEXT, width=26),
    Column("indikator", "Indikator", TEXT, True, width=40),
    Column("nilai", "Nilai {tahun}", VALUE, width=9, per_year=True),
    SOURCE, NOTE,
))

PILIHAN = Sheet("Pilihan", (
    Column("daftar", "Daftar", CODE, True, width=18),
    Column("nilai", "Nilai", TEXT, True, width=30),
    Column("urutan", "Urutan", NUMBER, True, width=8),
    Column("keterangan", "Keterangan", TEXT, width=60),
    Column("sumber", "Sumber", TEXT, width=40),
    # what each status means to rbxl (StatusRole); filled for the STATUS_* lists only
    Column("makna", "Makna Status", CODE, width=12),
), key="")

QUICK_WINS = Sheet("Quick Wins", (
    Column("kode", "Kode", CODE, True, width=8),
    Column("nama", "Quick Win", TEXT, True, width=40),
    Column("area_kode", "Area", CODE, True, width=7),
    SOURCE, NOTE,
), note="Program Quick Wins Bab III D; tidak masuk template (Perbup tidak memberi target atau rencana aksi).",
    optional=True)

BOBOT_PMPRB = Sheet("Bobot PMPRB", (
    Column("kode", "Kode", CODE, True, width=12),
    Column("induk", "Induk", CODE, width=10),
    Column("komponen", "Komponen / Unsur", TEXT, True, width=50),
    Column("area_kode", "Area", CODE, width=7),
    Column("bobot", "Bobot (%)", NUMBER, width=9),
    # a SUMIF formula in the workbook; the loader recomputes it rather than trusting the cell
    Column("jumlah_rincian", "Jumlah Rincian (%)", NUMBER, width=10),
    SOURCE, NOTE,
), note="Bobot evaluasi RB (PMPRB) menurut Bab III D, seperti ditulis Perbup.", optional=True)

JADWAL = Sheet("Jadwal", (
    Column("tahun", "Tahun", NUMBER, True, width=8),
    Column("periode", "Periode", CHOICE, True, "PERIODE", width=10),
    Column("batas_waktu", "Batas Pengumpulan", DATE, True, width=16),
    Column("keterangan", "Keterangan", TEXT, width=40),
), key="")

PENGATURAN = Sheet("Pengaturan", (
    Column("kunci", "Kunci", CODE, True, width=22),
    Column("nilai", "Nilai", TEXT, width=50),
    Column("keterangan", "Keterangan", TEXT, width=60),
), key="kunci")

SHEETS: tuple[Sheet, ...] = (PENGATURAN, UNIT, AREA, INDIKATOR, KEGIATAN, RENCANA_AKSI, POKJA, GRUP,
                             RIWAYAT, QUICK_WINS, BOBOT_PMPRB, PILIHAN, JADWAL)

RIWAYAT_YEARS = tuple(range(2016, BASELINE_YEAR + 1))  # the Perbup's history tables end at the baseline

# Fixed list names the code relies on (their values live in the Pilihan sheet).
LIST_STATUS_AKSI = "STATUS_AKSI"
LIST_STATUS_DUKUNGAN = "STATUS_DUKUNGAN"
STATUS_LISTS = (LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN)  # each value needs a Makna Status (StatusRole)
PERIODS = tuple(p.value for p in Period)

# --- instruments (issue 21): questions defined as rows; read by rbxl.master.instrumen ---------------
# No column is `required` here: a broken instrument row must not stop the roadmap, so the
# instrument loader reports its own problems as warnings and leaves that row (or instrument) out.
INSTRUMEN = Sheet("Instrumen", (
    Column("kode", "Kode", CODE, width=16),
    Column("nama", "Nama", TEXT, width=40),
    Column("dasar", "Dasar", TEXT, width=40),
    Column("pengisi", "Pengisi", REFS, width=26),
    Column("periode", "Periode", TEXT, width=18),
    Column("tahun_mulai", "Tahun Mulai", NUMBER, width=9),
    Column("tahun_selesai", "Tahun Selesai", NUMBER, width=9),
    Column("verifikator", "Verifikator", CODE, width=16),
    NOTE,
), note="Instrumen monev (Bab IV 4.4): satu baris per instrumen.", optional=True)

PERTANYAAN = Sheet("Pertanyaan", (
    Column("instrumen", "Instrumen", CODE, width=16),
    Column("kode", "Kode", CODE, width=10),
    Column("komponen", "Komponen", TEXT, width=40),
    Column("pertanyaan", "Pertanyaan", TEXT, width=50),
    Column("jenis", "Jenis", TEXT, width=10),
    Column("skala", "Skala", CODE, width=12),
    Column("bobot", "Bobot", NUMBER, width=8),
    Column("wajib", "Wajib", TEXT, width=7),
    Column("bukti_dukung", "Bukti Dukung", TEXT, width=9),
    Column("min", "Min", NUMBER, width=7),
    Column("maks", "Maks", NUMBER, width=7),
    Column("penjelasan", "Penjelasan", TEXT, width=50),
    SOURCE, NOTE,
), key="", note="Pertanyaan instrumen; baris tanpa Pertanyaan dan Jenis menyatakan bobot sebuah komponen.",
    optional=True)

SKALA = Sheet("Skala", (
    Column("skala", "Skala", CODE, width=14),
    Column("jawaban", "Jawaban", TEXT, width=30),
    Column("nilai", "Nilai", NUMBER, width=8),
    Column("keterangan", "Keterangan", TEXT, width=50),
), key="", note="Skala jawaban: setiap jawaban dan nilainya.", optional=True)

INSTRUMENT_SHEETS: tuple[Sheet, ...] = (INSTRUMEN, PERTANYAAN, SKALA)
JENIS_JAWABAN = ("ya_tidak", "skala", "persen", "angka", "teks", "tanggal", "tautan")
