"""Recommendations: add and edit them in the Home Office template's terms, and move them through their status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan._common import decision_date, resolve_agency
from dhr_tracker.actionplan.status_rules import ACTIVE_STATUSES, TRANSITIONS, Standing, check_move  # noqa: F401 (the first two: older imports)
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import Case, Recommendation, UpdateRequest, UpdateRequestItem
from dhr_tracker.validation import clean_date, clean_text
from dhr_tracker.vocabulary import AgencyKind, RecommendationSource, RecommendationStatus, Scope

S = RecommendationStatus

EDITABLE_FIELDS = (
    "number",
    "text",
    "scope",
    "source",
    "source_agency",
    "lead_agency",
    "supporting_agencies",
    "action",
    "key_milestones",
    "target_on",
    "outcome",
)


def _enum(enum_class, value: Any, field: str, label: str):
    if isinstance(value, enum_class):
        return value
    try:
        return enum_class.from_text(str(value))
    except ValueError as error:
        raise ValidationError(f"{label}: {error}.", field=field, rule=f"unknown_{field}") from None


def _apply(session: Session, rec: Recommendation, values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"These are not fields of a recommendation: {', '.join(sorted(unknown))}.", rule="unknown_field"
        )
    current = {
        "number": rec.number,
        "text": rec.text,
        "scope": rec.scope,
        "source": rec.source,
        "source_agency": rec.source_agency,
        "lead_agency": rec.lead_agency,
        "supporting_agencies": list(rec.supporting_agencies) if rec.id else [],
        "action": rec.action,
        "key_milestones": rec.key_milestones,
        "target_on": rec.target_on,
        "outcome": rec.outcome,
    }
    merged = {**current, **values}

    number = clean_text(merged["number"], "number", "The recommendation number", required=True, limit=20)
    clash = (
        session.scalar(
            select(Recommendation.id).where(
                Recommendation.case_id == rec.case.id, Recommendation.number == number, Recommendation.id != rec.id
            )
        )
        if rec.case.id
        else None
    )
    if clash is not None:
        raise ValidationError(
            f"Case {rec.case.reference} already has a recommendation numbered {number}.",
            field="number",
            rule="duplicate_number",
        )
    text = clean_text(merged["text"], "text", "The recommendation", required=True)
    scope = _enum(Scope, merged["scope"] or Scope.LOCAL, "scope", "Scope")
    source = _enum(RecommendationSource, merged["source"] or RecommendationSource.OVERVIEW_REPORT, "source", "Source")
    lead = resolve_agency(session, merged["lead_agency"], "lead_agency", "The lead agency")
    if scope is Scope.NATIONAL and lead.kind is not AgencyKind.GOVERNMENT_DEPARTMENT:
        raise ValidationError(
            f"A national recommendation goes to a government department, and {lead.name} is not one. "
            "Choose a government department as lead agency, or change the scope.",
            field="lead_agency",
            rule="national_lead",
        )
    source_agency = None
    if source is RecommendationSource.IMR:
        if merged["source_agency"] in (None, ""):
            raise ValidationError(
                "Name the agency whose Individual Management Review made this recommendation.",
                field="source_agency",
                rule="imr_agency_required",
            )
        source_agency = resolve_agency(session, merged["source_agency"], "source_agency", "The IMR agency")
    supporting = []
    given = merged["supporting_agencies"] or []
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, (list, tuple, set, frozenset)):
        raise ValidationError(
            "Supporting agencies must be a list of agencies (or none).", field="supporting_agencies", rule="not_a_list"
        )
    for value in given:
        agency = resolve_agency(session, value, "supporting_agencies", "A supporting agency")
        if agency.id == lead.id:
            raise ValidationError(
                f"{lead.name} is the lead agency; it cannot also be a supporting agency.",
                field="supporting_agencies",
                rule="lead_also_supporting",
            )
        if agency not in supporting:
            supporting.append(agency)
    target_on = clean_date(merged["target_on"], "target_on", "The target date", required=False)
    decided_on = decision_date(session, rec.case) if rec.case.id else None
    if target_on and decided_on and target_on < decided_on:
        raise ValidationError(
            f"The target date {format_date(target_on)} is before the decision to review ({format_date(decided_on)}). "
            "A recommendation cannot be due before the review began.",
            field="target_on",
            rule="target_before_decision",
        )

    rec.number = number
    rec.text = text
    rec.scope = scope
    rec.source = source
    rec.source_agency = source_agency
    rec.lead_agency = lead
    rec.supporting_agencies = supporting
    rec.action = clean_text(merged["action"], "action", "The action", required=False)
    rec.key_milestones = clean_text(merged["key_milestones"], "key_milestones", "Key milestones", required=False)
    rec.target_on = target_on
    rec.outcome = clean_text(merged["outcome"], "outcome", "The outcome", required=False)


def add_recommendation(session: Session, case: Case, **values: Any) -> Recommendation:
    """Add a recommendation to a case's action plan, status 'proposed'. Raises ValidationError, adding nothing."""
    rec = Recommendation(
        case=case,
        status=S.PROPOSED,
        action="",
        key_milestones="",
        outcome="",
        not_accepted_reason="",
        signoff_minute_reference="",
    )
    try:
        _apply(session, rec, values)
    except ValidationError:
        if rec in session:
            session.expunge(rec)  # the relationship to the case cascaded it into the session
        raise
    session.add(rec)
    session.flush()
    return rec


def edit_recommendation(session: Session, rec: Recommendation, **changes: Any) -> Recommendation:
    """Change a recommendation's own facts (not its status). On a ValidationError nothing changes."""
    _apply(session, rec, changes)
    session.flush()
    return rec


def get_recommendation(session: Session, rec_id: int) -> Recommendation:
    """The recommendation with this id, for a service to change (screens hold ids, not ORM objects)."""
    rec = session.get(Recommendation, rec_id)
    if rec is None:
        raise NotFound("That recommendation no longer exists. Reload the case and try again.")
    return rec


def find_recommendation(session: Session, case: Case, number: str) -> Recommendation:
    rec = session.scalar(
        select(Recommendation).where(Recommendation.case_id == case.id, Recommendation.number == number.strip())
    )
    if rec is None:
        raise NotFound(f"Case {case.reference} has no recommendation numbered {number.strip()}.")
    return rec


def change_status(
    session: Session,
    rec: Recommendation,
    status: RecommendationStatus | str,
    *,
    on: dt.date,
    reason: str = "",
    outcome: str | None = None,
    minute_reference: str = "",
    today: dt.date | None = None,
) -> Recommendation:
    """Move a recommendation to its next status on the date `on`.

    Not accepted needs a reason; completed sets the completion date (and outcome, if given);
    implemented is the Steering Group sign-off: `on` is the meeting date and `minute_reference` its minute, and
    evidence of implementation seen on or before `on` must be recorded (learning.implementation.record_evidence).
    Closing a recommendation settles any update request still waiting on it.
    """
    today = today or today_uk()
    new: RecommendationStatus = _enum(S, status, "status", "Status")
    evidence_seen_on: list[dt.date] = []
    if new is S.IMPLEMENTED:
        from dhr_tracker.learning.implementation import evidence_for

        evidence_seen_on = [item.seen_on for item in evidence_for(session, rec)]
    on = check_move(
        Standing(rec.number, rec.status, rec.status_changed_on, rec.completed_on),
        new,
        on,
        today=today,
        decided_on=decision_date(session, rec.case),
        reason=reason,
        minute_reference=minute_reference,
        evidence_seen_on=evidence_seen_on,
    )
    reason = reason.strip()
    minute_reference = minute_reference.strip()

    rec.status = new
    rec.status_changed_on = on
    if new is S.NOT_ACCEPTED:
        rec.not_accepted_reason = reason
    elif new is S.COMPLETED_AWAITING_EVIDENCE:
        rec.completed_on = on
        if outcome is not None:
            rec.outcome = outcome.strip()
    elif new is S.IN_PROGRESS and rec.completed_on:
        rec.completed_on = None  # sent back: the evidence did not show completion
    elif new is S.IMPLEMENTED:
        rec.signed_off_on = on
        rec.signoff_minute_reference = minute_reference
        if outcome is not None:
            rec.outcome = outcome.strip()
    if not new.is_open:
        _settle_closed(session, rec, on)
    session.flush()
    return rec


def _settle_closed(session: Session, rec: Recommendation, on: dt.date) -> None:
    """A signed-off or not-accepted recommendation needs no more updates: settle what waits on it."""
    from dhr_tracker.actionplan.progress import close_settled_requests

    items = session.scalars(
        select(UpdateRequestItem)
        .join(UpdateRequest)
        .where(
            UpdateRequestItem.recommendation_id == rec.id,
            UpdateRequestItem.settled_on.is_(None),
            UpdateRequest.requested_on <= on,
        )
    ).all()
    for item in items:
        item.settled_on = on
    close_settled_requests(session, {item.request_id for item in items})


@dataclass(frozen=True)
class ActionPlanRow:
    """One row of the Home Office action-plan template, for screens and reports."""

    id: int
    number: str
    text: str
    scope: Scope
    action: str
    lead_agency: str
    supporting_agencies: tuple[str, ...]
    key_milestones: str
    target_on: dt.date | None
    completed_on: dt.date | None
    outcome: str
    status: RecommendationStatus
    source: RecommendationSource
    source_agency: str


def action_plan(session: Session, case: Case) -> list[ActionPlanRow]:
    """A case's action plan in recommendation order."""
    recs = session.scalars(select(Recommendation).where(Recommendation.case_id == case.id)).all()
    rows = [
        ActionPlanRow(
            rec.id,
            rec.number,
            rec.text,
            rec.scope,
            rec.action,
            rec.lead_agency.name,
            tuple(a.name for a in rec.supporting_agencies),
            rec.key_milestones,
            rec.target_on,
            rec.completed_on,
            rec.outcome,
            rec.status,
            rec.source,
            rec.source_agency.name if rec.source_agency else "",
        )
        for rec in recs
    ]
    return sorted(rows, key=lambda row: _number_key(row.number))


def _number_key(number: str) -> tuple:
    """Natural order: 2 before 10, 3.1 before 3.2."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))
