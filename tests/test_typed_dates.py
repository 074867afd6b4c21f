"""Dates as people type them: one parser for every command-line date option, record file and sheet cell."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dhr_tracker.cli import main
from dhr_tracker.dates import parse_date, read_typed_date
from dhr_tracker.errors import ValidationError
from tests.conftest import PASSPHRASE

D = dt.date
TODAY = D(2026, 12, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01",
        "01/12/2026",
        "1/12/2026",
        "1 Dec 2026",
        "1 December 2026",
        "1st December 2026",
        " 01.12.2026 ",
        "1-Dec-2026",
        "1 dec 2026",
    ],
)
def test_every_form_a_person_types_reads_as_the_same_day(text):
    assert parse_date(text, label="date", today=TODAY) == D(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("31/02/2026", "impossible_date", "impossible date: February 2026 has no day 31"),
        ("2026-02-29", "impossible_date", "February 2026 has no day 29"),  # 2026 is not a leap year
        ("12/13/2026", "impossible_date", "no month 13"),
        ("next Tuesday", "date_form", "is not a date"),
        ("2026/12", "date_form", "is not a date"),
        ("01/12/26", "two_digit_year", "two-digit year"),
        ("1 Decembre 2026", "date_form", "'Decembre' is not a month"),
        ("31/12/2010", "date_out_of_range", "before 01/01/2011"),
        ("9999-12-31", "date_out_of_range", "more than 5 years ahead (the latest allowed is 01/12/2031)"),
        ("0001-01-01", "date_out_of_range", "before 01/01/2011"),
        ("", "date_form", "empty"),
    ],
)
def test_a_date_that_is_not_right_says_which_way_it_is_wrong(text, rule, words):
    with pytest.raises(ValidationError) as refused:
        parse_date(text, label="meeting date", today=TODAY)
    assert refused.value.rule == rule
    assert words in str(refused.value) and "meeting date" in str(refused.value)


def test_a_field_that_cannot_be_in_the_future_refuses_tomorrow_but_not_today():
    assert parse_date("01/12/2026", label="return date", today=TODAY, future=False) == TODAY
    with pytest.raises(ValidationError) as refused:
        parse_date("02/12/2026", label="return date", today=TODAY, future=False)
    assert refused.value.rule == "in_future" and "02/12/2026" in str(refused.value)


def test_five_years_ahead_is_the_last_day_allowed():
    assert parse_date("01/12/2031", today=TODAY) == D(2031, 12, 1)
    with pytest.raises(ValidationError):
        parse_date("02/12/2031", today=TODAY)
    # From 29/02/2028 five years on is 28/02/2033 (2033 has no 29 February).
    assert parse_date("28/02/2033", today=D(2028, 2, 29)) == D(2033, 2, 28)
    with pytest.raises(ValidationError):
        parse_date("01/03/2033", today=D(2028, 2, 29))


days = st.dates(min_value=D(2011, 1, 1), max_value=D(2031, 12, 1))


@given(days)
def test_every_printed_form_of_a_day_reads_back_as_that_day(day):
    for text in (
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d %b %Y"),
        f"{day.day} {day.strftime('%B')} {day.year}",
    ):
        assert parse_date(text, today=TODAY) == day, text


@given(st.text(max_size=30))
def test_any_text_reads_as_a_date_or_a_sentence_never_an_exception(text):
    reading = read_typed_date(text)
    assert reading.ok or (reading.problem and reading.rule)
    try:
        parse_date(text, today=TODAY)
    except ValidationError as refused:
        assert refused.rule


@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
def test_any_numbers_in_date_form_never_overflow(year, month, day):
    for text in (f"{year:04d}-{month:02d}-{day:02d}", f"{day}/{month}/{year:04d}"):
        try:
            parse_date(text, today=TODAY)
        except ValidationError as refused:
            assert refused.rule in {"impossible_date", "date_out_of_range", "date_form"}


DATE_OPTIONS = [
    ["deadlines", "--as-of"],
    ["case", "show", "DHR-2025-01", "--as-of"],
    ["escalations", "--as-of"],
    ["letters", "--out", "x", "--as-of"],
    ["briefing", "--out", "x.pdf", "--meeting"],
    ["briefing", "--out", "x.pdf", "--meeting", "2026-12-01", "--as-of"],
    ["action-plan", "--case", "DHR-2025-01", "--out", "x.pdf", "--as-of"],
    ["meetings", "--add"],
    ["copies", "--meeting"],
    ["copies", "--meeting", "2026-12-01", "--on"],
    ["learning", "--theme", "Housing", "--out", "x.pdf", "--from"],
    ["learning", "--theme", "Housing", "--out", "x.pdf", "--to"],
    ["kpi", "--year", "2026", "--as-of"],
    ["implementation", "--case", "DHR-2025-01", "--recommendation", "1", "--on"],
    ["implementation", "--case", "DHR-2025-01", "--recommendation", "1", "--recheck"],
]


@pytest.mark.parametrize("command", DATE_OPTIONS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("9999-12-31", "more than 5 years ahead"),
        ("31/02/2026", "impossible date"),
        ("2010-06-01", "before 01/01/2011"),
        ("tomorrow", "is not a date"),
    ],
)
def test_every_date_option_refuses_a_bad_date_plainly(command, typed, words, capsys):
    with pytest.raises(SystemExit) as usage:
        main([*command, typed])
    err = capsys.readouterr().err
    assert usage.value.code == 2
    if command[-1] == "--on" and typed == "9999-12-31":  # copies --on and implementation --on
        words = "is in the future"  # a return date cannot be in the future at all
    assert words in err and "Traceback" not in err and "Overflow" not in err


def test_a_uk_date_gives_the_same_answer_as_iso(database_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    outputs = []
    for typed in ("2025-12-01", "01/12/2025", "1 Dec 2025", "1 December 2025"):
        assert main(["deadlines", "--db", str(database_path), "--as-of", typed]) == 0
        outputs.append(capsys.readouterr().out)
    assert "01/12/2025" in outputs[0] and len(set(outputs)) == 1
