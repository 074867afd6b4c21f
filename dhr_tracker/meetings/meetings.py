"""Meetings (date, agenda item, title, place) and who attends them; the attendee list gives the briefing copies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import Attendee, Meeting
from dhr_tracker.vocabulary import MeetingKind

NAME_LIMIT = 200
AGENDA_ITEM_LIMIT = 20


@dataclass(frozen=True)
class AttendeeRecord:
    name: str
    organisation: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    kind: MeetingKind
    held_on: dt.date
    agenda_item: str
    title: str
    location: str
    attendees: tuple[AttendeeRecord, ...]


def _text(value: object, field: str, label: str, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else " ".join(str(value).split())
    if required and not text:
        raise ValidationError(f"{label} is required.", field=field, rule="required")
    if len(text) > limit:
        raise ValidationError(
            f"{label} is {len(text)} characters long; the limit is {limit}.", field=field, rule="too_long"
        )
    return text


def _clean_attendees(attendees: Iterable[tuple[str, str] | AttendeeRecord]) -> list[AttendeeRecord]:
    cleaned = []
    for number, attendee in enumerate(attendees, start=1):
        name, organisation = (
            (attendee.name, attendee.organisation) if isinstance(attendee, AttendeeRecord) else attendee
        )
        cleaned.append(
            AttendeeRecord(
                _text(name, "attendees", f"The name of attendee {number}", NAME_LIMIT, required=True),
                _text(organisation, "attendees", f"The organisation of attendee {number}", NAME_LIMIT),
            )
        )
    return cleaned


def meeting_record(meeting: Meeting) -> MeetingRecord:
    return MeetingRecord(
        meeting.id,
        meeting.kind,
        meeting.held_on,
        meeting.agenda_item,
        meeting.title,
        meeting.location,
        tuple(AttendeeRecord(a.name, a.organisation) for a in meeting.attendees),
    )


def add_meeting(
    session: Session,
    *,
    held_on: dt.date,
    agenda_item: str = "",
    title: str = "",
    location: str = "",
    kind: MeetingKind = MeetingKind.KCSP,
    attendees: Sequence[tuple[str, str] | AttendeeRecord] = (),
) -> Meeting:
    """Add a meeting. Refuses a second meeting of the same kind on the same day; adds nothing on a refusal."""
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        raise ValidationError("The meeting date must be a date.", field="held_on", rule="not_a_date")
    agenda_item = _text(agenda_item, "agenda_item", "The agenda item", AGENDA_ITEM_LIMIT)
    title = _text(title, "title", "The meeting title", NAME_LIMIT) or kind.label
    location = _text(location, "location", "The meeting place", NAME_LIMIT)
    people = _clean_attendees(attendees)
    clash = session.scalar(select(Meeting.id).where(Meeting.kind == kind, Meeting.held_on == held_on))
    if clash is not None:
        raise ValidationError(
            f"There is already a {kind.label} meeting on {format_date(held_on)}.",
            field="held_on",
            rule="duplicate_meeting",
        )
    meeting = Meeting(kind=kind, held_on=held_on, agenda_item=agenda_item, title=title, location=location)
    meeting.attendees = [Attendee(position=i, name=p.name, organisation=p.organisation) for i, p in enumerate(people)]
    session.add(meeting)
    session.flush()
    return meeting


def set_attendees(session: Session, meeting: Meeting, attendees: Sequence[tuple[str, str] | AttendeeRecord]) -> Meeting:
    """Replace the attendee list (in the order given)."""
    people = _clean_attendees(attendees)
    meeting.attendees = [Attendee(position=i, name=p.name, organisation=p.organisation) for i, p in enumerate(people)]
    session.flush()
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id, for a service to change (screens hold ids, not ORM objects)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("That meeting no longer exists. Reload the Meetings screen and try again.")
    return meeting


def find_meeting(session: Session, held_on: dt.date, kind: MeetingKind = MeetingKind.KCSP) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.kind == kind, Meeting.held_on == held_on))
    if meeting is None:
        raise NotFound(
            f"There is no {kind.label} meeting on {format_date(held_on)}. "
            f"Add it first (dhr-tracker meetings --add {held_on.isoformat()} --item N), or give the date of a meeting "
            "listed by dhr-tracker meetings."
        )
    return meeting


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The last meeting of the same kind before this one, if any."""
    return session.scalar(
        select(Meeting)
        .where(Meeting.kind == meeting.kind, Meeting.held_on < meeting.held_on)
        .order_by(Meeting.held_on.desc())
        .limit(1)
    )


def list_meetings(session: Session, kind: MeetingKind | None = None) -> list[MeetingRecord]:
    """Meetings, latest first."""
    # The attendees of every meeting in one more query, not one query per meeting.
    query = select(Meeting).options(selectinload(Meeting.attendees)).order_by(Meeting.held_on.desc(), Meeting.kind)
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    return [meeting_record(meeting) for meeting in session.scalars(query)]
