"""The closure-day service: list, add (validated before anything is written), remove; the calendar uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.closure_days import add_closure_day, list_closure_days, remove_closure_day
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.workdays import calendar_for


def test_add_list_remove(database):
    with database.transaction() as session:
        add_closure_day(session, dt.date(2026, 12, 29), "  Christmas closure ")
        add_closure_day(session, dt.date(2026, 12, 24))
    with database.transaction() as session:
        rows = list_closure_days(session)
        assert [(row.day, row.description) for row in rows] == [
            (dt.date(2026, 12, 24), ""),
            (dt.date(2026, 12, 29), "Christmas closure"),
        ]
        assert not calendar_for(session).is_working_day(dt.date(2026, 12, 29))
        remove_closure_day(session, dt.date(2026, 12, 24))
    with database.transaction() as session:
        assert [row.day for row in list_closure_days(session)] == [dt.date(2026, 12, 29)]
        with pytest.raises(NotFound):
            remove_closure_day(session, dt.date(2026, 12, 24))


@pytest.mark.parametrize(
    ("day", "description", "rule"),
    [
        (None, "", "required"),
        (dt.datetime(2026, 12, 29, 9, 0), "", "not_a_date"),
        ("29/12/2026", "", "not_a_date"),
        (dt.date(2026, 12, 26), "", "weekend"),
        (dt.date(1999, 12, 31), "", "out_of_range"),
        (dt.date(2026, 12, 29), "x" * 201, "too_long"),
    ],
)
def test_refusals_write_nothing(database, day, description, rule):
    with database.transaction() as session, pytest.raises(ValidationError) as refused:
        add_closure_day(session, day, description)
    assert refused.value.rule == rule
    with database.transaction() as session:
        assert list_closure_days(session) == []


def test_a_day_cannot_be_added_twice(database):
    with database.transaction() as session:
        add_closure_day(session, dt.date(2026, 12, 29))
    with database.transaction() as session, pytest.raises(ValidationError) as refused:
        add_closure_day(session, dt.date(2026, 12, 29), "again")
    assert refused.value.rule == "duplicate" and "29/12/2026" in str(refused.value)
