"""The themes vocabulary (editable; seeded from resources/reference/themes.json) and tagging cases and recommendations.

A review "touches" a theme when the review itself or any of its recommendations is tagged with it.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import Case, CaseTheme, Recommendation, RecommendationTheme, Theme
from dhr_tracker.validation import clean_text
from dhr_tracker.vocabulary import ThemeFacet

NAME_LIMIT = 120


def _clean_name(value: Any, field: str = "name") -> str:
    name = clean_text(value, field, "The theme's name", required=True, limit=NAME_LIMIT)
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ValidationError(
            "The theme's name contains control or invisible characters. Type it again.",
            field=field,
            rule="control_characters",
        )
    return name


def _clash(session: Session, name: str, theme_id: int | None) -> Theme | None:
    wanted = name.casefold()
    for theme in session.scalars(select(Theme)):
        if theme.id != theme_id and theme.name.casefold() == wanted:
            return theme
    return None


def list_themes(session: Session, *, active_only: bool = True, facet: ThemeFacet | None = None) -> list[Theme]:
    """The vocabulary by facet, then name."""
    query = select(Theme)
    if active_only:
        query = query.where(Theme.active.is_(True))
    if facet is not None:
        query = query.where(Theme.facet == facet)
    order = {member: index for index, member in enumerate(ThemeFacet)}
    return sorted(session.scalars(query), key=lambda t: (order[t.facet], t.name.casefold()))


def find_theme(session: Session, name: str) -> Theme:
    """The theme of this name, any case; NotFound names the nearest ones."""
    wanted = " ".join(str(name).split()).casefold()
    themes = list(session.scalars(select(Theme)))
    for theme in themes:
        if theme.name.casefold() == wanted:
            return theme
    near = [t.name for t in themes if wanted and wanted in t.name.casefold()][:5]
    hint = f" Did you mean: {'; '.join(near)}?" if near else " 'dhr-tracker themes' lists them."
    raise NotFound(f"There is no theme called '{name}'.{hint}")


def add_theme(
    session: Session, name: str, *, facet: ThemeFacet | str = ThemeFacet.LEARNING, description: str = ""
) -> Theme:
    """Add a theme to the vocabulary. Refused: an empty or duplicate name (ignoring case and spacing)."""
    name = _clean_name(name)
    try:
        facet = facet if isinstance(facet, ThemeFacet) else ThemeFacet.from_text(str(facet))
    except ValueError as error:
        raise ValidationError(f"Facet: {error}.", field="facet", rule="unknown_facet") from None
    existing = _clash(session, name, None)
    if existing is not None:
        state = "" if existing.active else " (retired: bring it back instead)"
        raise ValidationError(
            f"The theme '{existing.name}' is already on the list{state}.", field="name", rule="duplicate_theme"
        )
    theme = Theme(
        name=name,
        facet=facet,
        description=clean_text(description, "description", "The description", required=False),
        active=True,
    )
    session.add(theme)
    session.flush()
    return theme


def rename_theme(session: Session, theme: Theme, new_name: str) -> Theme:
    """Rename a theme; its tags follow it (they point at the theme, not its name)."""
    name = _clean_name(new_name)
    existing = _clash(session, name, theme.id)
    if existing is not None:
        raise ValidationError(
            f"The theme '{existing.name}' is already on the list; choose another name.",
            field="name",
            rule="duplicate_theme",
        )
    theme.name = name
    session.flush()
    return theme


def set_theme_active(session: Session, theme: Theme, active: bool) -> Theme:
    """Retire a theme (no longer offered; existing tags stay and still count) or bring it back."""
    theme.active = bool(active)
    session.flush()
    return theme


def _themes_named(session: Session, names: Iterable[str], field: str) -> list[Theme]:
    if isinstance(names, str):
        names = [names]
    chosen: list[Theme] = []
    for name in names:
        try:
            theme = find_theme(session, name)
        except NotFound as error:
            raise ValidationError(error.message, field=field, rule="unknown_theme") from None
        if theme not in chosen:
            chosen.append(theme)
    return chosen


def set_case_themes(session: Session, case: Case, names: Iterable[str]) -> list[Theme]:
    """Make the review's tags exactly these themes (names, any case). Unknown names are refused, changing nothing."""
    wanted = _themes_named(session, names, "themes")
    current = {tag.theme_id: tag for tag in session.scalars(select(CaseTheme).where(CaseTheme.case_id == case.id))}
    for theme_id, tag in current.items():
        if theme_id not in {t.id for t in wanted}:
            session.delete(tag)
    for theme in wanted:
        if theme.id not in current:
            session.add(CaseTheme(case_id=case.id, theme_id=theme.id))
    session.flush()
    return wanted


def set_recommendation_themes(session: Session, rec: Recommendation, names: Iterable[str]) -> list[Theme]:
    """Make the recommendation's tags exactly these themes. Unknown names are refused, changing nothing."""
    wanted = _themes_named(session, names, "themes")
    current = {
        tag.theme_id: tag
        for tag in session.scalars(select(RecommendationTheme).where(RecommendationTheme.recommendation_id == rec.id))
    }
    for theme_id, tag in current.items():
        if theme_id not in {t.id for t in wanted}:
            session.delete(tag)
    for theme in wanted:
        if theme.id not in current:
            session.add(RecommendationTheme(recommendation_id=rec.id, theme_id=theme.id))
    session.flush()
    return wanted


def themes_by_case(session: Session) -> dict[int, list[str]]:
    """Case id -> the names of the themes the review itself is tagged with, alphabetically."""
    result: dict[int, list[str]] = defaultdict(list)
    for case_id, name in session.execute(select(CaseTheme.case_id, Theme.name).join(Theme)):
        result[case_id].append(name)
    return {key: sorted(names, key=str.casefold) for key, names in result.items()}


def themes_by_recommendation(session: Session) -> dict[int, list[str]]:
    """Recommendation id -> the names of its themes, alphabetically."""
    result: dict[int, list[str]] = defaultdict(list)
    for rec_id, name in session.execute(select(RecommendationTheme.recommendation_id, Theme.name).join(Theme)):
        result[rec_id].append(name)
    return {key: sorted(names, key=str.casefold) for key, names in result.items()}


def case_ids_touching(session: Session, theme: Theme) -> set[int]:
    """The reviews tagged with the theme, or holding a recommendation tagged with it."""
    direct = set(session.scalars(select(CaseTheme.case_id).where(CaseTheme.theme_id == theme.id)))
    through = set(
        session.scalars(
            select(Recommendation.case_id)
            .join(RecommendationTheme, RecommendationTheme.recommendation_id == Recommendation.id)
            .where(RecommendationTheme.theme_id == theme.id)
        )
    )
    return direct | through


def recommendation_ids_with(session: Session, theme: Theme) -> set[int]:
    return set(
        session.scalars(select(RecommendationTheme.recommendation_id).where(RecommendationTheme.theme_id == theme.id))
    )


def case_ids_by_theme(session: Session) -> dict[str, frozenset[int]]:
    """Every offered theme (and any retired one still in use) -> the reviews touching it: for list filters."""
    touching: dict[int, set[int]] = defaultdict(set)
    for theme_id, case_id in session.execute(select(CaseTheme.theme_id, CaseTheme.case_id)):
        touching[theme_id].add(case_id)
    for theme_id, case_id in session.execute(
        select(RecommendationTheme.theme_id, Recommendation.case_id).join(
            Recommendation, RecommendationTheme.recommendation_id == Recommendation.id
        )
    ):
        touching[theme_id].add(case_id)
    return {
        theme.name: frozenset(touching.get(theme.id, ()))
        for theme in list_themes(session, active_only=False)
        if theme.active or touching.get(theme.id)
    }


@dataclass(frozen=True)
class ThemeRow:
    """One theme as screens show it (no ORM object crosses to the desktop app's widgets)."""

    id: int
    name: str
    facet: ThemeFacet
    active: bool
    tagged: int  # how many reviews and recommendations carry it


def theme_rows(session: Session) -> list[ThemeRow]:
    """Every theme, offered or retired, by facet then name, with how often it is used."""
    used: dict[int, int] = defaultdict(int)
    for theme_id in session.scalars(select(CaseTheme.theme_id)):
        used[theme_id] += 1
    for theme_id in session.scalars(select(RecommendationTheme.theme_id)):
        used[theme_id] += 1
    return [ThemeRow(t.id, t.name, t.facet, t.active, used[t.id]) for t in list_themes(session, active_only=False)]


def theme_by_id(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("That theme is no longer on the list. Reload the list and try again.")
    return theme
