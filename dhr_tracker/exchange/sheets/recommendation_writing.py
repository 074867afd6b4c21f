"""Writing the checked recommendations: each added through the action-plan service, then brought to the status
the sheet gives by the moves the app allows (`actionplan.status_rules`), each through `change_status`.

The sheet tells where a recommendation stands, rarely how it got there. A step whose date the sheet gives
(the completion date for 'completed', the sign-off date for 'implemented', the status date for the last
step) is dated so; a step it gives no date for is dated from the case's decision to review (else its
notification), the earliest the rules allow, so that no later change the coordinator records is refused
as "before the last change". The report says how many were dated that way. A signed-off recommendation
needs the evidence its sign-off rested on (reference, date seen, who checked it), as in the app.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from dhr_tracker.actionplan._common import decision_date
from dhr_tracker.actionplan.recommendations import add_recommendation, change_status
from dhr_tracker.actionplan.status_rules import path_from_proposed
from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError, ValidationError
from dhr_tracker.exchange.sheets.checks import RowChecker
from dhr_tracker.exchange.sheets.fields import FIELD_BY_KEY, SheetKind
from dhr_tracker.exchange.sheets.recommendation_rows import RecommendationRow
from dhr_tracker.exchange.sheets.results import NOTE, Problem
from dhr_tracker.learning.implementation import record_evidence
from dhr_tracker.model import Case, Recommendation
from dhr_tracker.vocabulary import RecommendationStatus

S = RecommendationStatus
_FIELDS = FIELD_BY_KEY[SheetKind.RECOMMENDATIONS]
# Where a service's refusal belongs in the sheet, for the fields whose names differ.
_COLUMN_OF_FIELD = {
    "reference": "evidence_reference",
    "seen_on": "evidence_seen_on",
    "checked_by": "evidence_checked_by",
    "evidence": "evidence_reference",
}
_EVIDENCE_KEYS = ("evidence_reference", "evidence_seen_on", "evidence_checked_by")


class _Refused(UserError):
    """A row the rules refuse, reported at its cell (caught by the writer, never shown on its own)."""

    def __init__(self, key: str, problem: str, suggestion: str):
        super().__init__(problem)
        self.key, self.problem, self.suggestion = key, problem, suggestion


def _column(key: str | None, default: str) -> str:
    key = _COLUMN_OF_FIELD.get(key or "", key)
    return key if key in _FIELDS else default


def _steps(values: dict) -> list[tuple[RecommendationStatus, dt.date | None, str]]:
    """The moves to the sheet's status, each with the date the sheet gives it (None: not given) and its column."""
    status = values["status"]
    steps: list[tuple[RecommendationStatus, dt.date | None, str]] = []
    for step in path_from_proposed(status):
        if step is S.COMPLETED_AWAITING_EVIDENCE:
            day, key = values["completed_on"], "completed_on"
            if day is None and status is step:
                day, key = values["status_changed_on"], "status_changed_on"
            if day is None:
                raise _Refused(
                    "completed_on",
                    f"A recommendation '{status.label}' needs its date of completion.",
                    "Give the date of completion, or correct the status.",
                )
        elif step is S.IMPLEMENTED:
            day, key = values["signed_off_on"] or values["status_changed_on"], "signed_off_on"
            if day is None:
                raise _Refused(
                    "signed_off_on",
                    "A signed-off recommendation needs the date of the Steering Group meeting that signed it off.",
                    "Give the sign-off date, or correct the status.",
                )
        else:
            day, key = (values["status_changed_on"], "status_changed_on") if step is status else (None, "status")
        steps.append((step, day, key))
    final_day, stated = steps[-1][1] if steps else None, values["status_changed_on"]
    reached_on_its_own_date = status in (S.COMPLETED_AWAITING_EVIDENCE, S.IMPLEMENTED)
    if reached_on_its_own_date and stated is not None and final_day is not None and stated != final_day:
        raise _Refused(
            "status_changed_on",
            f"The status date {format_date(stated)} differs from the date the status "
            f"'{status.label}' was reached ({format_date(final_day)}).",
            "For this status they are the same day: clear the status date, or correct it.",
        )
    return steps


class RecommendationWriter:
    def __init__(self, check: RowChecker):
        self.check = check
        self.undated: Counter[str] = Counter()  # sheet name -> recommendations whose status had no date
        self.notes: list[Problem] = []  # reported only when the import can go ahead

    def write(self, rows: list[RecommendationRow], created: dict[str, Case]) -> int:
        """Add each recommendation and replay its status; a refusal is reported on its row. Returns how many were added."""
        session = self.check.session
        added = 0
        cases: dict[str, Case] = dict(created)
        for item in rows:
            if self.check.row_has_error(item.row):
                continue  # already reported; the others are still written, so that their problems show too
            case = cases.get(item.reference)
            if case is None and item.reference in self.check.existing_cases:
                case = session.get(Case, self.check.existing_cases[item.reference])
                if case is not None:
                    cases[item.reference] = case
            if case is None:
                continue  # its case's row has a problem, reported there
            values = item.values
            try:
                recommendation = add_recommendation(
                    session,
                    case,
                    number=values["number"],
                    text=values["text"],
                    scope=values["scope"],
                    source=values["source"],
                    source_agency=item.source_agency,
                    lead_agency=item.lead,
                    supporting_agencies=list(item.supporting),
                    action=values["action"],
                    key_milestones=values["key_milestones"],
                    target_on=values["target_on"],
                    outcome=values["outcome"],
                )
                self._replay(recommendation, case, item)
            except ValidationError as error:
                self.check.report(
                    item.row, _column(error.field, "text"), error.message, "Correct the row in the sheet."
                )
                continue
            except _Refused as refused:
                self.check.report(item.row, refused.key, refused.problem, refused.suggestion)
                continue
            added += 1
        session.flush()
        for sheet, count in self.undated.items():
            self.notes.append(
                Problem(
                    sheet,
                    None,
                    _FIELDS["status_changed_on"].label,
                    f"{count} recommendation(s) give a status but not the date it was reached: each is recorded as reaching "
                    "it on its case's decision to review (or notification), the earliest date the rules allow.",
                    "Add a 'Status date' column to record the real dates.",
                    NOTE,
                )
            )
        return added

    def _replay(self, recommendation: Recommendation, case: Case, item: RecommendationRow) -> None:
        values = item.values
        steps = _steps(values)
        if any(values[key] for key in _EVIDENCE_KEYS):
            try:
                record_evidence(
                    self.check.session,
                    recommendation,
                    reference=values["evidence_reference"],
                    seen_on=values["evidence_seen_on"],
                    checked_by=values["evidence_checked_by"],
                    today=self.check.today,
                )
            except ValidationError as error:
                raise _Refused(
                    _column(error.field, "evidence_reference"),
                    f"The evidence: {error.message}",
                    "Give the evidence's reference, the date it was seen and who checked it.",
                ) from None
        earliest = decision_date(self.check.session, case) or case.notified_on
        day, filled_in = earliest, False
        for step, given, key in steps:
            try:
                change_status(
                    self.check.session,
                    recommendation,
                    step,
                    on=given or day,
                    reason=values["not_accepted_reason"],
                    minute_reference=values["signoff_minute_reference"],
                    today=self.check.today,
                )
            except ValidationError as error:
                column = (
                    key if error.field in ("status_changed_on", "signed_off_on") else _column(error.field, "status")
                )
                why = ""
                if error.rule == "date_before_last_change" and filled_in:
                    why = (
                        f" The sheet gives no date for that earlier step, so it was dated from the case's decision to "
                        f"review (or notification), {format_date(earliest)}; the date given comes before it."
                    )
                raise _Refused(
                    column,
                    f"It cannot be recorded as '{values['status'].label}': on the way, the move to "
                    f"'{step.label}' dated {format_date(given or day)} is refused. {error.message}{why}",
                    "Correct the row in the sheet (or import an earlier status and record the rest in the app).",
                ) from None
            day, filled_in = given or day, given is None
        if steps and steps[-1][1] is None:
            self.undated[item.row.sheet.name] += 1
