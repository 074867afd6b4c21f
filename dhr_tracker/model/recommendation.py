"""The action plan: recommendations, their lead and supporting agencies, and dated progress updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, Versioned, enum_column, utc_now
from dhr_tracker.model.case import Case
from dhr_tracker.model.reference import Agency, AgencyContact
from dhr_tracker.vocabulary import RecommendationSource, RecommendationStatus, Scope

recommendation_supporting_agency = Table(
    "recommendation_supporting_agency",
    Base.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id", ondelete="RESTRICT"), primary_key=True),
)


class Recommendation(Versioned, Base):
    """One row of the Home Office action-plan template."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    source: Mapped[RecommendationSource] = mapped_column(
        enum_column(RecommendationSource), default=RecommendationSource.OVERVIEW_REPORT
    )
    source_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    scope: Mapped[Scope] = mapped_column(enum_column(Scope), default=Scope.LOCAL)
    text: Mapped[str]
    action: Mapped[str] = mapped_column(default="")
    key_milestones: Mapped[str] = mapped_column(default="")
    target_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    outcome: Mapped[str] = mapped_column(default="")
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_column(RecommendationStatus), default=RecommendationStatus.PROPOSED, index=True
    )
    status_changed_on: Mapped[dt.date | None]
    not_accepted_reason: Mapped[str] = mapped_column(default="")
    signed_off_on: Mapped[dt.date | None]
    signoff_minute_reference: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    case: Mapped[Case] = relationship()
    lead_agency: Mapped[Agency] = relationship(foreign_keys=[lead_agency_id])
    source_agency: Mapped[Agency | None] = relationship(foreign_keys=[source_agency_id])
    supporting_agencies: Mapped[list[Agency]] = relationship(secondary=recommendation_supporting_agency)
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="recommendation",
        cascade="all, delete-orphan",
        order_by="(ProgressUpdate.received_on, ProgressUpdate.id)",
    )


class ProgressUpdate(Base):
    """A dated progress update. Never changed or deleted: a correction is a new entry pointing here."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[dt.date]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("agency_contact.id", ondelete="SET NULL"))
    contact_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str]
    evidence_reference: Mapped[str] = mapped_column(default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("progress_update.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    contact: Mapped[AgencyContact | None] = relationship()
    corrects: Mapped[ProgressUpdate | None] = relationship(remote_side=[id])
