"""Findings: records with a stable code, a place (file, sheet, cell) and an Indonesian message.

Every check in rbxl yields Finding records built from the catalogue below, so tests assert on
codes and cells and users read one consistent wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from rbxl.core.enums import Severity
from rbxl.core.text import clip
from rbxl.core.values import format_number

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITY_ID: dict[str, str] = {s.value: s.label for s in Severity}

class Code(NamedTuple):
    """A catalogue entry: how bad, what to tell the user, and whether it rejects the whole file."""

    severity: Severity
    message: str  # str.format template; speaks to the person who must act
    rejects: bool = False  # structure or identity: nothing from the file can be trusted
    asks: bool = False  # a warning only the unit can settle: it gets feedback even when its file is accepted


CATALOG: dict[str, Code] = {
    # --- master workbook ---------------------------------------------------------------
    "MASTER_SHEET_MISSING": Code(ERROR, "Sheet '{sheet}' tidak ada di master."),
    "MASTER_COLUMN_MISSING": Code(ERROR, "Kolom '{column}' tidak ditemukan di baris judul sheet '{sheet}'."),
    "MASTER_YEAR_COLUMN_MISSING": Code(ERROR, "Kolom '{column}' untuk tahun {tahun} tidak ada di sheet '{sheet}'."),
    "MASTER_REQUIRED": Code(ERROR, "Kolom '{column}' wajib diisi."),
    "MASTER_DUPLICATE": Code(ERROR, "Kode '{value}' dipakai lebih dari sekali (juga di baris {other_row})."),
    "MASTER_NOT_NUMBER": Code(ERROR, "Kolom '{column}' harus berisi angka, ditemukan '{value}'."),
    "MASTER_BAD_CHOICE": Code(ERROR, "Nilai '{value}' di kolom '{column}' tidak ada dalam daftar {choices}."),
    "MASTER_UNKNOWN_REF": Code(ERROR, "'{value}' di kolom '{column}' bukan kode unit atau grup yang dikenal di sheet Unit/Grup."),
    "MASTER_UNKNOWN_AREA": Code(ERROR, "Area '{value}' tidak ada di sheet Area."),
    "MASTER_UNKNOWN_LIST": Code(ERROR, "Daftar '{value}' tidak ada di sheet Pilihan."),
    "MASTER_UNKNOWN_LINK": Code(ERROR, "Kode '{value}' di kolom '{column}' tidak ada di sheet Indikator."),
    "MASTER_BAD_SETTING": Code(ERROR, "Pengaturan '{value}' tidak valid: {detail}"),
    "MASTER_TARGET_EMPTY": Code(WARNING, "Target {tahun} kosong untuk '{label}'. {detail}"),
    "MASTER_LINK_DIFFERS": Code(WARNING, "'{label}' juga ada sebagai {other} ({other_table}) dengan nilai berbeda: {detail}."),
    "MASTER_NO_ACTION": Code(WARNING, "Rencana aksi '{label}' tidak punya aksi di tahun mana pun; tidak akan masuk template."),
    "MASTER_BAD_EMAIL": Code(WARNING, "Alamat e-mail '{value}' tidak tampak valid; unit ini akan dilewati oleh 'rbxl kirim' sampai diperbaiki."),
    "MASTER_TARGET_AGAINST_DIRECTION": Code(WARNING, "Target {tahun} '{label}' adalah {value}, sedangkan nilai awal 2021 {detail} dan arah indikator '{arah}': targetnya bergerak berlawanan dengan arahnya. Periksa lagi dengan Perbup; bila memang demikian, beri catatan di kolom Catatan."),
    "MASTER_TEXT_CUT": Code(WARNING, "Teks {label} rencana aksi {value} berakhir dengan '{detail}' sehingga tampak terpotong: '...{text}'. Template mencetaknya apa adanya; lengkapi dari Perbup di sheet Rencana Aksi."),
    "MASTER_NO_EMAIL": Code(WARNING, "{detail} dari {total} unit belum punya alamat e-mail di sheet Unit (kolom E-mail): {value}. 'rbxl kirim' tidak dapat mengirim template, umpan balik atau pengingat kepada unit itu sampai alamatnya diisi."),
    "MASTER_NO_CONTACT": Code(WARNING, "Pengaturan '{value}' kosong (sheet Pengaturan): template dan e-mail tidak dapat menyebut {detail}. Isi agar unit tahu ke mana bertanya dan mengirim berkas."),
    "MASTER_NO_SENDER": Code(WARNING, "Alamat pengirim e-mail belum diatur ('from' di bagian [smtp] rbxl.toml, variabel RBXL_SMTP_FROM, atau kontak_email di sheet Pengaturan): 'rbxl kirim' tidak dapat mengirim apa pun."),
    "MASTER_STATUS_ROLE": Code(ERROR, "Status '{value}' di daftar {label} perlu Makna Status salah satu dari {choices} (ditemukan: {detail}); tanpa itu rbxl tidak tahu arti status ini."),
    "MASTER_STATUS_ROLES": Code(ERROR, "Daftar {label} harus punya tepat satu status untuk setiap Makna Status ({choices}): {detail}."),
    "MASTER_EMPTY_GROUP": Code(WARNING, "Grup '{value}' tidak menghasilkan unit satu pun."),
    "MASTER_UNKNOWN_PARENT": Code(ERROR, "Induk '{value}' tidak ada di kolom Kode sheet '{sheet}'."),
    "MASTER_WEIGHT_SUM": Code(WARNING, "Bobot '{label}' tertulis {stated} tetapi rinciannya berjumlah {total}. {detail}"),
    "MASTER_WEIGHT_REPEAT": Code(WARNING, "'{value}' disebut lebih dari sekali di bawah '{label}' (juga di baris {other_row})."),
    "MASTER_GRADE_BAND": Code(WARNING, "Nilai '{value}' di kolom '{column}' ({label}): menurut rentang predikat di sheet Pilihan ({detail}), {number} berpredikat {expected}, bukan {grade}."),
    # --- master: instruments (rbxl.master.instrumen); warnings, so the roadmap keeps working ---------
    "MASTER_INSTR_COLUMN": Code(WARNING, "Kolom '{column}' tidak ada di baris judul sheet '{sheet}'; instrumen tidak dipakai sampai kolom itu ditambahkan."),
    "MASTER_INSTR_REQUIRED": Code(WARNING, "Kolom '{column}' wajib diisi; {detail}."),
    "MASTER_INSTR_DUPLICATE": Code(WARNING, "'{value}' dipakai lebih dari sekali di {label}; baris ini dilewati."),
    "MASTER_INSTR_BAD_CODE": Code(WARNING, "Kode '{value}' hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung (paling panjang 20 karakter); baris ini dilewati."),
    "MASTER_INSTR_UNKNOWN": Code(WARNING, "Instrumen '{value}' tidak ada di sheet Instrumen; pertanyaan ini dilewati."),
    "MASTER_INSTR_NO_TYPE": Code(WARNING, "Pertanyaan {label} belum punya Jenis (pilih salah satu: {choices}); pertanyaan ini dilewati sampai diisi."),
    "MASTER_INSTR_BAD_TYPE": Code(WARNING, "Jenis '{value}' pertanyaan {label} tidak dikenal (pilih salah satu: {choices}); pertanyaan ini dilewati."),
    "MASTER_INSTR_UNKNOWN_SCALE": Code(WARNING, "Skala '{value}' pertanyaan {label} tidak ada di sheet Skala; pertanyaan ini dilewati sampai skalanya ditulis di sheet Skala."),
    "MASTER_INSTR_UNKNOWN_REF": Code(WARNING, "'{value}' di kolom '{column}' bukan kode unit atau grup di sheet Unit/Grup; diabaikan."),
    "MASTER_INSTR_BAD_PERIOD": Code(WARNING, "Periode '{value}' tidak dikenal (pilih dari: {choices}); diabaikan."),
    "MASTER_INSTR_NOT_NUMBER": Code(WARNING, "Kolom '{column}' harus berisi angka, ditemukan '{value}'; diabaikan."),
    "MASTER_INSTR_BAD_FLAG": Code(WARNING, "Kolom '{column}' diisi Ya atau Tidak, ditemukan '{value}'; dibaca Tidak."),
    "MASTER_INSTR_MINMAX": Code(WARNING, "Batas pertanyaan {label} tidak masuk akal (Min {low}, Maks {high}; persen 0-100); pertanyaan ini dilewati."),
    "MASTER_INSTR_EMPTY": Code(INFO, "Instrumen '{value}' belum punya pertanyaan, sehingga belum masuk template."),
    "MASTER_INSTR_UNSCORED_WEIGHT": Code(WARNING, "Pertanyaan {label} berjenis {value} tidak dinilai (hanya ya_tidak, skala, persen, dan angka dengan Min dan Maks); bobotnya diabaikan."),
    "MASTER_INSTR_WEIGHT_SUM": Code(WARNING, "Bobot di bawah '{label}' berjumlah {total}, seharusnya {stated}: bobot bersaudara berjumlah sama dengan {detail}. Nilai dihitung dengan bobot yang dibagi rata secara proporsional."),
    "MASTER_INSTR_WEIGHT_MISSING": Code(WARNING, "Sebagian isi '{label}' punya bobot dan sebagian tidak; yang tanpa bobot dihitung 0. Isi bobot semuanya, atau kosongkan semuanya (dibagi rata)."),
    "MASTER_INSTR_COMPONENT_UNUSED": Code(WARNING, "Komponen '{value}' instrumen {label} tidak memuat pertanyaan yang dinilai; bobotnya tidak dipakai."),
    # --- intake: files ------------------------------------------------------------------
    "FILE_SKIPPED": Code(INFO, "Dilewati: {detail}"),
    "FILE_EMPTY": Code(ERROR, "Berkas kosong (0 byte). Kirim ulang berkas hasil pengisian.", rejects=True),
    "FILE_UNREADABLE": Code(ERROR, "Berkas tidak dapat dibaca sebagai lembar kerja ({detail}). Simpan ulang dari Excel/LibreOffice sebagai .xlsx lalu kirim ulang.", rejects=True),
    "FILE_ENCRYPTED": Code(ERROR, "Berkas dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. Buka berkas, hapus kata sandi pembuka (File > Info > Protect Workbook), simpan, lalu kirim ulang.", rejects=True),
    "FILE_TOO_LARGE": Code(ERROR, "Berkas ditolak demi keamanan: {detail}. Kirim ulang template asli yang sudah diisi.", rejects=True),
    "FILE_ZIP_AMBIGUOUS": Code(ERROR, "Berkas ditolak demi keamanan: susunan zip-nya dapat dibaca dengan dua cara ({detail}), sehingga program yang berbeda melihat isi yang berbeda dan rbxl tidak dapat memastikan isi yang diperiksa sama dengan yang dibaca. Buka berkas di Excel/LibreOffice, simpan ulang (untuk zip: buat ulang zip-nya), lalu kirim ulang.", rejects=True),
    "FOLDER_UNREADABLE": Code(ERROR, "Folder masukan ini tidak dapat dibuka ({detail}), sehingga berkas di dalamnya (bila ada) tidak diperiksa. {step}"),
    "FOLDER_TOO_DEEP": Code(ERROR, "Folder ini berada lebih dari {detail} tingkat di bawah folder masukan, sehingga isinya tidak diperiksa. Pindahkan berkas kiriman ke folder yang lebih dangkal lalu periksa ulang."),
    "FILE_MACROS": Code(WARNING, "Berkas berisi makro{name}: {detail}. rbxl tidak pernah menjalankan makro; hanya nilai sel yang dibaca, dan nilai itu tetap dipakai. Template dari Bagian Organisasi tidak berisi makro, jadi makro ini ditambahkan sesudahnya. Jangan aktifkan makro ('Enable Content'/'Aktifkan Konten') bila membuka berkas ini atau salinannya di arsip/; minta unit menyimpan ulang sebagai Buku Kerja Excel (.xlsx) tanpa makro."),
    "FILE_UNSAFE_NAME": Code(WARNING, "Nama berkas di dalam arsip/e-mail tidak aman ('{value}'); disimpan dengan nama '{detail}'."),
    "FILE_NOT_TEMPLATE": Code(ERROR, "Berkas ini bukan template rbxl (sheet identitas tersembunyi tidak ditemukan). Gunakan template yang dikirim Bagian Organisasi.", rejects=True),
    "FILE_META_MISSING": Code(WARNING, "Identitas tersembunyi berkas hilang (sheet disalin ke buku kerja baru?); berkas dikenali dari sheet Identitas dan diperiksa sel demi sel terhadap master."),
    "FILE_META_TAMPERED": Code(ERROR, "Data identitas tersembunyi berkas rusak atau diubah ({detail}). Gunakan template asli.", rejects=True),
    "FILE_UNKNOWN_UNIT": Code(ERROR, "Berkas untuk unit '{value}' yang tidak ada di master.", rejects=True),
    "FILE_WRONG_PERIOD": Code(ERROR, "Berkas ini untuk {detail}, bukan untuk periode yang sedang dikumpulkan. Isi template periode yang benar.", rejects=True),
    "FILE_OLD_MASTER": Code(WARNING, "Berkas dibuat dari versi master lama ({value}); isinya masih cocok dengan master sekarang sehingga tetap diterima."),
    "FILE_MASTER_CHANGED": Code(ERROR, "Berkas dibuat dari versi master lama ({value}) dan barisnya tidak lagi cocok dengan master sekarang. Isi template terbaru.", rejects=True),
    "FILE_CSV": Code(ERROR, "Berkas disimpan sebagai CSV: CSV hanya memuat teks satu sheet, tanpa isian sheet lain dan tanpa identitas berkas, sehingga tidak dapat dipakai. Kirim ulang template yang sudah diisi dalam format asli .xlsx (atau .ods): File > Simpan Sebagai > Buku Kerja Excel (.xlsx).", rejects=True),
    "FILE_BLANK": Code(ERROR, "Template dikembalikan kosong: belum ada satu sel isian (kuning) pun yang diisi. Isi template lalu kirim ulang.", rejects=True),
    # --- authenticity: the office's signature, the e-mail sender, the file's own times (rbxl.core.signing) ----
    "FILE_UNSIGNED": Code(ERROR, "Berkas tidak memuat tanda keaslian dari Bagian Organisasi ({detail}), sehingga tidak dapat dipastikan berasal dari template unit {claimed} periode ini. Isi template asli yang dikirim untuk unit Anda (jangan menyalin sheet ke buku kerja baru), lalu kirim ulang.", rejects=True),
    "FILE_SIGNATURE_BAD": Code(ERROR, "Identitas berkas diubah: tanda keaslian dari Bagian Organisasi tidak cocok dengan identitas yang kini tertulis di berkas (unit {claimed}, {detail}). Berkas yang identitasnya diubah tidak dapat diterima; isi template asli yang dikirim untuk unit Anda, lalu kirim ulang.", rejects=True),
    "FILE_SIGNATURE_UNCHECKED": Code(WARNING, "Keaslian berkas tidak diperiksa: kunci tanda keaslian {value} tidak ada (template dibuat di folder hasil atau komputer lain?). Berkas bisa saja diubah identitasnya tanpa ketahuan. Salin berkas .rbxl-kunci dari folder hasil tempat template dibuat ke folder hasil ini, lalu periksa ulang."),
    "EMAIL_SENDER_OTHER_UNIT": Code(ERROR, "Berkas untuk unit {claimed} dikirim dari {value}, alamat e-mail unit {other} di master; alamat unit {claimed} di master: {detail}. Setiap unit mengirim laporannya sendiri dari alamatnya sendiri; berkas yang dikirim unit {claimed} sendiri selalu didahulukan."),
    "EMAIL_SENDER_UNKNOWN": Code(WARNING, "Berkas untuk unit {claimed} dikirim dari {value}, yang bukan alamat unit itu di master ({detail}). Kirim dari alamat resmi unit, atau minta Bagian Organisasi menambahkan alamat ini di sheet Unit master; berkas yang dikirim dari alamat unit sendiri didahulukan."),
    "EMAIL_SENDER_UNCHECKED": Code(INFO, "Pengirim e-mail ({value}) tidak dapat dicocokkan: unit {claimed} belum punya alamat e-mail di master."),
    "FILE_SENDER_OUTRANKED": Code(INFO, "Tidak dipakai: dikirim dari alamat yang bukan milik unit {claimed}, sedangkan ada berkas yang dikirim unit itu sendiri: {detail}."),
    "FILE_SAVED_FUTURE": Code(WARNING, "Waktu simpan yang tertulis di dalam berkas ({value}) ada di masa depan (jam komputer pengirim salah, atau waktunya diubah). Waktu itu tidak dipakai untuk memilih berkas terbaru."),
    "FILE_SAVED_BEFORE_TEMPLATE": Code(WARNING, "Waktu simpan yang tertulis di dalam berkas ({value}) lebih awal daripada waktu template dibuat ({detail}) (jam komputer pengirim salah, atau waktunya diubah). Waktu itu tidak dipakai untuk memilih berkas terbaru."),
    "FILE_SUPERSEDED": Code(INFO, "Digantikan oleh berkas yang lebih baru dari unit yang sama: {detail}."),
    "ARCHIVE_COPY_MISSING": Code(ERROR, "Berkas ini pernah diterima pada periode ini, tetapi salinannya di folder arsip/ hilang atau isinya berubah, sehingga tidak ikut diperiksa ulang. Pulihkan folder arsip/ dari cadangan (log.csv mencatat nama dan SHA-256 setiap berkas)."),
    "FILE_DUPLICATE": Code(INFO, "Berkas identik (SHA-256 sama) dengan {detail}; hanya satu yang diproses."),
    "FILE_NOT_CHECKED": Code(ERROR, "Berkas ini tidak diperiksa: {detail}. Minta unit mengirim berkas ini dalam e-mail atau zip tersendiri."),
    "MAIL_UNREACHABLE": Code(ERROR, "E-mail memuat {detail}, sehingga lembar kerja di dalamnya (bila ada) tidak dapat diperiksa. Minta unit mengirim ulang berkasnya sebagai lampiran biasa, tanpa enkripsi."),
    # --- structure --------------------------------------------------------------------
    "SHEET_MISSING": Code(ERROR, "Sheet '{sheet}' tidak ditemukan. Jangan menghapus atau mengganti nama sheet.", rejects=True),
    "SHEET_RENAMED": Code(WARNING, "Sheet '{sheet}' diganti namanya menjadi '{value}'; sheet itu dikenali dari isinya dan tetap diperiksa. Jangan mengganti nama sheet."),
    "SHEET_EXTRA": Code(WARNING, "Sheet tambahan '{sheet}' berisi {detail} sel yang tidak ikut direkap. Isi data di sheet template, bukan di sheet baru."),
    "CELL_CHANGED": Code(ERROR, "Isi sel terkunci diubah: seharusnya '{expected}', ditemukan '{value}'. Jangan mengubah, menyisipkan, menghapus atau mengurutkan ulang baris; gunakan template asli.", rejects=True),
    "ROW_INSERTED": Code(ERROR, "Baris {detail} disisipkan, sehingga semua baris di bawahnya bergeser. Hapus baris sisipan itu (catatan tulis di kolom Keterangan), lalu kirim ulang.", rejects=True),
    "ROW_DELETED": Code(ERROR, "Baris {detail} (kode {value}) dihapus, sehingga semua baris di bawahnya bergeser. Gunakan template asli dan jangan menghapus baris; bila rencana aksi tidak dilaksanakan, pilih status yang sesuai.", rejects=True),
    "ROW_EXTRA": Code(WARNING, "Ada isian di bawah tabel (baris {row}): '{value}'. Isian ini tidak ikut direkap; jangan menambah baris, tulis catatan di kolom Keterangan."),
    "CELL_OUTSIDE": Code(WARNING, "Ada isian di luar tabel: '{value}'. Isian ini tidak ikut direkap; tulis catatan di kolom Keterangan."),
    # --- values -----------------------------------------------------------------------
    "VALUE_REQUIRED": Code(ERROR, "'{label}' wajib diisi."),
    "VALUE_NOT_IN_LIST": Code(ERROR, "'{value}' tidak ada dalam pilihan {label}. Pilih dari daftar: {choices}. Bila nilai disalin dari berkas lain, tempel nilainya saja (Tempel Khusus > Hanya Nilai, atau Ctrl+Shift+V): tempel biasa (Ctrl+V) menghapus daftar pilihan sel."),
    "VALUE_NOT_NUMBER": Code(ERROR, "'{value}' bukan angka. Isi {label} dengan angka saja; pemisah desimal ikut bahasa komputer: koma (75,5) bila Indonesia, titik (75.5) bila Inggris."),
    "VALUE_OUT_OF_RANGE": Code(ERROR, "{label} {value} di luar batas {low} sampai {high}."),
    "VALUE_TEXT_NUMBER": Code(WARNING, "Angka '{value}' diketik sebagai teks; dibaca sebagai {detail}. Periksa apakah benar."),
    "VALUE_TOO_LONG": Code(ERROR, "Teks {label} terlalu panjang ({detail} karakter, maksimum {high}). Ringkas isinya."),
    "VALUE_FORMULA": Code(ERROR, "Sel isian berisi rumus ('{value}'). Ketik nilainya langsung, bukan rumus."),
    "VALUE_BAD_NIP": Code(ERROR, "NIP '{value}' harus 18 digit angka, diketik sebagai teks (tanpa spasi atau titik; bila Excel mengubahnya menjadi angka, awali dengan tanda petik ')."),
    "VALUE_NIP_NUMBER": Code(ERROR, "NIP diketik sebagai angka, sehingga terbaca {value}. {detail}NIP harus diketik sebagai teks, 18 digit: awali dengan tanda petik, misalnya '198001012005011001, atau format selnya Teks sebelum mengetik."),
    "VALUE_BAD_DATE": Code(ERROR, "'{value}' bukan tanggal yang valid. Ketik tanggal dengan nama bulan (31 Maret 2023) atau tahun-bulan-tanggal (2023-03-31)."),
    "VALUE_DATE_READ": Code(INFO, "{label} terbaca {value}. Periksa bahwa tanggal dan bulannya benar (komputer berbahasa Inggris membaca 05/04/2024 sebagai 4 Mei 2024)."),
    "VALUE_DATE_OUTSIDE": Code(WARNING, "{label} {value} di luar {periode} dan batas pengembaliannya ({low} sampai {high}). Periksa tanggalnya{detail}.", asks=True),
    "VALUE_ERROR_CELL": Code(ERROR, "Sel berisi galat ('{value}'). Ganti dengan nilai yang benar."),
    "VALUE_BAD_LINK": Code(ERROR, "'{value}' bukan tautan yang dapat dibuka: {label} harus alamat lengkap yang diawali http:// atau https://."),
    "INSTR_NO_EVIDENCE": Code(ERROR, "Jawaban '{value}' untuk {label} wajib disertai bukti dukung: isi tautan (https://...) atau keterangan dokumen bukti dukung."),
    "CONSIST_DONE_PROGRESS": Code(ERROR, "Status '{detail}' tetapi progres {value}%. Isi progres 100 atau ubah status."),
    "CONSIST_NOT_STARTED": Code(ERROR, "Status '{detail}' tetapi progres {value}%. Ubah status atau kosongkan progres."),
    "CONSIST_DONE_NO_EVIDENCE": Code(WARNING, "Status '{detail}' tanpa bukti dukung. Sebutkan dokumen atau tautan bukti dukung."),
    "CONSIST_NO_STATUS": Code(WARNING, "Progres atau isian lain terisi tetapi status belum dipilih."),
    "ROWS_EMPTY": Code(WARNING, "{detail} baris belum diisi ({label} kosong): {value}. Lengkapi bila sudah ada datanya."),
    "ROWS_EMPTY_SUPPORT": Code(INFO, "{detail} baris dukungan belum diisi: {value}."),
    # --- perbaikan files (what the marked-up workbook tells the unit) ---------------------
    "PERBAIKAN_ROW_RESTORED": Code(ERROR, "Baris '{value}' tidak ditemukan di berkas Anda (terhapus atau kodenya diubah). Baris ini dikembalikan dari master; isi kembali."),
    "PERBAIKAN_LOCKED_RESTORED": Code(ERROR, "Sel terkunci ini Anda ubah menjadi '{value}', sehingga berkas ditolak. Di berkas ini isinya sudah dikembalikan sesuai master; jangan diubah lagi.", rejects=True),
    "PERBAIKAN_ROWS_REORDERED": Code(ERROR, "Urutan baris di sheet '{sheet}' diubah (baris disisipkan, dihapus atau diurutkan ulang). Di berkas ini setiap isian dikembalikan ke barisnya menurut urutan master; jangan mengubah urutan baris."),
    # --- history: compared with the unit's earlier accepted periods (rbxl.checks.history) ------------
    "HISTORY_PROGRESS_DOWN": Code(WARNING, "Progres {kode} turun menjadi {value}% pada {now}, padahal {before}% pada {periode}. Progres diisi kumulatif sejak 1 Januari; periksa kembali.", asks=True),
    "HISTORY_DONE_REOPENED": Code(WARNING, "Rencana aksi {kode} sudah '{before}' pada {periode}, kini '{value}' pada {now}. Periksa kembali, atau jelaskan di kolom Kendala.", asks=True),
    "HISTORY_NOT_UPDATED": Code(WARNING, "{detail} baris belum diperbarui sejak {periode} (isian sama persis dengan yang terisi otomatis dari laporan {periode}): {value}. Perbarui bila ada kemajuan."),
    "HISTORY_NOT_RETURNED": Code(WARNING, "Unit '{value}' belum mengumpulkan dua periode berturut-turut ({periode} dan {now})."),
    "VALUE_PERCENT_FRACTION": Code(WARNING, "Progres {value} sangat kecil; bila maksudnya {detail}%, ketik {detail} (Excel menyimpan '75%' sebagai 0,75).", asks=True),
    "VALUE_PERCENT_READ": Code(WARNING, "{label} diketik dengan tanda % sehingga sel menyimpan {detail}; dibaca sebagai {value} (persen). Periksa apakah benar; lain kali ketik angka 0-100 saja, tanpa tanda %.", asks=True),
}


# Codes whose finding rejects the file (verdict Ditolak), read from the catalogue.
REJECTING = frozenset(code for code, entry in CATALOG.items() if entry.rejects)
# Warnings that need the unit's answer: `kirim --umpan-balik` writes to a unit whose kept file has one.
ASKING = frozenset(code for code, entry in CATALOG.items() if entry.asks)


@dataclass(frozen=True)
class Finding:
    """One thing found: where it is, how bad it is, and what to do about it.

    `message` is the catalogue template filled with `params` (kept, as shown, so a program or
    another language can rebuild the text); `value` is what was found in the cell.
    """

    code: str
    severity: str
    message: str
    file: str = ""
    unit: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        return asdict(self)

    def get(self, name: str) -> object:
        """A field ('cell') or a message parameter ('detail'); '' when neither exists."""
        if name in _FIELDS:
            return getattr(self, name)
        return self.params.get(name, "")


def finding(code: str, *, file: str = "", unit: str = "", sheet: str = "", cell: str = "",
            value: object = "", **params: object) -> Finding:
    """Build a Finding from the catalogue; params fill the message template."""
    severity, template = CATALOG[code].severity, CATALOG[code].message
    shown = "" if value is None else str(value)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    sheet = clip(sheet)  # unit-controlled text is echoed at most MAX_ECHO characters long (core.text)
    fields = {"value": shown, "sheet": sheet, "cell": cell, **{k: clip(_show(v)) for k, v in params.items()}}
    try:
        message = template.format(**fields)
    except KeyError as err:  # a programming error: the catalogue and the call disagree
        raise KeyError(f"finding {code} needs parameter {err}") from err
    return Finding(code, severity, message, str(file), unit, sheet, cell, shown,
                   {k: v for k, v in fields.items() if k not in ("value", "sheet", "cell")})


_FIELDS = frozenset(f for f in Finding.__dataclass_fields__ if f != "params")


def flatten(findings: Iterable[Finding], names: list[str]) -> list[list[object]]:
    """Findings as rows of the named fields or parameters, as frictionless' report.flatten()."""
    return [[f.get(n) for n in names] for f in findings]


def _show(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return format_number(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)


def count(findings: Iterable[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)
