"""What the app's Learning tab shows for one case: its themes, and each recommendation's themes and implementation.

Added for the desktop app, which may not write queries itself (ui/ never imports sqlalchemy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.learning.implementation import implementation_view
from dhr_tracker.learning.similarity import SimilarRecommendation, similar_to
from dhr_tracker.learning.themes import list_themes, themes_by_case, themes_by_recommendation
from dhr_tracker.model import Recommendation
from dhr_tracker.vocabulary import Scope


@dataclass(frozen=True)
class RecommendationLearning:
    id: int
    number: str
    text: str
    national: bool
    themes: tuple[str, ...]
    implementation: str  # the current category's label, or "Not assessed"
    assessed_on: dt.date | None
    recheck_on: dt.date | None
    evidence: tuple[str, ...]
    department_trail: tuple[str, ...]


@dataclass(frozen=True)
class CaseLearning:
    case_id: int
    themes: tuple[str, ...]
    recommendations: tuple[RecommendationLearning, ...]
    vocabulary: tuple[tuple[str, str], ...]  # (facet label, theme name) of every theme offered, in order


def case_learning(session: Session, case_id: int) -> CaseLearning:
    rec_themes = themes_by_recommendation(session)
    recs = session.scalars(
        select(Recommendation)
        .where(Recommendation.case_id == case_id)
        .options(selectinload(Recommendation.case))
        .order_by(Recommendation.id)
    )
    rows = []
    for rec in recs:
        view = implementation_view(session, rec)
        rows.append(
            RecommendationLearning(
                rec.id,
                rec.number,
                rec.text,
                rec.scope is Scope.NATIONAL,
                tuple(rec_themes.get(rec.id, ())),
                view.category.label if view.category else "Not assessed",
                view.assessed_on,
                view.recheck_on,
                view.evidence,
                view.department_trail,
            )
        )
    return CaseLearning(
        case_id,
        tuple(themes_by_case(session).get(case_id, ())),
        tuple(rows),
        tuple((theme.facet.label, theme.name) for theme in list_themes(session)),
    )


def similar_text(found: list[SimilarRecommendation]) -> str:
    """The similar recommendations as lines a person reads (reference, number, status, implementation)."""
    return "\n".join(
        f"{s.reference} recommendation {s.number} ({s.status.label.lower()}; implementation: {s.implementation.lower()}; "
        f"match {s.score}/100): {s.text}"
        for s in found
    )


def similar_for(session: Session, rec_id: int) -> list[SimilarRecommendation]:
    rec = session.get(Recommendation, rec_id)
    return similar_to(session, rec) if rec is not None else []
