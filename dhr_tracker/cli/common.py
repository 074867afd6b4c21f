"""What every sub-command shares: the --db option, getting the passphrase, and printing results.

Everything a command prints passes the real-name guard (the COMMAND_LINE output channel): opening the
database through `open_from_args` arms it with the names stored there; `print_table`, `print_json` and
`print_csv` check each value as it is given (the refusal names the column or key); and `cli.main` holds
the whole output back until the command ends (`held_output`) and checks it all once more, so a plain
`print` cannot let a name through either. A refused output prints nothing on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import getpass
import io
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dhr_tracker.errors import UserError
from dhr_tracker.locations import default_database_path
from dhr_tracker.privacy.channels import COMMAND_LINE, channel_label
from dhr_tracker.storage.database import Database, open_database
from dhr_tracker.storage.server_url import is_server_url

if TYPE_CHECKING:  # for the annotation only: arm_output_guard imports it when it arms the guard
    from dhr_tracker.reports.pseudonyms import RealNameGuard

PASSPHRASE_VARIABLE = "DHR_TRACKER_PASSPHRASE"


def database_target(text: str) -> Path | str:
    """A --db value: a team database's postgresql:// URL as given, anything else a file path."""
    return text if is_server_url(text) else Path(text)


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=database_target,
        default=None,
        metavar="PATH|URL",
        help="the database file (default: dhr-tracker.dhrdb in your user data folder), or a team database "
        "as postgresql://ROLE@HOST/DATABASE (its password comes from ~/.pgpass or a prompt; docs/TEAM.md)",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"read the passphrase from the first line of this file (or set {PASSPHRASE_VARIABLE}; "
        "otherwise you are asked for it)",
    )


def add_format_argument(parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (default: %(default)s)")


def database_path(args: argparse.Namespace) -> Path | str:
    """The --db value: a file's path, or a team database's URL (see `file_only`)."""
    return args.db if args.db is not None else default_database_path()


def file_only(args: argparse.Namespace, command: str) -> Path:
    """The --db file of a command that works on a local file only (backup, restore, passphrase, check)."""
    target = database_path(args)
    if is_server_url(target):
        raise UserError(
            f"'{command}' works on a local database file. A team database on a server is backed up, checked "
            "and secured by its database administrator (docs/TEAM.md)."
        )
    return target


def read_passphrase(
    args: argparse.Namespace, *, prompt: str = "Passphrase: ", confirm: bool = False
) -> tuple[str, str]:
    """The passphrase (and its confirmation): from the file, the environment, or a no-echo prompt."""
    return passphrase_from(
        args.passphrase_file, PASSPHRASE_VARIABLE, "--passphrase-file", prompt=prompt, confirm=confirm
    )


def _warn_if_others_can_read(file: Path, what: str) -> None:
    """Warn (not refuse: scripts keep working) when a passphrase file is readable by other users (POSIX)."""
    if os.name != "posix":
        return  # Windows: the file's ACL, not a mode, decides; the user profile folder is private by default
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        print(
            f"Warning: the {what} file {file} can be read by other users (mode {mode:o}). "
            f"Make it owner-only: chmod 600 {file}",
            file=sys.stderr,
        )


def passphrase_from(
    file: Path | None, variable: str, file_option: str, *, prompt: str, confirm: bool, what: str = "passphrase"
) -> tuple[str, str]:
    """A passphrase and its confirmation from the first line of `file`, else `variable`, else no-echo prompts.
    Never from a command-line argument."""
    if file is not None:
        try:
            # utf-8-sig: Notepad and friends start a file with a byte-order mark, which is not part of the passphrase.
            lines = file.read_bytes().decode("utf-8-sig").splitlines()
        except OSError as error:
            raise UserError(f"Cannot read the {what} file {file}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise UserError(f"The {what} file {file} is not UTF-8 text. Save it as UTF-8 and try again.") from None
        _warn_if_others_can_read(file, what)
        passphrase = lines[0] if lines else ""
        return passphrase, passphrase
    if os.environ.get(variable):
        passphrase = os.environ[variable]
        return passphrase, passphrase
    if not sys.stdin.isatty():
        raise UserError(
            f"No {what} given. Set {variable}, or use {file_option} PATH, or run in a terminal to be asked."
        )
    passphrase = getpass.getpass(prompt)
    confirmation = getpass.getpass(f"{what[0].upper()}{what[1:]} again: ") if confirm else passphrase
    return passphrase, confirmation


def open_from_args(args: argparse.Namespace, *, read_only: bool = False) -> Database:
    """Unlock the database named by --db (a file, or a team database's URL), and arm the output guard with
    its real names. Commands that only read pass read_only=True, so they run while the app has the database
    open for changes."""
    target = database_path(args)
    if is_server_url(target):
        database = open_team_from(target, read_only=read_only)
    else:
        passphrase, _ = read_passphrase(args)
        database = open_database(target, passphrase, read_only=read_only)
    try:
        arm_output_guard(database)
    except BaseException:
        database.close()
        raise
    return database


class _OutputGuard:
    """The guard over this command's output: armed once a database is open."""

    guard: RealNameGuard | None = None  # once armed
    command = ""  # the words of the command, for the refusal ("case show")
    stopped_guard = None  # the guard of the command that just ended, for its error message (see error_message)

    def where(self) -> str:
        label = channel_label(COMMAND_LINE)
        return f"{label} ('dhr-tracker {self.command}')" if self.command else label

    def check_fields(self, fields) -> None:
        if self.guard is not None:
            self.guard.check_fields(fields, where=self.where())


OUTPUT_GUARD = _OutputGuard()


def arm_output_guard(database: Database) -> None:
    from dhr_tracker.reports.pseudonyms import RealNameGuard
    from dhr_tracker.storage.access import real_names_readable

    with database.transaction() as session:
        # A role the server refuses the real names (a team database's viewer or auditor) cannot build the guard
        # from them: the name columns cannot reach its output, and pseudonyms hold no word of a real name
        # (casework.cases), but free text a coordinator typed is not checked for it. docs/TEAM.md says so.
        if not real_names_readable(session):
            OUTPUT_GUARD.guard = RealNameGuard.from_names([])
            return
        OUTPUT_GUARD.guard = RealNameGuard.from_session(session)


@contextlib.contextmanager
def held_output(command: str):
    """Hold back what the command prints; when it ends, check it all and only then print it."""
    OUTPUT_GUARD.guard, OUTPUT_GUARD.command, OUTPUT_GUARD.stopped_guard = None, command, None
    real, held = sys.stdout, io.StringIO()
    sys.stdout = held
    try:
        yield
        text = held.getvalue()
        OUTPUT_GUARD.check_fields([("output", text)])
    finally:  # a command that stopped (refused, or an error) prints none of its output: the message says why
        sys.stdout = real
        OUTPUT_GUARD.stopped_guard, OUTPUT_GUARD.guard = OUTPUT_GUARD.guard, None
    real.write(text)
    real.flush()


def open_team_from(target: str, *, read_only: bool = False, create: bool = False, fill=None) -> Database:
    """Connect to (or set up) a team database. libpq finds the password (~/.pgpass, a service file,
    PGPASSWORD); if it finds none and the server asks for one, it is asked for here, without echo."""
    from dhr_tracker.storage.postgres import ServerPasswordNeeded, create_team_database, open_team_database, server_url

    _, notes = server_url(target)  # refuses a password in the URL before anything else happens
    for note in notes:  # warned before connecting, so the warning shows even if the connection fails
        print(note, file=sys.stderr)

    def connect(password: str | None) -> Database:
        if create:
            return create_team_database(target, password=password, fill=fill)
        return open_team_database(target, password=password, read_only=read_only)

    try:
        database = connect(None)
    except ServerPasswordNeeded:
        if not sys.stdin.isatty():
            raise
        database = connect(getpass.getpass("Password for the team database: "))
    return database


def error_message(text: str) -> str:
    """A stopped command's message for stderr, with any real name withheld. A refusal may quote the database
    ("Did you mean: <a theme's name>?"), and stderr goes where stdout goes: a terminal, a log, a ticket."""
    guard = OUTPUT_GUARD.stopped_guard
    return guard.redact(text, "[text holding a real name, withheld]") if guard is not None else text


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    from dhr_tracker.privacy.guard import source_fields

    OUTPUT_GUARD.check_fields(source_fields(data))
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=json_default)
    sys.stdout.write("\n")


def print_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    OUTPUT_GUARD.check_fields((str(column), str(row.get(column, ""))) for row in rows for column in columns)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """A plain aligned text table; dates as dd/mm/yyyy."""
    cells = [[_cell(value) for value in row] for row in rows]
    OUTPUT_GUARD.check_fields((f"'{header}' column", value) for row in cells for header, value in zip(headers, row))
    widths = [max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)]
    print("  ".join(header.ljust(width) for header, width in zip(headers, widths)).rstrip())
    print("  ".join("-" * width for width in widths))
    for row in cells:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())


def _cell(value: Any) -> str:
    from dhr_tracker.dates import format_date

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_date(value)
    if value is None:
        return ""
    return getattr(value, "label", None) or str(value)
