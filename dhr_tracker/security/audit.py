"""The audit trail: every create, change and delete of a record, chained by SHA-256 hashes.

It is recorded by the database's sessions themselves (`install(sessionmaker)`, done by
`storage.database.Database`), so no service has to remember it: after each flush, one entry per
created, changed or deleted object goes into `audit_entry` on the same connection, in the same
transaction, so an entry exists exactly when its change does.

Each entry stores the hash of the entry before it and a hash of that previous hash plus its own
canonical content (`entry_hash`). The table refuses UPDATE and DELETE (triggers, migration 0001), and
`app_meta.audit_chain_head` remembers the last entry, so `verify_chain` finds a row that was altered,
removed from the middle or cut from the end by someone who dropped the triggers.

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
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, insert, select, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from dhr_tracker.model import AppMeta, AuditEntry, Case
from dhr_tracker.model.base import utc_now
from dhr_tracker.security.writer_lock import current_user
from dhr_tracker.vocabulary import AuditAction

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_chain_head"
WITHHELD = "(withheld)"
# (table, column) whose values never enter the trail: only the fact that they changed.
WITHHELD_FIELDS = {("dhr_case", "victim_real_name"), ("dhr_case", "perpetrator_real_name")}
NOT_AUDITED = {AuditEntry.__tablename__, AppMeta.__tablename__, "alembic_version"}
_INSTALLED_FLAG = "_dhr_audit_installed"
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
        return value.astimezone(dt.timezone.utc).isoformat() if value.tzinfo else value.isoformat()
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
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(previous_hash: str, entry_id: int, at: dt.datetime, os_user: str, action: str, entity: str,
               entity_id: str, case_id: int | None, changes_json: str) -> str:
    """SHA-256 of the previous entry's hash and this entry's canonical content."""
    content = json.dumps(
        [entry_id, _stamp(at), os_user, action, entity, entity_id, case_id, changes_json],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((previous_hash + "\n" + content).encode("utf-8")).hexdigest()


def _pending_entries(session: Session) -> list[tuple[AuditAction, Any, dict[str, Any]]]:
    entries: list[tuple[AuditAction, Any, dict[str, Any]]] = []
    for obj in session.new:
        table = inspect(obj).mapper.local_table.name
        if table not in NOT_AUDITED:
            entries.append((AuditAction.CREATE, obj, _column_values(obj, table)))
    for obj in session.dirty:
        table = inspect(obj).mapper.local_table.name
        if table in NOT_AUDITED or obj in session.deleted:
            continue
        changes = _changes(obj, table)
        if changes:
            entries.append((AuditAction.UPDATE, obj, changes))
    for obj in session.deleted:
        table = inspect(obj).mapper.local_table.name
        if table not in NOT_AUDITED:
            entries.append((AuditAction.DELETE, obj, _column_values(obj, table)))
    return entries


def _record(session: Session, _flush_context: Any) -> None:
    """after_flush: write one chained entry per changed object, on the flush's own connection."""
    with session.no_autoflush:
        pending = _pending_entries(session)
        if not pending:
            return
        connection = session.connection()
        # A team database has several writers: its storage layer serialises the append (until commit)
        # and names the writer as the server knows them. A local file has one writer, the OS user.
        begin_append = session.info.get(APPEND_HOOK)
        user = begin_append(connection) if begin_append is not None else current_user()
        last = connection.execute(
            select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).first()
        next_id, previous = (last.id + 1, last.entry_hash) if last else (1, GENESIS_HASH)
        at = utc_now()
        rows = []
        for action, obj, changes in pending:
            table = inspect(obj).mapper.local_table.name
            entity_id = _identity(obj)
            case_id = _case_id(session, obj)
            changes_json = json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = entry_hash(previous, next_id, at, user, action.value, table, entity_id, case_id, changes_json)
            rows.append(dict(
                id=next_id, at=at, os_user=user, action=action, entity=table, entity_id=entity_id,
                case_id=case_id, changes_json=changes_json, previous_hash=previous, entry_hash=digest,
            ))
            previous, next_id = digest, next_id + 1
        connection.execute(insert(AuditEntry), rows)
        connection.execute(
            text("INSERT INTO app_meta (key, value) VALUES (:key, :value) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
            {"key": HEAD_KEY, "value": f"{next_id - 1} {previous}"},
        )


def record_chain_head(session: Session) -> None:
    """Record the current last entry as the end of the trail (after entries were loaded in bulk, e.g. an import)."""
    last = session.execute(select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return
    session.execute(
        text("INSERT INTO app_meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        {"key": HEAD_KEY, "value": f"{last.id} {last.entry_hash}"},
    )


def install(sessions: sessionmaker) -> None:
    """Record the audit trail for every session this sessionmaker makes."""
    if getattr(sessions, _INSTALLED_FLAG, False):
        return
    event.listen(sessions, "after_flush", _record)
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
    return AuditView(entry.id, entry.at, entry.os_user, entry.action, entry.entity, entry.entity_id, entry.case_id, changes)


def entries_for_case(session: Session, case_id: int, *, limit: int | None = None) -> list[AuditView]:
    """The audit trail of one case (the case itself and everything that belongs to it), newest first."""
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_view(entry) for entry in session.scalars(query)]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # the id of the first entry that does not fit, or None
    problem: str
    end_recorded: bool = True  # False: no record of the last entry yet (see verify_chain)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole trail; report the first entry whose hash or link does not fit."""
    previous = GENESIS_HASH
    count = 0
    last_id = 0
    rows = session.execute(
        text("SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash "
             "FROM audit_entry ORDER BY id")
    )
    for row in rows:
        count += 1
        at = _parse_stored_time(row.at)
        if row.id != last_id + 1:
            return ChainReport(count, row.id, f"entry {last_id + 1} is missing: the entries before entry {row.id} were removed")
        if row.previous_hash != previous:
            return ChainReport(count, row.id, f"entry {row.id} does not follow on from entry {last_id}: an entry was removed or changed")
        expected = entry_hash(previous, row.id, at, row.os_user, row.action, row.entity, row.entity_id, row.case_id, row.changes_json)
        if row.entry_hash != expected:
            return ChainReport(count, row.id, f"entry {row.id} was changed after it was written")
        previous, last_id = row.entry_hash, row.id
    head = session.execute(text("SELECT value FROM app_meta WHERE key = :key"), {"key": HEAD_KEY}).scalar()
    if head is not None:
        head_id, _, head_hash = head.partition(" ")
        if int(head_id) != last_id or head_hash != previous:
            return ChainReport(count, last_id + 1, f"the trail ends at entry {last_id} but entry {head_id} was written: entries were removed from the end")
        return ChainReport(count, None, "")
    # No record of the last entry: a database whose trail came in with an archive import and has had no
    # change since. The links are intact; entries cut from the end would not show until the next change.
    return ChainReport(count, None, "", end_recorded=False)


def _parse_stored_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed
