"""Update rounds, the requests each agency receives, and the escalation actions taken when late."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, Versioned, enum_column, utc_now
from dhr_tracker.model.recommendation import ProgressUpdate, Recommendation
from dhr_tracker.model.reference import Agency
from dhr_tracker.vocabulary import ContactMethod


class UpdateRound(Versioned, Base):
    """One cycle of update requests, ahead of a meeting."""

    __tablename__ = "update_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    meeting_on: Mapped[dt.date]
    requested_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(default="")

    requests: Mapped[list[UpdateRequest]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="UpdateRequest.id"
    )


class UpdateRequest(Versioned, Base):
    """What one agency was asked for in a round; settled when its items have all been answered."""

    __tablename__ = "update_request"
    __table_args__ = (UniqueConstraint("round_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("update_round.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    requested_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    received_on: Mapped[dt.date | None]

    round: Mapped[UpdateRound] = relationship(back_populates="requests")
    agency: Mapped[Agency] = relationship()
    items: Mapped[list[UpdateRequestItem]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="UpdateRequestItem.recommendation_id"
    )
    actions: Mapped[list[EscalationAction]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(EscalationAction.taken_on, EscalationAction.id)",
    )


class UpdateRequestItem(Base):
    """One recommendation covered by a request, and the update that settled it."""

    __tablename__ = "update_request_item"

    request_id: Mapped[int] = mapped_column(ForeignKey("update_request.id", ondelete="CASCADE"), primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    settled_on: Mapped[dt.date | None]
    progress_update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_update.id", ondelete="SET NULL"))

    request: Mapped[UpdateRequest] = relationship(back_populates="items")
    recommendation: Mapped[Recommendation] = relationship()
    progress_update: Mapped[ProgressUpdate | None] = relationship()


class EscalationAction(Base):
    """A step taken on the escalation ladder. Kept for ever, even after the update arrives."""

    __tablename__ = "escalation_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("update_request.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    taken_on: Mapped[dt.date]
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_role: Mapped[str] = mapped_column(String(120), default="")
    method: Mapped[ContactMethod] = mapped_column(enum_column(ContactMethod), default=ContactMethod.LETTER)
    note: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    request: Mapped[UpdateRequest] = relationship(back_populates="actions")
