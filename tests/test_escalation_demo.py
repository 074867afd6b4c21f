"""The demo caseload shows agencies at every level of the escalation ladder, and its letters can be written."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.reports.letters import write_letters
from dhr_tracker.escalation.service import agency_record, escalations
from dhr_tracker.model import Agency, Case

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
        names = [n for row in session.execute(select(Case.victim_real_name, Case.perpetrator_real_name)) for n in row if n]
    assert len(paths) == 2 * sum(1 for p in positions if p.action_due)
    for path in paths:
        text = "\n".join(page.extract_text() for page in PdfReader(path).pages) if path.suffix == ".pdf" else path.read_text()
        assert not any(name.split()[-1] in text for name in names)


@pytest.mark.parametrize("cases", [1, 3, 30])
def test_demo_rounds_work_for_any_caseload_size(database, cases):
    with database.transaction() as session:
        build_demo_caseload(session, cases=cases, anchor=TODAY, seed=cases, update_rounds=True)
        escalations(session, TODAY)
