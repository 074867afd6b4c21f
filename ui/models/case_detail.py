"""Tables of one case's life: its timeline, Home Office QA rounds, parallel processes and pauses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ui.models.base import Column, RowTableModel, date_key, date_text


@dataclass(frozen=True)
class TimelineRow:
    on: dt.date
    event: str
    detail: str = ""
    kind: str = ""  # "milestone", "qa", "pause", "process", "publication"...


class TimelineModel(RowTableModel[TimelineRow]):
    DATE, EVENT, DETAIL = range(3)
    COLUMNS = (
        Column("Date", lambda r: date_text(r.on), sort_key=lambda r: date_key(r.on)),
        Column("Event", lambda r: r.event),
        Column("Detail", lambda r: r.detail, free_text=True),
    )


@dataclass(frozen=True)
class QARoundRow:
    id: int
    round_number: int
    submitted_on: dt.date
    panel_on: dt.date | None
    feedback_letter_on: dt.date | None
    feedback_reference: str
    outcome: str
    revisions_listed: str
    revisions_made_on: dt.date | None


class QARoundModel(RowTableModel[QARoundRow]):
    ROUND, SUBMITTED, PANEL, LETTER, REFERENCE, OUTCOME, REVISIONS_MADE = range(7)
    COLUMNS = (
        Column("Round", lambda r: str(r.round_number), sort_key=lambda r: r.round_number, align_right=True),
        Column("Submitted", lambda r: date_text(r.submitted_on), sort_key=lambda r: date_key(r.submitted_on)),
        Column("Panel", lambda r: date_text(r.panel_on), sort_key=lambda r: date_key(r.panel_on)),
        Column(
            "Feedback letter",
            lambda r: date_text(r.feedback_letter_on),
            sort_key=lambda r: date_key(r.feedback_letter_on),
        ),
        Column("Letter reference", lambda r: r.feedback_reference),
        Column(
            "Outcome",
            lambda r: r.outcome or "Awaiting outcome",
            tooltip=lambda r: r.revisions_listed or r.outcome,
            free_text=True,
        ),
        Column(
            "Revisions made", lambda r: date_text(r.revisions_made_on), sort_key=lambda r: date_key(r.revisions_made_on)
        ),
    )


@dataclass(frozen=True)
class ProcessRow:
    id: int
    kind: str
    status: str
    started_on: dt.date | None
    expected_end_on: dt.date | None
    concluded_on: dt.date | None
    note: str


class ProcessModel(RowTableModel[ProcessRow]):
    KIND, STATUS, STARTED, EXPECTED_END, CONCLUDED, NOTE = range(6)
    COLUMNS = (
        Column("Process", lambda r: r.kind),
        Column("Status", lambda r: r.status),
        Column("Started", lambda r: date_text(r.started_on), sort_key=lambda r: date_key(r.started_on)),
        Column("Expected end", lambda r: date_text(r.expected_end_on), sort_key=lambda r: date_key(r.expected_end_on)),
        Column("Concluded", lambda r: date_text(r.concluded_on), sort_key=lambda r: date_key(r.concluded_on)),
        Column("Note", lambda r: r.note, free_text=True),
    )


@dataclass(frozen=True)
class PauseRow:
    id: int
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    home_office_told_on: dt.date | None
    process: str = ""


class PauseModel(RowTableModel[PauseRow]):
    REASON, STARTS, ENDS, HOME_OFFICE_TOLD = range(4)
    COLUMNS = (
        Column("Reason", lambda r: r.reason + (f" ({r.process})" if r.process else "")),
        Column("From", lambda r: date_text(r.starts_on), sort_key=lambda r: date_key(r.starts_on)),
        Column("Until", lambda r: date_text(r.ends_on) or "Still paused", sort_key=lambda r: date_key(r.ends_on)),
        Column(
            "Home Office told",
            lambda r: date_text(r.home_office_told_on) or "Not yet",
            sort_key=lambda r: date_key(r.home_office_told_on),
        ),
    )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    when: str  # UK local time, dd/mm/yyyy hh:mm
    who: str
    what: str
    changes: str


class AuditModel(RowTableModel[AuditRow]):
    WHEN, WHO, WHAT, CHANGES = range(4)
    COLUMNS = (
        Column("When", lambda r: r.when, sort_key=lambda r: r.id),
        Column("Who", lambda r: r.who),
        Column("What", lambda r: r.what, free_text=True),
        Column("Changes", lambda r: r.changes, tooltip=lambda r: r.changes, free_text=True),
    )


# A shape with each state, so that it reads without colour.
DEADLINE_SHAPES = {"Overdue": "▲", "Due": "●", "Met": "✓", "Paused": "‖"}


def deadline_detail(line) -> str:  # noqa: ANN001 - a loaders.DeadlineLine
    """The detail beside the status: "met 18/06/2024, 15 days late" reads "on 18/06/2024, 15 days late" after "Met"."""
    detail = line.detail
    if line.status == "Met" and detail.startswith("met "):
        return "on " + detail[4:]
    return detail


class DeadlineModel(RowTableModel):
    """The case's deadlines, one row each (rows are loaders.DeadlineLine)."""

    DEADLINE, DUE, STATUS, DETAIL = range(4)
    COLUMNS = (
        Column("Deadline", lambda r: r.label, free_text=True),
        Column("Due", lambda r: date_text(r.due), sort_key=lambda r: date_key(r.due)),
        Column(
            "Status",
            lambda r: f"{DEADLINE_SHAPES.get(r.status, '')} {r.status}".strip(),
            background=lambda r: {"Overdue": "#f4c7c3", "Met": "#cde8d3"}.get(r.status),
        ),
        Column("Detail", deadline_detail, free_text=True),
    )
