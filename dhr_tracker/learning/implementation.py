"""How far a recommendation is implemented, as the Domestic Abuse Commissioner counts it.

Beside its status, each recommendation carries assessments in the Commissioner's categories (the latest is
current, with its re-check date), the evidence someone has seen (reference, date, who checked it), and, for a
national recommendation, the trail with its government department (sent, acknowledged, answered).
The rule that sign-off needs evidence lives with the other status rules, in actionplan.status_rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import DepartmentCorrespondence, ImplementationAssessment, ImplementationEvidence, Recommendation
from dhr_tracker.validation import clean_date, clean_text, not_in_future
from dhr_tracker.vocabulary import DepartmentStep, ImplementationCategory, Scope

PERSON_LIMIT = 200


def _category(value: ImplementationCategory | str) -> ImplementationCategory:
    if isinstance(value, ImplementationCategory):
        return value
    try:
        return ImplementationCategory.from_text(str(value))
    except ValueError as error:
        raise ValidationError(f"Implementation category: {error}.", field="category", rule="unknown_category") from None


def assess(
    session: Session,
    rec: Recommendation,
    category: ImplementationCategory | str,
    *,
    on: dt.date,
    by: str,
    recheck_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> ImplementationAssessment:
    """Record an assessment; it becomes the current one. The re-check date, if given, must follow it."""
    today = today or today_uk()
    category = _category(category)
    on = clean_date(on, "assessed_on", "The date of the assessment", required=True)
    not_in_future(on, today, "assessed_on", "The date of the assessment")
    by = clean_text(by, "assessed_by", "Who assessed it", required=True, limit=PERSON_LIMIT)
    recheck_on = clean_date(recheck_on, "recheck_on", "The re-check date", required=False)
    if recheck_on is not None and recheck_on <= on:
        raise ValidationError(
            f"The re-check date {format_date(recheck_on)} must be after the assessment ({format_date(on)}).",
            field="recheck_on",
            rule="recheck_before_assessment",
        )
    latest = current_assessment(session, rec)
    if latest is not None and on < latest.assessed_on:
        raise ValidationError(
            f"Recommendation {rec.number} was last assessed on {format_date(latest.assessed_on)}; a new assessment "
            f"cannot be dated earlier ({format_date(on)}).",
            field="assessed_on",
            rule="assessment_before_last",
        )
    assessment = ImplementationAssessment(
        recommendation_id=rec.id,
        category=category,
        assessed_on=on,
        assessed_by=by,
        recheck_on=recheck_on,
        note=clean_text(note, "note", "The note", required=False),
    )
    session.add(assessment)
    session.flush()
    return assessment


def current_assessment(session: Session, rec: Recommendation) -> ImplementationAssessment | None:
    return session.scalar(
        select(ImplementationAssessment)
        .where(ImplementationAssessment.recommendation_id == rec.id)
        .order_by(ImplementationAssessment.assessed_on.desc(), ImplementationAssessment.id.desc())
        .limit(1)
    )


def current_categories(session: Session) -> dict[int, ImplementationCategory]:
    """Recommendation id -> its current category (recommendations never assessed are absent)."""
    rows = session.execute(
        select(ImplementationAssessment.recommendation_id, ImplementationAssessment.category).order_by(
            ImplementationAssessment.assessed_on, ImplementationAssessment.id
        )
    )
    return {rec_id: category for rec_id, category in rows}  # later rows overwrite earlier ones


def record_evidence(
    session: Session,
    rec: Recommendation,
    *,
    reference: str,
    seen_on: dt.date,
    checked_by: str,
    note: str = "",
    today: dt.date | None = None,
) -> ImplementationEvidence:
    """Record evidence of implementation that someone has seen and checked."""
    today = today or today_uk()
    reference = clean_text(reference, "reference", "The evidence reference", required=True, limit=200)
    seen_on = clean_date(seen_on, "seen_on", "The date the evidence was seen", required=True)
    not_in_future(seen_on, today, "seen_on", "The date the evidence was seen")
    checked_by = clean_text(checked_by, "checked_by", "Who checked the evidence", required=True, limit=PERSON_LIMIT)
    evidence = ImplementationEvidence(
        recommendation_id=rec.id,
        reference=reference,
        seen_on=seen_on,
        checked_by=checked_by,
        note=clean_text(note, "note", "The note", required=False),
    )
    session.add(evidence)
    session.flush()
    return evidence


def evidence_for(session: Session, rec: Recommendation) -> list[ImplementationEvidence]:
    return list(
        session.scalars(
            select(ImplementationEvidence)
            .where(ImplementationEvidence.recommendation_id == rec.id)
            .order_by(ImplementationEvidence.seen_on, ImplementationEvidence.id)
        )
    )


def evidence_seen_by(session: Session, rec: Recommendation, day: dt.date) -> list[ImplementationEvidence]:
    """The evidence recorded as seen on or before `day` (what a sign-off on that day can rest on)."""
    return [item for item in evidence_for(session, rec) if item.seen_on <= day]


STEP_ORDER = tuple(DepartmentStep)


def record_department_step(
    session: Session,
    rec: Recommendation,
    step: DepartmentStep | str,
    *,
    on: dt.date,
    reference: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> DepartmentCorrespondence:
    """Add the next step of a national recommendation's trail with its department (the lead agency).

    Steps go in order (sent, acknowledged, answered), each dated on or after the one before; a recommendation
    may be sent again (a new trail) once answered.
    """
    today = today or today_uk()
    if rec.scope is not Scope.NATIONAL:
        raise ValidationError(
            f"Recommendation {rec.number} is {rec.scope.label.lower()}, not national: only national recommendations "
            "go to a government department.",
            field="step",
            rule="not_national",
        )
    if not isinstance(step, DepartmentStep):
        try:
            parsed: DepartmentStep = DepartmentStep.from_text(str(step))  # from_text is untyped (Any)
        except ValueError as error:
            raise ValidationError(f"Step: {error}.", field="step", rule="unknown_step") from None
        step = parsed
    on = clean_date(on, "occurred_on", "The date", required=True)
    not_in_future(on, today, "occurred_on", "The date")
    trail = department_trail(session, rec)
    last = trail[-1] if trail else None
    expected: tuple[DepartmentStep, ...] = (
        (DepartmentStep.SENT,)
        if last is None or last.step is DepartmentStep.ANSWERED
        else (STEP_ORDER[STEP_ORDER.index(last.step) + 1],)
    )
    if last is not None and last.step is DepartmentStep.SENT:
        expected = (DepartmentStep.ACKNOWLEDGED, DepartmentStep.ANSWERED)  # an answer may come unacknowledged
    if step not in expected:
        wanted = " or ".join(f"'{s.label.lower()}'" for s in expected)
        raise ValidationError(
            f"The next step for recommendation {rec.number} is {wanted}, not '{step.label.lower()}'.",
            field="step",
            rule="step_out_of_order",
        )
    if last is not None and on < last.occurred_on:
        raise ValidationError(
            f"'{step.label}' cannot be dated {format_date(on)}, before '{last.step.label.lower()}' on "
            f"{format_date(last.occurred_on)}.",
            field="occurred_on",
            rule="step_before_last",
        )
    entry = DepartmentCorrespondence(
        recommendation_id=rec.id,
        department_id=rec.lead_agency_id,
        step=step,
        occurred_on=on,
        reference=clean_text(reference, "reference", "The reference", required=False, limit=200),
        note=clean_text(note, "note", "The note", required=False),
    )
    session.add(entry)
    session.flush()
    return entry


def department_trail(session: Session, rec: Recommendation) -> list[DepartmentCorrespondence]:
    return list(
        session.scalars(
            select(DepartmentCorrespondence)
            .where(DepartmentCorrespondence.recommendation_id == rec.id)
            .order_by(DepartmentCorrespondence.occurred_on, DepartmentCorrespondence.id)
        )
    )


@dataclass(frozen=True)
class ImplementationView:
    """A recommendation's implementation at a glance, for screens and reports."""

    category: ImplementationCategory | None
    assessed_on: dt.date | None
    recheck_on: dt.date | None
    evidence: tuple[str, ...]  # "REF, seen dd/mm/yyyy, checked by NAME"
    department_trail: tuple[str, ...]


def implementation_view(session: Session, rec: Recommendation) -> ImplementationView:
    latest = current_assessment(session, rec)
    return ImplementationView(
        category=latest.category if latest else None,
        assessed_on=latest.assessed_on if latest else None,
        recheck_on=latest.recheck_on if latest else None,
        evidence=tuple(
            f"{e.reference}, seen {format_date(e.seen_on)}, checked by {e.checked_by}"
            for e in evidence_for(session, rec)
        ),
        department_trail=tuple(
            f"{t.step.label} {format_date(t.occurred_on)}" + (f" ({t.reference})" if t.reference else "")
            for t in department_trail(session, rec)
        ),
    )
