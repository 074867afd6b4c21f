"""A message shown in place, beside the field or form it is about (errors, warnings, notes)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR, WARNING, INFO = "error", "warning", "info"


class InlineMessage(QLabel):
    """Hidden until there is something to say. The stylesheet colours it by its `kind` property."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "message"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setAccessibleName("Message")
        self.setProperty("class", "inline-message")
        self.hide()

    @property
    def kind(self) -> str:
        return self.property("kind") or ""

    def show_message(self, text: str, kind: str = ERROR) -> None:
        self.setProperty("kind", kind)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.show_message(text, ERROR)

    def show_warning(self, text: str) -> None:
        self.show_message(text, WARNING)

    def show_info(self, text: str) -> None:
        self.show_message(text, INFO)

    def clear(self) -> None:  # noqa: A003 - QLabel's name
        super().clear()
        self.setProperty("kind", "")
        self.hide()
