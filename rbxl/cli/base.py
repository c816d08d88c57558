"""The command line's frame: Indonesian help and errors, the old command names, shared options.

Every command module (rbxl/cli/__init__.py, rbxl/cli/riwayat.py) builds on this; nothing here
imports a heavy library, so `rbxl --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rbxl.core.enums import Period
from rbxl.core.errors import (
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_USAGE,
    RbxlError,
)
from rbxl.core.messages import message
from rbxl.master.schema import DEFAULT_MASTER

PERIODS = [p.value for p in Period]

class IdFormatter(click.HelpFormatter):
    """click's help layout with Indonesian headings."""

    HEADINGS = {"Options": "Pilihan", "Commands": "Perintah", "Arguments": "Argumen"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[PILIHAN]").replace("COMMAND", "PERINTAH")
                            .replace("[ARGS]", "[ARGUMEN]"), prefix="Pemakaian: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class IdContext(click.Context):
    """A context whose help uses IdFormatter; set on rbxl's own commands only, so other click
    programs in the same process (a host application, a test runner) keep their own help."""

    formatter_class = IdFormatter


HELP_TEXT = "Tampilkan bantuan ini lalu keluar."
INTERRUPTED = message("CLI_INTERRUPTED")


class IdCommand(click.Command):
    context_class = IdContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option


class Periode(click.Choice):
    """TW1..TAHUNAN, typed in any case ('tw1' works), shown in capitals."""

    def __init__(self):
        super().__init__(PERIODS)

    def convert(self, value, param, ctx):
        return super().convert(str(value).strip().upper(), param, ctx)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _find_master(ctx, param, value):
    from rbxl.master.load import find_master

    return find_master(value)


def master_option(f):
    return click.option("--master", "master", type=click.Path(path_type=Path), default=None,
                        callback=_find_master,
                        help="Berkas master road map (.xlsx). Bawaan: $RBXL_MASTER, lalu "
                             f"{DEFAULT_MASTER}, lalu master bawaan repo.")(f)


def period_options(f):
    f = click.option("--periode", required=True, type=Periode(),
                     help="Periode pelaporan: TW1-TW4 (triwulan), S1/S2 (semester), TAHUNAN.")(f)
    return click.option("--tahun", required=True, type=int, help="Tahun pelaporan, misal 2023.")(f)


def db_option(f):
    return click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        envvar="RBXL_DB", metavar="BERKAS",
                        help="Berkas riwayat semua periode (SQLite). Bawaan: $RBXL_DB, lalu <out>/rbxl.sqlite.")(f)


def out_option(f):
    return click.option("--out", type=click.Path(path_type=Path), default=Path("output"),
                        help="Folder hasil. Bawaan: output")(f)


_CLICK_ID = [("Invalid value for", "Nilai tidak valid untuk"), ("is not one of", "bukan salah satu dari"),
             ("is not a valid integer", "bukan bilangan bulat"), ("Missing option", "Pilihan wajib belum diisi:"),
             ("Missing argument", "Argumen wajib belum diisi:"), ("No such option", "Pilihan tidak dikenal"),
             ("No such command", "Perintah tidak dikenal"), ("Got unexpected extra argument",
                                                              "Argumen berlebih"),
             ("does not exist", "tidak ada"), ("Did you mean", "Maksud Anda")]


def _usage_error_id(err: click.UsageError) -> None:
    from rbxl.cli.console import error

    text = err.format_message()
    for en, id_ in _CLICK_ID:
        text = text.replace(en, id_)
    cmd = err.ctx.command_path if err.ctx else "rbxl"
    error(message("CLI_SEE_HELP", text=text, command=cmd))


# the English names of the first releases: hidden aliases, so no script breaks
ALIASES = {"generate": "template", "validate": "periksa", "consolidate": "rekap", "check": "periksa"}


class RbxlGroup(click.Group):
    """Turns RbxlError into an Indonesian message and its documented exit code; knows the old names."""

    context_class = IdContext
    command_class = IdCommand
    group_class = type  # subgroups are RbxlGroups too

    def get_command(self, ctx, cmd_name):
        return super().get_command(ctx, cmd_name) or super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        return (cmd.name if cmd else name), cmd, rest

    def main(self, *args, **kwargs):
        if kwargs.get("standalone_mode", True):
            try:
                return super().main(*args, **{**kwargs, "standalone_mode": False})
            except click.exceptions.NoArgsIsHelpError as err:  # `rbxl` alone: the help, laid out as help
                click.echo(err.ctx.get_help(), err=True)
                sys.exit(EXIT_USAGE)  # click's own convention since 8.2: no command given is a usage error
            except click.UsageError as err:
                _usage_error_id(err)
                sys.exit(EXIT_USAGE)
            except (click.Abort, KeyboardInterrupt):  # Ctrl+C (click turns it into Abort in its own code)
                from rbxl.cli.console import err_console

                err_console.print(f"\n[bold yellow]{INTERRUPTED}[/]")  # not "Gagal:": nothing failed
                sys.exit(EXIT_INTERRUPTED)
            except click.exceptions.Exit as exc:
                sys.exit(exc.exit_code)
        return super().main(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RbxlError as err:
            from rbxl.cli.console import error

            error(str(err))
            sys.exit(err.exit_code)
        except OSError as err:  # a write that no library turned into OutputError: still exit 4, no traceback
            from rbxl.cli.console import error
            from rbxl.core.atomic import explain

            error(explain(err, err.filename or "hasil"))
            sys.exit(EXIT_IO)


