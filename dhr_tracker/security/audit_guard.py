"""The triggers that make the audit trail append-only: their one definition, and the check that they are there.

The SQL text is exactly what migrations 0001 and 0006 executed (SQLite keeps a trigger's CREATE statement as
written; PostgreSQL gives it back through pg_get_triggerdef), so `check_guard_triggers` can tell a missing or redefined trigger from the real one. A
migration never imports this module (migrations are frozen); one that changes a trigger must change
the text here too, and the audit tests will say so.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

GUARD_TRIGGERS: dict[str, str] = {
    "audit_entry_no_update": (
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
    ),
    "audit_entry_no_delete": (
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
    ),
    "audit_imported_entry_no_update": (
        "CREATE TRIGGER audit_imported_entry_no_update BEFORE UPDATE ON audit_imported_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
    ),
    "audit_imported_entry_no_delete": (
        "CREATE TRIGGER audit_imported_entry_no_delete BEFORE DELETE ON audit_imported_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
    ),
}


# On a team database (PostgreSQL) the triggers call one function (migration 0001), and TRUNCATE has its own
# trigger; `pg_get_triggerdef` gives each definition back in this form.
_POSTGRES_REFUSAL = "audit_entry_refuse_change"
POSTGRES_GUARD_TRIGGERS: dict[str, str] = {
    f"{table}_no_{action.lower()}": (
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"FOR EACH {'STATEMENT' if action == 'TRUNCATE' else 'ROW'} EXECUTE FUNCTION {_POSTGRES_REFUSAL}()"
    )
    for table in ("audit_entry", "audit_imported_entry")
    for action in ("UPDATE", "DELETE", "TRUNCATE")
}
POSTGRES_REFUSAL_BODY = (
    " BEGIN RAISE EXCEPTION 'audit entries cannot be %', "
    "CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END; END "
)


def _same(found: str, definition: str) -> bool:
    return " ".join(found.split()) == " ".join(definition.split())


def _postgres_definitions(connection: Connection) -> tuple[dict[str, str], list[str]]:
    """Each guard trigger's definition as the server holds it (a disabled one is reported, not returned), and
    the problems with the function they call."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for name, enabled, definition in connection.execute(
        text(
            "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger AS t "
            "JOIN pg_class AS c ON c.oid = t.tgrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = 'public'"
        )
    ):
        if enabled == "D":  # ALTER TABLE ... DISABLE TRIGGER: still there, no longer guarding
            problems.append(f"the trigger {name} that keeps the trail append-only was disabled")
        # pg_get_triggerdef names the schema only when it is not on the search path: compare without it.
        found[name] = definition.replace("ON public.", "ON ").replace("FUNCTION public.", "FUNCTION ")
    body = (
        connection.execute(
            text(
                "SELECT p.prosrc FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND p.proname = :name"
            ),
            {"name": _POSTGRES_REFUSAL},
        )
        .scalars()
        .all()
    )
    if len(body) != 1 or not _same(body[0], POSTGRES_REFUSAL_BODY):
        problems.append(f"the function {_POSTGRES_REFUSAL} the append-only triggers call was replaced or dropped")
    return found, problems


def check_guard_triggers(connection: Connection) -> list[str]:
    """One sentence per guard trigger that is missing or not the one DHR Tracker created."""
    if connection.dialect.name == "postgresql":
        from dhr_tracker.storage.postgres import digest_view_problems

        found, problems = _postgres_definitions(connection)
        problems += digest_view_problems(connection)
        expected = POSTGRES_GUARD_TRIGGERS
    else:
        found = dict(connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
        problems, expected = [], GUARD_TRIGGERS
    for name, definition in expected.items():
        if name not in found:
            problems.append(f"the trigger {name} that keeps the trail append-only was dropped")
        elif not _same(found[name], definition):
            problems.append(f"the trigger {name} was replaced by a different definition")
    return problems
