"""The England and Wales working-day calendar, checked against the published bank holidays (gov.uk)."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.model.config import ClosureDay
from dhr_tracker.workdays import WorkingDayCalendar, calendar_for

D = dt.date

# Published England and Wales bank holidays (https://www.gov.uk/bank-holidays), as observed.
PUBLISHED = {
    2011: [
        D(2011, 1, 3),
        D(2011, 4, 22),
        D(2011, 4, 25),
        D(2011, 4, 29),
        D(2011, 5, 2),
        D(2011, 5, 30),
        D(2011, 8, 29),
        D(2011, 12, 26),
        D(2011, 12, 27),
    ],
    2012: [
        D(2012, 1, 2),
        D(2012, 4, 6),
        D(2012, 4, 9),
        D(2012, 5, 7),
        D(2012, 6, 4),
        D(2012, 6, 5),
        D(2012, 8, 27),
        D(2012, 12, 25),
        D(2012, 12, 26),
    ],
    2016: [
        D(2016, 1, 1),
        D(2016, 3, 25),
        D(2016, 3, 28),
        D(2016, 5, 2),
        D(2016, 5, 30),
        D(2016, 8, 29),
        D(2016, 12, 26),
        D(2016, 12, 27),
    ],
    2020: [
        D(2020, 1, 1),
        D(2020, 4, 10),
        D(2020, 4, 13),
        D(2020, 5, 8),
        D(2020, 5, 25),
        D(2020, 8, 31),
        D(2020, 12, 25),
        D(2020, 12, 28),
    ],
    2021: [
        D(2021, 1, 1),
        D(2021, 4, 2),
        D(2021, 4, 5),
        D(2021, 5, 3),
        D(2021, 5, 31),
        D(2021, 8, 30),
        D(2021, 12, 27),
        D(2021, 12, 28),
    ],
    2022: [
        D(2022, 1, 3),
        D(2022, 4, 15),
        D(2022, 4, 18),
        D(2022, 5, 2),
        D(2022, 6, 2),
        D(2022, 6, 3),
        D(2022, 8, 29),
        D(2022, 9, 19),
        D(2022, 12, 26),
        D(2022, 12, 27),
    ],
    2023: [
        D(2023, 1, 2),
        D(2023, 4, 7),
        D(2023, 4, 10),
        D(2023, 5, 1),
        D(2023, 5, 8),
        D(2023, 5, 29),
        D(2023, 8, 28),
        D(2023, 12, 25),
        D(2023, 12, 26),
    ],
    2024: [
        D(2024, 1, 1),
        D(2024, 3, 29),
        D(2024, 4, 1),
        D(2024, 5, 6),
        D(2024, 5, 27),
        D(2024, 8, 26),
        D(2024, 12, 25),
        D(2024, 12, 26),
    ],
    2025: [
        D(2025, 1, 1),
        D(2025, 4, 18),
        D(2025, 4, 21),
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 8, 25),
        D(2025, 12, 25),
        D(2025, 12, 26),
    ],
    2026: [
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 5, 25),
        D(2026, 8, 31),
        D(2026, 12, 25),
        D(2026, 12, 28),
    ],
    2027: [
        D(2027, 1, 1),
        D(2027, 3, 26),
        D(2027, 3, 29),
        D(2027, 5, 3),
        D(2027, 5, 31),
        D(2027, 8, 30),
        D(2027, 12, 27),
        D(2027, 12, 28),
    ],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year):
    assert sorted(WorkingDayCalendar().bank_holidays(year)) == PUBLISHED[year]


def test_holidays_are_named_with_substitute_days_and_one_offs():
    calendar = WorkingDayCalendar()
    y2022 = calendar.bank_holidays(2022)
    assert y2022[D(2022, 1, 3)] == "New Year's Day (substitute day)"
    assert y2022[D(2022, 12, 26)] == "Boxing Day"
    assert y2022[D(2022, 12, 27)] == "Christmas Day (substitute day)"
    assert y2022[D(2022, 6, 2)] == "Spring bank holiday"
    assert "State Funeral" in y2022[D(2022, 9, 19)]
    y2027 = calendar.bank_holidays(2027)
    assert y2027[D(2027, 12, 27)] == "Christmas Day (substitute day)"
    assert y2027[D(2027, 12, 28)] == "Boxing Day (substitute day)"
    assert calendar.bank_holidays(2020)[D(2020, 5, 8)] == "Early May bank holiday"
    assert calendar.bank_holidays(2011)[D(2011, 4, 29)] == "Royal wedding"


def test_the_returned_dictionary_is_a_copy():
    calendar = WorkingDayCalendar()
    calendar.bank_holidays(2026).clear()
    assert len(calendar.bank_holidays(2026)) == 8


def test_working_days_exclude_weekends_holidays_and_closure_days():
    calendar = WorkingDayCalendar(closure_days=[D(2026, 12, 29)])
    assert calendar.is_working_day(D(2026, 11, 23))  # a Monday
    assert not calendar.is_working_day(D(2026, 11, 21))  # Saturday
    assert not calendar.is_working_day(D(2026, 11, 22))  # Sunday
    assert not calendar.is_working_day(D(2026, 12, 28))  # Boxing Day (substitute day)
    assert not calendar.is_working_day(D(2026, 12, 29))  # closure day
    assert WorkingDayCalendar().is_working_day(D(2026, 12, 29))


def test_add_working_days_across_christmas_and_new_year():
    # Worked by hand: from Wed 23/12/2026, working days are Thu 24, (Fri 25 Christmas, Sat, Sun,
    # Mon 28 Boxing Day substitute) Tue 29, Wed 30, Thu 31, (Fri 01/01 New Year) Mon 04/01/2027.
    calendar = WorkingDayCalendar()
    assert calendar.add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 24)
    assert calendar.add_working_days(D(2026, 12, 23), 2) == D(2026, 12, 29)
    assert calendar.add_working_days(D(2026, 12, 23), 5) == D(2027, 1, 4)
    assert calendar.add_working_days(D(2026, 12, 23), 0) == D(2026, 12, 23)
    assert calendar.add_working_days(D(2027, 1, 4), -5) == D(2026, 12, 23)


def test_add_working_days_across_easter_2027():
    # Thu 25/03/2027, then Good Friday 26/03 and Easter Monday 29/03: 1 working day later is Tue 30/03.
    calendar = WorkingDayCalendar()
    assert calendar.add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    # Then Tue 30, Wed 31, Thu 01/04, Fri 02/04 (4), three full weeks to Fri 16/04 (14), Mon 19/04 (15).
    assert calendar.add_working_days(D(2027, 3, 25), 15) == D(2027, 4, 19)


def test_working_days_between_counts_after_start_up_to_end():
    calendar = WorkingDayCalendar(closure_days=[D(2026, 12, 29)])
    assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0
    assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 20)) == 0
    assert calendar.working_days_between(D(2026, 11, 20), D(2026, 11, 23)) == 1  # Fri -> Mon
    # December 2026: 23 weekdays, minus Christmas (Fri 25) and Boxing Day substitute (Mon 28), minus closure.
    assert calendar.working_days_between(D(2026, 11, 30), D(2026, 12, 31)) == 20
    # A whole year: 2027 has 261 weekdays and 8 bank holidays, all on weekdays.
    assert WorkingDayCalendar().working_days_between(D(2026, 12, 31), D(2027, 12, 31)) == 253


def test_working_days_between_agrees_with_add_working_days():
    calendar = WorkingDayCalendar(closure_days=[D(2025, 8, 1), D(2025, 12, 24)])
    start = D(2025, 7, 30)
    for days in range(0, 400, 7):
        assert calendar.working_days_between(start, calendar.add_working_days(start, days)) == days


def test_calendar_for_loads_the_closure_days(database):
    with database.transaction() as session:
        session.add(ClosureDay(day=D(2026, 12, 24), description="Council closed"))
    with database.transaction() as session:
        calendar = calendar_for(session)
    assert not calendar.is_working_day(D(2026, 12, 24))
    assert calendar.is_working_day(D(2026, 12, 23))


def test_fast_arithmetic_agrees_with_counting_day_by_day():
    calendar = WorkingDayCalendar(closure_days=[D(2026, 12, 24), D(2027, 8, 27), D(2027, 12, 25)])

    def slow_add(start, days):
        day = start
        while days:
            day += dt.timedelta(days=1)
            days -= calendar.is_working_day(day)
        return day

    for offset in range(0, 1100, 3):
        start = D(2026, 1, 1) + dt.timedelta(days=offset)
        for days in (0, 1, 2, 5, 7, 13, 30, 61):
            end = calendar.add_working_days(start, days)
            assert end == slow_add(start, days), (start, days)
            assert calendar.working_days_between(start, end) == days
