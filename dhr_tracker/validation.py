"""Field checks shared by every service: text, dates, the future. Each refusal is a ValidationError."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, overload

from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError


def clean_text(value: Any, field: str, label: str, *, required: bool, limit: int | None = None) -> str:
    """The text stripped of surrounding spaces ("" for nothing); a whole number is taken as its digits."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)  # e.g. a recommendation number typed as 3 in a spreadsheet
    else:
        raise ValidationError(f"{label} must be text.", field=field, rule="not_text")
    if not text and required:
        raise ValidationError(f"{label} is required.", field=field, rule="required")
    if limit is not None and len(text) > limit:
        raise ValidationError(
            f"{label} is {len(text)} characters long; the limit is {limit}.", field=field, rule="too_long"
        )
    return text


@overload
def clean_date(value: Any, field: str, label: str, *, required: Literal[True]) -> dt.date: ...
@overload
def clean_date(value: Any, field: str, label: str, *, required: bool) -> dt.date | None: ...
def clean_date(value: Any, field: str, label: str, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{label} is required.", field=field, rule="required")
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"{label} must be a date.", field=field, rule="not_a_date")
    return value


def not_in_future(day: dt.date, today: dt.date, field: str, label: str) -> None:
    if day > today:
        raise ValidationError(
            f"{label} {format_date(day)} is in the future (today is {format_date(today)}).",
            field=field,
            rule="in_future",
        )
