"""Run messages: every Indonesian sentence rbxl says about a run itself (not about a unit's file).

Findings about files live in rbxl/core/findings.py; what stops or troubles a run (a lock held, a
master missing, a store from a newer rbxl, a mail server refusing the login) is told from the
catalogue below, so the wording can be reviewed and corrected in one place. A caller raises its
own exception class, which carries the exit code (rbxl/core/errors.py), with the text from here:

    raise OutputError(message("LOCK_BUSY", folder=folder, lock=LOCK_NAME))

Templates are str.format templates with named fields; tests/test_facts.py checks that every call
fills exactly the fields its template names, and that no Indonesian literal is given to an
exception anywhere else.
"""

from __future__ import annotations

import errno
import string

MESSAGES: dict[str, str] = {
    # --- writing and reading files (rbxl.core.atomic, lock, signing) ------------------------------
    "WRITE_DISK_FULL": "Disk penuh: {target} tidak dapat ditulis. Kosongkan ruang disk lalu jalankan ulang.",
    "WRITE_NO_PERMISSION": ("Tidak ada izin menulis {target} (folder hanya-baca?). Pilih folder hasil lain dengan "
                            "--out atau perbaiki izinnya."),
    "WRITE_FAILED": "{target} tidak dapat ditulis: {why}. {step}",
    "READ_FAILED": "{target} tidak dapat dibaca: {why}. {step}",
    "OS_ERROR": "galat sistem operasi",
    "OS_ERROR_NAMED": "galat sistem operasi {name} (nomor {code})",
    "OS_ERROR_NUMBER": "galat sistem operasi (nomor {code})",
    "OS_ERROR_STEP": "Periksa folder dan disknya, lalu jalankan ulang.",
    "OUTPUT_LOCKED": "{target} sedang terbuka/terkunci; hasil baru disimpan sebagai {alt}.",
    "LOCK_BUSY": ("Folder {folder} sedang dipakai proses rbxl lain (berkas kunci {lock}). Tunggu proses itu selesai "
                  "lalu jalankan ulang, atau pakai --out lain."),
    "SIGNING_KEY_UNREADABLE": ("Berkas kunci tanda keaslian {path} tidak dapat dibaca ({why}). Perbaiki izinnya atau "
                               "pulihkan dari cadangan."),
    "SIGNING_KEY_BROKEN": ("Berkas kunci tanda keaslian {path} rusak (harus berisi 64 angka heksadesimal). Pulihkan "
                           "dari cadangan; jangan membuat ulang, karena template yang sudah dikirim tidak akan dapat "
                           "diperiksa lagi."),
    # why an input could not be opened safely (rbxl.intake.walk), as the reason of the OSError
    "WALK_NOT_REGULAR": "bukan berkas biasa",
    "WALK_SWAPPED": "berkas diganti sejak didaftar",
    "WALK_SYMLINK": "tautan simbolik",
    "WORKERS_CANNOT_START": "Proses pemeriksa berkas tidak dapat dimulai.",
    # --- the master and the period asked for (rbxl.master) ----------------------------------------
    "MASTER_NOT_FOUND": "Master tidak ditemukan: {path}. Gunakan --master untuk menunjuk berkasnya.",
    "MASTER_IS_FOLDER": ("{path} adalah folder, bukan berkas master. Tunjuk berkasnya dengan --master, misal "
                         "--master {example}."),
    "MASTER_UNREADABLE": ("Master {path} tidak dapat dibuka sebagai lembar kerja (bukan berkas .xlsx yang utuh, atau "
                          "rusak). Simpan ulang master dari Excel/LibreOffice sebagai .xlsx, atau tunjuk berkas master "
                          "yang benar dengan --master."),
    "MASTER_HAS_ERRORS": ("Master {path} mengandung {count} kesalahan; jalankan 'rbxl master periksa' untuk daftar "
                          "lengkap.\n{lines}{more}"),
    "MASTER_MORE_ERRORS": "\n  ... dan {count} lagi",
    "UNIT_UNKNOWN": "Kode unit '{kode}' tidak ada di master. Lihat sheet Unit.",
    "YEAR_OUTSIDE": "Tahun {tahun} di luar road map ({first}-{last}).",
    "PERIOD_UNKNOWN": "Periode '{periode}' tidak dikenal. Pilih salah satu: {choices}.",
    # --- a run's inputs and its period folder (rbxl.pipeline, rbxl.intake) ------------------------
    "INPUT_MISSING": ("Folder/berkas masukan tidak ditemukan: {paths} (folder kerja: {cwd}). Periksa ejaan dan "
                      "foldernya. Tidak ada yang ditulis atau dihapus; hasil periode yang sudah ada tetap seperti "
                      "semula."),
    "PERIOD_SLIP": ("{count} dari {total} unit yang berkasnya dikenali hanya mengirim berkas untuk {label}, bukan "
                    "{periode} {tahun}: "
                    "--tahun/--periode yang diketik kemungkinan salah. Jalankan lagi dengan periode berkas itu. "
                    "Tidak ada yang ditulis: tidak ada arsip, temuan, umpan balik atau berkas perbaikan untuk unit "
                    "dari pemeriksaan ini."),
    "ARCHIVE_LOG_UNREADABLE": ("{log} tidak dapat dibaca ({detail}); hasil periode tidak dapat ditambah. Pulihkan "
                               "berkas itu dari cadangan."),
    "ARCHIVE_LOG_NOT_APPENDABLE": "{log} tidak dapat dibaca untuk ditambah: {detail}",
    "TNEF_EMPTY": "tidak berisi satu atribut pun",
    # --- the riwayat store and the period snapshots (rbxl.store, rbxl.riwayat) --------------------
    "STORE_IS_FOLDER": "'{path}' adalah folder, bukan berkas riwayat. Pilih berkas lain dengan --db.",
    "STORE_NOT_SQLITE": ("Berkas '{path}' bukan basis data riwayat rbxl (bukan berkas SQLite). Berkas itu tidak "
                         "diubah. Pilih lokasi lain dengan --db atau RBXL_DB."),
    "STORE_MISSING": ("Berkas riwayat '{path}' belum ada. Riwayat dibuat saat 'rbxl rekap' pertama, atau bangun dari "
                      "folder periode lama dengan 'rbxl riwayat impor'."),
    "STORE_CANNOT_OPEN": "Berkas riwayat '{path}' tidak dapat dibuka atau dibuat: {detail}",
    "STORE_NEWER": ("Berkas riwayat '{path}' dibuat oleh rbxl versi lebih baru (skema {version}, versi ini mengenal "
                    "sampai {known}). Berkas itu tidak diubah. Perbarui rbxl."),
    "STORE_FOREIGN": ("Berkas '{path}' adalah basis data SQLite lain, bukan riwayat rbxl. Berkas itu tidak diubah. "
                      "Pilih lokasi lain dengan --db atau RBXL_DB."),
    "STORE_NOT_WRITABLE": ("Berkas riwayat '{path}' tidak dapat ditulis ({detail}). Periksa izin tulis dan ruang disk "
                           "folder itu, atau pilih lokasi lain dengan --db."),
    "STORE_BROKEN": ("Berkas riwayat '{path}' rusak atau bukan basis data riwayat rbxl ({detail}). Berkas itu tidak "
                     "diubah. Pulihkan dari cadangan, atau pindahkan berkas itu lalu jalankan 'rbxl riwayat impor' "
                     "untuk membangun ulang riwayat dari folder periode."),
    "STORE_BUSY": ("Berkas riwayat '{path}' sedang dipakai proses rbxl lain (sudah ditunggu {seconds} detik). Tunggu "
                   "sampai proses itu selesai lalu ulangi perintah ini. ({detail})"),
    "SNAPSHOT_MISSING": ("Periode {periode} {tahun} belum direkap di folder '{out}' ({path} tidak ada). Jalankan dulu: "
                         "rbxl rekap <folder kiriman> --tahun {tahun} --periode {periode}{out_option}"),
    "SNAPSHOT_FORMAT_UNKNOWN": "format tidak dikenal",
    "SNAPSHOT_BROKEN": "Rekap {path} rusak atau dibuat versi rbxl lain ({detail}); jalankan rbxl rekap lagi.",
    "IMPORT_FOLDER_MISSING": "Folder '{path}' tidak ditemukan.",
    "IMPORT_NO_PERIODS": "Tidak ada folder periode (misal 2023-TW1/) dengan arsip/log.csv di '{path}'.",
    # --- the report's PDF (rbxl.render.laporan.pdf) -----------------------------------------------
    "PDF_NO_LIBREOFFICE": ("LibreOffice (soffice) tidak terpasang, jadi PDF tidak dibuat; dokumen Word tetap ditulis. "
                           "Pasang LibreOffice Writer (Debian: apt-get install libreoffice-writer-nogui) atau simpan "
                           "sebagai PDF dari Word."),
    "PDF_TIMEOUT": "LibreOffice tidak selesai dalam {seconds} detik; PDF tidak dibuat, dokumen Word tetap ditulis.",
    "PDF_NOT_MADE": "LibreOffice tidak menghasilkan PDF dari {name}; dokumen Word tetap ditulis.",
    # --- mail settings, rbxl.toml (rbxl.mail.config) ----------------------------------------------
    # The CLI prints errors as rich markup, where a bare [smtp] would vanish: hence the backslash.
    "SMTP_SETTINGS_MISSING": (
        "Pengaturan SMTP belum lengkap: alamat server (host) belum diisi. Tulis di rbxl.toml (folder kerja) "
        "atau berkas lain yang ditunjuk dengan --config:\n"
        "  \\[smtp]\n"
        '  host = "mail.contoh.go.id"\n'
        "  port = 587\n"
        '  security = "starttls"   # starttls | ssl | none\n'
        '  user = "organisasi@contoh.go.id"\n'
        '  from = "organisasi@contoh.go.id"\n'
        '  from_name = "Bagian Organisasi"\n'
        "atau pakai variabel lingkungan RBXL_SMTP_HOST, RBXL_SMTP_PORT, RBXL_SMTP_SECURITY, RBXL_SMTP_USER, "
        "RBXL_SMTP_FROM. Kata sandi hanya dari RBXL_SMTP_PASSWORD atau diketik saat diminta. "
        "Untuk mencoba tanpa mengirim, pakai --dry-run."),
    "IMAP_SETTINGS_MISSING": (
        "Pengaturan IMAP belum lengkap: alamat server (host) belum diisi. Tulis di rbxl.toml (folder kerja) "
        "atau berkas lain yang ditunjuk dengan --config:\n"
        "  \\[imap]\n"
        '  host = "mail.contoh.go.id"\n'
        "  port = 993\n"
        '  security = "ssl"        # ssl | starttls | none\n'
        '  user = "organisasi@contoh.go.id"\n'
        '  folder = "INBOX"\n'
        "atau pakai variabel lingkungan RBXL_IMAP_HOST, RBXL_IMAP_PORT, RBXL_IMAP_SECURITY, RBXL_IMAP_USER, "
        "RBXL_IMAP_FOLDER. Kata sandi hanya dari RBXL_IMAP_PASSWORD atau diketik saat diminta."),
    "SETTINGS_WHERE_FILE": "di {source} atau variabel lingkungan",
    "SETTINGS_WHERE_ENV": "di variabel lingkungan",
    "SETTINGS_BAD_ADDRESS": "Alamat {label} '{value}' {where} bukan alamat e-mail yang sah.",
    "SETTINGS_CAFILE_MISSING": "Berkas sertifikat cafile '{cafile}' {where} tidak ditemukan.",
    "SETTINGS_BAD_SECURITY": "Nilai security '{security}' {where} tidak dikenal. Pilih: starttls, ssl atau none.",
    "SETTINGS_BAD_PORT": "Nomor port {kind} '{port}' {where} tidak sah (1-65535).",
    "SETTINGS_NOT_POSITIVE": "Nilai {key} '{value}' {where} harus angka lebih dari 0.",
    "SETTINGS_FILE_MISSING": "Berkas pengaturan {path} tidak ditemukan.",
    "SETTINGS_NOT_TOML": "Berkas pengaturan {path} bukan TOML yang sah: {detail}",
    "SETTINGS_UNREADABLE": "Berkas pengaturan {reason}",
    "SETTINGS_NOT_TABLE": "Di {path}, '{name}' harus berupa bagian (tabel) {name}.",
    "SETTINGS_PASSWORD_IN_FILE": ("Kata sandi {kind} tidak boleh disimpan di berkas {path} (kunci {keys}). Hapus baris "
                                  "itu; isi variabel lingkungan {env} atau ketik kata sandi saat diminta."),
    "SETTINGS_UNKNOWN_KEYS": "Kunci tidak dikenal di bagian {name} {path}: {unknown}. Kunci yang dikenal: {keys}.",
    "SETTINGS_NOT_SCALAR": "Di {path}, {name}.{key} harus berupa teks atau angka.",
    # --- kirim: sending (rbxl.mail.kirim, smtp, sendlog, message) ---------------------------------
    "SMTP_PASSWORD_MISSING": ("Kata sandi SMTP untuk {user} belum ada. Isi variabel lingkungan {env}, atau jalankan "
                              "perintah di terminal agar kata sandi diminta."),
    "SMTP_PASSWORD_EMPTY": "Kata sandi SMTP untuk {user} kosong.",
    "SMTP_LOGIN_REFUSED": "login SMTP sebagai {user} ditolak server ({detail})",
    "SMTP_NOT_SUPPORTED": ("server {server} tidak mendukung {what} ({detail}); periksa security/port di pengaturan "
                           "SMTP"),
    "SMTP_THIS_FEATURE": "fitur ini",
    "SENDER_HELP": ("Isi 'from' di bagian [smtp] rbxl.toml, variabel lingkungan RBXL_SMTP_FROM, atau kontak_email di "
                    "sheet Pengaturan master."),
    "SENDER_MISSING": "Alamat pengirim belum diatur. {help}",
    "FEEDBACK_NOTE_MISSING": ("Umpan balik untuk {units} tidak ada di {folder}, padahal unit itu ada di {listing}. "
                              "Tidak ada yang dikirim. Periksa ulang dulu: rbxl periksa <folder> --tahun {tahun} "
                              "--periode {periode}"),
    "NOTHING_TO_SEND": ("Tidak ada e-mail yang dapat dikirim: tidak satu pun dari {count} unit yang dituju punya alamat "
                        "e-mail yang sah di master (sheet Unit, kolom E-mail): {units}.{sender} Isi alamatnya, periksa "
                        "dengan 'rbxl master periksa', lalu jalankan ulang."),
    "NOTHING_TO_SEND_SENDER": " Alamat pengirim juga belum diatur. {help}",
    "AND_MORE": " dan {count} lainnya",
    "MANIFEST_MISSING": ("Manifest {manifest} tidak ada. Buat template dulu: rbxl template --tahun {tahun} --periode "
                         "{periode}"),
    "PERBAIKAN_LIST_MISSING": ("Daftar perbaikan {listing} belum ada. Periksa berkas yang kembali dulu: rbxl periksa "
                               "<folder> --tahun {tahun} --periode {periode}"),
    "UNITS_NOT_IN_MANIFEST": ("Unit {units} tidak ada di manifest {manifest}. Buat templatenya dulu: rbxl template "
                              "--tahun {tahun} --periode {periode} {unit_options}"),
    "UNITS_NEED_NO_FEEDBACK": "Unit {units} tidak perlu perbaikan menurut pemeriksaan terakhir.",
    "UNITS_NEED_NO_REMINDER": "Unit {units} sudah mengirim berkas (ada di arsip) atau tidak ada di manifest.",
    "SENDLOG_UNREADABLE": ("Log pengiriman {path} tidak dapat dibaca ({detail}). Simpan kembali sebagai CSV UTF-8 atau "
                           "pindahkan berkas itu."),
    "MAIL_TEMPLATE_NOT_FILLED": "Templat e-mail {source} tidak dapat diisi: {detail}",
    "MAIL_TEMPLATE_MISSING": "Templat e-mail {path} tidak ditemukan.",
    "MAIL_TEMPLATE_NOT_UTF8": "Templat e-mail {path} harus disimpan sebagai teks UTF-8.",
    "MAIL_TEMPLATE_UNREADABLE": "Templat e-mail {reason}",
    "MAIL_TEMPLATE_NO_SUBJECT": ("Baris pertama templat e-mail {source} harus 'Subjek: ...' (berisi judul e-mail), "
                                 "diikuti satu baris kosong lalu isi e-mail."),
    "MAIL_TEMPLATE_NO_BODY": "Templat e-mail {source} tidak berisi isi e-mail setelah baris Subjek.",
    "MAIL_TEMPLATE_BAD_BRACES": ("Templat e-mail {source} salah tulis ({detail}). Tanda kurung kurawal biasa ditulis "
                                 "ganda: {{{{ dan }}}}."),
    "MAIL_TEMPLATE_UNKNOWN_FIELDS": ("Templat e-mail {source} memakai isian yang tidak dikenal: {unknown}. Isian yang "
                                     "tersedia: {known}."),
    # --- tarik: the mailbox (rbxl.mail.imap, tarik) ----------------------------------------------
    "IMAP_USER_MISSING": "Nama pengguna IMAP (user) belum diisi di bagian imap rbxl.toml atau RBXL_IMAP_USER.",
    "IMAP_PASSWORD_MISSING": ("Kata sandi IMAP untuk {user} belum ada. Isi variabel lingkungan RBXL_IMAP_PASSWORD, atau "
                              "jalankan perintah di terminal agar kata sandi diminta."),
    "IMAP_LOGIN_REFUSED": ("Login IMAP sebagai {user} ke {server} ditolak server ({detail}). Periksa nama pengguna dan "
                           "kata sandi (RBXL_IMAP_PASSWORD). rbxl tidak mencoba lagi agar akun tidak terkunci."),
    "IMAP_FOLDER_MISSING": ("Folder '{folder}' tidak ada di kotak surat {user} ({detail}). Periksa 'folder' di bagian "
                            "imap rbxl.toml, RBXL_IMAP_FOLDER atau --folder."),
    "IMAP_MESSAGE_GONE": "Pesan UID {uid} tidak dapat diambil dari {server} (mungkin sudah dihapus).",
    "IMAP_FAILED": "Gagal {doing} server IMAP {server}: {why}.",
    "IMAP_DOING_CONNECT": "menghubungi",
    "IMAP_DOING_LOGIN": "login ke",
    "IMAP_DOING_SELECT": "membuka folder di",
    "IMAP_DOING_READ": "membaca dari",
    "IMAP_WHY_REFUSED": "sambungan ditolak (server mati atau port salah)",
    "IMAP_WHY_UNKNOWN_HOST": "nama server {host} tidak dikenal",
    "IMAP_WHY_TIMEOUT": "waktu tunggu {seconds} detik habis",
    "IMAP_WHY_CERTIFICATE": ("sertifikat server tidak dipercaya ({detail}); bila server memakai sertifikat sendiri, "
                             "tunjuk berkasnya dengan 'cafile' di bagian imap"),
    "IMAP_WHY_TLS": "TLS gagal ({detail}); periksa 'security' dan 'port'",
    "IMAP_WHY_DROPPED": "sambungan terputus ({detail})",
    "TARIK_STOPPED": ("{reason} {count} pesan baru sudah tersimpan di {folder}. Jalankan perintah yang sama lagi untuk "
                      "melanjutkan: yang sudah tersimpan tidak diambil ulang."),
    # --- the command line (rbxl.cli) ---------------------------------------------------------------
    "CLI_FEEDBACK_OR_REMINDER": "Pilih salah satu: --umpan-balik atau --pengingat.",
    "CLI_SEE_HELP": "{text}\nLihat '{command} --help' untuk bantuan.",
    "CLI_FAILED": "Gagal:",
    "CLI_MASTER_UNUSABLE": "Master belum dapat dipakai: perbaiki kesalahan di atas.",
    "CLI_FILES_REJECTED": "Ada berkas ditolak, kesalahan yang harus diperbaiki unit, atau berkas dari alamat unit lain.",
    "CLI_KIRIM_ABORTED": "Pengiriman dihentikan:",
    "CLI_KIRIM_FAILED": "Ada e-mail yang gagal dikirim.",
    "CLI_KIRIM_RETRY": "Jalankan perintah yang sama lagi untuk mencoba ulang hanya yang belum terkirim.",
    "CLI_CANNOT_OVERWRITE": "Tidak dapat menimpa:",
    "CLI_CLOSE_OLD_FILE": "Tutup berkas lama lalu jalankan lagi.",
    "CLI_PDF_FAILED": "PDF gagal:",
    "CLI_INTERRUPTED": ("Dihentikan (Ctrl+C). Hasil yang sudah lengkap tetap ada; hasil periode yang belum selesai "
                        "ditulis tidak dipakai. Jalankan perintah yang sama lagi untuk menyelesaikannya."),
}

# Why an operating-system error happened and what to do next, by errno: the system's own text
# (English, "Is a directory") never reaches the user (rbxl.core.atomic.os_reason).
OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk penuh", "Kosongkan ruang disk lalu jalankan ulang."),
    errno.EACCES: ("tidak ada izin", "Pilih folder lain dengan --out atau minta izin akses ke folder itu."),
    errno.EPERM: ("tidak ada izin", "Pilih folder lain dengan --out atau minta izin akses ke folder itu."),
    errno.EROFS: ("disk atau folder hanya-baca", "Pilih folder hasil lain dengan --out."),
    errno.EISDIR: ("di tempat itu ada folder dengan nama yang sama",
                   "Pindahkan atau ganti nama folder itu, atau pilih folder hasil lain dengan --out."),
    errno.ENOTDIR: ("salah satu bagian jalurnya adalah berkas, bukan folder",
                    "Periksa jalurnya, atau pilih folder hasil lain dengan --out."),
    errno.ENOENT: ("berkas atau folder tidak ditemukan", "Periksa ejaan jalurnya lalu jalankan ulang."),
    errno.ENAMETOOLONG: ("jalur atau nama berkas terlalu panjang", "Pakai folder yang lebih dekat ke akar disk, "
                         "misalnya --out C:\\rbxl atau --out /srv/rbxl."),
    errno.EEXIST: ("sudah ada berkas dengan nama itu", "Pindahkan berkas itu lalu jalankan ulang."),
    errno.EBUSY: ("berkas sedang dipakai program lain", "Tutup program itu (misalnya Excel) lalu jalankan ulang."),
    errno.ETXTBSY: ("berkas sedang dipakai program lain", "Tutup program itu lalu jalankan ulang."),
    errno.ELOOP: ("jalurnya memuat tautan simbolik yang berputar", "Periksa tautan di jalur itu."),
    errno.EMFILE: ("terlalu banyak berkas terbuka", "Tutup program lain lalu jalankan ulang."),
    errno.EIO: ("galat baca/tulis disk", "Periksa disk atau flashdisk itu, lalu coba folder lain."),
    errno.EXDEV: ("berkas tidak dapat dipindah antar-disk", "Pakai --out di disk yang sama."),
}


def fields(code: str) -> set[str]:
    """The named fields a message's template needs."""
    return {name for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name}


def message(code: str, /, **values: object) -> str:
    """The catalogue's text for `code`, its fields filled from `values`."""
    try:
        return MESSAGES[code].format(**values)
    except KeyError as err:  # a programming error: the catalogue and the call disagree
        raise KeyError(f"message {code} needs field {err}") from err
