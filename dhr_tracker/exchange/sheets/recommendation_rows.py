"""The recommendations sheet, row by row: the case it belongs to, its number (given, taken from the wording, or
the next free one), a recommendation already recorded, the agencies, the choices and the dates."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from dhr_tracker.dates import format_date
from dhr_tracker.exchange.sheets.case_rows import CaseRows
from dhr_tracker.exchange.sheets.checks import Row, RowChecker
from dhr_tracker.exchange.sheets.dates import split_leading_date
from dhr_tracker.exchange.sheets.fields import normalise_name
from dhr_tracker.exchange.sheets.results import SKIPPED
from dhr_tracker.model import Agency
from dhr_tracker.vocabulary import RecommendationSource, RecommendationStatus, Scope

_SPLIT_AGENCIES = re.compile(r"\s*(?:;|\n|\|)\s*")
_LEADING_NUMBER = re.compile(r"^(?:recommendation\s+)?(\d{1,3}(?:\.\d{1,3})*)[.):]\s+(?=\S)", re.IGNORECASE)


@dataclass
class RecommendationRow:
    row: Row
    reference: str
    values: dict[str, Any]
    lead: Agency | None
    supporting: list[Agency]
    source_agency: Agency | None


class RecommendationRows:
    def __init__(self, check: RowChecker, cases: CaseRows):
        self.check = check
        self.cases = cases
        self.rows: list[RecommendationRow] = []
        self.skipped = 0
        self._numbers_seen: dict[str, dict[str, int]] = {}
        self._texts_seen: dict[str, dict[tuple[str, str], int]] = {}

    def read(self, row: Row) -> None:
        reference = row.text("case_reference").upper()
        if not self.check.required(row, "case_reference", reference, "case reference"):
            return
        if reference not in self.cases.by_reference and reference not in self.check.existing_cases:
            known = list(self.check.existing_cases) + list(self.cases.by_reference)
            close = difflib.get_close_matches(reference, known, n=1, cutoff=0.8)
            hint = f"Did you mean {close[0]}? " if close else ""
            self.check.report(
                row,
                "case_reference",
                f"There is no case {reference} in the database or in the cases sheet.",
                f"{hint}Add the case first, or correct the reference.",
            )
            return
        case_id = self.check.existing_cases.get(reference)
        numbers = self._numbers_seen.setdefault(reference, {})
        text = row.text("text", multiline=True)
        if "number" in row.layout.columns:
            number = row.text("number")
            if not self.check.required(row, "number", number, "recommendation number"):
                return
        else:
            numbered = _LEADING_NUMBER.match(text)  # "1. Agencies should ..." as in the Home Office template
            if numbered:
                number, text = numbered.group(1), text[numbered.end() :].strip()
            else:
                existing = self.check.existing_numbers.get(case_id, set()) if case_id is not None else set()
                used = [int(n) for n in list(existing) + list(numbers) if n.isdigit()]
                number = str(max(used, default=0) + 1)
        key = number.casefold()
        if key in numbers:
            self.check.report(
                row,
                "number",
                f"Recommendation {number} of case {reference} is also on row {numbers[key]}.",
                "Give each recommendation of a case its own number.",
            )
            return
        numbers[key] = row.number
        if case_id is not None and key in self.check.existing_numbers.get(case_id, set()):
            self.check.report(
                row,
                "number",
                f"Case {reference} already has a recommendation {number}: this row was not imported "
                "and the recommendation was left as it is.",
                "To change it, edit it in the app.",
                SKIPPED,
            )
            self.skipped += 1
            return
        if "number" not in row.layout.columns and self._repeated(row, reference, case_id, text):
            return

        self.check.required(row, "text", text, "recommendation")
        lead_text = row.text("lead_agency")
        lead = (
            self.check.agency(row, "lead_agency", lead_text)
            if self.check.required(row, "lead_agency", lead_text, "lead agency")
            else None
        )
        supporting: list[Agency] = []
        for part in _SPLIT_AGENCIES.split(row.text("supporting_agencies", multiline=True)):
            if part.strip():
                agency = self.check.agency(row, "supporting_agencies", part.strip())
                if agency is not None and agency is not lead and agency not in supporting:
                    supporting.append(agency)
        source_agency = None
        if row.text("source_agency"):
            source_agency = self.check.agency(row, "source_agency", row.text("source_agency"))
        scope = self.check.choice(row, "scope", Scope, Scope.LOCAL)
        source = self.check.choice(
            row,
            "source",
            RecommendationSource,
            RecommendationSource.IMR if source_agency is not None else RecommendationSource.OVERVIEW_REPORT,
        )
        status = self.check.choice(row, "status", RecommendationStatus, None)
        target_on = self.check.date(row, "target_on", "The target date")
        completed_on = self.check.date(row, "completed_on", "The date of completion")
        outcome = row.text("outcome", multiline=True)
        if "completion_and_outcome" in row.layout.columns and "completion_and_outcome" not in row.bad:
            reading, rest = split_leading_date(row.values.get("completion_and_outcome"), epoch=row.sheet.epoch)
            if not reading.ok:
                self.check.report(
                    row, "completion_and_outcome", f"The date of completion: {reading.problem}", reading.suggestion
                )
            elif completed_on is None:
                completed_on = reading.value
            outcome = "\n".join(part for part in (outcome, rest) if part)
        status = self._status(row, status, completed_on)
        decided_on = self.cases.decision_on(reference)
        if target_on and decided_on and target_on < decided_on:
            self.check.report(
                row,
                "target_on",
                f"The target date {format_date(target_on)} is before the decision to review "
                f"({format_date(decided_on)}).",
                "Check the target date, and the case's decision date.",
            )
        signed_off_on = self.check.date(row, "signed_off_on", "The sign-off date")
        status_changed_on = self.check.date(row, "status_changed_on", "The date the status changed")
        for key, day, label in (
            ("completed_on", completed_on, "The date of completion"),
            ("signed_off_on", signed_off_on, "The sign-off date"),
            ("status_changed_on", status_changed_on, "The date the status changed"),
        ):
            self.check.not_future(row, key, day, label)
        evidence_seen_on = self.check.date(row, "evidence_seen_on", "The date the evidence was seen")
        self.check.not_future(row, "evidence_seen_on", evidence_seen_on, "The date the evidence was seen")
        reason = row.text("not_accepted_reason", multiline=True)
        if scope is Scope.NATIONAL and lead is not None and not lead.is_government_department:
            self.check.report(
                row,
                "lead_agency",
                f"A national recommendation goes to a government department, not to {lead.name}.",
                "Make the lead agency a government department (such as the Home Office), or correct the scope.",
            )
        if source is RecommendationSource.IMR and source_agency is None:
            source_agency = lead  # an IMR recommendation is the IMR author's own: its lead agency
        values = {
            "number": number,
            "source": source,
            "scope": scope,
            "text": text,
            "action": row.text("action", multiline=True),
            "key_milestones": row.text("key_milestones", multiline=True),
            "target_on": target_on,
            "completed_on": completed_on,
            "outcome": outcome,
            "status": status,
            "status_changed_on": status_changed_on,
            "not_accepted_reason": reason,
            "signed_off_on": signed_off_on,
            "signoff_minute_reference": row.text("signoff_minute_reference"),
            "evidence_reference": row.text("evidence_reference"),
            "evidence_seen_on": evidence_seen_on,
            "evidence_checked_by": row.text("evidence_checked_by"),
        }
        self.rows.append(RecommendationRow(row, reference, values, lead, supporting, source_agency))

    def _status(self, row: Row, status: RecommendationStatus | None, completed_on) -> RecommendationStatus:
        """The sheet's status; with none, a date of completion (the Home Office template's only sign of one) says completed."""
        done = (RecommendationStatus.COMPLETED_AWAITING_EVIDENCE, RecommendationStatus.IMPLEMENTED)
        if status is None:
            return done[0] if completed_on is not None and "status" not in row.bad else RecommendationStatus.PROPOSED
        if completed_on is not None and status not in done:
            self.check.report(
                row,
                "status",
                f"The row gives a date of completion, but the status '{status.label}'.",
                f"Make the status '{done[0].label}' (or '{done[1].label}'), or clear the date of completion.",
            )
        return status

    def _repeated(self, row: Row, reference: str, case_id: int | None, text: str) -> bool:
        """Without a number column, the wording and the lead agency tell a recommendation already recorded."""
        lead = self.check.agencies.match(row.text("lead_agency")).value
        wording = (" ".join(text.split()).casefold(), normalise_name(lead.name if lead else row.text("lead_agency")))
        if not wording[0]:
            return False
        if case_id is not None and wording in self.check.existing_texts.get(case_id, set()):
            self.check.report(
                row,
                "text",
                f"Case {reference} already has this recommendation for this lead agency: this row was not imported.",
                "Remove the row, or edit the recommendation in the app.",
                SKIPPED,
            )
            self.skipped += 1
            return True
        same = self._texts_seen.setdefault(reference, {})
        if wording in same:
            self.check.report(
                row,
                "text",
                f"Case {reference} has the same recommendation for the same lead agency on row {same[wording]}.",
                "Remove one of the rows, or number the recommendations.",
            )
            return True
        same[wording] = row.number
        return False
