"""Build master/roadmap-rb-blora-2022-2026.xlsx from the Perbup transcription.

A one-time transcription tool, kept for provenance: the CSV files in tools/master_data/ hold
the Perbup's tables exactly as written (text, Indonesian decimals), and the small tables
below (units, areas, Pokja, groups, lists, schedule, settings) are typed from the Perbup and
shared/reference/perangkat-daerah-blora.md. After the first build the administrator edits
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

from rbxl.master import schema as S  # noqa: E402
from rbxl.values import decimals_of, parse_number  # noqa: E402

DATA = ROOT / "tools" / "master_data"
PERBUP = "Peraturan Bupati Blora Nomor 4 Tahun 2022"
REF = "shared/reference/perangkat-daerah-blora.md"

KECAMATAN = ["Jati", "Randublatung", "Kradenan", "Kedungtuban", "Cepu", "Sambong", "Jiken", "Bogorejo",
             "Jepon", "Blora", "Banjarejo", "Tunjungan", "Japah", "Ngawen", "Kunduran", "Todanan"]

# kode, nama, singkatan, unit pelayanan, alias, status, catatan
PD = [
    ("SETDA", "Sekretariat Daerah", "Setda", False, "", "C", ""),
    ("SETWAN", "Sekretariat DPRD", "Setwan", False, "", "C", ""),
    ("INSPEKTORAT", "Inspektorat Daerah", "Inspektorat", False, "Inspektorat", "C", ""),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "Bappeda", False, "BAPPEDA", "C", "Berganti nama menjadi Bapperida pada 2025."),
    ("BPPKAD", "Badan Pendapatan, Pengelolaan Keuangan dan Aset Daerah", "BPPKAD", False, "", "C", ""),
    ("BKD", "Badan Kepegawaian Daerah", "BKD", False, "BKPSDM", "C", "Berganti nama menjadi BKPSDM pada 2025."),
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
    ("DP4", "Dinas Pangan, Pertanian, Peternakan dan Perikanan", "DP4", False, "", "C", "Gabungan dua dinas pada Januari 2022 (44 menjadi 43 SKPD)."),
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
    ("A1", "Manajemen Perubahan", "Manajemen Perubahan", "kapabel", "B", 2, 3),
    ("A2", "Deregulasi Kebijakan", "Penataan Peraturan Perundang-Undangan", "bersih", "A", 2, 3),
    ("A3", "Penataan dan Penguatan Organisasi", "Penataan dan Penguatan Organisasi", "kapabel", "B", 3, 4.5),
    ("A4", "Penataan Tatalaksana", "Penataan Tatalaksana", "prima", "C", 2.5, 3.75),
    ("A5", "Penataan Sistem Manajemen SDM", "Penataan Sistem Manajemen Sumber Daya Manusia", "kapabel", "B", 3, 4.5),
    ("A6", "Penguatan Akuntabilitas", "Penguatan Akuntabilitas", "bersih", "A", 2.5, 3.75),
    ("A7", "Penguatan Pengawasan", "Penguatan Pengawasan", "bersih", "A", 2.5, 3.75),
    ("A8", "Peningkatan Kualitas Pelayanan Publik", "Peningkatan Kualitas Pelayanan Publik", "prima", "C", 2.5, 3.75),
]

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
    ("POKJA-AREA", "Perangkat Daerah terkait area perubahan Reformasi Birokrasi", "POKJA_AREA", "",
     "Kelompok Kerja area baris tersebut (Tabel 3.23, sheet Pokja).", ""),
    ("TIM-TPP", "Tim Pelaksana TPP", "DAFTAR", "BKD;BPPKAD",
     "Asumsi: Perbup tidak merinci anggota Tim Pelaksana TPP; perhitungan TPP dikerjakan unsur kepegawaian (BKD) dan keuangan (BPPKAD).",
     "Dapat diubah administrator."),
]

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
    ("sandi_proteksi", "", "Kata sandi proteksi sheet template (opsional). Proteksi bukan keamanan: isi tetap diperiksa terhadap master."),
]


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
    units = [[(k, None), (n, None), (s, None), ("Perangkat Daerah", None), (None if k == "SETDA" else None, None),
              (None, None), ("Ya" if pel else "Tidak", None), (al or None, None), (st, None),
              (("Sumber: " + REF + ". " + c).strip(), None)] for k, n, s, pel, al, st, c in PD]
    units += [[(k, None), (n, None), (s, None), ("Bagian Setda", None), ("SETDA", None), (None, None), ("Tidak", None),
               (al, None), ("C", None), (c, None)] for k, n, s, al, c in BAGIAN]
    data["Unit"] = units
    programs = {r["nilai"]: r["keterangan"] for r in read_lists()["PROGRAM"]}
    data["Area"] = [[(k, None), (n, None), (nl, None), (SASARAN[sa], None), (p, None), (programs[p], None),
                     (bp, None), (br, None), ("Tabel 2.1; Bab III 3.3.3; Bab III D (bobot PMPRB)", None), (None, None)]
                    for k, n, nl, sa, p, bp, br in AREAS]
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
                      (r["makna"] or None, None)] for i, r in enumerate(items)]
        ranges[name] = (first, len(pil_rows) + 1)
    data["Pilihan"] = pil_rows
    jad = []
    for y in years:
        for p, (m, d, off) in DEADLINES.items():
            jad.append([(y, None), (p, None), (dt.date(y + off, m, d), "dd/mm/yyyy"),
                        ("Asumsi awal; ubah sesuai surat edaran.", None)])
    data["Jadwal"] = jad

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
        "Pilihan (daftar nilai), Jadwal (batas pengumpulan).",
        "Urutan kolom boleh diubah; nama judul kolom jangan diubah. Kode dipakai di template: jangan mengubah kode "
        "setelah template dikirim.",
        "Nilai ditulis seperti di Perbup, termasuk ketidaksesuaian antartabel; kolom Catatan menjelaskannya. "
        "Jalankan 'rbxl master check' setelah mengedit.",
        "Kolom PD Utama, PD Pendukung, Penanggung Jawab dan SKPD Pengampu berisi kode unit atau kode grup, "
        "dipisah titik koma (;).",
    ]
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line)

    for sheet in S.SHEETS:
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
                if isinstance(value, dt.date):
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
