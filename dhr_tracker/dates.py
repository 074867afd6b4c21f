"""Dates as people read them (dd/mm/yyyy, UK local time) and as machines write them (ISO 8601, UTC)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dhr_tracker.errors import ValidationError

UK = ZoneInfo("Europe/London")
UK_DATE_FORMAT = "%d/%m/%Y"


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, or an empty string for no date."""
    # Not strftime: it costs several times as much (each call imports `time`, through PySide6's import hook
    # when Qt is loaded), and the caseload overview formats thousands of dates on the first load.
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def format_long_date(day: dt.date | None) -> str:
    """'1 December 2026', as a letter is dated; an empty string for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def format_local_time(moment: dt.datetime | None) -> str:
    """A stored UTC timestamp shown in UK local time (GMT or BST), e.g. '23/11/2026 14:05'."""
    if moment is None:
        return ""
    return moment.astimezone(UK).strftime("%d/%m/%Y %H:%M")


def parse_iso_date(text: str | dt.date, *, field: str = "date") -> dt.date:
    """Parse YYYY-MM-DD strictly (machine-written text); the error names the field and the expected form.
    A date typed by a person is read by parse_date. A date already read (e.g. by a CLI date option) is kept."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if isinstance(text, str):  # anything else (a datetime, a number) is refused like malformed text
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise ValidationError(
        f"The {field} '{text}' is not a date in the form YYYY-MM-DD (for example 2025-03-31).", field=field
    )


def parse_uk_date(text: str, *, field: str = "date") -> dt.date:
    """Parse dd/mm/yyyy strictly (03/04/2025 is 3 April 2025)."""
    try:
        return dt.datetime.strptime(text.strip(), UK_DATE_FORMAT).date()
    except (ValueError, AttributeError):
        raise ValidationError(
            f"The {field} '{text}' is not a date in the form dd/mm/yyyy (for example 31/03/2025).", field=field
        ) from None


def today_uk() -> dt.date:
    """Today's date in the UK, whatever the machine's time zone."""
    return dt.datetime.now(UK).date()


# --- Dates as people type them -------------------------------------------------------------------
# One reading of typed dates for every command-line date option, every date in a `record` file and
# every text cell of an imported spreadsheet (exchange/sheets/dates.py adds what only cells need).

EARLIEST_DAY = dt.date(2011, 1, 1)  # domestic homicide reviews began in April 2011: nothing recorded is earlier
YEARS_AHEAD = 5  # the furthest a planned date (an as-of, a meeting) may reach beyond today

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_NUMERIC = re.compile(r"^(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{1,4})$", re.IGNORECASE)
TYPED_FORMS = "2026-12-01, 01/12/2026, 1/12/2026, 1 Dec 2026 or 1 December 2026"


@dataclass(frozen=True)
class DateReading:
    """What some text said: a date, nothing at all, or a problem (with a suggestion when one is obvious).

    `rule` names the kind of problem: 'date_form' (not written as a date), 'impossible_date' (a date's
    form, but no such day), 'two_digit_year', 'date_out_of_range'.
    """

    value: dt.date | None = None
    problem: str = ""
    suggestion: str = ""
    rule: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def sentence(self) -> str:
        return f"{self.problem} {self.suggestion}".strip()


def refused_reading(problem: str, suggestion: str = "", rule: str = "date_form") -> DateReading:
    return DateReading(None, problem, suggestion, rule)


def calendar_date(year: int, month: int, day: int, shown: str) -> DateReading:
    """The day `year-month-day`, or why there is no such day (day-first advice when month and day look swapped)."""
    if not 1 <= month <= 12:
        suggestion = ""
        if 1 <= day <= 12 and year >= 1:
            try:
                suggestion = (
                    f"Dates are read day first (dd/mm/yyyy). Did you mean {format_date(dt.date(year, day, month))}?"
                )
            except ValueError:
                suggestion = ""
        return refused_reading(
            f"'{shown}' is an impossible date: there is no month {month} (dates are read as day/month/year).",
            suggestion or "Write it as dd/mm/yyyy.",
            "impossible_date",
        )
    if year < 1:
        return refused_reading(
            f"'{shown}' has the year {year}, which is not a year.", "Check the year.", "impossible_date"
        )
    try:
        return DateReading(dt.date(year, month, day))
    except ValueError:
        return refused_reading(
            f"'{shown}' is an impossible date: {MONTH_NAMES[month - 1]} {year} has no day {day}.",
            "Check the day.",
            "impossible_date",
        )


def _two_digit_year(shown: str, day: int, month: int | None, year: int) -> DateReading:
    suggestion = "Write the year in full (dd/mm/yyyy)."
    if month is not None:
        try:
            suggestion = f"Write the year in full: {format_date(dt.date(2000 + year, month, day))}?"
        except ValueError:
            pass
    return refused_reading(
        f"'{shown}' has a two-digit year, which could be {1900 + year} or {2000 + year}.", suggestion, "two_digit_year"
    )


def read_typed_date(text: str) -> DateReading:
    """Read a date as a person types it, day first: 2026-12-01, 01/12/2026, 1/12/2026 (also with . or -),
    1 Dec 2026, 1 December 2026, 1st December 2026. Never guessed: 04/23/2026 and 04/03/26 are refused
    with a suggestion. Empty text reads as no date. The year is not range-checked here (see parse_date)."""
    text = " ".join(str(text).split())
    if not text:
        return DateReading()
    numeric = _NUMERIC.match(text)
    if numeric:
        first, _, middle, last = numeric.groups()
        if len(first) == 4:  # ISO order, yyyy-mm-dd: unambiguous
            return calendar_date(int(first), int(middle), int(last), text)
        if len(last) == 2:
            return _two_digit_year(text, int(first), int(middle), int(last))
        if len(last) != 4 or len(first) > 2:
            return refused_reading(f"'{text}' is not a date in the form dd/mm/yyyy.", "Type the date as dd/mm/yyyy.")
        return calendar_date(int(last), int(middle), int(first), text)
    worded = _WORDS.match(text)
    if worded:
        day, month_word, year = worded.groups()
        month = MONTHS.get(month_word.casefold())
        if month is None:
            return refused_reading(
                f"'{text}': '{month_word}' is not a month.", "Write the month as Jan, Feb, ... or in full."
            )
        if len(year) == 2:
            return _two_digit_year(text, int(day), month, int(year))
        if len(year) != 4:
            return refused_reading(f"'{text}' is not a date: the year must have four digits.", "Check the year.")
        return calendar_date(int(year), month, int(day), text)
    return refused_reading(
        f"'{text}' is not a date.", "Type the date as dd/mm/yyyy (for example 03/04/2025 for 3 April 2025)."
    )


def latest_allowed_day(today: dt.date) -> dt.date:
    """Today plus YEARS_AHEAD years (28 February when today is 29 February)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def parse_date(
    value: object, *, label: str = "date", field: str | None = None, today: dt.date | None = None, future: bool = True
) -> dt.date:
    """A date typed by a person (see read_typed_date), or a date object, checked against the range of the data.

    Refused with a ValidationError naming `label`: text that is not a date (rule 'date_form'), a day that does
    not exist (31/02/2026: 'impossible_date'), a two-digit year, a date before 01/01/2011 or after today plus
    five years ('date_out_of_range'), and, with future=False, any date after today ('in_future').
    """
    today = today or today_uk()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        reading = DateReading(value)
    elif isinstance(value, str):
        reading = read_typed_date(value)
        if reading.ok and reading.value is None:
            reading = refused_reading(f"The {label} is empty.", f"Type a date such as {format_date(today)}.")
    else:
        reading = refused_reading(f"'{value}' is not a date.", f"Write the date as text, e.g. {TYPED_FORMS}.")
    if not reading.ok:
        raise ValidationError(f"The {label}: {reading.sentence}", field=field or label, rule=reading.rule)
    day = reading.value
    # A reading of a date holds it, and an empty typed one was refused above: an accepted reading has a day.
    assert day is not None, "an accepted date reading without a date"
    latest = today if not future else latest_allowed_day(today)
    if day < EARLIEST_DAY:
        raise ValidationError(
            f"The {label} {format_date(day)} is before {format_date(EARLIEST_DAY)}, earlier than any domestic homicide "
            "review. Check the year.",
            field=field or label,
            rule="date_out_of_range",
        )
    if day > latest:
        if not future:
            raise ValidationError(
                f"The {label} {format_date(day)} is in the future (today is {format_date(today)}).",
                field=field or label,
                rule="in_future",
            )
        raise ValidationError(
            f"The {label} {format_date(day)} is more than {YEARS_AHEAD} years ahead (the latest allowed is "
            f"{format_date(latest)}). Check the year.",
            field=field or label,
            rule="date_out_of_range",
        )
    return day
