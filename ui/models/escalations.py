"""What is due on the escalation ladder as of a day: one row per agency with late updates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ui.models.agencies import LEVEL_COLOURS, level_text
from ui.models.base import Column, RowProxyModel, RowTableModel, date_key, date_text


@dataclass(frozen=True)
class EscalationRow:
    agency_id: int
    agency: str
    level: int | None
    level_label: str
    action_due_level: int | None
    action_due: str  # what to do now, e.g. "Level 2: Agency senior manager"; "" if nothing is due
    recipient: str  # whom it goes to (a named contact when the agency has one)
    due_on: dt.date
    working_days_late: int
    references: tuple[str, ...]
    outstanding: int
    request_ids: tuple[int, ...] = ()

    @property
    def has_action_due(self) -> bool:
        return self.action_due_level is not None


class EscalationModel(RowTableModel[EscalationRow]):
    AGENCY, LEVEL, ACTION_DUE, RECIPIENT, DUE, LATE, CASES = range(7)
    COLUMNS = (
        Column("Agency", lambda r: r.agency),
        Column(
            "Level",
            lambda r: "" if r.level is None else str(r.level),
            sort_key=lambda r: -1 if r.level is None else r.level,
            background=lambda r: LEVEL_COLOURS.get(r.level),
            tooltip=lambda r: level_text(r.level, r.level_label),
            align_right=True,
        ),
        Column(
            "Action due now",
            lambda r: r.action_due or "None now: the step is taken",
            tooltip=lambda r: "\n".join(filter(None, (r.action_due, level_text(r.level, r.level_label)))),
            free_text=True,
            sort_key=lambda r: -1 if r.action_due_level is None else r.action_due_level,
        ),
        Column("To", lambda r: r.recipient, free_text=True),
        Column(
            "Update due",
            lambda r: date_text(r.due_on),
            sort_key=lambda r: date_key(r.due_on),
            header_tooltip="The day the agency's update was due",
        ),
        Column(
            "Days late",
            lambda r: str(r.working_days_late),
            sort_key=lambda r: r.working_days_late,
            align_right=True,
            header_tooltip="Working days since the update was due (weekends and bank holidays not counted)",
        ),
        Column(
            "Cases",
            lambda r: ", ".join(r.references),
            tooltip=lambda r: f"{', '.join(r.references)}: {r.outstanding} recommendation(s) outstanding",
            free_text=True,
        ),
    )


class EscalationFilterProxy(RowProxyModel):
    """Shows only agencies with an action due now, unless asked to show every late agency."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._due_only = True

    @property
    def due_only(self) -> bool:
        return self._due_only

    def set_due_only(self, due_only: bool) -> None:
        if due_only != self._due_only:
            self.change_filter(lambda: setattr(self, "_due_only", due_only))

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        return not self._due_only or self.sourceModel().row_object(source_row).has_action_due
