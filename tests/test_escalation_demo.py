"""The demo caseload shows agencies at every level of the escalation ladder, and its letters can be written."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from dhr_tracker.actionplan.status_rules import ACTIVE_STATUSES
from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.escalation.service import agency_record, escalations
from dhr_tracker.model import Agency, Case, Recommendation, UpdateRound
from dhr_tracker.reports.letters import write_letters

TODAY = dt.date(2026, 11, 23)


def test_the_demo_has_agencies_at_every_level_and_a_history(database, tmp_path):
    with database.transaction() as session:
        build_demo_caseload(session, cases=14, anchor=TODAY, update_rounds=True)
    with database.transaction() as session:
        positions = escalations(session, TODAY)
        assert {p.level.level for p in positions} == {0, 1, 2, 3, 4}
        assert {p.action_due.level for p in positions if p.action_due} == {1, 2, 3, 4}
        top = positions[0]
        record = agency_record(session, session.get(Agency, top.agency_id), TODAY)
        assert [h.level for h in record.history][:4] == [0, 1, 2, 3] and record.rounds
        paths = write_letters(session, TODAY, tmp_path / "letters")
        names = [
            n for row in session.execute(select(Case.victim_real_name, Case.perpetrator_real_name)) for n in row if n
        ]
    assert len(paths) == 2 * sum(1 for p in positions if p.action_due)
    for path in paths:
        text = (
            "\n".join(page.extract_text() for page in PdfReader(path).pages)
            if path.suffix == ".pdf"
            else path.read_text()
        )
        assert not any(name.split()[-1] in text for name in names)


@pytest.mark.parametrize("cases", [1, 3])
def test_demo_rounds_leave_a_small_caseload_without_rounds(database, cases):
    # One or three cases are at the first stages (notification, decision, commissioning): no recommendation is yet
    # accepted, so there is nothing to ask agencies for, and the demo makes no round rather than failing.
    with database.transaction() as session:
        build_demo_caseload(session, cases=cases, anchor=TODAY, seed=cases, update_rounds=True)
        active = session.scalar(
            select(func.count()).select_from(Recommendation).where(Recommendation.status.in_(ACTIVE_STATUSES))
        )
        assert active == 0
        assert session.scalar(select(func.count()).select_from(UpdateRound)) == 0
        assert escalations(session, TODAY) == []


def test_demo_rounds_give_each_agency_its_turn_on_the_ladder(database):
    with database.transaction() as session:
        build_demo_caseload(session, cases=30, anchor=TODAY, seed=30, update_rounds=True)
    with database.transaction() as session:
        rounds = {r.note: r for r in session.scalars(select(UpdateRound))}
        assert sorted(rounds) == ["Demo: an earlier round", "Demo: the current round"]
        current = sorted(rounds["Demo: the current round"].requests, key=lambda r: r.agency.name)
        # The promise: the agencies of the current round, in name order, take turns: answered on time, answered
        # late (after level 2), then unanswered at level 3, 2, 1 and not yet due (level 0); the first level-3
        # agency also never answered the earlier round, so it is at level 4.
        # With seed 30, 21 agencies are asked: turns 0-20 give 4 on time, 4 late, 4 at level 3 (one of them at
        # level 4), 3 at level 2, 3 at level 1 and 3 not yet due: 13 agencies still owe updates.
        assert len(current) == 21
        answered = [r.agency.name for r in current if r.received_on is not None]
        assert answered == [current[i].agency.name for i in (0, 1, 6, 7, 12, 13, 18, 19)]
        positions = escalations(session, TODAY)
        levels = {p.agency_name: p.level.level if p.level else 0 for p in positions}
        assert levels == {
            current[2].agency.name: 4,
            **{current[i].agency.name: 3 for i in (8, 14, 20)},
            **{current[i].agency.name: 2 for i in (3, 9, 15)},
            **{current[i].agency.name: 1 for i in (4, 10, 16)},
            **{current[i].agency.name: 0 for i in (5, 11, 17)},
        }
        # Each agency at level 1 or more has the action for its level still to take (the demo stops one short).
        assert {p.agency_name: p.action_due.level for p in positions if p.action_due} == {
            name: level for name, level in levels.items() if level
        }
        assert positions[0].agency_name == current[2].agency.name  # the worst first
