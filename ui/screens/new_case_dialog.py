"""The New case dialog (Ctrl+N): the case form, created through the core in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from dhr_tracker.casework.cases import create_case
from dhr_tracker.errors import ValidationError
from dhr_tracker.reference_lists import csp_area_names
from ui.screens.case_form import CaseForm, check_form
from ui.screens.forms import alive
from ui.tasks import message_for

if TYPE_CHECKING:
    from ui.context import AppContext


class NewCaseDialog(QDialog):
    """Type the facts, press Create: the core validates; a refusal shows beside its field, nothing saved."""

    created = Signal(int)  # the new case's id

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("New case")
        self.setAccessibleName("New case")
        self.setObjectName("new_case_dialog")
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A new review starts at the notification stage. Fields marked in the core as required "
            "are the reference, the pseudonym, the notification date and (for KCSP reviews) the CSP area."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = CaseForm(self)
        layout.addWidget(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("&Create case", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("create_case")
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.new_case_id: int | None = None
        self.form.set_areas(context.read(csp_area_names))
        self.form.notified_on.set_value(context.today())
        self.form.reference.setFocus()

    def create(self) -> None:
        values = check_form(self.form)
        if values is None:
            return
        self.form.clear_errors()
        self.create_button.setEnabled(False)
        today = self.context.today()
        self.context.tasks.run(
            lambda session: create_case(session, today=today, **values).id,
            on_done=alive(self, self._created),
            on_error=alive(self, self._refused),
            progress=None,
        )

    def _created(self, case_id: int) -> None:
        self.new_case_id = case_id
        self.context.notify_data_changed(self)
        self.created.emit(case_id)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        if isinstance(error, ValidationError) or hasattr(error, "message"):
            self.form.show_error(error)
        else:
            self.form.show_error(ValueError(message_for(error)))
