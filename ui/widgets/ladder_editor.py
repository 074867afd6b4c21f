"""The escalation ladder editor: one row per level (level, when, to whom, label); the core checks the whole ladder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.escalation_ladder import NEXT_KCSP_MEETING, RecipientRole

LEVEL, WHEN, RECIPIENT, LABEL = range(4)
HEADERS = ("Level", "When (working days after the due date)", "Goes to", "What happens")
NEXT_MEETING_TEXT = "next KCSP meeting"


def when_text(when: Any) -> str:
    return NEXT_MEETING_TEXT if when == NEXT_KCSP_MEETING else str(when)


def parse_when(text: str) -> Any:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text.casefold().replace("_", " ") in (NEXT_MEETING_TEXT.casefold(), NEXT_KCSP_MEETING.replace("_", " ")):
        return NEXT_KCSP_MEETING
    return text  # the core's check names what is accepted


ROLE_LABELS = {role.value: role.label for role in RecipientRole}


class RecipientDelegate(QStyledItemDelegate):
    """'Goes to' is chosen from a list when the cell is edited (F2, Enter or typing, as in any cell).

    An editor rather than a combo box fixed in each cell: fixed cell widgets sit outside the table's keyboard
    navigation, and Tab then cycled between the table and them without ever leaving.
    """

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        box = QComboBox(parent)
        box.setAccessibleName("Goes to")
        for role in RecipientRole:
            box.addItem(role.label, role.value)
        return box

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.UserRole))))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.UserRole)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class LadderEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ladder_editor")
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("ladder_table")
        self.table.setAccessibleName("Escalation ladder")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(RECIPIENT, RecipientDelegate(self.table))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells, F2 edits one
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LEVEL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RECIPIENT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(190)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        add = QPushButton("Add level", self)
        add.setObjectName("ladder_add")
        add.setAccessibleName("Add a level to the escalation ladder")
        add.clicked.connect(self.add_level)
        remove = QPushButton("Remove selected level", self)
        remove.setObjectName("ladder_remove")
        remove.setAccessibleName("Remove the selected level of the escalation ladder")
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    @staticmethod
    def _recipient_item(value: str) -> QTableWidgetItem:
        item = QTableWidgetItem(ROLE_LABELS.get(value, value))
        item.setData(Qt.ItemDataRole.UserRole, value)
        return item

    def _append(self, entry: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self.table.setItem(row, LEVEL, QTableWidgetItem(str(entry.get("level", ""))))
        self.table.setItem(row, WHEN, QTableWidgetItem(when_text(entry.get("when", ""))))
        self.table.setItem(row, RECIPIENT, self._recipient_item(str(entry.get("recipient", ""))))
        self.table.setItem(row, LABEL, QTableWidgetItem(str(entry.get("label", ""))))
        self.table.blockSignals(False)

    def set_value(self, ladder: list[dict[str, Any]] | None) -> None:
        self.table.setRowCount(0)
        for entry in ladder or []:
            self._append(entry)

    def value(self) -> list[dict[str, Any]]:
        ladder = []
        for row in range(self.table.rowCount()):
            level_text = (self.table.item(row, LEVEL).text() if self.table.item(row, LEVEL) else "").strip()
            recipient = self.table.item(row, RECIPIENT)
            ladder.append(
                {
                    "level": int(level_text) if level_text.isdigit() else level_text,
                    "when": parse_when(self.table.item(row, WHEN).text() if self.table.item(row, WHEN) else ""),
                    "recipient": recipient.data(Qt.ItemDataRole.UserRole) if recipient is not None else "",
                    "label": self.table.item(row, LABEL).text() if self.table.item(row, LABEL) else "",
                }
            )
        return ladder

    def add_level(self) -> None:
        current = self.value()
        next_level = max((entry["level"] for entry in current if isinstance(entry["level"], int)), default=-1) + 1
        self._append({"level": next_level, "when": "", "recipient": RecipientRole.SENIOR_MANAGER.value, "label": ""})
        self.table.setCurrentCell(self.table.rowCount() - 1, WHEN)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()
