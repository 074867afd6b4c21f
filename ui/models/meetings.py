"""Meetings, their attendees, and the register of numbered briefing copies (ticked when returned)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from ui.models.base import Column, RowTableModel, date_key, date_text


@dataclass(frozen=True)
class MeetingRow:
    id: int
    kind: str
    held_on: dt.date
    agenda_item: str
    title: str
    location: str
    attendees: int
    copies: int
    copies_returned: int


class MeetingModel(RowTableModel[MeetingRow]):
    DATE, KIND, ITEM, TITLE, ATTENDEES, COPIES = range(6)
    COLUMNS = (
        Column("Date", lambda r: date_text(r.held_on), sort_key=lambda r: date_key(r.held_on)),
        Column("Meeting", lambda r: r.kind),
        Column("Item", lambda r: r.agenda_item),
        Column("Title", lambda r: r.title, free_text=True),
        Column("Attendees", lambda r: str(r.attendees), sort_key=lambda r: r.attendees, align_right=True),
        Column(
            "Copies returned",
            lambda r: f"{r.copies_returned} of {r.copies}" if r.copies else "No copies yet",
            sort_key=lambda r: (r.copies - r.copies_returned, r.copies),
        ),
    )


@dataclass(frozen=True)
class AttendeeRow:
    id: int
    position: int
    name: str
    organisation: str


class AttendeeModel(RowTableModel[AttendeeRow]):
    POSITION, NAME, ORGANISATION = range(3)
    COLUMNS = (
        Column("#", lambda r: str(r.position), sort_key=lambda r: r.position, align_right=True),
        Column("Name", lambda r: r.name),
        Column("Organisation", lambda r: r.organisation, free_text=True),
    )


@dataclass(frozen=True)
class BriefingCopyRow:
    id: int
    edition: int
    copy_number: int
    total_copies: int
    recipient_name: str
    recipient_organisation: str
    produced_at: dt.datetime | None
    returned_on: dt.date | None


class BriefingCopyModel(RowTableModel[BriefingCopyRow]):
    """The copy register. The Returned column is a check box; ticking it asks (via `return_toggled`)
    for the change, which the screen makes through the core and then reloads: the model never
    pretends a change was saved."""

    COPY, RECIPIENT, ORGANISATION, EDITION, RETURNED = range(5)
    COLUMNS = (
        Column("Copy", lambda r: f"{r.copy_number} of {r.total_copies}", sort_key=lambda r: (r.edition, r.copy_number)),
        Column("Recipient", lambda r: r.recipient_name),
        Column("Organisation", lambda r: r.recipient_organisation, free_text=True),
        Column("Edition", lambda r: str(r.edition), sort_key=lambda r: r.edition, align_right=True),
        Column(
            "Returned",
            lambda r: date_text(r.returned_on) if r.returned_on else "Not returned",
            sort_key=lambda r: date_key(r.returned_on),
        ),
    )

    return_toggled = Signal(int, bool)  # copy id, returned

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == self.RETURNED:
            returned = self.row_object(index.row()).returned_on is not None
            return Qt.CheckState.Checked if returned else Qt.CheckState.Unchecked
        return super().data(index, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.RETURNED:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != self.RETURNED:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.return_toggled.emit(self.row_object(index.row()).id, checked)
        return False  # nothing changes here until the core has recorded it and the register reloads
