"""Dates from spreadsheet cells, read strictly the UK way: 03/04/2025 is 3 April 2025, never guessed.

Text is read by `dhr_tracker.dates.read_typed_date`, the one reading of typed dates. Accepted: real date or
datetime cells; dd/mm/yyyy and d/m/yyyy (with /, . or - between the parts);
`d Mon yyyy` and `d Month yyyy` (also `3-Apr-2025`, `3rd April 2025`); ISO yyyy-mm-dd; and Excel serial
day numbers. Two-digit years, impossible days (31/02/2025) and anything else are refused with a
sentence saying why and, where one is obvious, a suggestion for the person to check.
"""

from __future__ import annotations

import datetime as dt
import re

from dhr_tracker.dates import DateReading, calendar_date, format_date, read_typed_date, refused_reading

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# Excel serial day numbers that land between 1954 and 2119: anything else in a date column is not a date.
SERIAL_RANGE = (20000, 80000)
EXCEL_1900_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug
NO_DATE_WORDS = frozenset({"n/a", "na", "none", "tbc", "tba", "unknown", "not known", "-", "--", "\u2013", "\u2014"})

_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# A date at the very start of a cell such as "12/05/2025 - training delivered" (Home Office template).
LEADING_DATE = re.compile(
    r"^\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}(?:st|nd|rd|th)?[\s\-]+[A-Za-z]+\.?,?[\s\-]+\d{2,4})"
    r"(?=$|[\s:;,\-\u2013\u2014])",
    re.IGNORECASE,
)


def _refuse(problem: str, suggestion: str = "") -> DateReading:
    return refused_reading(problem, suggestion)


def _in_range(reading: DateReading, shown: str) -> DateReading:
    """A workbook's dates are checked loosely here (1900-2100); the services judge them against the case."""
    if reading.value is not None and not EARLIEST_YEAR <= reading.value.year <= LATEST_YEAR:
        return refused_reading(
            f"'{shown}' has the year {reading.value.year}, which cannot be right for a review.",
            "Check the year.",
            "date_out_of_range",
        )
    return reading


def _build(year: int, month: int, day: int, shown: str) -> DateReading:
    return _in_range(calendar_date(year, month, day, shown), shown)


def _from_serial(number: float, epoch: dt.date) -> DateReading:
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return _refuse(f"The number {number:g} is not a date.", "Type the date as dd/mm/yyyy.")
    return DateReading(epoch + dt.timedelta(days=int(number)))


def read_date(value: object, *, epoch: dt.date = EXCEL_1900_EPOCH) -> DateReading:
    """Read one cell as a date. An empty cell, or a word meaning 'no date' (n/a, TBC, unknown), reads as no date.

    `epoch` is the workbook's day 0 for serial numbers (Excel's 1904 date system uses 1904-01-01).
    """
    if value is None:
        return DateReading()
    if isinstance(value, dt.datetime):
        return _build(value.year, value.month, value.day, format_date(value.date()))
    if isinstance(value, dt.date):
        return _build(value.year, value.month, value.day, format_date(value))
    if isinstance(value, bool):
        return _refuse(f"'{value}' is not a date.", "Type the date as dd/mm/yyyy.")
    if isinstance(value, (int, float)):
        return _from_serial(float(value), epoch)
    if isinstance(value, dt.time):
        return _refuse("The cell holds a time of day, not a date.", "Type the date as dd/mm/yyyy.")
    text = " ".join(str(value).split())
    if not text or text.casefold() in NO_DATE_WORDS:
        return DateReading()
    if _SERIAL.match(text):
        return _from_serial(float(text), epoch)

    return _in_range(read_typed_date(text), text)


def split_leading_date(value: object, *, epoch: dt.date = EXCEL_1900_EPOCH) -> tuple[DateReading, str]:
    """For cells like "12/05/2025 - training delivered": the date at the start (if any) and the rest of the text."""
    if value is None or isinstance(value, (dt.date, int, float)):
        return read_date(value, epoch=epoch), ""
    text = str(value).strip()
    match = LEADING_DATE.match(text)
    if not match:
        return DateReading(), text
    rest = text[match.end() :].lstrip(" \t:;,-\u2013\u2014").strip()
    return read_date(match.group(1), epoch=epoch), rest
