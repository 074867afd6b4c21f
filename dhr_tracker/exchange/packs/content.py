"""What an update pack holds: one agency's outstanding items in a round, read in a few queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date
from dhr_tracker.errors import NotFound, UserError
from dhr_tracker.model import (
    Agency,
    Case,
    ProgressUpdate,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.vocabulary import ContactLevel, RecommendationStatus

S = RecommendationStatus
# What an agency may propose in a pack: progress on its own work. Acceptance, sign-off (the Steering
# Group's) and "not accepted" are the partnership's decisions, not the agency's.
PROPOSABLE = (S.IN_PROGRESS, S.COMPLETED_AWAITING_EVIDENCE)


@dataclass(frozen=True)
class PackRow:
    recommendation_id: int
    reference: str
    pseudonym: str
    number: str
    text: str
    action: str
    target_on: dt.date | None
    status: RecommendationStatus
    latest_on: dt.date | None
    latest_text: str


@dataclass(frozen=True)
class PackContent:
    request_id: int
    round_id: int
    agency_id: int
    agency_name: str
    meeting_on: dt.date
    requested_on: dt.date
    due_on: dt.date
    round_note: str
    lead_contact: str  # name, or "" when the agency has no lead contact
    lead_email: str
    rows: tuple[PackRow, ...]

    @property
    def round_label(self) -> str:
        return f"Update round for the meeting on {format_date(self.meeting_on)}"


def find_round(session: Session, meeting_on: dt.date) -> UpdateRound:
    round_ = session.scalar(select(UpdateRound).where(UpdateRound.meeting_on == meeting_on))
    if round_ is None:
        raise NotFound(f"There is no update round for the meeting on {format_date(meeting_on)}. Start the round first.")
    return round_


def find_agency(session: Session, name: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.name == name.strip()))
    if agency is None:
        matches = session.scalars(select(Agency).where(Agency.name.icontains(name.strip())).order_by(Agency.name)).all()
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = "; ".join(agency.name for agency in matches[:5]) + ("; ..." if len(matches) > 5 else "")
            raise UserError(f"'{name.strip()}' matches {len(matches)} agencies ({shown}). Give the agency's full name.")
        raise UserError(f"There is no agency called '{name.strip()}'. List the agencies to see their names.")
    return agency


def pack_contents(session: Session, round_: UpdateRound, agency_id: int | None = None) -> list[PackContent]:
    """Per agency of the round with outstanding items: the rows of its pack, in case and number order."""
    requests = session.scalars(
        select(UpdateRequest)
        .options(selectinload(UpdateRequest.agency).selectinload(Agency.contacts))
        .where(UpdateRequest.round_id == round_.id, *([UpdateRequest.agency_id == agency_id] if agency_id else []))
    ).all()
    by_request: dict[int, list] = {}
    for request_id, rec, reference, pseudonym in session.execute(
        select(UpdateRequestItem.request_id, Recommendation, Case.reference, Case.pseudonym)
        .join(Recommendation, UpdateRequestItem.recommendation_id == Recommendation.id)
        .join(Case, Recommendation.case_id == Case.id)
        .join(UpdateRequest, UpdateRequestItem.request_id == UpdateRequest.id)
        .where(
            UpdateRequest.round_id == round_.id,
            UpdateRequestItem.settled_on.is_(None),
            Recommendation.status.in_(tuple(status for status in S if status.is_open and status is not S.PROPOSED)),
        )
    ):
        by_request.setdefault(request_id, []).append((rec, reference, pseudonym))
    rec_ids = [rec.id for entries in by_request.values() for rec, _, _ in entries]
    latest = _latest_updates(session, rec_ids)
    contents = []
    for request in sorted(requests, key=lambda r: r.agency.name):
        entries = by_request.get(request.id)
        if not entries:
            continue
        rows = tuple(
            PackRow(
                rec.id,
                reference,
                pseudonym,
                rec.number,
                rec.text,
                rec.action,
                rec.target_on,
                rec.status,
                *latest.get(rec.id, (None, "")),
            )
            for rec, reference, pseudonym in sorted(entries, key=lambda e: (e[1], _natural(e[0].number)))
        )
        lead = request.agency.contact_at(ContactLevel.LEAD)
        contents.append(
            PackContent(
                request.id,
                round_.id,
                request.agency_id,
                request.agency.name,
                round_.meeting_on,
                request.requested_on,
                request.due_on,
                round_.note,
                lead.name if lead else "",
                lead.email if lead else "",
                rows,
            )
        )
    return contents


def _latest_updates(session: Session, rec_ids: list[int]) -> dict[int, tuple[dt.date, str]]:
    """Each recommendation's latest update as it now stands (a corrected entry counts as its correction)."""
    latest: dict[int, tuple[dt.date, str]] = {}
    for start in range(0, len(rec_ids), 900):  # SQLite's limit on bound parameters
        rows = session.execute(
            select(
                ProgressUpdate.recommendation_id,
                ProgressUpdate.id,
                ProgressUpdate.received_on,
                ProgressUpdate.text,
                ProgressUpdate.corrects_id,
            )
            .where(ProgressUpdate.recommendation_id.in_(rec_ids[start : start + 900]))
            .order_by(ProgressUpdate.received_on, ProgressUpdate.id)
        ).all()
        corrected = {corrects for *_, corrects in rows if corrects}
        for rec_id, update_id, received_on, text, _ in rows:
            if update_id not in corrected:
                latest[rec_id] = (received_on, text)
    return latest


def _natural(number: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))
