"""Deadlines, RAG and timeline for the caseload, loaded in a few queries: what screens and reports call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dhr_tracker.casework.cases import find_case
from dhr_tracker.lifecycle.deadlines import Deadline, compute_deadlines, timescales_from_settings
from dhr_tracker.lifecycle.facts import CaseFacts, facts_from_case, load_case_facts
from dhr_tracker.lifecycle.rag import RagStatus, rag_for, rag_rules_from_settings
from dhr_tracker.lifecycle.timeline import TimelineEvent, build_timeline
from dhr_tracker.workdays import calendar_for


@dataclass(frozen=True)
class CaseOverview:
    """One case as of a date: its facts, its deadlines (by due date) and its RAG rating with reasons."""

    facts: CaseFacts
    deadlines: tuple[Deadline, ...]
    rag: RagStatus

    @property
    def reference(self) -> str:
        return self.facts.reference

    @property
    def worst_slippage_days(self) -> int:
        return max((d.slippage_days for d in self.deadlines if d.status.value != "met"), default=0)


def caseload_overview(session: Session, as_of: dt.date, *, open_only: bool = True) -> list[CaseOverview]:
    """Every case (open ones by default) with deadlines and RAG as of `as_of`, ordered by reference.

    Loads everything in a handful of queries (settings, closure days, then six for the facts), then
    computes in memory: suitable for the dashboard, the briefing and 2,000 cases.
    """
    timescales = timescales_from_settings(session)
    calendar = calendar_for(session)
    rules = rag_rules_from_settings(session)
    result = []
    for facts in load_case_facts(session, open_only=open_only):
        deadlines = compute_deadlines(facts, as_of, timescales, calendar)
        result.append(CaseOverview(facts, tuple(deadlines), rag_for(facts, deadlines, as_of, rules)))
    return result


def case_overview(session: Session, reference: str, as_of: dt.date) -> tuple[CaseOverview, list[TimelineEvent]]:
    """One case by reference (NotFound if there is none): its overview and its timeline."""
    facts = facts_from_case(find_case(session, reference))
    deadlines = compute_deadlines(facts, as_of, timescales_from_settings(session), calendar_for(session))
    overview = CaseOverview(facts, tuple(deadlines), rag_for(facts, deadlines, as_of, rag_rules_from_settings(session)))
    return overview, build_timeline(facts)
