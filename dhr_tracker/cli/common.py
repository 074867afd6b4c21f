"""What every sub-command shares: the --db option, getting the passphrase, and printing results."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dhr_tracker.errors import UserError
from dhr_tracker.locations import default_database_path
from dhr_tracker.storage.database import Database, open_database

PASSPHRASE_VARIABLE = "DHR_TRACKER_PASSPHRASE"


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, metavar="PATH",
        help="the database file (default: dhr-tracker.dhrdb in your user data folder)",
    )
    parser.add_argument(
        "--passphrase-file", type=Path, default=None, metavar="PATH",
        help=f"read the passphrase from the first line of this file (or set {PASSPHRASE_VARIABLE}; "
        "otherwise you are asked for it)",
    )


def add_format_argument(parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (default: %(default)s)")


def database_path(args: argparse.Namespace) -> Path:
    return args.db if args.db is not None else default_database_path()


def read_passphrase(args: argparse.Namespace, *, prompt: str = "Passphrase: ", confirm: bool = False) -> tuple[str, str]:
    """The passphrase (and its confirmation): from the file, the environment, or a no-echo prompt."""
    return passphrase_from(args.passphrase_file, PASSPHRASE_VARIABLE, "--passphrase-file", prompt=prompt, confirm=confirm)


def _warn_if_others_can_read(file: Path, what: str) -> None:
    """Warn (not refuse: scripts keep working) when a passphrase file is readable by other users (POSIX)."""
    if os.name != "posix":
        return  # Windows: the file's ACL, not a mode, decides; the user profile folder is private by default
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        print(f"Warning: the {what} file {file} can be read by other users (mode {mode:o}). "
              f"Make it owner-only: chmod 600 {file}", file=sys.stderr)


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
        raise UserError(f"No {what} given. Set {variable}, or use {file_option} PATH, or run in a terminal to be asked.")
    passphrase = getpass.getpass(prompt)
    confirmation = getpass.getpass(f"{what[0].upper()}{what[1:]} again: ") if confirm else passphrase
    return passphrase, confirmation


def open_from_args(args: argparse.Namespace, *, read_only: bool = False) -> Database:
    """Unlock the database named by --db. Commands that only read pass read_only=True, so they run
    while the app has the database open for changes."""
    path = database_path(args)
    passphrase, _ = read_passphrase(args)
    return open_database(path, passphrase, read_only=read_only)


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=json_default)
    sys.stdout.write("\n")


def print_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """A plain aligned text table; dates as dd/mm/yyyy."""
    cells = [[_cell(value) for value in row] for row in rows]
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
