"""Sub-commands that make and check database files: init, check."""

from __future__ import annotations

import argparse

from sqlalchemy import text

from dhr_tracker.cli.common import add_database_arguments, database_path, open_from_args, read_passphrase
from dhr_tracker.storage.database import create_database


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create a new, empty encrypted database")
    add_database_arguments(init)
    init.set_defaults(run=run_init)

    check = subparsers.add_parser("check", help="run SQLCipher's and SQLite's integrity checks")
    add_database_arguments(check)
    check.set_defaults(run=run_check)


def run_init(args: argparse.Namespace) -> int:
    path = database_path(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    passphrase, confirmation = read_passphrase(args, prompt="New passphrase (at least 12 characters): ", confirm=True)
    create_database(path, passphrase, confirmation).close()
    print(f"Created an empty encrypted database at {path}.")
    return 0


def integrity_problems(database) -> list[str]:
    """SQLCipher's HMAC check of every page, then SQLite's structural check; empty when all is well."""
    problems: list[str] = []
    with database.engine.connect() as connection:
        problems += [f"SQLCipher: {row[0]}" for row in connection.execute(text("PRAGMA cipher_integrity_check"))]
        problems += [f"SQLite: {row[0]}" for row in connection.execute(text("PRAGMA integrity_check")) if row[0] != "ok"]
        problems += [
            f"SQLite: foreign key broken in {row[0]} row {row[1]}" for row in connection.execute(text("PRAGMA foreign_key_check"))
        ]
    return problems


def run_check(args: argparse.Namespace) -> int:
    with open_from_args(args) as database:
        problems = integrity_problems(database)
    if problems:
        print(f"{database.path}: DAMAGED. Restore the newest backup that passes this check.")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"{database.path}: OK. The encryption checks and SQLite's integrity checks passed.")
    return 0
