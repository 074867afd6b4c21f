"""Meetings, their attendees, and the register of numbered briefing copies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, Versioned, enum_column, utc_now
from dhr_tracker.vocabulary import MeetingKind


class Meeting(Versioned, Base):
    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("kind", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), default=MeetingKind.KCSP)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    agenda_item: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")

    attendees: Mapped[list[Attendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendee.position"
    )
    briefing_copies: Mapped[list[BriefingCopy]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(BriefingCopy.edition, BriefingCopy.copy_number)",
    )


class Attendee(Base):
    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")


class BriefingCopy(Base):
    """One numbered copy of a briefing: who received it, and whether it came back."""

    __tablename__ = "briefing_copy"
    __table_args__ = (UniqueConstraint("meeting_id", "edition", "copy_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    edition: Mapped[int] = mapped_column(default=1)
    copy_number: Mapped[int]
    total_copies: Mapped[int]
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    recipient_organisation: Mapped[str] = mapped_column(String(200), default="")
    produced_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    returned_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(default="")

    meeting: Mapped[Meeting] = relationship(back_populates="briefing_copies")
