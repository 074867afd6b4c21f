"""Deadlines, RAG and timeline for the caseload, loaded in a few queries: what screens and reports call."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dhr_tracker.casework.cases import find_case
from dhr_tracker.lifecycle.deadlines import timescales_from_settings
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.lifecycle.rag import rag_rules_from_settings
from dhr_tracker.lifecycle.timeline import TimelineEvent, build_timeline
from dhr_tracker.lifecycle.today import CaseOverview, caseload_for, position_of
from dhr_tracker.workdays import calendar_for


def caseload_overview(session: Session, as_of: dt.date, *, open_only: bool = True) -> list[CaseOverview]:
    """Every case (those open on `as_of` by default) with deadlines and RAG as of `as_of`, by reference.

    Read from the caseload overview (`lifecycle.today`), computed once per as-of date and data version.
    The open set is the cases open on that day: a case closed since is listed, one notified later is not.
    """
    return caseload_for(session).positions(session, as_of, open_only=open_only)


def case_overview(session: Session, reference: str, as_of: dt.date) -> tuple[CaseOverview, list[TimelineEvent]]:
    """One case by reference as it stood on `as_of` (NotFound if there is none): its overview and its
    timeline, both from the facts dated on or before `as_of` (that day's stage, no later events)."""
    case = find_case(session, reference)
    overview = caseload_for(session).position(session, case.id, as_of)
    if overview is None:  # not yet notified on that day: show the notification alone
        overview = position_of(
            facts_from_case(case),
            as_of,
            timescales_from_settings(session),
            calendar_for(session),
            rag_rules_from_settings(session),
        )
    return overview, build_timeline(overview.facts.as_of(as_of))
