"""The day-by-day replay: every demo case as of day D equals the same case on a database that holds only
the facts dated up to D (issue #14, "one as-of rule"); and so do the escalation levels.

For each day the test takes the full demo database and, in a transaction it then rolls back, removes
every fact dated after D with plain ORM edits written here, independently of `CaseFacts.as_of` (later
milestones, rounds, pauses and publications deleted; later letters, ends and conclusions blanked), and
sets each case's stage from what is left, as the services do. The views on that cut database as of D - the open set, each case's stage, deadlines, RAG with reasons, and timeline - must
equal the views of the full database as of D (served by the caseload overview, cached per date).

Which days: every day from the day before the first notification to today. The facts change only on the
dates of events, so the database is cut once per event date and that cut serves every day up to the next
event (the engines are given each day as the as-of date).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.escalation.service import escalations
from dhr_tracker.lifecycle.deadlines import timescales_from_settings
from dhr_tracker.lifecycle.facts import facts_from_case, load_case_facts
from dhr_tracker.lifecycle.overview import case_overview, caseload_overview
from dhr_tracker.lifecycle.rag import rag_rules_from_settings
from dhr_tracker.lifecycle.stages import derive_stage
from dhr_tracker.lifecycle.timeline import build_timeline
from dhr_tracker.lifecycle.today import caseload_for, position_of
from dhr_tracker.model import Case, Milestone, Pause, UpdateRequest, UpdateRound
from dhr_tracker.vocabulary import MilestoneKind, ProcessStatus, Stage
from dhr_tracker.workdays import calendar_for

TODAY = dt.date(2026, 11, 23)
ONE_DAY = dt.timedelta(days=1)


def event_dates(all_facts) -> list[dt.date]:
    days: set[dt.date] = set()
    for facts in all_facts:
        days |= {event.on for event in build_timeline(facts, include_planned=False)}
    return sorted(days)


def later(day: dt.date | None, cut: dt.date) -> bool:
    return day is not None and day > cut


def cut_database(session, cut: dt.date) -> None:  # noqa: ANN001 - a Session
    """Leave only the facts dated on or before `cut` (a plain ORM edit; the caller rolls it back)."""
    cases = session.scalars(
        select(Case).options(
            selectinload(Case.milestones).selectinload(Milestone.agency),
            selectinload(Case.qa_rounds),
            selectinload(Case.publication),
            selectinload(Case.parallel_processes),
            selectinload(Case.pauses).selectinload(Pause.parallel_process),
            selectinload(Case.csp_area),
        )
    ).all()  # every relation in a few queries: this runs once for each of some two hundred event dates
    for case in cases:
        for milestone in [m for m in case.milestones if m.occurred_on > cut]:
            case.milestones.remove(milestone)
        if not any(m.kind is MilestoneKind.DECISION for m in case.milestones):
            case.decision = None
        for qa_round in list(case.qa_rounds):
            if qa_round.submitted_on > cut:
                case.qa_rounds.remove(qa_round)
                continue
            if later(qa_round.feedback_letter_on, cut):
                qa_round.feedback_letter_on, qa_round.outcome = None, None
                qa_round.feedback_reference, qa_round.revisions_listed, qa_round.revisions_made_on = "", "", None
            if later(qa_round.panel_on, cut):
                qa_round.panel_on = None
            if later(qa_round.revisions_made_on, cut):
                qa_round.revisions_made_on = None
        publication = case.publication
        if publication is not None:
            if publication.published_on > cut:
                session.delete(publication)
                case.publication = None
            else:
                for name in ("sent_to_library_on", "family_told_on", "sent_to_commissioner_on"):
                    if later(getattr(publication, name), cut):
                        setattr(publication, name, None)
        for pause in list(case.pauses):
            if pause.starts_on > cut:
                case.pauses.remove(pause)
                continue
            if later(pause.ends_on, cut):
                pause.ends_on = None
            if later(pause.home_office_told_on, cut):
                pause.home_office_told_on = None
        for process in list(case.parallel_processes):
            if later(process.started_on, cut):
                assert not any(p.parallel_process is process for p in case.pauses)
                case.parallel_processes.remove(process)
            elif later(process.concluded_on, cut):
                process.concluded_on, process.status = None, ProcessStatus.ONGOING
    session.flush()
    for case in cases:
        case.stage = derive_stage(facts_from_case(case))  # what lifecycle.services.refresh_stage does
    session.flush()


def test_every_demo_case_as_of_every_day_equals_the_database_cut_to_that_day(database):
    with database.transaction() as session:
        build_demo_caseload(session, cases=14, anchor=TODAY)
        settings = (timescales_from_settings(session), calendar_for(session), rag_rules_from_settings(session))
    with database.transaction() as session:
        all_facts = load_case_facts(session)
    changes = event_dates(all_facts)  # the facts change only on these days
    assert len(changes) > 50 and changes[-1] <= TODAY
    checked_stages: set[Stage] = set()
    days_checked = 0
    for index, first_day in enumerate(changes):
        last_day = changes[index + 1] - ONE_DAY if index + 1 < len(changes) else TODAY
        # One database cut to the facts of `first_day` serves every day until the next event.
        session = database.session()
        try:
            session.begin()
            cut_database(session, first_day)
            stored = {case.reference: case.stage for case in session.query(Case)}
            cut_facts = load_case_facts(session)
        finally:
            session.rollback()
            session.close()
        with database.transaction() as session:
            day = first_day - ONE_DAY if index == 0 else first_day
            while day <= last_day:
                # The open set first: it loads a closed case's facts only if it may have been open that day.
                full_open = {o.reference for o in caseload_overview(session, day)}
                full = {o.reference: o for o in caseload_overview(session, day, open_only=False)}
                if day == first_day:  # the real `case show` path, once per state of the facts
                    for reference in full:
                        overview, timeline = case_overview(session, reference, day)
                        assert overview == full[reference] and timeline == build_timeline(overview.facts)
                notified = [f for f in cut_facts if f.notified_on <= day]
                assert set(full) == {f.reference for f in notified}, day
                assert full_open == {f.reference for f in notified if stored[f.reference] is not Stage.CLOSED}, day
                for facts in notified:
                    overview = full[facts.reference]
                    assert overview.facts.stage is stored[facts.reference], (day, facts.reference)
                    assert overview == position_of(facts, day, *settings), (day, facts.reference)
                    assert build_timeline(overview.facts) == build_timeline(facts), (day, facts.reference)
                    checked_stages.add(overview.facts.stage)
                days_checked += 1
                day += ONE_DAY
    # Every day from the day before the first notification to today, through every stage of a review.
    assert days_checked == (TODAY - changes[0]).days + 2
    assert checked_stages == set(Stage)


def cut_escalation_facts(session, cut: dt.date) -> None:  # noqa: ANN001 - a Session
    """Leave only the update requests, replies and escalation steps dated on or before `cut`."""
    for update_round in session.query(UpdateRound).all():
        if update_round.requested_on > cut:
            session.delete(update_round)
            continue
        for request in list(update_round.requests):
            if request.requested_on > cut:
                update_round.requests.remove(request)
                continue
            if later(request.received_on, cut):
                request.received_on = None
            for action in [a for a in request.actions if a.taken_on > cut]:
                request.actions.remove(action)
            for item in request.items:
                if later(item.settled_on, cut):
                    item.settled_on = None
    session.flush()


def test_escalation_levels_as_of_any_day_equal_the_database_cut_to_that_day(database):
    with database.transaction() as session:
        build_demo_caseload(session, cases=14, anchor=TODAY, update_rounds=True)
        dated = set()
        for request in session.query(UpdateRequest):
            dated |= {
                request.requested_on,
                request.received_on,
                *(a.taken_on for a in request.actions),
                *(item.settled_on for item in request.items),
            }
    dated.discard(None)
    days = sorted({day + shift for day in dated for shift in (-ONE_DAY, dt.timedelta(0), ONE_DAY)} | {TODAY})
    assert len(dated) > 5
    levels_seen: set[int] = set()
    for day in days:
        with database.transaction() as session:
            full = caseload_for(session).escalations(session, day)
        session = database.session()
        try:
            session.begin()
            cut_escalation_facts(session, day)
            cut = escalations(session, day)
        finally:
            session.rollback()
            session.close()
        assert full == cut, day
        levels_seen |= {position.level.level for position in full if position.level is not None}
    assert len(levels_seen) >= 3  # the replay saw agencies at several levels of the ladder
