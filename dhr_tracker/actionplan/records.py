"""A case's recommendations as screens read them: progress updates as plain values, and what an edit compares against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.actionplan.progress import current_updates
from dhr_tracker.actionplan.recommendations import get_recommendation
from dhr_tracker.model import Recommendation


@dataclass(frozen=True)
class UpdateRecord:
    """One progress update; a correction names the date of the update it corrects."""

    id: int
    received_on: dt.date
    contact_name: str
    text: str
    evidence_reference: str
    corrects_received_on: dt.date | None
    superseded: bool  # a later correction replaced it
    current: bool


@dataclass(frozen=True)
class StoredRecommendation:
    """What the edit step changes, as stored when the dialog opened: a colleague's change since stops the save."""

    row_version: int | None
    editable: tuple


def editable_fields(rec: Recommendation) -> tuple:
    return rec.number, rec.text, rec.scope, rec.lead_agency_id, rec.action, rec.target_on


def get_stored_recommendation(session: Session, rec_id: int) -> StoredRecommendation:
    rec = get_recommendation(session, rec_id)
    return StoredRecommendation(rec.row_version, editable_fields(rec))


def progress_updates_of_case(session: Session, case_id: int) -> dict[int, tuple[UpdateRecord, ...]]:
    """Every recommendation's progress updates (by recommendation id), in stored order."""
    recs = session.scalars(
        select(Recommendation).where(Recommendation.case_id == case_id).options(selectinload(Recommendation.updates))
    ).all()
    result = {}
    for rec in recs:
        shown = {u.id for u in current_updates(rec)}
        corrected = {u.corrects_id for u in rec.updates if u.corrects_id}
        result[rec.id] = tuple(
            UpdateRecord(
                u.id,
                u.received_on,
                u.contact_name,
                u.text,
                u.evidence_reference,
                u.corrects.received_on if u.corrects else None,
                u.id in corrected,
                u.id in shown,
            )
            for u in rec.updates
        )
    return result
