"""Dates from spreadsheet cells, read strictly the UK way: 03/04/2025 is 3 April 2025, never guessed.

Accepted: real date or datetime cells; dd/mm/yyyy and d/m/yyyy (with /, . or - between the parts);
`d Mon yyyy` and `d Month yyyy` (also `3-Apr-2025`, `3rd April 2025`); ISO yyyy-mm-dd; and Excel serial
day numbers. Two-digit years, impossible days (31/02/2025) and anything else are refused with a
sentence saying why and, where one is obvious, a suggestion for the person to check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dhr_tracker.dates import format_date

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# Excel serial day numbers that land between 1954 and 2119: anything else in a date column is not a date.
SERIAL_RANGE = (20000, 80000)
EXCEL_1900_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug
NO_DATE_WORDS = frozenset({"n/a", "na", "none", "tbc", "tba", "unknown", "not known", "-", "--", "\u2013", "\u2014"})

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")

_NUMERIC = re.compile(r"^(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{1,4})$", re.IGNORECASE)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# A date at the very start of a cell such as "12/05/2025 - training delivered" (Home Office template).
LEADING_DATE = re.compile(
    r"^\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}(?:st|nd|rd|th)?[\s\-]+[A-Za-z]+\.?,?[\s\-]+\d{2,4})"
    r"(?=$|[\s:;,\-\u2013\u2014])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateReading:
    """What a cell said: a date, nothing at all, or a problem (with a suggestion when one is obvious)."""

    value: dt.date | None = None
    problem: str = ""
    suggestion: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _refuse(problem: str, suggestion: str = "") -> DateReading:
    return DateReading(None, problem, suggestion)


def _build(year: int, month: int, day: int, shown: str) -> DateReading:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return _refuse(f"'{shown}' has the year {year}, which cannot be right for a review.", "Check the year.")
    if not 1 <= month <= 12:
        suggestion = ""
        if 1 <= day <= 12:
            try:
                suggestion = f"Dates are read day first (dd/mm/yyyy). Did you mean {format_date(dt.date(year, day, month))}?"
            except ValueError:
                suggestion = ""
        return _refuse(f"'{shown}' has no month {month}: dates are read as day/month/year.", suggestion or "Write it as dd/mm/yyyy.")
    try:
        return DateReading(dt.date(year, month, day))
    except ValueError:
        return _refuse(f"'{shown}' is not a real date: {MONTH_NAMES[month - 1]} {year} has no day {day}.", "Check the day.")


def _two_digit_year(shown: str, day: int, month: int | None, year: int) -> DateReading:
    suggestion = "Write the year in full (dd/mm/yyyy)."
    if month is not None:
        full = 2000 + year
        try:
            suggestion = f"Write the year in full: {format_date(dt.date(full, month, day))}?"
        except ValueError:
            pass
    return _refuse(f"'{shown}' has a two-digit year, which could be {1900 + year} or {2000 + year}.", suggestion)


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

    numeric = _NUMERIC.match(text)
    if numeric:
        first, _, middle, last = numeric.groups()
        if len(first) == 4:  # ISO order, yyyy-mm-dd: unambiguous
            return _build(int(first), int(middle), int(last), text)
        if len(last) == 2:
            return _two_digit_year(text, int(first), int(middle), int(last))
        if len(last) != 4 or len(first) > 2:
            return _refuse(f"'{text}' is not a date in the form dd/mm/yyyy.", "Type the date as dd/mm/yyyy.")
        return _build(int(last), int(middle), int(first), text)

    worded = _WORDS.match(text)
    if worded:
        day, month_word, year = worded.groups()
        month = MONTHS.get(month_word.casefold())
        if month is None:
            return _refuse(f"'{text}': '{month_word}' is not a month.", "Write the month as Jan, Feb, ... or in full.")
        if len(year) == 2:
            return _two_digit_year(text, int(day), month, int(year))
        if len(year) != 4:
            return _refuse(f"'{text}' is not a date: the year must have four digits.", "Check the year.")
        return _build(int(year), month, int(day), text)

    return _refuse(f"'{text}' is not a date.", "Type the date as dd/mm/yyyy (for example 03/04/2025 for 3 April 2025).")


def split_leading_date(value: object, *, epoch: dt.date = EXCEL_1900_EPOCH) -> tuple[DateReading, str]:
    """For cells like "12/05/2025 - training delivered": the date at the start (if any) and the rest of the text."""
    if value is None or isinstance(value, (dt.date, int, float)):
        return read_date(value, epoch=epoch), ""
    text = str(value).strip()
    match = LEADING_DATE.match(text)
    if not match:
        return DateReading(), text
    rest = text[match.end():].lstrip(" \t:;,-\u2013\u2014").strip()
    return read_date(match.group(1), epoch=epoch), rest
