"""The one exception root of rbxl, with the exit codes the CLI maps them to."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # a file was rejected or an error was found in the data
EXIT_USAGE = 2  # bad options or arguments
EXIT_MASTER = 3  # the master workbook cannot be read at all
EXIT_IO = 4  # an output could not be written
EXIT_MAIL = 5  # the mail server refused the login or could not be reached / dropped the connection
EXIT_INTERRUPTED = 130  # stopped by Ctrl+C (SIGINT), the shell's convention 128 + 2

# what each exit code means, for users: the README's table and `rbxl --help` are written from it
EXIT_MEANINGS = {
    EXIT_OK: "berhasil; semua berkas diterima (boleh dengan peringatan)",
    EXIT_FINDINGS: ("ada berkas ditolak, kesalahan isian, kesalahan master, e-mail gagal terkirim, atau `kirim` "
                    "(juga `--dry-run`) tidak dapat mengirim apa pun karena tidak satu pun unit yang dituju punya "
                    "alamat e-mail di master (pesan menyebut unitnya dan, bila belum diatur, alamat pengirim)"),
    EXIT_USAGE: ("perintah salah: unit tidak dikenal, tahun di luar 2022-2026, periode salah, folder/berkas "
                 "masukan tidak ada, sebagian besar berkas untuk periode lain, atau `rbxl` tanpa perintah"),
    EXIT_MASTER: "master tidak ada atau tidak dapat dibuka",
    EXIT_IO: ("hasil tidak dapat ditulis: berkas lama sedang terbuka (hasil baru disimpan sebagai "
              "`... (baru).xlsx`), folder hasil hanya-baca, disk penuh, atau folder periode sedang dipakai "
              "proses rbxl lain, atau berkas riwayat tidak dapat dipakai (rusak, bukan riwayat rbxl, dibuat "
              "rbxl versi lebih baru, sedang dipakai proses rbxl lain)"),
    EXIT_MAIL: ("server e-mail (IMAP, `tarik`) menolak login, tidak dapat dihubungi, atau sambungan terputus: "
                "jalankan lagi untuk melanjutkan"),
    EXIT_INTERRUPTED: ("dihentikan dengan Ctrl+C (SIGINT); hasil lama periode itu tetap utuh, jalankan lagi untuk "
                       "menyelesaikan"),
}


class RbxlError(Exception):
    """Base of every error rbxl raises on purpose; its message is Indonesian, for the user."""

    exit_code = EXIT_FINDINGS


class UsageError(RbxlError):
    """The user asked for something that cannot be done (unknown unit, bad year...)."""

    exit_code = EXIT_USAGE


class MasterError(RbxlError):
    """The master workbook is missing or cannot be opened."""

    exit_code = EXIT_MASTER


class OutputError(RbxlError):
    """An output file or folder could not be written."""

    exit_code = EXIT_IO


class MailError(RbxlError):
    """The mail server refused the login, could not be reached, or dropped the connection."""

    exit_code = EXIT_MAIL


class NothingToSend(RbxlError):
    """`kirim` has no unit it can write to (no address in the master): nothing is sent or written."""

    exit_code = EXIT_FINDINGS
