"""Choose the themes of a review or a recommendation from the vocabulary: a checkable list, grouped by facet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.screens.forms import alive
from ui.tasks import message_for

if TYPE_CHECKING:
    from ui.context import AppContext


class ThemesDialog(QDialog):
    saved = Signal(object)

    def __init__(
        self,
        context: AppContext,
        title: str,
        vocabulary: Sequence[tuple[str, str]],
        chosen: Sequence[str],
        save: Callable[[Any, list[str]], Any],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self._save = save
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setObjectName("themes_dialog")
        self.setModal(True)
        self.setMinimumSize(480, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tick every theme that applies. The list itself is edited under Settings, Learning themes.", self
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to narrow the list")
        self.filter.setAccessibleName("Filter the themes")
        self.filter.textChanged.connect(self._narrow)
        layout.addWidget(self.filter)
        self.list = QListWidget(self)
        self.list.setObjectName("themes_list")
        self.list.setAccessibleName("Themes")
        wanted = {name.casefold() for name in chosen}
        facet = None
        for facet_label, name in vocabulary:
            if facet_label != facet:
                facet = facet_label
                heading = QListWidgetItem(facet_label)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.list.addItem(heading)
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if name.casefold() in wanted else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count()) if self.list.item(i).data(Qt.ItemDataRole.UserRole)]

    def _narrow(self, text: str) -> None:
        wanted = text.strip().casefold()
        for item in self._items():
            item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    def set_checked(self, names: Sequence[str]) -> None:
        wanted = {name.casefold() for name in names}
        for item in self._items():
            item.setCheckState(Qt.CheckState.Checked if item.text().casefold() in wanted else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        return [
            item.data(Qt.ItemDataRole.UserRole) for item in self._items() if item.checkState() == Qt.CheckState.Checked
        ]

    def submit(self) -> None:
        names = self.checked()
        self.error.clear()
        self.save_button.setEnabled(False)
        self.context.tasks.run(
            lambda session: self._save(session, names),
            on_done=alive(self, self._done),
            on_error=alive(self, self._refused),
        )

    def _done(self, result: Any) -> None:
        self.context.notify_data_changed(self.parent())
        self.saved.emit(result)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(getattr(error, "message", None) or message_for(error))
