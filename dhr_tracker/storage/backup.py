"""Encrypted copies of a database file. The copy is the encrypted file itself: never plain text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, text

from dhr_tracker.storage.errors import StorageError
from dhr_tracker.storage.files import copy_to_new_owner_only_file


def copy_encrypted(engine: Engine, source: Path, destination: Path) -> Path:
    """Copy the database file while holding a read lock, so that no writer can change it mid-copy.

    Right for the rollback journal the engine sets (journal_mode DELETE): a writer must hold an
    EXCLUSIVE lock to change the main file, which it cannot get while this SHARED lock is held, and
    every committed transaction is wholly in the main file (a crashed writer's hot journal is rolled
    back when this connection takes its lock). In WAL mode committed pages would sit in the -wal file
    and a copy of the main file alone would lose them, so that is refused.
    """
    with engine.connect() as connection:
        journal_mode = str(connection.execute(text("PRAGMA journal_mode")).scalar()).lower()
        if journal_mode == "wal":
            raise StorageError(
                f"{source} is in WAL journal mode, which a file copy cannot back up safely. "
                "Open it with DHR Tracker (which sets the rollback journal) and try again."
            )
        connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()  # takes the shared lock
        copy_to_new_owner_only_file(source, destination)
        connection.rollback()
    return destination


def backup_before_upgrade(engine: Engine, path: Path, revision: str | None) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    destination = path.with_name(f"{path.stem}.before-upgrade-from-{revision or 'none'}-{stamp}{path.suffix}")
    return copy_encrypted(engine, path, destination)
