"""Importing cases and recommendations from a spreadsheet: every problem reported at once, then all or nothing.

`import_sheets` reads every row, checks it, and creates the records inside a savepoint of the caller's
session. A dry run, or any error, rolls the savepoint back: nothing is written. Otherwise the changes
stay in the session for the caller's transaction to commit. A case whose reference is already in the
database is reported and left alone, never overwritten; so are recommendations already recorded.

Real names from the sheet go into the (encrypted) database only: the report never quotes a real-name
column, and any real name that a message might contain is replaced before the report is returned.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan.recommendations import add_recommendation
from dhr_tracker.casework.cases import create_case
from dhr_tracker.lifecycle.services import record_decision
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.exchange.sheets.cells import EXCEL_ERRORS, cell_text, is_blank
from dhr_tracker.exchange.sheets.dates import read_date, split_leading_date
from dhr_tracker.exchange.sheets.fields import FIELD_BY_KEY, FIELDS, SheetKind, normalise_name
from dhr_tracker.exchange.sheets.mapping import ImportMapping, Layout, SheetMapping, layout_for, suggest_mapping
from dhr_tracker.exchange.sheets.matching import NameMatcher, choice_labels, match_choice
from dhr_tracker.exchange.sheets.source import Sheet, SheetFile
from dhr_tracker.model import Agency, Case, CspArea, Milestone, Recommendation
from dhr_tracker.vocabulary import (
    Decision,
    GuidanceProfile,
    MilestoneKind,
    RecommendationSource,
    RecommendationStatus,
    Scope,
    Stage,
)

ERROR, SKIPPED, NOTE = "error", "skipped", "note"
IMPORT_NOTE = "Imported from a spreadsheet."
_SPLIT_AGENCIES = re.compile(r"\s*(?:;|\n|\|)\s*")
_STAGES = list(Stage)
_LEADING_NUMBER = re.compile(r"^(?:recommendation\s+)?(\d{1,3}(?:\.\d{1,3})*)[.):]\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One line of the validation report. `row` is the spreadsheet's row number (None: the whole sheet)."""

    sheet: str
    row: int | None
    column: str
    problem: str
    suggestion: str = ""
    severity: str = ERROR  # error (blocks the import), skipped (row left out), note (for information)
    cell: str = ""


@dataclass(frozen=True)
class SheetSummary:
    name: str
    kind: SheetKind | None
    header_row: int | None
    rows_read: int


@dataclass
class ImportResult:
    """What an import found and did. `committed` is True when the changes are in the caller's session."""

    problems: list[Problem]
    sheets: list[SheetSummary]
    cases_added: int = 0
    cases_skipped: int = 0
    recommendations_added: int = 0
    recommendations_skipped: int = 0
    dry_run: bool = True
    committed: bool = False
    stages: dict[str, Stage] = field(default_factory=dict)  # each new case's reference -> the stage its dates give

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """Two or three sentences for the person who asked for the import."""
        would = "would be" if self.dry_run or not self.committed else "were"
        counts = (
            f"{self.cases_added} case(s) and {self.recommendations_added} recommendation(s) {would} added; "
            f"{self.cases_skipped} case(s) and {self.recommendations_skipped} recommendation(s) already in the "
            "database were left as they are."
        )
        if self.errors:
            return (f"Nothing was imported: the report lists {len(self.errors)} problem(s) to correct in the sheet. "
                    "Correct them and try again.")
        if self.dry_run:
            return f"Dry run: no problems found. {counts} Nothing has been written yet."
        return f"Imported. {counts}"


@dataclass
class _Row:
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


@dataclass
class _CaseRow:
    row: _Row
    reference: str
    values: dict[str, Any]
    stage: Stage | None  # what the sheet says: reported beside the stage the dates give, never copied
    decision_on: dt.date | None
    home_office_informed_on: dt.date | None
    ok: bool = True


@dataclass
class _RecommendationRow:
    row: _Row
    reference: str
    values: dict[str, Any]
    lead: Agency | None
    supporting: list[Agency]
    source_agency: Agency | None


def _saved_value(values: tuple, index: int) -> bool:
    value = values[index] if index < len(values) else None
    return value is not None and not (isinstance(value, str) and value.strip() in EXCEL_ERRORS)


class _Importer:
    def __init__(self, session: Session, sheet_file: SheetFile, mapping: ImportMapping | None, today: dt.date):
        self.session = session
        self.file = sheet_file
        self.explicit = mapping is not None
        self.mapping = mapping if mapping is not None else suggest_mapping(sheet_file, session)
        self.today = today
        self.problems: list[Problem] = []
        self.summaries: list[SheetSummary] = []
        self.case_rows: list[_CaseRow] = []
        self.stages: dict[str, Stage] = {}  # reference -> the stage the case will be at
        self.stage_notes: list[Problem] = []  # one per new case, reported only when the import can go ahead
        self.cases_by_reference: dict[str, _CaseRow] = {}
        self._numbers_seen: dict[str, dict[str, int]] = {}
        self._texts_seen: dict[str, dict[tuple[str, str], int]] = {}
        self._problems_by_row: dict[tuple[str, int], list[Problem]] = defaultdict(list)
        self.recommendation_rows: list[_RecommendationRow] = []
        self.real_names: set[str] = set()
        self.cases_skipped = 0
        self.recommendations_skipped = 0

        self.existing_cases: dict[str, int] = dict(self.session.execute(select(Case.reference, Case.id)).all())
        self.existing_numbers: dict[int, set[str]] = defaultdict(set)
        self.existing_texts: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for case_id, number, text, lead in self.session.execute(
            select(Recommendation.case_id, Recommendation.number, Recommendation.text, Agency.name)
            .join(Agency, Recommendation.lead_agency_id == Agency.id)
        ):
            self.existing_numbers[case_id].add(number.strip().casefold())
            self.existing_texts[case_id].add((" ".join(text.split()).casefold(), normalise_name(lead)))
        self.decisions: dict[int, dt.date] = dict(self.session.execute(
            select(Milestone.case_id, func.min(Milestone.occurred_on))
            .where(Milestone.kind == MilestoneKind.DECISION).group_by(Milestone.case_id)
        ).all())
        agencies = list(self.session.scalars(select(Agency).order_by(Agency.name)))
        self.agencies = NameMatcher((agency.name, agency) for agency in agencies)
        self._add_agency_aliases()
        areas = list(self.session.execute(select(CspArea.name, CspArea.districts)))
        self.areas = NameMatcher((name, name) for name, _ in areas)
        for name, districts in areas:
            for district in (districts or "").split(";"):
                if district.strip():
                    self.areas.add_spelling(district.strip(), name)

    # --- reporting -------------------------------------------------------------------------------
    def report(self, row: _Row, key: str, problem: str, suggestion: str = "", severity: str = ERROR) -> None:
        self.problems.append(
            Problem(row.sheet.name, row.number, row.column(key), problem, suggestion, severity, row.cell(key))
        )

    def report_sheet(self, sheet: Sheet, problem: str, suggestion: str = "", severity: str = ERROR, column: str = "") -> None:
        self.problems.append(Problem(sheet.name, None, column, problem, suggestion, severity))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity == ERROR for problem in self.problems)

    def _add_agency_aliases(self) -> None:
        for spelling, name in self.mapping.agency_aliases.items():
            agency = self.agencies.find_name(name)
            if agency is None:
                self.problems.append(Problem(
                    "(mapping)", None, "agency_aliases",
                    f"The alias '{spelling}' points to '{name}', which is not on the agency list.",
                    "Correct the agency's name in the mapping, or add the agency first.",
                ))
            else:
                self.agencies.add_spelling(spelling, agency)

    # --- reading ---------------------------------------------------------------------------------
    def read(self) -> None:
        only = len(self.file.sheets) == 1
        chosen: list[tuple[Sheet, SheetMapping]] = []
        for sheet in self.file.sheets:
            sheet_mapping = self.mapping.for_sheet(sheet, only)
            if sheet_mapping is not None:
                chosen.append((sheet, sheet_mapping))
            elif any(not is_blank(value) for _, values in sheet.rows for value in values):
                why = "it is not in the mapping" if self.explicit else self.mapping.set_aside.get(
                    sheet.name, "it does not look like a cases or recommendations sheet")
                self.report_sheet(sheet, f"This sheet was not imported: {why}.",
                                  "Name it in the mapping if it should be imported.", NOTE)
        if not only:
            for sheet_mapping in self.mapping.sheets:
                if sheet_mapping.sheet is not None and not any(
                    sheet.name.strip().casefold() == sheet_mapping.sheet.strip().casefold() for sheet in self.file.sheets
                ):
                    names = ", ".join(f"'{sheet.name}'" for sheet in self.file.sheets)
                    self.problems.append(Problem(
                        sheet_mapping.sheet, None, "",
                        f"The mapping names the sheet '{sheet_mapping.sheet}', which the file does not have.",
                        f"The sheets are: {names}.",
                    ))
        if not chosen and not self.has_errors:
            self.problems.append(Problem(
                self.file.path.name, None, "", "No sheet in this file looks like a cases or a recommendations sheet.",
                "Check that the headers are in the first rows, or give a mapping (see docs/spreadsheet-import.md).",
            ))
        # Cases first, so that recommendations may refer to cases in the same file, whatever the sheet order.
        chosen.sort(key=lambda pair: pair[1].kind is not SheetKind.CASES)
        for sheet, sheet_mapping in chosen:
            self.read_sheet(sheet, sheet_mapping)

    def read_sheet(self, sheet: Sheet, sheet_mapping: SheetMapping) -> None:
        layout = layout_for(sheet, sheet_mapping)
        if layout is None:
            self.report_sheet(sheet, f"No header row found in the first rows of this {sheet_mapping.kind.value} sheet.",
                              "Give the header row's number (\"header_row\") in the mapping.")
            self.summaries.append(SheetSummary(sheet.name, sheet_mapping.kind, None, 0))
            return
        blocked = False
        for header in layout.missing:
            self.report_sheet(sheet, f"Row {layout.header_row} has no column headed '{header}'.",
                              "Check the header's spelling in the mapping. The headers are: "
                              + ", ".join(f"'{text}'" for text in layout.headers if text) + ".", column=header)
            blocked = True
        for f in FIELDS[layout.kind]:
            if f.required and f.key not in layout.columns:
                examples = ", ".join(f"'{header.title()}'" for header in f.headers[:3])
                self.report_sheet(sheet, f"This {layout.kind.value} sheet has no column for the {f.label.lower()}.",
                                  f"Head the column {examples}, or name it in the mapping.", column=f.label)
                blocked = True
        if blocked:
            self.summaries.append(SheetSummary(sheet.name, layout.kind, layout.header_row, 0))
            return
        self._note_formulas(sheet, layout)
        count = 0
        for number, values in sheet.rows:
            if number <= layout.header_row:
                continue
            row = self._row(sheet, layout, number, values)
            if row is None:
                continue
            count += 1
            if layout.kind is SheetKind.CASES:
                self.read_case(row)
            else:
                self.read_recommendation(row)
        self.summaries.append(SheetSummary(sheet.name, layout.kind, layout.header_row, count))
        if count == 0:
            self.report_sheet(sheet, "This sheet has headers but no rows to import.", severity=NOTE)

    def _note_formulas(self, sheet: Sheet, layout: Layout) -> None:
        values = dict(sheet.rows)
        by_column = Counter(
            index for (number, index) in sheet.formulas
            if number > layout.header_row and _saved_value(values.get(number, ()), index)
        )
        for key, index in layout.columns.items():
            if by_column.get(index):
                self.report_sheet(
                    sheet, f"{by_column[index]} cell(s) in this column hold a formula: the value Excel last "
                    "calculated and saved was imported.", "Check those values, or replace the formulas by their values.",
                    NOTE, column=layout.header_of(index),
                )

    def _row(self, sheet: Sheet, layout: Layout, number: int, values: tuple) -> _Row | None:
        picked: dict[str, Any] = {}
        real = False
        for key, index in layout.columns.items():
            value = values[index] if index < len(values) else None
            picked[key] = value
            if not is_blank(value) and (number, index) not in sheet.filled:
                real = True
        if not real:
            return None  # a blank row (or one holding only what a merged cell above spread into it)
        row = _Row(sheet, layout, number, picked)
        for key, index in layout.columns.items():
            formula = sheet.formulas.get((number, index))
            if formula is None:
                continue
            value = picked[key]
            if value is None:
                self.report(row, key, "This cell holds a formula whose value was never saved in the file.",
                            "Open the file in Excel and save it, or type the value instead of the formula.")
                row.bad.add(key)
            elif isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                self.report(row, key, f"This cell's formula gives the error {value.strip()}.",
                            "Correct the formula, or type the value instead.")
                row.bad.add(key)
                picked[key] = None
        return row

    # --- cell readers ----------------------------------------------------------------------------
    def _required(self, row: _Row, key: str, text: str, label: str) -> bool:
        if text:
            return True
        if key not in row.bad:
            self.report(row, key, f"The {label} is missing.", f"Fill in the {label}, or remove the row.")
            row.bad.add(key)
        return False

    def _date(self, row: _Row, key: str, label: str, *, required: bool = False) -> dt.date | None:
        if key in row.bad:
            return None
        reading = read_date(row.values.get(key), epoch=row.sheet.epoch)
        if not reading.ok:
            self.report(row, key, f"{label}: {reading.problem}", reading.suggestion)
            row.bad.add(key)
            return None
        if reading.value is None and required:
            self._required(row, key, "", label.lower())
        return reading.value

    def _not_future(self, row: _Row, key: str, day: dt.date | None, label: str) -> None:
        if day is not None and day > self.today:
            self.report(row, key, f"{label} {format_date(day)} is in the future (today is {format_date(self.today)}).",
                        "Check the date.")

    def _choice(self, row: _Row, key: str, enum, default=None):
        text = row.text(key)
        if not text or key in row.bad:
            return default
        match = match_choice(enum, text)
        if match.value is None:
            suggestion = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
            self.report(row, key, f"'{text}' is not a {row.column(key).lower() or key} this app knows.",
                        f"{suggestion}Use one of: {choice_labels(enum)}.")
            row.bad.add(key)
            return default
        return match.value

    def _agency(self, row: _Row, key: str, text: str) -> Agency | None:
        match = self.agencies.match(text)
        if match.value is None:
            hint = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
            self.report(row, key, f"'{text}' is not on the agency list.",
                        f"{hint}Correct the sheet, add the spelling to \"agency_aliases\" in the mapping, or add the agency first.")
            row.bad.add(key)
        return match.value

    # --- cases -------------------------------------------------------------------------------------
    def read_case(self, row: _Row) -> None:
        for key in ("victim_real_name", "perpetrator_real_name"):
            name = row.text(key)
            if name:
                self.real_names.add(name)
        reference = row.text("reference").upper()
        if not self._required(row, "reference", reference, "case reference"):
            return
        earlier = self.cases_by_reference.get(reference)
        if earlier is not None:  # reported, and the rest of the row is still checked so that all is reported at once
            self.report(row, "reference", f"The case reference {reference} is also on row {earlier.row.number} of '{earlier.row.sheet.name}'.",
                        "Each case may appear once: remove or correct one of the rows.")
            earlier.ok = False
        elif reference in self.existing_cases:
            self.report(row, "reference", f"Case {reference} is already in the database: this row was not imported and "
                        "the case was left as it is.", "To change the case, edit it in the app.", SKIPPED)
            self.cases_skipped += 1
            self._add_case_row(_CaseRow(row, reference, {}, None, None, None, ok=False))
            return
        pseudonym = row.text("pseudonym")
        self._required(row, "pseudonym", pseudonym, "agreed pseudonym")
        notified_on = self._date(row, "notified_on", "The date notified", required=True)
        date_of_death = self._date(row, "date_of_death", "The date of death")
        decision_on = self._date(row, "decision_on", "The date of the decision")
        if decision_on and notified_on and decision_on < notified_on:
            self.report(row, "decision_on", f"The decision date {format_date(decision_on)} is before the date notified "
                        f"{format_date(notified_on)}.", "Check both dates.")
        self._not_future(row, "decision_on", decision_on, "The decision date")
        informed_on = self._date(row, "home_office_informed_on", "The date the Home Office was told")
        if informed_on and decision_on is None:
            self.report(row, "home_office_informed_on", "The Home Office is told of a decision, but this row has no "
                        "decision date.", "Give the date of the decision to review, or leave this cell empty.")
        elif informed_on and decision_on and informed_on < decision_on:
            self.report(row, "home_office_informed_on", f"The Home Office cannot have been told "
                        f"({format_date(informed_on)}) before the decision ({format_date(decision_on)}).", "Check both dates.")
        self._not_future(row, "home_office_informed_on", informed_on, "The date the Home Office was told")
        area = None
        area_text = row.text("csp_area")
        if area_text:
            match = self.areas.match(area_text)
            area = match.value
            if area is None:
                hint = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
                self.report(row, "csp_area", f"'{area_text}' is not a CSP area.", f"{hint}Use a CSP area's or a district's name.")
        profile = self._choice(row, "guidance_profile", GuidanceProfile, GuidanceProfile.DHR_2016)
        stage = self._choice(row, "stage", Stage, None)
        values = {
            "reference": reference, "pseudonym": pseudonym,
            "victim_real_name": row.text("victim_real_name") or None,
            "perpetrator_real_name": row.text("perpetrator_real_name") or None,
            "notified_on": notified_on, "date_of_death": date_of_death, "csp_area": area,
            "commissioning_partnership": row.text("commissioning_partnership") or None,
            "guidance_profile": profile, "independent_chair": row.text("independent_chair"),
            "notes": row.text("notes", multiline=True),
        }
        if earlier is None:
            self._add_case_row(_CaseRow(row, reference, values, stage, decision_on, informed_on, ok=not row.bad))

    def _add_case_row(self, case_row: _CaseRow) -> None:
        self.case_rows.append(case_row)
        self.cases_by_reference[case_row.reference] = case_row

    def create_cases(self) -> dict[str, Case]:
        created: dict[str, Case] = {}
        for case_row in self.case_rows:
            if not case_row.ok or not case_row.values or self._row_has_error(case_row.row):
                continue
            try:
                case = create_case(self.session, today=self.today, **case_row.values)
            except ValidationError as error:
                key = error.field if error.field in FIELD_BY_KEY[SheetKind.CASES] else "reference"
                self.report(case_row.row, key, error.message, "Correct the row in the sheet.")
                case_row.ok = False
                continue
            if case_row.decision_on is not None:
                # The service the app uses: the decision to review and the Home Office told, as milestones,
                # checked against the notification, and the stage derived from them.
                try:
                    record_decision(self.session, case, Decision.REVIEW, case_row.decision_on,
                                    home_office_informed_on=case_row.home_office_informed_on, note=IMPORT_NOTE, today=self.today)
                except ValidationError as error:
                    key = error.field if error.field in FIELD_BY_KEY[SheetKind.CASES] else "decision_on"
                    self.report(case_row.row, key, error.message, "Correct the row in the sheet.")
                    case_row.ok = False
                    continue
            self.stages[case_row.reference] = case.stage
            self.stage_notes.append(Problem(
                case_row.row.sheet.name, case_row.row.number, case_row.row.column("stage"),
                f"Case {case_row.reference} will be at the stage '{case.stage.label}', from the dates given.",
                self._stage_advice(case_row, case.stage), NOTE, case_row.row.cell("stage"),
            ))
            created[case_row.reference] = case
        return created

    @staticmethod
    def _stage_advice(case_row: _CaseRow, derived: Stage) -> str:
        if case_row.stage is None or case_row.stage is derived:
            return ""
        return (f"The sheet says '{case_row.stage.label}': record the events since (in the app, on the case's "
                "timeline) to move the case on; a stage is worked out from dates, never typed in.")

    def _row_has_error(self, row: _Row) -> bool:
        return any(p.severity == ERROR for p in self._problems_by_row.get((row.sheet.name, row.number), ()))

    # --- recommendations ---------------------------------------------------------------------------------
    def read_recommendation(self, row: _Row) -> None:
        reference = row.text("case_reference").upper()
        if not self._required(row, "case_reference", reference, "case reference"):
            return
        if reference not in self.cases_by_reference and reference not in self.existing_cases:
            known = list(self.existing_cases) + list(self.cases_by_reference)
            close = difflib.get_close_matches(reference, known, n=1, cutoff=0.8)
            hint = f"Did you mean {close[0]}? " if close else ""
            self.report(row, "case_reference", f"There is no case {reference} in the database or in the cases sheet.",
                        f"{hint}Add the case first, or correct the reference.")
            return
        case_id = self.existing_cases.get(reference)
        numbers = self._numbers_seen.setdefault(reference, {})
        text = row.text("text", multiline=True)
        if "number" in row.layout.columns:
            number = row.text("number")
            if not self._required(row, "number", number, "recommendation number"):
                return
        else:
            numbered = _LEADING_NUMBER.match(text)  # "1. Agencies should ..." as in the Home Office template
            if numbered:
                number, text = numbered.group(1), text[numbered.end():].strip()
            else:
                existing = self.existing_numbers.get(case_id, set()) if case_id is not None else set()
                used = [int(n) for n in list(existing) + list(numbers) if n.isdigit()]
                number = str(max(used, default=0) + 1)
        key = number.casefold()
        if key in numbers:
            self.report(row, "number", f"Recommendation {number} of case {reference} is also on row {numbers[key]}.",
                        "Give each recommendation of a case its own number.")
            return
        numbers[key] = row.number
        if case_id is not None and key in self.existing_numbers.get(case_id, set()):
            self.report(row, "number", f"Case {reference} already has a recommendation {number}: this row was not imported "
                        "and the recommendation was left as it is.", "To change it, edit it in the app.", SKIPPED)
            self.recommendations_skipped += 1
            return
        if "number" not in row.layout.columns and self._repeated(row, reference, case_id, text):
            return

        self._required(row, "text", text, "recommendation")
        lead_text = row.text("lead_agency")
        lead = self._agency(row, "lead_agency", lead_text) if self._required(row, "lead_agency", lead_text, "lead agency") else None
        supporting: list[Agency] = []
        for part in _SPLIT_AGENCIES.split(row.text("supporting_agencies", multiline=True)):
            if part.strip():
                agency = self._agency(row, "supporting_agencies", part.strip())
                if agency is not None and agency is not lead and agency not in supporting:
                    supporting.append(agency)
        source_agency = None
        if row.text("source_agency"):
            source_agency = self._agency(row, "source_agency", row.text("source_agency"))
        scope = self._choice(row, "scope", Scope, Scope.LOCAL)
        source = self._choice(row, "source", RecommendationSource,
                              RecommendationSource.IMR if source_agency is not None else RecommendationSource.OVERVIEW_REPORT)
        status = self._choice(row, "status", RecommendationStatus, RecommendationStatus.PROPOSED)
        target_on = self._date(row, "target_on", "The target date")
        completed_on = self._date(row, "completed_on", "The date of completion")
        outcome = row.text("outcome", multiline=True)
        if "completion_and_outcome" in row.layout.columns and "completion_and_outcome" not in row.bad:
            reading, rest = split_leading_date(row.values.get("completion_and_outcome"), epoch=row.sheet.epoch)
            if not reading.ok:
                self.report(row, "completion_and_outcome", f"The date of completion: {reading.problem}", reading.suggestion)
            elif completed_on is None:
                completed_on = reading.value
            outcome = "\n".join(part for part in (outcome, rest) if part)
        decided_on = self._decision_on(reference)
        if target_on and decided_on and target_on < decided_on:
            self.report(row, "target_on", f"The target date {format_date(target_on)} is before the decision to review "
                        f"({format_date(decided_on)}).", "Check the target date, and the case's decision date.")
        signed_off_on = self._date(row, "signed_off_on", "The sign-off date")
        status_changed_on = self._date(row, "status_changed_on", "The date the status changed")
        for key, day, label in (("completed_on", completed_on, "The date of completion"),
                                ("signed_off_on", signed_off_on, "The sign-off date"),
                                ("status_changed_on", status_changed_on, "The date the status changed")):
            self._not_future(row, key, day, label)
        if signed_off_on and completed_on and signed_off_on < completed_on:
            self.report(row, "signed_off_on", f"The sign-off date {format_date(signed_off_on)} is before the date of "
                        f"completion {format_date(completed_on)}.", "A recommendation is signed off after it is completed.")
        reason = row.text("not_accepted_reason", multiline=True)
        if status is RecommendationStatus.NOT_ACCEPTED and not reason:
            self.report(row, "status", "A recommendation that was not accepted needs the reason.",
                        "Add a 'Reason not accepted' column, or correct the status.")
        if scope is Scope.NATIONAL and lead is not None and not lead.is_government_department:
            self.report(row, "lead_agency", f"A national recommendation goes to a government department, not to {lead.name}.",
                        "Make the lead agency a government department (such as the Home Office), or correct the scope.")
        if source is RecommendationSource.IMR and source_agency is None:
            source_agency = lead  # an IMR recommendation is the IMR author's own: its lead agency
        values = {
            "number": number, "source": source, "scope": scope, "text": text,
            "action": row.text("action", multiline=True), "key_milestones": row.text("key_milestones", multiline=True),
            "target_on": target_on, "completed_on": completed_on, "outcome": outcome, "status": status,
            "status_changed_on": status_changed_on, "not_accepted_reason": reason, "signed_off_on": signed_off_on,
            "signoff_minute_reference": row.text("signoff_minute_reference"),
        }
        self.recommendation_rows.append(_RecommendationRow(row, reference, values, lead, supporting, source_agency))

    def _repeated(self, row: _Row, reference: str, case_id: int | None, text: str) -> bool:
        """Without a number column, the wording and the lead agency tell a recommendation already recorded."""
        lead = self.agencies.match(row.text("lead_agency")).value
        wording = (" ".join(text.split()).casefold(), normalise_name(lead.name if lead else row.text("lead_agency")))
        if not wording[0]:
            return False
        if case_id is not None and wording in self.existing_texts.get(case_id, set()):
            self.report(row, "text", f"Case {reference} already has this recommendation for this lead agency: this row "
                        "was not imported.", "Remove the row, or edit the recommendation in the app.", SKIPPED)
            self.recommendations_skipped += 1
            return True
        same = self._texts_seen.setdefault(reference, {})
        if wording in same:
            self.report(row, "text", f"Case {reference} has the same recommendation for the same lead agency on row "
                        f"{same[wording]}.", "Remove one of the rows, or number the recommendations.")
            return True
        same[wording] = row.number
        return False

    def _decision_on(self, reference: str) -> dt.date | None:
        case_row = self.cases_by_reference.get(reference)
        if case_row is not None and case_row.decision_on is not None:
            return case_row.decision_on
        case_id = self.existing_cases.get(reference)
        return self.decisions.get(case_id) if case_id is not None else None

    def create_recommendations(self, created: dict[str, Case]) -> int:
        """Add each recommendation through the action-plan service (which checks it again), then record the
        status the sheet gives: the history before the move-in is not known, only where each one stands."""
        added = 0
        cases: dict[str, Case] = dict(created)
        for item in self.recommendation_rows:
            case = cases.get(item.reference)
            if case is None:
                case = cases[item.reference] = self.session.get(Case, self.existing_cases[item.reference])
            values = item.values
            try:
                recommendation = add_recommendation(
                    self.session, case, number=values["number"], text=values["text"], scope=values["scope"],
                    source=values["source"], source_agency=item.source_agency, lead_agency=item.lead,
                    supporting_agencies=list(item.supporting), action=values["action"],
                    key_milestones=values["key_milestones"], target_on=values["target_on"], outcome=values["outcome"],
                )
            except ValidationError as error:
                key = error.field if error.field in FIELD_BY_KEY[SheetKind.RECOMMENDATIONS] else "text"
                self.report(item.row, key, error.message, "Correct the row in the sheet.")
                continue
            for key in ("status", "status_changed_on", "completed_on", "signed_off_on", "signoff_minute_reference",
                        "not_accepted_reason"):
                setattr(recommendation, key, values[key])
            added += 1
        self.session.flush()
        return added

    def run(self, dry_run: bool) -> ImportResult:
        self.read()
        for problem in self.problems:
            if problem.row is not None:
                self._problems_by_row[(problem.sheet, problem.row)].append(problem)
        savepoint = self.session.begin_nested()
        recommendations = 0
        try:
            created = self.create_cases()
            if not self.has_errors:
                recommendations = len(self.recommendation_rows) if dry_run else self.create_recommendations(created)
            if dry_run or self.has_errors:
                savepoint.rollback()
            else:
                savepoint.commit()
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        failed = self.has_errors
        if not failed:
            self.problems.extend(self.stage_notes)
        problems, summaries = self._scrubbed(self.summaries)
        return ImportResult(
            problems=problems,
            sheets=summaries,
            cases_added=0 if failed else len(created),
            cases_skipped=self.cases_skipped,
            recommendations_added=0 if failed else recommendations,
            recommendations_skipped=self.recommendations_skipped,
            dry_run=dry_run,
            committed=not (dry_run or failed),
            stages={} if failed else dict(self.stages),
        )

    def _scrubbed(self, summaries: list[SheetSummary]) -> tuple[list[Problem], list[SheetSummary]]:
        """The problems and sheet names with any text that holds a real name (from the sheet or already in the
        database) withheld: the report must never show one (a sheet named after a victim included)."""
        from dhr_tracker.privacy.guard import NameGuard
        from dhr_tracker.reports.pseudonyms import RealNameGuard

        sheet_guard = NameGuard(("", name) for name in self.real_names)
        database_guard = RealNameGuard.from_session(self.session)
        if not sheet_guard.names and not database_guard.names:
            return list(self.problems), summaries

        def clean(text: str) -> str:
            return database_guard.redact(sheet_guard.redact(text)) if text else text

        problems = [
            Problem(clean(p.sheet), p.row, clean(p.column), clean(p.problem), clean(p.suggestion), p.severity, p.cell)
            for p in self.problems
        ]
        return problems, [SheetSummary(clean(s.name), s.kind, s.header_row, s.rows_read) for s in summaries]


def import_sheets(
    session: Session,
    sheet_file: SheetFile,
    mapping: ImportMapping | None = None,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportResult:
    """Check every row of the file and, unless this is a dry run or a problem was found, create the cases and
    recommendations in the session (all or nothing). Without a mapping, remembered mappings and the
    automatic guess decide which sheet and column holds what.
    """
    importer = _Importer(session, sheet_file, mapping, today or today_uk())
    return importer.run(dry_run)
