"""Sub-commands that make and check database files: init, check."""

from __future__ import annotations

import argparse

from sqlalchemy import exc, text

from dhr_tracker.cli.common import (
    add_database_arguments,
    database_path,
    file_only,
    open_from_args,
    open_team_from,
    read_passphrase,
)
from dhr_tracker.storage.database import create_database
from dhr_tracker.storage.files import make_private_folder
from dhr_tracker.storage.passphrase import check_new_passphrase
from dhr_tracker.storage.server_url import is_server_url


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create a new, empty encrypted database")
    add_database_arguments(init)
    init.set_defaults(run=run_init)

    demo = subparsers.add_parser("demo", help="create a new database holding a fictional demo caseload")
    add_database_arguments(demo)
    demo.add_argument("--cases", type=positive_count, default=14, help="how many cases (default: %(default)s)")
    demo.add_argument(
        "--seed", type=int, default=1, help="the same seed gives the same caseload (default: %(default)s)"
    )
    demo.set_defaults(run=run_demo)

    check = subparsers.add_parser("check", help="run SQLCipher's and SQLite's integrity checks")
    add_database_arguments(check)
    check.set_defaults(run=run_check)


def run_init(args: argparse.Namespace) -> int:
    path = database_path(args)
    if is_server_url(path):
        database = open_team_from(path, create=True)
        database.close()
        print(
            f"Set up an empty DHR Tracker team database in {database.label}. Next: the database administrator "
            "runs the roles script (docs/TEAM.md) to give each person their role."
        )
        return 0
    make_private_folder(path.parent)
    passphrase, confirmation = read_passphrase(args, prompt="New passphrase (at least 12 characters): ", confirm=True)
    strength = check_new_passphrase(passphrase, confirmation)
    create_database(path, passphrase, confirmation).close()
    print(f"Created an empty encrypted database at {path}.")
    _warn_if_weak(strength)
    return 0


def _warn_if_weak(strength) -> None:  # noqa: ANN001 - a storage.passphrase.Strength
    """The same warning the app's meter and the passphrase command give below 'Good'."""
    if not strength.is_good:
        print(
            f"Note: the passphrase is rated {strength.label}. {strength.advice} "
            "Change it with dhr-tracker passphrase.".replace("  ", " ").strip()
        )


def positive_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 5000:
        raise argparse.ArgumentTypeError("choose between 1 and 5000 cases")
    return value


def run_demo(args: argparse.Namespace) -> int:
    from dhr_tracker.demo import create_demo_database

    path = database_path(args)
    if is_server_url(path):
        from dhr_tracker.demo import build_demo_caseload

        def fill(session) -> None:
            build_demo_caseload(session, cases=args.cases, seed=args.seed, update_rounds=True)

        # Loaded with the schema in one transaction (and so outside the audit trail, like a restored archive).
        open_team_from(path, create=True, fill=fill).close()
        print(f"Set up a demo team database with {args.cases} fictional cases.")
        return 0
    make_private_folder(path.parent)
    passphrase, confirmation = read_passphrase(args, prompt="New passphrase (at least 12 characters): ", confirm=True)
    strength = check_new_passphrase(passphrase, confirmation)
    create_demo_database(path, passphrase, cases=args.cases, seed=args.seed).close()
    print(f"Created a demo database with {args.cases} fictional cases at {path}.")
    _warn_if_weak(strength)
    return 0


def integrity_problems(database) -> list[str]:
    """SQLCipher's HMAC check of every page, then SQLite's structural check; empty when all is well."""
    problems: list[str] = []
    with database.engine.connect() as connection:
        try:
            problems += [f"SQLCipher: {row[0]}" for row in connection.execute(text("PRAGMA cipher_integrity_check"))]
            problems += [
                f"SQLite: {row[0]}" for row in connection.execute(text("PRAGMA integrity_check")) if row[0] != "ok"
            ]
            problems += [
                f"SQLite: foreign key broken in {row[0]} row {row[1]}"
                for row in connection.execute(text("PRAGMA foreign_key_check"))
            ]
        except exc.DatabaseError as error:
            problems.append(f"SQLite: {error.orig}")
    return problems


def run_check(args: argparse.Namespace) -> int:
    file_only(args, "check")
    with open_from_args(args, read_only=True) as database:
        problems = integrity_problems(database)
    if problems:
        print(f"{database.path}: DAMAGED. Restore the newest backup that passes this check.")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"{database.path}: OK. The encryption checks and SQLite's integrity checks passed.")
    return 0
