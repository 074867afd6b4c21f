"""The SQLCipher engine of a database file, and the checks that tell a usable file from every other kind.

Public because restore, backups and the passphrase change open a file the same way `open_database` does.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import QueuePool

from dhr_tracker import APPLICATION_ID
from dhr_tracker.storage import migrate
from dhr_tracker.storage.errors import (
    DatabaseEmpty,
    DatabaseMissing,
    FirstPageDamaged,
    NotDhrTrackerDatabase,
    PlainSQLiteFile,
    WrongPassphraseOrNotDatabase,
)
from dhr_tracker.storage.page_check import first_page_damaged

SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10


def sqlcipher_engine(path: Path, passphrase: str, *, read_only: bool = False) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    # The key derivation costs ~0.14 s per connection, so keep connections in a pool rather than
    # opening one per use (NullPool). check_same_thread is off so a background worker may borrow one;
    # a connection is still only ever used by one thread at a time.
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
    )

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin, so that DDL in migrations
        # is transactional too (SQLAlchemy's documented recipe for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA cipher_log_level = NONE",  # a wrong key must not print library noise
            "PRAGMA foreign_keys = ON",
            "PRAGMA temp_store = MEMORY",  # sorts and temporary tables never touch the disk
            "PRAGMA secure_delete = ON",
            # Up to 32 MiB of decrypted pages per connection (SQLite's default is 2 MiB). Every page read
            # from the file is decrypted and its HMAC checked; at national scale (2,000 reviews, a 90 MB
            # file) a 2 MiB cache re-decrypts the same pages on every query: escalations for every agency
            # took 0.14 s of CPU with it and 0.09 s with this (bench/run.py).
            "PRAGMA cache_size = -32768",
            # Rollback journal, not WAL: a committed transaction is wholly in the main file, which is what
            # the byte-for-byte backup copy (storage.backups.copy_encrypted) relies on.
            "PRAGMA journal_mode = DELETE",
            *(["PRAGMA query_only = ON"] if read_only else []),
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def check_database_file(path: Path) -> None:
    if not path.exists():
        raise DatabaseMissing(path)
    if not path.is_file():
        raise DatabaseMissing(path)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_PLAIN_HEADER))
    if not header:
        raise DatabaseEmpty(path)
    if header == SQLITE_PLAIN_HEADER:
        raise PlainSQLiteFile(path)


def verify_key_and_owner(engine: Engine, path: Path) -> str | None:
    """Check the key and the owner; return the schema revision. Reads only."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
            owner_known = connection.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'app_meta'")
            ).scalar()
            if not owner_known:
                raise NotDhrTrackerDatabase(path)
            application = connection.execute(text("SELECT value FROM app_meta WHERE key = 'application'")).scalar()
            if application != APPLICATION_ID:
                raise NotDhrTrackerDatabase(path)
            return migrate.current_revision(connection)
    except exc.DatabaseError as error:
        if "not a database" in str(error.orig) or "encrypted" in str(error.orig):
            if first_page_damaged(path, engine.url.password or ""):
                raise FirstPageDamaged(path) from None
            raise WrongPassphraseOrNotDatabase(path) from None
        raise
