"""Reading cell values as text (writing them safely is `dhr_tracker.spreadsheets.safe_cell`)."""

from __future__ import annotations

import datetime as dt

from dhr_tracker.dates import format_date

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def cell_text(value: object, *, multiline: bool = False) -> str:
    """A cell as text: trimmed, runs of spaces collapsed (line breaks kept if `multiline`), 12.0 as '12'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if multiline:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        return "\n".join(lines).strip("\n ")
    return " ".join(text.split())


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
