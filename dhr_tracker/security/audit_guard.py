"""The triggers that make the audit trail append-only: their one definition, and the check that they are there.

The SQL text is exactly what migration 0001 executed (SQLite keeps a trigger's CREATE statement as
written), so `check_guard_triggers` can tell a missing or redefined trigger from the real one. A
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


def check_guard_triggers(connection: Connection) -> list[str]:
    """One sentence per guard trigger that is missing or not the one DHR Tracker created."""
    found: dict[str, str] = dict(connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
    problems = []
    for name, definition in GUARD_TRIGGERS.items():
        if name not in found:
            problems.append(f"the trigger {name} that keeps the trail append-only was dropped")
        elif " ".join(found[name].split()) != " ".join(definition.split()):
            problems.append(f"the trigger {name} was replaced by a different definition")
    return problems
