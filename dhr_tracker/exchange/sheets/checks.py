"""What every row check shares: the row read from a sheet, the report being built, the facts already in the
database (cases, recommendation numbers and wordings, decision dates, agencies, CSP areas), and the readers
of a cell (required text, a date, a choice, an agency) that report what is wrong with it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.exchange.sheets.cells import cell_text
from dhr_tracker.exchange.sheets.dates import read_date
from dhr_tracker.exchange.sheets.fields import FIELD_BY_KEY, normalise_name
from dhr_tracker.exchange.sheets.mapping import ImportMapping, Layout
from dhr_tracker.exchange.sheets.matching import NameMatcher, choice_labels, match_choice
from dhr_tracker.exchange.sheets.results import ERROR, Problem
from dhr_tracker.exchange.sheets.source import Sheet
from dhr_tracker.model import Agency, Case, CspArea, Milestone, Recommendation
from dhr_tracker.vocabulary import MilestoneKind


@dataclass
class Row:
    """One row of a sheet, its cells by field key."""

    sheet: Sheet
    layout: Layout
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # fields whose cell is already reported (e.g. a broken formula)

    def text(self, key: str, *, multiline: bool = False) -> str:
        return cell_text(self.values.get(key), multiline=multiline)

    def column(self, key: str) -> str:
        index = self.layout.columns.get(key)
        if index is None:
            return FIELD_BY_KEY[self.layout.kind][key].label if key in FIELD_BY_KEY[self.layout.kind] else ""
        return self.layout.header_of(index) or get_column_letter(index + 1)

    def cell(self, key: str) -> str:
        index = self.layout.columns.get(key)
        return f"{get_column_letter(index + 1)}{self.number}" if index is not None else ""


class RowChecker:
    """The report of one import, and the database's facts its checks compare rows with."""

    def __init__(self, session: Session, mapping: ImportMapping, today: dt.date):
        self.session = session
        self.mapping = mapping
        self.today = today
        self.problems: list[Problem] = []
        self.real_names: set[str] = set()
        self._errors_by_row: set[tuple[str, int]] = set()
        self.existing_cases: dict[str, int] = dict(self.session.execute(select(Case.reference, Case.id)).all())
        self.existing_numbers: dict[int, set[str]] = defaultdict(set)
        self.existing_texts: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for case_id, number, text, lead in self.session.execute(
            select(Recommendation.case_id, Recommendation.number, Recommendation.text, Agency.name).join(
                Agency, Recommendation.lead_agency_id == Agency.id
            )
        ):
            self.existing_numbers[case_id].add(number.strip().casefold())
            self.existing_texts[case_id].add((" ".join(text.split()).casefold(), normalise_name(lead)))
        self.decisions: dict[int, dt.date] = dict(
            self.session.execute(
                select(Milestone.case_id, func.min(Milestone.occurred_on))
                .where(Milestone.kind == MilestoneKind.DECISION)
                .group_by(Milestone.case_id)
            ).all()
        )
        agencies = list(self.session.scalars(select(Agency).order_by(Agency.name)))
        self.agencies = NameMatcher((agency.name, agency) for agency in agencies)
        self._add_agency_aliases()
        areas = list(self.session.execute(select(CspArea.name, CspArea.districts)))
        self.areas = NameMatcher((name, name) for name, _ in areas)
        for name, districts in areas:
            for district in (districts or "").split(";"):
                if district.strip():
                    self.areas.add_spelling(district.strip(), name)

    def report(self, row: Row, key: str, problem: str, suggestion: str = "", severity: str = ERROR) -> None:
        self.problems.append(
            Problem(row.sheet.name, row.number, row.column(key), problem, suggestion, severity, row.cell(key))
        )

    def report_sheet(
        self, sheet: Sheet, problem: str, suggestion: str = "", severity: str = ERROR, column: str = ""
    ) -> None:
        self.problems.append(Problem(sheet.name, None, column, problem, suggestion, severity))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity == ERROR for problem in self.problems)

    def _add_agency_aliases(self) -> None:
        for spelling, name in self.mapping.agency_aliases.items():
            agency = self.agencies.find_name(name)
            if agency is None:
                self.problems.append(
                    Problem(
                        "(mapping)",
                        None,
                        "agency_aliases",
                        f"The alias '{spelling}' points to '{name}', which is not on the agency list.",
                        "Correct the agency's name in the mapping, or add the agency first.",
                    )
                )
            else:
                self.agencies.add_spelling(spelling, agency)

    def index_rows(self) -> None:
        """Note which rows the reading found an error in (those are not written)."""
        self._errors_by_row = {(p.sheet, p.row) for p in self.problems if p.row is not None and p.severity == ERROR}

    def row_has_error(self, row: Row) -> bool:
        return (row.sheet.name, row.number) in self._errors_by_row

    # --- cell readers ----------------------------------------------------------------------------
    def required(self, row: Row, key: str, text: str, label: str) -> bool:
        if text:
            return True
        if key not in row.bad:
            self.report(row, key, f"The {label} is missing.", f"Fill in the {label}, or remove the row.")
            row.bad.add(key)
        return False

    def date(self, row: Row, key: str, label: str, *, required: bool = False) -> dt.date | None:
        if key in row.bad:
            return None
        reading = read_date(row.values.get(key), epoch=row.sheet.epoch)
        if not reading.ok:
            self.report(row, key, f"{label}: {reading.problem}", reading.suggestion)
            row.bad.add(key)
            return None
        if reading.value is None and required:
            self.required(row, key, "", label.lower())
        return reading.value

    def not_future(self, row: Row, key: str, day: dt.date | None, label: str) -> None:
        if day is not None and day > self.today:
            self.report(
                row,
                key,
                f"{label} {format_date(day)} is in the future (today is {format_date(self.today)}).",
                "Check the date.",
            )

    def choice(self, row: Row, key: str, enum, default=None):
        text = row.text(key)
        if not text or key in row.bad:
            return default
        match = match_choice(enum, text)
        if match.value is None:
            suggestion = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
            self.report(
                row,
                key,
                f"'{text}' is not a {row.column(key).lower() or key} this app knows.",
                f"{suggestion}Use one of: {choice_labels(enum)}.",
            )
            row.bad.add(key)
            return default
        return match.value

    def agency(self, row: Row, key: str, text: str) -> Agency | None:
        match = self.agencies.match(text)
        if match.value is None:
            hint = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
            self.report(
                row,
                key,
                f"'{text}' is not on the agency list.",
                f'{hint}Correct the sheet, add the spelling to "agency_aliases" in the mapping, or add the agency first.',
            )
            row.bad.add(key)
        return match.value
