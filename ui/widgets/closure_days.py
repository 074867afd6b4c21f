"""The closure-days editor on the settings screen: a list of days, a date and description to add, remove selected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.closure_days import ClosureDayRow, add_closure_day, list_closure_days, remove_closure_day
from dhr_tracker.dates import format_date
from ui.screens.forms import alive
from ui.tasks import message_for
from ui.widgets.date_edit import DateEdit
from ui.widgets.inline_message import InlineMessage

if TYPE_CHECKING:
    from ui.context import AppContext

Index = QModelIndex | QPersistentModelIndex
DAY, WEEKDAY, DESCRIPTION = range(3)
HEADERS = ("Date", "Day", "Description")


class ClosureDaysModel(QAbstractTableModel):
    ObjectRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ClosureDayRow] = []

    def set_rows(self, rows: list[ClosureDayRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (format_date(row.day), row.day.strftime("%A"), row.description)[index.column()]
        if role == self.ObjectRole:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None


class ClosureDaysEditor(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("closure_days")
        self.model = ClosureDaysModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("closure_days_table")
        self.table.setAccessibleName("Closure days")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move within it
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        self.day = DateEdit(self, optional=False, accessible_name="Closure day to add")
        self.day.setObjectName("closure_day_date")
        self.description = QLineEdit(self)
        self.description.setObjectName("closure_day_description")
        self.description.setAccessibleName("Description of the closure day")
        self.description.setPlaceholderText("Description, e.g. Christmas closure")
        self.description.returnPressed.connect(self.add_clicked)
        self.add_button = QPushButton("&Add day", self)
        self.add_button.setObjectName("closure_day_add")
        self.add_button.setAccessibleName("Add the closure day")
        self.add_button.clicked.connect(self.add_clicked)
        self.remove_button = QPushButton("Re&move selected", self)
        self.remove_button.setObjectName("closure_day_remove")
        self.remove_button.setAccessibleName("Remove the selected closure days")
        self.remove_button.clicked.connect(self.remove_clicked)
        self.message = InlineMessage(self, name="closure_day_message")
        row = QHBoxLayout()
        row.addWidget(self.day)
        row.addWidget(self.description, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)

    def refresh(self) -> None:
        self.model.set_rows(self.context.read(list_closure_days))
        self.day.set_value(self.context.today())
        self.message.clear()

    def clear(self) -> None:
        self.model.set_rows([])
        self.description.clear()
        self.message.clear()

    def add_clicked(self) -> None:
        day, description = self.day.value(), self.description.text()
        self.context.tasks.run(
            lambda session: add_closure_day(session, day, description).day,
            on_done=alive(self, self._added),
            on_error=alive(self, self._refused),
        )

    def _added(self, day) -> None:  # noqa: ANN001 - a date
        self.refresh()
        self.description.clear()
        self.message.show_info(f"{format_date(day)} added.")
        self.context.notify_data_changed(self)

    def _refused(self, error: BaseException) -> None:
        self.message.show_error(message_for(error))

    def remove_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows:
            self.message.show_error("Select the closure days to remove first.")
            return
        days = [self.model.rows[row].day for row in rows]
        listed = ", ".join(format_date(day) for day in days)
        if not self.context.prompter.question("Remove closure days", f"Remove {listed} from the closure days?"):
            return

        def remove(session) -> None:
            for day in days:
                remove_closure_day(session, day)

        self.context.tasks.run(
            remove, on_done=alive(self, lambda _none: self._removed(listed)), on_error=alive(self, self._refused)
        )

    def _removed(self, listed: str) -> None:
        self.refresh()
        self.message.show_info(f"Removed {listed}.")
        self.context.notify_data_changed(self)
