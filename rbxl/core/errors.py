"""The one exception root of rbxl, with the exit codes the CLI maps them to."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # a file was rejected or an error was found in the data
EXIT_USAGE = 2  # bad options or arguments
EXIT_MASTER = 3  # the master workbook cannot be read at all
EXIT_IO = 4  # an output could not be written
EXIT_MAIL = 5  # the mail server refused the login or could not be reached / dropped the connection


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
