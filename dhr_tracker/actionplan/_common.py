"""Look-ups shared by the action-plan and update-round services (agency by name, the decision date)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.errors import ValidationError
from dhr_tracker.model import Agency, Case, Milestone
from dhr_tracker.vocabulary import MilestoneKind


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
