"""The app's copy to the clipboard passes the real-name guard (output channel CLIPBOARD), and the
screenshots check what each picture shows before it is saved."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from dhr_tracker.casework.cases import create_case
from dhr_tracker.privacy.guard import NameGuard
from ui.screenshots import visible_texts


def test_text_holding_a_real_name_is_not_copied_and_the_user_is_told(qtbot, ui_context, prompter, database):
    with database.transaction() as session:
        create_case(
            session,
            today=dt.date(2026, 11, 23),
            reference="DHR-2025-03",
            pseudonym="Remy",
            notified_on=dt.date(2025, 1, 6),
            csp_area="Dover",
            victim_real_name="QUILLFEATHER, Aurelia",
        )
    QGuiApplication.clipboard().setText("before")
    assert ui_context.clipboard.copy("Letter about Mrs Quill\u00adfeather (DHR-2025-03)") is False
    assert QGuiApplication.clipboard().text() == "before"
    [message] = prompter.messages("warning")
    assert "DHR-2025-03" in message and "copy to the clipboard" in message and "Quillfeather" not in message
    assert ui_context.clipboard.copy("Letter about Remy (DHR-2025-03)") is True
    assert QGuiApplication.clipboard().text() == "Letter about Remy (DHR-2025-03)"
    ui_context.clipboard.clear_now()


def test_a_screenshot_reads_what_is_displayed_a_masked_name_included(qtbot, qapp):
    root = QWidget()
    layout = QVBoxLayout(root)
    layout.addWidget(QLabel("Case DHR-2025-03: Remy"))
    hidden = QLineEdit("Aurelia Quillfeather")
    hidden.setEchoMode(QLineEdit.EchoMode.Password)
    layout.addWidget(hidden)
    qtbot.addWidget(root)
    root.show()
    guard = NameGuard([("DHR-2025-03", "Aurelia Quillfeather")])
    texts = visible_texts(root)
    guard.check_fields(texts, where="screenshots")  # the masked field shows dots, not the name
    hidden.setEchoMode(QLineEdit.EchoMode.Normal)
    assert guard.found_in(" ".join(text for _, text in visible_texts(root))) == ["DHR-2025-03"]
