"""Lifecycle services: record what happened to a review, validated, and keep its stage in step.

Every function takes a Session and a loaded Case, validates everything before changing anything, and
raises ValidationError (naming the rule and the dates, dd/mm/yyyy) having saved nothing. `today` is
injectable for tests; it defaults to today's date in the UK.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.lifecycle.stages import derive_stage
from dhr_tracker.model import Agency, Case, Milestone, ParallelProcess, Pause, Publication, QARound, Recommendation
from dhr_tracker.settings import PUBLICATION_MONTHS, Settings
from dhr_tracker.vocabulary import (
    Decision,
    GuidanceProfile,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    Stage,
)

# Milestones with their own service (which records them with the facts that go with them).
SPECIAL_MILESTONES = (MilestoneKind.DECISION, MilestoneKind.CLOSED, MilestoneKind.REOPENED)
AGENCY_MILESTONES = (MilestoneKind.IMR_REQUESTED, MilestoneKind.IMR_RECEIVED)


def _refuse(message: str, rule: str, field: str | None = None) -> NoReturn:
    raise ValidationError(message, field=field, rule=rule)


def _check_date(
    case: Case, day: Any, label: str, field: str, today: dt.date, *, required: bool = True
) -> dt.date | None:
    """A real date, not before the notification, not in the future."""
    if day in (None, ""):
        if required:
            _refuse(f"The {label} date is required.", "required", field)
        return None
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        _refuse(f"The {label} date must be a date.", "not_a_date", field)
    if day < case.notified_on:
        _refuse(
            f"The {label} date {format_date(day)} is before the notification date {format_date(case.notified_on)}; "
            "nothing in a review can happen before it is notified. Check both dates.",
            "before_notification",
            field,
        )
    if day > today:
        _refuse(
            f"The {label} date {format_date(day)} is in the future (today is {format_date(today)}). "
            "Record events once they have happened.",
            "in_future",
            field,
        )
    return day


def _not_before(
    day: dt.date | None, earlier: dt.date | None, label: str, earlier_label: str, rule: str, field: str
) -> None:
    if day is not None and earlier is not None and day < earlier:
        _refuse(
            f"The {label} date {format_date(day)} is before the {earlier_label} date {format_date(earlier)}.",
            rule,
            field,
        )


def _require_open(case: Case, action: str) -> None:
    if facts_from_case(case).closed_on is not None:
        _refuse(f"Case {case.reference} is closed. Re-open it (with a reason) before you {action}.", "case_closed")


def _require_review(case: Case, action: str) -> dt.date:
    """The date of the decision to review; a cross-border case needs none (its own partnership decided)."""
    facts = facts_from_case(case)
    if facts.is_cross_border and facts.decided_on is None:
        return case.notified_on
    if facts.decided_on is None or case.decision is not Decision.REVIEW:
        _refuse(
            f"Case {case.reference} has no decision to review. Record the decision to review before you {action}.",
            "decision_required",
        )
    return facts.decided_on


def _resync(session: Session, case: Case) -> None:
    case.stage = derive_stage(facts_from_case(case))
    session.flush()


def _resolve_agency(session: Session, agency: Agency | str | int | None, kind: MilestoneKind) -> Agency | None:
    if agency in (None, ""):
        if kind in AGENCY_MILESTONES:
            _refuse(f"Say which agency the {kind.label} is for.", "agency_required", "agency")
        return None
    if isinstance(agency, Agency):
        return agency
    if isinstance(agency, int):
        found = session.get(Agency, agency)
    else:
        found = session.scalar(select(Agency).where(Agency.name.ilike(str(agency).strip())))
    if found is None:
        _refuse(f"There is no agency called '{agency}'. Add it to the agency list first.", "unknown_agency", "agency")
    return found


# --- Milestones and the decision -------------------------------------------------------------------


def record_milestone(
    session: Session,
    case: Case,
    kind: MilestoneKind,
    occurred_on: dt.date,
    *,
    agency: Agency | str | int | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Milestone:
    """Record a dated event (chair appointed, IMR requested/received from an agency, panel meeting...).

    Refused: a date before the notification or in the future; any event but the decision on a closed case;
    review events (from chair appointed on) without a decision to review, or dated before that decision;
    an IMR received before it was requested from that agency; the Home Office informed before the decision.
    """
    today = today or today_uk()
    kind = kind if isinstance(kind, MilestoneKind) else MilestoneKind.from_text(str(kind))
    if kind in SPECIAL_MILESTONES:
        service = {
            MilestoneKind.DECISION: "record_decision",
            MilestoneKind.CLOSED: "close_case",
            MilestoneKind.REOPENED: "reopen_case",
        }[kind]
        _refuse(
            f"Record '{kind.label}' with its own step ({service}), which records what goes with it.",
            "use_specific_service",
        )
    _check_date(case, occurred_on, kind.label.lower(), "occurred_on", today)
    _require_open(case, "record more events")
    facts = facts_from_case(case)
    agency_row = _resolve_agency(session, agency, kind)
    if kind is MilestoneKind.HOME_OFFICE_INFORMED:
        if facts.decided_on is None:
            _refuse("Record the decision before recording that the Home Office was told of it.", "decision_required")
        _not_before(occurred_on, facts.decided_on, "Home Office informed", "decision", "before_decision", "occurred_on")
    elif kind is not MilestoneKind.SCOPING_COMPLETED or case.guidance_profile is not GuidanceProfile.DARDR:
        decided_on = _require_review(case, f"record '{kind.label}'")
        _not_before(occurred_on, decided_on, kind.label.lower(), "decision to review", "before_decision", "occurred_on")
    if kind is MilestoneKind.IMR_RECEIVED and agency_row is not None:  # (an IMR always names its agency)
        requests = [
            m.occurred_on
            for m in case.milestones
            if m.kind is MilestoneKind.IMR_REQUESTED and m.agency_id == agency_row.id
        ]
        if requests and occurred_on < min(requests):
            _refuse(
                f"The IMR received date {format_date(occurred_on)} is before {agency_row.name} was asked for it "
                f"({format_date(min(requests))}).",
                "imr_before_request",
                "occurred_on",
            )
    milestone = Milestone(kind=kind, occurred_on=occurred_on, agency=agency_row, note=(note or "").strip())
    case.milestones.append(milestone)
    _resync(session, case)
    return milestone


def record_decision(
    session: Session,
    case: Case,
    decision: Decision,
    decided_on: dt.date,
    *,
    home_office_informed_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Case:
    """Record the partnership's decision (review or no review), and when the Home Office was told.

    A decision not to review closes the case, so it needs the date the Home Office was informed (the
    Home Office QA Panel sees decisions not to review). Refused: a second decision while one stands
    (unless the case was re-opened since, e.g. the Home Secretary directed a review); dates before the
    notification or in the future; the Home Office informed before the decision.
    """
    today = today or today_uk()
    decision = decision if isinstance(decision, Decision) else Decision.from_text(str(decision))
    _check_date(case, decided_on, "decision", "decided_on", today)
    _check_date(case, home_office_informed_on, "Home Office informed", "home_office_informed_on", today, required=False)
    _not_before(
        home_office_informed_on,
        decided_on,
        "Home Office informed",
        "decision",
        "informed_before_decision",
        "home_office_informed_on",
    )
    _require_open(case, "record a new decision")
    facts = facts_from_case(case)
    if facts.decided_on is not None and (facts.reopened_on is None or facts.reopened_on < facts.decided_on):
        _refuse(
            f"Case {case.reference} already has a decision, recorded on {format_date(facts.decided_on)}. "
            "A new decision needs the case to be re-opened first, with the reason.",
            "decision_exists",
        )
    if facts.reopened_on is not None:
        _not_before(decided_on, facts.reopened_on, "decision", "re-opening", "before_reopening", "decided_on")
    if decision is Decision.NO_REVIEW and home_office_informed_on is None:
        _refuse(
            "A decision not to review closes the case, and the Home Office must be told of it: "
            "give the date the Home Office was informed.",
            "no_review_needs_home_office",
            "home_office_informed_on",
        )
    case.decision = decision
    case.milestones.append(
        Milestone(kind=MilestoneKind.DECISION, occurred_on=decided_on, note=(note or "").strip() or decision.label)
    )
    if home_office_informed_on is not None:
        case.milestones.append(Milestone(kind=MilestoneKind.HOME_OFFICE_INFORMED, occurred_on=home_office_informed_on))
    if decision is Decision.NO_REVIEW and home_office_informed_on is not None:  # (refused above without it)
        case.milestones.append(
            Milestone(
                kind=MilestoneKind.CLOSED,
                occurred_on=max(decided_on, home_office_informed_on),
                note="Decision not to review; Home Office informed",
            )
        )
    _resync(session, case)
    return case


# --- Home Office quality assurance ---------------------------------------------------------------


def record_qa_submission(
    session: Session, case: Case, submitted_on: dt.date, *, today: dt.date | None = None
) -> QARound:
    """A new submission to the Home Office QA Panel (round 1, 2, ...).

    Refused: before partnership sign-off (or before the decision to review); while the previous round awaits
    its outcome or was approved; before the previous round's feedback letter.
    """
    today = today or today_uk()
    _check_date(case, submitted_on, "submission", "submitted_on", today)
    _require_open(case, "submit to the Home Office")
    decided_on = _require_review(case, "submit to the Home Office")
    _not_before(submitted_on, decided_on, "submission", "decision to review", "before_decision", "submitted_on")
    facts = facts_from_case(case)
    signed_off = facts.first(MilestoneKind.PARTNERSHIP_SIGNOFF)
    if signed_off is None:
        _refuse(
            "The partnership has not signed the report off. Record the partnership sign-off before the first "
            "Home Office submission.",
            "signoff_required",
        )
    _not_before(submitted_on, signed_off, "submission", "partnership sign-off", "before_signoff", "submitted_on")
    previous = facts.latest_qa_round
    if previous is not None:
        if previous.outcome is None:
            _refuse(
                f"Round {previous.round_number} (submitted {format_date(previous.submitted_on)}) has no outcome yet. "
                "Record its feedback letter before a new submission.",
                "previous_round_open",
            )
        if previous.outcome is not QAOutcome.RESUBMISSION_REQUIRED:
            _refuse(
                f"Round {previous.round_number} was {previous.outcome.label.lower()}; a new submission is needed only "
                "when the Home Office asks for resubmission.",
                "no_resubmission_asked",
            )
        _not_before(
            submitted_on,
            previous.feedback_letter_on,
            "resubmission",
            f"round {previous.round_number} feedback letter",
            "before_previous_letter",
            "submitted_on",
        )
    qa_round = QARound(round_number=(previous.round_number + 1) if previous else 1, submitted_on=submitted_on)
    case.qa_rounds.append(qa_round)
    _resync(session, case)
    return qa_round


def record_qa_feedback(
    session: Session,
    case: Case,
    round_number: int,
    *,
    outcome: QAOutcome,
    feedback_letter_on: dt.date,
    panel_on: dt.date | None = None,
    feedback_reference: str = "",
    revisions_listed: str = "",
    today: dt.date | None = None,
) -> QARound:
    """The panel date and feedback letter of a round, with its outcome (and the revisions listed, if any).

    Refused: panel or letter before the submission; letter before the panel; "approved subject to
    revisions" without the revisions listed; a round that is not the latest.
    """
    today = today or today_uk()
    outcome = outcome if isinstance(outcome, QAOutcome) else QAOutcome.from_text(str(outcome))
    qa_round = _find_round(case, round_number)
    _check_date(case, panel_on, "QA panel", "panel_on", today, required=False)
    _check_date(case, feedback_letter_on, "feedback letter", "feedback_letter_on", today)
    _require_open(case, "record Home Office feedback")
    _not_before(panel_on, qa_round.submitted_on, "QA panel", "submission", "panel_before_submission", "panel_on")
    _not_before(
        feedback_letter_on,
        qa_round.submitted_on,
        "feedback letter",
        "submission",
        "letter_before_submission",
        "feedback_letter_on",
    )
    _not_before(
        feedback_letter_on, panel_on, "feedback letter", "QA panel", "letter_before_panel", "feedback_letter_on"
    )
    if round_number != max(r.round_number for r in case.qa_rounds):
        _refuse(f"Round {round_number} is not the latest round; only the latest can be changed.", "not_latest_round")
    if outcome is QAOutcome.APPROVED_SUBJECT_TO_REVISIONS and not (revisions_listed or "").strip():
        _refuse("List the revisions the Home Office asked for.", "revisions_required", "revisions_listed")
    qa_round.outcome = outcome
    qa_round.panel_on = panel_on
    qa_round.feedback_letter_on = feedback_letter_on
    qa_round.feedback_reference = (feedback_reference or "").strip()
    qa_round.revisions_listed = (revisions_listed or "").strip()
    _resync(session, case)
    return qa_round


def record_revisions_made(
    session: Session, case: Case, round_number: int, made_on: dt.date, *, today: dt.date | None = None
) -> QARound:
    """The date the revisions listed by the Home Office were made (then the report may be published)."""
    today = today or today_uk()
    qa_round = _find_round(case, round_number)
    _check_date(case, made_on, "revisions made", "revisions_made_on", today)
    _require_open(case, "record revisions")
    if qa_round.outcome is not QAOutcome.APPROVED_SUBJECT_TO_REVISIONS:
        _refuse(f"Round {round_number} did not ask for listed revisions; nothing to record.", "no_revisions_asked")
    _not_before(
        made_on,
        qa_round.feedback_letter_on,
        "revisions made",
        "feedback letter",
        "revisions_before_letter",
        "revisions_made_on",
    )
    qa_round.revisions_made_on = made_on
    _resync(session, case)
    return qa_round


def _find_round(case: Case, round_number: int) -> QARound:
    for qa_round in case.qa_rounds:
        if qa_round.round_number == round_number:
            return qa_round
    _refuse(f"Case {case.reference} has no Home Office round {round_number}.", "unknown_round", "round_number")
    raise AssertionError  # unreachable


# --- Publication ---------------------------------------------------------------------------------


def record_publication(
    session: Session,
    case: Case,
    published_on: dt.date,
    *,
    website_removal_on: dt.date | None = None,
    sent_to_library_on: dt.date | None = None,
    family_told_on: dt.date | None = None,
    sent_to_commissioner_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Publication:
    """Publication, with the website removal date (default: the PUBLICATION_MONTHS setting after publication).

    Refused: without the Home Office's approval (approved, or approved subject to revisions that have been
    made); published before that approval; a second publication; the removal date before publication;
    library or Commissioner dates before publication; the Commissioner date on a DHR-2016 case.
    """
    today = today or today_uk()
    _check_date(case, published_on, "publication", "published_on", today)
    for day, label, field in (
        (sent_to_library_on, "sent to the DHR Library", "sent_to_library_on"),
        (family_told_on, "family told", "family_told_on"),
        (sent_to_commissioner_on, "sent to the Commissioner", "sent_to_commissioner_on"),
    ):
        _check_date(case, day, label, field, today, required=False)
    _require_open(case, "record publication")
    if case.publication is not None:
        _refuse(
            f"Case {case.reference} was already published on {format_date(case.publication.published_on)}.",
            "already_published",
        )
    facts = facts_from_case(case)
    latest = facts.latest_qa_round
    if latest is None or latest.approved_on is None:
        if latest is not None and latest.outcome is QAOutcome.APPROVED_SUBJECT_TO_REVISIONS:
            message = (
                f"The Home Office approved round {latest.round_number} subject to revisions, and their being made "
                "is not recorded. Record the date the revisions were made first."
            )
        else:
            message = (
                "Publication needs the Home Office QA Panel's approval, and none is recorded. "
                "Record the approving feedback letter first."
            )
        _refuse(message, "publication_needs_approval", "published_on")
    _not_before(
        published_on,
        latest.approved_on,
        "publication",
        "Home Office approval",
        "published_before_approval",
        "published_on",
    )
    removal = website_removal_on or published_on + relativedelta(months=Settings(session).get(PUBLICATION_MONTHS))
    _not_before(
        removal, published_on, "website removal", "publication", "removal_before_publication", "website_removal_on"
    )
    _not_before(
        sent_to_library_on,
        published_on,
        "sent to the DHR Library",
        "publication",
        "library_before_publication",
        "sent_to_library_on",
    )
    if sent_to_commissioner_on is not None:
        if case.guidance_profile is not GuidanceProfile.DARDR:
            _refuse(
                "Only DARDR reviews go to the Domestic Abuse Commissioner; this case follows the 2016 DHR guidance.",
                "commissioner_dardr_only",
                "sent_to_commissioner_on",
            )
        _not_before(
            sent_to_commissioner_on,
            published_on,
            "sent to the Commissioner",
            "publication",
            "commissioner_before_publication",
            "sent_to_commissioner_on",
        )
    publication = Publication(
        published_on=published_on,
        website_removal_on=removal,
        sent_to_library_on=sent_to_library_on,
        family_told_on=family_told_on,
        sent_to_commissioner_on=sent_to_commissioner_on,
    )
    case.publication = publication
    _resync(session, case)
    return publication


# --- Parallel processes and pauses ---------------------------------------------------------------


def add_parallel_process(
    session: Session,
    case: Case,
    kind: ParallelProcessKind,
    *,
    status: ProcessStatus = ProcessStatus.PENDING,
    started_on: dt.date | None = None,
    expected_end_on: dt.date | None = None,
    concluded_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> ParallelProcess:
    """A criminal trial, inquest, SAR, CSPR, IOPC or mental-health homicide review running alongside."""
    process = ParallelProcess()
    _apply_process(case, process, kind, status, started_on, expected_end_on, concluded_on, note, today or today_uk())
    case.parallel_processes.append(process)
    _resync(session, case)
    return process


def update_parallel_process(
    session: Session,
    case: Case,
    process: ParallelProcess,
    *,
    status: ProcessStatus | None = None,
    started_on: dt.date | None = None,
    expected_end_on: dt.date | None = None,
    concluded_on: dt.date | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> ParallelProcess:
    """Change a parallel process (dates given replace those stored; None keeps them)."""
    if process.case_id != case.id:
        _refuse("That process belongs to another case.", "wrong_case")
    _apply_process(
        case,
        process,
        process.kind,
        status or process.status,
        started_on or process.started_on,
        expected_end_on or process.expected_end_on,
        concluded_on or process.concluded_on,
        process.note if note is None else note,
        today or today_uk(),
    )
    _resync(session, case)
    return process


def _apply_process(case, process, kind, status, started_on, expected_end_on, concluded_on, note, today) -> None:
    kind = kind if isinstance(kind, ParallelProcessKind) else ParallelProcessKind.from_text(str(kind))
    status = status if isinstance(status, ProcessStatus) else ProcessStatus.from_text(str(status))
    _check_date(case, concluded_on, "concluded", "concluded_on", today, required=False)
    if started_on is not None and started_on > today:
        _refuse(
            f"The start date {format_date(started_on)} is in the future (today is {format_date(today)}); "
            "leave it empty and set the expected end.",
            "in_future",
            "started_on",
        )
    _not_before(concluded_on, started_on, "concluded", "start", "concluded_before_start", "concluded_on")
    _not_before(expected_end_on, started_on, "expected end", "start", "expected_end_before_start", "expected_end_on")
    if status is ProcessStatus.CONCLUDED and concluded_on is None:
        _refuse("Give the date the process concluded.", "concluded_date_required", "concluded_on")
    if concluded_on is not None and status is not ProcessStatus.CONCLUDED:
        status = ProcessStatus.CONCLUDED
    process.kind, process.status = kind, status
    process.started_on, process.expected_end_on, process.concluded_on = started_on, expected_end_on, concluded_on
    process.note = (note or "").strip()


def start_pause(
    session: Session,
    case: Case,
    reason: str,
    starts_on: dt.date,
    *,
    parallel_process: ParallelProcess | None = None,
    home_office_told_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Pause:
    """A pause (e.g. for the criminal trial): reason, start, optional end, and when the Home Office was told.

    Refused: no reason; dates before the notification or in the future; an end before the start; a pause
    overlapping another; a second open pause; a paused closed case.
    """
    today = today or today_uk()
    reason = (reason or "").strip()
    if not reason:
        _refuse(
            "Give the reason for the pause (for example, awaiting the criminal trial).", "reason_required", "reason"
        )
    _check_date(case, starts_on, "pause start", "starts_on", today)
    _check_date(case, ends_on, "pause end", "ends_on", today, required=False)
    _check_date(case, home_office_told_on, "Home Office told of pause", "home_office_told_on", today, required=False)
    _not_before(ends_on, starts_on, "pause end", "pause start", "pause_ends_before_start", "ends_on")
    _require_open(case, "pause it")
    if parallel_process is not None and parallel_process.case_id not in (case.id, None):
        _refuse("That process belongs to another case.", "wrong_case")
    for other in case.pauses:
        other_end = other.ends_on or dt.date.max
        this_end = ends_on or dt.date.max
        if starts_on <= other_end and other.starts_on <= this_end:
            _refuse(
                f"This pause ({format_date(starts_on)} onwards) overlaps the pause from {format_date(other.starts_on)}"
                f"{' (still in force)' if other.ends_on is None else ' to ' + format_date(other.ends_on)}. "
                "End or change that pause first.",
                "pause_overlaps",
                "starts_on",
            )
    pause = Pause(
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        home_office_told_on=home_office_told_on,
        parallel_process=parallel_process,
    )
    case.pauses.append(pause)
    _resync(session, case)
    return pause


def end_pause(
    session: Session,
    case: Case,
    ends_on: dt.date,
    *,
    home_office_told_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Pause:
    """End the pause in force (and record when the Home Office was told, if not yet recorded)."""
    today = today or today_uk()
    open_pauses = [p for p in case.pauses if p.ends_on is None]
    if not open_pauses:
        _refuse(f"Case {case.reference} has no pause in force.", "no_open_pause")
    pause = open_pauses[0]
    _check_date(case, ends_on, "pause end", "ends_on", today)
    _check_date(case, home_office_told_on, "Home Office told of pause", "home_office_told_on", today, required=False)
    _not_before(ends_on, pause.starts_on, "pause end", "pause start", "pause_ends_before_start", "ends_on")
    pause.ends_on = ends_on
    if home_office_told_on is not None:
        pause.home_office_told_on = home_office_told_on
    _resync(session, case)
    return pause


# --- Closure and re-opening ----------------------------------------------------------------------


def close_case(
    session: Session, case: Case, closed_on: dt.date, *, note: str = "", today: dt.date | None = None
) -> Case:
    """Close a review: published, and every recommendation implemented and signed off or not accepted.

    (A decision not to review closes the case by itself: see record_decision.) Refused: already closed;
    not yet published (a review that goes ahead closes after publication); open recommendations; a closure
    date before publication.
    """
    today = today or today_uk()
    _check_date(case, closed_on, "closure", "closed_on", today)
    _require_open(case, "close it again")
    facts = facts_from_case(case)
    if not facts.is_cross_border and case.decision is not Decision.NO_REVIEW:
        if case.publication is None:
            _refuse(
                f"Case {case.reference} has not been published. A review closes after publication, "
                "once its action plan is complete.",
                "not_published",
                "closed_on",
            )
        _not_before(
            closed_on, case.publication.published_on, "closure", "publication", "closed_before_publication", "closed_on"
        )
    open_recommendations = [
        r.number
        for r in session.scalars(select(Recommendation).where(Recommendation.case_id == case.id))
        if r.status.is_open
    ]
    if open_recommendations:
        _refuse(
            f"Recommendations {', '.join(sorted(open_recommendations))} are still open. Sign them off "
            "(or record that they were not accepted) before closing the case.",
            "open_recommendations",
        )
    _not_before(closed_on, facts.reopened_on, "closure", "re-opening", "closed_before_reopening", "closed_on")
    case.milestones.append(Milestone(kind=MilestoneKind.CLOSED, occurred_on=closed_on, note=(note or "").strip()))
    _resync(session, case)
    return case


def reopen_case(
    session: Session, case: Case, reopened_on: dt.date, reason: str, *, today: dt.date | None = None
) -> Case:
    """Re-open a closed case, with the reason (e.g. the Home Secretary directed a review; new information)."""
    today = today or today_uk()
    reason = (reason or "").strip()
    if not reason:
        _refuse("Give the reason for re-opening the case.", "reason_required", "reason")
    _check_date(case, reopened_on, "re-opening", "reopened_on", today)
    closed_on = facts_from_case(case).closed_on
    if closed_on is None:
        _refuse(f"Case {case.reference} is not closed.", "not_closed")
    _not_before(reopened_on, closed_on, "re-opening", "closure", "reopened_before_closure", "reopened_on")
    case.milestones.append(Milestone(kind=MilestoneKind.REOPENED, occurred_on=reopened_on, note=reason))
    _resync(session, case)
    return case


def refresh_stage(session: Session, case: Case) -> Stage:
    """Set the case's stage from its recorded facts (for data loaded without the services)."""
    _resync(session, case)
    return case.stage


# --- Corrections ---------------------------------------------------------------------------------


def remove_milestone(session: Session, case: Case, milestone: Milestone) -> None:
    """Remove an event recorded by mistake (not the decision, closure or re-opening, which have their own steps).

    Refused when later facts rest on it: the last partnership sign-off once submitted to the Home Office,
    an IMR request whose IMR has been received.
    """
    if milestone.case_id != case.id or milestone not in case.milestones:
        _refuse("That event belongs to another case.", "wrong_case")
    if milestone.kind in SPECIAL_MILESTONES:
        _refuse(
            f"'{milestone.kind.label}' cannot be removed; re-open the case (with a reason) to change it.",
            "cannot_remove",
        )
    _require_open(case, "change its events")
    others = [m for m in case.milestones if m is not milestone]
    if (
        milestone.kind is MilestoneKind.PARTNERSHIP_SIGNOFF
        and case.qa_rounds
        and not any(m.kind is MilestoneKind.PARTNERSHIP_SIGNOFF for m in others)
    ):
        _refuse(
            "The report has been submitted to the Home Office, so the partnership sign-off cannot be removed.",
            "signoff_in_use",
        )
    if (
        milestone.kind is MilestoneKind.IMR_REQUESTED
        and any(m.kind is MilestoneKind.IMR_RECEIVED and m.agency_id == milestone.agency_id for m in others)
        and not any(m.kind is MilestoneKind.IMR_REQUESTED and m.agency_id == milestone.agency_id for m in others)
    ):
        _refuse("That agency's IMR has been received; remove the IMR received first.", "imr_request_in_use")
    case.milestones.remove(milestone)
    _resync(session, case)


def remove_pause(session: Session, case: Case, pause: Pause) -> None:
    """Remove a pause recorded by mistake; its deadlines move back at once."""
    if pause.case_id != case.id or pause not in case.pauses:
        _refuse("That pause belongs to another case.", "wrong_case")
    _require_open(case, "change its pauses")
    case.pauses.remove(pause)
    _resync(session, case)
