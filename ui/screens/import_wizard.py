"""Import from spreadsheet: choose a file, check the columns, see the dry-run report, then import all or nothing.

    wizard = ImportWizard(context, parent)
    wizard.open()              # page 1: "Choose file..." asks through the prompter

Pages (a QStackedWidget with Back / Next buttons, so that the long steps can run as tasks):
1. File: the file is read and the columns suggested (remembered layouts first) in a background task.
2. Columns: one tab per sheet: what it holds (cases, recommendations, or not imported), its header row,
   and for each field the column it comes from (a combo of the sheet's headers).
3. Check: the dry run (a background task) and its report (severity, sheet, row, column, problem,
   suggestion). Import is offered only when there is no error and something to add.
4. Done: what was added. The column choices are remembered (inside the encrypted database) for the next
   file laid out the same way.

Everything goes through the core (`dhr_tracker.exchange.sheets`); no SQL here.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.dates import format_date
from dhr_tracker.exchange.sheets import (
    FIELDS,
    ImportMapping,
    ImportResult,
    SheetFile,
    SheetKind,
    SheetMapping,
    import_sheets,
    read_sheet_file,
    remember_mapping,
    suggest_mapping,
)
from dhr_tracker.exchange.sheets.mapping import HEADER_SEARCH_ROWS, guess_columns
from dhr_tracker.progress import Cancelled
from ui.models.import_report import ImportReportModel
from ui.screens.forms import alive, fit_columns, make_table, name_combo

if TYPE_CHECKING:
    from dhr_tracker.exchange.sheets.source import Sheet
    from ui.context import AppContext

FILE_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv);;All files (*)"
NOT_IMPORTED = "(not imported)"
FILE_PAGE, COLUMNS_PAGE, CHECK_PAGE, DONE_PAGE = range(4)
MAX_ROWS_FITTED = 500


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _texts(values: tuple) -> list[str]:
    return ["" if value is None else " ".join(str(value).split()) for value in values]


@dataclass
class SheetChoice:
    """What the person chose for one sheet on the Columns page."""

    kind: SheetKind | None
    header_row: int
    columns: dict[str, str | None] = field(default_factory=dict)


class SheetMappingEditor(QWidget):
    """One sheet's tab: what it holds, its header row, and a combo per field listing the sheet's headers."""

    changed = Signal()

    def __init__(self, sheet: Sheet, mapping: SheetMapping | None, note: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.sheet = sheet
        self.setObjectName(f"sheet_editor_{sheet.name}")
        self.field_combos: dict[str, QComboBox] = {}

        self.kind_combo = name_combo(QComboBox(self), f"What the sheet {sheet.name} holds")
        self.kind_combo.setObjectName("sheet_kind")
        self.kind_combo.addItem("Not imported", None)
        for kind in SheetKind:
            self.kind_combo.addItem(
                f"{kind.label} (one row per {'case' if kind is SheetKind.CASES else 'recommendation'})", kind.value
            )
        self.header_row = QSpinBox(self)
        self.header_row.setObjectName("header_row")
        self.header_row.setAccessibleName(f"Header row of the sheet {sheet.name}")
        last_row = max((number for number, _ in sheet.rows[:HEADER_SEARCH_ROWS]), default=1)
        self.header_row.setRange(1, max(1, last_row))
        self.header_row.setToolTip("The spreadsheet's row number of the column headings")
        self.note = QLabel(note, self)
        self.note.setWordWrap(True)
        self.note.setObjectName("sheet_note")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setVisible(bool(note))

        self.header_row.setFixedWidth(90)
        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        top.addRow("Import this sheet as", self.kind_combo)
        top.addRow("Headings are in row", self.header_row)

        self.fields_box = QWidget(self)
        self.fields_box.setObjectName("sheet_fields")
        self.fields_layout = QGridLayout(self.fields_box)
        self.fields_layout.setColumnStretch(2, 1)
        self.fields_layout.setHorizontalSpacing(12)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields_box)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.viewport().setAutoFillBackground(False)
        self.fields_box.setAutoFillBackground(False)
        self.hint = QLabel(
            "Fields marked * are required. Choose \u201c(not imported)\u201d to leave a field out. "
            "Beside each field: the first value under its column, to check the choice.",
            self,
        )
        self.hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(scroll, 1)

        if mapping is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(mapping.kind.value)))
            self.header_row.setValue(mapping.header_row or self._first_row())
        else:
            self.header_row.setValue(self._first_row())
        self._build_fields(mapping.columns if mapping is not None else None)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._rebuild(keep=False))
        self.header_row.valueChanged.connect(lambda _v: self._rebuild(keep=True))

    # --- state ---------------------------------------------------------------------------------------
    def kind(self) -> SheetKind | None:
        value = self.kind_combo.currentData()
        return SheetKind(value) if value else None

    def headers(self) -> list[str]:
        return _texts(self.sheet.header_values(self.header_row.value()))

    def choice(self) -> SheetChoice:
        columns = {key: (combo.currentData() or None) for key, combo in self.field_combos.items()}
        return SheetChoice(self.kind(), self.header_row.value(), columns)

    def mapping(self) -> SheetMapping | None:
        choice = self.choice()
        if choice.kind is None:
            return None
        return SheetMapping(choice.kind, self.sheet.name, choice.header_row, choice.columns)

    def missing_required(self) -> list[str]:
        kind = self.kind()
        if kind is None:
            return []
        columns = self.choice().columns
        return [f.label for f in FIELDS[kind] if f.required and not columns.get(f.key)]

    def set_field(self, key: str, header: str | None) -> None:
        """Choose the column under `header` for a field (None: not imported); for tests and keyboard users."""
        combo = self.field_combos[key]
        combo.setCurrentIndex(max(0, combo.findData(header or "")))

    # --- building ------------------------------------------------------------------------------------
    def _first_row(self) -> int:
        return self.sheet.rows[0][0] if self.sheet.rows else 1

    def _rebuild(self, keep: bool) -> None:
        previous = self.choice().columns if keep else None
        self._build_fields(previous)
        self.changed.emit()

    def _example(self, spec, header: str | None) -> str:
        """The first value under the chosen column, so that a wrong choice shows at once (never a real name)."""
        if not header:
            return ""
        if spec.real_name:
            return "(real names are not shown)"
        headers = self.headers()
        index = next((i for i, text in enumerate(headers) if text == header), None)
        if index is None:
            return ""
        for number, values in self.sheet.rows:
            if number > self.header_row.value() and index < len(values) and values[index] not in (None, ""):
                value = values[index]
                text = format_date(value) if isinstance(value, dt.date) else " ".join(str(value).split())
                return f"e.g. {text[:60]}\u2026" if len(text) > 60 else f"e.g. {text}"
        return "(empty)"

    def _build_fields(self, columns: dict[str, str | None] | None) -> None:
        while self.fields_layout.count():
            item = self.fields_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.field_combos = {}
        kind = self.kind()
        self.hint.setVisible(kind is not None)
        self.note.setVisible(bool(self.note.text()) and kind is None)  # why it was left out, until it is chosen
        if kind is None:
            return
        headers = self.headers()
        if columns is None:  # a new kind or header row: guess from the headers, as the command line would
            columns = {key: headers[index] for key, index in guess_columns(kind, headers).items()}
        available = {header.casefold() for header in headers if header}
        for row, spec in enumerate(FIELDS[kind]):
            combo = name_combo(QComboBox(self.fields_box), f"Column for {spec.label}")
            combo.setObjectName(f"field_{spec.key}")
            combo.setMinimumWidth(280)
            combo.addItem(NOT_IMPORTED, "")
            for index, header in enumerate(headers):
                if header:
                    combo.addItem(f"{_column_letter(index)}: {header}", header)
            chosen = columns.get(spec.key)
            if chosen and chosen.casefold() in available:
                combo.setCurrentIndex(
                    max(0, combo.findData(next(h for h in headers if h.casefold() == chosen.casefold())))
                )
            example = QLabel(self._example(spec, combo.currentData()), self.fields_box)
            example.setObjectName(f"example_{spec.key}")
            example.setEnabled(False)  # the app's muted text
            combo.currentIndexChanged.connect(
                lambda _i, spec=spec, combo=combo, example=example: self._field_changed(spec, combo, example)
            )
            label = QLabel(f"{spec.label} *" if spec.required else spec.label, self.fields_box)
            label.setBuddy(combo)
            if spec.real_name:
                combo.setToolTip("Stored in the encrypted database only; never shown in reports or exports")
            self.fields_layout.addWidget(label, row, 0)
            self.fields_layout.addWidget(combo, row, 1)
            self.fields_layout.addWidget(example, row, 2)
            self.field_combos[spec.key] = combo
        self.fields_layout.setRowStretch(len(FIELDS[kind]), 1)

    def _field_changed(self, spec, combo: QComboBox, example: QLabel) -> None:
        example.setText(self._example(spec, combo.currentData()))
        self.changed.emit()


class ImportWizard(QDialog):
    """See the module docstring. `imported(result)` is emitted after a committed import."""

    imported = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Import from spreadsheet")
        self.setAccessibleName("Import from spreadsheet")
        self.setObjectName("import_wizard")
        self.setModal(True)
        self.resize(900, 620)
        self.sheet_file: SheetFile | None = None
        self.suggested: ImportMapping | None = None
        self.editors: list[SheetMappingEditor] = []
        self.result: ImportResult | None = None
        self.checked_mapping: ImportMapping | None = None
        self.busy = False

        self.title = QLabel(self)
        self.title.setObjectName("wizard_title")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._done_page())

        self.back_button = QPushButton("< &Back", self)
        self.back_button.setObjectName("wizard_back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("&Next >", self)
        self.next_button.setObjectName("wizard_next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("wizard_cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.next_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._show_page(FILE_PAGE)

    # --- pages ---------------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Move your caseload in from a spreadsheet: an Excel workbook (.xlsx) or a CSV file saved as UTF-8. "
            "A cases sheet has one row per review; a recommendations sheet one row per recommendation, with its "
            "case reference and lead agency.<br><br>Nothing is written until you have seen the check and chosen "
            "Import; then everything is added at once, or nothing. Cases already in the database are left as "
            "they are.",
            page,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.choose_button = QPushButton("&Choose file\u2026", page)
        self.choose_button.setObjectName("choose_file")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.", page)
        self.file_label.setObjectName("file_label")
        self.file_label.setWordWrap(True)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never read as markup
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Check which column each field comes from. The choices are suggested from the headings "
            "(or remembered from the last file laid out the same way) and are remembered after the import.",
            page,
        )
        intro.setWordWrap(True)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("sheet_tabs")
        self.tabs.setAccessibleName("Sheets")
        self.columns_status = QLabel("", page)
        self.columns_status.setObjectName("columns_status")
        self.columns_status.setWordWrap(True)
        self.columns_status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.columns_status)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget(self)
        self.check_summary = QLabel("", page)
        self.check_summary.setObjectName("check_summary")
        self.check_summary.setWordWrap(True)
        self.report_model = ImportReportModel(parent=page)
        self.report_table = make_table(
            self.report_model, "Import report", page, sortable=True, stretch_column=ImportReportModel.PROBLEM
        )
        self.report_table.horizontalHeader().setSectionResizeMode(
            ImportReportModel.SUGGESTION, QHeaderView.ResizeMode.Stretch
        )
        self.report_table.setWordWrap(True)  # the problem and the suggestion are read in full
        layout = QVBoxLayout(page)
        layout.addWidget(self.check_summary)
        layout.addWidget(self.report_table, 1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_summary = QLabel("", page)
        self.done_summary.setObjectName("done_summary")
        self.done_summary.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_summary)
        layout.addStretch(1)
        return page

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        titles = {
            FILE_PAGE: "Step 1 of 3: choose the spreadsheet",
            COLUMNS_PAGE: "Step 2 of 3: check the columns",
            CHECK_PAGE: "Step 3 of 3: check the rows, then import",
            DONE_PAGE: "Imported",
        }
        self.title.setText(f"<h3>{titles[index]}</h3>")
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        self.back_button.setVisible(page in (COLUMNS_PAGE, CHECK_PAGE))
        self.back_button.setEnabled(not self.busy)
        self.choose_button.setEnabled(not self.busy)
        self.cancel_button.setText("Close" if page == DONE_PAGE else "Cancel")
        self.cancel_button.setEnabled(not self.busy)
        if page == FILE_PAGE:
            self.next_button.setText("&Next >")
            self.next_button.setEnabled(self.sheet_file is not None and not self.busy)
        elif page == COLUMNS_PAGE:
            self.next_button.setText("&Check rows >")
            problem = self._columns_problem()
            self.columns_status.setText(problem)
            self.next_button.setEnabled(not problem and not self.busy)
        elif page == CHECK_PAGE:
            result = self.result
            self.next_button.setText("&Import")
            self.next_button.setEnabled(
                not self.busy
                and result is not None
                and result.ok
                and (result.cases_added + result.recommendations_added) > 0
            )
        else:
            self.next_button.setVisible(False)
            self.cancel_button.setDefault(True)
            return
        self.next_button.setVisible(True)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    # --- step 1: the file ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.context.prompter.open_file("Import from spreadsheet", "", FILE_FILTER)
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path | str) -> None:
        """Read the file and suggest the columns, in the background; then show the Columns page."""
        path = Path(path)
        self.file_label.setText(f"Reading {path.name}\u2026")
        self._set_busy(True)

        def read(session) -> tuple[SheetFile, ImportMapping]:
            sheet_file = read_sheet_file(path)
            return sheet_file, suggest_mapping(sheet_file, session)

        self.context.tasks.run(
            read,
            on_done=alive(self, self._file_read),
            on_error=alive(self, self._file_failed),
            progress=f"Reading {path.name}\u2026",
        )

    def _file_failed(self, error: BaseException) -> None:
        from ui.tasks import message_for

        self._set_busy(False)
        self.file_label.setText("No file chosen.")
        self.context.prompter.warning("Cannot import this file", message_for(error))

    def _file_read(self, loaded: tuple[SheetFile, ImportMapping]) -> None:
        self.sheet_file, self.suggested = loaded
        sheets = self.sheet_file.sheets
        kind = "Excel workbook" if self.sheet_file.kind == "xlsx" else "CSV file"
        self.file_label.setText(f"{self.sheet_file.path.name}: {kind}, {len(sheets)} sheet(s).")
        self.tabs.clear()
        self.editors = []
        only = len(sheets) == 1
        for sheet in sheets:
            mapping = self.suggested.for_sheet(sheet, only)
            note = self.suggested.set_aside.get(sheet.name, "")
            if note:
                note = f"Not imported unless you choose: {note}."
            elif mapping is None:
                note = "This sheet does not look like a cases or a recommendations sheet, so it is not imported."
            editor = SheetMappingEditor(sheet, mapping, note, self.tabs)
            editor.changed.connect(self._update_buttons)
            self.editors.append(editor)
            self.tabs.addTab(editor, sheet.name)
        self.result = None
        self._set_busy(False)
        self._show_page(COLUMNS_PAGE)

    # --- step 2: the columns -------------------------------------------------------------------------
    def mapping(self) -> ImportMapping:
        """The mapping as chosen on screen (sheets not chosen are not imported)."""
        sheets = [mapping for editor in self.editors if (mapping := editor.mapping()) is not None]
        aliases = dict(self.suggested.agency_aliases) if self.suggested is not None else {}
        return ImportMapping(sheets=sheets, agency_aliases=aliases)

    def _columns_problem(self) -> str:
        if not self.editors:
            return ""
        if not any(editor.kind() is not None for editor in self.editors):
            return "Choose what at least one sheet holds: cases or recommendations."
        for editor in self.editors:
            missing = editor.missing_required()
            if missing:
                return f"Sheet \u201c{editor.sheet.name}\u201d: choose the column for {', '.join(missing)}."
        return ""

    # --- step 3: the dry run, then the import ---------------------------------------------------------
    def check(self) -> None:
        sheet_file, mapping, today = self.sheet_file, self.mapping(), self.context.today()
        self.checked_mapping = mapping
        self.result = None
        self.report_model.clear()
        self.check_summary.setText("Checking every row\u2026")
        self._show_page(CHECK_PAGE)
        self._set_busy(True)
        self.context.tasks.run(
            lambda session, progress: import_sheets(
                session, sheet_file, mapping, dry_run=True, today=today, progress=progress
            ),
            on_done=alive(self, self._checked),
            on_error=alive(self, self._step_failed),
            progress="Checking every row\u2026",
            title="Could not check the file",
        )

    def _checked(self, result: ImportResult) -> None:
        self.result = result
        self._show_report(result)
        self._set_busy(False)

    def _show_report(self, result: ImportResult) -> None:
        self.report_model.set_problems(result.problems)
        fit_columns(self.report_table)
        if self.report_model.rowCount() <= MAX_ROWS_FITTED:  # fitting row heights costs a layout per row
            self.report_table.resizeRowsToContents()
        counts = self.report_model.counts()
        parts = [
            f"{counts['error']} error(s)" if counts["error"] else "",
            f"{counts['skipped']} row(s) skipped" if counts["skipped"] else "",
            f"{counts['note']} note(s) for information" if counts["note"] else "",
        ]
        found = "The report below lists " + ", ".join(part for part in parts if part) + "." if result.problems else ""
        if not result.ok:
            advice = (
                "Nothing can be imported while an error remains: correct the spreadsheet (or go Back and "
                "change the columns), save it, and choose the file again."
            )
        elif result.cases_added + result.recommendations_added == 0:
            advice = "There is nothing new to import."
        else:
            advice = "Choose Import to add everything at once."
        self.check_summary.setText(f"{html.escape(result.summary())}<br>{found} <b>{advice}</b>")

    def import_now(self) -> None:
        sheet_file, mapping, today = self.sheet_file, self.checked_mapping, self.context.today()

        def run(session, progress) -> ImportResult:
            result = import_sheets(session, sheet_file, mapping, today=today, progress=progress)
            if result.committed:
                remember_mapping(session, sheet_file, mapping)
            return result

        self._set_busy(True)
        self.context.tasks.run(
            run,
            on_done=alive(self, self._imported),
            on_error=alive(self, self._step_failed),
            progress="Importing\u2026",
            title="Could not import",
        )

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.busy = False
        if not result.committed:  # something changed since the check: show the new report, nothing was written
            self._show_report(result)
            self._update_buttons()
            return
        self.done_summary.setText(
            f"{html.escape(result.summary())}<br><br>The column choices are remembered for the next file laid out the same way."
        )
        self._show_page(DONE_PAGE)
        self.context.notify_data_changed(None)
        self.imported.emit(result)

    def _step_failed(self, error: BaseException) -> None:
        from ui.tasks import message_for

        self._set_busy(False)
        self.check_summary.setText(html.escape(message_for(error)))
        if not isinstance(error, Cancelled):  # cancelling was the user's own choice: the summary says so, no warning
            self.context.prompter.warning("Could not finish", message_for(error))

    # --- buttons -------------------------------------------------------------------------------------
    def go_next(self) -> None:
        page = self.pages.currentIndex()
        if self.busy or not self.next_button.isEnabled():
            return
        if page == FILE_PAGE:
            self._show_page(COLUMNS_PAGE)
        elif page == COLUMNS_PAGE:
            self.check()
        elif page == CHECK_PAGE:
            self.import_now()

    def go_back(self) -> None:
        page = self.pages.currentIndex()
        if not self.busy and page in (COLUMNS_PAGE, CHECK_PAGE):
            self._show_page(page - 1)

    def state(self) -> dict[str, Any]:
        """For tests: the page and what the buttons offer."""
        return {
            "page": self.pages.currentIndex(),
            "next": self.next_button.text(),
            "next_enabled": self.next_button.isEnabled(),
        }
