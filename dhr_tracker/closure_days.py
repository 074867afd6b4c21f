"""Closure days: the days the council is closed besides bank holidays (listed, added, removed, validated)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model.config import ClosureDay

DESCRIPTION_LIMIT = 200
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class ClosureDayRow:
    day: dt.date
    description: str


def list_closure_days(session: Session) -> list[ClosureDayRow]:
    rows = session.scalars(select(ClosureDay).order_by(ClosureDay.day)).all()
    return [ClosureDayRow(row.day, row.description or "") for row in rows]


def add_closure_day(session: Session, day: dt.date | None, description: str = "") -> ClosureDayRow:
    """Add one closure day; refuse a missing, out-of-range, weekend or duplicate day."""
    if day is None:
        raise ValidationError("Choose the date the council is closed.", field="day", rule="required")
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise ValidationError("The closure day must be a date.", field="day", rule="not_a_date")
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            f"{format_date(day)} is outside the years {EARLIEST.year} to {LATEST.year}. Check the date.",
            field="day",
            rule="out_of_range",
        )
    if day.weekday() >= 5:
        raise ValidationError(
            f"{format_date(day)} is a {day.strftime('%A')}, which is never a working day anyway. "
            "Closure days are weekdays.",
            field="day",
            rule="weekend",
        )
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError(
            f"The description is {len(description)} characters long; the limit is {DESCRIPTION_LIMIT}.",
            field="description",
            rule="too_long",
        )
    if session.get(ClosureDay, day) is not None:
        raise ValidationError(f"{format_date(day)} is already a closure day.", field="day", rule="duplicate")
    session.add(ClosureDay(day=day, description=description))
    session.flush()
    return ClosureDayRow(day, description)


def remove_closure_day(session: Session, day: dt.date) -> None:
    row = session.get(ClosureDay, day)
    if row is None:
        raise NotFound(f"{format_date(day)} is not a closure day.")
    session.delete(row)
    session.flush()
