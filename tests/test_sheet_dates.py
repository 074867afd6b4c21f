"""UK dates from spreadsheet cells: strict, day first, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.exchange.sheets.dates import read_date, split_leading_date

D = dt.date


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("03/04/2025", D(2025, 4, 3)),
        ("3/4/2025", D(2025, 4, 3)),
        (" 03.04.2025 ", D(2025, 4, 3)),
        ("03-04-2025", D(2025, 4, 3)),
        ("3 Apr 2025", D(2025, 4, 3)),
        ("3 April 2025", D(2025, 4, 3)),
        ("3rd April 2025", D(2025, 4, 3)),
        ("1 Sept 2025", D(2025, 9, 1)),
        ("03-Apr-2025", D(2025, 4, 3)),
        ("2025-04-03", D(2025, 4, 3)),
        (45750, D(2025, 4, 3)),  # an Excel serial day number
        (45750.6, D(2025, 4, 3)),
        ("45750", D(2025, 4, 3)),
        (dt.datetime(2025, 4, 3, 14, 30), D(2025, 4, 3)),
        (D(2025, 4, 3), D(2025, 4, 3)),
        (None, None),
        ("", None),
        ("TBC", None),
        ("n/a", None),
    ],
)
def test_accepted_dates(cell, expected):
    reading = read_date(cell)
    assert reading.ok, reading.problem
    assert reading.value == expected


@pytest.mark.parametrize(
    ("cell", "words", "suggestion"),
    [
        ("04/03/25", "two-digit year", "04/03/2025"),
        ("4 Mar 25", "two-digit year", "04/03/2025"),
        ("31/02/2025", "February 2025 has no day 31", "Check the day"),
        ("04/23/2025", "no month 23", "23/04/2025"),
        ("13/13/2025", "no month 13", "dd/mm/yyyy"),
        ("3 Smarch 2025", "not a month", ""),
        ("soon", "is not a date", "03/04/2025 for 3 April 2025"),
        (12, "not a date", ""),
        (True, "not a date", ""),
        (dt.time(9, 30), "time of day", ""),
        ("01/01/1066", "year 1066", ""),
    ],
)
def test_ambiguous_or_impossible_dates_are_reported_not_guessed(cell, words, suggestion):
    reading = read_date(cell)
    assert reading.value is None
    assert words in reading.problem
    assert suggestion in reading.suggestion


def test_the_1904_date_system_is_honoured():
    assert read_date(44288, epoch=D(1904, 1, 1)).value == D(2025, 4, 3)


def test_a_completion_cell_splits_into_date_and_outcome():
    reading, rest = split_leading_date("12/05/2025 - training delivered to all staff")
    assert reading.value == D(2025, 5, 12) and rest == "training delivered to all staff"
    reading, rest = split_leading_date("Training delivered")
    assert reading.value is None and reading.ok and rest == "Training delivered"
    reading, rest = split_leading_date("31/02/2025: done")
    assert not reading.ok and rest == "done"
