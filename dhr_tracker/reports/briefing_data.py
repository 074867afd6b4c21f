"""What the KCSP briefing says, gathered from the database as plain dataclasses (no layout here).

Cases are read with their real-name columns deferred with raiseload, so touching one is an error:
the data objects carry a case's reference and pseudonym only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, selectinload

from dhr_tracker.dates import format_date
from dhr_tracker.meetings.meetings import previous_meeting
from dhr_tracker.model import (
    Agency,
    Case,
    EscalationAction,
    Meeting,
    ProgressUpdate,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
)
from dhr_tracker.vocabulary import Decision, MilestoneKind, ProcessStatus, QAOutcome, RecommendationStatus, Stage

DECISION_MONTHS = 1  # DOMAIN.md: decision within 1 month of notification (default)
COMPLETION_MONTHS = 6  # DOMAIN.md: completion 6 months after the decision (default)
KEY_DATE_KINDS = (
    MilestoneKind.DECISION, MilestoneKind.HOME_OFFICE_INFORMED, MilestoneKind.SCOPING_COMPLETED,
    MilestoneKind.CHAIR_APPOINTED, MilestoneKind.TERMS_OF_REFERENCE_AGREED, MilestoneKind.DRAFT_REPORT,
    MilestoneKind.PARTNERSHIP_SIGNOFF,
)
BEFORE_SIGNOFF = (
    Stage.NOTIFICATION, Stage.DECISION, Stage.COMMISSIONING, Stage.INFORMATION_GATHERING, Stage.DRAFTING,
)


@dataclass(frozen=True)
class KeyDate:
    label: str
    on: dt.date


@dataclass(frozen=True)
class ReviewSection:
    """One open review as the briefing shows it: reference and pseudonym, never a real name."""

    reference: str
    pseudonym: str
    area: str  # the CSP area, or the commissioning partnership of a cross-border review
    cross_border: bool
    stage: Stage
    guidance: str
    key_dates: tuple[KeyDate, ...]
    expected_by: dt.date | None  # the decision (if not yet made) or the completion date expected
    expected_what: str
    slippage_days: int
    slippage_reason: str
    qa_position: str
    parallel_processes: tuple[str, ...]
    recommendations_total: int
    recommendations_open: int

    @property
    def slipping(self) -> bool:
        """Late now: still short of sign-off and past the date expected (a past slip is history, not slipping)."""
        return self.slippage_days > 0 and self.stage in BEFORE_SIGNOFF


@dataclass(frozen=True)
class AgencyImplementation:
    agency: str
    total: int
    implemented: int
    awaiting_evidence: int
    in_progress: int
    not_started: int
    not_accepted: int
    past_target: int


@dataclass(frozen=True)
class OverdueRecommendation:
    agency: str
    reference: str
    number: str
    status: str
    target_on: dt.date | None
    last_update_on: dt.date | None


@dataclass(frozen=True)
class AgencyEscalation:
    agency: str
    level: int
    due_on: dt.date
    items: int
    last_action_on: dt.date | None


@dataclass(frozen=True)
class BriefingData:
    meeting_title: str
    meeting_on: dt.date
    agenda_item: str
    location: str
    as_of: dt.date
    previous_meeting_on: dt.date | None
    reviews: tuple[ReviewSection, ...]
    open_by_stage: tuple[tuple[Stage, int], ...]
    implemented_since_last: int
    overdue_by_level: tuple[tuple[int, int], ...]
    agencies: tuple[AgencyImplementation, ...]
    overdue_recommendations: tuple[OverdueRecommendation, ...]
    escalations: tuple[AgencyEscalation, ...]
    decisions: tuple[str, ...]

    @property
    def slipping(self) -> tuple[ReviewSection, ...]:
        return tuple(review for review in self.reviews if review.slipping)


def _paused_days(case: Case, until: dt.date) -> int:
    days = 0
    for pause in case.pauses:
        end = min(pause.ends_on or until, until)
        if end > pause.starts_on:
            days += (end - pause.starts_on).days
    return days


def _first(case: Case, kind: MilestoneKind) -> dt.date | None:
    return next((m.occurred_on for m in case.milestones if m.kind is kind), None)


def _last(case: Case, kind: MilestoneKind) -> dt.date | None:
    return max((m.occurred_on for m in case.milestones if m.kind is kind), default=None)


def _timescale(case: Case, as_of: dt.date) -> tuple[dt.date | None, str, int]:
    """(expected by, what is expected, days late) against the default DOMAIN.md timescales, pauses added."""
    decided = _first(case, MilestoneKind.DECISION)
    if decided is None:
        due = case.notified_on + relativedelta(months=DECISION_MONTHS)
        return due, "decision", max(0, (as_of - due).days)
    if case.decision is Decision.NO_REVIEW:
        return None, "", 0
    due = decided + relativedelta(months=COMPLETION_MONTHS)
    finished = _first(case, MilestoneKind.PARTNERSHIP_SIGNOFF) or _first(case, MilestoneKind.DRAFT_REPORT)
    until = finished or as_of
    due = due + dt.timedelta(days=_paused_days(case, until))
    if case.stage in BEFORE_SIGNOFF or finished:
        return due, "completion", max(0, (until - due).days)
    return due, "completion", 0


def _slippage_reason(case: Case, as_of: dt.date) -> str:
    reasons = []
    for pause in case.pauses:
        span = f"from {format_date(pause.starts_on)}" + (f" to {format_date(pause.ends_on)}" if pause.ends_on else " (continuing)")
        told = f"; Home Office told {format_date(pause.home_office_told_on)}" if pause.home_office_told_on else "; Home Office not yet told"
        reasons.append(f"{pause.reason} {span}{told}")
    for process in case.parallel_processes:
        if process.status is not ProcessStatus.CONCLUDED and not any(p.parallel_process_id == process.id for p in case.pauses):
            reasons.append(f"{process.kind.label} {process.status.label.lower()}")
    return "; ".join(reasons)


def _qa_position(case: Case) -> str:
    if not case.qa_rounds:
        if case.stage in BEFORE_SIGNOFF or case.stage is Stage.PARTNERSHIP_SIGNOFF:
            return "Not yet submitted to the Home Office QA Panel."
        return "No submission recorded."
    latest = case.qa_rounds[-1]
    parts = [f"Round {latest.round_number} submitted {format_date(latest.submitted_on)}"]
    if latest.panel_on:
        parts.append(f"panel {format_date(latest.panel_on)}")
    if latest.outcome is None:
        parts.append("awaiting the panel's feedback")
    else:
        parts.append(f"feedback letter {format_date(latest.feedback_letter_on)}: {latest.outcome.label.lower()}"
                     if latest.feedback_letter_on else latest.outcome.label.lower())
        if latest.outcome is not QAOutcome.APPROVED:
            parts.append(f"revisions made {format_date(latest.revisions_made_on)}" if latest.revisions_made_on
                         else "revisions outstanding")
    return "; ".join(parts) + "."


def _process_line(process) -> str:  # noqa: ANN001 - a ParallelProcess
    dates = []
    if process.started_on:
        dates.append(f"started {format_date(process.started_on)}")
    if process.expected_end_on and process.status is not ProcessStatus.CONCLUDED:
        dates.append(f"expected to end {format_date(process.expected_end_on)}")
    if process.concluded_on:
        dates.append(f"concluded {format_date(process.concluded_on)}")
    text = f"{process.kind.label}: {process.status.label.lower()}"
    if dates:
        text += f" ({', '.join(dates)})"
    return text + (f" \u2013 {process.note}" if process.note else "")


def _review_section(case: Case, recommendations: Counter, open_recommendations: Counter, as_of: dt.date) -> ReviewSection:
    key_dates = [KeyDate("Notified", case.notified_on)]
    for kind in KEY_DATE_KINDS:
        on = _last(case, kind)
        if on:
            key_dates.append(KeyDate(kind.label, on))
    panels = [m.occurred_on for m in case.milestones if m.kind is MilestoneKind.PANEL_MEETING]
    if panels:
        key_dates.append(KeyDate(f"Panel meetings ({len(panels)}), latest", max(panels)))
    if case.publication is not None:
        key_dates.append(KeyDate("Published", case.publication.published_on))
    key_dates.sort(key=lambda key: key.on)
    expected_by, expected_what, late = _timescale(case, as_of)
    return ReviewSection(
        reference=case.reference,
        pseudonym=case.pseudonym,
        area=case.csp_area.name if case.csp_area is not None else case.commissioning_partnership,
        cross_border=case.is_cross_border,
        stage=case.stage,
        guidance=case.guidance_profile.value,
        key_dates=tuple(key_dates),
        expected_by=expected_by,
        expected_what=expected_what,
        slippage_days=late,
        slippage_reason=_slippage_reason(case, as_of),
        qa_position=_qa_position(case),
        parallel_processes=tuple(_process_line(p) for p in case.parallel_processes),
        recommendations_total=recommendations[case.id],
        recommendations_open=open_recommendations[case.id],
    )


def _open_cases(session: Session) -> list[Case]:
    query = (
        select(Case)
        .where(Case.stage != Stage.CLOSED)
        .options(
            defer(Case.victim_real_name, raiseload=True),
            defer(Case.perpetrator_real_name, raiseload=True),
            selectinload(Case.csp_area), selectinload(Case.milestones), selectinload(Case.qa_rounds),
            selectinload(Case.parallel_processes), selectinload(Case.pauses), selectinload(Case.publication),
        )
        .order_by(Case.notified_on, Case.reference)
    )
    return list(session.scalars(query))


def _recommendation_figures(session: Session, case_ids: Sequence[int], as_of: dt.date):
    last_update = (
        select(func.max(ProgressUpdate.received_on)).where(ProgressUpdate.recommendation_id == Recommendation.id)
        .correlate(Recommendation).scalar_subquery()
    )
    rows = session.execute(
        select(Recommendation.case_id, Case.reference, Agency.name, Recommendation.number, Recommendation.status,
               Recommendation.target_on, last_update)
        .join(Case, Case.id == Recommendation.case_id)
        .join(Agency, Agency.id == Recommendation.lead_agency_id)
        .where(Recommendation.case_id.in_(case_ids))
    ).all()
    totals: Counter = Counter()
    opens: Counter = Counter()
    by_agency: dict[str, Counter] = defaultdict(Counter)
    overdue: list[OverdueRecommendation] = []
    for case_id, reference, agency, number, status, target_on, last_on in rows:
        totals[case_id] += 1
        counts = by_agency[agency]
        counts["total"] += 1
        if status.is_open:
            opens[case_id] += 1
        if status is RecommendationStatus.IMPLEMENTED:
            counts["implemented"] += 1
        elif status is RecommendationStatus.COMPLETED_AWAITING_EVIDENCE:
            counts["awaiting_evidence"] += 1
        elif status in (RecommendationStatus.IN_PROGRESS, RecommendationStatus.ACCEPTED):
            counts["in_progress"] += 1
        elif status is RecommendationStatus.PROPOSED:
            counts["not_started"] += 1
        else:
            counts["not_accepted"] += 1
        if status.is_open and target_on is not None and target_on < as_of:
            counts["past_target"] += 1
            overdue.append(OverdueRecommendation(agency, reference, number, status.label, target_on, last_on))
    agencies = tuple(
        AgencyImplementation(name, c["total"], c["implemented"], c["awaiting_evidence"], c["in_progress"], c["not_started"],
                             c["not_accepted"], c["past_target"])
        for name, c in sorted(by_agency.items(), key=lambda item: item[0].casefold())
    )
    overdue.sort(key=lambda r: (r.agency.casefold(), r.reference, _natural(r.number)))
    return totals, opens, agencies, tuple(overdue)


def _natural(number: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", number))


def _escalations(session: Session, as_of: dt.date) -> tuple[AgencyEscalation, ...]:
    """Agencies whose update is overdue (due before as_of, not received), at the highest level recorded."""
    level = select(func.coalesce(func.max(EscalationAction.level), 0)).where(
        EscalationAction.request_id == UpdateRequest.id).correlate(UpdateRequest).scalar_subquery()
    last_action = select(func.max(EscalationAction.taken_on)).where(
        EscalationAction.request_id == UpdateRequest.id).correlate(UpdateRequest).scalar_subquery()
    items = select(func.count()).where(UpdateRequestItem.request_id == UpdateRequest.id,
                                       UpdateRequestItem.settled_on.is_(None)).correlate(UpdateRequest).scalar_subquery()
    rows = session.execute(
        select(Agency.name, level, UpdateRequest.due_on, items, last_action)
        .join(Agency, Agency.id == UpdateRequest.agency_id)
        .where(UpdateRequest.received_on.is_(None), UpdateRequest.due_on < as_of)
    ).all()
    entries = [AgencyEscalation(name, lvl, due, count, last) for name, lvl, due, count, last in rows]
    entries.sort(key=lambda e: (-e.level, e.due_on, e.agency.casefold()))
    return tuple(entries)


def _implemented_since(session: Session, since: dt.date | None, as_of: dt.date) -> int:
    """Recommendations (of any case, closed ones too) implemented after `since` and up to `as_of`."""
    when = func.coalesce(Recommendation.signed_off_on, Recommendation.status_changed_on, Recommendation.completed_on)
    query = select(func.count(Recommendation.id)).where(
        Recommendation.status == RecommendationStatus.IMPLEMENTED, when <= as_of,
    )
    if since is not None:
        query = query.where(when > since)
    return session.scalar(query) or 0


def _decisions(reviews: Sequence[ReviewSection], escalations: Sequence[AgencyEscalation], extra: Sequence[str]) -> tuple[str, ...]:
    decisions = [f"Note the progress of the {len(reviews)} open review{'s' if len(reviews) != 1 else ''} set out in this paper."]
    slipping = [r.reference for r in reviews if r.slipping]
    if slipping:
        decisions.append(
            f"Note that {len(slipping)} review{'s are' if len(slipping) != 1 else ' is'} running beyond the expected "
            f"timescale ({', '.join(slipping)}), and the reasons given."
        )
    for_signoff = [r.reference for r in reviews if r.stage is Stage.PARTNERSHIP_SIGNOFF]
    if for_signoff:
        decisions.append(f"Approve the overview report and action plan of {', '.join(for_signoff)} for submission to the Home Office.")
    to_chair = sorted({e.agency for e in escalations if e.level >= 3})
    if to_chair:
        decisions.append(
            "Agree escalation to the KCSP Chair: a letter from the Chair to the chief officer of "
            f"{', '.join(to_chair)}, whose updates remain outstanding."
        )
    decisions.extend(text.strip() for text in extra if text.strip())
    return tuple(decisions)


def gather_briefing(session: Session, meeting: Meeting, *, as_of: dt.date, decisions: Sequence[str] = ()) -> BriefingData:
    """Everything the briefing for this meeting shows, as of a date (normally today)."""
    cases = _open_cases(session)
    case_ids = [case.id for case in cases]
    totals, opens, agencies, overdue = _recommendation_figures(session, case_ids, as_of)
    reviews = tuple(_review_section(case, totals, opens, as_of) for case in cases)
    stage_counts = Counter(review.stage for review in reviews)
    open_by_stage = tuple((stage, stage_counts[stage]) for stage in Stage if stage.is_open)
    earlier = previous_meeting(session, meeting)
    escalations = _escalations(session, as_of)
    level_counts = Counter(entry.level for entry in escalations)
    return BriefingData(
        meeting_title=meeting.title or meeting.kind.label,
        meeting_on=meeting.held_on,
        agenda_item=meeting.agenda_item,
        location=meeting.location,
        as_of=as_of,
        previous_meeting_on=earlier.held_on if earlier else None,
        reviews=reviews,
        open_by_stage=open_by_stage,
        implemented_since_last=_implemented_since(session, earlier.held_on if earlier else None, as_of),
        overdue_by_level=tuple(sorted(level_counts.items())),
        agencies=agencies,
        overdue_recommendations=overdue,
        escalations=escalations,
        decisions=_decisions(reviews, escalations, decisions),
    )
