"""The cases sheet: each row checked, then each case created through the case service, with its decision to
review (and the Home Office told) recorded through the lifecycle service, so its stage follows from its dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dhr_tracker.casework.cases import create_case
from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.exchange.sheets.checks import Row, RowChecker
from dhr_tracker.exchange.sheets.fields import FIELD_BY_KEY, SheetKind
from dhr_tracker.exchange.sheets.results import NOTE, SKIPPED, Problem
from dhr_tracker.lifecycle.services import record_decision
from dhr_tracker.model import Case
from dhr_tracker.vocabulary import Decision, GuidanceProfile, Stage

IMPORT_NOTE = "Imported from a spreadsheet."


@dataclass
class CaseRow:
    row: Row
    reference: str
    values: dict[str, Any]
    stage: Stage | None  # what the sheet says: reported beside the stage the dates give, never copied
    decision_on: dt.date | None
    home_office_informed_on: dt.date | None
    ok: bool = True


class CaseRows:
    def __init__(self, check: RowChecker):
        self.check = check
        self.rows: list[CaseRow] = []
        self.by_reference: dict[str, CaseRow] = {}
        self.stages: dict[str, Stage] = {}  # reference -> the stage the case will be at
        self.stage_notes: list[Problem] = []  # one per new case, reported only when the import can go ahead
        self.skipped = 0

    def decision_on(self, reference: str) -> dt.date | None:
        """The decision date the sheet gives a new case, else the one recorded for a case already in the database."""
        case_row = self.by_reference.get(reference)
        if case_row is not None and case_row.decision_on is not None:
            return case_row.decision_on
        case_id = self.check.existing_cases.get(reference)
        return self.check.decisions.get(case_id) if case_id is not None else None

    def read(self, row: Row) -> None:
        for key in ("victim_real_name", "perpetrator_real_name"):
            name = row.text(key)
            if name:
                self.check.real_names.add(name)
        reference = row.text("reference").upper()
        if not self.check.required(row, "reference", reference, "case reference"):
            return
        earlier = self.by_reference.get(reference)
        if earlier is not None:  # reported, and the rest of the row is still checked so that all is reported at once
            self.check.report(
                row,
                "reference",
                f"The case reference {reference} is also on row {earlier.row.number} of '{earlier.row.sheet.name}'.",
                "Each case may appear once: remove or correct one of the rows.",
            )
            earlier.ok = False
        elif reference in self.check.existing_cases:
            self.check.report(
                row,
                "reference",
                f"Case {reference} is already in the database: this row was not imported and "
                "the case was left as it is.",
                "To change the case, edit it in the app.",
                SKIPPED,
            )
            self.skipped += 1
            self._add(CaseRow(row, reference, {}, None, None, None, ok=False))
            return
        pseudonym = row.text("pseudonym")
        self.check.required(row, "pseudonym", pseudonym, "agreed pseudonym")
        notified_on = self.check.date(row, "notified_on", "The date notified", required=True)
        date_of_death = self.check.date(row, "date_of_death", "The date of death")
        decision_on = self.check.date(row, "decision_on", "The date of the decision")
        if decision_on and notified_on and decision_on < notified_on:
            self.check.report(
                row,
                "decision_on",
                f"The decision date {format_date(decision_on)} is before the date notified {format_date(notified_on)}.",
                "Check both dates.",
            )
        self.check.not_future(row, "decision_on", decision_on, "The decision date")
        informed_on = self.check.date(row, "home_office_informed_on", "The date the Home Office was told")
        if informed_on and decision_on is None:
            self.check.report(
                row,
                "home_office_informed_on",
                "The Home Office is told of a decision, but this row has no decision date.",
                "Give the date of the decision to review, or leave this cell empty.",
            )
        elif informed_on and decision_on and informed_on < decision_on:
            self.check.report(
                row,
                "home_office_informed_on",
                f"The Home Office cannot have been told "
                f"({format_date(informed_on)}) before the decision ({format_date(decision_on)}).",
                "Check both dates.",
            )
        self.check.not_future(row, "home_office_informed_on", informed_on, "The date the Home Office was told")
        area = None
        area_text = row.text("csp_area")
        if area_text:
            match = self.check.areas.match(area_text)
            area = match.value
            if area is None:
                hint = f"Did you mean '{match.suggestion}'? " if match.suggestion else ""
                self.check.report(
                    row,
                    "csp_area",
                    f"'{area_text}' is not a CSP area.",
                    f"{hint}Use a CSP area's or a district's name.",
                )
        profile = self.check.choice(row, "guidance_profile", GuidanceProfile, GuidanceProfile.DHR_2016)
        stage = self.check.choice(row, "stage", Stage, None)
        values = {
            "reference": reference,
            "pseudonym": pseudonym,
            "victim_real_name": row.text("victim_real_name") or None,
            "perpetrator_real_name": row.text("perpetrator_real_name") or None,
            "notified_on": notified_on,
            "date_of_death": date_of_death,
            "csp_area": area,
            "commissioning_partnership": row.text("commissioning_partnership") or None,
            "guidance_profile": profile,
            "independent_chair": row.text("independent_chair"),
            "notes": row.text("notes", multiline=True),
        }
        if earlier is None:
            self._add(CaseRow(row, reference, values, stage, decision_on, informed_on, ok=not row.bad))

    def _add(self, case_row: CaseRow) -> None:
        self.rows.append(case_row)
        self.by_reference[case_row.reference] = case_row

    def create(self) -> dict[str, Case]:
        created: dict[str, Case] = {}
        for case_row in self.rows:
            if not case_row.ok or not case_row.values or self.check.row_has_error(case_row.row):
                continue
            try:
                case = create_case(self.check.session, today=self.check.today, **case_row.values)
            except ValidationError as error:
                key = error.field if error.field in FIELD_BY_KEY[SheetKind.CASES] else "reference"
                self.check.report(case_row.row, key, error.message, "Correct the row in the sheet.")
                case_row.ok = False
                continue
            if case_row.decision_on is not None:
                # The service the app uses: the decision to review and the Home Office told, as milestones,
                # checked against the notification, and the stage derived from them.
                try:
                    record_decision(
                        self.check.session,
                        case,
                        Decision.REVIEW,
                        case_row.decision_on,
                        home_office_informed_on=case_row.home_office_informed_on,
                        note=IMPORT_NOTE,
                        today=self.check.today,
                    )
                except ValidationError as error:
                    key = error.field if error.field in FIELD_BY_KEY[SheetKind.CASES] else "decision_on"
                    self.check.report(case_row.row, key, error.message, "Correct the row in the sheet.")
                    case_row.ok = False
                    continue
            self.stages[case_row.reference] = case.stage
            self.stage_notes.append(
                Problem(
                    case_row.row.sheet.name,
                    case_row.row.number,
                    case_row.row.column("stage"),
                    f"Case {case_row.reference} will be at the stage '{case.stage.label}', from the dates given.",
                    self._stage_advice(case_row, case.stage),
                    NOTE,
                    case_row.row.cell("stage"),
                )
            )
            created[case_row.reference] = case
        return created

    @staticmethod
    def _stage_advice(case_row: CaseRow, derived: Stage) -> str:
        if case_row.stage is None or case_row.stage is derived:
            return ""
        return (
            f"The sheet says '{case_row.stage.label}': record the events since (in the app, on the case's "
            "timeline) to move the case on; a stage is worked out from dates, never typed in."
        )
