"""Matching what a sheet says to what the database knows: agencies, CSP areas and the words of the
process (stage, status, scope...). An exact match (ignoring case, spacing, '&' and full stops) is taken;
a near miss is refused with a suggestion, never taken silently."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from dhr_tracker.exchange.sheets.fields import normalise_name
from dhr_tracker.vocabulary import (
    GuidanceProfile,
    LabelledEnum,
    RecommendationSource,
    RecommendationStatus,
    Scope,
    Stage,
)

T = TypeVar("T")
SUGGESTION_CUTOFF = 0.6
_ABBREVIATION = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class Match(Generic[T]):
    value: T | None
    suggestion: str = ""  # the known name closest to what was written, when there was no match


class NameMatcher(Generic[T]):
    """Names (and extra spellings: aliases, abbreviations in brackets, districts) -> objects."""

    def __init__(self, named: Iterable[tuple[str, T]]):
        self._exact: dict[str, T] = {}
        self._names: dict[str, str] = {}
        self._cache: dict[str, Match[T]] = {}
        abbreviations: dict[str, list[T]] = {}
        for name, value in named:
            key = normalise_name(name)
            self._exact.setdefault(key, value)
            self._names.setdefault(key, name)
            found = _ABBREVIATION.search(name)
            if found:
                abbreviations.setdefault(normalise_name(found.group(1)), []).append(value)
        for key, values in abbreviations.items():
            if len(values) == 1 and key not in self._exact:  # "(KMPT)" is one agency; "(Housing)" is many
                self._exact[key] = values[0]

    def add_spelling(self, spelling: str, value: T) -> None:
        self._exact.setdefault(normalise_name(spelling), value)
        self._cache.clear()

    def find_name(self, name: str) -> T | None:
        return self._exact.get(normalise_name(name))

    def match(self, text: str) -> Match[T]:
        """The object a name stands for, or no object and the nearest known name as a suggestion."""
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self._match(text)
        return found

    def _match(self, text: str) -> Match[T]:
        key = normalise_name(text)
        if key in self._exact:
            return Match(self._exact[key])
        close: list[str] = []
        if len(key) >= 4:  # "Completed" -> "Completed, awaiting evidence"; "Police" -> "Kent Police"
            close = sorted(
                (name for name in self._names if key in name or name in key),
                key=lambda name: (not name.startswith(key), abs(len(name) - len(key))),
            )[:1]
        if not close:
            close = difflib.get_close_matches(key, list(self._names), n=1, cutoff=SUGGESTION_CUTOFF)
        return Match(None, self._names[close[0]] if close else "")


# Words trackers use for the enumerations, beyond each member's own value and label.
_EXTRA_WORDS: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {
    GuidanceProfile: {
        "dhr": GuidanceProfile.DHR_2016,
        "domestic homicide review": GuidanceProfile.DHR_2016,
        "dhr 2016": GuidanceProfile.DHR_2016,
        "dardr": GuidanceProfile.DARDR,
    },
    Stage: {
        "notified": Stage.NOTIFICATION,
        "decision pending": Stage.DECISION,
        "commissioned": Stage.COMMISSIONING,
        "drafting": Stage.DRAFTING,
        "panel meetings": Stage.DRAFTING,
        "imrs": Stage.INFORMATION_GATHERING,
        "home office": Stage.HOME_OFFICE_QA,
        "ho qa": Stage.HOME_OFFICE_QA,
        "qa panel": Stage.HOME_OFFICE_QA,
        "published": Stage.PUBLICATION,
        "action plan": Stage.ACTION_PLAN_MONITORING,
        "monitoring": Stage.ACTION_PLAN_MONITORING,
        "signed off by kcsp": Stage.PARTNERSHIP_SIGNOFF,
    },
    RecommendationStatus: {
        "not started": RecommendationStatus.ACCEPTED,
        "ongoing": RecommendationStatus.IN_PROGRESS,
        "in hand": RecommendationStatus.IN_PROGRESS,
        "signed off": RecommendationStatus.IMPLEMENTED,
        "implemented": RecommendationStatus.IMPLEMENTED,
        "awaiting evidence": RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
        "rejected": RecommendationStatus.NOT_ACCEPTED,
    },
    RecommendationSource: {
        "overview": RecommendationSource.OVERVIEW_REPORT,
        "or": RecommendationSource.OVERVIEW_REPORT,
        "overview report": RecommendationSource.OVERVIEW_REPORT,
        "individual management review": RecommendationSource.IMR,
    },
    Scope: {},
}
_CHOICE_MATCHERS: dict[type, NameMatcher] = {}


def _choices(enum: type[LabelledEnum]) -> NameMatcher:
    if enum not in _CHOICE_MATCHERS:
        named: list[tuple[str, LabelledEnum]] = []
        for member in enum:
            named += [(member.label, member), (member.value.replace("_", " "), member)]
        matcher = NameMatcher(named)
        for word, member in _EXTRA_WORDS.get(enum, {}).items():
            matcher.add_spelling(word, member)
        _CHOICE_MATCHERS[enum] = matcher
    return _CHOICE_MATCHERS[enum]


def match_choice(enum: type[LabelledEnum], text: str) -> Match:
    """A member of the enumeration from its value, its label or a common word for it."""
    return _choices(enum).match(text)


def choice_labels(enum: type[LabelledEnum]) -> str:
    return ", ".join(member.label for member in enum)
