"""The tabs of the case screen, each a small widget over its table model(s) and its buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.actionplan import RecommendationModel, UpdateModel
from ui.models.base import RowProxyModel
from ui.models.case_detail import AuditModel, PauseModel, ProcessModel, QARoundModel, TimelineModel
from ui.screens.forms import fit_columns, make_table, selected_object


def button(text: str, name: str, slot: Callable[[], None], parent: QWidget, tip: str = "") -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    widget.clicked.connect(slot)
    return widget


def sorted_table(model, name: str, parent: QWidget, stretch: int | None = None) -> QTableView:
    proxy = RowProxyModel(parent)
    proxy.setSourceModel(model)
    return make_table(proxy, name, parent, stretch_column=stretch)


class ButtonRow(QHBoxLayout):
    def __init__(self, *buttons: QPushButton):
        super().__init__()
        for widget in buttons:
            self.addWidget(widget)
        self.addStretch(1)


class TimelineTab(QWidget):
    def __init__(self, record_event, record_decision, close, reopen, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Timeline")
        self.model = TimelineModel(parent=self)
        self.table = sorted_table(self.model, "Timeline", self, stretch=TimelineModel.DETAIL)
        self.decision_button = button("Record the &decision…", "record_decision", record_decision, self)
        self.event_button = button(
            "Record an &event…",
            "record_event",
            record_event,
            self,
            "Chair appointed, Terms of Reference, IMRs, panel meetings, sign-off…",
        )
        self.close_button = button("C&lose case…", "close_case", close, self)
        self.reopen_button = button("Re-&open case…", "reopen_case", reopen, self)
        layout = QVBoxLayout(self)
        layout.addLayout(ButtonRow(self.decision_button, self.event_button, self.close_button, self.reopen_button))
        layout.addWidget(self.table)

    def show_rows(self, rows, *, closed: bool = False, decided: bool = False) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table, maximum=480)
        self.decision_button.setEnabled(not closed)  # a second decision is refused by the core unless re-opened
        self.event_button.setEnabled(not closed)
        self.close_button.setEnabled(not closed)
        self.reopen_button.setEnabled(closed)


class QATab(QWidget):
    def __init__(self, submit, feedback, revisions, publish, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Home Office QA")
        self.model = QARoundModel(parent=self)
        self.table = sorted_table(self.model, "Home Office QA rounds", self, stretch=QARoundModel.OUTCOME)
        self.submit_button = button("&Submit to the Home Office…", "qa_submit", submit, self)
        self.feedback_button = button(
            "Record &feedback…", "qa_feedback", feedback, self, "The panel's letter and outcome for the latest round"
        )
        self.revisions_button = button("&Revisions made…", "qa_revisions", revisions, self)
        self.publish_button = button("Record &publication…", "publish", publish, self)
        layout = QVBoxLayout(self)
        layout.addLayout(
            ButtonRow(self.submit_button, self.feedback_button, self.revisions_button, self.publish_button)
        )
        layout.addWidget(self.table)

    def show_rows(self, rows) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)


class ProcessesTab(QWidget):
    def __init__(self, add_process, change_process, pause, end_pause, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Parallel processes and pauses")
        self.process_model = ProcessModel(parent=self)
        self.pause_model = PauseModel(parent=self)
        self.process_table = sorted_table(self.process_model, "Parallel processes", self, stretch=ProcessModel.NOTE)
        self.pause_table = sorted_table(self.pause_model, "Pauses", self, stretch=PauseModel.REASON)
        layout = QVBoxLayout(self)
        self.change_process_button = button(
            "&Update the process…",
            "change_process",
            change_process,
            self,
            "Change the selected process's status and dates",
        )
        layout.addLayout(
            ButtonRow(button("&Add a parallel process…", "add_process", add_process, self), self.change_process_button)
        )
        layout.addWidget(self.process_table)
        layout.addWidget(QLabel("<b>Pauses</b> – each extends the deadlines it covers", self))
        layout.addLayout(
            ButtonRow(
                button("&Pause the review…", "start_pause", pause, self),
                button("&End the pause…", "end_pause", end_pause, self),
            )
        )
        layout.addWidget(self.pause_table)

    def selected_process(self):
        return selected_object(self.process_table)

    def show_rows(self, processes, pauses) -> None:
        self.process_model.set_rows(processes)
        self.pause_model.set_rows(pauses)
        fit_columns(self.process_table)
        fit_columns(self.pause_table)


class ActionPlanTab(QWidget):
    """The recommendations, and below them the updates of the one selected."""

    def __init__(
        self, add_recommendation, edit_recommendation, change_status, add_update, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setAccessibleName("Action plan")
        self.model = RecommendationModel(parent=self)
        self.update_model = UpdateModel(parent=self)
        self.updates: dict[int, list] = {}
        self.table = sorted_table(self.model, "Recommendations", self, stretch=RecommendationModel.RECOMMENDATION)
        self.update_table = sorted_table(self.update_model, "Progress updates", self, stretch=UpdateModel.UPDATE)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.add_button = button("&Add a recommendation…", "add_recommendation", add_recommendation, self)
        self.edit_button = button("&Edit…", "edit_recommendation", edit_recommendation, self)
        self.status_button = button("Change &status…", "change_status", change_status, self)
        self.update_button = button("Record an &update…", "add_update", add_update, self)
        self.updates_label = QLabel("Select a recommendation to see its updates.", self)
        layout = QVBoxLayout(self)
        layout.addLayout(ButtonRow(self.add_button, self.edit_button, self.status_button, self.update_button))
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.updates_label)
        lower_layout.addWidget(self.update_table)
        splitter.addWidget(lower)
        layout.addWidget(splitter)
        self._selection_changed()

    def show_rows(self, recommendations, updates) -> None:
        selected = self.selected()
        self.updates = updates
        self.model.set_rows(recommendations)
        self.table.model().sort(RecommendationModel.NUMBER, Qt.SortOrder.AscendingOrder)
        fit_columns(self.table, maximum=420)
        if selected is not None:
            self.select(selected.id)
        elif recommendations:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self):
        return selected_object(self.table)

    def select(self, rec_id: int) -> None:
        proxy = self.table.model()
        for row in range(proxy.rowCount()):
            if proxy.object_at(row).id == rec_id:
                self.table.selectRow(row)
                return

    def _selection_changed(self, *args) -> None:
        rec = self.selected()
        for widget in (self.edit_button, self.status_button, self.update_button):
            widget.setEnabled(rec is not None)
        if rec is None:
            self.update_model.clear()
            self.updates_label.setText("Select a recommendation to see its updates.")
            return
        rows = self.updates.get(rec.id, [])
        self.update_model.set_rows(rows)
        self.updates_label.setText(f"<b>Updates on recommendation {rec.number}</b> ({len(rows)})")
        fit_columns(self.update_table, maximum=420)


class AuditTab(QWidget):
    """Every create, change and delete on the case, newest first, from the hash-chained audit trail."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Audit trail")
        self.model = AuditModel(parent=self)
        self.table = sorted_table(self.model, "Audit trail", self, stretch=AuditModel.CHANGES)
        self.table.sortByColumn(AuditModel.WHEN, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Who changed what, and when. Real names are never written to the trail.", self))
        layout.addWidget(self.table)

    def show_rows(self, rows) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table, maximum=360)


class NotesTab(QWidget):
    save_requested = Signal()

    def __init__(self, save, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Notes")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("case_notes")
        self.editor.setAccessibleName("Case notes")
        self.editor.setTabChangesFocus(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #a4262c;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Notes are kept in the encrypted database and never printed in reports.", self))
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addLayout(ButtonRow(button("&Save notes", "save_notes", save, self)))
