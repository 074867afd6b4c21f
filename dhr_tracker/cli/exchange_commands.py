"""Sub-commands that move whole databases in and out: export, import (JSON archive).

`export --format csv|xlsx` is handed to sheet_commands, which registers `import-sheet` itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dhr_tracker.cli import sheet_commands
from dhr_tracker.cli.common import (
    add_database_arguments,
    database_path,
    open_from_args,
    open_team_from,
    read_passphrase,
)
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.archive import archive_sha256, load_archive, read_archive, write_archive
from dhr_tracker.storage.database import create_database
from dhr_tracker.storage.server_url import is_server_url


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export", help="export the database (JSON archive of everything, or CSV/XLSX tables), pseudonymised"
    )
    add_database_arguments(export)
    export.add_argument(
        "--format",
        choices=("json", "csv", "xlsx"),
        required=True,
        help="json: the whole database as a documented archive; csv/xlsx: cases, recommendations, updates and the "
        "Home Office action plan as tables for partners",
    )
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="the file to write (must not exist); for csv, a folder to put one file per table in",
    )
    export.add_argument(
        "--include-real-names",
        action="store_true",
        help="also export the victims' and perpetrators' real names (leave out unless you truly need them)",
    )
    sheet_commands.add_export_options(export)
    export.set_defaults(run=run_export)

    load = subparsers.add_parser("import", help="create a new database from a JSON archive")
    add_database_arguments(load)
    load.add_argument("archive", type=Path, metavar="FILE", help="a JSON archive written by 'export --format json'")
    load.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    if args.format in ("csv", "xlsx"):
        return sheet_commands.run_sheet_export(args)
    if args.cases:
        raise UserError("--case is for the csv and xlsx exports; the JSON archive always holds the whole database.")
    if args.out.exists():
        raise UserError(f"{args.out} already exists. Choose a new file name; exports never overwrite a file.")
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        counts = write_archive(session, args.out, include_real_names=args.include_real_names)
    print(f"Exported {counts.get('dhr_case', 0)} cases and {sum(counts.values())} records in all to {args.out}.")
    if args.include_real_names:
        print(
            "WARNING: this file holds the real names of victims and perpetrators. Keep it encrypted and delete it when done."
        )
    else:
        print("Real names were left out; cases are identified by reference and pseudonym.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    archive = read_archive(args.archive)  # checked before a database file is created
    path = database_path(args)
    if is_server_url(path):
        counted: list[dict[str, int]] = []
        open_team_from(
            path,
            create=True,
            fill=lambda session: counted.append(
                load_archive(session, archive, sha256=archive_sha256(args.archive), source=str(args.archive))
            ),
        ).close()
        counts = counted[0]
        print(
            f"Imported {counts.get('dhr_case', 0)} cases and {sum(counts.values())} records in all into the team database."
        )
        return 0
    passphrase, confirmation = read_passphrase(args, prompt="Passphrase for the new database: ", confirm=True)
    database = create_database(path, passphrase, confirmation, with_reference_data=False)
    try:
        with database.transaction() as session:
            counts = load_archive(session, archive, sha256=archive_sha256(args.archive), source=str(args.archive))
    except BaseException:
        database.close()
        path.unlink(missing_ok=True)
        raise
    database.close()
    print(f"Imported {counts.get('dhr_case', 0)} cases and {sum(counts.values())} records in all into {path}.")
    return 0
