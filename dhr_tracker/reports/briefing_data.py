"""What the KCSP briefing says, gathered from the database as plain dataclasses (no layout here).

Cases come through the lifecycle service's CaseFacts, which never load a real name: the data objects
carry a case's reference and pseudonym only. (The frame's guard checks the finished text as well.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.escalation.service import current_ladder, escalations
from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind, DeadlineStatus
from dhr_tracker.lifecycle.facts import CaseFacts, ParallelProcessFact
from dhr_tracker.lifecycle.overview import caseload_overview
from dhr_tracker.lifecycle.today import CaseOverview
from dhr_tracker.meetings.meetings import previous_meeting
from dhr_tracker.model import Agency, Case, Meeting, ProgressUpdate, Recommendation
from dhr_tracker.settings import QA_BODY_NAME, Settings
from dhr_tracker.vocabulary import MilestoneKind, ProcessStatus, QAOutcome, RecommendationStatus, Stage
from dhr_tracker.wording import join_and

KEY_DATE_KINDS = (
    MilestoneKind.DECISION,
    MilestoneKind.HOME_OFFICE_INFORMED,
    MilestoneKind.SCOPING_COMPLETED,
    MilestoneKind.CHAIR_APPOINTED,
    MilestoneKind.TERMS_OF_REFERENCE_AGREED,
    MilestoneKind.DRAFT_REPORT,
    MilestoneKind.PARTNERSHIP_SIGNOFF,
)
BEFORE_SIGNOFF = (
    Stage.NOTIFICATION,
    Stage.DECISION,
    Stage.COMMISSIONING,
    Stage.INFORMATION_GATHERING,
    Stage.DRAFTING,
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
    deadlines: tuple[str, ...]  # the deadline engine's verdicts worth reporting, one sentence each
    rag: str
    rag_reasons: tuple[str, ...]
    slippage_days: int  # the worst count an unmet deadline is overdue by, in its own days (0: nothing overdue)
    slippage_reason: str
    qa_position: str
    parallel_processes: tuple[str, ...]
    recommendations_total: int
    recommendations_open: int
    pauses: tuple[str, ...] = ()  # each pause, with its dates; empty when the review was never paused
    next_deadline_on: dt.date | None = None  # the earliest deadline not yet met
    next_deadline: str = ""  # what it is for

    @property
    def slipping(self) -> bool:
        """Late now: an unmet deadline is past its (pause-extended) due date."""
        return self.slippage_days > 0


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
    """An agency whose update is overdue, at the level the escalation engine puts it."""

    agency: str
    level: int
    level_label: str
    due_on: dt.date
    working_days_late: int
    items: int
    references: tuple[str, ...]
    action_due: str  # the step reached but not yet recorded as taken ("" if none)


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
    level_labels: tuple[tuple[int, str], ...]
    agencies: tuple[AgencyImplementation, ...]
    overdue_recommendations: tuple[OverdueRecommendation, ...]
    escalations: tuple[AgencyEscalation, ...]
    decisions: tuple[str, ...]

    @property
    def slipping(self) -> tuple[ReviewSection, ...]:
        return tuple(review for review in self.reviews if review.slipping)


def _deadline_line(deadline: Deadline) -> str | None:
    """A sentence for each deadline worth a reader's attention: unmet ones, and ones met late."""
    paused = f" (extended {deadline.days_text(deadline.paused_days)} for pauses)" if deadline.paused_days else ""
    label = f"{deadline.milestone.label} from {deadline.agency}" if deadline.agency else deadline.milestone.label
    if deadline.status is DeadlineStatus.MET:
        if not deadline.slippage_days or deadline.milestone not in (DeadlineKind.DECISION, DeadlineKind.COMPLETION):
            return None  # history: a late IMR once received no longer slips the review
        return (
            f"{label}: due {format_date(deadline.due)}, met late {format_date(deadline.met_on)} "
            f"({deadline.days_text(deadline.slippage_days)}){paused}."
        )
    if deadline.status is DeadlineStatus.OVERDUE:
        return (
            f"{label}: due {format_date(deadline.due)}{paused}, overdue by {deadline.days_text(deadline.days_overdue)}."
        )
    if deadline.status is DeadlineStatus.PAUSED:
        return f"{label}: paused; due {format_date(deadline.due)} so far{paused}."
    return f"{label}: due {format_date(deadline.due)}{paused}."


def _pause_lines(facts: CaseFacts) -> list[str]:
    lines = []
    for pause in facts.pauses:
        span = f"from {format_date(pause.starts_on)}" + (
            f" to {format_date(pause.ends_on)}" if pause.ends_on else " (continuing)"
        )
        told = (
            f"; Home Office told {format_date(pause.home_office_told_on)}"
            if pause.home_office_told_on
            else "; Home Office not yet told"
        )
        lines.append(f"{pause.reason} {span}{told}")
    return lines


def _slippage_reason(facts: CaseFacts) -> str:
    reasons = _pause_lines(facts)
    paused_for = {pause.parallel_process for pause in facts.pauses}
    for process in facts.parallel_processes:
        if process.status is not ProcessStatus.CONCLUDED and process.kind not in paused_for:
            reasons.append(f"{process.kind.label} {process.status.label.lower()}")
    return "; ".join(reasons)


def _qa_position(facts: CaseFacts, qa_body: str = QA_BODY_NAME.default) -> str:
    latest = facts.latest_qa_round
    if latest is None:
        if facts.stage in BEFORE_SIGNOFF or facts.stage is Stage.PARTNERSHIP_SIGNOFF:
            return f"Not yet submitted to the Home Office {qa_body}."
        return "No submission recorded."
    parts = [f"Round {latest.round_number} submitted {format_date(latest.submitted_on)}"]
    if latest.panel_on:
        parts.append(f"panel {format_date(latest.panel_on)}")
    if latest.outcome is None:
        parts.append("awaiting the panel's feedback")
    else:
        parts.append(
            f"feedback letter {format_date(latest.feedback_letter_on)}: {latest.outcome.label.lower()}"
            if latest.feedback_letter_on
            else latest.outcome.label.lower()
        )
        if latest.outcome is not QAOutcome.APPROVED:
            parts.append(
                f"revisions made {format_date(latest.revisions_made_on)}"
                if latest.revisions_made_on
                else "revisions outstanding"
            )
    return "; ".join(parts) + "."


def _process_line(process: ParallelProcessFact) -> str:
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


def _review_section(
    overview: CaseOverview, recommendations: Counter, open_recommendations: Counter, qa_body: str = QA_BODY_NAME.default
) -> ReviewSection:
    facts = overview.facts
    key_dates = [KeyDate("Notified", facts.notified_on)]
    for kind in KEY_DATE_KINDS:
        on = facts.last(kind)
        if on:
            key_dates.append(KeyDate(kind.label, on))
    panels = facts.dates_of(MilestoneKind.PANEL_MEETING)
    if panels:
        key_dates.append(KeyDate(f"Panel meetings ({len(panels)}), latest", panels[-1]))
    if facts.publication is not None:
        key_dates.append(KeyDate("Published", facts.publication.published_on))
    key_dates.sort(key=lambda key: key.on)
    lines = tuple(line for line in (_deadline_line(d) for d in overview.deadlines) if line)
    overdue = [d.days_overdue for d in overview.deadlines if d.status is DeadlineStatus.OVERDUE]
    unmet = sorted((d for d in overview.deadlines if d.status is not DeadlineStatus.MET), key=lambda d: d.due)
    return ReviewSection(
        reference=facts.reference,
        pseudonym=facts.pseudonym,
        area=facts.csp_area or facts.commissioning_partnership,
        cross_border=facts.is_cross_border,
        stage=facts.stage,
        guidance=facts.guidance_profile.value,
        key_dates=tuple(key_dates),
        deadlines=lines,
        rag=overview.rag.rating.label,
        rag_reasons=overview.rag.reasons,
        slippage_days=max(overdue, default=0),
        slippage_reason=_slippage_reason(facts),
        qa_position=_qa_position(facts, qa_body),
        parallel_processes=tuple(_process_line(p) for p in facts.parallel_processes),
        recommendations_total=recommendations[facts.case_id],
        recommendations_open=open_recommendations[facts.case_id],
        pauses=tuple(_pause_lines(facts)),
        next_deadline_on=unmet[0].due if unmet else None,
        next_deadline=unmet[0].label if unmet else "",
    )


def _recommendation_figures(session: Session, case_ids: Sequence[int], as_of: dt.date):
    last_update = (
        select(func.max(ProgressUpdate.received_on))
        .where(ProgressUpdate.recommendation_id == Recommendation.id)
        .correlate(Recommendation)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Recommendation.case_id,
            Case.reference,
            Agency.name,
            Recommendation.number,
            Recommendation.status,
            Recommendation.target_on,
            last_update,
        )
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
        AgencyImplementation(
            name,
            c["total"],
            c["implemented"],
            c["awaiting_evidence"],
            c["in_progress"],
            c["not_started"],
            c["not_accepted"],
            c["past_target"],
        )
        for name, c in sorted(by_agency.items(), key=lambda item: item[0].casefold())
    )
    overdue.sort(key=lambda r: (r.agency.casefold(), r.reference, _natural(r.number)))
    return totals, opens, agencies, tuple(overdue)


def _natural(number: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", number))


def _escalations(session: Session, as_of: dt.date) -> tuple[AgencyEscalation, ...]:
    """Agencies with an overdue update, at the level the escalation engine puts them on `as_of`."""
    entries = []
    for position in escalations(session, as_of):
        overdue = position.overdue
        if not overdue or position.level is None:
            continue
        due = position.action_due
        entries.append(
            AgencyEscalation(
                agency=position.agency_name,
                level=position.level.level,
                level_label=position.level.label,
                due_on=position.due_on,
                working_days_late=position.working_days_late,
                items=len(position.outstanding),
                references=tuple(sorted({item.case_reference for item in position.outstanding})),
                action_due=f"Level {due.level}: {due.label}" if due else "",
            )
        )
    entries.sort(key=lambda e: (-e.level, e.due_on, e.agency.casefold()))
    return tuple(entries)


def _implemented_since(session: Session, since: dt.date | None, as_of: dt.date) -> int:
    """Recommendations (of any case, closed ones too) implemented after `since` and up to `as_of`."""
    when = func.coalesce(Recommendation.signed_off_on, Recommendation.status_changed_on, Recommendation.completed_on)
    query = select(func.count(Recommendation.id)).where(
        Recommendation.status == RecommendationStatus.IMPLEMENTED,
        when <= as_of,
    )
    if since is not None:
        query = query.where(when > since)
    return session.scalar(query) or 0


def _decisions(
    reviews: Sequence[ReviewSection], escalations: Sequence[AgencyEscalation], extra: Sequence[str]
) -> tuple[str, ...]:
    decisions = [
        f"Note the progress of the {len(reviews)} open review{'s' if len(reviews) != 1 else ''} set out in this paper."
    ]
    slipping = [r.reference for r in reviews if r.slipping]
    if slipping:
        decisions.append(
            f"Note that {len(slipping)} review{'s are' if len(slipping) != 1 else ' is'} running beyond the expected "
            f"timescale ({join_and(slipping)}), and the reasons given."
        )
    for_signoff = [r.reference for r in reviews if r.stage is Stage.PARTNERSHIP_SIGNOFF]
    if for_signoff:
        decisions.append(
            f"Approve the overview report and action plan of {join_and(for_signoff)} for submission to the Home Office."
        )
    written = sorted({e.agency for e in escalations if e.level >= 4})
    if written:
        decisions.append(
            "Note that the KCSP Chair has written, or will write, to the chief officer of "
            f"{join_and(written)}, whose updates remain outstanding."
        )
    to_chair = sorted({e.agency for e in escalations if e.level == 3} - set(written))
    if to_chair:
        decisions.append(
            "Agree escalation to the KCSP Chair: a letter from the Chair to the chief officer of "
            f"{join_and(to_chair)}, whose updates remain outstanding."
        )
    decisions.extend(text.strip() for text in extra if text.strip())
    return tuple(decisions)


def gather_briefing(
    session: Session, meeting: Meeting, *, as_of: dt.date, decisions: Sequence[str] = ()
) -> BriefingData:
    """Everything the briefing for this meeting shows, as of a date (normally today).

    Deadlines, slippage and RAG come from the lifecycle engine; escalation levels from the escalation
    engine, so the paper says what the app's screens say.
    """
    overviews = caseload_overview(session, as_of, open_only=True)
    overviews.sort(key=lambda o: (o.facts.notified_on, o.facts.reference))
    case_ids = [o.facts.case_id for o in overviews if o.facts.case_id is not None]  # (loaded facts have their id)
    totals, opens, agencies, overdue = _recommendation_figures(session, case_ids, as_of)
    qa_body = Settings(session).get(QA_BODY_NAME)  # "Quality Assurance Panel", a "Board" from 2025
    reviews = tuple(_review_section(overview, totals, opens, qa_body) for overview in overviews)
    stage_counts = Counter(review.stage for review in reviews)
    open_by_stage = tuple((stage, stage_counts[stage]) for stage in Stage if stage.is_open)
    earlier = previous_meeting(session, meeting)
    escalated = _escalations(session, as_of)
    level_counts = Counter(entry.level for entry in escalated)
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
        level_labels=tuple((level.level, level.label) for level in current_ladder(session)),
        agencies=agencies,
        overdue_recommendations=overdue,
        escalations=escalated,
        decisions=_decisions(reviews, escalated, decisions),
    )
