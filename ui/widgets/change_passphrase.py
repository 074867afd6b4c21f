"""The change-passphrase dialog: current passphrase, the new one twice with the strength meter; the core backs up, rekeys, verifies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from dhr_tracker.security.passphrase_change import PassphraseChanged, change_passphrase
from dhr_tracker.storage.errors import StorageError
from dhr_tracker.storage.passphrase import check_new_passphrase
from ui.tasks import message_for
from ui.widgets.inline_message import InlineMessage
from ui.widgets.passphrase_meter import PassphraseMeter

if TYPE_CHECKING:
    from ui.context import AppContext


def _hidden(parent: QWidget, name: str, accessible: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    return field


class ChangePassphraseDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.result_: PassphraseChanged | None = None
        self.setWindowTitle("Change the passphrase")
        self.setAccessibleName("Change the passphrase")
        self.setMinimumWidth(460)
        intro = QLabel(
            "A backup is taken first; it keeps the current passphrase. Then the whole database is "
            "re-encrypted under the new one and reopened to check it.",
            self,
        )
        intro.setWordWrap(True)
        self.current = _hidden(self, "current_passphrase", "Current passphrase")
        self.new = _hidden(self, "new_passphrase", "New passphrase")
        self.repeat = _hidden(self, "repeat_passphrase", "Repeat the new passphrase")
        self.meter = PassphraseMeter(self)
        self.new.textChanged.connect(self.meter.update_for)
        self.message = InlineMessage(self, name="change_passphrase_message")
        form = QFormLayout()
        form.addRow("&Current passphrase:", self.current)
        form.addRow("&New passphrase:", self.new)
        form.addRow("&Repeat it:", self.repeat)
        form.addRow("", self.meter)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change passphrase")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._busy = False

    def submit(self) -> None:
        if self._busy:
            return
        self.message.clear()
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        try:
            strength = check_new_passphrase(new, repeat)
        except StorageError as error:
            self.message.show_error(error.message)
            return
        if not strength.is_good and not self.context.prompter.question(
            "Weak passphrase",
            f"The new passphrase is {strength.label.lower()}: someone with the file could guess it. Use it anyway?",
        ):
            return
        database = self.context.require_database()
        self._busy = True
        self.buttons.setEnabled(False)

        def done(result: PassphraseChanged) -> None:
            self._busy = False
            self.buttons.setEnabled(True)
            self.result_ = result
            for field in (self.current, self.new, self.repeat):
                field.clear()
            self.accept()
            self.context.prompter.information(
                "Passphrase changed",
                f"The passphrase is changed. A backup taken just before is at {result.backup}; it still opens with "
                "the old passphrase, so keep it safe or delete it.",
            )

        def failed(error: BaseException) -> None:
            self._busy = False
            self.buttons.setEnabled(True)
            self.message.show_error(message_for(error))

        self.context.tasks.run(
            lambda: change_passphrase(database, current, new, repeat),
            on_done=done,
            on_error=failed,
            progress="Changing the passphrase…",
            uses_database=False,
        )
