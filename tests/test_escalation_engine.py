"""The pure escalation engine, worked by hand against the real England and Wales calendar. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.escalation.engine import ActionFacts, ItemFacts, RequestFacts, assess_agencies, assess_request
from dhr_tracker.escalation_ladder import DEFAULT_LADDER, parse_ladder
from dhr_tracker.workdays import WorkingDayCalendar

LADDER = parse_ladder(DEFAULT_LADDER)
CALENDAR = WorkingDayCalendar()
D = dt.date


def request(due, requested=None, received=None, actions=(), agency=(1, "Kent Police"), request_id=1, items=None):
    items = items or (ItemFacts(10, "DHR-2025-03", "Alex", "1", "Train call handlers", received),)
    return RequestFacts(
        request_id,
        agency[0],
        agency[1],
        requested or due - dt.timedelta(days=14),
        due,
        received,
        tuple(items),
        tuple(ActionFacts(level, day) for level, day in actions),
    )


def at(req, as_of, meetings=(), ladder=LADDER, calendar=CALENDAR):
    return assess_request(req, ladder, calendar, meetings, as_of)


def test_answered_on_time_stays_at_level_0():
    req = request(D(2026, 3, 16), requested=D(2026, 3, 2), received=D(2026, 3, 13), actions=[(0, D(2026, 3, 2))])
    before = at(req, D(2026, 3, 12))
    assert before.level.level == 0 and before.action_due is None and before.working_days_late == 0
    assert before.next_level.level == 1 and before.next_on == D(2026, 3, 23)  # Mon 16 + 5 working days
    after = at(req, D(2026, 5, 1))
    assert after.answered and after.level.level == 0 and after.action_due is None and after.working_days_late == 0


def test_the_request_itself_is_the_level_0_action_until_recorded():
    req = request(D(2026, 3, 16), requested=D(2026, 3, 2))
    assert at(req, D(2026, 3, 2)).action_due.level == 0
    assert at(req, D(2026, 3, 1)).level is None


def test_levels_due_2_february_2026_worked_by_hand():
    # Due Mon 2 Feb 2026; no bank holidays until Easter: +5 = Mon 9 Feb, +15 = Mon 23 Feb, +25 = Mon 9 Mar.
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), actions=[(0, D(2026, 1, 19))])
    assert at(req, D(2026, 2, 6)).level.level == 0
    assert at(req, D(2026, 2, 6)).working_days_late == 4
    assert at(req, D(2026, 2, 9)).level.level == 1 and at(req, D(2026, 2, 9)).action_due.level == 1
    assert at(req, D(2026, 2, 20)).level.level == 1
    assert at(req, D(2026, 2, 23)).level.level == 2
    assert at(req, D(2026, 3, 6)).level.level == 2
    third = at(req, D(2026, 3, 9))
    assert third.level.level == 3 and third.working_days_late == 25
    assert third.next_level.level == 4 and third.next_on is None  # no KCSP meeting in the calendar yet


def test_answered_after_a_level_2_escalation_keeps_its_history_and_stops_the_clock():
    actions = [(0, D(2026, 1, 19)), (1, D(2026, 2, 9)), (2, D(2026, 2, 23))]
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), received=D(2026, 2, 26), actions=actions)
    during = at(req, D(2026, 2, 25))
    assert during.level.level == 2 and during.action_due is None and not during.answered
    after = at(req, D(2026, 6, 1))  # long after level 3 would have been reached
    assert after.answered and after.level.level == 2 and after.action_due is None
    assert after.working_days_late == 18  # 3-6, 9-13, 16-20, 23-26 February
    assert [a.level for a in after.request.actions] == [0, 1, 2]


def test_an_update_arriving_on_the_day_a_level_is_reached_prevents_it():
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), received=D(2026, 2, 9), actions=[(0, D(2026, 1, 19))])
    assert at(req, D(2026, 2, 9)).level.level == 0


@pytest.mark.parametrize(
    ("due", "level_1_on", "why"),
    [
        (D(2026, 4, 2), D(2026, 4, 13), "Good Friday 3 April and Easter Monday 6 April 2026"),
        (D(2026, 12, 18), D(2026, 12, 29), "Christmas Fri 25 and Boxing Day substitute Mon 28 December 2026"),
        (D(2023, 5, 4), D(2023, 5, 12), "coronation bank holiday Mon 8 May 2023 (early May was Mon 1 May)"),
    ],
)
def test_crossing_a_bank_holiday(due, level_1_on, why):
    req = request(due, actions=[(0, due - dt.timedelta(days=14))])
    day_before = at(req, level_1_on - dt.timedelta(days=1))
    assert day_before.level.level == 0, why
    assert day_before.working_days_late == 4, why
    reached = at(req, level_1_on)
    assert reached.level.level == 1 and reached.working_days_late == 5, why


def test_closure_days_count_like_bank_holidays():
    calendar = WorkingDayCalendar(closure_days=[D(2026, 2, 4)])
    req = request(D(2026, 2, 2), actions=[(0, D(2026, 1, 19))])
    assert at(req, D(2026, 2, 9), calendar=calendar).level.level == 0
    assert at(req, D(2026, 2, 10), calendar=calendar).level.level == 1


def test_the_next_kcsp_meeting_level():
    # Level 3 on Mon 9 Mar 2026; a KCSP meeting on 4 Mar comes before it and does not count.
    meetings = (D(2026, 3, 4), D(2026, 6, 18), D(2026, 11, 26))
    actions = [(0, D(2026, 1, 19)), (1, D(2026, 2, 9)), (2, D(2026, 2, 23)), (3, D(2026, 3, 9))]
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), actions=actions)
    waiting = at(req, D(2026, 6, 17), meetings)
    assert waiting.level.level == 3 and waiting.action_due is None
    assert (waiting.next_level.level, waiting.next_on) == (4, D(2026, 6, 18))
    meeting_day = at(req, D(2026, 6, 18), meetings)
    assert meeting_day.level.level == 4 and meeting_day.action_due.level == 4
    assert meeting_day.action_due.recipient.value == "chief_officer"


def test_only_the_highest_level_reached_is_due_and_a_higher_action_covers_lower_ones():
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19))
    assert at(req, D(2026, 2, 24)).action_due.level == 2  # nothing recorded: jump straight to level 2
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), actions=[(2, D(2026, 2, 23))])
    assert at(req, D(2026, 2, 24)).action_due is None
    # An action recorded after as_of is not yet history on as_of.
    assert at(req, D(2026, 2, 22)).action_due.level == 1


def test_a_changed_ladder_applies_to_open_requests():
    req = request(D(2026, 2, 2), requested=D(2026, 1, 19), actions=[(0, D(2026, 1, 19)), (1, D(2026, 2, 9))])
    assert at(req, D(2026, 2, 13)).level.level == 1 and at(req, D(2026, 2, 13)).action_due is None
    quicker = parse_ladder(
        [
            {"level": 0, "when": 0, "recipient": "lead_contact", "label": "Request"},
            {"level": 1, "when": 3, "recipient": "lead_contact", "label": "Reminder"},
            {"level": 2, "when": 8, "recipient": "senior_manager", "label": "Senior manager"},
        ]
    )
    changed = at(req, D(2026, 2, 13), ladder=quicker)  # +8 working days = Thu 12 February
    assert changed.level.level == 2 and changed.reached_on == D(2026, 2, 12) and changed.action_due.level == 2
    assert changed.next_level is None


def test_agencies_are_grouped_with_their_items_across_cases_and_requests():
    police = (1, "Kent Police")
    items_a = (ItemFacts(10, "DHR-2025-03", "Alex", "1", "a"), ItemFacts(11, "DHR-2025-03", "Alex", "2", "b"))
    items_b = (ItemFacts(20, "DHR-2024-07", "Sam", "4", "c"), ItemFacts(10, "DHR-2025-03", "Alex", "1", "a"))
    requests = [
        request(D(2026, 2, 2), requested=D(2026, 1, 19), agency=police, request_id=1, items=items_a),
        request(D(2026, 3, 2), requested=D(2026, 2, 16), agency=police, request_id=2, items=items_b),
        request(D(2026, 3, 2), requested=D(2026, 2, 16), agency=(2, "KMPT"), request_id=3, received=D(2026, 2, 27)),
        request(D(2026, 5, 2), requested=D(2026, 4, 16), agency=(3, "Later"), request_id=4),
    ]
    [agency] = assess_agencies(requests, LADDER, CALENDAR, (), D(2026, 3, 3))
    assert agency.agency_name == "Kent Police"
    assert agency.level.level == 2 and agency.action_due.level == 2
    assert [(i.case_reference, i.number) for i in agency.outstanding] == [
        ("DHR-2024-07", "4"),
        ("DHR-2025-03", "1"),
        ("DHR-2025-03", "2"),
    ]
    assert agency.due_on == D(2026, 2, 2) and agency.working_days_late == 21


@pytest.mark.parametrize(
    ("ladder", "words"),
    [
        ([], "at least one level"),
        ([{"level": 0, "when": 5, "recipient": "lead_contact", "label": "x"}], "request itself"),
        (
            [
                {"level": 0, "when": 0, "recipient": "lead_contact", "label": "x"},
                {"level": 1, "when": 0, "recipient": "lead_contact", "label": "y"},
            ],
            "must come later",
        ),
        (
            [
                {"level": 0, "when": 0, "recipient": "lead_contact", "label": "x"},
                {"level": 0, "when": 5, "recipient": "lead_contact", "label": "y"},
            ],
            "must rise",
        ),
        ([{"level": 0, "when": 0, "recipient": "the mayor", "label": "x"}], "recipient must be one of"),
        ([{"level": 0, "when": "soon", "recipient": "lead_contact", "label": "x"}], "next_kcsp_meeting"),
    ],
)
def test_an_unusable_ladder_is_refused_with_the_reason(ladder, words):
    with pytest.raises(ValueError, match=words):
        parse_ladder(ladder)
