"""A review and its life: milestones, Home Office QA rounds, publication, parallel processes, pauses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, Versioned, enum_column, utc_now
from dhr_tracker.model.reference import Agency, CspArea
from dhr_tracker.vocabulary import (
    Decision,
    GuidanceProfile,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    Stage,
)

KCSP = "KCSP"


class Case(Versioned, Base):
    """One Domestic Homicide Review (or DARDR). Real names are optional and never exported."""

    __tablename__ = "dhr_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(120))
    # Loaded only when asked for: on a team database the viewer role may not read these two columns
    # (resources/postgres/roles.sql), so loading a case must not touch them. active_history: setting one
    # loads the old value first, so setting the same value is no change (no needless UPDATE, version bump
    # or audit entry, e.g. when a copy of the case is merged back into a session).
    victim_real_name: Mapped[str | None] = mapped_column(String(200), deferred=True, active_history=True)
    perpetrator_real_name: Mapped[str | None] = mapped_column(String(200), deferred=True, active_history=True)
    date_of_death: Mapped[dt.date | None]
    notified_on: Mapped[dt.date]
    csp_area_id: Mapped[int | None] = mapped_column(ForeignKey("csp_area.id", ondelete="RESTRICT"), index=True)
    commissioning_partnership: Mapped[str] = mapped_column(String(120), default=KCSP)
    guidance_profile: Mapped[GuidanceProfile] = mapped_column(
        enum_column(GuidanceProfile), default=GuidanceProfile.DHR_2016
    )
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.NOTIFICATION, index=True)
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision))
    independent_chair: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    csp_area: Mapped[CspArea | None] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="(Milestone.occurred_on, Milestone.id)"
    )
    qa_rounds: Mapped[list[QARound]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="QARound.round_number"
    )
    publication: Mapped[Publication | None] = relationship(back_populates="case", cascade="all, delete-orphan")
    parallel_processes: Mapped[list[ParallelProcess]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ParallelProcess.id"
    )
    pauses: Mapped[list[Pause]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Pause.starts_on"
    )

    @property
    def is_cross_border(self) -> bool:
        return self.commissioning_partnership.strip().upper() != KCSP


class Milestone(Versioned, Base):
    """A dated event in the life of a review (decision, chair appointed, IMR received from an agency...)."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    occurred_on: Mapped[dt.date]
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    case: Mapped[Case] = relationship(back_populates="milestones")
    agency: Mapped[Agency | None] = relationship()


class QARound(Versioned, Base):
    """One submission to the Home Office Quality Assurance Panel and what came back."""

    __tablename__ = "qa_round"
    __table_args__ = (UniqueConstraint("case_id", "round_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), index=True)
    round_number: Mapped[int]
    submitted_on: Mapped[dt.date]
    panel_on: Mapped[dt.date | None]
    feedback_letter_on: Mapped[dt.date | None]
    feedback_reference: Mapped[str] = mapped_column(String(120), default="")
    outcome: Mapped[QAOutcome | None] = mapped_column(enum_column(QAOutcome))
    revisions_listed: Mapped[str] = mapped_column(default="")
    revisions_made_on: Mapped[dt.date | None]

    case: Mapped[Case] = relationship(back_populates="qa_rounds")


class Publication(Versioned, Base):
    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), unique=True)
    published_on: Mapped[dt.date]
    website_removal_on: Mapped[dt.date | None]
    sent_to_library_on: Mapped[dt.date | None]
    family_told_on: Mapped[dt.date | None]
    sent_to_commissioner_on: Mapped[dt.date | None]

    case: Mapped[Case] = relationship(back_populates="publication")


class ParallelProcess(Versioned, Base):
    """A process running alongside the review: criminal trial, inquest, SAR, CSPR, IOPC..."""

    __tablename__ = "parallel_process"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ParallelProcessKind] = mapped_column(enum_column(ParallelProcessKind))
    status: Mapped[ProcessStatus] = mapped_column(enum_column(ProcessStatus), default=ProcessStatus.PENDING)
    started_on: Mapped[dt.date | None]
    expected_end_on: Mapped[dt.date | None]
    concluded_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(default="")

    case: Mapped[Case] = relationship(back_populates="parallel_processes")


class Pause(Versioned, Base):
    """A period in which the review stood still, with its reason and when the Home Office was told."""

    __tablename__ = "pause"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str]
    parallel_process_id: Mapped[int | None] = mapped_column(ForeignKey("parallel_process.id", ondelete="SET NULL"))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    home_office_told_on: Mapped[dt.date | None]

    case: Mapped[Case] = relationship(back_populates="pauses")
    parallel_process: Mapped[ParallelProcess | None] = relationship()
