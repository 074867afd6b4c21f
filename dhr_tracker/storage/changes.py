"""Which cases each committed write touched: a data version for caches of derived views.

Every session a `Database` makes reports, after each flush, the rows it created, changed or deleted;
when the transaction commits, the database's `ChangeLog` moves to a new version and remembers the
case ids touched (or "everything" for a change every case depends on: a setting, a closure day, an
agency's or area's name). A rolled-back transaction leaves no trace. A cache asks `changed_since(version)`
and reloads only those cases (`lifecycle.today` does this for the caseload overview).

ORM flushes say which rows changed. A statement run through `session.execute` that writes (an archive's
bulk insert, say) cannot say which cases it touched, so it counts as a change to everything.
"""

from __future__ import annotations

import threading
from collections import deque

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

PENDING_KEY = "dhr_changes_pending"  # session.info: what this session's uncommitted flushes touched
CHANGE_LOG_KEY = "dhr_change_log"  # session.info: the database's ChangeLog
EVERYTHING = None  # a change every case's derived view depends on

# Tables whose rows belong to one case and feed its derived view (stage, deadlines, RAG, timeline).
CASE_TABLES = {"dhr_case", "milestone", "qa_round", "publication", "parallel_process", "pause"}
# Tables every case's view depends on: timescales and RAG rules, the working-day calendar, names shown.
SHARED_TABLES = {"setting_value", "closure_day", "agency", "csp_area"}
NOT_A_CHANGE = {"audit_entry", "app_meta"}  # the trail of a change, not a change of data
KEPT_ENTRIES = 1000
# A case row's columns that views beyond the case's own position show (escalations name the case).
SHOWN_ELSEWHERE = ("reference", "pseudonym")


class ChangeLog:
    """A data version counter and, for the recent versions, the case ids each one touched."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0
        # Caches of views derived from this database (lifecycle.today's caseload overview), by name: they
        # live as long as the database is open and are dropped when it closes (the app's lock closes it).
        self.views: dict[str, object] = {}
        self._entries: deque[tuple[int, frozenset[int] | None, bool]] = deque(maxlen=KEPT_ENTRIES)

    def record(self, case_ids: set[int] | None, *, beyond_case_facts: bool = True) -> None:
        """A commit: the cases whose facts it touched (None: every case), and whether it touched other rows."""
        with self._lock:
            self.version += 1
            self._entries.append(
                (
                    self.version,
                    EVERYTHING if case_ids is None else frozenset(case_ids),
                    beyond_case_facts or case_ids is None,
                )
            )

    def beyond_case_facts_since(self, version: int) -> bool:
        """Whether a commit after `version` touched anything but a case's dated facts (recommendations,
        updates, escalation, meetings, settings, a case's own row): views built on those must be rebuilt."""
        with self._lock:
            if version == self.version:
                return False
            if not self._entries or self._entries[0][0] > version + 1:
                return True
            return any(other for entry_version, _ids, other in self._entries if entry_version > version)

    def view(self, name: str, build):  # noqa: ANN001, ANN201 - a factory, and whatever it builds
        """The cached view called `name`, built by `build()` the first time it is asked for."""
        with self._lock:
            if name not in self.views:
                self.views[name] = build()
            return self.views[name]

    def close(self) -> None:
        """The database is closing: drop every cached view and forget the history."""
        with self._lock:
            self.views.clear()
            self._entries.clear()
            self.version += 1

    def changed_since(self, version: int) -> set[int] | None:
        """The case ids touched by the commits after `version`; None if every case may have changed."""
        with self._lock:
            if version == self.version:
                return set()
            if not self._entries or self._entries[0][0] > version + 1:
                return EVERYTHING  # older than what is remembered
            touched: set[int] = set()
            for entry_version, ids, _other in self._entries:
                if entry_version > version:
                    if ids is None:
                        return EVERYTHING
                    touched |= ids
            return touched


def _case_id(obj: object) -> int | None | bool:
    """The case a flushed row belongs to; None for a shared row; False for a row no case view reads."""
    table = getattr(obj, "__tablename__", "")
    if table == "dhr_case":
        return obj.id  # type: ignore[attr-defined]
    if table in CASE_TABLES:
        return obj.case_id  # type: ignore[attr-defined]
    if table in SHARED_TABLES:
        return None
    return False


def _after_flush(session: Session, _context) -> None:  # noqa: ANN001
    pending = _pending(session)
    dirty = set(map(id, session.dirty))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", "") in NOT_A_CHANGE:
            continue
        pending["any"] = True
        case_id = _case_id(obj)
        if case_id is False:
            pending["other"] = True
        elif case_id is None:
            pending["everything"] = pending["other"] = True
        else:
            pending["ids"].add(case_id)
            if getattr(obj, "__tablename__", "") == "dhr_case" and (
                id(obj) not in dirty or any(get_history(obj, name).has_changes() for name in SHOWN_ELSEWHERE)
            ):
                pending["other"] = True  # a new or deleted case, or a new reference or pseudonym


def _pending(session: Session) -> dict:
    pending = session.info.get(PENDING_KEY)
    if pending is None:
        pending = session.info[PENDING_KEY] = {"ids": set(), "everything": False, "any": False, "other": False}
    return pending


def _on_statement(state) -> None:  # noqa: ANN001 - an ORMExecuteState
    if state.is_insert or state.is_update or state.is_delete:
        pending = _pending(state.session)
        pending["any"] = pending["everything"] = pending["other"] = True


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    log = session.info.get(CHANGE_LOG_KEY)
    if pending and pending["any"] and log is not None:
        log.record(None if pending["everything"] else pending["ids"], beyond_case_facts=pending["other"])


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def has_uncommitted_changes(session: Session) -> bool:
    """Whether this session has flushed (or holds) changes not yet committed: caches must not serve it."""
    pending = session.info.get(PENDING_KEY)
    return bool(pending and pending["any"]) or bool(session.new or session.dirty or session.deleted)


def install(sessions: sessionmaker, log: ChangeLog) -> None:
    """Make every session of `sessions` report its committed changes to `log`."""
    sessions.configure(info={CHANGE_LOG_KEY: log})
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_statement)
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_rollback", _after_rollback)


def change_log_of(session: Session) -> ChangeLog | None:
    return session.info.get(CHANGE_LOG_KEY)
