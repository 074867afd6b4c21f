"""KCSP meetings, their attendees, and the register of numbered briefing copies."""

from dhr_tracker.meetings.copies import CopyRecord, Recipient, copy_register, mark_returned, next_edition, record_copies
from dhr_tracker.meetings.meetings import (
    AttendeeRecord,
    MeetingRecord,
    add_meeting,
    find_meeting,
    list_meetings,
    meeting_record,
    previous_meeting,
    set_attendees,
)

__all__ = [
    "AttendeeRecord",
    "CopyRecord",
    "MeetingRecord",
    "Recipient",
    "add_meeting",
    "copy_register",
    "find_meeting",
    "list_meetings",
    "mark_returned",
    "meeting_record",
    "next_edition",
    "previous_meeting",
    "record_copies",
    "set_attendees",
]
