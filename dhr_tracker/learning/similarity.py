"""Repeated recommendations: fuzzy matching over normalised wording, across reviews.

Normalised text: Unicode NFKC, case folded, punctuation to spaces, and the small words that every
recommendation shares ("should", "ensure", "the"...) dropped. The score is the token-sort ratio (0-100: the
words sorted, then rapidfuzz's edit-distance ratio; the sorted form is made once per recommendation), so word order and phrasing like "X should train Y" /
"Y to be trained by X" matter little while different subjects score low. Two recommendations are similar
when they score at least the `learning.similarity_threshold` setting. The coordinator judges each match: two
recommendations worded alike but for one word ("older" / "male" victims) will match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.learning.implementation import current_categories
from dhr_tracker.model import Recommendation
from dhr_tracker.settings import SIMILARITY_THRESHOLD, Settings
from dhr_tracker.vocabulary import ImplementationCategory, RecommendationStatus

FILLER_WORDS = frozenset(
    "a an and are as be by ensure ensures for in is its must of on shall should that the their to will with".split()
)


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = re.sub(r"[\W_]+", " ", folded).split()
    return " ".join(word for word in words if word not in FILLER_WORDS)


def _sorted_words(text: str) -> str:
    """The normalised words in alphabetical order: fuzz.ratio on these is the token-sort ratio, computed once."""
    return " ".join(sorted(normalise(text).split()))


def similarity(first: str, second: str) -> float:
    """0-100: how alike two recommendations' wordings are after normalising (the token-sort ratio)."""
    return fuzz.ratio(_sorted_words(first), _sorted_words(second))


@dataclass(frozen=True)
class SimilarRecommendation:
    recommendation_id: int
    case_id: int
    reference: str
    pseudonym: str
    number: str
    text: str
    status: RecommendationStatus
    category: ImplementationCategory | None
    score: int

    @property
    def implementation(self) -> str:
        return self.category.label if self.category else "Not assessed"


def _candidates(session: Session) -> list[Recommendation]:
    return list(
        session.scalars(
            select(Recommendation)
            .options(selectinload(Recommendation.case))
            .order_by(Recommendation.case_id, Recommendation.id)
        )
    )


def _view(rec: Recommendation, score: float, categories: dict) -> SimilarRecommendation:
    return SimilarRecommendation(
        rec.id,
        rec.case_id,
        rec.case.reference,
        rec.case.pseudonym,
        rec.number,
        rec.text,
        rec.status,
        categories.get(rec.id),
        round(score),
    )


def threshold_of(session: Session) -> int:
    return Settings(session).get(SIMILARITY_THRESHOLD)


def similar_recommendations(
    session: Session,
    text: str,
    *,
    other_than_case_id: int | None = None,
    threshold: int | None = None,
) -> list[SimilarRecommendation]:
    """Recommendations of other reviews worded like `text`, best match first, with their status and category."""
    threshold = threshold_of(session) if threshold is None else threshold
    wanted = _sorted_words(text)
    if not wanted:
        return []
    candidates = [rec for rec in _candidates(session) if rec.case_id != other_than_case_id]
    matches = process.extract(
        wanted, [_sorted_words(rec.text) for rec in candidates], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
    )
    categories = current_categories(session)
    found = [_view(candidates[index], score, categories) for _, score, index in matches]
    return sorted(found, key=lambda s: (-s.score, s.reference, s.number))


def similar_to(session: Session, rec: Recommendation, *, threshold: int | None = None) -> list[SimilarRecommendation]:
    """What to show when a recommendation is added or imported: the similar ones from other reviews."""
    return similar_recommendations(session, rec.text, other_than_case_id=rec.case_id, threshold=threshold)


@dataclass(frozen=True)
class Cluster:
    """Recommendations from at least two reviews that are similar to one another (linked pair by pair)."""

    members: tuple[SimilarRecommendation, ...]  # score: the best match of each member within the cluster

    @property
    def reviews(self) -> int:
        return len({m.case_id for m in self.members})


def clusters(session: Session, *, threshold: int | None = None) -> list[Cluster]:
    """Groups of similar recommendations spanning two or more reviews, largest first.

    Single linkage: A and C are in one cluster when A is similar to B and B to C. Pairs within one review
    do not link (a review repeating itself is not a repeated recommendation).
    """
    threshold = threshold_of(session) if threshold is None else threshold
    recs = _candidates(session)
    if len(recs) < 2:
        return []
    texts = [_sorted_words(r.text) for r in recs]
    parent = list(range(len(recs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(i: int, j: int, score: float) -> None:
        if recs[i].case_id != recs[j].case_id:
            parent[root(i)] = root(j)
            best[i], best[j] = max(best[i], score), max(best[j], score)

    best = [0.0] * len(recs)
    # Identical wording is compared once: the members of each group are linked to its first.
    groups_by_text: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        groups_by_text.setdefault(text, []).append(index)
    unique = sorted(groups_by_text, key=len)
    for members in groups_by_text.values():
        for j in members[1:]:
            for i in members[: members.index(j)]:
                link(i, j, 100.0)
    # fuzz.ratio is 2*matches/(len a + len b), so a text more than (200/threshold - 1) times longer than
    # another cannot reach the threshold: compare each text only with those of a possible length.
    stretch = 200 / max(threshold, 1) - 1
    for position, text in enumerate(unique):
        longest = len(text) * stretch
        window = []
        for other in unique[position + 1 :]:
            if len(other) > longest:
                break
            window.append(other)
        if not window:
            continue
        # extract (not cdist): cdist needs numpy, which DHR Tracker does not otherwise carry.
        for other, score, _ in process.extract(text, window, scorer=fuzz.ratio, score_cutoff=threshold, limit=None):
            for i in groups_by_text[text]:
                for j in groups_by_text[other]:
                    link(i, j, score)
    groups: dict[int, list[int]] = {}
    for i in range(len(recs)):
        if best[i]:
            groups.setdefault(root(i), []).append(i)
    categories = current_categories(session)
    result = [
        Cluster(
            tuple(sorted((_view(recs[i], best[i], categories) for i in members), key=lambda m: (m.reference, m.number)))
        )
        for members in groups.values()
    ]
    return sorted(result, key=lambda c: (-len(c.members), c.members[0].reference, c.members[0].number))


def newest_recommendation_id(session: Session) -> int:
    """The highest recommendation id so far (0 if none): mark it before an import to find what the import added."""
    return session.scalar(select(func.max(Recommendation.id))) or 0


def made_before_since(session: Session, after_id: int) -> list[tuple[Recommendation, list[SimilarRecommendation]]]:
    """Each recommendation added after `after_id` that resembles recommendations of other reviews, with them."""
    added = session.scalars(select(Recommendation).where(Recommendation.id > after_id).order_by(Recommendation.id))
    found = [(rec, similar_to(session, rec)) for rec in added]
    return [(rec, similar) for rec, similar in found if similar]
