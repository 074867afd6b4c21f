"""The audit trail: every create, change and delete of a record, chained by SHA-256 hashes, tied to the data.

It is recorded by the database's sessions themselves (`install(sessionmaker)`, done by
`storage.database.Database`), so no service has to remember it: after each flush, one entry per
created, changed or deleted record goes into `audit_entry` on the same connection, in the same
transaction, so an entry exists exactly when its change does. Rows the database deletes or blanks
itself (ON DELETE) are noted before the flush and recorded with it.

Each entry stores the digest of the record's stored state after the change (`row_digest`, None for a
delete), the hash of the entry before it, and a hash of that previous hash plus its own canonical
content. The table refuses UPDATE and DELETE (triggers, `audit_guard`), and `app_meta.audit_chain_head`
remembers the last entry. `verify_chain` checks the links, the head, imported segments, the triggers
and every record against its latest entry; a `Checkpoint` (COUNT:HASH) held outside the file proves
the trail still holds that prefix. docs/SECURITY.md says what this does and does not prove.

What the text exposes: the trail lives inside the encrypted database, but it can never be corrected
or erased. Real names are therefore recorded as changed without their values (a name entered by mistake
must be removable), and the trail is shown case by case, by reference and pseudonym.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection, Table, event, insert, inspect, select, text
from sqlalchemy.orm import Session, object_session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from dhr_tracker.errors import ValidationError
from dhr_tracker.model import AuditEntry, Case
from dhr_tracker.model.base import utc_now
from dhr_tracker.privacy.audit_names import AuditRedactor
from dhr_tracker.security import row_digest
from dhr_tracker.security.audit_guard import check_guard_triggers
from dhr_tracker.storage import row_state
from dhr_tracker.storage.writer_lock import current_user
from dhr_tracker.vocabulary import AuditAction

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_chain_head"
WITHHELD = "(withheld)"
# (table, column) whose values never enter the trail: only the fact that they changed.
WITHHELD_FIELDS = {("dhr_case", "victim_real_name"), ("dhr_case", "perpetrator_real_name")}
NOT_AUDITED = row_digest.NOT_AUDITED
_INSTALLED_FLAG = "_dhr_audit_installed"
_DEPENDENTS_KEY = "_dhr_audit_database_dependents"
_DELETED_KEY = "_dhr_audit_deleted_by_the_flush"
# Session.info key: `fn(connection) -> user name`, called before each append (storage.postgres sets it).
APPEND_HOOK = "dhr_audit_begin_append"


# --- Recording -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-ready form of a column value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"({len(value)} bytes)"
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _shown(table: str, column: str, value: Any) -> Any:
    if (table, column) in WITHHELD_FIELDS and value not in (None, ""):
        return WITHHELD
    return _plain(value)


def _identity(obj: Any) -> str:
    identity = inspect(obj).identity
    if identity is None:
        mapper = inspect(obj).mapper
        identity = tuple(getattr(obj, column.key) for column in mapper.primary_key)
    return ",".join(str(_plain(part)) for part in identity)


def _case_id(session: Session, obj: Any, depth: int = 0) -> int | None:
    """The case an object belongs to: itself, its case_id, or a parent's (up to three steps up)."""
    if isinstance(obj, Case):
        return obj.id
    direct = obj.__dict__.get("case_id")
    if direct is not None or depth >= 3:
        return direct
    for relationship in inspect(obj).mapper.relationships:
        if relationship.direction.name != "MANYTOONE" or relationship.secondary is not None:
            continue
        parent = obj.__dict__.get(relationship.key)
        if parent is None:
            keys = [obj.__dict__.get(column.key) for column in relationship.local_columns]
            if len(keys) != 1 or keys[0] is None:
                continue
            parent = session.get(relationship.mapper.class_, keys[0])
        if parent is not None:
            found = _case_id(session, parent, depth + 1)
            if found is not None:
                return found
    return None


def _column_values(obj: Any, table: str) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attribute.key: _shown(table, attribute.columns[0].name, obj.__dict__.get(attribute.key))
        for attribute in mapper.column_attrs
    }


def _changes(obj: Any, table: str) -> dict[str, Any]:
    """{attribute: [old, new]} for every changed column, and {relationship: {added, removed}} for links."""
    mapper = inspect(obj).mapper
    changes: dict[str, Any] = {}
    for attribute in mapper.column_attrs:
        history = get_history(obj, attribute.key)
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        column = attribute.columns[0].name
        if (table, column) in WITHHELD_FIELDS:
            changes[attribute.key] = [WITHHELD if old else None, WITHHELD if new else None]
        else:
            changes[attribute.key] = [_plain(old), _plain(new)]
    for relationship in mapper.relationships:
        if relationship.secondary is None:
            continue  # one-to-many and many-to-one changes show as the child's own column changes
        history = get_history(obj, relationship.key)
        if history.added or history.deleted:
            changes[relationship.key] = {
                "added": sorted(_identity(item) for item in history.added),
                "removed": sorted(_identity(item) for item in history.deleted),
            }
    return changes


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    previous_hash: str,
    entry_id: int,
    at: dt.datetime,
    os_user: str,
    action: str,
    entity: str,
    entity_id: str,
    case_id: int | None,
    changes_json: str,
    state_digest: str | None = None,
) -> str:
    """SHA-256 of the previous entry's hash and this entry's canonical content.

    The record's state digest joins the content only when there is one, so entries written before it
    existed keep their hashes.
    """
    return _content_hash(
        previous_hash, (entry_id, _stamp(at), os_user, action, entity, entity_id, case_id, changes_json), state_digest
    )


def _content_hash(previous_hash: str, fields: tuple, state_digest: str | None) -> str:
    """entry_hash, with the entry's time already in its hashed form (the stamp)."""
    entry_id, stamp, os_user, action, entity, entity_id, case_id, changes_json = fields
    texts = (stamp, os_user, action, entity, entity_id, changes_json)
    if (
        type(entry_id) is int
        and (case_id is None or type(case_id) is int)
        and all(type(text) is str for text in texts)
        and (state_digest is None or type(state_digest) is str)
    ):
        # What json.dumps writes for these fields, put together directly: this runs once per entry of the trail.
        content = (
            f"[{entry_id},{_QUOTED(stamp)},{_QUOTED(os_user)},{_QUOTED(action)},{_QUOTED(entity)},"
            f"{_QUOTED(entity_id)},{'null' if case_id is None else case_id},{_QUOTED(changes_json)}"
            + ("]" if state_digest is None else f",{_QUOTED(state_digest)}]")
        )
    else:  # a field of another type (an archive's trail can hold anything): json.dumps itself
        listed = [*fields, state_digest] if state_digest is not None else list(fields)
        content = json.dumps(listed, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + content).encode("utf-8")).hexdigest()


# A JSON string as json.dumps(..., ensure_ascii=False) writes it (the same C function).
_QUOTED = json.encoder.encode_basestring
# How SQLite hands back a stored entry time (SQLAlchemy's text for a naive UTC datetime).
_STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}")


def _stored_stamp(value: Any) -> str:
    """The hashed form of an entry's time as the database returned it. SQLite's text maps to it by moving two
    characters, which spares parsing and formatting a datetime for every entry of the trail; anything else
    (PostgreSQL's datetime, another text form) is parsed."""
    if isinstance(value, str) and _STORED_TIME.fullmatch(value):
        return value[:10] + "T" + value[11:] + "Z"
    return _stamp(_parse_stored_time(value))


def _pending_entries(session: Session) -> list[tuple[AuditAction, Any, dict[str, Any]]]:
    # session.deleted misses what the flush itself decides to delete (orphans): the before_delete event saw all.
    deleted = list(dict.fromkeys([*session.deleted, *session.info.pop(_DELETED_KEY, [])]))
    gone = set(map(id, deleted))
    entries: list[tuple[AuditAction, Any, dict[str, Any]]] = []
    for obj in session.new:
        table = inspect(obj).mapper.local_table.name
        if table not in NOT_AUDITED:
            entries.append((AuditAction.CREATE, obj, _column_values(obj, table)))
    for obj in session.dirty:
        table = inspect(obj).mapper.local_table.name
        if table in NOT_AUDITED or id(obj) in gone:
            continue
        changes = _changes(obj, table)
        if changes:
            entries.append((AuditAction.UPDATE, obj, changes))
    for obj in deleted:
        table = inspect(obj).mapper.local_table.name
        if table not in NOT_AUDITED:
            entries.append((AuditAction.DELETE, obj, _column_values(obj, table)))
    return entries


def _stored_identity(obj: Any) -> tuple:
    state = inspect(obj)
    identity = state.identity or tuple(getattr(obj, column.key) for column in state.mapper.primary_key)
    return tuple(row_digest.stored_key(part) for part in identity)


def _note_database_dependents(mapper: Any, connection: Connection, target: Any) -> None:
    """before_delete (each row, just before its DELETE): rows the database will delete or blank itself (ON DELETE).

    A mapper event rather than before_flush, so that rows the ORM deletes on its own during the flush
    (cascades, orphans) are covered too. Noted in the session; `_record` writes them after the flush.
    """
    session = object_session(target)
    table = mapper.local_table.name
    if session is None or table in NOT_AUDITED:
        return
    session.info.setdefault(_DELETED_KEY, []).append(target)
    key = _stored_identity(target)
    noted = session.info.setdefault(_DEPENDENTS_KEY, [])
    for child, child_key, effect in row_digest.database_dependents(connection, table, key):
        noted.append((child, child_key, effect, f"{table} {row_digest.entity_id(key)}"))


def _record(session: Session, _flush_context: Any) -> None:
    """after_flush: write one chained entry per changed record, on the flush's own connection."""
    with session.no_autoflush:
        pending = _pending_entries(session)
        dependents = session.info.pop(_DEPENDENTS_KEY, [])
        if not pending and not dependents:
            return
        connection = session.connection()
        # (table, entity_id, action, case_id, changes) with the stored key to read the new state back by.
        planned: list[tuple[str, str, AuditAction, int | None, dict[str, Any], tuple]] = []
        redact = AuditRedactor(session)
        for action, obj, changes in pending:
            table = inspect(obj).mapper.local_table.name
            changes = redact(obj, table, changes)  # no real name in the trail (dhr_tracker.privacy.audit_names)
            planned.append((table, _identity(obj), action, _case_id(session, obj), changes, _stored_identity(obj)))
        covered = {(table, name) for table, name, *_ in planned}
        for table, key, effect, cause in dependents:
            name = row_digest.entity_id(key)
            if (table, name) in covered:
                continue
            covered.add((table, name))
            action = AuditAction.DELETE if effect == "delete" else AuditAction.UPDATE
            planned.append(
                (table, name, action, _dependent_case_id(connection, table, key), {"by_database": f"with {cause}"}, key)
            )
        keys_by_table: dict[str, list[tuple]] = {}
        for table, _name, action, _case, _changes, key in planned:
            if action is not AuditAction.DELETE:
                keys_by_table.setdefault(table, []).append(key)
        states = {table: row_digest.digests_for(connection, table, keys) for table, keys in keys_by_table.items()}
        _append(
            connection,
            [
                (
                    action,
                    table,
                    name,
                    case_id,
                    changes,
                    states.get(table, {}).get(name) if action is not AuditAction.DELETE else None,
                )
                for table, name, action, case_id, changes, _key in planned
            ],
            user=_writer(session, connection),
        )


def _writer(session: Session, connection: Connection) -> str:
    """Who is writing. A team database has several writers: its storage layer serialises the append (until
    commit) and names the writer as the server knows them. A local file has one writer, the OS user."""
    begin_append = session.info.get(APPEND_HOOK)
    return begin_append(connection) if begin_append is not None else current_user()


def _dependent_case_id(connection: Connection, table: str, key: tuple) -> int | None:
    columns = row_digest.table_named(table).columns
    if table == Case.__tablename__:
        return key[0]
    if "case_id" not in columns:
        return None
    names = [column.name for column in row_digest.table_named(table).primary_key.columns]
    where = " AND ".join(f'"{name}" = :key{position}' for position, name in enumerate(names))
    return connection.execute(
        text(f'SELECT case_id FROM "{table}" WHERE {where}'),
        {f"key{position}": value for position, value in enumerate(key)},
    ).scalar()


def _append(
    connection: Connection,
    entries: list[tuple[AuditAction, str, str, int | None, dict[str, Any], str | None]],
    *,
    user: str | None = None,
    baseline_rows: dict[str, str] | None = None,
) -> None:
    """Chain these entries on after the last one and move the recorded head: the one place entries are written.

    `baseline_rows`: table -> the per-row digests kept beside that table's baseline entry (never hashed
    themselves: the entry's content holds their digest).

    `user` must be given (by `_writer`) before the last entry is read on a team database: naming the writer
    takes the server's append lock."""
    user = user if user is not None else current_user()
    last = connection.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    next_id, previous = (last.id + 1, last.entry_hash) if last else (1, GENESIS_HASH)
    at = utc_now()
    rows = []
    for action, table, name, case_id, changes, digest_of_row in entries:
        changes_json = json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = entry_hash(
            previous, next_id, at, user, action.value, table, name, case_id, changes_json, digest_of_row
        )
        rows.append(
            dict(
                id=next_id,
                at=at,
                os_user=user,
                action=action,
                entity=table,
                entity_id=name,
                case_id=case_id,
                changes_json=changes_json,
                previous_hash=previous,
                entry_hash=digest,
                row_digest=digest_of_row,
                baseline_rows=(baseline_rows or {}).get(table) if action is AuditAction.BASELINE else None,
            )
        )
        previous, next_id = digest, next_id + 1
    if not rows:
        return
    connection.execute(insert(AuditEntry), rows)
    connection.execute(
        text(
            "INSERT INTO app_meta (key, value) VALUES (:key, :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"key": HEAD_KEY, "value": f"{next_id - 1} {previous}"},
    )


def record_bulk_creation(session: Session, table: str, keys: list[tuple], changes: dict[str, Any]) -> None:
    """Record rows a service inserted with one bulk statement (which the ORM's flush does not see)."""
    session.flush()
    connection = session.connection()
    user = _writer(session, connection)
    digests = row_digest.digests_for(connection, table, keys)
    _append(
        connection,
        [
            (AuditAction.CREATE, table, name, _dependent_case_id(connection, table, key), changes, digests.get(name))
            for key in keys
            for name in [row_digest.entity_id(key)]
        ],
        user=user,
    )


def record_baseline(
    connection: Connection, reason: str, *, opening: dict[str, Any] | None = None, user: str | None = None
) -> None:
    """Record the present state of every audited table as it is, one `baseline` entry per non-empty table.

    For rows that came into the database other than through an audited session: the reference data a
    new database is seeded with, an imported archive, a schema upgrade. `opening`, if given, is the
    content of an `import` entry written first (the archive and its trail's head). `user`: who records
    it, where the OS user is not the writer (a team database names the server's session user).

    Each entry's hashed content holds the row count, the digest over the table's states and the digest of
    its per-row digests, which are kept beside it (docs/SECURITY.md, "Baselines").
    """
    entries: list[tuple[AuditAction, str, str, int | None, dict[str, Any], str | None]] = []
    if opening is not None:
        # Named by the first 16 hex digits of its SHA-256 (entity_id holds 60 characters; the server enforces it);
        # the whole hash is in the entry's content.
        entries.append((AuditAction.IMPORT, "archive", opening.get("archive_sha256", "")[:16], None, opening, None))
    kept: dict[str, str] = {}
    for table in row_digest.audited_tables():
        state = row_digest.table_state(connection, table.name)
        if not state.row_count:
            continue
        content = {
            "reason": reason,
            "row_count": state.row_count,
            "blocks": [block.content() for block in state.blocks],
            "digests_sha256": hashlib.sha256(state.rows_json.encode("utf-8")).hexdigest(),
        }
        entries.append((AuditAction.BASELINE, table.name, "*", None, content, None))
        kept[table.name] = state.rows_json
    _append(connection, entries, user=user, baseline_rows=kept)


def record_chain_head(session: Session) -> None:
    """Record the current last entry as the end of the trail."""
    last = session.execute(select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return
    session.execute(
        text(
            "INSERT INTO app_meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"key": HEAD_KEY, "value": f"{last.id} {last.entry_hash}"},
    )


def _forget_noted_deletions(session: Session) -> None:
    """A flush that failed after some DELETEs must not leave them to be recorded by the next one."""
    session.info.pop(_DELETED_KEY, None)
    session.info.pop(_DEPENDENTS_KEY, None)


def install(sessions: sessionmaker) -> None:
    """Record the audit trail for every session this sessionmaker makes."""
    if getattr(sessions, _INSTALLED_FLAG, False):
        return
    from dhr_tracker.model import Base

    if not event.contains(Base, "before_delete", _note_database_dependents):
        event.listen(Base, "before_delete", _note_database_dependents, propagate=True)
    event.listen(sessions, "after_flush", _record)
    event.listen(sessions, "after_rollback", _forget_noted_deletions)
    setattr(sessions, _INSTALLED_FLAG, True)


# --- Reading and verifying -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditView:
    """One audit entry as a screen shows it."""

    id: int
    at: dt.datetime
    os_user: str
    action: AuditAction
    entity: str
    entity_id: str
    case_id: int | None
    changes: dict[str, Any]

    @property
    def summary(self) -> str:
        """A short line: which fields changed (values are in `changes`)."""
        what = self.entity.replace("_", " ").replace("dhr case", "case")
        if self.action is AuditAction.UPDATE:
            return f"{self.action.label} {what} {self.entity_id}: {', '.join(sorted(self.changes))}"
        return f"{self.action.label} {what} {self.entity_id}"


def _view(entry: AuditEntry) -> AuditView:
    try:
        changes = json.loads(entry.changes_json)
    except ValueError:
        changes = {}
    return AuditView(
        entry.id, entry.at, entry.os_user, entry.action, entry.entity, entry.entity_id, entry.case_id, changes
    )


def entries_for_case(session: Session, case_id: int, *, limit: int | None = None) -> list[AuditView]:
    """The audit trail of one case (the case itself and everything that belongs to it), newest first."""
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_view(entry) for entry in session.scalars(query)]


@dataclass(frozen=True)
class Checkpoint:
    """The head of the trail, to be held outside the database: `COUNT:HASH` (entries, hash of the last)."""

    count: int
    hash: str

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"

    @classmethod
    def parse(cls, text_form: str) -> Checkpoint:
        count, _, digest = text_form.strip().partition(":")
        digest = digest.strip().lower()
        if not count.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValidationError(
                f"'{text_form}' is not an audit checkpoint. Copy it exactly as printed: the number of entries, "
                "a colon, then 64 hexadecimal characters (for example 120:3f1a…).",
                field="checkpoint",
                rule="checkpoint_format",
            )
        return cls(int(count), digest)


def current_checkpoint(session: Session) -> Checkpoint:
    """The trail's head as the entries stand (not verified: `verify_chain` before handing one out matters)."""
    last = session.execute(select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return Checkpoint(last.id, last.entry_hash) if last else Checkpoint(0, GENESIS_HASH)


def checkpoint_line(session: Session) -> str:
    """The one line every briefing, letter and backup carries, so a later rewrite of the trail shows against it."""
    return f"Audit checkpoint {current_checkpoint(session)} (dhr-tracker audit verify --checkpoint ...)"


@dataclass(frozen=True)
class RowProblem:
    """A record whose stored state does not match the latest audit entry for it."""

    table: str
    row: str
    # "changed", "added", "deleted"; for a whole table (row "*"): "baseline altered" (its baseline's kept row digests
    # were changed) or "unnamed" (it differs from its baseline, but no single row does)
    kind: str
    entry_id: int | None  # the latest entry for the row, if any
    fields: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"{self.table} row {self.row}"
        if self.kind == "baseline altered":
            return (
                f"the row digests kept with the {self.table} baseline (entry {self.entry_id}) are not the ones that "
                "entry recorded: they were changed outside DHR Tracker (the table is still checked against the "
                "digests of its blocks of rows in that entry, but a row that differs can no longer be named)"
            )
        if self.kind == "unnamed":
            return (
                f"the {self.table} rows differ from the baseline (entry {self.entry_id}), though no single row can be "
                "named: the table was changed outside DHR Tracker"
            )
        if self.kind == "added":
            return f"{where} was added outside DHR Tracker (no audit entry records it)"
        if self.kind == "deleted":
            return f"{where} was deleted outside DHR Tracker (entry {self.entry_id} records it as present)"
        detail = f" (differs in {', '.join(self.fields)})" if self.fields else ""
        return f"{where} was changed outside DHR Tracker{detail}: it no longer matches entry {self.entry_id}"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # the id of the first entry that does not fit, or None
    problem: str
    end_recorded: bool = True
    row_problems: tuple[RowProblem, ...] = ()
    trigger_problems: tuple[str, ...] = ()
    checkpoint: Checkpoint | None = None  # the head of the trail as verified

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem and not self.row_problems and not self.trigger_problems

    def problems(self) -> list[str]:
        """Every finding as a sentence, the first broken link first."""
        found = [f"entry {self.broken_at}: {self.problem}" if self.broken_at else self.problem] if self.problem else []
        return found + list(self.trigger_problems) + [problem.describe() for problem in self.row_problems]


_CHAIN_SQL = (
    "SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash, "
    "row_digest FROM {table}{where} ORDER BY id"
)


def _trail_rows(connection: Connection) -> Generator[tuple, None, None]:
    """The trail's entries in order, through the driver's own cursor in chunks: SQLAlchemy's handling of each row
    cost more than hashing it."""
    cursor = row_state.streaming_cursor(connection.connection.driver_connection, connection.dialect.name)
    try:
        cursor.execute(_CHAIN_SQL.format(table="audit_entry", where=""))
        while chunk := cursor.fetchmany(5_000):
            yield from chunk
    finally:
        cursor.close()


def walk_segment(
    rows: Any, kept_rows: Callable[[int], str | None] | None = None
) -> tuple[int, int | None, str, str, row_digest.RecordedStates]:
    """Check the links and hashes of a run of entries from the first.

    Returns (entries, first broken entry or None, what is wrong, hash of the last entry, expected
    state: what the latest entry for each row recorded). `kept_rows`: how to read the per-row digests kept
    beside a baseline entry, by its id (row_digest.RecordedStates).
    """
    previous, count, last_id = GENESIS_HASH, 0, 0
    expected = row_digest.RecordedStates(kept_rows)
    baseline, delete = AuditAction.BASELINE.value, AuditAction.DELETE.value
    for row in rows:
        entry_id, at, os_user, action, entity, name, case_id, changes_json, previous_hash, stored_hash, digest = row
        count += 1
        if entry_id != last_id + 1:
            return (
                count,
                entry_id,
                f"entry {last_id + 1} is missing: the entries before entry {entry_id} were removed",
                previous,
                expected,
            )
        if previous_hash != previous:
            return (
                count,
                entry_id,
                f"entry {entry_id} does not follow on from entry {last_id}: an entry was removed or changed",
                previous,
                expected,
            )
        computed = _content_hash(
            previous, (entry_id, _stored_stamp(at), os_user, action, entity, name, case_id, changes_json), digest
        )
        if stored_hash != computed:
            return count, entry_id, f"entry {entry_id} was changed after it was written", previous, expected
        if action == baseline:
            try:
                expected.baseline(entity, entry_id, changes_json)
            except (ValueError, KeyError, TypeError):  # hashes made to fit content DHR Tracker never wrote
                return (
                    count,
                    entry_id,
                    f"entry {entry_id} is a baseline whose content cannot be read",
                    previous,
                    expected,
                )
        elif action == delete:
            expected.record(entity, name, None)
        elif digest is not None:
            expected.record(entity, name, digest)
        previous, last_id = stored_hash, entry_id
    return count, None, "", previous, expected


def verify_chain(session: Session, *, checkpoint: Checkpoint | None = None, check_rows: bool = True) -> ChainReport:
    """Check the whole trail and the data against it; report the first broken link and every row that differs.

    Checks, in order: every entry's link and hash; the recorded head (`app_meta`) against the last entry;
    `checkpoint`, if given, is a prefix of the trail; every closed segment an archive import brought;
    the guard triggers; and (`check_rows`) every current record of every audited table against the
    digest in the latest entry for it.
    """
    connection = session.connection()
    rows = _trail_rows(connection)
    try:
        count, broken_at, problem, head_hash, expected = walk_segment(rows, partial(_kept_baseline_rows, connection))
    finally:
        rows.close()  # a walk that stops at a broken entry leaves the cursor open otherwise
    triggers = tuple(check_guard_triggers(connection))
    if broken_at is not None:
        return ChainReport(count, broken_at, problem, trigger_problems=triggers)
    verified_head = Checkpoint(count, head_hash)
    head = connection.execute(text("SELECT value FROM app_meta WHERE key = :key"), {"key": HEAD_KEY}).scalar()
    if head is None and count:
        problem = (
            f"the record of the trail's end ({HEAD_KEY}) was deleted, so entries after entry {count} may have been "
            "cut; compare with a checkpoint held outside the database"
        )
        return ChainReport(
            count,
            count + 1,
            problem,
            trigger_problems=triggers,
            row_problems=_row_problems(session, expected) if check_rows else (),
        )
    if head is not None:
        head_id, _, recorded_hash = head.partition(" ")
        if not head_id.isdigit() or int(head_id) != count or recorded_hash != head_hash:
            problem = (
                f"the trail ends at entry {count} but entry {head_id} was written: entries were removed from the end"
            )
            return ChainReport(
                count,
                count + 1,
                problem,
                trigger_problems=triggers,
                row_problems=_row_problems(session, expected) if check_rows else (),
            )
    if checkpoint is not None:
        problem = _against_checkpoint(connection, checkpoint, count)
        if problem:
            return ChainReport(count, min(checkpoint.count, count + 1), problem, trigger_problems=triggers)
    problem = _segment_problem(connection)
    if problem:
        return ChainReport(count, None, problem, trigger_problems=triggers)
    return ChainReport(
        count,
        None,
        "",
        trigger_problems=triggers,
        checkpoint=verified_head,
        row_problems=_row_problems(session, expected) if check_rows else (),
    )


def _kept_baseline_rows(connection: Connection, entry_id: int) -> str | None:
    return connection.execute(
        select(AuditEntry.baseline_rows).where(AuditEntry.id == entry_id, AuditEntry.action == AuditAction.BASELINE)
    ).scalar()


def _against_checkpoint(connection: Connection, checkpoint: Checkpoint, count: int) -> str:
    if checkpoint.count > count:
        return (
            f"the checkpoint {checkpoint} names entry {checkpoint.count}, but the trail now ends at entry {count}: "
            "entries were cut from the end"
        )
    if checkpoint.count == 0:
        return "" if checkpoint.hash == GENESIS_HASH else f"the checkpoint {checkpoint} does not match an empty trail"
    stored = connection.execute(select(AuditEntry.entry_hash).where(AuditEntry.id == checkpoint.count)).scalar()
    if stored != checkpoint.hash:
        return (
            f"entry {checkpoint.count} is not the one the checkpoint {checkpoint} recorded: the trail was rewritten "
            f"at or before entry {checkpoint.count}"
        )
    return ""


def _segment_problem(connection: Connection) -> str:
    """Each archive's trail kept on import must still end where the entry that opened the import says."""
    # A segment is named by an import entry of this chain, or of a segment kept with it (a database moved twice
    # keeps the first trail too, named inside the second, whose own links are checked here as well).
    opened = {
        json.loads(changes).get("archive_sha256"): json.loads(changes).get("segment_head")
        for table in ("audit_entry", "audit_imported_entry")
        for (changes,) in connection.execute(
            text(f"SELECT changes_json FROM {table} WHERE action = :action"), {"action": AuditAction.IMPORT.value}
        )
    }
    kept = [name for (name,) in connection.exec_driver_sql("SELECT DISTINCT archive_sha256 FROM audit_imported_entry")]
    for archive in sorted(set(kept) | {name for name, head in opened.items() if head and not head.startswith("0:")}):
        if archive not in opened:
            return f"an imported trail (archive {archive[:12]}…) is not named by any import entry: it was put in outside DHR Tracker"
        rows = connection.execute(
            text(_CHAIN_SQL.format(table="audit_imported_entry", where=" WHERE archive_sha256 = :archive")),
            {"archive": archive},
        )
        count, broken_at, problem, head_hash, _ = walk_segment(rows)
        if broken_at is not None:
            return f"the trail imported with archive {archive[:12]}… is broken: {problem}"
        if f"{count}:{head_hash}" != opened[archive]:
            return (
                f"the trail imported with archive {archive[:12]}… now ends at {count}:{head_hash[:12]}…, not at "
                f"{opened[archive][:20]}… as the import entry recorded: it was changed"
            )
    return ""


_MAX_DETAILED = 20  # rows whose differing fields are worked out (from their history); the rest are named only


def _row_problems(session: Session, expected: row_digest.RecordedStates) -> tuple[RowProblem, ...]:
    connection = session.connection()
    found: list[tuple[str, str, str]] = []
    altered = [
        RowProblem(baseline.table, "*", "baseline altered", baseline.entry_id)
        for baseline in row_digest.altered_baselines(connection, expected)
    ]
    for audited in row_digest.audited_tables():
        table = audited.name
        baseline = expected.latest_baseline(table)
        try:
            if baseline is not None and baseline.compact and not row_digest.digests_only(connection, table):
                # Block by block: a block no later entry names is checked with one hash; the rest row by row.
                differing, unnamed = row_digest.block_differences(connection, table, baseline, expected)
            else:
                unchanged = expected.unchanged_baseline(table)
                if unchanged is not None and row_digest.matches_baseline(connection, table, unchanged, expected):
                    continue  # checked as one list of digests, without a Python object per row
                differing = row_digest.differing_rows(connection, table, expected.rows(table))
                unnamed = unchanged is not None and not differing
        except row_digest.BaselineAltered:
            continue  # named above: the kept digests of every baseline are checked
        if unnamed and baseline is not None and all(problem.entry_id != baseline.entry_id for problem in altered):
            # Rows differ from the baseline's digest of them, yet each matches its kept digest: the table was changed
            # in a way no single row shows (or a digest collided); say so rather than nothing.
            altered.append(RowProblem(table, "*", "unnamed", baseline.entry_id))
        found.extend((table, name, kind) for name, kind in differing)
    found.extend((table, name, "added") for table, name in row_digest.orphan_link_rows(connection))
    problems = []
    for position, (table, name, kind) in enumerate(found):
        entry_id = _latest_entry(connection, table, name) if kind != "added" else None
        detailed = kind == "changed" and position < _MAX_DETAILED and not row_digest.digests_only(connection, table)
        fields = _differing_fields(session, table, name) if detailed else ()
        problems.append(RowProblem(table, name, kind, entry_id, fields))
    return tuple(altered + problems)


def _latest_entry(connection: Connection, table: str, name: str) -> int | None:
    return connection.execute(
        # A baseline names each row as a JSON key: "<row>":"<digest>", in its content before schema 0007 and in
        # the digests kept beside it since (plain text search, the same on both engines).
        text(
            "SELECT max(id) FROM audit_entry WHERE entity = :table AND (entity_id = :name OR "
            "(action = 'baseline' AND (changes_json LIKE :as_key OR baseline_rows LIKE :as_key)))"
        ),
        {"table": table, "name": name, "as_key": f'%"{name}":"%'},
    ).scalar()


def _differing_fields(session: Session, table: str, name: str) -> tuple[str, ...]:
    """The fields whose value differs from the one the trail last recorded, where the trail holds the values."""
    from dhr_tracker.model import Base

    mapper = next(
        (m for m in Base.registry.mappers if isinstance(m.local_table, Table) and m.local_table.name == table), None
    )
    if mapper is None:
        return ()
    recorded: dict[str, Any] | None = None
    for action, changes_json in session.execute(
        select(AuditEntry.action, AuditEntry.changes_json)
        .where(AuditEntry.entity == table, AuditEntry.entity_id == name)
        .order_by(AuditEntry.id)
    ):
        changes = json.loads(changes_json)
        if action is AuditAction.CREATE:
            recorded = dict(changes)
        elif action is AuditAction.UPDATE and recorded is not None:
            recorded.update(
                {key: pair[1] for key, pair in changes.items() if isinstance(pair, list) and len(pair) == 2}
            )
    if recorded is None:
        return ()
    key = tuple(name.split(",")) if len(mapper.primary_key) > 1 else (name,)
    typed = tuple(
        int(part) if column.type.python_type is int else part
        for part, column in zip(key, mapper.primary_key, strict=True)
    )
    with session.no_autoflush:
        obj = session.get(mapper.class_, typed if len(typed) > 1 else typed[0], populate_existing=True)
    if obj is None:
        return ()
    now = _column_values(obj, table)
    withheld = _withheld_forms(session, obj, recorded)
    return tuple(
        sorted(field for field in now if field in recorded and recorded[field] != withheld.get(field, now[field]))
    )


def _withheld_forms(session: Session, obj: Any, recorded: dict[str, Any]) -> dict[str, Any]:
    """The current value of each field the trail holds only as a keyed digest (a real name, or text that held
    one: dhr_tracker.privacy.audit_names), in that same form, so the two can be compared."""
    from dhr_tracker.privacy.audit_names import WITHHELD_PREFIX, audit_key, withheld_name, withheld_text

    fields = [
        field for field, value in recorded.items() if isinstance(value, str) and value.startswith(WITHHELD_PREFIX)
    ]
    if not fields:
        return {}
    key = audit_key(session.connection())
    forms = {}
    for field in fields:
        value = getattr(obj, field, None)  # loads a deferred column (the real names are deferred)
        if value in (None, ""):
            forms[field] = value
        else:
            name_form, text_form = withheld_name(key, value), withheld_text(key, str(value))
            forms[field] = recorded[field] if recorded[field] in (name_form, text_form) else name_form
    return forms


def _parse_stored_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed
