"""Saves that meet a newer version of a record: refused, with who changed it and when.

Records people edit carry a row version (`model.base.Versioned`): an UPDATE or DELETE names the version
it read, and matches no row if someone else saved first (SQLAlchemy raises StaleDataError; the whole
unit of work is rolled back). Before each flush this notes which versioned records are about to be
written, so that after the rollback `conflict()` can say which record moved on, who moved it and when,
from the audit trail.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from dhr_tracker.dates import format_local_time
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import AuditEntry

_PENDING = "dhr_versioned_writes"
_INSTALLED_FLAG = "_dhr_versions_installed"
RECORD_NAMES = {
    "dhr_case": "case",
    "qa_round": "QA round",
    "parallel_process": "parallel process",
    "agency_contact": "agency contact",
    "update_round": "update round",
    "update_request": "update request",
}


def _note_versioned_writes(session: Session, _flush_context: Any, _instances: Any) -> None:
    noted = session.info.setdefault(_PENDING, [])
    for obj in list(session.dirty) + list(session.deleted):
        state = inspect(obj)
        mapper = state.mapper
        if mapper.version_id_col is None or state.identity is None:
            continue
        noted.append(
            (mapper, state.identity, state.committed_state.get("row_version", obj.__dict__.get("row_version")))
        )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


def install(sessions: sessionmaker) -> None:
    if getattr(sessions, _INSTALLED_FLAG, False):
        return
    event.listen(sessions, "before_flush", _note_versioned_writes)
    event.listen(sessions, "after_commit", _forget)
    setattr(sessions, _INSTALLED_FLAG, True)


def _refusal(session: Session, table: str, entity_id: str, *, removed: bool) -> ValidationError:
    what = RECORD_NAMES.get(table, table.replace("_", " "))
    last = session.execute(
        select(AuditEntry.os_user, AuditEntry.at)
        .where(AuditEntry.entity == table, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    who = f"{last.os_user} at {format_local_time(last.at)}" if last else "someone else"
    if removed:
        return ValidationError(
            f"This {what} was removed by {who} since you opened it; your change was not saved.",
            rule="changed_since_opened",
        )
    return ValidationError(
        f"This {what} was changed by {who} since you opened it; your change was not saved. "
        "Open it again to see their change, then make yours.",
        rule="changed_since_opened",
    )


def refuse_if_changed_since(
    session: Session,
    record: Any,
    opened_version: int | None,
    opened: dict[str, Any] | None = None,
    now: dict[str, Any] | None = None,
) -> None:
    """For a form kept open across units of work: refuse to save `record` if someone saved it after it
    was shown at `opened_version`. With `opened` and `now` (the form's fields as shown, and as stored
    now), only a change to those fields counts, so a change made elsewhere (a stage moved on by a
    milestone) does not stop the save."""
    if opened_version is None or record.row_version == opened_version:
        return
    if opened is not None and now is not None and opened == now:
        return
    state = inspect(record)
    raise _refusal(
        session, state.mapper.local_table.name, ",".join(str(part) for part in state.identity), removed=False
    )


def conflict(database: Any, session: Session) -> ValidationError:
    """The refusal for a save whose record someone else changed (or removed) since it was read."""
    noted = session.info.pop(_PENDING, [])
    with database.session() as fresh:
        for mapper, identity, read_version in noted:
            current = fresh.execute(
                select(mapper.version_id_col).where(
                    *[column == value for column, value in zip(mapper.primary_key, identity)]
                )
            ).scalar()
            if current is not None and current == read_version:
                continue
            entity_id = ",".join(str(part) for part in identity)
            return _refusal(fresh, mapper.local_table.name, entity_id, removed=current is None)
    return ValidationError(
        "A record was changed by someone else since you opened it; your change was not saved. Open it again and retry.",
        rule="changed_since_opened",
    )
