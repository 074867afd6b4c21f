"""Red, amber or green for a case, with the reasons, from its deadlines (pure; rules in docs/USER_GUIDE.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from dhr_tracker.dates import format_date
from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind, DeadlineStatus
from dhr_tracker.lifecycle.facts import CaseFacts
from dhr_tracker.vocabulary import QAOutcome

# Lateness that stays part of a review's story once met (a late IMR once received no longer slips the review).
LATENESS_REPORTED = (DeadlineKind.DECISION, DeadlineKind.COMPLETION)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    CLOSED = "closed"  # no rating: the case is closed

    @property
    def label(self) -> str:
        return {"red": "Red", "amber": "Amber", "green": "Green", "closed": "Closed"}[self.value]


@dataclass(frozen=True)
class RagRules:
    """Thresholds (settings rag.due_soon_days and rag.red_after_days_overdue); by default, as those settings
    are declared (dhr_tracker/settings.py is the one home of every default)."""

    due_soon_days: int = field(default_factory=lambda: _declared_default("rag.due_soon_days"))
    red_after_days_overdue: int = field(default_factory=lambda: _declared_default("rag.red_after_days_overdue"))


def _declared_default(key: str) -> int:
    from dhr_tracker.settings import SETTINGS

    return int(SETTINGS[key].default)


@dataclass(frozen=True)
class RagStatus:
    rating: Rag
    reasons: tuple[str, ...]  # one sentence per reason, worst first, then lateness met; empty: "On track"

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "On track"


def rag_rules_from_settings(session) -> RagRules:  # noqa: ANN001 - a Session
    from dhr_tracker.settings import RAG_DUE_SOON_DAYS, RAG_RED_AFTER_DAYS, Settings

    settings = Settings(session)
    return RagRules(settings.get(RAG_DUE_SOON_DAYS), settings.get(RAG_RED_AFTER_DAYS))


def rag_for(facts: CaseFacts, deadlines: list[Deadline], as_of: dt.date, rules: RagRules = RagRules()) -> RagStatus:
    """The case's rating as of `as_of`, from its deadlines (`compute_deadlines(facts, as_of)`).

    Only the facts dated on or before `as_of` count (`CaseFacts.as_of`): a Home Office round dated later
    had not happened yet.
    Red: a deadline overdue by more than `red_after_days_overdue` days (counted in the deadline's own days).
    Amber: a deadline overdue by fewer days; a deadline paused; a deadline due within `due_soon_days`;
    or the Home Office asked for resubmission and the report has not yet gone back.
    Green: none of these. A closed case has no rating (Rag.CLOSED).
    The decision or the review completed late is said as well (after the reasons for the rating), so a
    review finished months late is never summed up as "On track".
    """
    facts = facts.as_of(as_of)
    if facts.closed_on is not None and facts.closed_on <= as_of:
        return RagStatus(Rag.CLOSED, ())
    red: list[str] = []
    amber: list[str] = []
    history: list[str] = []
    for deadline in deadlines:
        if deadline.status is DeadlineStatus.OVERDUE:
            sentence = f"{deadline.label} overdue by {deadline.days_text(deadline.days_overdue)} (due {format_date(deadline.due)})"
            (red if deadline.days_overdue > rules.red_after_days_overdue else amber).append(sentence)
        elif deadline.status is DeadlineStatus.PAUSED:
            amber.append(f"{deadline.label} paused (due date moves with the pause, {format_date(deadline.due)} so far)")
        elif deadline.status is DeadlineStatus.DUE and (deadline.due - as_of).days <= rules.due_soon_days:
            amber.append(f"{deadline.label} due {format_date(deadline.due)}")
        elif deadline.met_late and deadline.milestone in LATENESS_REPORTED:
            history.append(
                f"{deadline.label}: met late ({deadline.days_text(deadline.slippage_days)}), "
                f"due {format_date(deadline.due)}, met {format_date(deadline.met_on)}"
            )
    latest = facts.latest_qa_round
    if latest is not None and latest.outcome is QAOutcome.RESUBMISSION_REQUIRED:
        amber.append(
            f"Home Office asked for resubmission (round {latest.round_number})"
            + (f", letter of {format_date(latest.feedback_letter_on)}" if latest.feedback_letter_on else "")
        )
    if red:
        return RagStatus(Rag.RED, tuple(red + amber + history))
    if amber:
        return RagStatus(Rag.AMBER, tuple(amber + history))
    return RagStatus(Rag.GREEN, tuple(history))
