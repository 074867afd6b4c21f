"""Importing a returned pack: all of it or nothing, through the action-plan services, once.

Each row with progress becomes a progress update (received on the day of the import, from the person
the row names; actionplan.progress.add_progress_updates, the batch form of the one-by-one service, by the
same rules) linked to the pack as its source; that settles the request items it answers, so the
agency's escalation level drops at once. A proposed status becomes a proposal for the coordinator to
accept or reject; nothing about the recommendation's status changes here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan.progress import NewUpdate, add_progress_updates
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.packs.reader import ReturnedPack, read_returned_pack
from dhr_tracker.exchange.packs.review import PackReview, RowReview, review_pack
from dhr_tracker.model import Agency, Recommendation, StatusProposal, UpdatePack, UpdatePackEntry, utc_now


class PackRefused(UserError):
    """The pack has problems; nothing was recorded from it. `review` lists them."""

    def __init__(self, review: PackReview):
        lines = [review.summary(), *(f"  - {problem}" for problem in review.all_problems()[:50])]
        if len(review.all_problems()) > 50:
            lines.append(f"  ... and {len(review.all_problems()) - 50} more.")
        super().__init__("\n".join(lines))
        self.review = review


@dataclass(frozen=True)
class PackImport:
    review: PackReview
    changed: bool  # False when the pack had been imported before

    def summary(self) -> str:
        if not self.changed:
            return self.review.summary()
        return f"Imported {self.review.summary()}"


def check_pack_file(
    session: Session,
    path: Path | str,
    *,
    today: dt.date,
    password: str | None = None,
    from_agency: Agency | None = None,
) -> PackReview:
    """The dry run: read the file and review it. Raises PackFileError for a file that is not a readable pack."""
    return review_pack(session, read_returned_pack(path, password=password), today=today, from_agency=from_agency)


def import_pack(
    session: Session, returned: ReturnedPack, *, today: dt.date, from_agency: Agency | None = None
) -> PackImport:
    """Record a returned pack. Raises PackRefused (recording nothing) if any row or the file has a problem."""
    review = review_pack(session, returned, today=today, from_agency=from_agency)
    if review.already_imported:
        return PackImport(review, changed=False)
    if not review.ok:
        raise PackRefused(review)
    # review_pack gives a problem to a pack this database did not make and to every row whose recommendation
    # it could not find, so a pack that passed has a pack id and each of its recorded rows a recommendation.
    pack = session.get(UpdatePack, review.pack_id) if review.pack_id is not None else None
    assert pack is not None, "a pack that passed its review is one this database made"
    recorded: list[tuple[RowReview, int]] = []
    for row in review.rows:
        if row.recorded:
            assert row.recommendation_id is not None, f"row {row.row_number} passed without a recommendation"
            recorded.append((row, row.recommendation_id))
    recs = {
        rec.id: rec
        for rec in session.scalars(
            select(Recommendation).where(Recommendation.id.in_([rec_id for _, rec_id in recorded]))
        )
    }
    added = add_progress_updates(
        session,
        [NewUpdate(recs[rec_id], row.progress, row.updated_by, row.evidence) for row, rec_id in recorded],
        received_on=today,
        today=today,
    )
    for (row, rec_id), update in zip(recorded, added, strict=True):
        session.add(UpdatePackEntry(pack=pack, progress_update=update))
        if row.proposed is not None:
            rec = recs[rec_id]
            session.add(
                StatusProposal(
                    pack=pack,
                    recommendation_id=rec.id,
                    from_status=rec.status,
                    proposed_status=row.proposed,
                    completed_on=row.completed_on,
                    proposed_on=today,
                    proposed_by=row.updated_by[:200],
                    decision="",
                    decision_note="",
                )
            )
    updates = len(added)
    pack.imported_at = utc_now()
    pack.imported_sha256 = returned.sha256
    pack.imported_updates = updates
    pack.returned_on = pack.returned_on or today
    session.flush()
    return PackImport(review, changed=True)


def import_pack_file(
    session: Session,
    path: Path | str,
    *,
    today: dt.date,
    password: str | None = None,
    from_agency: Agency | None = None,
) -> PackImport:
    return import_pack(session, read_returned_pack(path, password=password), today=today, from_agency=from_agency)
