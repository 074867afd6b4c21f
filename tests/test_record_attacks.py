"""Crafted record files: whatever a line holds, the answer is a refusal naming the line, or the event recorded."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhr_tracker.record import EVENT_TYPES, RecordRefused, apply_lines

TODAY = dt.date(2026, 12, 1)
SETUP = json.dumps(
    {
        "event": "case_created",
        "reference": "DHR-2024-01",
        "pseudonym": "Alex",
        "notified_on": "15/01/2024",
        "csp_area": "Ashford",
    }
)

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True)
    | st.sampled_from(
        [
            "DHR-2024-01",
            "1",
            "Kent Police",
            "01/03/2024",
            "31/02/2024",
            "9999-12-31",
            "review",
            "chair_appointed",
            "accepted",
            "\u202e\u0000",
            "",
            "   ",
        ]
    )
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)


@st.composite
def events(draw):
    event_type = draw(st.sampled_from(sorted(EVENT_TYPES)))
    names = [f.name for f in EVENT_TYPES[event_type].fields] + ["junk"]
    fields = draw(st.dictionaries(st.sampled_from(names), values, max_size=6))
    return json.dumps({"event": event_type, **fields})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=events())
def test_any_event_line_is_recorded_or_refused_with_its_line(database, line):
    session = database.session()
    try:
        session.begin()
        try:
            run = apply_lines(session, [SETUP, line], today=TODAY)
            assert run.recorded == 2
        except RecordRefused as refused:
            assert refused.line in (1, 2) and refused.rule
            assert str(refused).startswith(f"Line {refused.line}")
    finally:
        session.rollback()
        session.close()


def test_hostile_lines_are_refused_plainly(database):
    for line, rule in [
        ("[" * 100000, "not_json"),
        ('"just text"', "not_an_object"),
        ("{}", "unknown_event"),
        ('{"event": 7}', "unknown_event"),
        ('{"event": "milestone", "case": ["x"]}', "wrong_kind_of_value"),
    ]:
        session = database.session()
        try:
            session.begin()
            apply_lines(session, [line], today=TODAY)
            raise AssertionError(f"{line[:20]} was accepted")
        except RecordRefused as refused:
            assert refused.line == 1 and refused.rule == rule, (line[:20], refused.rule)
        finally:
            session.rollback()
            session.close()


def test_a_test_may_give_events_as_dicts(database):
    with database.transaction() as session:
        run = apply_lines(
            session,
            [
                json.loads(SETUP),
                {"event": "decision", "case": "DHR-2024-01", "decision": "review", "on": dt.date(2024, 2, 20)},
            ],
            today=TODAY,
        )
    assert [o.detail for o in run.outcomes][1] == "decision 'review' on 20/02/2024"
