"""The rules a recommendation's status follows, once, over plain values (no Session, no ORM).

`actionplan.recommendations.change_status` (the app, the record command, update packs) and the
spreadsheet importer both ask these functions, so a status can only be reached the one valid way:
the moves allowed, the dates in order, a reason for 'not accepted', and for sign-off the Steering Group
minute and evidence of implementation seen by the day of the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.validation import clean_date, not_in_future
from dhr_tracker.vocabulary import RecommendationStatus

S = RecommendationStatus
MINUTE_REFERENCE_LIMIT = 120

# The moves a recommendation may make. Anything else is refused with the reason.
TRANSITIONS: dict[RecommendationStatus, tuple[RecommendationStatus, ...]] = {
    S.PROPOSED: (S.ACCEPTED, S.NOT_ACCEPTED),
    S.ACCEPTED: (S.IN_PROGRESS, S.NOT_ACCEPTED),
    S.IN_PROGRESS: (S.COMPLETED_AWAITING_EVIDENCE,),
    S.COMPLETED_AWAITING_EVIDENCE: (S.IMPLEMENTED, S.IN_PROGRESS),  # back if the evidence falls short
    S.IMPLEMENTED: (),
    S.NOT_ACCEPTED: (),
}

# Statuses on which an agency owes updates (a proposed recommendation is not yet theirs to act on).
ACTIVE_STATUSES = (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED_AWAITING_EVIDENCE)


@dataclass(frozen=True)
class Standing:
    """Where a recommendation stands before a move."""

    number: str
    status: RecommendationStatus
    changed_on: dt.date | None = None
    completed_on: dt.date | None = None


def can_move(current: RecommendationStatus, wanted: RecommendationStatus) -> bool:
    return wanted in TRANSITIONS[current]


def path_from_proposed(wanted: RecommendationStatus) -> tuple[RecommendationStatus, ...]:
    """The moves, in order, that take a new (proposed) recommendation to `wanted` ((): it is there already)."""
    path: list[RecommendationStatus] = []
    here = S.PROPOSED
    while here is not wanted:
        # Forward only: the one way back (completed -> in progress) never leads anywhere new.
        onward = [s for s in TRANSITIONS[here] if s is wanted] or [
            s for s in TRANSITIONS[here] if s is not S.NOT_ACCEPTED and s not in path
        ]
        if not onward:
            raise ValueError(f"no path from proposed to {wanted}")
        here = onward[0]
        path.append(here)
    return tuple(path)


def refusal(standing: Standing, wanted: RecommendationStatus) -> str:
    """Why the move from where the recommendation stands to `wanted` is not allowed, in a sentence or two."""
    here = f"Recommendation {standing.number} is '{standing.status.label}'"
    if wanted is S.IMPLEMENTED:
        return (
            f"{here}: it can be signed off only once it is completed, awaiting evidence. Record the completion first."
        )
    if not standing.status.is_open:
        return f"{here}, which is final; it cannot become '{wanted.label}'."
    if wanted is standing.status:
        return f"{here} already."
    allowed = " or ".join(f"'{s.label}'" for s in TRANSITIONS[standing.status])
    return f"{here}; from there it can become {allowed}, not '{wanted.label}'."


def check_move(
    standing: Standing,
    wanted: RecommendationStatus,
    on: object,
    *,
    today: dt.date,
    decided_on: dt.date | None,
    reason: str = "",
    minute_reference: str = "",
    evidence_seen_on: Iterable[dt.date] = (),
) -> dt.date:
    """Check a move dated `on`; return the date. Raises ValidationError (field and rule set) for the first rule broken.

    `decided_on` is the case's decision to review (no move before it); `evidence_seen_on` the days on which
    the recorded evidence of implementation was seen (a sign-off needs one on or before its meeting).
    """
    day = clean_date(on, "status_changed_on", "The date of the change", required=True)
    assert day is not None  # required=True refuses None
    not_in_future(day, today, "status_changed_on", "The date of the change")
    if not can_move(standing.status, wanted):
        raise ValidationError(refusal(standing, wanted), field="status", rule="invalid_transition")
    if standing.changed_on and day < standing.changed_on:
        raise ValidationError(
            f"The change cannot be dated {format_date(day)}: recommendation {standing.number} became "
            f"'{standing.status.label}' on {format_date(standing.changed_on)}.",
            field="status_changed_on",
            rule="date_before_last_change",
        )
    if decided_on and day < decided_on:
        raise ValidationError(
            f"The change cannot be dated {format_date(day)}, before the decision to review ({format_date(decided_on)}).",
            field="status_changed_on",
            rule="date_before_decision",
        )
    if wanted is S.NOT_ACCEPTED and not reason.strip():
        raise ValidationError(
            "Give the reason the recommendation was not accepted.", field="not_accepted_reason", rule="reason_required"
        )
    if wanted is S.IMPLEMENTED:
        minute_reference = minute_reference.strip()
        if not minute_reference:
            raise ValidationError(
                "Give the Steering Group minute reference that records the sign-off.",
                field="signoff_minute_reference",
                rule="minute_required",
            )
        if len(minute_reference) > MINUTE_REFERENCE_LIMIT:
            raise ValidationError(
                f"The minute reference is longer than {MINUTE_REFERENCE_LIMIT} characters.",
                field="signoff_minute_reference",
                rule="too_long",
            )
        if standing.completed_on and day < standing.completed_on:
            raise ValidationError(
                f"The sign-off date {format_date(day)} is before the completion date {format_date(standing.completed_on)}.",
                field="signed_off_on",
                rule="signoff_before_completion",
            )
        if not any(seen <= day for seen in evidence_seen_on):
            raise ValidationError(
                f"Recommendation {standing.number} cannot be signed off on {format_date(day)}: no evidence of implementation "
                "seen by then is recorded. Record the evidence seen (its reference, the date and who checked it) first.",
                field="evidence",
                rule="evidence_required",
            )
    return day
