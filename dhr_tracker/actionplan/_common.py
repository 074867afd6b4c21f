"""Look-ups shared by the action-plan and update-round services (agency by name, the decision date)."""

from __future__ import annotations

import datetime as dt
import difflib
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
        close = similar_agency_names(session, str(value))
        hint = (
            (
                " Did you mean "
                + ", ".join(f"'{name}'" for name in close[:-1])
                + (" or " if len(close) > 1 else "")
                + f"'{close[-1]}'?"
            )
            if close
            else " Add it to the agencies first, or choose another."
        )
        raise ValidationError(
            f"{label}: '{value}' is not an agency on the list.{hint}", field=field, rule="unknown_agency"
        )
    return agency


def similar_agency_names(session: Session, text: str, limit: int = 3) -> list[str]:
    """Agencies a mistyped or shortened name probably meant: those containing it ("dartford"), else the closest."""
    names = list(session.scalars(select(Agency.name).order_by(Agency.name)))
    wanted = " ".join(text.casefold().split())
    if not wanted:
        return []
    containing = [name for name in names if wanted in name.casefold()]
    if containing:
        return containing[:limit]
    folded = {name.casefold(): name for name in names}
    return [folded[match] for match in difflib.get_close_matches(wanted, list(folded), n=limit, cutoff=0.6)]


def decision_date(session: Session, case: Case) -> dt.date | None:
    """The date of the case's decision to review (its first DECISION milestone), if recorded."""
    return session.scalar(
        select(Milestone.occurred_on)
        .where(Milestone.case_id == case.id, Milestone.kind == MilestoneKind.DECISION)
        .order_by(Milestone.occurred_on)
        .limit(1)
    )
