"""Progress updates: dated, from a named contact, never changed or deleted; a correction is a new entry.

An update received stops the escalation clock: it settles every update request still waiting on its
recommendation that was sent on or before the day the update arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan._common import decision_date
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import AgencyContact, ProgressUpdate, Recommendation, UpdateRequest, UpdateRequestItem
from dhr_tracker.validation import clean_date, clean_text, not_in_future


def add_progress_update(
    session: Session,
    rec: Recommendation,
    *,
    received_on: dt.date,
    text: str,
    contact_name: str = "",
    contact: AgencyContact | None = None,
    evidence_reference: str = "",
    corrects: ProgressUpdate | None = None,
    today: dt.date | None = None,
) -> ProgressUpdate:
    """Add a progress update (or a correction of an earlier one). Raises ValidationError, adding nothing."""
    today = today or today_uk()
    received_on, contact_name, text, evidence_reference = _checked(
        rec, received_on, text, contact_name, contact, evidence_reference, today, decision_date(session, rec.case)
    )
    if corrects is not None:
        if corrects.recommendation_id != rec.id:
            raise ValidationError(
                "A correction must be about the same recommendation as the update it corrects.",
                field="corrects",
                rule="correction_elsewhere",
            )
        if received_on < corrects.received_on:
            raise ValidationError(
                f"The correction is dated {format_date(received_on)}, before the update it corrects ({format_date(corrects.received_on)}).",
                field="received_on",
                rule="correction_before_original",
            )

    update = ProgressUpdate(
        recommendation=rec,
        received_on=received_on,
        contact=contact,
        contact_name=contact_name,
        text=text,
        evidence_reference=evidence_reference,
        corrects=corrects,
    )
    session.add(update)
    session.flush()
    if corrects is None:
        _settle(session, rec, update)
    return update


def _checked(
    rec: Recommendation,
    received_on: dt.date,
    text: str,
    contact_name: str,
    contact: AgencyContact | None,
    evidence_reference: str,
    today: dt.date,
    decided_on: dt.date | None,
) -> tuple[dt.date, str, str, str]:
    """The rules every update obeys; returns the cleaned (received_on, contact_name, text, evidence_reference)."""
    received_on = clean_date(received_on, "received_on", "The date the update was received", required=True)
    not_in_future(received_on, today, "received_on", "The date the update was received")
    if decided_on and received_on < decided_on:
        raise ValidationError(
            f"The update is dated {format_date(received_on)}, before the decision to review ({format_date(decided_on)}).",
            field="received_on",
            rule="update_before_decision",
        )
    if contact is not None:
        allowed = {rec.lead_agency_id, *(agency.id for agency in rec.supporting_agencies)}
        if contact.agency_id not in allowed:
            raise ValidationError(
                f"{contact.name} is a contact of {contact.agency.name}, which is neither the lead nor a supporting agency "
                f"of recommendation {rec.number}.",
                field="contact",
                rule="contact_not_of_agency",
            )
        contact_name = contact_name or contact.name
    contact_name = clean_text(
        contact_name, "contact_name", "The name of the person who sent the update", required=True, limit=200
    )
    text = clean_text(text, "text", "The text of the update", required=True)
    evidence_reference = clean_text(evidence_reference, "evidence_reference", "The evidence reference", required=False)
    return received_on, contact_name, text, evidence_reference


@dataclass(frozen=True)
class NewUpdate:
    """One update of a batch received together (a returned update pack)."""

    rec: Recommendation
    text: str
    contact_name: str
    evidence_reference: str = ""


def add_progress_updates(
    session: Session, updates: list[NewUpdate], *, received_on: dt.date, today: dt.date | None = None
) -> list[ProgressUpdate]:
    """Add several updates received on one day, by the same rules as add_progress_update: all are checked
    before any is added (a refusal adds none), then they are added and settle what waits on them together,
    so a pack of hundreds of rows costs a few statements rather than a few per row."""
    today = today or today_uk()
    decided: dict[int, dt.date | None] = {}
    checked = []
    for update in updates:
        if update.rec.case_id not in decided:
            decided[update.rec.case_id] = decision_date(session, update.rec.case)
        checked.append(
            _checked(
                update.rec,
                received_on,
                update.text,
                update.contact_name,
                None,
                update.evidence_reference,
                today,
                decided[update.rec.case_id],
            )
        )
    if len({update.rec.id for update in updates}) != len(updates):
        raise ValidationError(
            "Two updates in one batch are about the same recommendation; combine them.",
            field="entries",
            rule="duplicate_entry",
        )
    added = [
        ProgressUpdate(
            recommendation=update.rec, received_on=on, contact_name=name, text=text, evidence_reference=evidence
        )
        for update, (on, name, text, evidence) in zip(updates, checked)
    ]
    session.add_all(added)
    session.flush()
    by_rec = {update.recommendation_id: update for update in added}
    items = (
        session.scalars(
            select(UpdateRequestItem)
            .join(UpdateRequest)
            .where(
                UpdateRequestItem.recommendation_id.in_(list(by_rec)),
                UpdateRequestItem.settled_on.is_(None),
                UpdateRequest.requested_on <= received_on,
            )
        ).all()
        if by_rec
        else []
    )
    for item in items:
        item.settled_on = received_on
        item.progress_update_id = by_rec[item.recommendation_id].id
    close_settled_requests(session, {item.request_id for item in items})
    return added


def current_updates(rec: Recommendation) -> list[ProgressUpdate]:
    """The updates as they now stand: each corrected entry replaced by its latest correction, in date order."""
    corrected = {update.corrects_id for update in rec.updates if update.corrects_id}
    return [update for update in rec.updates if update.id not in corrected]


def _settle(session: Session, rec: Recommendation, update: ProgressUpdate) -> None:
    items = session.scalars(
        select(UpdateRequestItem)
        .join(UpdateRequest)
        .where(
            UpdateRequestItem.recommendation_id == rec.id,
            UpdateRequestItem.settled_on.is_(None),
            UpdateRequest.requested_on <= update.received_on,
        )
    ).all()
    for item in items:
        item.settled_on = update.received_on
        item.progress_update_id = update.id
    close_settled_requests(session, {item.request_id for item in items})


def close_settled_requests(session: Session, request_ids: Iterable[int]) -> None:
    """Mark as received each request whose items are now all settled (on the day the last one was)."""
    request_ids = list(request_ids)
    if not request_ids:
        return
    session.flush()
    rows = session.execute(
        select(
            UpdateRequestItem.request_id,
            func.count(UpdateRequestItem.recommendation_id) - func.count(UpdateRequestItem.settled_on),
            func.max(UpdateRequestItem.settled_on),
        )
        .where(UpdateRequestItem.request_id.in_(request_ids))
        .group_by(UpdateRequestItem.request_id)
    )
    for request_id, unsettled, last_settled in rows:
        if unsettled == 0:
            request = session.get(UpdateRequest, request_id)
            if request is not None and request.received_on is None:  # (the id came from its own items)
                request.received_on = last_settled
    session.flush()
