"""Help > User guide (the guide shipped with the app, read in a window) and Help > About DHR Tracker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from dhr_tracker.about import about_lines, schema_revision, user_guide_path

if TYPE_CHECKING:
    from ui.context import AppContext


class UserGuideDialog(QDialog):
    """The user guide (docs/USER_GUIDE.md), rendered in the app: nothing is opened outside it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("DHR Tracker user guide")
        self.setObjectName("user_guide")
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(False)
        path = user_guide_path()
        if path.exists():
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        else:
            self.browser.setPlainText(
                f"The user guide is missing from this installation ({path}). Reinstall DHR Tracker."
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(820, 640)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)


def about_text(context: AppContext) -> str:
    """The About box: version, the database open, its schema revision, and the fonts shipped with their licence."""
    revision = context.read(schema_revision) if context.is_unlocked else None
    lines = about_lines(context.database_path, revision)
    return "DHR Tracker: Domestic Homicide Review case tracker.\n\n" + "\n".join(
        f"{label}: {value}" for label, value in lines
    )


def show_about(context: AppContext) -> None:
    context.prompter.information("About DHR Tracker", about_text(context))
