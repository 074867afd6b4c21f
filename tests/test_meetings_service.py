"""Meetings and attendees: added, found, refused with a message, listed latest first."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.meetings import (
    AttendeeRecord,
    add_meeting,
    find_meeting,
    list_meetings,
    previous_meeting,
    set_attendees,
)
from dhr_tracker.vocabulary import MeetingKind

pytestmark = pytest.mark.both_engines


def test_a_meeting_with_attendees_is_added_and_found(database):
    with database.transaction() as session:
        add_meeting(
            session,
            held_on=dt.date(2026, 6, 3),
            agenda_item="7",
            location="Sessions House",
            attendees=[("  Pat   Example ", "Kent Police"), AttendeeRecord("Kim Sample", "")],
        )
        add_meeting(session, held_on=dt.date(2026, 12, 2), agenda_item="5")
    with database.transaction() as session:
        meeting = find_meeting(session, dt.date(2026, 6, 3))
        assert meeting.title == MeetingKind.KCSP.label
        assert [(a.name, a.organisation) for a in meeting.attendees] == [
            ("Pat Example", "Kent Police"),
            ("Kim Sample", ""),
        ]
        later = find_meeting(session, dt.date(2026, 12, 2))
        assert previous_meeting(session, later).id == meeting.id
        assert previous_meeting(session, meeting) is None
        assert [m.held_on for m in list_meetings(session)] == [dt.date(2026, 12, 2), dt.date(2026, 6, 3)]
        set_attendees(session, later, [("Lesley Specimen", "Medway Council")])
    with database.transaction() as session:
        assert list_meetings(session)[0].attendees[0].label == "Lesley Specimen, Medway Council"


def test_refusals_name_the_problem(database):
    with database.transaction() as session:
        add_meeting(session, held_on=dt.date(2026, 6, 3))
    with (
        pytest.raises(ValidationError, match="already a Kent Community Safety Partnership meeting on 03/06/2026"),
        database.transaction() as session,
    ):
        add_meeting(session, held_on=dt.date(2026, 6, 3))
    with pytest.raises(ValidationError, match="name of attendee 2 is required"), database.transaction() as session:
        add_meeting(session, held_on=dt.date(2026, 7, 1), attendees=[("Pat Example", ""), ("", "Kent Police")])
    with pytest.raises(ValidationError, match="limit is 20"), database.transaction() as session:
        add_meeting(session, held_on=dt.date(2026, 7, 1), agenda_item="x" * 21)
    with (
        pytest.raises(NotFound, match="no Kent Community Safety Partnership meeting on 01/07/2026"),
        database.transaction() as session,
    ):
        find_meeting(session, dt.date(2026, 7, 1))
