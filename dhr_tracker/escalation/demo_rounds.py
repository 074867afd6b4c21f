"""Update rounds for the demo caseload: replies on time and late, and agencies at every level of the ladder.

Called by dhr_tracker.demo once the cases, recommendations and meetings exist. Everything goes through
the real services (rounds, replies, escalation actions), so the demo obeys the same rules as real data.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dhr_tracker.actionplan._common import decision_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.escalation.engine import level_dates
from dhr_tracker.escalation.rounds import ReplyEntry, change_request_due_date, create_update_round, record_reply
from dhr_tracker.escalation.service import current_ladder, kcsp_meeting_dates, record_escalation_action
from dhr_tracker.meetings.meetings import add_meeting, list_meetings
from dhr_tracker.model import UpdateRequest, UpdateRound
from dhr_tracker.vocabulary import ContactLevel, ContactMethod
from dhr_tracker.workdays import calendar_for

# What each agency does with the recent round, in turn (by agency name): the level it ends at on the anchor day.
ON_TIME, LATE_AFTER_LEVEL_2, LEVEL_3, LEVEL_2, LEVEL_1, NOT_YET_DUE = range(6)


def add_demo_update_rounds(session: Session, anchor: dt.date) -> None:
    """An old round (one agency never answered: level 4 at the last KCSP meeting) and a recent one."""
    calendar = calendar_for(session)
    ladder = current_ladder(session)
    meetings = kcsp_meeting_dates(session)
    upcoming = next((day for day in meetings if day > anchor), anchor + dt.timedelta(days=30))
    base_due = calendar.add_working_days(anchor, -27)

    def reply(request: UpdateRequest, on: dt.date) -> None:
        contact = request.agency.contact_at(ContactLevel.LEAD)
        record_reply(
            session,
            request,
            received_on=on,
            contact=contact,
            contact_name=contact.name if contact else "Lead contact",
            entries=[
                ReplyEntry(item.recommendation_id, _reply_text(item.recommendation, on), "EV-ROUND")
                for item in request.items
            ],
            today=anchor,
        )

    def escalate(request: UpdateRequest, up_to: int) -> None:
        dates = level_dates(ladder, request.requested_on, request.due_on, calendar, meetings)
        for step, day in zip(ladder, dates):
            if step.level <= up_to and day is not None and day <= anchor:
                method = ContactMethod.EMAIL if step.level == 1 else ContactMethod.LETTER
                record_escalation_action(session, request, level=step.level, taken_on=day, method=method, today=anchor)

    try:
        # The earlier round is for a real meeting, about nine months back (a Wednesday), so that every round's
        # meeting is in the meeting list.
        old_meeting = _wednesday_on_or_after(anchor - dt.timedelta(days=270))
        if old_meeting not in meetings:
            members = next((m.attendees for m in list_meetings(session) if m.attendees), ())
            add_meeting(
                session,
                held_on=old_meeting,
                agenda_item="7",
                title="Kent Community Safety Partnership",
                location="Sessions House, Maidstone",
                attendees=members,
            )
            meetings = kcsp_meeting_dates(session)
        old = create_update_round(
            session,
            meeting_on=old_meeting,
            requested_on=old_meeting - dt.timedelta(days=42),
            due_on=old_meeting - dt.timedelta(days=21),
            note="Demo: an earlier round",
        )
        recent = create_update_round(
            session,
            meeting_on=upcoming,
            requested_on=base_due - dt.timedelta(days=15),
            due_on=base_due,
            note="Demo: the current round",
        )
    except ValidationError:
        return  # a caseload too small to have open recommendations: nothing to ask for
    _drop_items_decided_later(session, old)
    _drop_items_decided_later(session, recent)
    recent_requests = sorted(recent.requests, key=lambda r: r.agency.name)
    behaviour = {request.agency_id: index % 6 for index, request in enumerate(recent_requests)}
    old_ids = {request.agency_id for request in old.requests}
    never_answers = next(
        (r.agency_id for r in recent_requests if behaviour[r.agency_id] == LEVEL_3 and r.agency_id in old_ids), None
    )

    for request in old.requests:
        if request.agency_id == never_answers:
            escalate(request, up_to=3)  # level 4 falls due at the KCSP meeting after level 3
        else:
            escalate(request, up_to=0)
            reply(request, request.due_on - dt.timedelta(days=3))

    for request in recent_requests:
        kind = behaviour[request.agency_id]
        if kind == LEVEL_2:
            change_request_due_date(session, request, calendar.add_working_days(anchor, -16))
        elif kind == LEVEL_1:
            change_request_due_date(session, request, calendar.add_working_days(anchor, -7))
        elif kind == NOT_YET_DUE:
            change_request_due_date(session, request, min(anchor + dt.timedelta(days=3), upcoming))
        if kind == ON_TIME:
            escalate(request, up_to=0)
            reply(request, request.due_on - dt.timedelta(days=1))
        elif kind == LATE_AFTER_LEVEL_2:
            escalate(request, up_to=2)
            reply(request, calendar.add_working_days(request.due_on, 17))
        else:
            escalate(request, up_to={LEVEL_3: 2, LEVEL_2: 1, LEVEL_1: 0, NOT_YET_DUE: 0}[kind])
    session.flush()


def _wednesday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(2 - day.weekday()) % 7)


def _reply_text(recommendation, on: dt.date) -> str:  # noqa: ANN001 - a model Recommendation
    """What an agency would say on `on`: a recommendation already completed is not 'progressing as planned'."""
    if recommendation.completed_on is not None and recommendation.completed_on <= on:
        return "Completed; evidence of the change attached."
    return "Progress as planned; evidence attached."


def _drop_items_decided_later(session: Session, round_: UpdateRound) -> None:
    """The demo's recommendations are all made today: leave out of a past round those whose review began after it."""
    for request in list(round_.requests):
        for item in list(request.items):
            decided = decision_date(session, item.recommendation.case)
            if decided is None or decided > round_.requested_on:
                request.items.remove(item)
        if not request.items:
            round_.requests.remove(request)
    session.flush()
