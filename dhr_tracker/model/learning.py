"""Learning across reviews: the themes vocabulary and its tags, and how far each recommendation is implemented.

Tags are mapped rows (not bare association tables) so that the audit trail records each one with its case.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, enum_column, utc_now
from dhr_tracker.model.case import Case
from dhr_tracker.model.recommendation import Recommendation
from dhr_tracker.model.reference import Agency
from dhr_tracker.vocabulary import DepartmentStep, ImplementationCategory, ThemeFacet


class Theme(Base):
    """One entry of the editable themes vocabulary. Retired themes keep their tags but are not offered."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    facet: Mapped[ThemeFacet] = mapped_column(enum_column(ThemeFacet), default=ThemeFacet.LEARNING)
    description: Mapped[str] = mapped_column(default="")
    active: Mapped[bool] = mapped_column(default=True)


class CaseTheme(Base):
    __tablename__ = "case_theme"

    case_id: Mapped[int] = mapped_column(ForeignKey("dhr_case.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="RESTRICT"), primary_key=True, index=True)

    case: Mapped[Case] = relationship()
    theme: Mapped[Theme] = relationship()


class RecommendationTheme(Base):
    __tablename__ = "recommendation_theme"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="RESTRICT"), primary_key=True, index=True)

    recommendation: Mapped[Recommendation] = relationship()
    theme: Mapped[Theme] = relationship()


class ImplementationAssessment(Base):
    """An assessment in the Commissioner's categories. Kept as a history: the latest is the current one."""

    __tablename__ = "implementation_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    category: Mapped[ImplementationCategory] = mapped_column(enum_column(ImplementationCategory))
    assessed_on: Mapped[dt.date]
    assessed_by: Mapped[str] = mapped_column(String(200))
    recheck_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    recommendation: Mapped[Recommendation] = relationship()


class ImplementationEvidence(Base):
    """Evidence of implementation that someone has seen: what it is, when, and who checked it."""

    __tablename__ = "implementation_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(200))
    seen_on: Mapped[dt.date]
    checked_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    recommendation: Mapped[Recommendation] = relationship()


class DepartmentCorrespondence(Base):
    """A national recommendation's trail with its government department: sent, acknowledged, answered."""

    __tablename__ = "department_correspondence"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    step: Mapped[DepartmentStep] = mapped_column(enum_column(DepartmentStep))
    occurred_on: Mapped[dt.date]
    reference: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    recommendation: Mapped[Recommendation] = relationship()
    department: Mapped[Agency] = relationship()
