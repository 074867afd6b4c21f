"""Create and open encrypted DHR Tracker databases (SQLCipher 4 through SQLAlchemy).

Opening tells apart every failure that can be told apart and leaves the file byte-for-byte unchanged
in each of them: nothing is written until the key, the owner and the schema have all been checked.
Both return a `Database` (`storage.sessions`); the engine and the file checks are in `storage.sqlcipher`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from dhr_tracker import __version__
from dhr_tracker.security import audit
from dhr_tracker.storage import migrate
from dhr_tracker.storage.errors import DatabaseExists, NewerSchema, StorageError
from dhr_tracker.storage.files import create_owner_only, restrict_to_owner
from dhr_tracker.storage.leftovers import clear_leftovers, refuse_reading_over_a_restore_journal
from dhr_tracker.storage.passphrase import check_new_passphrase
from dhr_tracker.storage.server_url import is_server_url
from dhr_tracker.storage.sessions import Database
from dhr_tracker.storage.sqlcipher import check_database_file, sqlcipher_engine, verify_key_and_owner
from dhr_tracker.storage.writer_lock import acquire_writer_lock

__all__ = ["Database", "create_database", "open_database"]  # Database: what both return (storage.sessions)


def open_database(path: Path | str, passphrase: str, *, upgrade: bool = True, read_only: bool = False) -> Database:
    """Unlock an existing database, upgrading its schema (after an encrypted backup) if it is older.

    For changes (the default) it takes the single-writer lock, or raises DatabaseInUse naming the
    process that holds it. `read_only` takes no lock and refuses every write; another process may be
    changing the database meanwhile (SQLite's own locking keeps each read consistent).
    """
    if is_server_url(path):  # a team database: no passphrase; libpq finds the password (docs/TEAM.md)
        from dhr_tracker.storage.postgres import open_team_database

        return open_team_database(path, upgrade=upgrade, read_only=read_only)
    path = Path(path)
    check_database_file(path)
    writer_lock = None
    if read_only:
        refuse_reading_over_a_restore_journal(path)
    else:
        # The lock first: files a crash left are cleared before SQLite opens the file (see storage.leftovers).
        writer_lock = acquire_writer_lock(path)
        try:
            clear_leftovers(path)
        except BaseException:
            writer_lock.release()
            raise
    engine = sqlcipher_engine(path, passphrase, read_only=read_only)
    try:
        revision = verify_key_and_owner(engine, path)
        if revision not in migrate.known_revisions():
            raise NewerSchema(path, revision or "unknown")
        if read_only and revision != migrate.head_revision():
            raise StorageError(
                f"{path} was written by an older version of DHR Tracker. Open it once for changes (in the app, "
                "or with a command that changes it) to bring it up to date; a backup is made first."
            )
        if revision != migrate.head_revision() and upgrade:
            from dhr_tracker.storage.backups import backup_before_upgrade

            backup_before_upgrade(engine, path, revision)
            with engine.begin() as connection:
                migrate.upgrade_to_head(connection)
    except BaseException:
        engine.dispose()
        if writer_lock is not None:
            writer_lock.release()
        raise
    return Database(path, engine, writer_lock=writer_lock, read_only=read_only)


def create_database(
    path: Path | str, passphrase: str, confirmation: str | None = None, *, with_reference_data: bool = True
) -> Database:
    """Create a new encrypted database holding the reference data, or write nothing at all.

    An archive import asks for none (`with_reference_data=False`): the archive brings its own, and the
    new database's trail then starts with the entry that names the archive.
    """
    if is_server_url(path):  # a team database: set up in an empty database the DBA made
        from dhr_tracker.storage.postgres import create_team_database

        return create_team_database(path, with_reference_data=with_reference_data)
    path = Path(path)
    check_new_passphrase(passphrase, passphrase if confirmation is None else confirmation)
    if path.exists():
        raise DatabaseExists(path)
    if not path.parent.is_dir():
        raise StorageError(f"The folder {path.parent} does not exist. Create it first, or choose another folder.")
    os.close(create_owner_only(path))
    try:
        writer_lock = acquire_writer_lock(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    engine = sqlcipher_engine(path, passphrase)
    try:
        with engine.begin() as connection:
            migrate.upgrade_to_head(connection)
            connection.execute(
                text(
                    "INSERT INTO app_meta (key, value) VALUES ('created_with_version', :version), ('created_at', :at)"
                ),
                {"version": __version__, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
            )
        from dhr_tracker.reference_data import seed_reference_data

        # The reference data every new database starts with is not an edit: it is seeded outside the audit
        # trail's sessions, then recorded as the trail's first baseline, so every row is accounted for.
        if with_reference_data:
            with Session(engine) as session, session.begin():
                seed_reference_data(session)
                session.flush()
                audit.record_baseline(session.connection(), "new database: the reference data it starts with")
        database = Database(path, engine, writer_lock=writer_lock)
    except BaseException:
        engine.dispose()
        path.unlink(missing_ok=True)
        Path(f"{path}-journal").unlink(missing_ok=True)
        writer_lock.release()
        raise
    restrict_to_owner(path)
    return database
