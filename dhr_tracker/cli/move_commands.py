"""`dhr-tracker move`: a whole database from a local file to a team database on a server, or back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dhr_tracker.cli.common import PASSPHRASE_VARIABLE, database_target, open_team_from, passphrase_from
from dhr_tracker.errors import UserError
from dhr_tracker.storage.database import open_database
from dhr_tracker.storage.server_url import is_server_url

NEW_PASSPHRASE_VARIABLE = "DHR_TRACKER_NEW_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    move = subparsers.add_parser(
        "move",
        help="move a whole database between a local file and a team database on a server (either way)",
        description="Copies everything, real names and the audit trail included, into a NEW destination "
        "(a new file, or an empty database on the server), checks it arrived whole, and leaves the source as it "
        "was. All or nothing: if anything fails, no destination is left behind.",
    )
    move.add_argument(
        "--from",
        dest="source",
        type=database_target,
        required=True,
        metavar="PATH|URL",
        help="the database to copy: a .dhrdb file or postgresql://ROLE@HOST/DATABASE",
    )
    move.add_argument(
        "--to",
        dest="destination",
        type=database_target,
        required=True,
        metavar="PATH|URL",
        help="the new destination: a file that does not exist yet, or an empty database on the server",
    )
    move.add_argument(
        "--passphrase-file",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the source file's passphrase, from this file's first line (or {PASSPHRASE_VARIABLE}, or a prompt)",
    )
    move.add_argument(
        "--new-passphrase-file",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the new file's passphrase, from this file's first line (or {NEW_PASSPHRASE_VARIABLE}, or two prompts)",
    )
    move.set_defaults(run=run_move)


def run_move(args: argparse.Namespace) -> int:
    from dhr_tracker.exchange.move import move_into_file, move_into_server, read_whole

    source, destination = args.source, args.destination
    if is_server_url(source) == is_server_url(destination):
        raise UserError(
            "Move goes from a file to a team database on a server, or from a server to a file. To copy a file, "
            "use 'backup'; between two servers, your database administrator uses pg_dump."
        )
    if not is_server_url(destination) and destination.exists():
        raise UserError(f"{destination} already exists. Choose a new file name; a move never overwrites a file.")
    if is_server_url(source):
        opened = open_team_from(source, read_only=True)
    else:
        passphrase, _ = passphrase_from(
            args.passphrase_file,
            PASSPHRASE_VARIABLE,
            "--passphrase-file",
            prompt="Passphrase of the file: ",
            confirm=False,
        )
        opened = open_database(source, passphrase, read_only=True)
    with opened:
        archive = read_whole(opened)
        shown_source = opened.label
    if is_server_url(destination):
        result = move_into_server(archive, destination, lambda url, fill: open_team_from(url, create=True, fill=fill))
        shown_destination = destination.split("?", 1)[0]
    else:
        new, confirmation = passphrase_from(
            args.new_passphrase_file,
            NEW_PASSPHRASE_VARIABLE,
            "--new-passphrase-file",
            prompt="Passphrase for the new file (at least 12 characters): ",
            confirm=True,
            what="new passphrase",
        )
        result = move_into_file(archive, destination, new, confirmation)
        shown_destination = str(destination)
    print(
        f"Moved {result.cases} cases and {result.records} records in all, with the audit trail "
        f"({result.audit_entries} entries, verified), from {shown_source} to {shown_destination}."
    )
    print(f"{shown_source} was left as it was: retire it once the team works from the new one.", file=sys.stdout)
    return 0
