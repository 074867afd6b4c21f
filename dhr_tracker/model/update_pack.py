"""Update packs: the workbook each agency is sent in a round, what came back in it, and the status
changes agencies proposed, waiting for the coordinator to accept or reject."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, enum_column, utc_now
from dhr_tracker.model.escalation import UpdateRequest
from dhr_tracker.model.recommendation import ProgressUpdate, Recommendation
from dhr_tracker.vocabulary import RecommendationStatus


class UpdatePack(Base):
    """One pack made for one agency's request in a round. A pack made again replaces the earlier one."""

    __tablename__ = "update_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("update_request.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(40), unique=True)
    # The key of the pack's checksums (HMAC-SHA256): it never leaves the encrypted database.
    signing_key: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    file_name: Mapped[str] = mapped_column(String(260), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    rows: Mapped[int] = mapped_column(default=0)
    encrypted: Mapped[bool] = mapped_column(default=False)
    replaced_at: Mapped[dt.datetime | None]
    sent_on: Mapped[dt.date | None]
    returned_on: Mapped[dt.date | None]
    imported_at: Mapped[dt.datetime | None]
    imported_sha256: Mapped[str] = mapped_column(String(64), default="")
    imported_updates: Mapped[int] = mapped_column(default=0)

    request: Mapped[UpdateRequest] = relationship()
    entries: Mapped[list[UpdatePackEntry]] = relationship(back_populates="pack", cascade="all, delete-orphan")


class UpdatePackEntry(Base):
    """A progress update that came in a pack: the pack is its source."""

    __tablename__ = "update_pack_entry"

    pack_id: Mapped[int] = mapped_column(ForeignKey("update_pack.id", ondelete="CASCADE"), primary_key=True)
    progress_update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), primary_key=True
    )

    # The update first: the audit trail finds an entry's case through its first many-to-one relationship.
    progress_update: Mapped[ProgressUpdate] = relationship()
    pack: Mapped[UpdatePack] = relationship(back_populates="entries")


class StatusProposal(Base):
    """A status an agency proposed in a pack. Nothing changes until the coordinator accepts it."""

    __tablename__ = "status_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("update_pack.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[RecommendationStatus] = mapped_column(enum_column(RecommendationStatus))
    proposed_status: Mapped[RecommendationStatus] = mapped_column(enum_column(RecommendationStatus))
    completed_on: Mapped[dt.date | None]
    proposed_on: Mapped[dt.date]
    proposed_by: Mapped[str] = mapped_column(String(200), default="")
    decision: Mapped[str] = mapped_column(String(20), default="")  # "", "accepted" or "rejected"
    decided_on: Mapped[dt.date | None]
    decision_note: Mapped[str] = mapped_column(default="")

    recommendation: Mapped[Recommendation] = relationship()  # first, as above: the way to the case
    pack: Mapped[UpdatePack] = relationship()
