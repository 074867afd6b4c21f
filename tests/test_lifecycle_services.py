"""Recording the life of a review on a real encrypted database: stages advance, refusals save nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dhr_tracker.casework.cases import create_case, find_case
from dhr_tracker.errors import ValidationError
from dhr_tracker.lifecycle import services
from dhr_tracker.lifecycle.overview import case_overview, caseload_overview
from dhr_tracker.model import Milestone, Pause, Publication, QARound
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

pytestmark = pytest.mark.both_engines


D = dt.date
K = MilestoneKind
TODAY = D(2026, 11, 23)


def new_case(session, reference="DHR-2025-01", notified_on=D(2025, 1, 6), **values):
    return create_case(
        session, today=TODAY, reference=reference, pseudonym="Alex", notified_on=notified_on, csp_area="Swale", **values
    )


def test_a_review_from_notification_to_closure_with_two_home_office_rounds(database):
    with database.transaction() as s:
        case = new_case(s)
        assert case.stage is Stage.NOTIFICATION
        services.record_decision(
            s, case, Decision.REVIEW, D(2025, 1, 31), home_office_informed_on=D(2025, 2, 3), today=TODAY
        )
        assert (case.stage, case.decision) == (Stage.DECISION, Decision.REVIEW)
        services.record_milestone(s, case, K.CHAIR_APPOINTED, D(2025, 2, 20), today=TODAY)
        assert case.stage is Stage.COMMISSIONING
        services.record_milestone(s, case, K.TERMS_OF_REFERENCE_AGREED, D(2025, 3, 5), today=TODAY)
        services.record_milestone(s, case, K.IMR_REQUESTED, D(2025, 3, 6), agency="Kent Police", today=TODAY)
        assert case.stage is Stage.INFORMATION_GATHERING
        services.record_milestone(s, case, K.IMR_RECEIVED, D(2025, 4, 10), agency="kent police", today=TODAY)
        services.record_milestone(s, case, K.FAMILY_CONTACTED, D(2025, 3, 10), note="Advocate from AAFDA", today=TODAY)
        services.record_milestone(s, case, K.PANEL_MEETING, D(2025, 4, 24), today=TODAY)
        assert case.stage is Stage.DRAFTING
        services.record_milestone(s, case, K.DRAFT_REPORT, D(2025, 6, 30), today=TODAY)
        services.record_milestone(s, case, K.PARTNERSHIP_SIGNOFF, D(2025, 7, 15), today=TODAY)
        assert case.stage is Stage.PARTNERSHIP_SIGNOFF

        first = services.record_qa_submission(s, case, D(2025, 7, 21), today=TODAY)
        assert (first.round_number, case.stage) == (1, Stage.HOME_OFFICE_QA)
        services.record_qa_feedback(
            s,
            case,
            1,
            outcome=QAOutcome.RESUBMISSION_REQUIRED,
            panel_on=D(2025, 9, 10),
            feedback_letter_on=D(2025, 9, 24),
            feedback_reference="HO/QA/123",
            today=TODAY,
        )
        assert case.stage is Stage.DRAFTING  # back to drafting
        services.record_milestone(s, case, K.PARTNERSHIP_SIGNOFF, D(2025, 11, 4), today=TODAY)
        assert case.stage is Stage.PARTNERSHIP_SIGNOFF
        second = services.record_qa_submission(s, case, D(2025, 11, 10), today=TODAY)
        assert (second.round_number, case.stage) == (2, Stage.HOME_OFFICE_QA)
        services.record_qa_feedback(
            s,
            case,
            2,
            outcome=QAOutcome.APPROVED_SUBJECT_TO_REVISIONS,
            panel_on=D(2026, 1, 14),
            feedback_letter_on=D(2026, 1, 28),
            revisions_listed="Clarify the chronology.",
            today=TODAY,
        )
        assert case.stage is Stage.HOME_OFFICE_QA  # revisions not yet made
        services.record_revisions_made(s, case, 2, D(2026, 2, 9), today=TODAY)
        assert case.stage is Stage.PUBLICATION

        publication = services.record_publication(
            s, case, D(2026, 3, 2), family_told_on=D(2026, 2, 23), sent_to_library_on=D(2026, 3, 3), today=TODAY
        )
        assert publication.website_removal_on == D(2027, 3, 2)  # default 12 months
        assert case.stage is Stage.ACTION_PLAN_MONITORING
        services.record_milestone(s, case, K.ACTION_PLAN_COMPLETE, D(2026, 10, 1), today=TODAY)
        services.close_case(s, case, D(2026, 10, 5), note="All recommendations signed off", today=TODAY)
        assert case.stage is Stage.CLOSED

    with database.transaction() as s:
        overview, timeline = case_overview(s, "DHR-2025-01", TODAY)
        kinds = [event.kind for event in timeline]
        assert kinds[0] == "notification" and kinds[-1] in ("closed", "website_removal")
        assert kinds.count("qa_submitted") == 2 and kinds.count("qa_letter") == 2
        assert [e.on for e in timeline] == sorted(e.on for e in timeline)
        letter = next(e for e in timeline if e.kind == "qa_letter")
        assert "Resubmission required" in letter.label and "HO/QA/123" in letter.detail
        assert overview.rag.rating.value == "closed"
        completion = next(d for d in overview.deadlines if d.milestone.value == "completion")
        # Decided 31/01/2025: due 31/07/2025; met by the sign-off of 15/07/2025.
        assert (completion.due, completion.met_on, completion.status.value) == (D(2025, 7, 31), D(2025, 7, 15), "met")


def test_publication_uses_the_website_months_setting(database):
    with database.transaction() as s:
        Settings(s).set(PUBLICATION_MONTHS, 6)
        case = approved_case(s)
        publication = services.record_publication(s, case, D(2025, 8, 31), today=TODAY)
        assert publication.website_removal_on == D(2026, 2, 28)


def approved_case(s, **values):
    case = new_case(s, **values)
    services.record_decision(
        s, case, Decision.REVIEW, D(2025, 1, 31), home_office_informed_on=D(2025, 2, 3), today=TODAY
    )
    services.record_milestone(s, case, K.PARTNERSHIP_SIGNOFF, D(2025, 6, 2), today=TODAY)
    services.record_qa_submission(s, case, D(2025, 6, 9), today=TODAY)
    services.record_qa_feedback(s, case, 1, outcome=QAOutcome.APPROVED, feedback_letter_on=D(2025, 8, 1), today=TODAY)
    return case


def test_a_decision_not_to_review_closes_the_case_with_the_home_office_informed(database):
    with database.transaction() as s:
        case = new_case(s)
        services.record_decision(
            s,
            case,
            Decision.NO_REVIEW,
            D(2025, 1, 28),
            home_office_informed_on=D(2025, 1, 30),
            note="Criteria not met: death by natural causes",
            today=TODAY,
        )
        assert (case.stage, case.decision) == (Stage.CLOSED, Decision.NO_REVIEW)
        kinds = [(m.kind, m.occurred_on) for m in sorted(case.milestones, key=lambda m: (m.occurred_on, m.id))]
        assert kinds == [
            (K.DECISION, D(2025, 1, 28)),
            (K.HOME_OFFICE_INFORMED, D(2025, 1, 30)),
            (K.CLOSED, D(2025, 1, 30)),
        ]
    with database.transaction() as s:
        assert [o.reference for o in caseload_overview(s, TODAY)] == []  # closed: not in the open caseload
        assert [o.reference for o in caseload_overview(s, TODAY, open_only=False)] == ["DHR-2025-01"]

    # The Home Office QA Panel advises the Home Secretary to direct a review: re-open, then decide again.
    with database.transaction() as s:
        case = find_case(s, "DHR-2025-01")
        services.reopen_case(s, case, D(2025, 4, 14), "Home Secretary directed a review", today=TODAY)
        assert case.stage is Stage.DECISION
        services.record_decision(
            s, case, Decision.REVIEW, D(2025, 4, 22), home_office_informed_on=D(2025, 4, 22), today=TODAY
        )
        assert (case.stage, case.decision) == (Stage.DECISION, Decision.REVIEW)
        reopened = next(m for m in case.milestones if m.kind is K.REOPENED)
        assert reopened.note == "Home Secretary directed a review"


def test_a_pause_for_the_criminal_trial_moves_completion(database):
    with database.transaction() as s:
        case = new_case(s, notified_on=D(2024, 12, 20))
        services.record_decision(
            s, case, Decision.REVIEW, D(2025, 1, 15), home_office_informed_on=D(2025, 1, 16), today=TODAY
        )
        trial = services.add_parallel_process(
            s,
            case,
            ParallelProcessKind.CRIMINAL_TRIAL,
            status=ProcessStatus.ONGOING,
            started_on=D(2025, 2, 1),
            expected_end_on=D(2025, 5, 30),
            today=TODAY,
        )
        services.start_pause(
            s,
            case,
            "Awaiting the criminal trial",
            D(2025, 3, 1),
            parallel_process=trial,
            home_office_told_on=D(2025, 3, 3),
            today=TODAY,
        )
        services.end_pause(s, case, D(2025, 5, 31), today=TODAY)
        services.update_parallel_process(s, case, trial, concluded_on=D(2025, 5, 30), today=TODAY)
        assert trial.status is ProcessStatus.CONCLUDED
    with database.transaction() as s:
        [overview] = caseload_overview(s, D(2025, 10, 1))
        completion = next(d for d in overview.deadlines if d.milestone.value == "completion")
        assert (completion.due, completion.paused_days, completion.status.value) == (D(2025, 10, 15), 92, "due")
        _, timeline = case_overview(s, "DHR-2025-01", D(2025, 10, 1))
        labels = [e.label for e in timeline]
        assert "Review paused (Criminal trial)" in labels and "Criminal trial concluded" in labels
        assert "Home Office told of the pause" in labels


def test_a_cross_border_case(database):
    with database.transaction() as s:
        case = create_case(
            s,
            today=TODAY,
            reference="XB-ESX-2025-02",
            pseudonym="Sam",
            notified_on=D(2025, 2, 3),
            commissioning_partnership="East Sussex CSP",
        )
        services.record_milestone(s, case, K.IMR_REQUESTED, D(2025, 3, 3), agency="Kent Police", today=TODAY)
        assert case.stage is Stage.INFORMATION_GATHERING
    with database.transaction() as s:
        [overview] = caseload_overview(s, D(2025, 5, 1))
        assert overview.facts.is_cross_border
        # Working days after Mon 14/04/2025 to Thu 01/05: 15-17, 22-25, 28/04-01/05 (Easter 18 and 21/04 off): 11.
        assert [(d.milestone.value, d.due, d.days_overdue) for d in overview.deadlines] == [("imr", D(2025, 4, 14), 11)]


def count_rows(database):
    with database.transaction() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) for model in (Milestone, QARound, Publication, Pause)
        )


def decided(s):
    case = new_case(s)
    services.record_decision(
        s, case, Decision.REVIEW, D(2025, 1, 31), home_office_informed_on=D(2025, 2, 3), today=TODAY
    )
    return case


def signed_off(s):
    case = decided(s)
    services.record_milestone(s, case, K.PARTNERSHIP_SIGNOFF, D(2025, 6, 2), today=TODAY)
    return case


def submitted(s):
    case = signed_off(s)
    services.record_qa_submission(s, case, D(2025, 6, 9), today=TODAY)
    return case


def with_revisions(s):
    case = submitted(s)
    services.record_qa_feedback(
        s,
        case,
        1,
        outcome=QAOutcome.APPROVED_SUBJECT_TO_REVISIONS,
        feedback_letter_on=D(2025, 8, 1),
        revisions_listed="Fix the dates.",
        today=TODAY,
    )
    return case


def published(s):
    case = approved_case(s)
    services.record_publication(s, case, D(2025, 9, 1), today=TODAY)
    return case


def closed(s):
    case = published(s)
    services.close_case(s, case, D(2026, 1, 5), today=TODAY)
    return case


def paused(s):
    case = decided(s)
    services.start_pause(s, case, "Inquest", D(2025, 3, 1), today=TODAY)
    return case


REJECTED = [
    # (rule, set-up, the refused change, dates the message must name)
    (
        "before_notification",
        new_case,
        lambda s, c: services.record_decision(
            s, c, Decision.REVIEW, D(2025, 1, 2), home_office_informed_on=D(2025, 1, 3), today=TODAY
        ),
        ["02/01/2025", "06/01/2025"],
    ),
    (
        "in_future",
        decided,
        lambda s, c: services.record_milestone(s, c, K.CHAIR_APPOINTED, D(2026, 12, 1), today=TODAY),
        ["01/12/2026", "23/11/2026"],
    ),
    (
        "decision_required",
        new_case,
        lambda s, c: services.record_milestone(s, c, K.CHAIR_APPOINTED, D(2025, 2, 1), today=TODAY),
        [],
    ),
    (
        "before_decision",
        decided,
        lambda s, c: services.record_milestone(s, c, K.PANEL_MEETING, D(2025, 1, 20), today=TODAY),
        ["20/01/2025", "31/01/2025"],
    ),
    (
        "informed_before_decision",
        new_case,
        lambda s, c: services.record_decision(
            s, c, Decision.REVIEW, D(2025, 1, 31), home_office_informed_on=D(2025, 1, 30), today=TODAY
        ),
        ["30/01/2025", "31/01/2025"],
    ),
    (
        "no_review_needs_home_office",
        new_case,
        lambda s, c: services.record_decision(s, c, Decision.NO_REVIEW, D(2025, 1, 31), today=TODAY),
        [],
    ),
    (
        "decision_exists",
        decided,
        lambda s, c: services.record_decision(
            s, c, Decision.NO_REVIEW, D(2025, 2, 5), home_office_informed_on=D(2025, 2, 5), today=TODAY
        ),
        ["31/01/2025"],
    ),
    (
        "agency_required",
        decided,
        lambda s, c: services.record_milestone(s, c, K.IMR_REQUESTED, D(2025, 2, 5), today=TODAY),
        [],
    ),
    (
        "imr_before_request",
        decided,
        lambda s, c: (
            services.record_milestone(s, c, K.IMR_REQUESTED, D(2025, 2, 10), agency="Kent Police", today=TODAY),
            services.record_milestone(s, c, K.IMR_RECEIVED, D(2025, 2, 7), agency="Kent Police", today=TODAY),
        ),
        ["07/02/2025", "10/02/2025"],
    ),
    ("signoff_required", decided, lambda s, c: services.record_qa_submission(s, c, D(2025, 6, 9), today=TODAY), []),
    (
        "before_signoff",
        signed_off,
        lambda s, c: services.record_qa_submission(s, c, D(2025, 5, 30), today=TODAY),
        ["30/05/2025", "02/06/2025"],
    ),
    (
        "previous_round_open",
        submitted,
        lambda s, c: services.record_qa_submission(s, c, D(2025, 7, 1), today=TODAY),
        ["09/06/2025"],
    ),
    (
        "letter_before_submission",
        submitted,
        lambda s, c: services.record_qa_feedback(
            s, c, 1, outcome=QAOutcome.APPROVED, feedback_letter_on=D(2025, 6, 5), today=TODAY
        ),
        ["05/06/2025", "09/06/2025"],
    ),
    (
        "letter_before_panel",
        submitted,
        lambda s, c: services.record_qa_feedback(
            s, c, 1, outcome=QAOutcome.APPROVED, panel_on=D(2025, 7, 10), feedback_letter_on=D(2025, 7, 1), today=TODAY
        ),
        ["01/07/2025", "10/07/2025"],
    ),
    (
        "revisions_required",
        submitted,
        lambda s, c: services.record_qa_feedback(
            s, c, 1, outcome=QAOutcome.APPROVED_SUBJECT_TO_REVISIONS, feedback_letter_on=D(2025, 7, 1), today=TODAY
        ),
        [],
    ),
    (
        "no_resubmission_asked",
        approved_case,
        lambda s, c: services.record_qa_submission(s, c, D(2025, 9, 1), today=TODAY),
        [],
    ),
    (
        "revisions_before_letter",
        with_revisions,
        lambda s, c: services.record_revisions_made(s, c, 1, D(2025, 7, 20), today=TODAY),
        ["20/07/2025", "01/08/2025"],
    ),
    (
        "publication_needs_approval",
        submitted,
        lambda s, c: services.record_publication(s, c, D(2025, 9, 1), today=TODAY),
        [],
    ),
    (
        "publication_needs_approval",
        with_revisions,
        lambda s, c: services.record_publication(s, c, D(2025, 9, 1), today=TODAY),
        [],
    ),
    (
        "published_before_approval",
        approved_case,
        lambda s, c: services.record_publication(s, c, D(2025, 7, 30), today=TODAY),
        ["30/07/2025", "01/08/2025"],
    ),
    (
        "removal_before_publication",
        approved_case,
        lambda s, c: services.record_publication(s, c, D(2025, 9, 1), website_removal_on=D(2025, 8, 1), today=TODAY),
        ["01/08/2025", "01/09/2025"],
    ),
    (
        "commissioner_dardr_only",
        approved_case,
        lambda s, c: services.record_publication(
            s, c, D(2025, 9, 1), sent_to_commissioner_on=D(2025, 9, 2), today=TODAY
        ),
        [],
    ),
    (
        "already_published",
        published,
        lambda s, c: services.record_publication(s, c, D(2025, 9, 2), today=TODAY),
        ["01/09/2025"],
    ),
    ("reason_required", decided, lambda s, c: services.start_pause(s, c, "  ", D(2025, 3, 1), today=TODAY), []),
    (
        "pause_ends_before_start",
        decided,
        lambda s, c: services.start_pause(s, c, "Trial", D(2025, 3, 1), ends_on=D(2025, 2, 20), today=TODAY),
        ["20/02/2025", "01/03/2025"],
    ),
    (
        "pause_overlaps",
        paused,
        lambda s, c: services.start_pause(s, c, "Trial", D(2025, 4, 1), today=TODAY),
        ["01/04/2025", "01/03/2025"],
    ),
    (
        "pause_ends_before_start",
        paused,
        lambda s, c: services.end_pause(s, c, D(2025, 2, 25), today=TODAY),
        ["25/02/2025", "01/03/2025"],
    ),
    ("no_open_pause", decided, lambda s, c: services.end_pause(s, c, D(2025, 3, 1), today=TODAY), []),
    ("not_published", decided, lambda s, c: services.close_case(s, c, D(2025, 3, 1), today=TODAY), []),
    (
        "closed_before_publication",
        published,
        lambda s, c: services.close_case(s, c, D(2025, 8, 30), today=TODAY),
        ["30/08/2025", "01/09/2025"],
    ),
    (
        "case_closed",
        closed,
        lambda s, c: services.record_milestone(s, c, K.PANEL_MEETING, D(2026, 2, 1), today=TODAY),
        [],
    ),
    ("not_closed", decided, lambda s, c: services.reopen_case(s, c, D(2025, 3, 1), "New information", today=TODAY), []),
    ("reason_required", closed, lambda s, c: services.reopen_case(s, c, D(2026, 2, 1), "", today=TODAY), []),
    (
        "reopened_before_closure",
        closed,
        lambda s, c: services.reopen_case(s, c, D(2025, 12, 1), "New information", today=TODAY),
        ["01/12/2025", "05/01/2026"],
    ),
    (
        "use_specific_service",
        decided,
        lambda s, c: services.record_milestone(s, c, K.CLOSED, D(2025, 3, 1), today=TODAY),
        [],
    ),
    (
        "concluded_before_start",
        decided,
        lambda s, c: services.add_parallel_process(
            s, c, ParallelProcessKind.INQUEST, started_on=D(2025, 5, 1), concluded_on=D(2025, 4, 1), today=TODAY
        ),
        ["01/04/2025", "01/05/2025"],
    ),
]


@pytest.mark.parametrize(
    ("rule", "setup", "change", "dates"), REJECTED, ids=[f"{i}-{r[0]}" for i, r in enumerate(REJECTED)]
)
def test_each_rejected_transition_names_the_rule_and_dates_and_saves_nothing(database, rule, setup, change, dates):
    with database.transaction() as s:
        setup(s)
    before = count_rows(database)
    with database.transaction() as s:
        case = find_case(s, "DHR-2025-01")
        stage = case.stage
        with pytest.raises(ValidationError) as refused:
            change(s, case)
        if rule == "imr_before_request":  # the request itself was recorded first, in the same change
            s.rollback()
            return
        assert case.stage is stage
    assert refused.value.rule == rule
    for date in dates:
        assert date in refused.value.message
    assert count_rows(database) == before


def test_dardr_publication_goes_to_the_commissioner(database):
    with database.transaction() as s:
        case = approved_case(s, guidance_profile=GuidanceProfile.DARDR)
        publication = services.record_publication(
            s, case, D(2025, 9, 1), sent_to_commissioner_on=D(2025, 9, 1), today=TODAY
        )
        assert publication.sent_to_commissioner_on == D(2025, 9, 1)


def test_dardr_scoping_may_precede_the_decision(database):
    with database.transaction() as s:
        case = new_case(s, guidance_profile=GuidanceProfile.DARDR)
        services.record_milestone(s, case, K.SCOPING_COMPLETED, D(2025, 1, 20), today=TODAY)
        assert case.stage is Stage.COMMISSIONING


def test_bulk_facts_match_single_case_facts(database):
    from dhr_tracker.lifecycle.facts import facts_from_case, load_case_facts

    with database.transaction() as s:
        published(s)
        paused_case = new_case(s, reference="DHR-2025-02")
        services.record_decision(
            s, paused_case, Decision.REVIEW, D(2025, 1, 31), home_office_informed_on=D(2025, 2, 3), today=TODAY
        )
        services.record_milestone(s, paused_case, K.IMR_REQUESTED, D(2025, 2, 10), agency="Kent Police", today=TODAY)
        services.start_pause(s, paused_case, "Inquest", D(2025, 3, 1), today=TODAY)
    with database.transaction() as s:
        bulk = load_case_facts(s)
        single = [facts_from_case(find_case(s, ref)) for ref in ("DHR-2025-01", "DHR-2025-02")]
        assert bulk == single


def test_removing_a_mistaken_event_or_pause(database):
    with database.transaction() as s:
        case = decided(s)
        chair = services.record_milestone(s, case, K.CHAIR_APPOINTED, D(2025, 2, 20), today=TODAY)
        assert case.stage is Stage.COMMISSIONING
        services.remove_milestone(s, case, chair)
        assert case.stage is Stage.DECISION
        pause = services.start_pause(s, case, "Inquest", D(2025, 3, 1), today=TODAY)
        services.remove_pause(s, case, pause)
        decision = next(m for m in case.milestones if m.kind is K.DECISION)
        with pytest.raises(ValidationError) as refused:
            services.remove_milestone(s, case, decision)
        assert refused.value.rule == "cannot_remove"
    with database.transaction() as s:
        case = find_case(s, "DHR-2025-01")
        assert [m.kind for m in case.milestones] == [K.DECISION, K.HOME_OFFICE_INFORMED] and case.pauses == []
        services.record_milestone(s, case, K.PARTNERSHIP_SIGNOFF, D(2025, 6, 2), today=TODAY)
        services.record_qa_submission(s, case, D(2025, 6, 9), today=TODAY)
        signoff = next(m for m in case.milestones if m.kind is K.PARTNERSHIP_SIGNOFF)
        with pytest.raises(ValidationError) as refused:
            services.remove_milestone(s, case, signoff)
        assert refused.value.rule == "signoff_in_use"
