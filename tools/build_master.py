"""Build master/roadmap-rb-blora-2022-2026.xlsx from the Perbup transcription.

A one-time transcription tool, kept for provenance: the CSV files in tools/master_data/ hold
the Perbup's tables exactly as written (text, Indonesian decimals), and the small tables
below (units, areas, Pokja, groups, Quick Wins, PMPRB weights, lists, schedule, settings) are
typed from the Perbup and, for the units the Perbup only counts, from the public sources
collected in shared/reference/perangkat-daerah-blora.md (whose provenance the Unit notes state
in words, since users never see that file). After the first build the administrator edits
the workbook itself; rebuilding overwrites those edits.

    python tools/build_master.py [--out master/roadmap-rb-blora-2022-2026.xlsx]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rbxl.core.values import decimals_of, parse_number  # noqa: E402
from rbxl.master import schema as S  # noqa: E402

DATA = ROOT / "tools" / "master_data"
PERBUP = "Peraturan Bupati Blora Nomor 4 Tahun 2022"
# The Perbup counts 43 SKPD but never lists them: each Unit row says where its name comes from.
UNIT_SOURCE = ("Perbup hanya menyebut jumlah SKPD (43), tidak daftarnya; daftar unit disusun rbxl dari sumber "
               "publik: berita, dokumen LKjIP dan RKPD Kabupaten Blora, dan situs blorakab.go.id.")
STATUS = {"C": ("Terkonfirmasi", "Nama dan singkatan terkonfirmasi sumber publik."),
          "I": ("Inferensi", "Tidak ditemukan di sumber publik; dimasukkan berdasarkan inferensi."),
          "C/I": ("Sebagian inferensi", "")}

KECAMATAN = ["Jati", "Randublatung", "Kradenan", "Kedungtuban", "Cepu", "Sambong", "Jiken", "Bogorejo",
             "Jepon", "Blora", "Banjarejo", "Tunjungan", "Japah", "Ngawen", "Kunduran", "Todanan"]

# kode, nama, singkatan, unit pelayanan, alias, status, catatan
PD = [
    ("SETDA", "Sekretariat Daerah", "Setda", False, "", "C", ""),
    ("SETWAN", "Sekretariat DPRD", "Setwan", False, "", "C", ""),
    ("INSPEKTORAT", "Inspektorat Daerah", "Inspektorat", False, "Inspektorat", "C", ""),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "Bappeda", False, "BAPPEDA", "C", "Nama kemudian: Bapperida (berganti nama pada 2025; Perbup menulis Bappeda/BAPPEDA)."),
    ("BPPKAD", "Badan Pendapatan, Pengelolaan Keuangan dan Aset Daerah", "BPPKAD", False, "", "C", ""),
    ("BKD", "Badan Kepegawaian Daerah", "BKD", False, "", "C", "Nama kemudian: BKPSDM (berganti nama pada 2025; Perbup hanya menulis BKD)."),
    ("BAKESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "Bakesbangpol", False, "", "C/I", "Singkatan terkonfirmasi, nama lengkap inferensi."),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD", False, "", "C", ""),
    ("DINDIK", "Dinas Pendidikan", "Dindik", True, "", "C", ""),
    ("DINKES", "Dinas Kesehatan", "Dinkes", True, "", "C", ""),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", True, "", "C", ""),
    ("DINRUMKIMHUB", "Dinas Perumahan, Permukiman dan Perhubungan", "Dinrumkimhub", True, "", "C", ""),
    ("DLH", "Dinas Lingkungan Hidup", "DLH", True, "", "C", ""),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", "Satpol PP", False, "", "I", "Wajib ada di setiap kabupaten."),
    ("DINSOSP3A", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A", True, "", "C", ""),
    ("DPPKB", "Dinas Pengendalian Penduduk dan Keluarga Berencana", "DPPKB", False, "", "C", ""),
    ("DINPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "Dinas PMD", False, "", "C", ""),
    ("DINDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "Dindukcapil", True, "", "C", ""),
    ("DINKOMINFO", "Dinas Komunikasi dan Informatika", "Dinkominfo", False, "Dikominfo", "C", ""),
    ("DINDAGKOPUKM", "Dinas Perdagangan, Koperasi dan UKM", "Dindagkop UKM", False, "", "C", ""),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", True, "DPMPSTP; DPMPSTSP", "C", ""),
    ("DINPORABUDPAR", "Dinas Kepemudaan, Olahraga, Kebudayaan dan Pariwisata", "Dinporabudpar", False, "", "C", ""),
    ("DPK", "Dinas Perpustakaan dan Kearsipan", "DPK", True, "", "C", ""),
    ("DP4", "Dinas Pangan, Pertanian, Peternakan dan Perikanan", "DP4", False, "", "C", "Gabungan dua dinas pada Januari 2022; ini menjelaskan 44 SKPD pada baseline 2021 Perbup menjadi 43."),
    ("DINPERINAKER", "Dinas Perindustrian dan Tenaga Kerja", "Dinperinaker", False, "", "C", ""),
    ("RSUD-BLORA", "RSUD dr. R. Soetijono Blora", "RSUD Blora", True, "", "C/I", "Rumah sakit terkonfirmasi; dihitung sebagai SKPD (inferensi)."),
    ("RSUD-CEPU", "RSUD dr. R. Soeprapto Cepu", "RSUD Cepu", True, "", "C/I", "Rumah sakit terkonfirmasi; dihitung sebagai SKPD (inferensi)."),
] + [(f"KEC-{k.upper()}", f"Kecamatan {k}", f"Kec. {k}", True, "", "C", "") for k in KECAMATAN]

BAGIAN = [
    ("BAG-ORGANISASI", "Bagian Organisasi Sekretariat Daerah", "Bag. Organisasi", "Bagian Organisasi", "Pengelola monev RB (Pasal 7, Tabel 3.22); UTAMA banyak baris Lampiran II."),
    ("BAG-HUKUM", "Bagian Hukum Sekretariat Daerah", "Bag. Hukum", "Bagian Hukum; Bagian hukum", "UTAMA area Deregulasi (Lampiran II 2.a-2.b, Tabel 3.6)."),
    ("BAG-PBJ", "Bagian Pengadaan Barang dan Jasa Sekretariat Daerah", "Bag. PBJ",
     "Bagian Pengadaan Barang/Jasa; Bagian Pengadaan Barang & Jasa; Bagian Pengadaan Barang dan Jasa", "UTAMA Lampiran II 4.h-4.i; Tabel 3.20."),
    ("BAG-ADPEM", "Bagian Administrasi Pembangunan Sekretariat Daerah", "Bag. Adpem",
     "Bagian Administrasi Pembangunan; Bagian Adminitrasi Pembangunan", "UTAMA Lampiran II 6.c; Tabel 2.10."),
]

SASARAN = {
    "bersih": "Terwujudnya birokrasi yang bersih dan akuntabel",
    "kapabel": "Terwujudnya birokrasi yang kapabel",
    "prima": "Meningkatnya kualitas pelayanan publik",
}
AREAS = [
    ("A1", "Manajemen Perubahan", "Manajemen Perubahan", "kapabel", "B"),
    ("A2", "Deregulasi Kebijakan", "Penataan Peraturan Perundang-Undangan", "bersih", "A"),
    ("A3", "Penataan dan Penguatan Organisasi", "Penataan dan Penguatan Organisasi", "kapabel", "B"),
    ("A4", "Penataan Tatalaksana", "Penataan Tatalaksana", "prima", "C"),
    ("A5", "Penataan Sistem Manajemen SDM", "Penataan Sistem Manajemen Sumber Daya Manusia", "kapabel", "B"),
    ("A6", "Penguatan Akuntabilitas", "Penguatan Akuntabilitas", "bersih", "A"),
    ("A7", "Penguatan Pengawasan", "Penguatan Pengawasan", "bersih", "A"),
    ("A8", "Peningkatan Kualitas Pelayanan Publik", "Peningkatan Kualitas Pelayanan Publik", "prima", "C"),
]

QUICK_WINS = [
    ("QW-1", "Pembangunan Mall Pelayanan Publik",
     "Tabel 2.10 menyebut kebutuhan 'membangun Mall Pelayanan Publik' dengan penanggung jawab DPMPTSP dan "
     "Bagian Organisasi."),
    ("QW-2", "Mewujudkan Blora Satu Data", ""),
    ("QW-3", "Satu Perangkat Daerah Satu Inovasi", "Target inovasi perangkat daerah ada di Tabel 3.21 (sheet Kegiatan Prioritas)."),
]
QW_SOURCE = "Bab III D (Quick Wins), program kerja 99 hari Bupati Blora"
QW_NOTE = ("Perbup memilih area Peningkatan Kualitas Pelayanan Publik sebagai Quick Wins dan tidak memberi target "
           "atau rencana aksi tersendiri untuk program ini; karena itu tidak masuk template.")

# Bab III D "Pelaksanaan Reformasi Birokrasi di Perangkat Daerah", as written: (kode, induk, komponen, area,
# bobot, catatan). Parents state their weight; what their parts add up to is computed (SUMIF), never typed.
PMPRB_D = "Bab III D (Pelaksanaan RB di Perangkat Daerah)"
BOBOT = [
    ("RB", "", "Hasil akhir evaluasi RB Pemerintah Kabupaten", "", None,
     "Perbup tidak menulis bobot totalnya; jumlah rinciannya dihitung."),
    ("RB-PEMDA", "RB", "Hasil evaluasi RB Pemerintah Daerah", "", 50, "Bobot sama (50%) untuk Pemda dan PD."),
    ("RB-PD", "RB", "Hasil evaluasi RB Perangkat Daerah", "", 50, "Bobot sama (50%) untuk Pemda dan PD."),
    ("K", "", "Komponen evaluasi (sama untuk Pemda dan Perangkat Daerah)", "", None,
     "Perbup tidak menulis bobot totalnya; jumlah rinciannya dihitung."),
    ("P", "K", "Komponen Pengungkit", "", 60, "Sama dengan komponen pengungkit evaluasi Zona Integritas (WBK/WBBM)."),
    ("P.1", "P", "Pemenuhan", "", 20, ""),
    ("P.2", "P", "Hasil Antara Area Perubahan", "", 10,
     "Perbup menulis bobot 10 tetapi rinciannya 11 unsur masing-masing 1% (jumlah 11), menyebut Maturitas SPIP "
     "dua kali (nomor 8 dan 10) dan menulis nomor 9 sebagai '8)'. Ditulis seperti di Perbup; 'rbxl master periksa' "
     "memperingatkannya."),
    ("P.3", "P", "Reform", "", 30, ""),
    ("H", "K", "Komponen Hasil", "", 40, ""),
    ("H.1", "H", "Akuntabilitas Kinerja dan Keuangan", "", 10, ""),
    ("H.1.1", "H.1", "Opini BPK", "", 3, "Perbup menulis 'bobot 3' tanpa tanda %."),
    ("H.1.2", "H.1", "Nilai SAKIP", "", 7, "Perbup menulis 'bobot 7' tanpa tanda %."),
    ("H.2", "H", "Kualitas Pelayanan Publik: Indeks Persepsi Kualitas Pelayanan Publik (IPKP)", "", 10, ""),
    ("H.3", "H", "Pemerintah yang Bersih dan Bebas KKN: Indeks Persepsi Kualitas Pelayanan Publik (IPKP)", "", 10,
     "Perbup menyebut IPKP juga untuk unsur ini (sama dengan H.2); kemungkinan salah salin (unsur bebas KKN "
     "biasanya diukur dengan indeks persepsi antikorupsi). Ditulis seperti di Perbup."),
    ("H.4", "H", "Kinerja Organisasi", "", 10, ""),
    ("H.4.1", "H.4", "Capaian Kinerja", "", 5, ""),
    ("H.4.2", "H.4", "Kinerja Lainnya", "", 2, ""),
    ("H.4.3", "H.4", "Survei Internal Organisasi", "", 3, ""),
]
_PEMENUHAN = {"A1": 2, "A2": 2, "A3": 3, "A4": 2.5, "A5": 3, "A6": 2.5, "A7": 2.5, "A8": 2.5}
_REFORM = {"A1": 3, "A2": 3, "A3": 4.5, "A4": 3.75, "A5": 4.5, "A6": 3.75, "A7": 3.75, "A8": 3.75}
_HASIL_ANTARA = ["Kualitas Pengelolaan Arsip", "Kualitas Pengelolaan Pengadaan Barang dan Jasa",
                 "Kualitas Pengelolaan Keuangan", "Kualitas Pengelolaan Aset", "Merit Sistem", "ASN Profesional",
                 "Kualitas Perencanaan", "Maturitas SPIP", "Kapabilitas APIP", "Maturitas SPIP",
                 "Tingkat Kepatuhan terhadap Standar Pelayanan Publik sesuai Undang-Undang 25 Tahun 2009"]


def _bobot_rows() -> list[tuple]:
    """BOBOT with the per-area and hasil antara parts inserted after their parents, in Perbup order."""
    out = []
    for row in BOBOT:
        out.append(row)
        kode = row[0]
        if kode in ("P.1", "P.3"):
            weights = _PEMENUHAN if kode == "P.1" else _REFORM
            out += [(f"{kode}.{a}", kode, n, a, weights[a], "") for a, n, _nl, _s, _p in AREAS]
        if kode == "P.2":
            out += [(f"P.2.{i:02d}", "P.2", name, "", 1,
                     "Nomor 8 di Perbup; nama sama dengan P.2.10." if i == 8 else
                     "Tertulis '8)' di Perbup." if i == 9 else
                     "Nomor 10 di Perbup; nama sama dengan P.2.08 (Maturitas SPIP disebut dua kali)." if i == 10
                     else "") for i, name in enumerate(_HASIL_ANTARA, start=1)]
    return out

# --- instruments (issue 21): Bab IV 4.4 names three; the Perbup holds the PMPRB weights (Bab III D)
# but not the LKE questions, so the PMPRB instrument is a skeleton of components and weights only.
BAB_IV = "Bab IV 4.4 (Instrumen Monitoring dan Evaluasi)"
CONTOH = "[CONTOH] "
INSTRUMEN = [
    ("PMPRB", "Lembar Kerja Evaluasi PMPRB (kerangka komponen dan bobot)",
     f"{BAB_IV}, instrumen 1: LKE PMPRB Kementerian PAN-RB; komponen dan bobot: {PMPRB_D}", "SELURUH-PD", "TAHUNAN",
     2022, 2026, "INSPEKTORAT",
     "Kerangka saja: komponen dan bobotnya dari Bab III D (sama dengan sheet Bobot PMPRB). Perbup tidak memuat "
     "pertanyaan LKE, jadi rbxl tidak mengarangnya; tambahkan pertanyaan dari LKE resmi di sheet Pertanyaan. "
     "Selama belum ada pertanyaan, instrumen ini tidak masuk template. Unsur Hasil Antara tidak dirinci karena "
     "rincian Perbup tidak konsisten (11 unsur x 1% untuk bobot 10, Maturitas SPIP dua kali; lihat Bobot PMPRB)."),
    ("CONTOH-LAYANAN", f"{CONTOH}Instrumen contoh: pelayanan publik dan pengaduan",
     f"{BAB_IV}, instrumen 3 ('diciptakan sendiri berdasarkan kebutuhan data'). Pertanyaan rekaan untuk demo, "
     "bukan instrumen resmi.", "CONTOH-PENGISI", "TW1; TW2; TW3; TW4", 2022, 2026, "INSPEKTORAT",
     "Contoh untuk demo dan pelatihan: pertanyaan, bobot dan skalanya rekaan rbxl (ditandai [CONTOH]). "
     "Hapus baris ini dan pertanyaannya, atau ganti Pengisi, sebelum dipakai sungguhan."),
]
SKALA = [
    ("YA_TIDAK", "Ya", 1, "Ya/Tidak: Ya bernilai 1, Tidak 0."),
    ("YA_TIDAK", "Tidak", 0, ""),
    ("A-E", "A", 1, "Skala lima jawaban yang lazim di LKE (A 1; B 0,75; C 0,5; D 0,25; E 0). Bukan dari Perbup."),
    ("A-E", "B", 0.75, ""),
    ("A-E", "C", 0.5, ""),
    ("A-E", "D", 0.25, ""),
    ("A-E", "E", 0, ""),
]
# (instrumen, kode, komponen, pertanyaan, jenis, skala, bobot, wajib, bukti, min, maks, penjelasan, sumber)
_L, _A = f"{CONTOH}Pelayanan Publik", f"{CONTOH}Pengaduan"
_I = f"{CONTOH}Informasi Pendukung"
CONTOH_ROWS = [
    ("CONTOH-LAYANAN", "", _L, "", "", "", 60, "", "", None, None, "", "rekaan contoh"),
    ("CONTOH-LAYANAN", "", _A, "", "", "", 40, "", "", None, None, "", "rekaan contoh"),
    ("CONTOH-LAYANAN", "L.1", _L, f"{CONTOH}Apakah unit telah menetapkan standar pelayanan untuk setiap layanannya?",
     "ya_tidak", "YA_TIDAK", 20, "Ya", "Ya", None, None,
     "Ya bila ada SK penetapan standar pelayanan; lampirkan tautan SK-nya.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "L.2", _L, f"{CONTOH}Sejauh mana maklumat pelayanan dipublikasikan?", "skala", "A-E", 20,
     "Ya", "Ya", None, None,
     "A: di semua tempat layanan dan situs; B: di semua tempat layanan; C: di sebagian; D: baru disusun; "
     "E: belum ada.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "L.3", _L, f"{CONTOH}Persentase layanan yang sudah dapat diajukan secara daring",
     "persen", "", 20, "Ya", "", None, None, "0-100, tanpa tanda %.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "P.1", _A, f"{CONTOH}Nilai Indeks Kepuasan Masyarakat (IKM) terakhir", "angka", "", 25,
     "Ya", "Ya", 0, 100, "Nilai 0-100 dari survei kepuasan masyarakat terakhir.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "P.2", _A, f"{CONTOH}Apakah pengaduan dikelola melalui SP4N-LAPOR!?", "ya_tidak", "YA_TIDAK",
     15, "Ya", "Ya", None, None, "Lampirkan tautan rekap tindak lanjut pengaduan.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "I.1", _I, f"{CONTOH}Tanggal penetapan SK standar pelayanan terakhir", "tanggal", "", None,
     "", "", None, None, "Tidak dinilai.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "I.2", _I, f"{CONTOH}Tautan halaman standar pelayanan di situs unit", "tautan", "", None,
     "", "", None, None, "Alamat lengkap, diawali https://. Tidak dinilai.", "rekaan contoh"),
    ("CONTOH-LAYANAN", "I.3", _I, f"{CONTOH}Catatan perkembangan lain", "teks", "", None, "", "", None, None,
     "Tidak dinilai.", "rekaan contoh"),
]


def _pmprb_rows() -> list[tuple]:
    """The PMPRB skeleton: the component tree 'K' of Bab III D as component rows (no questions)."""
    bobot = {k: (i, n, b) for k, i, n, _a, b, _c in _bobot_rows()}
    out = []

    def path(kode: str) -> str:
        induk, nama, _b = bobot[kode]
        return nama if induk == "K" else f"{path(induk)} > {nama}"

    for kode, (_induk, _nama, b) in bobot.items():
        if kode == "K" or not kode.startswith(("P", "H")) or kode.startswith("P.2."):
            continue
        out.append(("PMPRB", "", path(kode), "", "", "", b, "", "", None, None, "", f"{PMPRB_D}, Bobot PMPRB {kode}"))
    return out


# Tabel 3.23, in its order (Pokja 6 is Pengawasan = A7, Pokja 7 is Akuntabilitas = A6)
POKJA = [
    ("A1", ["INSPEKTORAT", "BAPPEDA", "BKD", "BAG-ORGANISASI"]),
    ("A2", ["BAG-HUKUM"]),
    ("A3", ["BAPPEDA", "BKD", "BPPKAD", "BAG-ORGANISASI", "BAG-HUKUM"]),
    ("A4", ["DPK", "DINKOMINFO", "BAG-ORGANISASI", "BAG-HUKUM", "BAG-PBJ"]),
    ("A5", ["INSPEKTORAT", "BKD", "BAPPEDA", "BAG-ORGANISASI"]),
    ("A7", ["INSPEKTORAT", "BKD", "BAG-ORGANISASI"]),
    ("A6", ["BAPPEDA", "INSPEKTORAT", "BKD", "BPPKAD", "DINKOMINFO", "BAG-ADPEM", "BAG-ORGANISASI"]),
    ("A8", ["DPMPTSP", "BKD", "DINKOMINFO", "BAG-ORGANISASI"]),
]

GROUPS = [
    ("SELURUH-PD", "Seluruh Perangkat Daerah", "SEMUA_PD", "",
     "Semua unit berjenis Perangkat Daerah di sheet Unit (43 SKPD).", ""),
    ("UNIT-PELAYANAN", "Semua Unit Pelayanan", "UNIT_PELAYANAN", "",
     "Unit dengan 'Unit Pelayanan Publik' = Ya di sheet Unit.",
     "Penandaan unit pelayanan adalah inferensi; administrator dapat mengubahnya."),
    ("POKJA-RB", "Perangkat Daerah terkait area perubahan Reformasi Birokrasi", "POKJA_SEMUA", "",
     "Semua anggota Kelompok Kerja kedelapan area (Tabel 3.23, sheet Pokja).",
     "Keputusan: Perbup tidak menyebut areanya dan baris yang memakainya (1.a.1-1.a.5, road map) mencakup "
     "kedelapan area, jadi dibaca harfiah sebagai seluruh Pokja. Untuk Pokja satu area saja, pakai jenis "
     "POKJA_AREA."),
    ("TIM-TPP", "Tim Pelaksana TPP", "DAFTAR", "BKD;BPPKAD",
     "Asumsi: Perbup tidak merinci anggota Tim Pelaksana TPP; perhitungan TPP dikerjakan unsur kepegawaian (BKD) dan keuangan (BPPKAD).",
     "Dapat diubah administrator."),
    ("CONTOH-PENGISI", "[CONTOH] Pengisi instrumen contoh", "DAFTAR", "DINKES;DINDUKCAPIL;DPMPTSP;RSUD-BLORA",
     "Rekaan untuk demo: beberapa unit pelayanan yang mengisi instrumen CONTOH-LAYANAN.", "Hapus bila tidak dipakai."),
]

# Where a list's values come from when it is not the Perbup (shown in the Pilihan sheet's Sumber column).
LIST_SOURCES = {
    "PREDIKAT_SAKIP": "Asumsi: rentang predikat evaluasi AKIP Kementerian PANRB (PermenPANRB Nomor 88 Tahun 2021 "
                      "tentang Evaluasi AKIP); Perbup tidak memuatnya dan rbxl belum mencocokkannya dengan naskah "
                      "resmi. Perbup menulis target 2026 '80 A', padahal menurut rentang ini 80 berpredikat BB.",
    "OPINI_BPK": "Jenis opini BPK atas laporan keuangan (UU Nomor 15 Tahun 2004); Perbup hanya memakai WTP.",
}

# deadline: (month, day, year offset) after the period
DEADLINES = {"TW1": (4, 15, 0), "TW2": (7, 15, 0), "TW3": (10, 15, 0), "TW4": (1, 15, 1),
             "S1": (7, 15, 0), "S2": (1, 15, 1), "TAHUNAN": (1, 31, 1)}

SETTINGS = [
    ("nama_pemda", "Pemerintah Kabupaten Blora", "Ditampilkan di judul template dan laporan."),
    ("dasar_hukum", PERBUP, "Dasar road map."),
    ("tahun_mulai", "2022", "Tahun pertama road map."),
    ("tahun_selesai", "2026", "Tahun terakhir road map."),
    ("pengelola", "Bagian Organisasi Sekretariat Daerah Kabupaten Blora", "Pengumpul laporan (Pasal 7)."),
    ("kontak_nama", "Bagian Organisasi Setda Kabupaten Blora", "Nama petugas yang dapat dihubungi unit."),
    ("kontak_telepon", "", "Nomor telepon/WhatsApp petugas (isi oleh administrator)."),
    ("kontak_email", "", "Alamat e-mail pengembalian berkas (isi oleh administrator)."),
    ("cara_pengembalian",
     "Simpan berkas (boleh .xlsx, .xls atau .ods), lalu kirim sebagai lampiran e-mail ke alamat kontak. "
     "Nama berkas boleh diubah; jangan menghapus sheet, menambah atau menghapus baris.",
     "Ditampilkan di sheet Petunjuk."),
    ("laporan_kepada", "Bupati Blora", "Penerima laporan monev (ringkasan eksekutif)."),
    ("laporan_tempat", "Blora", "Tempat penandatanganan laporan."),
    ("penandatangan_jabatan", "Kepala Bagian Organisasi Sekretariat Daerah Kabupaten Blora",
     "Jabatan penanda tangan kata pengantar dan penutup laporan."),
    ("penandatangan_nama", "", "Nama penanda tangan laporan (isi oleh administrator)."),
    ("penandatangan_pangkat", "", "Pangkat/golongan penanda tangan (opsional)."),
    ("penandatangan_nip", "", "NIP penanda tangan (isi oleh administrator)."),
    ("koordinator_monev", "INSPEKTORAT",
     "Koordinator monitoring dan evaluasi RB tingkat Pemerintah Daerah dan monev PMPRB: Bab IV 4.1 A ('koordinator "
     "dari Inspektorat Daerah') dan 4.1 B ('Monev pelaksanaan PMPRB ... dengan koordinator dari Inspektorat "
     "Daerah'). Verifikator instrumen yang kolom Verifikatornya kosong (sheet Instrumen)."),
    ("sandi_proteksi", "", "Kata sandi proteksi sheet template (opsional). Proteksi bukan keamanan: isi tetap diperiksa terhadap master."),
]


INSTRUMENT_GUIDE = [
    "INSTRUMEN (Bab IV 4.4). Sheet Instrumen: satu baris per instrumen: Kode (huruf, angka, titik, garis bawah, "
    "tanda hubung; paling panjang 20), Nama, Dasar (dasar hukum atau sumbernya), Pengisi (kode unit atau grup, "
    "seperti kolom PD Utama), Periode (kode periode dipisah ';', misal TW1; TW2 atau TAHUNAN), Tahun Mulai, "
    "Tahun Selesai, Verifikator (kode unit; kosong = koordinator_monev di Pengaturan), Catatan.",
    "Sheet Pertanyaan: Instrumen (kodenya), Kode (unik dalam instrumen), Komponen (jalur pengelompokan, "
    "misal 'Komponen Pengungkit > Pemenuhan > Manajemen Perubahan'), Pertanyaan, Jenis (ya_tidak, skala, persen, "
    "angka, teks, tanggal, tautan), Skala (untuk ya_tidak dan skala; ya_tidak tanpa skala = YA_TIDAK), Bobot, "
    "Wajib (Ya/Tidak), Bukti Dukung (Ya: jawaban positif wajib disertai bukti), Min, Maks, Penjelasan (ditampilkan "
    "di samping pertanyaan). Baris tanpa Pertanyaan dan Jenis menyatakan bobot sebuah komponen.",
    "Bobot: bobot bersaudara (subkomponen dan pertanyaan langsung di bawah satu komponen) berjumlah sama dengan "
    "bobot komponen induknya, atau 100 bila induknya tidak berbobot (tingkat teratas selalu 100). Tanpa bobot sama "
    "sekali, saudara dibagi rata. Yang dinilai hanya ya_tidak, skala, persen, dan angka yang punya Min dan Maks: "
    "nilai jawaban 0-1 (nilai skala dibagi nilai tertinggi skalanya; persen/100; angka (x-Min)/(Maks-Min)), "
    "dikali bobot efektifnya; nilai instrumen = jumlahnya (0-100).",
    "Sheet Skala: Skala (nama), Jawaban, Nilai. Kesalahan di ketiga sheet ini dilaporkan 'rbxl master periksa' "
    "sebagai peringatan dan baris itu dilewati; road map tetap berjalan.",
]


class Formula:
    def __init__(self, text: str, cached):
        self.text, self.cached = text, cached


def _sumif(row: int, kode: str, bobot: list[tuple]):
    """'Jumlah Rincian' of a weighting line: a live SUMIF over its parts, with the value it gives."""
    parts = [b for _k, i, _n, _a, b, _c in bobot if i == kode and b is not None]
    if not parts:
        return (None, None)
    n = len(bobot) + 1
    return Formula(f'=SUMIF($B$2:$B${n},A{row},$E$2:$E${n})', sum(parts)), None


def read_csv(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_lists() -> dict[str, list[dict]]:
    """The Pilihan sheet's lists, in order: daftar -> rows with nilai, keterangan, makna."""
    lists: dict[str, list[dict]] = {}
    for rec in read_csv("pilihan.csv"):
        lists.setdefault(rec["daftar"], []).append(rec)
    return lists


def typed(text: str, jenis: str = "angka"):
    """A Perbup value as a cell: numbers become numbers (keeping their decimals), text stays."""
    text = (text or "").strip()
    if not text:
        return None, None
    if jenis in ("angka", "persen"):
        n = parse_number(text)
        if n is not None:
            d = decimals_of(text)
            return n, ("0" if d == 0 else "0." + "0" * d)
    return text, None


def rows_for(sheet: S.Sheet, years, records: list[dict], jenis_of=None) -> list[list]:
    out = []
    for rec in records:
        row = []
        for col, year in sheet.expanded(years):
            key = S.field_of(col, year)
            raw = rec.get(key if year is None or col.key != "baseline" else key, "")
            if col.key == "baseline":
                raw = rec.get("baseline_2021", "")
            if col.kind == S.VALUE:
                row.append(typed(raw, jenis_of(rec) if jenis_of else "angka"))
            elif col.kind == S.NUMBER:
                row.append(typed(str(raw)))
            else:
                row.append((raw if raw not in ("", None) else None, None))
        out.append(row)
    return out


def build(out: Path) -> None:
    import xlsxwriter

    years = S.YEARS_DEFAULT
    data: dict[str, list[list]] = {}

    data["Pengaturan"] = [[(k, None), (v or None, None), (d, None)] for k, v, d in SETTINGS]
    units = [[(k, None), (n, None), (s, None), ("Perangkat Daerah", None), (None, None),
              (None, None), ("Ya" if pel else "Tidak", None), (al or None, None), (STATUS[st][0], None),
              (" ".join(x for x in (UNIT_SOURCE, STATUS[st][1], c) if x), None)] for k, n, s, pel, al, st, c in PD]
    units += [[(k, None), (n, None), (s, None), ("Bagian Setda", None), ("SETDA", None), (None, None), ("Tidak", None),
               (al, None), ("Perbup", None), (f"Disebut di {PERBUP}: {c}", None)] for k, n, s, al, c in BAGIAN]
    data["Unit"] = units
    programs = {r["nilai"]: r["keterangan"] for r in read_lists()["PROGRAM"]}
    data["Area"] = [[(k, None), (n, None), (nl, None), (SASARAN[sa], None), (p, None), (programs[p], None),
                     ("Tabel 2.1; Bab III 3.3.3", None), ("Bobot PMPRB area ini: sheet Bobot PMPRB.", None)]
                    for k, n, nl, sa, p in AREAS]
    data["Quick Wins"] = [[(k, None), (n, None), ("A8", None), (QW_SOURCE, None), (" ".join((QW_NOTE, c)).strip(), None)]
                          for k, n, c in QUICK_WINS]
    bobot = _bobot_rows()
    data["Bobot PMPRB"] = [[(k, None), (i or None, None), (n, None), (a or None, None), (b, None),
                            _sumif(r, k, bobot), (PMPRB_D, None), (c or None, None)]
                           for r, (k, i, n, a, b, c) in enumerate(bobot, start=2)]
    ind = read_csv("indikator.csv")
    data["Indikator"] = rows_for(S.INDIKATOR, years, ind, jenis_of=lambda r: r["jenis_nilai"])
    data["Kegiatan Prioritas"] = rows_for(S.KEGIATAN, years, read_csv("kegiatan.csv"))
    data["Rencana Aksi"] = rows_for(S.RENCANA_AKSI, years, read_csv("rencana_aksi.csv"))
    data["Pokja"] = [[(a, None), (u, None), (i + 1, None), ("Tabel 3.23", None), (None, None)]
                     for a, members in POKJA for i, u in enumerate(members)]
    data["Grup"] = [[(k, None), (n, None), (j, None), (a or None, None), (d, None), (c or None, None)]
                    for k, n, j, a, d, c in GROUPS]
    riw = read_csv("riwayat.csv")
    for r in riw:
        for y in S.RIWAYAT_YEARS:
            r[f"nilai_{y}"] = r.get(f"nilai_{y}", "")
    data["Riwayat"] = rows_for(S.RIWAYAT, S.RIWAYAT_YEARS, riw)
    pil_rows, ranges = [], {}
    for name, items in read_lists().items():
        first = len(pil_rows) + 2
        pil_rows += [[(name, None), (r["nilai"], None), (i + 1, None), (r["keterangan"] or None, None),
                      (LIST_SOURCES.get(name), None), (r["makna"] or None, None)] for i, r in enumerate(items)]
        ranges[name] = (first, len(pil_rows) + 1)
    data["Pilihan"] = pil_rows
    jad = []
    for y in years:
        for p, (m, d, off) in DEADLINES.items():
            jad.append([(y, None), (p, None), (dt.date(y + off, m, d), "dd/mm/yyyy"),
                        ("Asumsi awal; ubah sesuai surat edaran.", None)])
    data["Jadwal"] = jad
    data["Instrumen"] = [[(v if v not in ("", None) else None, None) for v in row] for row in INSTRUMEN]
    data["Pertanyaan"] = [[(v if v not in ("", None) else None, None) for v in (*row[:-1], row[-1], None)]
                          for row in _pmprb_rows() + CONTOH_ROWS]
    data["Skala"] = [[(v if v not in ("", None) else None, None) for v in row] for row in SKALA]

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    wb.set_properties({"title": "Master Road Map Reformasi Birokrasi Kabupaten Blora 2022-2026",
                       "subject": PERBUP, "author": "rbxl", "company": "Pemerintah Kabupaten Blora"})
    head = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                          "valign": "top", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    fmts = {}
    for name, (a, b) in ranges.items():
        wb.define_name(f"Daftar_{name}", f"=Pilihan!$B${a}:$B${b}")

    guide = wb.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 110, wrap)
    lines = [
        "MASTER ROAD MAP REFORMASI BIROKRASI KABUPATEN BLORA 2022-2026",
        f"Sumber: {PERBUP} (Lampiran I dan II). Setiap baris data punya kolom Sumber yang menyebut tabelnya.",
        "Sheet: Pengaturan (tahun, kontak), Unit (unit pelapor), Area, Indikator, Kegiatan Prioritas, Rencana Aksi, "
        "Pokja (Tabel 3.23), Grup (cara menentukan anggota 'Seluruh Perangkat Daerah' dsb.), Riwayat (Tabel 2.2-2.9), "
        "Quick Wins dan Bobot PMPRB (Bab III D; tidak masuk template), Pilihan (daftar nilai), Jadwal (batas "
        "pengumpulan).",
        "Yang bukan dari Perbup ditandai: daftar unit (kolom Status Sumber dan Catatan sheet Unit), batas nilai "
        "indikator (kolom Dasar Batas Nilai), rentang predikat SAKIP (kolom Sumber sheet Pilihan), kode baris yang "
        "diberikan rbxl (kolom Catatan).",
        "Urutan kolom boleh diubah; nama judul kolom jangan diubah. Kode dipakai di template: jangan mengubah kode "
        "setelah template dikirim.",
        "Nilai ditulis seperti di Perbup, termasuk ketidaksesuaian antartabel; kolom Catatan menjelaskannya. "
        "Jalankan 'rbxl master periksa' setelah mengedit.",
        "Kolom PD Utama, PD Pendukung, Penanggung Jawab dan SKPD Pengampu berisi kode unit atau kode grup, "
        "dipisah titik koma (;).",
        *INSTRUMENT_GUIDE,
    ]
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line)

    for sheet in S.SHEETS + S.INSTRUMENT_SHEETS:
        ws = wb.add_worksheet(sheet.name)
        yrs = S.RIWAYAT_YEARS if sheet is S.RIWAYAT else (() if sheet in (S.PENGATURAN,) else years)
        cols = sheet.expanded(yrs)
        for c, (col, year) in enumerate(cols):
            ws.write_string(0, c, S.header_of(col, year), head)
            ws.set_column(c, c, col.width, wrap)
        for r, row in enumerate(data[sheet.name], start=1):
            for c, (value, num_format) in enumerate(row):
                fmt = None
                if num_format:
                    fmt = fmts.setdefault(num_format, wb.add_format({"num_format": num_format, "valign": "top"}))
                if value is None:
                    continue
                if isinstance(value, Formula):
                    ws.write_formula(r, c, value.text, fmt, value.cached)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value, fmt)
                else:
                    ws.write_string(r, c, str(value).replace("\r\n", "\n"), fmt or wrap)
        n = len(data[sheet.name])
        ws.freeze_panes(1, 2 if sheet.key else 1)
        ws.autofilter(0, 0, max(n, 1), len(cols) - 1)
        for c, (col, _year) in enumerate(cols):
            if col.kind == S.CHOICE and col.choices in ranges:
                ws.data_validation(1, c, 1000, c, {"validate": "list", "source": f"=Daftar_{col.choices}",
                                                   "error_type": "warning",
                                                   "error_title": "Nilai di luar daftar",
                                                   "error_message": f"Pilih dari daftar {col.choices} (sheet Pilihan)."})
    wb.close()
    tmp.replace(out)
    print(f"ditulis: {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "master" / "roadmap-rb-blora-2022-2026.xlsx")
    build(ap.parse_args().out)


if __name__ == "__main__":
    main()
