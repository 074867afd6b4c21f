"""The demo caseload exercises every stage, and its stages are the ones its recorded facts show."""

from __future__ import annotations

import datetime as dt

from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.lifecycle.facts import load_case_facts
from dhr_tracker.lifecycle.overview import caseload_overview
from dhr_tracker.lifecycle.stages import derive_stage
from dhr_tracker.lifecycle.timeline import build_timeline
from dhr_tracker.vocabulary import QAOutcome, Stage

TODAY = dt.date(2026, 11, 23)


def test_the_demo_caseload_reaches_every_stage_consistently(database):
    with database.transaction() as session:
        build_demo_caseload(session, cases=14, anchor=TODAY)
    with database.transaction() as session:
        facts = load_case_facts(session)
        overviews = caseload_overview(session, TODAY)
    assert {f.stage for f in facts} == set(Stage)
    assert all(derive_stage(f) is f.stage for f in facts)
    assert any(f.is_cross_border for f in facts)
    assert any(f.pauses for f in facts)
    assert any(r.outcome is QAOutcome.RESUBMISSION_REQUIRED for f in facts for r in f.qa_rounds)
    for f in facts:
        timeline = build_timeline(f)
        assert timeline[0].kind == "notification"
        assert [e.on for e in timeline] == sorted(e.on for e in timeline)
    assert len(overviews) == sum(f.stage is not Stage.CLOSED for f in facts)
    assert {o.rag.rating.value for o in overviews} <= {"red", "amber", "green"}
