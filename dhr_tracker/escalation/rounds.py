"""Update rounds: ask every agency with open recommendations for an update ahead of a meeting, and record replies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan.progress import add_progress_update
from dhr_tracker.actionplan.status_rules import ACTIVE_STATUSES
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import (
    AgencyContact,
    Case,
    Meeting,
    ProgressUpdate,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.security.audit import record_bulk_creation
from dhr_tracker.validation import clean_date, clean_text, not_in_future
from dhr_tracker.vocabulary import MeetingKind, Stage


def create_update_round(
    session: Session,
    *,
    meeting_on: dt.date,
    requested_on: dt.date,
    due_on: dt.date,
    note: str = "",
) -> UpdateRound:
    """A round for the meeting on `meeting_on`: one request per agency that leads open recommendations.

    Open means accepted, in progress, or completed and awaiting evidence, on a case not closed.
    Raises ValidationError (adding nothing) if the dates are out of order or no agency owes an update.
    """
    meeting_on = clean_date(meeting_on, "meeting_on", "The meeting date", required=True)
    requested_on = clean_date(requested_on, "requested_on", "The date the requests are sent", required=True)
    due_on = clean_date(due_on, "due_on", "The date updates are due", required=True)
    if due_on < requested_on:
        raise ValidationError(
            f"The due date {format_date(due_on)} is before the requests are sent ({format_date(requested_on)}).",
            field="due_on",
            rule="due_before_request",
        )
    if due_on > meeting_on:
        raise ValidationError(
            f"The due date {format_date(due_on)} is after the meeting on {format_date(meeting_on)}; updates are asked for ahead of it.",
            field="due_on",
            rule="due_after_meeting",
        )
    if session.scalar(select(UpdateRound.id).where(UpdateRound.meeting_on == meeting_on)) is not None:
        raise ValidationError(
            f"There is already an update round for the meeting on {format_date(meeting_on)}.",
            field="meeting_on",
            rule="duplicate_round",
        )
    rows = session.execute(
        select(Recommendation.lead_agency_id, Recommendation.id)
        .join(Case, Recommendation.case_id == Case.id)
        .where(Recommendation.status.in_(ACTIVE_STATUSES), Case.stage != Stage.CLOSED)
        .order_by(Recommendation.lead_agency_id, Recommendation.id)
    ).all()
    if not rows:
        raise ValidationError(
            "No agency has open recommendations (accepted, in progress, or awaiting evidence), so there is nobody to ask.",
            rule="nothing_to_request",
        )
    meeting_id = session.scalar(
        select(Meeting.id)
        .where(Meeting.held_on == meeting_on)
        .order_by((Meeting.kind == MeetingKind.KCSP).desc())
        .limit(1)
    )
    round_ = UpdateRound(
        meeting_id=meeting_id, meeting_on=meeting_on, requested_on=requested_on, due_on=due_on, note=note.strip()
    )
    session.add(round_)
    session.flush()
    # Bulk inserts: a national round holds tens of thousands of items.
    agency_ids = list(dict.fromkeys(agency_id for agency_id, _ in rows))
    request_ids = dict(
        session.execute(
            insert(UpdateRequest).returning(UpdateRequest.agency_id, UpdateRequest.id, sort_by_parameter_order=True),
            [
                {"round_id": round_.id, "agency_id": agency_id, "requested_on": requested_on, "due_on": due_on}
                for agency_id in agency_ids
            ],
        ).all()
    )
    session.execute(
        insert(UpdateRequestItem),
        [{"request_id": request_ids[agency_id], "recommendation_id": rec_id} for agency_id, rec_id in rows],
    )
    # Bulk statements bypass the ORM's flush, so the trail is told about these rows directly.
    record_bulk_creation(
        session, "update_request", [(request_id,) for request_id in request_ids.values()], {"round_id": round_.id}
    )
    record_bulk_creation(
        session,
        "update_request_item",
        [(request_ids[agency_id], rec_id) for agency_id, rec_id in rows],
        {"round_id": round_.id},
    )
    session.expire(round_, ["requests"])
    return round_


def change_request_due_date(session: Session, request: UpdateRequest, due_on: dt.date) -> UpdateRequest:
    """Give one agency a different due date (an agreed extension). The ladder then counts from the new date."""
    due_on = clean_date(due_on, "due_on", "The due date", required=True)
    if due_on < request.requested_on:
        raise ValidationError(
            f"The due date {format_date(due_on)} is before the request was sent ({format_date(request.requested_on)}).",
            field="due_on",
            rule="due_before_request",
        )
    request.due_on = due_on
    session.flush()
    return request


@dataclass(frozen=True)
class ReplyEntry:
    """The update a reply gives on one recommendation."""

    recommendation_id: int
    text: str
    evidence_reference: str = ""


def record_reply(
    session: Session,
    request: UpdateRequest,
    *,
    received_on: dt.date,
    entries: list[ReplyEntry],
    contact_name: str = "",
    contact: AgencyContact | None = None,
    today: dt.date | None = None,
) -> list[ProgressUpdate]:
    """Record an agency's reply: a progress update for each recommendation it covers.

    Each update settles that recommendation in this request (and in any earlier one still waiting on
    it); when every item is settled the request counts as received. Validates everything first.
    """
    today = today or today_uk()
    received_on = clean_date(received_on, "received_on", "The date the reply was received", required=True)
    not_in_future(received_on, today, "received_on", "The date the reply was received")
    if received_on < request.requested_on:
        raise ValidationError(
            f"The reply is dated {format_date(received_on)}, before the request was sent ({format_date(request.requested_on)}).",
            field="received_on",
            rule="reply_before_request",
        )
    if not entries:
        raise ValidationError(
            "A reply needs an update on at least one recommendation.", field="entries", rule="empty_reply"
        )
    items = {item.recommendation_id: item for item in request.items}
    seen: set[int] = set()
    for entry in entries:
        if entry.recommendation_id not in items:
            raise ValidationError(
                f"{request.agency.name} was not asked about recommendation id {entry.recommendation_id} in this round.",
                field="entries",
                rule="not_in_request",
            )
        if entry.recommendation_id in seen:
            raise ValidationError(
                "The reply gives two updates on the same recommendation; combine them.",
                field="entries",
                rule="duplicate_entry",
            )
        seen.add(entry.recommendation_id)
        clean_text(
            entry.text,
            "text",
            f"The update on recommendation {items[entry.recommendation_id].recommendation.number}",
            required=True,
        )
    if contact is None:
        clean_text(contact_name, "contact_name", "The name of the person who sent the reply", required=True, limit=200)
    return [
        add_progress_update(
            session,
            items[entry.recommendation_id].recommendation,
            received_on=received_on,
            text=entry.text,
            contact_name=contact_name,
            contact=contact,
            evidence_reference=entry.evidence_reference,
            today=today,
        )
        for entry in entries
    ]
