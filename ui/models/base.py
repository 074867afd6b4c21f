"""The base of every table in the app: a list of row objects shown through named column specs.

Each concrete model declares its columns once (header, how to show a row, how to sort it) and
named column constants for code and tests. Bulk loads replace the rows inside
beginResetModel/endResetModel. Two extra roles let views and proxies get at the Python values:
SORT_ROLE (a comparable key) and OBJECT_ROLE (the row object itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from dhr_tracker.dates import format_date

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

Row = TypeVar("Row")

# Calm, colour-blind-safe tints for RAG cells; the word is always shown too, never colour alone.
RAG_COLOURS = {"red": "#f4c7c3", "amber": "#fce8b2", "green": "#cde8d3"}


# A shape with each rating, so that it reads without colour: the worse the rating, the sharper the shape.
RAG_SHAPES = {"red": "▲", "amber": "◆", "green": "●"}


def rag_text(rating: str) -> str:
    """'▲ Red', '◆ Amber', '● Green' (any case in); '' for no rating."""
    key = (rating or "").casefold()
    return f"{RAG_SHAPES[key]} {key.capitalize()}" if key in RAG_SHAPES else (rating or "")


def date_text(day: dt.date | None) -> str:
    return format_date(day)


def date_key(day: dt.date | None) -> tuple:
    """Sort key putting rows with no date after every dated row."""
    return (0, day.toordinal()) if day else (1, 0)


def text_key(text: str | None) -> str:
    return (text or "").casefold()


@dataclass(frozen=True)
class Column(Generic[Row]):
    """How one column shows and sorts a row object."""

    header: str
    display: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    tooltip: Callable[[Row], str] | None = None
    background: Callable[[Row], str | None] | None = None
    align_right: bool = False
    # Free text (a recommendation, a note, a long name) may be elided to fit the window, its full text in the
    # tooltip; every other column (numbers, dates, short labels) is always shown whole (see forms.fit_columns).
    free_text: bool = False
    header_tooltip: str = ""  # what a short header means in full

    def key(self, row: Row) -> Any:
        return self.sort_key(row) if self.sort_key is not None else text_key(self.display(row))


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """A read-only table over a list of row objects. Subclasses set COLUMNS (and column constants)."""

    COLUMNS: Sequence[Column] = ()

    def __init__(self, rows: Iterable[Row] = (), parent=None):
        super().__init__(parent)
        self._rows: list[Row] = list(rows)
        self._sort_keys: dict[int, list[Any]] = {}

    # --- loading -----------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row in one reset, so views and proxies rebuild once."""
        self.beginResetModel()
        self._rows = list(rows)
        self._sort_keys = {}
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_object(self, row: int) -> Row:
        return self._rows[row]

    def sort_key(self, row: int, column: int) -> Any:
        """The comparable key of one cell, computed once per column after each load."""
        keys = self._sort_keys.get(column)
        if keys is None:
            spec = self.COLUMNS[column]
            keys = self._sort_keys[column] = [spec.key(item) for item in self._rows]
        return keys[row]

    def _reordered(self, order: list[int]) -> None:
        """Hook for subclasses that keep per-row caches: put them in the new `order` of old rows."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column's Python keys, keeping persistent indexes (selection) right.

        Sorting here, in one `sorted()` call, rather than with a proxy's lessThan (one Python call
        per comparison) keeps a sort of thousands of rows to a few milliseconds.
        """
        if not (0 <= column < len(self.COLUMNS)) or not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        keys = [self.sort_key(row, column) for row in range(len(self._rows))]
        new_order = sorted(range(len(self._rows)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        new_position = {old: new for new, old in enumerate(new_order)}
        old_indexes = self.persistentIndexList()
        new_indexes = [self.index(new_position[index.row()], index.column()) for index in old_indexes]
        self._rows = [self._rows[old] for old in new_order]
        self._sort_keys = {col: [values[old] for old in new_order] for col, values in self._sort_keys.items()}
        self._reordered(new_order)
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    # --- Qt's model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self.COLUMNS[index.column()]
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.display(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip:
                return column.tooltip(item)
            return (column.display(item) or None) if column.free_text else None
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            colour = column.background(item)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            key = self.sort_key(index.row(), index.column())
            return key if isinstance(key, (str, int, float)) else repr(key)
        if role == OBJECT_ROLE:
            return item
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section].header_tooltip or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section].header if 0 <= section < len(self.COLUMNS) else None
        return str(section + 1)

    def free_text_columns(self) -> set[int]:
        return {number for number, column in enumerate(self.COLUMNS) if column.free_text}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class RowProxyModel(QSortFilterProxyModel):
    """A filter over a RowTableModel; subclasses filter in `filterAcceptsRow`.

    Sorting is passed to the source model, which sorts its Python keys in one call; the proxy
    itself keeps the source's order, so a filter change costs one `filterAcceptsRow` per row and
    never a comparison or a database query.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def setSourceModel(self, source) -> None:  # noqa: N802 - Qt's name
        super().setSourceModel(source)
        if source is not None:
            # A bulk load replaces the rows in the source's own order: sort them again as the header says.
            source.modelReset.connect(self.resort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is None:
            return
        self._sorted_by = (column, order) if column >= 0 else None
        source.sort(column, order)

    def change_filter(self, apply: Callable[[], None]) -> None:
        """Run `apply` (which changes the filter's state) and re-filter the rows once."""
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self.invalidateRowsFilter()

    def resort(self) -> None:
        """Apply the last sort again (after new rows were loaded into the source)."""
        source = self.sourceModel()
        if self._sorted_by is not None and source is not None and source.rowCount() > 1:
            source.sort(*self._sorted_by)

    def object_at(self, proxy_row: int) -> Any:
        """The row object shown at a row of this proxy."""
        source_index = self.mapToSource(self.index(proxy_row, 0))
        return self.sourceModel().row_object(source_index.row())
