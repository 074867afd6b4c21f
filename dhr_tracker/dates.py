"""Dates as people read them (dd/mm/yyyy, UK local time) and as machines write them (ISO 8601, UTC)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dhr_tracker.errors import ValidationError

UK = ZoneInfo("Europe/London")
UK_DATE_FORMAT = "%d/%m/%Y"


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, or an empty string for no date."""
    return day.strftime(UK_DATE_FORMAT) if day else ""


def format_long_date(day: dt.date | None) -> str:
    """'1 December 2026', as a letter is dated; an empty string for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def format_local_time(moment: dt.datetime | None) -> str:
    """A stored UTC timestamp shown in UK local time (GMT or BST), e.g. '23/11/2026 14:05'."""
    if moment is None:
        return ""
    return moment.astimezone(UK).strftime("%d/%m/%Y %H:%M")


def parse_iso_date(text: str, *, field: str = "date") -> dt.date:
    """Parse YYYY-MM-DD strictly; the error names the field and the expected form."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValidationError(
            f"The {field} '{text}' is not a date in the form YYYY-MM-DD (for example 2025-03-31).", field=field
        ) from None


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
