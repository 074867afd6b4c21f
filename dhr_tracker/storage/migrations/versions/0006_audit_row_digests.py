"""Audit entries carry the digest of the record's state; imported trails are kept as closed segments.

Records a baseline of every existing record, after checking that the existing trail holds (every link
and hash, and the recorded head): a database whose trail is already broken is not upgraded, so the
baseline can never bless a tampered state. The row-digest and entry-hash rules are copied here (a
migration is frozen); they are documented in docs/SECURITY.md.

Revision ID: 0006_audit_row_digests
Revises: 0005_row_versions
"""

import datetime as dt
import hashlib
import json
import os

from alembic import op
import sqlalchemy as sa


revision = '0006_audit_row_digests'
down_revision = '0005_row_versions'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
NOT_AUDITED = {"audit_entry", "audit_imported_entry", "app_meta", "alembic_version", "recommendation_supporting_agency"}
# The one link table at this schema: its rows are part of their recommendation's state.
LINKS = {"recommendation": ("recommendation_supporting_agency", ("recommendation_id",), ("agency_id",))}


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _entry_hash(previous, entry_id, at, os_user, action, entity, entity_id, case_id, changes_json, row_digest=None):
    stamp = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [entry_id, stamp, os_user, action, entity, entity_id, case_id, changes_json]
    if row_digest is not None:
        fields.append(row_digest)
    content = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + "\n" + content).encode("utf-8")).hexdigest()


def _stored_time(value):
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed


def _verified_head(connection):
    previous, last_id = GENESIS, 0
    for row in connection.exec_driver_sql(
        "SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash "
        "FROM audit_entry ORDER BY id"
    ):
        expected = _entry_hash(previous, row[0], _stored_time(row[1]), *row[2:8])
        if row[0] != last_id + 1 or row[8] != previous or row[9] != expected:
            raise _broken(f"entry {row[0]} does not fit the chain")
        previous, last_id = row[9], row[0]
    head = connection.exec_driver_sql("SELECT value FROM app_meta WHERE key = 'audit_chain_head'").scalar()
    if head is not None and head != f"{last_id} {previous}":
        raise _broken(f"the trail ends at entry {last_id} but the recorded end is entry {head.partition(' ')[0]}")
    return last_id, previous


def _broken(what):
    from dhr_tracker.storage.errors import StorageError

    return StorageError(
        f"This database's audit trail does not verify ({what}), so it was not upgraded: the upgrade records the "
        "present data as the trail's baseline and must not do so over a tampered trail. Nothing was changed. "
        "Restore the newest backup whose trail verifies, or keep this file for investigation."
    )


def _postgres_value(column, kind):
    """A column's text in SQLite's json_array form, built by PostgreSQL (as storage.row_state, copied)."""
    if isinstance(kind, sa.Boolean):
        text = f"CASE WHEN {column} THEN '1' ELSE '0' END"
    elif isinstance(kind, sa.Integer):
        text = f"{column}::text"
    elif isinstance(kind, sa.DateTime):
        text = f"'\"' || to_char({column}, 'YYYY-MM-DD HH24:MI:SS.US') || '\"'"
    elif isinstance(kind, sa.Date):
        text = f"'\"' || to_char({column}, 'YYYY-MM-DD') || '\"'"
    elif isinstance(kind, sa.String):
        text = f"to_json({column}::text)::text"
    else:
        raise TypeError(f"no canonical form for {column} of type {kind!r}")
    return f"COALESCE({text}, 'null')"


def _table_digests(connection, table):
    inspector = sa.inspect(connection)
    columns = sorted(inspector.get_columns(table), key=lambda column: column["name"])
    keys = inspector.get_pk_constraint(table)["constrained_columns"]
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        parts = [f"t.{_quoted(column['name'])}" for column in columns]
    else:
        parts = [_postgres_value(f"t.{_quoted(column['name'])}", column["type"]) for column in columns]
    if table in LINKS:
        link, owners, others = LINKS[table]
        row_text = " || ',' || ".join(f"CAST(l.{_quoted(name)} AS TEXT)" for name in others)
        joined = " AND ".join(f"l.{_quoted(owner)} = t.{_quoted(key)}" for owner, key in zip(owners, keys))
        if sqlite:
            parts.append(f"(SELECT group_concat({row_text}, ';' ORDER BY {row_text}) FROM {_quoted(link)} AS l WHERE {joined})")
        else:
            parts.append(f"COALESCE(to_json((SELECT string_agg({row_text}, ';' ORDER BY {row_text} COLLATE \"C\") "
                         f"FROM {_quoted(link)} AS l WHERE {joined}))::text, 'null')")
    state = f"json_array({', '.join(parts)})" if sqlite else "'[' || " + " || ',' || ".join(parts) + " || ']'"
    sql = f"SELECT {', '.join('t.' + _quoted(key) for key in keys)}, {state} FROM {_quoted(table)} AS t"
    return {
        ",".join(str(part) for part in row[:len(keys)]): hashlib.sha256(row[len(keys)].encode("utf-8")).hexdigest()
        for row in connection.exec_driver_sql(sql)
    }


def _os_user():
    """From the operating system, never the environment (as security.os_user, copied: migrations are frozen)."""
    try:
        if os.name == "nt":
            import ctypes
            from ctypes import wintypes

            size = wintypes.DWORD(257)
            buffer = ctypes.create_unicode_buffer(size.value)
            if not ctypes.windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
                return "unknown"
            return buffer.value
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (OSError, KeyError, AttributeError, ImportError):
        return "unknown"


def upgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_digest', sa.String(length=64), nullable=True))
    op.create_table('audit_imported_entry',
    sa.Column('archive_sha256', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('changes_json', sa.String(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('row_digest', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('archive_sha256', 'id', name=op.f('pk_audit_imported_entry'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        # The function migration 0001 made for audit_entry's guards refuses any change to any entry.
        for action, each in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
            op.execute(
                f"CREATE TRIGGER audit_imported_entry_no_{action.lower()} BEFORE {action} ON audit_imported_entry "
                f"FOR EACH {each} EXECUTE FUNCTION audit_entry_refuse_change()"
            )
    else:
        for action, verb in (("UPDATE", "changed"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER audit_imported_entry_no_{action.lower()} BEFORE {action} ON audit_imported_entry "
                f"BEGIN SELECT RAISE(ABORT, 'audit entries cannot be {verb}'); END"
            )

    connection = op.get_bind()
    last_id, previous = _verified_head(connection)
    at = dt.datetime.now(dt.timezone.utc)
    user = _os_user()
    rows = []
    for table in sorted(sa.inspect(connection).get_table_names()):
        if table in NOT_AUDITED:
            continue
        digests = _table_digests(connection, table)
        if not digests:
            continue
        last_id += 1
        changes = json.dumps({"reason": "schema upgrade 0006: the state of the data when row digests began",
                              "rows": digests}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = _entry_hash(previous, last_id, at, user, "baseline", table, "*", None, changes)
        rows.append({"id": last_id, "at": at.replace(tzinfo=None).isoformat(sep=" "), "os_user": user, "entity": table,
                     "changes_json": changes, "previous_hash": previous, "entry_hash": digest})
        previous = digest
    for row in rows:
        connection.execute(sa.text(
            "INSERT INTO audit_entry (id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, "
            "entry_hash) VALUES (:id, :at, :os_user, 'baseline', :entity, '*', NULL, :changes_json, :previous_hash, :entry_hash)"
        ), row)
    if rows:
        connection.execute(sa.text(
            "INSERT INTO app_meta (key, value) VALUES ('audit_chain_head', :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ), {"value": f"{last_id} {previous}"})


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for action in ("truncate", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_imported_entry_no_{action} ON audit_imported_entry")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_imported_entry_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_imported_entry_no_update")
    op.drop_table('audit_imported_entry')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('row_digest')
