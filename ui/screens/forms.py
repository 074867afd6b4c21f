"""Small building blocks the screens share: a dd/mm/yyyy date field, per-field error labels, tables."""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from dhr_tracker.dates import UK_DATE_FORMAT, format_date
from dhr_tracker.errors import ValidationError

ERROR_STYLE = "color: #a4262c;"


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy (empty allowed). `value()` raises ValidationError naming the field."""

    def __init__(self, field: str, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self.label = label
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.setAccessibleName(label)
        self.setAccessibleDescription("A date in the form day/month/year, for example 31/03/2025")

    def value(self) -> dt.date | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return dt.datetime.strptime(text, UK_DATE_FORMAT).date()
        except ValueError:
            raise ValidationError(
                f"{self.label} '{text}' is not a date in the form dd/mm/yyyy (for example 31/03/2025).",
                field=self.field,
                rule="not_a_date",
            ) from None

    def set_value(self, day: dt.date | None) -> None:
        self.setText(format_date(day))


class ErrorLabel(QLabel):
    """The message shown under a field the core refused; hidden when empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setAccessibleName(message)
        self.setVisible(bool(message))


class FieldForm(QWidget):
    """A form of named fields, each with an error label beneath, and one label for whole-record errors.

    `show_error(error)` puts a ValidationError beside its `field` (and focuses it), or at the top when
    the field is not on this form.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form_error = ErrorLabel(self)
        self.form_error.setObjectName("formError")
        self.layout_.addRow(self.form_error)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}

    def add_field(self, field: str, label: str, widget: QWidget, *, help_text: str = "") -> QWidget:
        widget.setObjectName(field)
        if isinstance(widget, QComboBox):
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            widget.setMinimumContentsLength(24)
        if not widget.accessibleName():
            widget.setAccessibleName(label.rstrip(":").replace("&", ""))
        if isinstance(widget, QComboBox):
            name_combo(widget, widget.accessibleName())
        if help_text:
            widget.setToolTip(help_text)
            widget.setAccessibleDescription(help_text)
        error = ErrorLabel(self)
        holder = QWidget(self)
        from PySide6.QtWidgets import QVBoxLayout

        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.layout_.addRow(caption, holder)
        self.fields[field] = widget
        self.errors[field] = error
        for signal_name in ("textChanged", "currentIndexChanged"):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(self.changed)
                break
        return widget

    def clear_errors(self) -> None:
        self.form_error.show_message("")
        for label in self.errors.values():
            label.show_message("")

    def show_error(self, error: Exception) -> None:
        self.clear_errors()
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        if field in self.errors:
            self.errors[field].show_message(message)
            self.fields[field].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.form_error.show_message(message)

    def error_text(self, field: str | None = None) -> str:
        label = self.form_error if field is None else self.errors[field]
        return label.text() if label.isVisible() or label.text() else ""


def alive(widget: QWidget, callback):
    """`callback`, called only while `widget` still exists.

    A task may finish after its screen or dialog was closed and deleted (at quit, on lock, at the end
    of a test); its result is then simply dropped rather than touching a deleted widget.
    """

    def call(*args):
        if shiboken6.isValid(widget):
            return callback(*args)
        return None

    return call


def name_combo(combo: QComboBox, name: str) -> QComboBox:
    """Give a combo box, and the list it pops up, an accessible name."""
    combo.setAccessibleName(name)
    combo.view().setAccessibleName(f"{name}: choices")
    return combo


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if isinstance(data, str) else widget.currentText()
    return widget.text()


class TableView(QTableView):
    """A table that says so when it has no rows (`empty_text`), rather than showing a blank grid."""

    def __init__(self, parent: QWidget | None = None, empty_text: str = "Nothing to show."):
        super().__init__(parent)
        self.empty_text = empty_text

    def is_empty(self) -> bool:
        return self.model() is None or self.model().rowCount() == 0

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self.is_empty() and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(12, 12, -12, -12)
            painter.drawText(
                area,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )
            painter.end()


def make_table(
    model,
    name: str,
    parent: QWidget | None = None,
    *,
    sortable: bool = True,
    stretch_column: int | None = None,
    empty_text: str = "Nothing to show.",
) -> QTableView:
    """A read-only, row-selecting, keyboard-friendly table over `model` (usually a proxy)."""
    table = TableView(parent, empty_text)
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
        signal.connect(table.viewport().update)
    table.setModel(model)
    table.setObjectName(name.lower().replace(" ", "_"))
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setSortingEnabled(sortable)
    if sortable:
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt's default indicator is descending
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        # Not Qt's Stretch mode: fit_columns gives this column the width left over, and takes width from free
        # text first when there is too little, so that numbers and dates are never squeezed.
        table.setProperty("fillColumn", stretch_column)
    return table


FREE_TEXT_MINIMUM = 110  # pixels a free-text column keeps however narrow the window


def _free_text_columns(table: QTableView) -> set[int]:
    model = table.model()
    while hasattr(model, "sourceModel") and model.sourceModel() is not None:
        model = model.sourceModel()
    free = getattr(model, "free_text_columns", None)
    return free() if free is not None else set()


def fit_columns(table: QTableView, maximum: int = 320) -> None:
    """Size columns to their contents: numbers, dates and labels whole; free text capped and shrunk to fit.

    Free-text columns (Column.free_text) give up width first, down to FREE_TEXT_MINIMUM, so that the table
    fits its viewport without a horizontal scroll where it can; they elide, with the full text in the tooltip.
    The fit is made again whenever the table is resized.
    """
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    free = _free_text_columns(table)
    fill = table.property("fillColumn")
    natural = {column: header.sectionSize(column) for column in range(header.count())}
    for column in free if free else set(range(header.count())) - {fill}:
        if header.sectionSize(column) > maximum:
            header.resizeSection(column, maximum)
    if free:
        _shrink_free_text(table, free)
    spare = _available_width(table) - header.length()
    for column in sorted(free, key=lambda c: natural[c] - header.sectionSize(c)):
        # Room left over goes first to free text that was capped, up to the width its text wants.
        if spare <= 0:
            break
        grow = min(spare, natural[column] - header.sectionSize(column))
        if grow > 0:
            header.resizeSection(column, header.sectionSize(column) + grow)
            spare -= grow
    if fill is not None and 0 <= fill < header.count() and spare > 0:
        header.resizeSection(fill, header.sectionSize(fill) + spare)
    if table.property("fitsOnResize") is None:
        table.setProperty("fitsOnResize", True)
        # On the viewport: it is resized with the window and also when a scroll bar comes or goes.
        table.viewport().installEventFilter(_ColumnFitter(table, maximum))


def _available_width(table: QTableView) -> int:
    """The viewport's width, less the vertical scroll bar's when the rows will need one it does not show yet."""
    width = table.viewport().width()
    bar = table.verticalScrollBar()
    if not bar.isVisible() and table.verticalHeader().length() > table.viewport().height():
        width -= bar.sizeHint().width()
    return width


def _shrink_free_text(table: QTableView, free: set[int]) -> None:
    """Take the width the table lacks from its free-text columns, in proportion to what each can give."""
    header = table.horizontalHeader()
    visible = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    excess = sum(header.sectionSize(c) for c in visible) - _available_width(table)
    if excess <= 0:
        return
    model = table.model()
    spare: dict[int, int] = {}
    for column in (c for c in free if c in visible):
        # Never narrower than its header (with room for the sort arrow), so every column stays named.
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        floor = max(FREE_TEXT_MINIMUM, header.fontMetrics().horizontalAdvance(title) + 28)
        spare[column] = max(0, header.sectionSize(column) - floor)
    total = sum(spare.values())
    if total <= 0:
        return
    share = min(1.0, excess / total)
    for column, room in spare.items():
        header.resizeSection(column, header.sectionSize(column) - int(round(room * share)))


class _ColumnFitter(QObject):
    """Fits a table's columns again when its viewport changes size (a window resized, a pane moved, a scroll bar)."""

    def __init__(self, table: QTableView, maximum: int):
        super().__init__(table)
        self._table = table
        self._maximum = maximum
        self._busy = False

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and not self._busy and self._table.model() is not None:
            self._busy = True  # resizing sections can bring a scroll bar and so another resize: fit once
            try:
                fit_columns(self._table, self._maximum)
            finally:
                self._busy = False
        return False


def shortcut(
    widget: QWidget, keys: str | QKeySequence, slot, *, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
) -> QShortcut:
    sequence = keys if isinstance(keys, QKeySequence) else QKeySequence(keys)
    item = QShortcut(sequence, widget)
    item.setContext(context)
    item.activated.connect(slot)
    return item


def selected_object(table: QTableView):
    """The row object of the selected row of `table` (whose model is a RowProxyModel or RowTableModel)."""
    indexes = table.selectionModel().selectedRows() if table.selectionModel() else []
    if not indexes and table.currentIndex().isValid() and table.hasFocus():
        # Ctrl+Home, Ctrl+End and Ctrl+arrows move the current row without selecting it: Enter still opens it.
        indexes = [table.currentIndex()]
    if not indexes:
        return None
    model = table.model()
    from ui.models.base import OBJECT_ROLE

    return model.data(indexes[0], OBJECT_ROLE)
