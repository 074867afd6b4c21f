"""The Agencies screen: each agency's contacts, outstanding items, escalation level and history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QTabWidget, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date
from dhr_tracker.escalation.service import agency_record, escalations
from dhr_tracker.reference_lists import get_agency, list_agencies
from dhr_tracker.vocabulary import ContactLevel
from ui.models.agencies import (
    AgencyModel,
    AgencyRow,
    ContactModel,
    ContactRow,
    EscalationHistoryModel,
    EscalationHistoryRow,
    OutstandingModel,
    OutstandingRow,
)
from ui.models.base import RowProxyModel
from ui.screens.base import Screen
from ui.screens.forms import alive, fit_columns, make_table, selected_object

if TYPE_CHECKING:
    from ui.context import AppContext

LEVEL_ORDER = {level: position for position, level in enumerate(ContactLevel)}


class AgencyFilterProxy(RowProxyModel):
    """Filters agencies by typed words against the name and kind."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: tuple[str, ...] = ()

    def set_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self.change_filter(lambda: setattr(self, "_words", words))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self._words:
            return True
        row = self.sourceModel().row_object(source_row)
        haystack = f"{row.name} {row.kind}".casefold()
        return all(word in haystack for word in self._words)


def load_agency_rows(session, today: dt.date) -> list[AgencyRow]:  # noqa: ANN001 - a Session
    positions = {p.agency_id: p for p in escalations(session, today)}
    rows = []
    for agency in list_agencies(session):
        position = positions.get(agency.id)
        level = position.level if position else None
        due = position.action_due if position else None
        rows.append(
            AgencyRow(
                agency.id,
                agency.name,
                agency.kind.label,
                outstanding=len(position.outstanding) if position else 0,
                overdue=len(position.overdue) if position else 0,
                level=level.level if level else None,
                level_label=level.label if level else "",
                action_due=due.instruction if due else "",
                outside_kent=agency.outside_kent,
            )
        )
    return rows


@dataclass(frozen=True)
class AgencyDetail:
    id: int
    name: str
    contacts: list[ContactRow]
    outstanding: list[OutstandingRow]
    history: list[EscalationHistoryRow]
    summary: str
    timeliness: str


def load_agency_detail(session, agency_id: int, today: dt.date) -> AgencyDetail:  # noqa: ANN001 - a Session
    agency = get_agency(session, agency_id)
    record = agency_record(session, agency, today)
    contacts = [
        ContactRow(c.id, c.level.label, c.name, c.job_title, c.email, c.phone, LEVEL_ORDER[c.level])
        for c in agency.contacts
    ]
    overdue_ids = {item.recommendation_id for item in record.overdue}
    due_by_item = {}
    if record.position is not None:
        for position in record.position.requests:
            for item in position.outstanding:
                due_by_item.setdefault(item.recommendation_id, position.request.due_on)
    outstanding = [
        OutstandingRow(
            item.recommendation_id,
            0,
            item.case_reference,
            item.pseudonym,
            item.number,
            item.text,
            due_by_item.get(item.recommendation_id),
            item.recommendation_id in overdue_ids,
        )
        for item in record.outstanding
    ]
    history = [
        EscalationHistoryRow(
            index,
            entry.taken_on,
            entry.level,
            agency.name,
            entry.recipient,
            entry.recipient_role,
            entry.method.label,
            entry.note + (f" (update received {format_date(entry.received_on)})" if entry.received_on else ""),
        )
        for index, entry in enumerate(record.history)
    ]
    level = record.level
    summary = f"{len(outstanding)} outstanding, {len(overdue_ids)} late" + (
        f"; escalation level {level.level} ({level.label})" if level else "; not escalated"
    )
    rounds = [
        f"{format_date(r.meeting_on)}: {r.on_time} of {r.items} on time ({r.share_on_time:.0%})" for r in record.rounds
    ]
    return AgencyDetail(
        agency.id,
        agency.name,
        contacts,
        outstanding,
        history,
        summary,
        "Updates on time, by round: " + ("; ".join(rounds) if rounds else "no rounds yet"),
    )


class AgenciesScreen(Screen):
    key = "agencies"
    title = "Agencies"
    icon_name = "agencies"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = AgencyModel(parent=self)
        self.proxy = AgencyFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.detail: AgencyDetail | None = None
        self._wanted: int | None = None
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("agency_filter")
        self.filter_box.setAccessibleName("Filter agencies")
        self.filter_box.setPlaceholderText("Filter agencies (Ctrl+F)")
        self.filter_box.textChanged.connect(self.proxy.set_text)
        self.table = make_table(
            self.proxy, "Agencies", self, stretch_column=AgencyModel.KIND, empty_text="No agency matches the filter."
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.name_label = QLabel("", self)
        self.name_label.setObjectName("agency_name")
        self.summary = QLabel("Select an agency.", self)
        self.summary.setObjectName("agency_summary")
        self.summary.setWordWrap(True)
        self.timeliness = QLabel("", self)
        self.timeliness.setWordWrap(True)
        self.contact_model = ContactModel(parent=self)
        self.outstanding_model = OutstandingModel(parent=self)
        self.history_model = EscalationHistoryModel(parent=self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("About the agency")
        self.tabs.tabBar().setAccessibleName("About the agency: parts")
        for model, label, stretch in (
            (self.outstanding_model, "&Outstanding", OutstandingModel.RECOMMENDATION),
            (self.history_model, "Escalation &history", EscalationHistoryModel.NOTE),
            (self.contact_model, "&Contacts", ContactModel.EMAIL),
        ):
            proxy = RowProxyModel(self)
            proxy.setSourceModel(model)
            self.tabs.addTab(make_table(proxy, label.replace("&", ""), self, stretch_column=stretch), label)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.name_label)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.timeliness)
        right_layout.addWidget(self.tabs, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_box)
        left_layout.addWidget(self.table)
        # One above the other: both tables get the full width, so no column needs a horizontal scroll at 1280×720.
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Agencies</h2>", self))
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        today = self.context.today()
        self.context.tasks.run(
            lambda session: load_agency_rows(session, today),
            on_done=alive(self, self._loaded),
            title="Could not load the agencies",
        )

    def clear(self) -> None:
        self.detail = None
        for model in (self.model, self.contact_model, self.outstanding_model, self.history_model):
            model.clear()
        self.filter_box.clear()
        self.name_label.clear()
        self.summary.setText("Select an agency.")
        self.timeliness.clear()

    def find(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def open_item(self, item: Any) -> None:
        if isinstance(item, int):
            self._wanted = item
            self._select(item)

    def _loaded(self, rows: list[AgencyRow]) -> None:
        selected = selected_object(self.table)
        self.model.set_rows(rows)
        self.table.sortByColumn(AgencyModel.LEVEL, Qt.SortOrder.DescendingOrder)
        fit_columns(self.table)
        wanted = self._wanted or (selected.id if selected else None)
        if wanted is not None:
            self._select(wanted)
        elif self.proxy.rowCount():
            self.table.selectRow(0)

    def _select(self, agency_id: int) -> None:
        self.filter_box.clear()
        for row in range(self.proxy.rowCount()):
            if self.proxy.object_at(row).id == agency_id:
                self.table.selectRow(row)
                self._wanted = None
                return

    def _selection_changed(self, *args) -> None:
        row = selected_object(self.table)
        if row is None:
            return
        today = self.context.today()
        self.context.tasks.run(
            lambda session: load_agency_detail(session, row.id, today), on_done=alive(self, self._show_detail)
        )

    def _show_detail(self, detail: AgencyDetail) -> None:
        current = selected_object(self.table)
        if current is None or current.id != detail.id:
            return
        self.detail = detail
        self.name_label.setText(f"<h3>{detail.name}</h3>")
        self.summary.setText(detail.summary)
        self.timeliness.setText(detail.timeliness)
        self.contact_model.set_rows(detail.contacts)
        self.outstanding_model.set_rows(detail.outstanding)
        self.history_model.set_rows(detail.history)
        for index in range(self.tabs.count()):
            fit_columns(self.tabs.widget(index))
