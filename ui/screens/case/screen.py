"""The Case screen: the overview form (validated by the core, nothing half-saved), and a tab for each part of a review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.casework.cases import get_case, update_case
from dhr_tracker.casework.records import case_form_values
from dhr_tracker.storage.versions import refuse_if_changed_since
from dhr_tracker.vocabulary import RecommendationStatus, Stage
from ui.models.base import RAG_COLOURS, rag_text
from ui.models.case_detail import DeadlineModel
from ui.models.loaders import CaseDetail, load_case_detail
from ui.screens.base import Screen
from ui.screens.case import actions
from ui.screens.case.learning_tab import LearningTab
from ui.screens.case.tabs import ActionPlanTab, AuditTab, NotesTab, ProcessesTab, QATab, TimelineTab, button
from ui.screens.case_form import CaseForm, check_form
from ui.screens.forms import alive, fit_columns, make_table
from ui.security.lock import CANCEL, DISCARD, SAVE
from ui.tasks import message_for

if TYPE_CHECKING:
    from ui.context import AppContext


def _save_case(session, case_id: int, values: dict[str, Any], today, opened: CaseDetail | None = None) -> int:  # noqa: ANN001
    case = get_case(session, case_id)
    if opened is not None and opened.id == case_id:  # a colleague may have saved it meanwhile
        refuse_if_changed_since(session, case, opened.row_version, opened.values, case_form_values(case))
    update_case(session, case, today=today, **values)
    return case_id


class CaseScreen(Screen):
    key = "case"
    title = "Case"
    icon_name = "case"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.case_id: int | None = None
        self.detail: CaseDetail | None = None
        self._opened: CaseDetail | None = None
        self.dialog: QDialog | None = None
        self._clean: dict[str, str] = {}
        self._clean_notes = ""
        self.loads = 0  # how many loads have finished (tests wait on it)

        self.pages = QStackedWidget(self)
        self.empty = QLabel(
            "No case is open. Choose one on the Cases screen (Ctrl+2), or press Ctrl+N for a new case.", self
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages.addWidget(self.empty)

        body = QWidget(self)
        self.heading = QLabel("", body)
        self.heading.setObjectName("case_heading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rag_label = QLabel("", body)
        self.rag_label.setObjectName("case_rag")
        self.rag_label.setWordWrap(True)
        self.deadline_model = DeadlineModel(parent=self)
        self.deadlines_table = make_table(
            self.deadline_model,
            "Deadlines",
            body,
            sortable=False,
            empty_text="No deadline yet.",
            stretch_column=DeadlineModel.DETAIL,
        )
        self.deadlines_table.setObjectName("case_deadlines")

        self.form = CaseForm(body)
        self.form.changed.connect(self._update_dirty)
        self.save_button = button("&Save changes", "save_case", self.save, body)
        self.revert_button = button("&Revert", "revert_case", self.revert, body, "Put the form back as it was saved")
        overview = QWidget(body)
        overview.setAccessibleName("Overview")
        overview_layout = QHBoxLayout(overview)
        left = QVBoxLayout()
        left.addWidget(self.form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.revert_button)
        row.addStretch(1)
        left.addLayout(row)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Deadlines</b>", overview))
        right.addWidget(self.deadlines_table, 1)
        overview_layout.addLayout(left, 1)
        overview_layout.addLayout(right, 1)

        self.timeline_tab = TimelineTab(
            lambda: actions.milestone_dialog(self),
            lambda: actions.decision_dialog(self),
            lambda: actions.close_dialog(self),
            lambda: actions.reopen_dialog(self),
            body,
        )
        self.qa_tab = QATab(
            lambda: actions.qa_submission_dialog(self),
            self._qa_feedback,
            self._qa_revisions,
            lambda: actions.publication_dialog(self),
            body,
        )
        self.processes_tab = ProcessesTab(
            lambda: actions.process_dialog(self),
            self._change_process,
            lambda: actions.pause_dialog(self),
            lambda: actions.end_pause_dialog(self),
            body,
        )
        self.action_plan_tab = ActionPlanTab(
            lambda: actions.recommendation_dialog(self),
            self._edit_recommendation,
            self._change_status,
            self._add_update,
            body,
        )
        self.learning_tab = LearningTab(self, body)
        self.notes_tab = NotesTab(self.save, body)
        self.audit_tab = AuditTab(body)
        self.notes_tab.editor.textChanged.connect(self._update_dirty)

        self.tabs = QTabWidget(body)
        self.tabs.setObjectName("case_tabs")
        self.tabs.setAccessibleName("Parts of the case")
        self.tabs.tabBar().setAccessibleName("Parts of the case")
        for widget, label in (
            (overview, "&Overview"),
            (self.timeline_tab, "&Timeline"),
            (self.qa_tab, "Home Office &QA"),
            (self.processes_tab, "Processes and &pauses"),
            (self.action_plan_tab, "&Action plan"),
            (self.learning_tab, "&Learning"),
            (self.notes_tab, "&Notes"),
            (self.audit_tab, "A&udit"),
        ):
            self.tabs.addTab(widget, label)
        body_layout = QVBoxLayout(body)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.rag_label, 1)
        body_layout.addLayout(top)
        body_layout.addWidget(self.tabs, 1)
        self.pages.addWidget(body)
        self.body = body
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._update_dirty()

    # --- Screen interface ------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.case_id is None or not self.context.is_unlocked:
            return
        case_id, today = self.case_id, self.context.today()
        self.context.tasks.run(
            lambda session: load_case_detail(session, case_id, today),
            on_done=alive(self, self._loaded),
            on_error=alive(self, self._load_failed),
        )

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = None
        self.detail = None
        self._opened = None
        self.form.set_values({})
        self.notes_tab.editor.clear()
        for model in (
            self.timeline_tab.model,
            self.qa_tab.model,
            self.processes_tab.process_model,
            self.processes_tab.pause_model,
            self.action_plan_tab.model,
            self.action_plan_tab.update_model,
            self.audit_tab.model,
        ):
            model.clear()
        self.action_plan_tab.updates = {}
        self.learning_tab.clear()
        self.heading.clear()
        self.rag_label.clear()
        self.deadline_model.clear()
        self._clean, self._clean_notes = self.form.raw_values(), ""
        self.pages.setCurrentWidget(self.empty)

    def find(self) -> None:
        """Ctrl+F: the case screen has no filter; put the cursor in the current tab's table (or the form)."""
        from PySide6.QtWidgets import QTableView

        page = self.tabs.currentWidget()
        tables = page.findChildren(QTableView) if page is not None else []
        target = tables[0] if tables else self.form.reference
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def remember(self) -> Any:
        return self.case_id

    def open_item(self, item: Any) -> None:
        """Open the case with id `item`, asking first about unsaved changes to the one shown."""
        if not isinstance(item, int):
            return
        if item != self.case_id and not self.confirm_leave():
            return
        self.case_id = item
        self.refresh()

    def has_unsaved_changes(self) -> bool:
        if self.detail is None:
            return False
        return self.form.raw_values() != self._clean or self.notes_tab.editor.toPlainText() != self._clean_notes

    def save_changes(self) -> bool:
        """Save and wait for the answer (the lock, quit and opening another case need it before they go on).

        The save runs on the task worker like any other; a refusal is shown beside its field."""
        values = self._values()
        if values is None:
            return False
        self.form.clear_errors()
        self.notes_tab.error.clear()
        case_id, today, opened = self.case_id, self.context.today(), self._opened
        outcome: list[bool] = []
        self.context.tasks.run(
            lambda session: _save_case(session, case_id, values, today, opened),
            on_done=lambda _id: outcome.append(True),
            on_error=lambda error: (outcome.append(False), alive(self, self._refused)(error)),
        )
        self.context.tasks.wait_for_idle()
        if outcome != [True]:
            return False
        self._mark_clean()
        self.context.notify_data_changed(self)
        return True

    def confirm_leave(self) -> bool:
        """True if the screen may show something else: nothing unsaved, or saved, or discarded."""
        if not self.has_unsaved_changes():
            return True
        answer = self.context.prompter.choose(
            "Unsaved changes",
            f"Case {self.detail.reference} has changes that are not saved. Save them first?",
            [SAVE, DISCARD, CANCEL],
            default=SAVE,
        )
        if answer == SAVE:
            return self.save_changes()
        if answer == DISCARD:
            self.revert()
            return True
        return False

    def open_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    # --- saving ------------------------------------------------------------------------------------------
    def _values(self) -> dict[str, Any] | None:
        values = check_form(self.form)
        if values is not None:
            values["notes"] = self.notes_tab.editor.toPlainText()
        return values

    def save(self) -> None:
        values = self._values()
        if values is None:
            return
        self.form.clear_errors()
        self.notes_tab.error.clear()
        case_id, today, opened = self.case_id, self.context.today(), self._opened
        self.save_button.setEnabled(False)
        self.context.tasks.run(
            lambda session: _save_case(session, case_id, values, today, opened),
            on_done=alive(self, self._saved),
            on_error=alive(self, self._refused),
        )

    def _saved(self, _case_id: int) -> None:
        self._mark_clean()
        self.context.notify_data_changed(self)
        self.refresh()

    def _refused(self, error: BaseException) -> None:
        self._update_dirty()
        self.form.show_error(error if hasattr(error, "message") else ValueError(message_for(error)))
        if getattr(error, "field", None) == "notes":
            self.notes_tab.error.setText(error.message)
        elif getattr(error, "field", None) in self.form.fields:
            self.tabs.setCurrentIndex(0)

    def revert(self) -> None:
        if self.detail is not None:
            self._show_overview(self.detail)

    def _mark_clean(self) -> None:
        self._clean = self.form.raw_values()
        self._clean_notes = self.notes_tab.editor.toPlainText()
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    # --- loading -----------------------------------------------------------------------------------------
    def _loaded(self, detail: CaseDetail) -> None:
        if detail.id != self.case_id:
            return
        keep_edits = self.detail is not None and self.detail.id == detail.id and self.has_unsaved_changes()
        self.detail = detail
        self.loads += 1
        self.pages.setCurrentWidget(self.body)
        self.heading.setText(
            f"<h2>{detail.title}</h2>{detail.stage.label}" + (f" · {detail.decision.label}" if detail.decision else "")
        )
        self.heading.setAccessibleName(f"Case {detail.title}, {detail.stage.label}")
        colour = RAG_COLOURS.get(detail.rag, "#eeeeee")
        rating = rag_text(detail.rag) if detail.rag else "Closed"
        reasons = detail.rag_summary.split("; ")
        shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
        self.rag_label.setText(f"<b>{rating}</b>: {shown}")
        self.rag_label.setToolTip("\n".join(reasons))
        self.rag_label.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px;")
        self.rag_label.setAccessibleName(f"RAG rating {rating}: {detail.rag_summary}")
        self.deadline_model.set_rows(detail.deadlines)
        fit_columns(self.deadlines_table)
        closed = detail.stage is Stage.CLOSED
        self.timeline_tab.show_rows(detail.timeline, closed=closed, decided=detail.decision is not None)
        self.qa_tab.show_rows(detail.qa_rounds)
        self.processes_tab.show_rows(detail.processes, detail.pauses)
        self.action_plan_tab.show_rows(detail.recommendations, detail.updates)
        self.audit_tab.show_rows(detail.audit)
        self.learning_tab.load(detail.id)
        if not keep_edits:
            self._show_overview(detail)

    def _show_overview(self, detail: CaseDetail) -> None:
        self.form.set_areas(detail.areas)
        self.form.set_values(detail.values)
        self.notes_tab.editor.setPlainText(detail.values.get("notes") or "")
        self._opened = detail  # what the form shows, and the version it was read at
        self._mark_clean()

    def _load_failed(self, error: BaseException) -> None:
        self.case_id = None
        self.clear()
        self.context.prompter.warning("Could not open the case", message_for(error))

    # --- per-tab steps that need a selection ----------------------------------------------------------
    def _latest_round(self) -> int | None:
        rounds = self.detail.qa_rounds if self.detail else []
        return max((r.round_number for r in rounds), default=None)

    def _qa_feedback(self) -> None:
        number = self._latest_round()
        if number is None:
            self.context.prompter.information("No submission yet", "Record the submission to the Home Office first.")
            return
        actions.qa_feedback_dialog(self, number)

    def _qa_revisions(self) -> None:
        number = self._latest_round()
        if number is None:
            self.context.prompter.information("No submission yet", "Record the submission to the Home Office first.")
            return
        actions.revisions_dialog(self, number)

    def _change_process(self) -> None:
        process = self.processes_tab.selected_process()
        if process is None:
            self.context.prompter.information("Choose a process", "Select the parallel process to update first.")
            return
        actions.change_process_dialog(self, process)

    def _edit_recommendation(self) -> None:
        rec = self.action_plan_tab.selected()
        if rec is not None:
            actions.edit_recommendation_dialog(self, rec)

    def _change_status(self) -> None:
        rec = self.action_plan_tab.selected()
        if rec is not None:
            actions.status_dialog(self, rec.id, RecommendationStatus(rec.status_value))

    def _add_update(self) -> None:
        rec = self.action_plan_tab.selected()
        if rec is not None:
            actions.update_dialog(self, rec.id)
