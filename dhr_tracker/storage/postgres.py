"""A shared team database on a PostgreSQL server (psycopg 3 through SQLAlchemy); see docs/TEAM.md.

Everything that differs from the encrypted local file lives here:

- **Who**: each person signs in as their own PostgreSQL role. Secrets come only through libpq's own
  means (`~/.pgpass`, a service file, `PGPASSWORD`, or a prompt the caller shows when the server asks);
  a URL that carries a password is refused, as command lines and shell histories are readable.
- **The wire**: TLS with the server's certificate and name checked (`sslmode=verify-full`) unless the
  URL or libpq's environment (`PGSSLMODE`) says otherwise, which earns a warning. Unix-socket
  connections never leave the machine: libpq ignores sslmode there, and no warning is given.
- **Several writers**: there is no writer lock file; edits carry row versions (`storage.versions`) and
  the audit chain's append is serialised by a transaction-scoped advisory lock, so concurrent writers
  still make one chain. Each entry records the server's `session_user`, not a name the client claims.
- **Read-only** sessions are read-only on the server (`default_transaction_read_only`); what a role may
  read or change is the server's decision (`roles.sql`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from dhr_tracker import APPLICATION_ID, __version__
from dhr_tracker.security import audit
from dhr_tracker.storage import migrate
from dhr_tracker.storage.access import REAL_NAMES_READABLE
from dhr_tracker.storage.errors import NewerSchema, StorageError
from dhr_tracker.storage.sessions import Database

DRIVER = "postgresql+psycopg"
SAFE_SSL_MODES = {"verify-full"}
# One number for "the audit chain of this database" among the server's advisory locks (any constant
# unlikely to be used by another application on the same database: 'DHRAUDIT' as ASCII).
AUDIT_CHAIN_LOCK = 0x4448524155444954
SCHEMA_UPGRADE_LOCK = AUDIT_CHAIN_LOCK + 1


class ServerPasswordNeeded(StorageError):
    """The server asked for a password and libpq found none (no ~/.pgpass entry, service file or PGPASSWORD)."""

    def __init__(self, where: str):
        super().__init__(
            f"The server {where} asks for a password, and none was found in ~/.pgpass, a service file or PGPASSWORD. "
            "Type the password when asked (in a terminal, or in the app's password field), or add it to ~/.pgpass "
            "(docs/TEAM.md)."
        )


def _is_unix_socket(url: URL) -> bool:
    if url.query.get("hostaddr"):
        return False
    host = url.query.get("host") or url.host or os.environ.get("PGHOST", "")
    if isinstance(host, tuple):
        host = host[0]
    # libpq's rule: no host at all, or a host that is a directory, means a Unix-domain socket.
    return not host or str(host).startswith("/")


def server_url(target: str) -> tuple[URL, list[str]]:
    """The SQLAlchemy URL for `target`, and the warnings to show the user about it.

    Refuses a password in the URL. Adds `sslmode=verify-full` over TCP unless the URL or PGSSLMODE
    chose a mode; a mode that does not verify the server gets a warning.
    """
    try:
        url = make_url(target)
    except exc.ArgumentError:
        raise StorageError(
            f"'{_without_password(target)}' is not a database URL. Write it as postgresql://ROLE@HOST/DATABASE."
        ) from None
    if url.password is not None:
        raise StorageError(
            "The database URL contains a password. Never put a password on the command line or in a URL "
            "(others can read it); remove it and use ~/.pgpass, a service file or the password prompt instead "
            "(docs/TEAM.md)."
        )
    if not url.database and not url.query.get("service") and not os.environ.get("PGDATABASE"):
        raise StorageError("The database URL names no database. Write it as postgresql://ROLE@HOST/DATABASE.")
    url = url.set(drivername=DRIVER)
    shown = _display(url)
    notes: list[str] = []
    chosen = url.query.get("sslmode") or os.environ.get("PGSSLMODE")
    if not chosen:
        # Always asked for, even where the URL looks local: a service file may name a remote host, and
        # libpq itself ignores sslmode on a Unix socket (which never leaves the machine).
        url = url.update_query_dict({"sslmode": "verify-full"})
    elif chosen not in SAFE_SSL_MODES and not _is_unix_socket(url):
        notes.append(
            f"WARNING: the connection to {shown} uses sslmode={chosen}, which does not check the server's "
            "certificate and name: someone on the network could read or change what is sent. Use "
            "sslmode=verify-full unless your database administrator tells you otherwise."
        )
    return url, notes


def _without_password(target: str) -> str:
    head, at, tail = target.rpartition("@")
    if not at or ":" not in head.split("//", 1)[-1]:
        return target
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


def _display(url: URL) -> str:
    """How the user sees a team database in messages and the window title: ROLE@HOST/DATABASE."""
    host = url.host or url.query.get("host") or "local socket"
    return f"{url.username + '@' if url.username else ''}{host}/{url.database or ''}"


def _engine(url: URL, *, password: str | None = None, read_only: bool = False) -> Engine:
    connect_args: dict[str, Any] = {"application_name": "DHR Tracker"}
    if password is not None:
        connect_args["password"] = password  # from the prompt; never part of the URL
    engine = create_engine(url, pool_size=5, max_overflow=20, pool_pre_ping=True, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            # Timestamps are written and read as UTC whatever the server's own time zone.
            cursor.execute("SET TIME ZONE 'UTC'")
            if read_only:
                cursor.execute("SET default_transaction_read_only = on")
        dbapi_connection.commit()

    return engine


def _check_connects(engine: Engine, shown: str) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except exc.OperationalError as error:
        message = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if "no password supplied" in message:
            raise ServerPasswordNeeded(shown) from None
        if "password authentication failed" in message:
            error_out = StorageError(f"The server {shown} refused the password for this role. Check it and try again.")
            error_out.exit_code = 3
            raise error_out from None
        raise StorageError(f"Could not connect to the team database {shown}: {message}") from None


def _verify(connection: Connection, shown: str) -> str | None:
    if not inspect(connection).has_table("app_meta"):
        raise StorageError(
            f"The database {shown} holds no DHR Tracker data. Check the URL, or ask the database "
            "administrator to set it up with 'dhr-tracker init --db URL' (docs/TEAM.md)."
        )
    application = connection.execute(text("SELECT value FROM app_meta WHERE key = 'application'")).scalar()
    if application != APPLICATION_ID:
        raise StorageError(f"The database {shown} does not belong to DHR Tracker. Check the URL.")
    return migrate.current_revision(connection)


class TeamDatabase(Database):
    """A team database on a PostgreSQL server: no writer lock (several people write at once), and each
    audit entry names the server's session user."""

    shared = True

    def __init__(
        self, shown: str, engine: Engine, *, read_only: bool = False, notes: list[str] | None = None, target: str = ""
    ):
        super().__init__(None, engine, read_only=read_only)  # type: ignore[arg-type]  # no file
        self._shown = shown
        self.target = target  # the URL as given (never holds a password: server_url refuses one)
        self.notes = list(notes or [])  # warnings about the connection, for the caller to show
        with engine.connect() as connection:
            readable = connection.execute(
                text(
                    "SELECT has_column_privilege('dhr_case', 'victim_real_name', 'SELECT') "
                    "AND has_column_privilege('dhr_case', 'perpetrator_real_name', 'SELECT')"
                )
            ).scalar()
        self._sessions.configure(info={audit.APPEND_HOOK: begin_audit_append, REAL_NAMES_READABLE: bool(readable)})

    @property
    def label(self) -> str:
        return self._shown

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """As for a file; a refusal by the server for the role, or a clash with another person's save at
        the same moment, becomes a ServerRefused with a sentence to show (nothing was kept)."""
        try:
            with super().transaction() as session:
                yield session
        except exc.DBAPIError as error:
            message = refusal_message(error)
            if message is None:
                raise
            raise ServerRefused(message) from None

    def passphrase_matches(self, passphrase: str) -> bool:
        return False  # a team database has no passphrase; the server signs people in


class ServerRefused(StorageError):
    """The server refused a unit of work for a reason the person can act on; nothing of it was kept."""


def refusal_message(error: exc.DBAPIError) -> str | None:
    """The sentence for a statement the server refused because of the signed-in role's rights, or because
    it ran into another person's save at the same moment; None for anything else."""
    orig = getattr(error, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state in ("40001", "40P01"):  # serialization_failure, deadlock_detected
        return (
            "Another person's save ran into this one at the same moment, and the server stopped this one. "
            "Nothing of it was saved: save it again."
        )
    if state not in ("42501", "25006"):  # insufficient_privilege, read_only_sql_transaction
        return None
    detail = str(orig).strip().splitlines()[0]
    return (
        f"The team database's server refused this for your role ({detail}). Nothing was changed. "
        "Ask the database administrator if your role should allow it (docs/TEAM.md)."
    )


def begin_audit_append(connection: Connection) -> str:
    """Before an audit append: wait for the chain (one writer appends at a time, until commit) and
    return who is writing, as the server knows them."""
    return connection.execute(
        text("SELECT session_user FROM pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK}
    ).scalar_one()


# --- Row digests a role that may not read the data can still check (storage.row_state) -------------

DIGEST_VIEWS_KEY = "audit_digest_views"  # app_meta: each digest view's definition as the server gave it back


def create_digest_views(connection: Connection) -> None:
    """(Re)create the digest view of every audited table and record their definitions; run by the schema's owner
    after every schema change (the views depend on the tables' columns, so migrations run without them)."""
    import json

    from dhr_tracker.security import row_digest
    from dhr_tracker.storage.row_state import digest_view_name, digest_view_select, quoted

    drop_digest_views(connection)
    definitions = {}
    for table in row_digest.audited_tables():
        view = digest_view_name(table.name)
        sql, _width = row_digest.state_sql(table.name, "postgresql")
        keys = [column.name for column in table.primary_key.columns]
        connection.execute(text(f"CREATE VIEW {quoted(view)} AS {digest_view_select(table.name, keys, sql)}"))
        definitions[view] = connection.execute(
            text("SELECT pg_get_viewdef(CAST(:view AS regclass))"), {"view": view}
        ).scalar()
    connection.execute(
        text(
            "INSERT INTO app_meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"key": DIGEST_VIEWS_KEY, "value": json.dumps(definitions, sort_keys=True)},
    )


def drop_digest_views(connection: Connection) -> None:
    from dhr_tracker.storage.row_state import DIGEST_VIEW_PREFIX, quoted

    for (view,) in connection.execute(
        text("SELECT viewname FROM pg_views WHERE schemaname = 'public' AND viewname LIKE :prefix"),
        {"prefix": DIGEST_VIEW_PREFIX.replace("_", "\\_") + "%"},
    ).all():
        connection.execute(text(f"DROP VIEW {quoted(view)}"))


def digest_view_problems(connection: Connection) -> list[str]:
    """One sentence per digest view that is missing or no longer what was made (a role that cannot read the
    data relies on them to verify it)."""
    import json

    from dhr_tracker.storage.row_state import DIGEST_VIEW_PREFIX

    recorded = connection.execute(
        text("SELECT value FROM app_meta WHERE key = :key"), {"key": DIGEST_VIEWS_KEY}
    ).scalar()
    if recorded is None:
        return [
            "the views through which roles that may not read the data verify it were never made "
            "(open the team database once for changes as its owner)"
        ]
    found: dict[str, str] = dict(
        connection.execute(
            text("SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' AND viewname LIKE :prefix"),
            {"prefix": DIGEST_VIEW_PREFIX.replace("_", "\\_") + "%"},
        ).all()
    )
    problems = []
    for view, definition in sorted(json.loads(recorded).items()):
        if view not in found:
            problems.append(f"the view {view} through which the data is verified was dropped")
        elif " ".join(found[view].split()) != " ".join(definition.split()):
            problems.append(f"the view {view} through which the data is verified was redefined")
    return problems


def digest_view_for(connection: Connection, table: str) -> str | None:
    """The digest view to read `table`'s row digests from, when the signed-in role may not read all of its
    columns; None when it may (then the digests are computed from the table itself)."""
    from dhr_tracker.storage.row_state import digest_view_name

    readable = connection.execute(
        text("SELECT has_table_privilege(CAST(:table AS regclass), 'SELECT')"), {"table": table}
    ).scalar()
    return None if readable else digest_view_name(table)


def realign_id_sequences(session: Session) -> None:
    """After rows were inserted with their own ids (an archive import), move each id sequence past them."""
    from dhr_tracker.model import Base

    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].name != "id":
            continue  # tables keyed by a date, a text key or a pair of ids have no sequence
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def open_team_database(
    target: str, *, password: str | None = None, upgrade: bool = True, read_only: bool = False
) -> TeamDatabase:
    """Connect to a team database; run pending migrations first (one client at a time) when opened for changes."""
    url, notes = server_url(target)
    shown = _display(url)
    engine = _engine(url, password=password, read_only=read_only)
    try:
        _check_connects(engine, shown)
        with engine.connect() as connection:
            revision = _verify(connection, shown)
        if revision not in migrate.known_revisions():
            raise NewerSchema(shown, revision or "unknown")  # type: ignore[arg-type]
        if revision != migrate.head_revision():
            if read_only or not upgrade:
                raise StorageError(
                    f"{shown} was written by an older version of DHR Tracker. Ask the database administrator "
                    "to take a pg_dump backup and open it once for changes to bring it up to date."
                )
            try:
                with engine.begin() as connection:
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_UPGRADE_LOCK})
                    if migrate.current_revision(connection) != migrate.head_revision():
                        drop_digest_views(connection)  # they depend on the columns a migration may change
                        migrate.upgrade_to_head(connection)
                        create_digest_views(connection)
            except exc.ProgrammingError as error:
                if "permission denied" not in str(error.orig) and "must be owner" not in str(error.orig):
                    raise
                raise StorageError(
                    f"{shown} needs its schema brought up to date for this version of DHR Tracker, and your role "
                    "may not change the schema. Ask the database administrator to upgrade it (docs/TEAM.md); "
                    "nothing was changed."
                ) from None
    except BaseException:
        engine.dispose()
        raise
    return TeamDatabase(shown, engine, read_only=read_only, notes=notes, target=target)


def create_team_database(
    target: str,
    *,
    password: str | None = None,
    with_reference_data: bool = True,
    fill: Callable[[Session], None] | None = None,
) -> TeamDatabase:
    """Set up DHR Tracker in an existing, empty database on the server (the DBA created it), or write nothing.

    `fill(session)`, if given, loads the content in the same transaction as the schema, so that a
    failure anywhere (e.g. moving a database in) leaves the server database as empty as it was.
    """
    from dhr_tracker.reference_data import seed_reference_data

    url, notes = server_url(target)
    shown = _display(url)
    engine = _engine(url, password=password)
    try:
        _check_connects(engine, shown)
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_UPGRADE_LOCK})
            if inspect(connection).has_table("app_meta"):
                raise StorageError(f"{shown} already holds a DHR Tracker database; it was left as it is.")
            migrate.upgrade_to_head(connection)
            create_digest_views(connection)
            connection.execute(
                text(
                    "INSERT INTO app_meta (key, value) VALUES ('created_with_version', :version), ('created_at', :at)"
                ),
                {"version": __version__, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
            )
            # Seeded and filled outside the audit trail's sessions, in the schema's transaction; then, as for a
            # local file, recorded as the trail's first baseline so that every row is accounted for. A fill that
            # opens the trail itself (an archive import: its `import` entry and baseline) is left to do so.
            with Session(bind=connection) as session:
                if with_reference_data:
                    seed_reference_data(session)
                    session.flush()
                if fill is not None:
                    fill(session)
                    session.flush()
                opened_by_an_import = session.execute(
                    text("SELECT 1 FROM audit_entry WHERE action = 'import' LIMIT 1")
                ).first()
                if not opened_by_an_import:
                    audit.record_baseline(
                        session.connection(),
                        "new team database: the data it was set up with",
                        user=begin_audit_append(session.connection()),
                    )
    except BaseException:
        engine.dispose()
        raise
    return TeamDatabase(shown, engine, notes=notes, target=target)
