"""The register of numbered briefing copies: which copy went to whom, and whether it came back.

Each time a briefing is produced for a meeting it is a new *edition*; its copies are numbered
1..M within the edition. The coordinator ticks copies off as they are returned at the close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import BriefingCopy, Meeting

MAX_COPIES = 200


@dataclass(frozen=True)
class Recipient:
    """Who a numbered copy is for; both parts may be empty for an unnamed copy."""

    name: str = ""
    organisation: str = ""

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.name, self.organisation) if part)


@dataclass(frozen=True)
class CopyRecord:
    id: int
    edition: int
    copy_number: int
    total_copies: int
    recipient: Recipient
    produced_at: dt.datetime
    file_sha256: str
    returned_on: dt.date | None
    note: str

    @property
    def returned(self) -> bool:
        return self.returned_on is not None


def next_edition(session: Session, meeting: Meeting) -> int:
    latest = session.scalar(select(func.max(BriefingCopy.edition)).where(BriefingCopy.meeting_id == meeting.id))
    return (latest or 0) + 1


def check_recipients(recipients: Sequence[Recipient]) -> None:
    if not recipients:
        raise ValidationError("A briefing needs at least one copy.", field="copies", rule="no_copies")
    if len(recipients) > MAX_COPIES:
        raise ValidationError(
            f"{len(recipients)} copies is more than the limit of {MAX_COPIES}.", field="copies", rule="too_many"
        )


def record_copies(
    session: Session,
    meeting: Meeting,
    edition: int,
    recipients: Sequence[Recipient],
    file_sha256: Sequence[str],
) -> list[BriefingCopy]:
    """Enter a new edition's copies in the register (copy N goes to recipients[N-1])."""
    check_recipients(recipients)
    if len(file_sha256) != len(recipients):
        raise ValueError("one file hash per copy")
    taken = session.scalar(
        select(func.count(BriefingCopy.id)).where(
            BriefingCopy.meeting_id == meeting.id, BriefingCopy.edition == edition
        )
    )
    if taken:
        raise ValidationError(f"Edition {edition} of this briefing is already in the register.", rule="edition_exists")
    total = len(recipients)
    copies = [
        BriefingCopy(
            meeting=meeting,
            edition=edition,
            copy_number=number,
            total_copies=total,
            recipient_name=recipient.name,
            recipient_organisation=recipient.organisation,
            file_sha256=digest,
        )
        for number, (recipient, digest) in enumerate(zip(recipients, file_sha256), start=1)
    ]
    session.add_all(copies)
    session.flush()
    return copies


def copy_register(session: Session, meeting: Meeting, edition: int | None = None) -> list[CopyRecord]:
    """The copies of a meeting's briefing (every edition, or one), in edition and copy order."""
    query = select(BriefingCopy).where(BriefingCopy.meeting_id == meeting.id)
    if edition is not None:
        query = query.where(BriefingCopy.edition == edition)
    query = query.order_by(BriefingCopy.edition, BriefingCopy.copy_number)
    return [
        CopyRecord(
            c.id,
            c.edition,
            c.copy_number,
            c.total_copies,
            Recipient(c.recipient_name, c.recipient_organisation),
            c.produced_at,
            c.file_sha256,
            c.returned_on,
            c.note,
        )
        for c in session.scalars(query)
    ]


def mark_returned(
    session: Session,
    meeting: Meeting,
    copy_numbers: Sequence[int],
    *,
    returned_on: dt.date | None,
    edition: int | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> list[BriefingCopy]:
    """Tick copies off as returned on a date (or, with returned_on=None, mark them outstanding again).

    The edition defaults to the latest. Every number is checked before anything changes.
    """
    if edition is None:
        edition = next_edition(session, meeting) - 1
        if edition == 0:
            raise NotFound(f"No briefing copies have been produced for the meeting on {format_date(meeting.held_on)}.")
    today = today or today_uk()
    if returned_on is not None and returned_on > today:
        raise ValidationError(
            f"A copy cannot have come back on {format_date(returned_on)}: that is after today ({format_date(today)}).",
            field="returned_on",
            rule="returned_in_future",
        )
    if returned_on is not None and returned_on < meeting.held_on:
        raise ValidationError(
            f"A copy cannot come back on {format_date(returned_on)}, before the meeting on {format_date(meeting.held_on)}.",
            field="returned_on",
            rule="returned_before_meeting",
        )
    copies = {
        c.copy_number: c
        for c in session.scalars(
            select(BriefingCopy).where(BriefingCopy.meeting_id == meeting.id, BriefingCopy.edition == edition)
        )
    }
    if not copies:
        raise NotFound(
            f"There is no edition {edition} of the briefing for the meeting on {format_date(meeting.held_on)}."
        )
    unknown = sorted(set(copy_numbers) - set(copies))
    if unknown:
        total = next(iter(copies.values())).total_copies
        raise ValidationError(
            f"Edition {edition} has copies 1 to {total}; there is no copy {', '.join(map(str, unknown))}.",
            field="copies",
            rule="unknown_copy",
        )
    changed = []
    for number in sorted(set(copy_numbers)):
        copy = copies[number]
        copy.returned_on = returned_on
        if note is not None:
            copy.note = note.strip()
        changed.append(copy)
    session.flush()
    return changed
