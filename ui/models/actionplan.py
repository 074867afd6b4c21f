"""The action plan of a case (one row per recommendation) and the progress updates of one recommendation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ui.models.base import Column, RowTableModel, date_key, date_text


@dataclass(frozen=True)
class RecommendationRow:
    id: int
    number: str
    text: str
    scope: str
    lead_agency: str
    status: str
    status_open: bool
    target_on: dt.date | None
    completed_on: dt.date | None
    action: str = ""
    last_update_on: dt.date | None = None
    status_value: str = ""  # the RecommendationStatus value


def number_key(number: str) -> tuple:
    """Natural order: 2 before 10, 3.1 before 3.2."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))


class RecommendationModel(RowTableModel[RecommendationRow]):
    NUMBER, RECOMMENDATION, SCOPE, LEAD_AGENCY, STATUS, TARGET, LAST_UPDATE = range(7)
    COLUMNS = (
        Column("No.", lambda r: r.number, sort_key=lambda r: number_key(r.number)),
        Column(
            "Recommendation",
            lambda r: r.text,
            tooltip=lambda r: r.text + (f"\nAction: {r.action}" if r.action else ""),
            free_text=True,
        ),
        Column("Scope", lambda r: r.scope),
        Column("Lead agency", lambda r: r.lead_agency),
        Column("Status", lambda r: r.status),
        Column("Target date", lambda r: date_text(r.target_on), sort_key=lambda r: date_key(r.target_on)),
        Column("Last update", lambda r: date_text(r.last_update_on), sort_key=lambda r: date_key(r.last_update_on)),
    )


@dataclass(frozen=True)
class UpdateRow:
    id: int
    received_on: dt.date
    contact_name: str
    text: str
    evidence_reference: str
    corrects: str = ""  # "Corrects the update of dd/mm/yyyy" when it is a correction
    superseded: bool = False


class UpdateModel(RowTableModel[UpdateRow]):
    RECEIVED, FROM, UPDATE, EVIDENCE = range(4)
    COLUMNS = (
        Column("Received", lambda r: date_text(r.received_on), sort_key=lambda r: date_key(r.received_on)),
        Column("From", lambda r: r.contact_name),
        Column(
            "Update",
            lambda r: (
                r.text + (f" [{r.corrects}]" if r.corrects else "") + (" [corrected later]" if r.superseded else "")
            ),
            free_text=True,
        ),
        Column("Evidence", lambda r: r.evidence_reference, free_text=True),
    )
