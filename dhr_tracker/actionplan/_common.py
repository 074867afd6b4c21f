"""Small validation helpers shared by the action-plan and update-round services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import Agency, Case, Milestone
from dhr_tracker.vocabulary import MilestoneKind


def clean_text(value: Any, field: str, label: str, *, required: bool, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    if not text and required:
        raise ValidationError(f"{label} is required.", field=field, rule="required")
    if limit is not None and len(text) > limit:
        raise ValidationError(f"{label} is {len(text)} characters long; the limit is {limit}.", field=field, rule="too_long")
    return text


def clean_date(value: Any, field: str, label: str, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{label} is required.", field=field, rule="required")
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"{label} must be a date.", field=field, rule="not_a_date")
    return value


def not_in_future(day: dt.date, today: dt.date, field: str, label: str) -> None:
    if day > today:
        raise ValidationError(
            f"{label} {format_date(day)} is in the future (today is {format_date(today)}).", field=field, rule="in_future"
        )


def resolve_agency(session: Session, value: Any, field: str, label: str) -> Agency:
    """An Agency from an Agency, its id or its exact name (any case)."""
    if isinstance(value, Agency):
        return value
    agency = None
    if isinstance(value, int) and not isinstance(value, bool):
        agency = session.get(Agency, value)
    elif isinstance(value, str) and value.strip():
        agency = session.scalar(select(Agency).where(Agency.name.ilike(value.strip())))
    elif value in (None, ""):
        raise ValidationError(f"{label} is required.", field=field, rule="required")
    if agency is None:
        raise ValidationError(
            f"{label}: '{value}' is not an agency on the list. Add it to the agencies first, or choose another.",
            field=field, rule="unknown_agency",
        )
    return agency


def decision_date(session: Session, case: Case) -> dt.date | None:
    """The date of the case's decision to review (its first DECISION milestone), if recorded."""
    return session.scalar(
        select(Milestone.occurred_on)
        .where(Milestone.case_id == case.id, Milestone.kind == MilestoneKind.DECISION)
        .order_by(Milestone.occurred_on)
        .limit(1)
    )
