"""Findings: records with a stable code, a place (file, sheet, cell) and an Indonesian message.

Every check in rbxl yields Finding records built from the catalogue below, so tests assert on
codes and cells and users read one consistent wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_ID = {ERROR: "Kesalahan", WARNING: "Peringatan", INFO: "Info"}

# code: (severity, message template). Templates speak to the person who must act.
CATALOG: dict[str, tuple[str, str]] = {
    # --- master workbook ---------------------------------------------------------------
    "MASTER_SHEET_MISSING": (ERROR, "Sheet '{sheet}' tidak ada di master."),
    "MASTER_COLUMN_MISSING": (ERROR, "Kolom '{column}' tidak ditemukan di baris judul sheet '{sheet}'."),
    "MASTER_YEAR_COLUMN_MISSING": (ERROR, "Kolom '{column}' untuk tahun {tahun} tidak ada di sheet '{sheet}'."),
    "MASTER_REQUIRED": (ERROR, "Kolom '{column}' wajib diisi."),
    "MASTER_DUPLICATE": (ERROR, "Kode '{value}' dipakai lebih dari sekali (juga di baris {other_row})."),
    "MASTER_NOT_NUMBER": (ERROR, "Kolom '{column}' harus berisi angka, ditemukan '{value}'."),
    "MASTER_BAD_CHOICE": (ERROR, "Nilai '{value}' di kolom '{column}' tidak ada dalam daftar {choices}."),
    "MASTER_UNKNOWN_REF": (ERROR, "'{value}' di kolom '{column}' bukan kode unit atau grup yang dikenal di sheet Unit/Grup."),
    "MASTER_UNKNOWN_AREA": (ERROR, "Area '{value}' tidak ada di sheet Area."),
    "MASTER_UNKNOWN_LIST": (ERROR, "Daftar '{value}' tidak ada di sheet Pilihan."),
    "MASTER_UNKNOWN_LINK": (ERROR, "Kode '{value}' di kolom '{column}' tidak ada di sheet Indikator."),
    "MASTER_BAD_SETTING": (ERROR, "Pengaturan '{value}' tidak valid: {detail}"),
    "MASTER_TARGET_EMPTY": (WARNING, "Target {tahun} kosong untuk '{label}'. {detail}"),
    "MASTER_LINK_DIFFERS": (WARNING, "'{label}' juga ada sebagai {other} ({other_table}) dengan nilai berbeda: {detail}."),
    "MASTER_NO_ACTION": (WARNING, "Rencana aksi '{label}' tidak punya aksi di tahun mana pun; tidak akan masuk template."),
    "MASTER_BAD_EMAIL": (WARNING, "Alamat e-mail '{value}' tidak tampak valid; unit ini akan dilewati oleh 'rbxl kirim' sampai diperbaiki."),
    "MASTER_EMPTY_GROUP": (WARNING, "Grup '{value}' tidak menghasilkan unit satu pun."),
    "MASTER_UNKNOWN_PARENT": (ERROR, "Induk '{value}' tidak ada di kolom Kode sheet '{sheet}'."),
    "MASTER_WEIGHT_SUM": (WARNING, "Bobot '{label}' tertulis {stated} tetapi rinciannya berjumlah {total}. {detail}"),
    "MASTER_WEIGHT_REPEAT": (WARNING, "'{value}' disebut lebih dari sekali di bawah '{label}' (juga di baris {other_row})."),
    "MASTER_GRADE_BAND": (WARNING, "Nilai '{value}' di kolom '{column}' ({label}): menurut rentang predikat di sheet Pilihan ({detail}), {number} berpredikat {expected}, bukan {grade}."),
    # --- intake: files ------------------------------------------------------------------
    "FILE_SKIPPED": (INFO, "Dilewati: {detail}"),
    "FILE_EMPTY": (ERROR, "Berkas kosong (0 byte). Kirim ulang berkas hasil pengisian."),
    "FILE_UNREADABLE": (ERROR, "Berkas tidak dapat dibaca sebagai lembar kerja ({detail}). Simpan ulang dari Excel/LibreOffice sebagai .xlsx lalu kirim ulang."),
    "FILE_ENCRYPTED": (ERROR, "Berkas dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. Buka berkas, hapus kata sandi pembuka (File > Info > Protect Workbook), simpan, lalu kirim ulang."),
    "FILE_TOO_LARGE": (ERROR, "Berkas ditolak demi keamanan: {detail}. Kirim ulang template asli yang sudah diisi."),
    "FILE_UNSAFE_NAME": (WARNING, "Nama berkas di dalam arsip/e-mail tidak aman ('{value}'); disimpan dengan nama '{detail}'."),
    "FILE_NOT_TEMPLATE": (ERROR, "Berkas ini bukan template rbxl (sheet identitas tersembunyi tidak ditemukan). Gunakan template yang dikirim Bagian Organisasi."),
    "FILE_META_MISSING": (WARNING, "Identitas tersembunyi berkas hilang (sheet disalin ke buku kerja baru?); berkas dikenali dari sheet Identitas dan diperiksa sel demi sel terhadap master."),
    "FILE_META_TAMPERED": (ERROR, "Data identitas tersembunyi berkas rusak atau diubah ({detail}). Gunakan template asli."),
    "FILE_UNKNOWN_UNIT": (ERROR, "Berkas untuk unit '{value}' yang tidak ada di master."),
    "FILE_WRONG_PERIOD": (ERROR, "Berkas ini untuk {detail}, bukan untuk periode yang sedang dikumpulkan. Isi template periode yang benar."),
    "FILE_OLD_MASTER": (WARNING, "Berkas dibuat dari versi master lama ({value}); isinya masih cocok dengan master sekarang sehingga tetap diterima."),
    "FILE_MASTER_CHANGED": (ERROR, "Berkas dibuat dari versi master lama ({value}) dan barisnya tidak lagi cocok dengan master sekarang. Isi template terbaru."),
    "FILE_CSV": (ERROR, "Berkas disimpan sebagai CSV: CSV hanya memuat teks satu sheet, tanpa isian sheet lain dan tanpa identitas berkas, sehingga tidak dapat dipakai. Kirim ulang template yang sudah diisi dalam format asli .xlsx (atau .ods): File > Simpan Sebagai > Buku Kerja Excel (.xlsx)."),
    "FILE_BLANK": (ERROR, "Template dikembalikan kosong: belum ada satu sel isian (kuning) pun yang diisi. Isi template lalu kirim ulang."),
    "FILE_SUPERSEDED": (INFO, "Digantikan oleh berkas yang lebih baru dari unit yang sama: {detail}."),
    "FILE_DUPLICATE": (INFO, "Berkas identik (SHA-256 sama) dengan {detail}; hanya satu yang diproses."),
    # --- structure --------------------------------------------------------------------
    "SHEET_MISSING": (ERROR, "Sheet '{sheet}' tidak ditemukan. Jangan menghapus atau mengganti nama sheet."),
    "SHEET_RENAMED": (WARNING, "Sheet '{sheet}' diganti namanya menjadi '{value}'; sheet itu dikenali dari isinya dan tetap diperiksa. Jangan mengganti nama sheet."),
    "SHEET_EXTRA": (WARNING, "Sheet tambahan '{sheet}' berisi {detail} sel yang tidak ikut direkap. Isi data di sheet template, bukan di sheet baru."),
    "CELL_CHANGED": (ERROR, "Isi sel terkunci diubah: seharusnya '{expected}', ditemukan '{value}'. Jangan mengubah, menyisipkan, menghapus atau mengurutkan ulang baris; gunakan template asli."),
    "ROW_INSERTED": (ERROR, "Baris {detail} disisipkan, sehingga semua baris di bawahnya bergeser. Hapus baris sisipan itu (catatan tulis di kolom Keterangan), lalu kirim ulang."),
    "ROW_DELETED": (ERROR, "Baris {detail} (kode {value}) dihapus, sehingga semua baris di bawahnya bergeser. Gunakan template asli dan jangan menghapus baris; bila rencana aksi tidak dilaksanakan, pilih status yang sesuai."),
    "ROW_EXTRA": (WARNING, "Ada isian di bawah tabel (baris {row}): '{value}'. Isian ini tidak ikut direkap; jangan menambah baris, tulis catatan di kolom Keterangan."),
    "CELL_OUTSIDE": (WARNING, "Ada isian di luar tabel: '{value}'. Isian ini tidak ikut direkap; tulis catatan di kolom Keterangan."),
    # --- values -----------------------------------------------------------------------
    "VALUE_REQUIRED": (ERROR, "'{label}' wajib diisi."),
    "VALUE_NOT_IN_LIST": (ERROR, "'{value}' tidak ada dalam pilihan {label}. Pilih dari daftar: {choices}. Bila nilai disalin dari berkas lain, tempel nilainya saja (Tempel Khusus > Hanya Nilai, atau Ctrl+Shift+V): tempel biasa (Ctrl+V) menghapus daftar pilihan sel."),
    "VALUE_NOT_NUMBER": (ERROR, "'{value}' bukan angka. Isi {label} dengan angka saja; pemisah desimal ikut bahasa komputer: koma (75,5) bila Indonesia, titik (75.5) bila Inggris."),
    "VALUE_OUT_OF_RANGE": (ERROR, "{label} {value} di luar batas {low} sampai {high}."),
    "VALUE_TEXT_NUMBER": (WARNING, "Angka '{value}' diketik sebagai teks; dibaca sebagai {detail}. Periksa apakah benar."),
    "VALUE_TOO_LONG": (ERROR, "Teks {label} terlalu panjang ({detail} karakter, maksimum {high}). Ringkas isinya."),
    "VALUE_FORMULA": (ERROR, "Sel isian berisi rumus ('{value}'). Ketik nilainya langsung, bukan rumus."),
    "VALUE_BAD_NIP": (ERROR, "NIP '{value}' harus 18 digit angka, diketik sebagai teks (tanpa spasi atau titik; bila Excel mengubahnya menjadi angka, awali dengan tanda petik ')."),
    "VALUE_BAD_DATE": (ERROR, "'{value}' bukan tanggal yang valid. Ketik tanggal dengan nama bulan (31 Maret 2023) atau tahun-bulan-tanggal (2023-03-31)."),
    "VALUE_ERROR_CELL": (ERROR, "Sel berisi galat ('{value}'). Ganti dengan nilai yang benar."),
    "CONSIST_DONE_PROGRESS": (ERROR, "Status 'Selesai' tetapi progres {value}%. Isi progres 100 atau ubah status."),
    "CONSIST_NOT_STARTED": (ERROR, "Status '{detail}' tetapi progres {value}%. Ubah status atau kosongkan progres."),
    "CONSIST_DONE_NO_EVIDENCE": (WARNING, "Status 'Selesai' tanpa bukti dukung. Sebutkan dokumen atau tautan bukti dukung."),
    "CONSIST_NO_STATUS": (WARNING, "Progres atau isian lain terisi tetapi status belum dipilih."),
    "ROWS_EMPTY": (WARNING, "{detail} baris belum diisi ({label} kosong): {value}. Lengkapi bila sudah ada datanya."),
    "ROWS_EMPTY_SUPPORT": (INFO, "{detail} baris dukungan belum diisi: {value}."),
    # --- history: compared with the unit's earlier accepted periods (rbxl.history) ------------
    "HISTORY_PROGRESS_DOWN": (WARNING, "Progres {kode} turun menjadi {value}% pada {now}, padahal {before}% pada {periode}. Progres diisi kumulatif sejak 1 Januari; periksa kembali."),
    "HISTORY_DONE_REOPENED": (WARNING, "Rencana aksi {kode} sudah 'Selesai' pada {periode}, kini '{value}' pada {now}. Periksa kembali, atau jelaskan di kolom Kendala."),
    "HISTORY_NOT_UPDATED": (WARNING, "{detail} baris belum diperbarui sejak {periode} (isian sama persis dengan yang terisi otomatis dari laporan {periode}): {value}. Perbarui bila ada kemajuan."),
    "HISTORY_NOT_RETURNED": (WARNING, "Unit '{value}' belum mengumpulkan dua periode berturut-turut ({periode} dan {now})."),
    "VALUE_PERCENT_FRACTION": (WARNING, "Progres {value} sangat kecil; bila maksudnya {detail}%, ketik {detail} (Excel menyimpan '75%' sebagai 0,75)."),
}


@dataclass(frozen=True)
class Finding:
    """One thing found: where it is, how bad it is, and what to do about it."""

    code: str
    severity: str
    message: str
    file: str = ""
    unit: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("extra")
        return d


def finding(code: str, *, file: str = "", unit: str = "", sheet: str = "", cell: str = "",
            value: object = "", **params: object) -> Finding:
    """Build a Finding from the catalogue; params fill the message template."""
    severity, template = CATALOG[code]
    shown = "" if value is None else str(value)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    fields = {"value": shown, "sheet": sheet, "cell": cell, **{k: _show(v) for k, v in params.items()}}
    try:
        message = template.format(**fields)
    except KeyError as err:  # a programming error: the catalogue and the call disagree
        raise KeyError(f"finding {code} needs parameter {err}") from err
    return Finding(code, severity, message, str(file), unit, sheet, cell, shown)


def _show(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)


def count(findings: Iterable[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)
