"""Deadline engine scenarios, worked by hand from the guidance timescales (pure: no database).

Default timescales: decision 1 month after notification; Home Office told 5 working days after the
decision; IMRs 30 working days after the request; completion 6 months after the decision; DARDR scoping
1 month after the decision.
"""

from __future__ import annotations

import datetime as dt

from dhr_tracker.lifecycle.deadlines import DeadlineKind, DeadlineStatus, compute_deadlines
from dhr_tracker.lifecycle.facts import CaseFacts, MilestoneFact, PauseFact, QARoundFact
from dhr_tracker.lifecycle.rag import Rag, RagRules, rag_for
from dhr_tracker.vocabulary import Decision, GuidanceProfile, MilestoneKind, ParallelProcessKind, QAOutcome
from dhr_tracker.workdays import WorkingDayCalendar

D = dt.date
K = MilestoneKind


def facts(notified_on, *milestones, decision=None, **values) -> CaseFacts:
    return CaseFacts(
        reference="DHR-TEST", notified_on=notified_on, decision=decision, milestones=tuple(milestones), **values
    )


def by_kind(deadlines, kind, agency=""):
    [deadline] = [d for d in deadlines if d.milestone is kind and d.agency == agency]
    return deadline


def test_notified_on_31_january_the_decision_is_due_on_28_february():
    case = facts(D(2025, 1, 31))
    decision = by_kind(compute_deadlines(case, D(2025, 2, 28)), DeadlineKind.DECISION)
    assert (decision.due, decision.status, decision.days_overdue) == (D(2025, 2, 28), DeadlineStatus.DUE, 0)
    decision = by_kind(compute_deadlines(case, D(2025, 3, 1)), DeadlineKind.DECISION)
    assert (decision.status, decision.days_overdue, decision.slippage_days) == (DeadlineStatus.OVERDUE, 1, 1)


def test_decided_on_31_january_with_the_home_office_told_a_week_later():
    # Decided Fri 31/01/2025: Home Office due 5 working days later, Fri 07/02/2025; told Mon 10/02, the first
    # working day after the due date: 1 working day late (a working-day deadline counts its lateness in working days).
    case = facts(
        D(2025, 1, 6),
        MilestoneFact(K.DECISION, D(2025, 1, 31)),
        MilestoneFact(K.HOME_OFFICE_INFORMED, D(2025, 2, 10)),
        decision=Decision.REVIEW,
    )
    deadlines = compute_deadlines(case, D(2025, 3, 1))
    decision = by_kind(deadlines, DeadlineKind.DECISION)
    assert (decision.due, decision.met_on, decision.status, decision.slippage_days) == (
        D(2025, 2, 6),
        D(2025, 1, 31),
        DeadlineStatus.MET,
        0,
    )
    informed = by_kind(deadlines, DeadlineKind.HOME_OFFICE_INFORMED)
    assert (informed.due, informed.status, informed.slippage_days, informed.unit) == (
        D(2025, 2, 7),
        DeadlineStatus.MET,
        1,
        "working_days",
    )
    assert informed.verdict == "Met late (1 working day)"
    # 31 January + 6 months = 31 July 2025.
    assert by_kind(deadlines, DeadlineKind.COMPLETION).due == D(2025, 7, 31)


def test_a_dardr_review_decided_on_31_january_scopes_by_the_end_of_february():
    # Decided 31/01/2025: scoping due 31 January + 1 month = 28/02/2025; in the leap year 2024, 29/02/2024.
    for decided, due in ((D(2025, 1, 31), D(2025, 2, 28)), (D(2024, 1, 31), D(2024, 2, 29))):
        case = facts(
            decided.replace(day=6),
            MilestoneFact(K.DECISION, decided),
            decision=Decision.REVIEW,
            guidance_profile=GuidanceProfile.DARDR,
        )
        scoping = by_kind(compute_deadlines(case, due + dt.timedelta(days=1)), DeadlineKind.SCOPING)
        assert (scoping.due, scoping.status, scoping.days_overdue) == (due, DeadlineStatus.OVERDUE, 1)
        assert by_kind(compute_deadlines(case, due), DeadlineKind.COMPLETION).due == D(decided.year, 7, 31)


def test_leap_year_decision_and_completion():
    # Notified 31/01/2028 -> decision due 29/02/2028 (2028 is a leap year); decided that day (a Tuesday):
    # Home Office due Wed 01, Thu 02, Fri 03, Mon 06, Tue 07/03/2028; completion 29/08/2028.
    case = facts(D(2028, 1, 31), MilestoneFact(K.DECISION, D(2028, 2, 29)), decision=Decision.REVIEW)
    deadlines = compute_deadlines(case, D(2028, 3, 8))
    assert by_kind(deadlines, DeadlineKind.DECISION).due == D(2028, 2, 29)
    informed = by_kind(deadlines, DeadlineKind.HOME_OFFICE_INFORMED)
    assert (informed.due, informed.status, informed.days_overdue) == (D(2028, 3, 7), DeadlineStatus.OVERDUE, 1)
    assert by_kind(deadlines, DeadlineKind.COMPLETION).due == D(2028, 8, 29)
    # And 31/08/2023 + 6 months lands on the leap day 29/02/2024.
    earlier = facts(D(2023, 8, 1), MilestoneFact(K.DECISION, D(2023, 8, 31)), decision=Decision.REVIEW)
    assert by_kind(compute_deadlines(earlier, D(2023, 9, 1)), DeadlineKind.COMPLETION).due == D(2024, 2, 29)


def test_a_review_spanning_christmas_and_easter_with_substitute_bank_holidays():
    # Decided Fri 24/12/2027. Christmas Day (Sat) and Boxing Day (Sun) are observed on Mon 27 and Tue 28;
    # New Year's Day 2028 (Sat) on Mon 03/01. Home Office due: Wed 29, Thu 30, Fri 31/12, Tue 04, Wed 05/01/2028.
    # IMR requested Thu 13/04/2028, before Good Friday 14/04 and Easter Monday 17/04; 30 working days also
    # skip the early May (01/05) and spring (29/05) bank holidays: due Wed 31/05/2028.
    case = facts(
        D(2027, 11, 24),
        MilestoneFact(K.DECISION, D(2027, 12, 24)),
        MilestoneFact(K.IMR_REQUESTED, D(2028, 4, 13), agency_id=7, agency="Kent Police"),
        MilestoneFact(K.IMR_RECEIVED, D(2028, 5, 31), agency_id=7, agency="Kent Police"),
        decision=Decision.REVIEW,
    )
    deadlines = compute_deadlines(case, D(2028, 6, 1))
    assert by_kind(deadlines, DeadlineKind.DECISION).status is DeadlineStatus.MET
    informed = by_kind(deadlines, DeadlineKind.HOME_OFFICE_INFORMED)
    # Overdue on Thu 01/06/2028, counted in working days: 148 calendar days after Wed 05/01 are 21 weeks (105
    # weekdays) and Thu 01/06 (106), less Good Friday 14/04, Easter Monday 17/04, 01/05 and 29/05: 102.
    assert (informed.due, informed.status, informed.days_overdue) == (D(2028, 1, 5), DeadlineStatus.OVERDUE, 102)
    imr = by_kind(deadlines, DeadlineKind.IMR, "Kent Police")
    assert (imr.due, imr.status, imr.slippage_days, imr.label) == (
        D(2028, 5, 31),
        DeadlineStatus.MET,
        0,
        "IMR received (Kent Police)",
    )
    assert by_kind(deadlines, DeadlineKind.COMPLETION).due == D(2028, 6, 24)


def test_closure_days_move_working_day_deadlines():
    case = facts(D(2027, 11, 24), MilestoneFact(K.DECISION, D(2027, 12, 24)), decision=Decision.REVIEW)
    calendar = WorkingDayCalendar(closure_days=[D(2027, 12, 29), D(2027, 12, 30), D(2027, 12, 31)])
    informed = by_kind(compute_deadlines(case, D(2028, 1, 1), calendar=calendar), DeadlineKind.HOME_OFFICE_INFORMED)
    assert informed.due == D(2028, 1, 10)  # Tue 04, Wed 05, Thu 06, Fri 07, Mon 10


def test_a_criminal_trial_pause_moves_the_completion_deadline():
    # Decided 15/01/2025: completion due 15/07/2025. Paused for the criminal trial 01/03/2025 to 31/05/2025
    # (31 + 30 + 31 = 92 days): completion due 15/07/2025 + 92 days = 15/10/2025.
    trial = PauseFact(
        D(2025, 3, 1), D(2025, 5, 31), "Awaiting the criminal trial", D(2025, 3, 3), ParallelProcessKind.CRIMINAL_TRIAL
    )
    case = facts(D(2024, 12, 20), MilestoneFact(K.DECISION, D(2025, 1, 15)), decision=Decision.REVIEW, pauses=(trial,))
    completion = by_kind(compute_deadlines(case, D(2025, 10, 1)), DeadlineKind.COMPLETION)
    assert (completion.base_due, completion.due, completion.paused_days) == (D(2025, 7, 15), D(2025, 10, 15), 92)
    assert completion.status is DeadlineStatus.DUE
    later = by_kind(compute_deadlines(case, D(2025, 10, 20)), DeadlineKind.COMPLETION)
    assert (later.status, later.days_overdue) == (DeadlineStatus.OVERDUE, 5)
    # The decision was made before the pause began: the pause does not touch it.
    assert by_kind(compute_deadlines(case, D(2025, 10, 1)), DeadlineKind.DECISION).paused_days == 0
    # Without the pause the review would be 78 days late on 01/10/2025.
    unpaused = facts(D(2024, 12, 20), MilestoneFact(K.DECISION, D(2025, 1, 15)), decision=Decision.REVIEW)
    assert by_kind(compute_deadlines(unpaused, D(2025, 10, 1)), DeadlineKind.COMPLETION).days_overdue == 78


def test_a_pause_still_in_force_shows_paused_and_counts_to_the_as_of_date():
    trial = PauseFact(D(2025, 3, 1), None, "Awaiting the criminal trial")
    case = facts(
        D(2024, 12, 20),
        MilestoneFact(K.DECISION, D(2025, 1, 15)),
        MilestoneFact(K.HOME_OFFICE_INFORMED, D(2025, 1, 16)),
        decision=Decision.REVIEW,
        pauses=(trial,),
    )
    completion = by_kind(compute_deadlines(case, D(2025, 10, 1)), DeadlineKind.COMPLETION)
    # 01/03 to 01/10/2025 inclusive is 215 days.
    assert (completion.status, completion.paused_days, completion.due) == (DeadlineStatus.PAUSED, 215, D(2026, 2, 15))
    rag = rag_for(case, compute_deadlines(case, D(2025, 10, 1)), D(2025, 10, 1))
    assert rag.rating is Rag.AMBER and "paused" in rag.summary


def test_a_pause_extends_working_day_deadlines_by_the_working_days_it_covers():
    # IMR requested Mon 24/02/2025: 30 working days -> Mon 07/04/2025. A pause Mon 03/03 to Fri 07/03 covers
    # 5 working days: due Mon 14/04/2025.
    case = facts(
        D(2025, 1, 10),
        MilestoneFact(K.DECISION, D(2025, 2, 3)),
        MilestoneFact(K.IMR_REQUESTED, D(2025, 2, 24), agency_id=1, agency="KMPT"),
        decision=Decision.REVIEW,
        pauses=(PauseFact(D(2025, 3, 3), D(2025, 3, 7), "Family bereavement"),),
    )
    imr = by_kind(compute_deadlines(case, D(2025, 4, 1)), DeadlineKind.IMR, "KMPT")
    assert (imr.base_due, imr.due, imr.status) == (D(2025, 4, 7), D(2025, 4, 14), DeadlineStatus.DUE)


def test_a_pause_that_begins_after_a_deadline_passed_does_not_excuse_it():
    case = facts(D(2025, 1, 6), pauses=(PauseFact(D(2025, 3, 1), None, "Inquest"),))
    decision = by_kind(compute_deadlines(case, D(2025, 3, 10)), DeadlineKind.DECISION)
    assert (decision.due, decision.status, decision.days_overdue) == (D(2025, 2, 6), DeadlineStatus.OVERDUE, 32)


def test_two_home_office_rounds_completion_met_by_first_submission():
    rounds = (
        QARoundFact(1, D(2025, 6, 2), D(2025, 7, 10), D(2025, 7, 24), "HO/1", QAOutcome.RESUBMISSION_REQUIRED),
        QARoundFact(2, D(2025, 9, 1), D(2025, 10, 9), D(2025, 10, 20), "HO/2", QAOutcome.APPROVED),
    )
    case = facts(D(2024, 11, 1), MilestoneFact(K.DECISION, D(2024, 11, 20)), decision=Decision.REVIEW, qa_rounds=rounds)
    completion = by_kind(compute_deadlines(case, D(2025, 11, 1)), DeadlineKind.COMPLETION)
    # Due 20/05/2025; the first submission on 02/06/2025 is 13 days late (no sign-off recorded).
    assert (completion.due, completion.met_on, completion.slippage_days) == (D(2025, 5, 20), D(2025, 6, 2), 13)
    # As of 30/07/2025 the Home Office has asked for resubmission: amber.
    at_resubmission = facts(
        D(2024, 11, 1),
        MilestoneFact(K.DECISION, D(2024, 11, 20)),
        MilestoneFact(K.HOME_OFFICE_INFORMED, D(2024, 11, 21)),
        decision=Decision.REVIEW,
        qa_rounds=rounds[:1],
    )
    rag = rag_for(at_resubmission, compute_deadlines(at_resubmission, D(2025, 7, 30)), D(2025, 7, 30))
    assert rag.rating is Rag.AMBER and "resubmission" in rag.summary


def test_a_decision_not_to_review_has_no_review_deadlines_and_no_rating():
    case = facts(
        D(2025, 4, 1),
        MilestoneFact(K.DECISION, D(2025, 4, 22)),
        MilestoneFact(K.HOME_OFFICE_INFORMED, D(2025, 4, 24)),
        MilestoneFact(K.CLOSED, D(2025, 4, 24)),
        decision=Decision.NO_REVIEW,
    )
    deadlines = compute_deadlines(case, D(2026, 1, 1))
    # Home Office due Tue 29/04/2025 (5 working days after Tue 22/04), decision due 01/05/2025: both met.
    assert [(d.milestone, d.due, d.status) for d in deadlines] == [
        (DeadlineKind.HOME_OFFICE_INFORMED, D(2025, 4, 29), DeadlineStatus.MET),
        (DeadlineKind.DECISION, D(2025, 5, 1), DeadlineStatus.MET),
    ]
    assert rag_for(case, deadlines, D(2026, 1, 1)).rating is Rag.CLOSED


def test_a_cross_border_case_has_only_the_kent_agencies_imr_deadlines():
    case = facts(
        D(2025, 2, 3),
        MilestoneFact(K.IMR_REQUESTED, D(2025, 3, 3), agency_id=2, agency="Kent Police"),
        commissioning_partnership="East Sussex CSP",
    )
    deadlines = compute_deadlines(case, D(2025, 5, 1))
    # 30 working days from Mon 03/03/2025 (six whole weeks, no bank holiday): Mon 14/04/2025.
    # Overdue on Thu 01/05/2025 by working days: Tue 15-Thu 17 (3), Good Friday 18/04 and Easter Monday 21/04
    # off, Tue 22-Fri 25 (4), Mon 28-Thu 01/05 (4): 11 working days (17 calendar days).
    # The decision, the Home Office and completion belong to the commissioning partnership: no deadlines.
    assert [(d.milestone, d.due, d.status, d.days_overdue) for d in deadlines] == [
        (DeadlineKind.IMR, D(2025, 4, 14), DeadlineStatus.OVERDUE, 11),
    ]
    assert rag_for(case, deadlines, D(2025, 5, 1)).rating is Rag.RED


def test_dardr_has_a_scoping_deadline():
    case = facts(
        D(2025, 5, 1),
        MilestoneFact(K.DECISION, D(2025, 5, 30)),
        decision=Decision.REVIEW,
        guidance_profile=GuidanceProfile.DARDR,
    )
    scoping = by_kind(compute_deadlines(case, D(2025, 6, 1)), DeadlineKind.SCOPING)
    assert scoping.due == D(2025, 6, 30)
    dhr = facts(D(2025, 5, 1), MilestoneFact(K.DECISION, D(2025, 5, 30)), decision=Decision.REVIEW)
    assert all(d.milestone is not DeadlineKind.SCOPING for d in compute_deadlines(dhr, D(2025, 6, 1)))


def test_facts_after_the_as_of_date_are_ignored():
    case = facts(D(2025, 1, 6), MilestoneFact(K.DECISION, D(2025, 2, 20)), decision=Decision.REVIEW)
    [decision] = compute_deadlines(case, D(2025, 2, 10))
    assert (decision.milestone, decision.status, decision.met_on) == (
        DeadlineKind.DECISION,
        DeadlineStatus.OVERDUE,
        None,
    )
    assert compute_deadlines(case, D(2025, 1, 5)) == []


def test_rag_thresholds():
    case = facts(D(2025, 1, 6))
    assert rag_for(case, compute_deadlines(case, D(2025, 1, 10)), D(2025, 1, 10)).rating is Rag.GREEN
    due_soon = rag_for(case, compute_deadlines(case, D(2025, 1, 25)), D(2025, 1, 25))
    assert due_soon.rating is Rag.AMBER and due_soon.reasons == ("Decision on whether to review due 06/02/2025",)
    late = rag_for(case, compute_deadlines(case, D(2025, 2, 9)), D(2025, 2, 9))
    assert late.rating is Rag.RED and late.reasons == (
        "Decision on whether to review overdue by 3 days (due 06/02/2025)",
    )
    lenient = rag_for(case, compute_deadlines(case, D(2025, 2, 9)), D(2025, 2, 9), RagRules(red_after_days_overdue=7))
    assert lenient.rating is Rag.AMBER


def test_deadline_to_dict_is_json_ready():
    case = facts(D(2025, 1, 31))
    [decision] = compute_deadlines(case, D(2025, 3, 1))
    data = decision.to_dict()
    assert data["reference"] == "DHR-TEST" and data["milestone"] == "decision"
    assert (data["due"], data["status"], data["days_overdue"]) == ("2025-02-28", "overdue", 1)
