"""Take real names out of the audit trail written before they were withheld, and re-anchor the chain.

Earlier entries may hold a real name in free text (a note that named the victim, later corrected):
each such value is replaced by "(withheld text that held a real name; keyed digest ...)", as new
entries are now recorded (dhr_tracker.privacy.audit_names). The rewritten entries and every entry
after them get their hashes recomputed (the 0001 chain rule, frozen here), and one entry is appended
that says what was done, the "redaction" entry (action 'redact', entity 'audit_entry'):

    {"reason": ..., "redacted_entries": [ids], "previous_hashes": {id: old entry_hash, ...},
     "previous_chain_end": "<id> <old hash>"}

so the old chain can still be matched against an older backup, and `audit verify` passes on the new
one (the migration checks that before it finishes). Nothing is appended when no entry held a name.

Frozen: no model imports; the guard reads names the way it did when this was written.

Revision ID: 0002_redact_audit_names
Revises: 0001
"""

import datetime as dt
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = '0002_redact_audit_names'
down_revision = '0001'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_chain_head"
REASON = ("Real names removed from earlier entries (issue 12): each value that held one is now a keyed digest; "
          "the entries listed and those after them were re-hashed.")


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(value) -> dt.datetime:
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed


def _hash(previous: str, entry_id, at, os_user, action, entity, entity_id, case_id, changes_json) -> str:
    content = json.dumps([entry_id, _stamp(at), os_user, action, entity, entity_id, case_id, changes_json],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + "\n" + content).encode("utf-8")).hexdigest()


def _dumps(changes) -> str:
    return json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def upgrade() -> None:
    from dhr_tracker.privacy.audit_names import _guard, audit_key, redact_values, stored_names

    connection = op.get_bind()
    names = stored_names(connection)
    rows = connection.execute(sa.text(
        "SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash "
        "FROM audit_entry ORDER BY id")).fetchall()
    if not rows or not names:
        return
    guard = _guard(names)
    key = audit_key(connection)
    rewritten: dict[int, str] = {}
    for row in rows:
        try:
            changes = json.loads(row.changes_json)
        except ValueError:
            continue
        if not isinstance(changes, dict):
            continue
        redacted = redact_values(key, guard, row.entity, changes)
        if redacted != changes:
            rewritten[row.id] = _dumps(redacted)
    if not rewritten:
        return
    old_head = connection.execute(sa.text("SELECT value FROM app_meta WHERE key = :key"), {"key": HEAD_KEY}).scalar()
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    first = min(rewritten)
    previous = GENESIS_HASH
    old_hashes = {}
    for row in rows:
        if row.id < first:
            previous = row.entry_hash
            continue
        changes_json = rewritten.get(row.id, row.changes_json)
        new_hash = _hash(previous, row.id, _parse(row.at), row.os_user, row.action, row.entity, row.entity_id,
                         row.case_id, changes_json)
        if row.id in rewritten:
            old_hashes[str(row.id)] = row.entry_hash
        connection.execute(sa.text(
            "UPDATE audit_entry SET changes_json = :changes, previous_hash = :previous, entry_hash = :hash WHERE id = :id"),
            {"changes": changes_json, "previous": previous, "hash": new_hash, "id": row.id})
        previous = new_hash
    op.execute(
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
    )
    entry_id = rows[-1].id + 1
    at = dt.datetime.now(dt.timezone.utc)
    changes_json = _dumps({
        "reason": REASON, "redacted_entries": sorted(int(i) for i in old_hashes), "previous_hashes": old_hashes,
        "previous_chain_end": old_head or f"{rows[-1].id} {rows[-1].entry_hash}",
    })
    entry_hash = _hash(previous, entry_id, at, "migration 0002", "redact", "audit_entry", "", None, changes_json)
    connection.execute(sa.text(
        "INSERT INTO audit_entry (id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash) "
        "VALUES (:id, :at, :user, 'redact', 'audit_entry', '', NULL, :changes, :previous, :hash)"),
        {"id": entry_id, "at": at.replace(tzinfo=None).isoformat(sep=" "), "user": "migration 0002", "changes": changes_json,
         "previous": previous, "hash": entry_hash})
    connection.execute(sa.text(
        "INSERT INTO app_meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        {"key": HEAD_KEY, "value": f"{entry_id} {entry_hash}"})


def downgrade() -> None:
    pass  # the names are gone on purpose: there is nothing to put back
