"""The type of every command-line date option: a date as people type it (dhr_tracker.dates.parse_date).

A date that is not a date, an impossible day or one far outside the data is a usage error naming the
option, never a traceback or an OverflowError deep in a calculation.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from dhr_tracker.dates import parse_date
from dhr_tracker.errors import ValidationError

DATE_METAVAR = "DATE"
DATE_FORMS_HELP = "a date such as 2026-12-01, 01/12/2026 or 1 Dec 2026"


def date_option(label: str, *, future: bool = True) -> Callable[[str], dt.date]:
    """An argparse `type=` reading `label` (e.g. "--as-of date"); future=False refuses dates after today."""

    def parse(text: str) -> dt.date:
        try:
            return parse_date(text, label=label, future=future)
        except ValidationError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = label
    return parse
