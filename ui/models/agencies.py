"""Agencies with their escalation position, their contacts, and the history of escalation steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ui.models.base import Column, RowTableModel, date_key, date_text, text_key

LEVEL_COLOURS = {0: None, 1: "#fce8b2", 2: "#f9d49b", 3: "#f4c7c3", 4: "#eaa9a3"}


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    kind: str
    outstanding: int = 0
    overdue: int = 0
    level: int | None = None
    level_label: str = ""
    action_due: str = ""
    outside_kent: bool = False


def level_text(level: int | None, label: str = "") -> str:
    if level is None:
        return ""
    return f"{level} – {label}" if label else str(level)


class AgencyModel(RowTableModel[AgencyRow]):
    NAME, LEVEL, OVERDUE, OUTSTANDING, ACTION_DUE, KIND = range(6)
    COLUMNS = (
        Column("Agency", lambda r: r.name + (" (outside Kent)" if r.outside_kent else "")),
        Column(
            "Level",
            lambda r: "" if r.level is None else str(r.level),
            sort_key=lambda r: -1 if r.level is None else r.level,
            background=lambda r: LEVEL_COLOURS.get(r.level) if r.overdue else None,
            tooltip=lambda r: level_text(r.level, r.level_label),
            align_right=True,
        ),
        Column("Late", lambda r: str(r.overdue), sort_key=lambda r: r.overdue, align_right=True),
        Column("Outstanding", lambda r: str(r.outstanding), sort_key=lambda r: r.outstanding, align_right=True),
        Column("Action due now", lambda r: r.action_due, free_text=True),
        Column("Kind", lambda r: r.kind, free_text=True),
    )


@dataclass(frozen=True)
class ContactRow:
    id: int
    level: str
    name: str
    job_title: str
    email: str
    phone: str
    level_order: int = 0


class ContactModel(RowTableModel[ContactRow]):
    LEVEL, NAME, JOB_TITLE, EMAIL, PHONE = range(5)
    COLUMNS = (
        Column("Level", lambda r: r.level, sort_key=lambda r: r.level_order),
        Column("Name", lambda r: r.name),
        Column("Job title", lambda r: r.job_title, free_text=True),
        Column("E-mail", lambda r: r.email),
        Column("Telephone", lambda r: r.phone),
    )


@dataclass(frozen=True)
class OutstandingRow:
    recommendation_id: int
    case_id: int
    case_reference: str
    pseudonym: str
    number: str
    text: str
    due_on: dt.date | None
    overdue: bool


class OutstandingModel(RowTableModel[OutstandingRow]):
    CASE, NUMBER, RECOMMENDATION, DUE = range(4)
    COLUMNS = (
        Column("Case", lambda r: f"{r.case_reference} ({r.pseudonym})", sort_key=lambda r: text_key(r.case_reference)),
        Column("No.", lambda r: r.number),
        Column("Recommendation", lambda r: r.text, free_text=True),
        Column(
            "Update due",
            lambda r: date_text(r.due_on) + (" (late)" if r.overdue else ""),
            sort_key=lambda r: date_key(r.due_on),
            background=lambda r: "#f4c7c3" if r.overdue else None,
        ),
    )


@dataclass(frozen=True)
class EscalationHistoryRow:
    id: int
    taken_on: dt.date
    level: int
    agency: str
    recipient: str
    recipient_role: str
    method: str
    note: str = ""


class EscalationHistoryModel(RowTableModel[EscalationHistoryRow]):
    TAKEN_ON, LEVEL, AGENCY, RECIPIENT, METHOD, NOTE = range(6)
    COLUMNS = (
        Column("Date", lambda r: date_text(r.taken_on), sort_key=lambda r: date_key(r.taken_on)),
        Column("Level", lambda r: str(r.level), sort_key=lambda r: r.level, align_right=True),
        Column("Agency", lambda r: r.agency),
        Column("To", lambda r: r.recipient + (f", {r.recipient_role}" if r.recipient_role else ""), free_text=True),
        Column("How", lambda r: r.method),
        Column("Note", lambda r: r.note, free_text=True),
    )
