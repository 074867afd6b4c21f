"""The dashboard's list of what needs doing today; each item knows what it refers to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ui.models.base import Column, RowProxyModel, RowTableModel, date_key, date_text

OVERDUE, DUE_SOON, UPCOMING, WAITING = "overdue", "due", "upcoming", "waiting"
# A shape before each word, so that the state reads without colour (and in greyscale print).
URGENCY_LABELS = {OVERDUE: "▲ Overdue", DUE_SOON: "● Due soon", UPCOMING: "○ Coming up", WAITING: "◇ Waiting"}
URGENCY_COLOURS = {OVERDUE: "#f4c7c3", DUE_SOON: "#fce8b2", UPCOMING: None, WAITING: None}
URGENCY_ORDER = {OVERDUE: 0, DUE_SOON: 1, UPCOMING: 2, WAITING: 3}

# What an item is about: the screen name and what to open there (see MainWindow.open_item).
MILESTONE, UPDATE, ESCALATION, MEETING = "milestone", "update", "escalation", "meeting"
KIND_LABELS = {MILESTONE: "Deadline", UPDATE: "Late update", ESCALATION: "Escalation", MEETING: "Meeting"}


@dataclass(frozen=True)
class DashboardItem:
    kind: str  # MILESTONE, UPDATE, ESCALATION or MEETING
    due_on: dt.date | None
    urgency: str  # OVERDUE, DUE_SOON or UPCOMING
    what: str
    about: str  # a case reference and pseudonym, an agency, or a meeting
    target_screen: str  # "case", "agencies", "escalations", "meetings"
    target_id: int
    detail: str = ""
    level: int | None = None


def due_text(item: DashboardItem) -> str:
    """The date column: an overdue item says since when; a waiting one when the next step comes."""
    if item.due_on is None:
        return ""
    if item.urgency == OVERDUE:
        return "since " + date_text(item.due_on)
    if item.urgency == WAITING:
        return "until " + date_text(item.due_on)
    return date_text(item.due_on)


class DashboardModel(RowTableModel[DashboardItem]):
    URGENCY, DUE, WHAT, ABOUT, KIND = range(5)
    COLUMNS = (
        Column(
            "Status",
            lambda r: URGENCY_LABELS[r.urgency],
            sort_key=lambda r: (URGENCY_ORDER[r.urgency], date_key(r.due_on)),
            background=lambda r: URGENCY_COLOURS[r.urgency],
        ),
        Column("When", due_text, sort_key=lambda r: date_key(r.due_on)),
        Column(
            "What to do",
            lambda r: r.what,
            tooltip=lambda r: f"{r.what}\n{r.detail}" if r.detail else r.what,
            free_text=True,
        ),
        Column("About", lambda r: r.about, free_text=True),
        Column(
            "Kind",
            lambda r: KIND_LABELS[r.kind] + (f", level {r.level}" if r.level is not None else ""),
            free_text=True,
        ),
    )


class DashboardFilterProxy(RowProxyModel):
    """Shows the items of one kind, or all of them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kind = ""

    def set_kind(self, kind: str) -> None:
        if kind != self._kind:
            self.change_filter(lambda: setattr(self, "_kind", kind))

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        return not self._kind or self.sourceModel().row_object(source_row).kind == self._kind
