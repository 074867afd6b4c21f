"""The escalation engine: where each update request and each agency stands on the ladder on a given day.

Pure: it takes plain facts (requests, their items and the actions already taken), the ladder, a
working-day calendar and the KCSP meeting dates, and an `as_of` date. No database.

The rules:
- the first level is reached the day the request is sent; a level of N working days is reached N
  working days after the due date (and never before the level below it);
- the 'next KCSP meeting' level is reached on the first KCSP meeting on or after the day the level
  below it was reached;
- an update received stops the clock: levels reached on or after that day do not count;
- the action due now is the highest level reached, unless an action at that level or above has
  already been recorded. Recorded actions are history and never change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from dhr_tracker.escalation_ladder import LadderLevel


class Calendar(Protocol):
    def add_working_days(self, start: dt.date, days: int) -> dt.date: ...
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...


@dataclass(frozen=True)
class ItemFacts:
    """A recommendation an agency was asked about (reference and pseudonym only)."""

    recommendation_id: int
    case_reference: str
    pseudonym: str
    number: str
    text: str
    settled_on: dt.date | None = None


@dataclass(frozen=True)
class ActionFacts:
    """A step already taken on the ladder."""

    level: int
    taken_on: dt.date
    recipient: str = ""
    recipient_role: str = ""
    method: str = ""
    request_id: int = 0


@dataclass(frozen=True)
class RequestFacts:
    request_id: int
    agency_id: int
    agency_name: str
    requested_on: dt.date
    due_on: dt.date
    received_on: dt.date | None = None
    items: tuple[ItemFacts, ...] = ()
    actions: tuple[ActionFacts, ...] = ()
    round_id: int = 0
    meeting_on: dt.date | None = None


@dataclass(frozen=True)
class RequestPosition:
    """Where one request stands on `as_of`."""

    request: RequestFacts
    as_of: dt.date
    answered: bool
    level: LadderLevel | None  # highest level reached (None before the request was sent)
    reached_on: dt.date | None
    action_due: LadderLevel | None
    next_level: LadderLevel | None
    next_on: dt.date | None  # None if the next level has no date yet (no KCSP meeting planned)
    working_days_late: int
    outstanding: tuple[ItemFacts, ...]

    @property
    def overdue(self) -> bool:
        return not self.answered and self.as_of > self.request.due_on


@dataclass(frozen=True)
class AgencyPosition:
    """An agency's position across all its unanswered requests."""

    agency_id: int
    agency_name: str
    as_of: dt.date
    requests: tuple[RequestPosition, ...]

    @property
    def level(self) -> LadderLevel | None:
        levels = [p.level for p in self.requests if p.level is not None]
        return max(levels, key=lambda level: level.level, default=None)

    @property
    def action_due(self) -> LadderLevel | None:
        due = [p.action_due for p in self.requests if p.action_due is not None]
        return max(due, key=lambda level: level.level, default=None)

    @property
    def due_on(self) -> dt.date:
        return min(p.request.due_on for p in self.requests)

    @property
    def working_days_late(self) -> int:
        return max(p.working_days_late for p in self.requests)

    @property
    def outstanding(self) -> tuple[ItemFacts, ...]:
        """Each recommendation still owed, once, across every case and request."""
        seen: dict[int, ItemFacts] = {}
        for position in self.requests:
            for item in position.outstanding:
                seen.setdefault(item.recommendation_id, item)
        return tuple(sorted(seen.values(), key=lambda item: (item.case_reference, _natural(item.number))))

    @property
    def overdue(self) -> tuple[ItemFacts, ...]:
        ids = {item.recommendation_id for p in self.requests if p.overdue for item in p.outstanding}
        return tuple(item for item in self.outstanding if item.recommendation_id in ids)


@lru_cache(maxsize=4096)  # the same few recommendation numbers ("1", "2.3") are sorted thousands of times
def _natural(number: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))


def level_dates(
    ladder: Sequence[LadderLevel],
    requested_on: dt.date,
    due_on: dt.date,
    calendar: Calendar,
    kcsp_meetings: Sequence[dt.date],
) -> list[dt.date | None]:
    """The day each level of the ladder is reached if no update arrives (None: not reachable yet)."""
    dates: list[dt.date | None] = []
    previous: dt.date | None = None
    meetings = sorted(kcsp_meetings)
    for index, level in enumerate(ladder):
        if index == 0:
            day: dt.date | None = requested_on
        elif previous is None:
            day = None
        elif level.working_days is None:  # the level is reached at the next KCSP meeting
            day = next((meeting for meeting in meetings if meeting >= previous), None)
        else:
            day = max(calendar.add_working_days(due_on, level.working_days), previous)
        dates.append(day)
        previous = day
    return dates


def assess_request(
    request: RequestFacts,
    ladder: Sequence[LadderLevel],
    calendar: Calendar,
    kcsp_meetings: Sequence[dt.date],
    as_of: dt.date,
) -> RequestPosition:
    answered = request.received_on is not None and request.received_on <= as_of
    stop = request.received_on if answered else None
    dates = level_dates(ladder, request.requested_on, request.due_on, calendar, kcsp_meetings)
    level = reached_on = next_level = next_on = None
    for step, day in zip(ladder, dates):
        if day is not None and day <= as_of and (stop is None or day < stop):
            level, reached_on = step, day
        elif next_level is None and not answered:
            next_level, next_on = step, day
    action_due = None
    if level is not None and not answered:
        taken = [action.level for action in request.actions if action.taken_on <= as_of]
        if not any(taken_level >= level.level for taken_level in taken):
            action_due = level
    late_until = as_of if stop is None else stop  # stop is the day the update came, once it has
    outstanding = tuple(item for item in request.items if item.settled_on is None or item.settled_on > as_of)
    return RequestPosition(
        request=request,
        as_of=as_of,
        answered=answered,
        level=level,
        reached_on=reached_on,
        action_due=action_due,
        next_level=next_level,
        next_on=next_on,
        working_days_late=calendar.working_days_between(request.due_on, late_until),
        outstanding=() if answered else outstanding,
    )


def assess_agencies(
    requests: Iterable[RequestFacts],
    ladder: Sequence[LadderLevel],
    calendar: Calendar,
    kcsp_meetings: Sequence[dt.date],
    as_of: dt.date,
) -> list[AgencyPosition]:
    """Every agency with a request sent and not answered by `as_of`: highest level first, then by name."""
    by_agency: dict[int, list[RequestPosition]] = {}
    names: dict[int, str] = {}
    for request in requests:
        if request.requested_on > as_of:
            continue
        position = assess_request(request, ladder, calendar, kcsp_meetings, as_of)
        if position.answered:
            continue
        by_agency.setdefault(request.agency_id, []).append(position)
        names[request.agency_id] = request.agency_name
    agencies = [
        AgencyPosition(
            agency_id,
            names[agency_id],
            as_of,
            tuple(sorted(positions, key=lambda p: (p.request.due_on, p.request.request_id))),
        )
        for agency_id, positions in by_agency.items()
    ]
    return sorted(agencies, key=lambda a: (-(a.level.level if a.level else -1), a.agency_name.casefold()))
