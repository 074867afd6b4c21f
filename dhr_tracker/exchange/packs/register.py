"""The pack register of a round, per agency: pack made, sent (ticked by the coordinator), returned,
imported, and how many items are still outstanding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.errors import NotFound
from dhr_tracker.model import Agency, UpdatePack, UpdateRequest, UpdateRequestItem, UpdateRound
from dhr_tracker.validation import not_in_future


@dataclass(frozen=True)
class AgencyPackStatus:
    request_id: int
    agency_id: int
    agency_name: str
    items: int
    outstanding: int
    pack_id: int | None  # the current (not replaced) pack, if one was made
    identifier: str
    made_at: dt.datetime | None
    sent_on: dt.date | None
    returned_on: dt.date | None
    imported_at: dt.datetime | None

    @property
    def stage(self) -> str:
        if self.imported_at:
            return "imported"
        if self.returned_on:
            return "returned, awaiting import"
        if self.sent_on:
            return "sent"
        if self.pack_id:
            return "pack made"
        return "no pack" if self.outstanding else "nothing outstanding"


def round_pack_statuses(session: Session, round_: UpdateRound) -> list[AgencyPackStatus]:
    counts = {
        request_id: (items, outstanding)
        for request_id, items, outstanding in session.execute(
            select(UpdateRequestItem.request_id, func.count(), func.count() - func.count(UpdateRequestItem.settled_on))
            .join(UpdateRequest, UpdateRequestItem.request_id == UpdateRequest.id)
            .where(UpdateRequest.round_id == round_.id)
            .group_by(UpdateRequestItem.request_id)
        )
    }
    packs = {
        pack.request_id: pack
        for pack in session.scalars(
            select(UpdatePack)
            .join(UpdateRequest, UpdatePack.request_id == UpdateRequest.id)
            .where(UpdateRequest.round_id == round_.id, UpdatePack.replaced_at.is_(None))
            .order_by(UpdatePack.made_at)
        )
    }
    statuses = []
    for request_id, agency_id, name in session.execute(
        select(UpdateRequest.id, UpdateRequest.agency_id, Agency.name)
        .join(Agency, UpdateRequest.agency_id == Agency.id)
        .where(UpdateRequest.round_id == round_.id)
        .order_by(Agency.name)
    ):
        pack = packs.get(request_id)
        items, outstanding = counts.get(request_id, (0, 0))
        statuses.append(
            AgencyPackStatus(
                request_id,
                agency_id,
                name,
                items,
                outstanding,
                pack.id if pack else None,
                pack.identifier if pack else "",
                pack.made_at if pack else None,
                pack.sent_on if pack else None,
                pack.returned_on if pack else None,
                pack.imported_at if pack else None,
            )
        )
    return statuses


def _current_pack(session: Session, pack_id: int) -> UpdatePack:
    pack = session.get(UpdatePack, pack_id)
    if pack is None:
        raise NotFound(f"There is no update pack {pack_id}.")
    return pack


def mark_sent(session: Session, pack_id: int, *, on: dt.date | None, today: dt.date) -> UpdatePack:
    """Tick (or, with on=None, untick) that the pack was sent to the agency."""
    pack = _current_pack(session, pack_id)
    if on is not None:
        not_in_future(on, today, "sent_on", "The date the pack was sent")
    pack.sent_on = on
    session.flush()
    return pack


def note_returned(session: Session, identifier: str, *, on: dt.date) -> UpdatePack | None:
    """Record that a pack came back (checked, not yet imported). Returns None for an identifier not in the register."""
    pack = session.scalar(select(UpdatePack).where(UpdatePack.identifier == identifier))
    if pack is not None and pack.returned_on is None:
        pack.returned_on = on
        session.flush()
    return pack


def returns_awaiting_import(session: Session) -> int:
    """Packs that came back and are not yet imported (the current pack of each request only)."""
    return (
        session.scalar(
            select(func.count(UpdatePack.id)).where(
                UpdatePack.returned_on.is_not(None), UpdatePack.imported_at.is_(None), UpdatePack.replaced_at.is_(None)
            )
        )
        or 0
    )
