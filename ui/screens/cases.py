"""The Cases screen: every review in a sortable table, filtered as you type and by stage, area, RAG and learning theme."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout

from dhr_tracker.vocabulary import Stage
from ui.models.cases import CaseFilterProxy, CaseTableModel
from ui.models.loaders import load_case_rows
from ui.screens.base import Screen
from ui.screens.forms import alive, fit_columns, make_table, name_combo, selected_object
from ui.screens.new_case_dialog import NewCaseDialog

if TYPE_CHECKING:
    from ui.context import AppContext

OPEN_CASES = "open"


class CasesScreen(Screen):
    key = "cases"
    title = "Cases"
    icon_name = "cases"

    def __init__(self, context: AppContext, parent=None):
        super().__init__(context, parent)
        self.model = CaseTableModel(parent=self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.new_case_dialog: NewCaseDialog | None = None

        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("case_filter")
        self.filter_box.setPlaceholderText("Filter by reference, pseudonym, area, stage or date (Ctrl+F)")
        self.filter_box.setAccessibleName("Filter cases")
        self.filter_box.setClearButtonEnabled(True)
        for clear_button in self.filter_box.findChildren(QToolButton):
            clear_button.setAccessibleName("Clear the filter")
        self.filter_box.textChanged.connect(self._text_changed)

        self.stage_filter = QComboBox(self)
        self.stage_filter.setObjectName("stage_filter")
        name_combo(self.stage_filter, "Filter by stage")
        self.stage_filter.addItem("All stages", None)
        self.stage_filter.addItem("Open cases", OPEN_CASES)
        for stage in Stage:
            self.stage_filter.addItem(stage.label, stage.value)
        self.stage_filter.currentIndexChanged.connect(self._stage_changed)

        self.area_filter = QComboBox(self)
        self.area_filter.setObjectName("area_filter")
        name_combo(self.area_filter, "Filter by CSP area")
        self.area_filter.addItem("All areas", "")
        self.area_filter.currentIndexChanged.connect(lambda: self.proxy.set_area(self.area_filter.currentData() or ""))

        self.rag_filter = QComboBox(self)
        self.rag_filter.setObjectName("rag_filter")
        name_combo(self.rag_filter, "Filter by RAG rating")
        for label, value in (("Any rating", ""), ("Red", "red"), ("Amber", "amber"), ("Green", "green")):
            self.rag_filter.addItem(label, value)
        self.rag_filter.currentIndexChanged.connect(lambda: self.proxy.set_rag(self.rag_filter.currentData() or ""))

        self.theme_filter = QComboBox(self)
        self.theme_filter.setObjectName("theme_filter")
        name_combo(self.theme_filter, "Filter by learning theme")
        self.theme_filter.addItem("Any theme", "")
        self.theme_filter.setMinimumContentsLength(16)  # theme names are long; the full name shows when it opens
        self.theme_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.theme_filter.currentIndexChanged.connect(self._theme_changed)
        self.case_ids_by_theme: dict[str, frozenset[int]] = {}

        self.new_button = QPushButton("&New case…", self)
        self.new_button.setObjectName("new_case_button")
        self.new_button.setToolTip("Add a new case (Ctrl+N)")
        self.new_button.clicked.connect(self.new_case)
        self.import_button = QPushButton("&Import…", self)
        self.import_button.setObjectName("import_spreadsheet_button")
        self.import_button.setAccessibleName("Import from spreadsheet")
        self.import_button.setToolTip(
            "Import from spreadsheet: cases and recommendations from an Excel workbook or a CSV file"
        )
        self.import_button.clicked.connect(self.import_spreadsheet)
        self.open_button = QPushButton("&Open", self)
        self.open_button.setObjectName("open_case_button")
        self.open_button.setToolTip("Open the selected case (Enter)")
        self.open_button.clicked.connect(self.open_selected)

        self.table = make_table(
            self.proxy,
            "Cases",
            self,
            stretch_column=CaseTableModel.NEXT_DEADLINE_FOR,
            empty_text="No case to show. Press Ctrl+N for a new case, or clear the filters.",
        )
        self.table.sortByColumn(CaseTableModel.NOTIFIED, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.activated.connect(lambda _index: self.open_selected())
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("case_count")

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 3)
        for combo in (self.stage_filter, self.area_filter, self.rag_filter, self.theme_filter):
            bar.addWidget(combo, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.import_button)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        heading = QLabel("<h2>Cases</h2>", self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)
        self.loading = False

    # --- Screen interface --------------------------------------------------------------------------
    def refresh(self) -> None:
        today = self.context.today()
        self.loading = True
        self.context.tasks.run(
            lambda session: load_case_rows(session, today),
            on_done=alive(self, lambda rows: self._loaded(rows, today)),
            title="Could not load the cases",
        )
        from dhr_tracker.learning.themes import case_ids_by_theme

        self.context.tasks.run(
            case_ids_by_theme, on_done=alive(self, self._themes_loaded), title="Could not load the themes"
        )

    def clear(self) -> None:
        self.model.clear()
        self.filter_box.clear()
        self.area_filter.blockSignals(True)
        while self.area_filter.count() > 1:
            self.area_filter.removeItem(1)
        self.area_filter.blockSignals(False)
        self._themes_loaded({})
        if self.new_case_dialog is not None:
            self.new_case_dialog.reject()
            self.new_case_dialog = None

    def find(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def new_case(self) -> None:
        if not self.context.is_unlocked:
            return
        dialog = NewCaseDialog(self.context, self)
        self.new_case_dialog = dialog
        dialog.created.connect(self._case_created)
        dialog.finished.connect(lambda _result: setattr(self, "new_case_dialog", None))
        dialog.open()

    def import_spreadsheet(self) -> None:
        """The import wizard (ui/screens/import_wizard.py); after an import every screen reloads (data_changed)."""
        if not self.context.is_unlocked:
            return
        from ui.screens.import_wizard import ImportWizard

        wizard = ImportWizard(self.context, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the sheet's cells are not kept once it closes
        wizard.open()
        wizard.choose_file()

    def open_item(self, item: Any) -> None:
        """`item` is a filter text (e.g. from the dashboard) to show."""
        if isinstance(item, str):
            self.filter_box.setText(item)

    # --- internals -------------------------------------------------------------------------------------
    def _loaded(self, rows, today=None) -> None:
        self.loading = False
        # The day the rows were worked out for marks a next deadline already past as overdue.
        self.model.set_rows([replace(row, as_of=today) for row in rows] if today else rows)
        self.proxy.resort()
        current_area = self.area_filter.currentData()
        self.area_filter.blockSignals(True)
        while self.area_filter.count() > 1:
            self.area_filter.removeItem(1)
        for area in self.model.areas():
            self.area_filter.addItem(area, area)
        self.area_filter.setCurrentIndex(max(0, self.area_filter.findData(current_area)))
        self.area_filter.blockSignals(False)
        fit_columns(self.table)
        self._update_count()

    def _themes_loaded(self, by_theme: dict[str, frozenset[int]]) -> None:
        self.case_ids_by_theme = by_theme
        current = self.theme_filter.currentData()
        self.theme_filter.blockSignals(True)
        while self.theme_filter.count() > 1:
            self.theme_filter.removeItem(1)
        for name in by_theme:
            self.theme_filter.addItem(name, name)
        self.theme_filter.setCurrentIndex(max(0, self.theme_filter.findData(current)))
        self.theme_filter.blockSignals(False)
        self._theme_changed()

    def _theme_changed(self) -> None:
        name = self.theme_filter.currentData() or ""
        self.proxy.set_case_ids(self.case_ids_by_theme.get(name, frozenset()) if name else None)

    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)

    def _stage_changed(self) -> None:
        value = self.stage_filter.currentData()
        self.proxy.set_open_only(value == OPEN_CASES)
        self.proxy.set_stage(Stage(value) if value not in (None, OPEN_CASES) else None)

    def _update_count(self, *args) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} cases shown" if shown != total else f"{total} cases")

    def open_selected(self) -> None:
        row = selected_object(self.table)
        if row is not None:
            self.context.open_case(row.id)

    def _case_created(self, case_id: int) -> None:
        self.refresh()
        self.context.open_case(case_id)
