"""The unlock screen: the only thing shown while locked. The passphrase reopens the same file, back where the user was."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from dhr_tracker.storage.database import Database, open_database
from dhr_tracker.storage.server_url import is_server_url
from ui.tasks import message_for
from ui.widgets.inline_message import InlineMessage

if TYPE_CHECKING:
    from ui.context import AppContext


class UnlockScreen(QWidget):
    def __init__(self, context: AppContext, window=None):
        super().__init__(window)
        self.context = context
        self.window_ = window
        self.path: Path | str | None = None  # a file, or a team database's URL
        self.setObjectName("unlock_screen")
        self.setAccessibleName("Unlock")

        card = QFrame(self)
        card.setObjectName("card")
        card.setMaximumWidth(480)
        heading = QLabel("Locked", card)
        heading.setObjectName("card_title")
        self.file_label = QLabel("", card)
        self.file_label.setObjectName("locked_file")
        self.file_label.setWordWrap(True)
        self.passphrase = QLineEdit(card)
        self.passphrase.setObjectName("unlock_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.returnPressed.connect(self.unlock_clicked)
        self.unlock_button = QPushButton("&Unlock", card)
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setAccessibleName("Unlock the database")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock_clicked)
        self.close_button = QPushButton("&Close database", card)
        self.close_button.setObjectName("unlock_close")
        self.close_button.setAccessibleName("Close the database and go to the start screen")
        self.close_button.clicked.connect(self.close_clicked)
        self.message = InlineMessage(card, name="unlock_message")

        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(24, 22, 24, 22)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.file_label)
        layout.addWidget(self.passphrase)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self._busy = False

    def prepare(self, path: Path | str | None) -> None:
        self.path = path
        self.passphrase.clear()
        self.message.clear()
        if is_server_url(path):  # a team database: the server signs you in again
            self.file_label.setText(
                "The team database is locked. Type your password for the server to carry on "
                "(leave it empty if ~/.pgpass holds it)."
            )
            self.passphrase.setPlaceholderText("Server password")
            self.passphrase.setAccessibleName("Server password")
        else:
            name = path.name if path is not None else "the database"
            self.file_label.setText(f"{name} is locked. Type its passphrase to carry on where you left off.")
            self.passphrase.setPlaceholderText("Passphrase")
            self.passphrase.setAccessibleName("Passphrase")
        self.file_label.setToolTip(str(path) if path else "")
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def unlock_clicked(self) -> None:
        if self._busy or self.path is None:
            return
        passphrase = self.passphrase.text()
        if not passphrase and not is_server_url(self.path):
            self.message.show_error("Type the passphrase to unlock.")
            return
        self.message.clear()
        self._busy = True
        self.unlock_button.setEnabled(False)
        path = self.path

        def done(database: Database) -> None:
            self._busy = False
            self.unlock_button.setEnabled(True)
            self.passphrase.clear()
            self.context.set_database(database)

        def failed(error: BaseException) -> None:
            self._busy = False
            self.unlock_button.setEnabled(True)
            self.message.show_error(message_for(error))
            self.passphrase.selectAll()
            self.passphrase.setFocus()

        if is_server_url(path):
            from dhr_tracker.storage.postgres import open_team_database

            def work() -> Database:
                return open_team_database(path, password=passphrase or None)
        else:

            def work() -> Database:
                return open_database(path, passphrase)

        self.context.tasks.run(work, on_done=done, on_error=failed, progress="Unlocking…", uses_database=False)

    def close_clicked(self) -> None:
        window = self.window_
        self.passphrase.clear()
        if window is not None:
            window.lock_sequence.last_path = None
            window.lock_sequence.place = type(window.lock_sequence.place)()
            window.start_screen.refresh_recent()
            window.pages.setCurrentWidget(window.start_screen)
