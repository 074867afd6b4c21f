"""The unlocked database: the one source of sessions, each recording the audit trail.

`Database` is what `storage.database.open_database` / `create_database` (a file) and `storage.postgres`
(a team database) return. Every session it makes has the audit trail (`security.audit`), the data version
(`storage.changes`) and row versions (`storage.versions`) installed when the Database is made, so no write
can skip them. That is why storage imports `security.audit`: the one upward import `.importlinter` allows.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from dhr_tracker.security import audit
from dhr_tracker.storage import changes, versions
from dhr_tracker.storage.writer_lock import WriterLock


class Database:
    """An unlocked database. Services receive sessions from it; it owns the engine and the key.

    A database opened for changes holds the single-writer lock (`storage.writer_lock`) until it is
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
        # The data version: caches of derived views (lifecycle.today) reload only the cases a commit touched.
        self.changes = changes.ChangeLog()
        changes.install(self._sessions, self.changes)
        versions.install(self._sessions)

    shared = False  # a local file; a team database on a server (storage.postgres) is shared

    @property
    def label(self) -> str:
        """How messages and the window title name this database."""
        return str(self.path)

    @property
    def is_open(self) -> bool:
        return not self._closed

    def passphrase_matches(self, passphrase: str) -> bool:
        """Whether `passphrase` is the one this database was unlocked with (compared in constant time)."""
        current = self.engine.url.password or ""
        return hmac.compare_digest(current.encode("utf-8"), passphrase.encode("utf-8"))

    def use_engine(self, engine: Engine) -> None:
        """Swap in a new engine (after a passphrase change); the old one must already be disposed."""
        self.engine = engine
        self._sessions.configure(bind=engine)

    def session(self) -> Session:
        """A new session; the caller closes it. Prefer `transaction()` for writes."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed if the block succeeds, rolled back entirely if it raises.

        A save that meets a record someone else changed meanwhile (its row version moved on) is refused
        with a ValidationError naming who changed it and when; nothing of the unit of work is kept.
        """
        with self._sessions() as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError:
                raise versions.conflict(self, session) from None

    def close(self) -> None:
        """Close every connection (the key goes with them) and release the writer lock.

        The object cannot be used afterwards; closing twice is harmless.
        """
        self._closed = True
        self.changes.close()  # no cached view of the data outlives the database being open
        self.engine.dispose()
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
