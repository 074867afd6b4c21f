"""The Escalations screen: what is due on the ladder as of today; record the action; produce the letters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date
from dhr_tracker.escalation.service import escalations, recipient_for, record_due_actions
from dhr_tracker.reference_lists import get_agency
from dhr_tracker.reports.letters import letter_text, letters_due, write_letters
from dhr_tracker.settings import PROTECTIVE_MARKING, Settings
from dhr_tracker.vocabulary import ContactMethod
from ui.models.escalations import EscalationFilterProxy, EscalationModel, EscalationRow
from ui.screens.base import Screen
from ui.screens.dashboard import plural
from ui.screens.forms import alive, fit_columns, make_table, selected_object
from ui.screens.service_dialog import CHOICE, DATE, FieldSpec, ServiceDialog

if TYPE_CHECKING:
    from ui.context import AppContext


def load_escalation_rows(session, today: dt.date) -> list[EscalationRow]:  # noqa: ANN001 - a Session
    rows = []
    for position in escalations(session, today):
        if not position.overdue and position.action_due is None:
            continue  # asked, not yet due: nothing to escalate
        level, due = position.level, position.action_due
        recipient = ""
        if due is not None:
            recipient = recipient_for(get_agency(session, position.agency_id), due.recipient)[0]
        rows.append(
            EscalationRow(
                agency_id=position.agency_id,
                agency=position.agency_name,
                level=level.level if level else None,
                level_label=level.label if level else "",
                action_due_level=due.level if due else None,
                action_due=due.instruction if due else "",
                recipient=recipient,
                due_on=position.due_on,
                working_days_late=position.working_days_late,
                references=tuple(sorted({item.case_reference for item in position.outstanding})),
                outstanding=len(position.outstanding),
                request_ids=tuple(p.request.request_id for p in position.requests),
            )
        )
    return rows


def letter_text_for(session, agency_id: int, today: dt.date) -> str | None:  # noqa: ANN001 - a Session
    marking = Settings(session).get(PROTECTIVE_MARKING)
    letter = next((letter for letter in letters_due(session, today) if letter.agency_id == agency_id), None)
    return letter_text(letter, marking) if letter else None


class EscalationsScreen(Screen):
    key = "escalations"
    title = "Escalations"
    icon_name = "escalations"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = EscalationModel(parent=self)
        self.proxy = EscalationFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.dialog: ServiceDialog | None = None
        self.letters_written: list = []
        self.note = ""  # what was last done here, kept under the table across reloads
        self.heading = QLabel("<h2>Escalations</h2>", self)
        self.explanation = QLabel(
            "Agencies whose updates are late, where they stand on the escalation ladder, and the action due today. "
            "Record an action once it is taken: the history is kept even after the update arrives.",
            self,
        )
        self.explanation.setWordWrap(True)
        self.due_only = QCheckBox("Show only agencies with an action &due now", self)
        self.due_only.setObjectName("due_only")
        self.due_only.setChecked(True)
        self.due_only.toggled.connect(self.proxy.set_due_only)
        self.table = make_table(
            self.proxy,
            "Escalations due",
            self,
            stretch_column=EscalationModel.CASES,
            empty_text="No escalation step is due today. Untick the box to see every late agency.",
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.record_button = self._button("&Record the action taken…", "record_action", self.record_action)
        self.letters_button = self._button("Produce the &letters…", "produce_letters", self.produce_letters)
        self.copy_button = self._button("&Copy letter text", "copy_letter", self.copy_letter)
        self.agency_button = self._button("Open &agency", "open_agency", self.open_agency)
        self.status = QLabel("", self)
        self.status.setObjectName("escalations_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for widget in (self.record_button, self.letters_button, self.copy_button, self.agency_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.due_only)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._selection_changed()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        widget = QPushButton(text, self)
        widget.setObjectName(name)
        widget.clicked.connect(slot)
        return widget

    # --- Screen interface ------------------------------------------------------------------------------
    def refresh(self) -> None:
        today = self.context.today()
        self.heading.setText(f"<h2>Escalations as of {format_date(today)}</h2>")
        self.context.tasks.run(
            lambda session: load_escalation_rows(session, today),
            on_done=alive(self, self._loaded),
            title="Could not work out the escalations",
        )

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.model.clear()
        self.status.clear()
        self.note = ""

    def find(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_item(self, item: Any) -> None:
        """`item` is an agency id: select its row (showing every late agency if need be)."""
        self._wanted = item
        self._select(item)

    def rows(self) -> list[EscalationRow]:
        return [self.proxy.object_at(row) for row in range(self.proxy.rowCount())]

    # --- internals -------------------------------------------------------------------------------------
    def _loaded(self, rows: list[EscalationRow]) -> None:
        self.model.set_rows(rows)
        self.table.sortByColumn(EscalationModel.LEVEL, Qt.SortOrder.DescendingOrder)
        fit_columns(self.table, maximum=380)
        due = sum(1 for row in rows if row.has_action_due)
        self.status.setText(
            f"{plural(due, 'agency', 'agencies')} with an action due today; "
            f"{plural(len(rows), 'agency', 'agencies')} late in all." + (f" {self.note}" if self.note else "")
        )
        if getattr(self, "_wanted", None) is not None:
            self._select(self._wanted)
        self._selection_changed()

    def _select(self, agency_id: int) -> None:
        for _ in range(2):
            for row in range(self.proxy.rowCount()):
                if self.proxy.object_at(row).agency_id == agency_id:
                    self.table.selectRow(row)
                    self._wanted = None
                    return
            if self.due_only.isChecked() and any(r.agency_id == agency_id for r in self.model.rows()):
                self.due_only.setChecked(False)
            else:
                return

    def selected(self) -> EscalationRow | None:
        return selected_object(self.table)

    def _selection_changed(self, *args) -> None:
        row = self.selected()
        self.record_button.setEnabled(row is not None and row.has_action_due)
        self.copy_button.setEnabled(row is not None and row.has_action_due)
        self.agency_button.setEnabled(row is not None)
        self.letters_button.setEnabled(any(r.has_action_due for r in self.model.rows()))

    def record_action(self) -> None:
        row = self.selected()
        if row is None or not row.has_action_due:
            return
        today, agency_id = self.context.today(), row.agency_id
        dialog = ServiceDialog(
            self.context,
            f"Record the action: {row.agency}",
            [
                FieldSpec("method", "&How:", CHOICE, choices=[(m.label, m) for m in ContactMethod]),
                FieldSpec("taken_on", "&Taken on:", DATE, default=today),
            ],
            lambda session, v: len(
                record_due_actions(session, v["taken_on"], agency_ids={agency_id}, method=v["method"], today=today)
            ),
            intro=f"{row.action_due} ({row.recipient}). Recorded for each late request of {row.agency}.",
            save_label="&Record",
            source=self,
            parent=self,
        )
        dialog.saved.connect(
            lambda count: (
                setattr(self, "note", f"Recorded {plural(count, 'action')} for {row.agency}."),
                self.refresh(),
            )
        )
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def produce_letters(self) -> None:
        folder = self.context.prompter.choose_folder("Choose a folder for the letters")
        if folder is None:
            return
        today = self.context.today()
        self.context.tasks.run(
            lambda session: write_letters(session, today, folder),
            on_done=alive(self, self._letters_written),
            progress="Producing the letters…",
            title="Could not produce the letters",
        )

    def _letters_written(self, paths) -> None:
        self.letters_written = list(paths)
        letters = len([p for p in paths if str(p).endswith(".pdf")])
        self.note = f"{plural(letters, 'letter')} written to {paths[0].parent if paths else 'the folder'}, as PDF and plain text."
        self.refresh()
        self.context.prompter.information(
            "Letters produced",
            f"{plural(letters, 'letter')} written as PDF and as plain text for secure e-mail. "
            "Record each action here once the letter has gone.",
        )

    def copy_letter(self) -> None:
        row = self.selected()
        if row is None:
            return
        today, agency_id = self.context.today(), row.agency_id
        self.context.tasks.run(
            lambda session: letter_text_for(session, agency_id, today), on_done=alive(self, self._copy)
        )

    def _copy(self, text: str | None) -> None:
        if text and self.context.clipboard.copy(text):
            self.note = "The letter text is on the clipboard; it will be cleared shortly."
            self.refresh()

    def open_agency(self) -> None:
        row = self.selected()
        if row is not None:
            self.context.open_screen("agencies", row.agency_id)
