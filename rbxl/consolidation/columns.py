"""The tidy tables' columns, defined once: keys for consolidation, headers for sheets and CSV.

consolidation fills rows keyed by these keys, monitoring lays them out as sheets, and the CSV
export and KAMUS.csv use the same list, so a column is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from rbxl.core.enums import STATUS_ORDER, StatusRole
from rbxl.form.spec import BASELINE_HEADER, IDENTITAS_INPUTS

STATUS_COUNT = {StatusRole.DONE: "n_selesai", StatusRole.IN_PROGRESS: "n_berjalan",
                StatusRole.NOT_STARTED: "n_belum", StatusRole.CANNOT: "n_tidak"}  # Per Unit column per role


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float = 14
    num_format: str = ""


RA_COLS = [Col("kode", "Kode", 8), Col("area_kode", "Kode Area", 7), Col("area", "Area Perubahan", 20),
           Col("kegiatan", "Kegiatan / Sub Kegiatan", 34), Col("aksi", "Rencana Aksi", 40), Col("unit", "Unit", 15),
           Col("nama_unit", "Nama Unit", 28), Col("peran", "Peran", 10), Col("pengumpulan", "Pengumpulan", 18),
           Col("status", "Status", 18), Col("progres", "Progres (%)", 10, "0.0"), Col("output", "Output", 30),
           Col("bukti", "Bukti Dukung", 26), Col("kendala", "Kendala", 26), Col("tindak_lanjut", "Tindak Lanjut", 26),
           Col("keterangan", "Keterangan", 26)]
IND_COLS = [Col("kode", "Kode", 12), Col("tabel", "Tabel", 9), Col("area_kode", "Area", 6),
            Col("indikator", "Indikator Kinerja", 36), Col("nama_singkat", "Nama Singkat", 20),
            Col("satuan", "Satuan", 11), Col("arah", "Arah", 7),
            Col("baseline", BASELINE_HEADER, 10), Col("target", "Target", 10), Col("realisasi", "Realisasi", 10),
            Col("capaian", "Capaian (%)", 10, "0.0"), Col("status_capaian", "Status", 14), Col("unit", "Unit", 15),
            Col("pengumpulan", "Pengumpulan", 18), Col("sumber_data", "Sumber Data", 24),
            Col("keterangan", "Keterangan", 26)]
KEG_COLS = [Col("kode", "Kode", 12), Col("area", "Area", 20), Col("kegiatan", "Kegiatan Prioritas", 40),
            Col("satuan", "Satuan", 12), Col("baseline", BASELINE_HEADER, 10), Col("target", "Target", 10),
            Col("realisasi", "Realisasi", 10, "#,##0.##"), Col("capaian", "Capaian (%)", 10, "0.0"),
            Col("status_capaian", "Status", 14), Col("unit", "Unit", 15), Col("pengumpulan", "Pengumpulan", 18),
            Col("keterangan", "Keterangan", 26)]
BERKAS_COLS = [Col("berkas", "Berkas (sumber)", 50), Col("nama_berkas", "Nama Berkas", 30), Col("unit", "Unit", 15),
               Col("diterima", "Waktu Berkas", 19), Col("disimpan", "Disimpan (di dalam berkas)", 19),
               Col("sha256", "SHA-256", 30), Col("putusan", "Putusan", 20)]
TEMUAN_COLS = [Col("tingkat", "Tingkat", 11), Col("kode", "Kode", 22), Col("unit", "Unit", 15),
               Col("berkas", "Berkas", 40), Col("sheet", "Sheet", 20), Col("sel", "Sel", 7),
               Col("nilai", "Nilai Ditemukan", 22), Col("pesan", "Pesan", 70)]

# the Identitas inputs' keys come from the form, in its order; only the headers are the export's own
IDENTITAS_COLS = [Col("unit", "Kode unit", 16)] + [
    Col(key, header, width) for (key, _, _), (header, width) in zip(IDENTITAS_INPUTS, (
        ("Nama pengisi", 28), ("NIP pengisi (18 digit, teks)", 21), ("Jabatan pengisi", 28),
        ("Nomor telepon/HP pengisi", 18), ("E-mail pengisi", 26), ("Tanggal pengisian (YYYY-MM-DD)", 14)),
        strict=True)]

UNIT_COLS = [Col("unit", "Unit", 16), Col("singkatan", "Singkatan", 14), Col("nama", "Nama Unit", 34),
             Col("jenis", "Jenis", 15), Col("kelompok", "Kelompok", 30),
             Col("dikumpulkan", "Mengumpulkan", 12), Col("data_dipakai", "Data Dipakai", 10),
             Col("putusan", "Putusan", 20), Col("berkas", "Berkas", 30),
             Col("n_utama", "Baris Utama", 9),
             *(Col(STATUS_COUNT[role], role.label, 11 if role == StatusRole.CANNOT else 9) for role in STATUS_ORDER),
             Col("n_kosong", "Belum Dilaporkan", 10),
             Col("progres", "Rata-rata Progres (%)", 11, "0.0"), Col("n_pendukung", "Baris Pendukung", 10),
             Col("n_err", "Kesalahan", 9), Col("n_warn", "Peringatan", 9)]


# instruments (rbxl.consolidation.instrumen): one row per unit x question, and per unit x component
INSTRUMEN_COLS = [Col("instrumen", "Instrumen", 14), Col("kode", "Kode", 8), Col("komponen", "Komponen", 28),
                  Col("komponen_kode", "Kode Komponen", 9), Col("pertanyaan", "Pertanyaan", 40),
                  Col("jenis", "Jenis", 9), Col("unit", "Unit", 15), Col("nama_unit", "Nama Unit", 26),
                  Col("pengumpulan", "Pengumpulan", 16), Col("dipakai", "Data Dipakai", 9),
                  Col("jawaban", "Jawaban", 14), Col("nilai", "Nilai Jawaban (0-1)", 9, "0.00"),
                  Col("bobot", "Bobot Efektif", 9, "0.00"), Col("skor", "Skor", 9, "0.00"),
                  Col("bukti", "Tautan Bukti Dukung", 28), Col("bukti_ket", "Keterangan Bukti Dukung", 28),
                  Col("diverifikasi", "Diverifikasi", 9), Col("jawaban_verifikasi", "Jawaban Verifikasi", 14),
                  Col("nilai_verifikasi", "Nilai Verifikasi (0-1)", 9, "0.00"),
                  Col("skor_verifikasi", "Skor Verifikasi", 9, "0.00"),
                  Col("catatan_verifikasi", "Catatan Verifikator", 30)]
INSTRUMEN_NILAI_COLS = [Col("instrumen", "Instrumen", 14), Col("unit", "Unit", 15), Col("nama_unit", "Nama Unit", 26),
                        Col("pengumpulan", "Pengumpulan", 16), Col("komponen_kode", "Kode Komponen", 9),
                        Col("komponen", "Komponen", 36), Col("tingkat", "Tingkat", 7),
                        Col("bobot", "Bobot", 8, "0.00"), Col("nilai_mandiri", "Nilai Mandiri", 10, "0.00"),
                        Col("nilai_verifikasi", "Nilai Verifikasi", 10, "0.00")]


# CSV file name -> (Tables attribute, columns): the fixed header of each export, whoever returned
TIDY_TABLES: dict[str, tuple[str, list[Col]]] = {
    "rencana_aksi": ("rencana_aksi", RA_COLS), "indikator": ("indikator", IND_COLS),
    "kegiatan_prioritas": ("kegiatan", KEG_COLS),
    "unit": ("unit", UNIT_COLS + [Col("email", "E-mail unit (dari master)")]),
    "identitas": ("identitas", IDENTITAS_COLS), "berkas": ("berkas", BERKAS_COLS), "temuan": ("temuan", TEMUAN_COLS),
    "instrumen_jawaban": ("instrumen", INSTRUMEN_COLS), "instrumen_nilai": ("instrumen_nilai", INSTRUMEN_NILAI_COLS),
}
CSV_TABLES = {name: cols for name, (_, cols) in TIDY_TABLES.items()}
