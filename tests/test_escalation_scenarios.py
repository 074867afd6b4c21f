"""The update cycle on a real encrypted database: rounds, replies, escalation actions, per-agency records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dhr_tracker.actionplan.progress import add_progress_update
from dhr_tracker.actionplan.recommendations import add_recommendation, change_status
from dhr_tracker.casework.cases import create_case
from dhr_tracker.errors import ValidationError
from dhr_tracker.escalation.rounds import ReplyEntry, change_request_due_date, create_update_round, record_reply
from dhr_tracker.escalation.service import agency_record, escalations, record_due_actions, record_escalation_action
from dhr_tracker.model import Agency, AgencyContact, Case, Meeting, Milestone, UpdateRequest
from dhr_tracker.settings import ESCALATION_LADDER, SettingError, Settings
from dhr_tracker.vocabulary import ContactLevel, ContactMethod, MeetingKind, MilestoneKind
from dhr_tracker.vocabulary import RecommendationStatus as S

pytestmark = pytest.mark.both_engines


TODAY = dt.date(2026, 11, 23)
D = dt.date


def agency(session, name):
    return session.scalar(select(Agency).where(Agency.name == name))


def build(session):
    """Two cases; Kent Police leads recommendations on both, KMPT on one; one recommendation only proposed."""
    police, kmpt = agency(session, "Kent Police"), agency(session, "Kent and Medway Partnership Trust (KMPT)")
    session.add_all(
        [
            AgencyContact(agency=police, level=ContactLevel.LEAD, name="Pat Lead"),
            AgencyContact(agency=police, level=ContactLevel.SENIOR_MANAGER, name="Supt Morgan"),
            AgencyContact(agency=police, level=ContactLevel.CHIEF_OFFICER, name="Chief Constable Reyes"),
            AgencyContact(agency=kmpt, level=ContactLevel.LEAD, name="Dr Lee"),
        ]
    )
    recs = {}
    # Fictional real names that share no word with any pseudonym (the case service refuses one that does).
    for reference, pseudonym, victim, perpetrator, specs in (
        ("DHR-2024-07", "Sam", "Orla Vantongeren", "Ivo Brennick", [("1", police), ("2", kmpt)]),
        ("DHR-2025-03", "Alex", "Petra Quarmby", "Lorcan Haddleton", [("1", police), ("2", police), ("3", police)]),
    ):
        case = create_case(
            session,
            today=TODAY,
            reference=reference,
            pseudonym=pseudonym,
            notified_on=D(2024, 6, 1),
            csp_area="Swale",
            victim_real_name=victim,
            perpetrator_real_name=perpetrator,
        )
        session.add(Milestone(case=case, kind=MilestoneKind.DECISION, occurred_on=D(2024, 7, 1)))
        for number, lead in specs:
            rec = add_recommendation(
                session, case, number=number, text=f"Action {number} for {pseudonym}", lead_agency=lead
            )
            if (reference, number) != ("DHR-2025-03", "3"):  # stays proposed: not yet anyone's to report on
                change_status(session, rec, S.ACCEPTED, on=D(2025, 1, 6), today=TODAY)
            recs[reference, number] = rec
    session.flush()
    return police, kmpt, recs


def new_round(session, meeting_on=D(2026, 3, 19), requested_on=D(2026, 1, 19), due_on=D(2026, 2, 2)):
    return create_update_round(session, meeting_on=meeting_on, requested_on=requested_on, due_on=due_on)


def request_of(round_, agency_):
    return next(r for r in round_.requests if r.agency_id == agency_.id)


def test_a_round_asks_every_agency_with_open_recommendations(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        round_ = new_round(session)
        assert sorted(r.agency.name for r in round_.requests) == sorted([police.name, kmpt.name])
        police_request = request_of(round_, police)
        assert {item.recommendation_id for item in police_request.items} == {
            recs["DHR-2024-07", "1"].id,
            recs["DHR-2025-03", "1"].id,
            recs["DHR-2025-03", "2"].id,
        }
        assert police_request.due_on == D(2026, 2, 2) and police_request.received_on is None
        with pytest.raises(ValidationError, match="already an update round"):
            new_round(session)
        with pytest.raises(ValidationError, match="after the meeting"):
            new_round(session, meeting_on=D(2026, 6, 1), due_on=D(2026, 6, 2))


def test_answered_on_time(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        round_ = new_round(session)
        kmpt_request = request_of(round_, kmpt)
        record_escalation_action(session, kmpt_request, level=0, taken_on=D(2026, 1, 19), today=TODAY)
        [update] = record_reply(
            session,
            kmpt_request,
            received_on=D(2026, 1, 30),
            contact_name="Dr Lee",
            entries=[ReplyEntry(recs["DHR-2024-07", "2"].id, "Policy revised", "KMPT-POL-12")],
            today=TODAY,
        )
        assert kmpt_request.received_on == D(2026, 1, 30)
        assert kmpt_request.items[0].progress_update_id == update.id
        assert kmpt.id not in {a.agency_id for a in escalations(session, D(2026, 3, 1))}
        record = agency_record(session, kmpt, D(2026, 3, 1))
        assert record.level is None and record.outstanding == ()
        assert [(r.items, r.on_time, r.share_on_time) for r in record.rounds] == [(1, 1, 1.0)]
        assert [(h.level, h.recipient) for h in record.history] == [(0, "Dr Lee")]


def test_answered_after_a_level_2_escalation_history_kept(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        request = request_of(new_round(session), police)
        record_escalation_action(session, request, level=0, taken_on=D(2026, 1, 19), today=TODAY)
        with pytest.raises(ValidationError, match="reached on 09/02/2026"):
            record_escalation_action(session, request, level=1, taken_on=D(2026, 2, 6), today=TODAY)
        record_escalation_action(session, request, level=1, taken_on=D(2026, 2, 9), method="email", today=TODAY)
        [position] = [a for a in escalations(session, D(2026, 2, 23)) if a.agency_id == police.id]
        assert position.level.level == 2 and position.action_due.level == 2 and position.working_days_late == 15
        [action] = record_due_actions(session, D(2026, 2, 23), agency_ids={police.id}, today=TODAY)
        assert (action.level, action.recipient) == (2, "Supt Morgan")

        # The reply comes in two parts; the request is received when the last item is settled.
        record_reply(
            session,
            request,
            received_on=D(2026, 2, 25),
            contact_name="Pat Lead",
            entries=[ReplyEntry(recs["DHR-2024-07", "1"].id, "Done")],
            today=TODAY,
        )
        assert request.received_on is None
        [partial] = [a for a in escalations(session, D(2026, 2, 25)) if a.agency_id == police.id]
        assert {(i.case_reference, i.number) for i in partial.outstanding} == {
            ("DHR-2025-03", "1"),
            ("DHR-2025-03", "2"),
        }
        record_reply(
            session,
            request,
            received_on=D(2026, 2, 26),
            contact_name="Pat Lead",
            entries=[ReplyEntry(recs["DHR-2025-03", "1"].id, "Done"), ReplyEntry(recs["DHR-2025-03", "2"].id, "Done")],
            today=TODAY,
        )
        assert request.received_on == D(2026, 2, 26)
        with pytest.raises(ValidationError, match="nothing to escalate"):
            record_escalation_action(session, request, level=3, taken_on=D(2026, 3, 9), today=TODAY)

        record = agency_record(session, police, D(2026, 6, 1))
        assert record.position is None
        assert [(h.level, h.taken_on, h.method) for h in record.history] == [
            (0, D(2026, 1, 19), ContactMethod.LETTER),
            (1, D(2026, 2, 9), ContactMethod.EMAIL),
            (2, D(2026, 2, 23), ContactMethod.LETTER),
        ]
        assert all(h.received_on == D(2026, 2, 26) for h in record.history)
        assert [(r.items, r.on_time) for r in record.rounds] == [(3, 0)]


def test_crossing_a_bank_holiday(database):
    # Due Thu 2 April 2026; Good Friday and Easter Monday are not working days: level 1 on Mon 13 April.
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        new_round(session, meeting_on=D(2026, 4, 30), requested_on=D(2026, 3, 19), due_on=D(2026, 4, 2))
        levels = {
            d: {a.agency_name: a.level.level for a in escalations(session, d)} for d in (D(2026, 4, 10), D(2026, 4, 13))
        }
        assert levels[D(2026, 4, 10)][police.name] == 0
        assert levels[D(2026, 4, 13)][police.name] == 1


def test_the_next_kcsp_meeting_level(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        request = request_of(new_round(session), police)
        session.add_all(
            [
                Meeting(kind=MeetingKind.KCSP, held_on=D(2026, 3, 4)),
                Meeting(kind=MeetingKind.KCSP, held_on=D(2026, 6, 18)),
                Meeting(kind=MeetingKind.STEERING_GROUP, held_on=D(2026, 4, 1)),
            ]
        )
        for level, day in ((0, D(2026, 1, 19)), (1, D(2026, 2, 9)), (2, D(2026, 2, 23)), (3, D(2026, 3, 9))):
            record_escalation_action(session, request, level=level, taken_on=day, today=TODAY)
        with pytest.raises(ValidationError, match="reached on 18/06/2026"):
            record_escalation_action(session, request, level=4, taken_on=D(2026, 4, 1), today=TODAY)
        [before] = [a for a in escalations(session, D(2026, 6, 17)) if a.agency_id == police.id]
        assert before.level.level == 3 and before.action_due is None
        [at_meeting] = [a for a in escalations(session, D(2026, 6, 18)) if a.agency_id == police.id]
        assert at_meeting.level.level == 4 and at_meeting.action_due.level == 4
        action = record_escalation_action(session, request, level=4, taken_on=D(2026, 6, 19), today=TODAY)
        assert action.recipient == "Chief Constable Reyes"


def test_a_changed_ladder_applies_to_open_requests(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        round_ = new_round(session)
        record_reply(
            session,
            request_of(round_, kmpt),
            received_on=D(2026, 1, 30),
            contact_name="Dr Lee",
            entries=[ReplyEntry(recs["DHR-2024-07", "2"].id, "Done")],
            today=TODAY,
        )
        record_escalation_action(session, request_of(round_, police), level=1, taken_on=D(2026, 2, 9), today=TODAY)
        [before] = escalations(session, D(2026, 2, 13))
        assert (before.agency_name, before.level.level, before.action_due) == (police.name, 1, None)
        with pytest.raises(SettingError, match="request itself"):
            Settings(session).set(
                ESCALATION_LADDER, [{"level": 0, "when": 3, "recipient": "lead_contact", "label": "x"}]
            )
        Settings(session).set(
            ESCALATION_LADDER,
            [
                {"level": 0, "when": 0, "recipient": "lead_contact", "label": "Request"},
                {"level": 1, "when": 3, "recipient": "lead_contact", "label": "Reminder"},
                {"level": 2, "when": 8, "recipient": "steering_group_member", "label": "Steering Group member"},
            ],
        )
    with database.transaction() as session:
        [after] = escalations(session, D(2026, 2, 13))
        assert (after.level.level, after.action_due.level, after.requests[0].reached_on) == (2, 2, D(2026, 2, 12))
        assert [a.level for a in session.get(UpdateRequest, after.requests[0].request.request_id).actions] == [1]


def test_an_extension_moves_the_ladder_and_a_closed_recommendation_is_settled(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        round_ = new_round(session)
        request = request_of(round_, kmpt)
        change_request_due_date(session, request, D(2026, 2, 16))
        [kmpt_position] = [a for a in escalations(session, D(2026, 2, 20)) if a.agency_id == kmpt.id]
        assert kmpt_position.level.level == 0
        rec = recs["DHR-2024-07", "2"]
        change_status(session, rec, S.NOT_ACCEPTED, on=D(2026, 2, 20), reason="Superseded", today=TODAY)
        assert request.received_on == D(2026, 2, 20)
        assert kmpt.id not in {a.agency_id for a in escalations(session, D(2026, 2, 21))}


def test_a_progress_update_outside_a_reply_also_stops_the_clock(database):
    with database.transaction() as session:
        police, kmpt, recs = build(session)
        request = request_of(new_round(session), kmpt)
        add_progress_update(
            session,
            recs["DHR-2024-07", "2"],
            received_on=D(2026, 1, 10),
            contact_name="Dr Lee",
            text="Early",
            today=TODAY,
        )
        assert request.received_on is None  # came before the request was sent
        add_progress_update(
            session,
            recs["DHR-2024-07", "2"],
            received_on=D(2026, 2, 3),
            contact_name="Dr Lee",
            text="Late",
            today=TODAY,
        )
        assert request.received_on == D(2026, 2, 3)


def test_escalations_take_the_same_few_queries_however_many_agencies_and_requests(database):
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    with database.transaction() as session:
        police, kmpt, recs = build(session)
        new_round(session)
    event.listen(database.engine, "before_cursor_execute", count)
    with database.transaction() as session:
        escalations(session, D(2026, 2, 23))
    small = len(statements)
    event.remove(database.engine, "before_cursor_execute", count)
    with database.transaction() as session:
        for agency_ in session.scalars(select(Agency).where(Agency.name.like("%Council (Housing)"))):
            # The case as stored now (not a merged copy of an older read: its row version has moved on).
            case = session.get(Case, recs["DHR-2025-03", "1"].case_id)
            rec = add_recommendation(
                session, case, number=f"H{agency_.id}", text="Review allocations", lead_agency=agency_
            )
            change_status(session, rec, S.ACCEPTED, on=D(2025, 1, 6), today=TODAY)
        later = create_update_round(
            session, meeting_on=D(2026, 6, 18), requested_on=D(2026, 4, 20), due_on=D(2026, 5, 5)
        )
        for request in later.requests:
            record_escalation_action(session, request, level=0, taken_on=D(2026, 4, 20), today=TODAY)
    statements.clear()
    event.listen(database.engine, "before_cursor_execute", count)
    with database.transaction() as session:
        positions = escalations(session, D(2026, 6, 1))
    event.remove(database.engine, "before_cursor_execute", count)
    assert len(positions) > 10
    assert len(statements) == small <= 7
