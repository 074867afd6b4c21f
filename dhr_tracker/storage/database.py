"""Create and open encrypted DHR Tracker databases (SQLCipher 4 through SQLAlchemy).

Opening tells apart every failure that can be told apart and leaves the file byte-for-byte unchanged
in each of them: nothing is written until the key, the owner and the schema have all been checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from dhr_tracker import APPLICATION_ID, __version__
from dhr_tracker.storage import migrate
from dhr_tracker.storage.errors import (
    DatabaseEmpty,
    DatabaseExists,
    DatabaseMissing,
    FirstPageDamaged,
    NewerSchema,
    NotDhrTrackerDatabase,
    PlainSQLiteFile,
    StorageError,
    WrongPassphraseOrNotDatabase,
)
from dhr_tracker.storage.files import create_owner_only, restrict_to_owner
from dhr_tracker.storage.leftovers import clear_leftovers, refuse_reading_over_a_restore_journal
from dhr_tracker.storage.page_check import first_page_damaged
from dhr_tracker.storage.passphrase import check_new_passphrase
from dhr_tracker.security import audit
from dhr_tracker.security.writer_lock import WriterLock, acquire_writer_lock

SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10


class Database:
    """An unlocked database. Services receive sessions from it; it owns the engine and the key.

    A database opened for changes holds the single-writer lock (`security.writer_lock`) until it is
    closed; one opened `read_only` refuses every write and takes no lock. Every session it makes
    records the audit trail (`security.audit`).
    """

    def __init__(self, path: Path, engine: Engine, *, writer_lock: WriterLock | None = None, read_only: bool = False):
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._writer_lock = writer_lock
        self._closed = False
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        audit.install(self._sessions)

    @property
    def is_open(self) -> bool:
        return not self._closed

    def passphrase_matches(self, passphrase: str) -> bool:
        """Whether `passphrase` is the one this database was unlocked with (compared in constant time)."""
        current = self.engine.url.password or ""
        return hmac.compare_digest(current.encode("utf-8"), passphrase.encode("utf-8"))

    def _use_engine(self, engine: Engine) -> None:
        """Swap in a new engine (after a passphrase change); the old one must already be disposed."""
        self.engine = engine
        self._sessions.configure(bind=engine)

    def session(self) -> Session:
        """A new session; the caller closes it. Prefer `transaction()` for writes."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed if the block succeeds, rolled back entirely if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Close every connection (the key goes with them) and release the writer lock.

        The object cannot be used afterwards; closing twice is harmless.
        """
        self._closed = True
        self.engine.dispose()
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _engine(path: Path, passphrase: str, *, read_only: bool = False) -> Engine:
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
            # the byte-for-byte backup copy (storage.backup.copy_encrypted) relies on.
            "PRAGMA journal_mode = DELETE",
            *(["PRAGMA query_only = ON"] if read_only else []),
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _check_file(path: Path) -> None:
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


def _verify(engine: Engine, path: Path) -> str | None:
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


def open_database(path: Path | str, passphrase: str, *, upgrade: bool = True, read_only: bool = False) -> Database:
    """Unlock an existing database, upgrading its schema (after an encrypted backup) if it is older.

    For changes (the default) it takes the single-writer lock, or raises DatabaseInUse naming the
    process that holds it. `read_only` takes no lock and refuses every write; another process may be
    changing the database meanwhile (SQLite's own locking keeps each read consistent).
    """
    path = Path(path)
    _check_file(path)
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
    engine = _engine(path, passphrase, read_only=read_only)
    try:
        revision = _verify(engine, path)
        if revision not in migrate.known_revisions():
            raise NewerSchema(path, revision or "unknown")
        if read_only and revision != migrate.head_revision():
            raise StorageError(
                f"{path} was written by an older version of DHR Tracker. Open it once for changes (in the app, "
                "or with a command that changes it) to bring it up to date; a backup is made first."
            )
        if revision != migrate.head_revision() and upgrade:
            from dhr_tracker.storage.backup import backup_before_upgrade

            backup_before_upgrade(engine, path, revision)
            with engine.begin() as connection:
                migrate.upgrade_to_head(connection)
    except BaseException:
        engine.dispose()
        if writer_lock is not None:
            writer_lock.release()
        raise
    return Database(path, engine, writer_lock=writer_lock, read_only=read_only)


def create_database(path: Path | str, passphrase: str, confirmation: str | None = None, *,
                    with_reference_data: bool = True) -> Database:
    """Create a new encrypted database holding the reference data, or write nothing at all.

    An archive import asks for none (`with_reference_data=False`): the archive brings its own, and the
    new database's trail then starts with the entry that names the archive.
    """
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
    engine = _engine(path, passphrase)
    try:
        with engine.begin() as connection:
            migrate.upgrade_to_head(connection)
            connection.execute(
                text("INSERT INTO app_meta (key, value) VALUES ('created_with_version', :version), ('created_at', :at)"),
                {"version": __version__, "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
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
