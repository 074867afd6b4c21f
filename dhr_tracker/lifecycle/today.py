"""The caseload overview: every case's position (stage, deadlines, RAG) as of a date, computed once.

The Dashboard, the Cases screen, `deadlines`, `case show` and the briefing all read it, so they say the
same thing and none of them recomputes the caseload:

    caseload = caseload_for(session)                 # one per unlocked Database (uncached otherwise)
    caseload.positions(session, as_of)               # every case notified by as_of, by reference
    caseload.positions(session, as_of, open_only=True)   # the cases open that day (closed since: listed)
    caseload.position(session, case_id, as_of)       # one case (None if not notified by as_of)
    caseload.escalations(session, as_of)             # agencies late with updates (escalation.service)
    caseload.meetings(session)                       # every meeting, latest first (meetings.meetings)

It loads the timescales, the working-day calendar, the RAG rules and the open cases' facts once (a closed
case's facts only when a view needs them: a date before its closure, or every case), and keeps the
positions per (as-of date, data version). When a write commits, the database's `ChangeLog`
(`storage.changes`) says which cases it touched, and only those are reloaded and recomputed; a change
to a setting, a closure day or a name reloads everything. A session holding uncommitted changes is
served fresh figures from its own view of the data, never the cache. Escalations and meetings are kept
until a commit touches anything but a case's dated facts. Another process cannot write meanwhile: the
single-writer lock (`storage.writer_lock`) keeps the app the only writer while it is open.

Every position is computed from `CaseFacts.as_of(as_of)`: the facts dated on or before the date.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dhr_tracker.lifecycle.deadlines import Deadline, Timescales, compute_deadlines, timescales_from_settings
from dhr_tracker.lifecycle.facts import CaseFacts, ClosedCase, load_case_facts, load_closed_cases
from dhr_tracker.lifecycle.rag import RagRules, RagStatus, rag_for, rag_rules_from_settings
from dhr_tracker.storage.changes import ChangeLog, change_log_of, has_uncommitted_changes
from dhr_tracker.vocabulary import GuidanceProfile, Stage
from dhr_tracker.workdays import CachedCalendar, WorkingDayCalendar, calendar_for

DATES_KEPT = 4  # today, and a few past dates someone is looking at


@dataclass(frozen=True)
class CaseOverview:
    """One case as of a date: its facts as they stood then (`CaseFacts.as_of`, with that day's stage), its
    deadlines (by due date) and its RAG rating with reasons."""

    facts: CaseFacts
    deadlines: tuple[Deadline, ...]
    rag: RagStatus

    @property
    def reference(self) -> str:
        return self.facts.reference


def position_of(
    facts: CaseFacts,
    as_of: dt.date,
    timescales: dict[GuidanceProfile, Timescales],
    calendar: WorkingDayCalendar,
    rules: RagRules,
) -> CaseOverview:
    """One case as it stood on `as_of`: the facts dated by then, the stage they show, deadlines and RAG."""
    facts = facts.as_of(as_of)
    deadlines = compute_deadlines(facts, as_of, timescales, calendar)
    return CaseOverview(facts, tuple(deadlines), rag_for(facts, deadlines, as_of, rules))


class Caseload:
    """The positions of every case, kept per as-of date and brought up to date commit by commit."""

    def __init__(self, change_log: ChangeLog | None = None):
        self._changes = change_log
        self._lock = threading.Lock()
        self._version: int | None = None  # the data version the loaded facts are at (None: nothing loaded)
        self._facts: dict[int, CaseFacts | ClosedCase] = {}  # by reference; closed cases loaded when needed
        self._timescales: dict[GuidanceProfile, Timescales] = {}
        self._calendar = WorkingDayCalendar()
        self._rules = RagRules()
        self._positions: OrderedDict[dt.date, dict[int, CaseOverview | None]] = OrderedDict()
        self._other: dict[tuple, object] = {}  # views built on more than the case facts (escalations, meetings)
        self._other_version: int | None = None

    # --- reading ---------------------------------------------------------------------------------

    def positions(self, session: Session, as_of: dt.date, *, open_only: bool = False) -> list[CaseOverview]:
        """Every case notified by `as_of` (or those open on that day), ordered by reference."""
        if self._changes is None or has_uncommitted_changes(session):
            return _fresh(session, as_of, open_only)
        with self._lock:
            self._catch_up(session)
            self._load_closed(
                session,
                [
                    case_id
                    for case_id, facts in self._facts.items()
                    if isinstance(facts, ClosedCase) and (not open_only or facts.may_be_open_on(as_of))
                ],
            )
            day = self._day(as_of)
            result = []
            for case_id, facts in self._facts.items():
                if case_id not in day:
                    if isinstance(facts, ClosedCase):
                        continue  # closed on that day and not asked for: its facts stay unloaded
                    if open_only and facts.notified_on <= as_of and facts.as_of(as_of).stage is Stage.CLOSED:
                        continue  # closed that day: its position is worked out only if asked for
                    day[case_id] = self._compute(facts, as_of)
                overview = day[case_id]
                if overview is not None and not (open_only and overview.facts.stage is Stage.CLOSED):
                    result.append(overview)
        return result

    def position(self, session: Session, case_id: int, as_of: dt.date) -> CaseOverview | None:
        """One case as of `as_of`; None if there is no such case or it was not yet notified."""
        if self._changes is None or has_uncommitted_changes(session):
            loaded = load_case_facts(session, case_ids=[case_id])
            settings = _settings(session)
            return position_of(loaded[0], as_of, *settings) if loaded and loaded[0].notified_on <= as_of else None
        with self._lock:
            self._catch_up(session)
            self._load_closed(session, [case_id] if isinstance(self._facts.get(case_id), ClosedCase) else [])
            facts = self._facts.get(case_id)
            if facts is None or isinstance(facts, ClosedCase):  # (a closed case's facts were loaded just above)
                return None
            day = self._day(as_of)
            if case_id not in day:
                day[case_id] = self._compute(facts, as_of)
            return day[case_id]

    def escalations(self, session: Session, as_of: dt.date) -> list:
        """Each agency late with an update on `as_of` (`escalation.service.escalations`), kept until a commit
        touches something other than a case's dated facts (a milestone or a pause leaves it standing)."""
        from dhr_tracker.escalation.service import escalations

        return self._beyond_facts(session, ("escalations", as_of), lambda: escalations(session, as_of))

    def meetings(self, session: Session) -> list:
        """Every meeting, latest first (`meetings.meetings.list_meetings`), kept like `escalations`."""
        from dhr_tracker.meetings.meetings import list_meetings

        return self._beyond_facts(session, ("meetings",), lambda: list_meetings(session))

    # --- keeping up to date ----------------------------------------------------------------------

    def _beyond_facts(self, session: Session, key: tuple, compute):  # noqa: ANN001, ANN202
        if self._changes is None or has_uncommitted_changes(session):
            return compute()
        with self._lock:
            version = self._changes.version
            if self._other_version is None or self._changes.beyond_case_facts_since(self._other_version):
                self._other.clear()
                self._other_version = version
            if key not in self._other:
                if len(self._other) > 2 * DATES_KEPT:
                    self._other.clear()
                self._other[key] = compute()
            return self._other[key]

    def _compute(self, facts: CaseFacts, as_of: dt.date) -> CaseOverview | None:
        if facts.notified_on > as_of:
            return None
        return position_of(facts, as_of, self._timescales, self._calendar, self._rules)

    def _day(self, as_of: dt.date) -> dict[int, CaseOverview | None]:
        day = self._positions.get(as_of)
        if day is None:
            day = self._positions[as_of] = {}
            while len(self._positions) > DATES_KEPT:
                self._positions.popitem(last=False)
        else:
            self._positions.move_to_end(as_of)
        return day

    def _catch_up(self, session: Session) -> None:
        assert self._changes is not None
        version = self._changes.version  # read before loading: a commit meanwhile is caught next time
        touched = None if self._version is None else self._changes.changed_since(self._version)
        if touched is None:
            # The open cases' facts now; a closed case's only when a view needs it (a past date before its
            # closure, or every case): most of a caseload's history is closed reviews no screen shows today.
            self._timescales, self._calendar, self._rules = _settings(session)
            cases: list[CaseFacts | ClosedCase] = [
                *load_case_facts(session, open_only=True),
                *load_closed_cases(session),
            ]
            self._facts = {_stored_id(case): case for case in sorted(cases, key=lambda case: case.reference)}
            self._positions.clear()
        elif touched:
            for case_id in touched:
                self._facts.pop(case_id, None)
                for day in self._positions.values():
                    day.pop(case_id, None)
            self._facts.update((_stored_id(facts), facts) for facts in load_case_facts(session, case_ids=touched))
            self._facts = dict(sorted(self._facts.items(), key=lambda item: item[1].reference))
        self._version = version

    def _load_closed(self, session: Session, case_ids: list[int]) -> None:
        """Load the facts of these closed cases (in their place: the order by reference stays)."""
        if case_ids:
            for facts in load_case_facts(session, case_ids=case_ids):
                self._facts[_stored_id(facts)] = facts


def _stored_id(facts: CaseFacts | ClosedCase) -> int:
    """The case's row id: facts loaded from the database always have one (only hand-built facts lack it)."""
    if facts.case_id is None:
        raise ValueError(f"the facts of {facts.reference} were not loaded from the database")
    return facts.case_id


def _settings(session: Session) -> tuple[dict[GuidanceProfile, Timescales], WorkingDayCalendar, RagRules]:
    # The calendar remembers its answers: many deadlines share their start and due dates.
    return timescales_from_settings(session), CachedCalendar(calendar_for(session)), rag_rules_from_settings(session)


def _fresh(session: Session, as_of: dt.date, open_only: bool) -> list[CaseOverview]:
    settings = _settings(session)
    result = []
    for facts in load_case_facts(session):
        if facts.notified_on <= as_of and not (open_only and facts.as_of(as_of).stage is Stage.CLOSED):
            result.append(position_of(facts, as_of, *settings))
    return result


def caseload_for(session: Session) -> Caseload:
    """The caseload overview of the database `session` belongs to (an uncached one for any other session).

    It is kept with the database's ChangeLog, so it lives while the database is open and goes when it closes.
    """
    log = change_log_of(session)
    if log is None:
        return Caseload(None)
    return log.view("caseload", lambda: Caseload(log))
