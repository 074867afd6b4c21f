"""The Annual figures screen: the partnership's figures for a year, each opened to the cases behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date
from dhr_tracker.reports.figures import AnnualFigures, CaseLine, annual_figures
from ui.models.base import Column, RowTableModel
from ui.screens.base import Screen
from ui.screens.forms import alive, fit_columns, make_table, selected_object

if TYPE_CHECKING:
    from ui.context import AppContext


@dataclass(frozen=True)
class FigureLine:
    figure: str
    label: str
    shown: str
    national: str
    cases: tuple[CaseLine, ...]


class FigureModel(RowTableModel[FigureLine]):
    FIGURE, ROW, VALUE, NATIONAL = range(4)
    COLUMNS = (
        Column("Figure", lambda r: r.figure, free_text=True),
        Column("", lambda r: r.label, free_text=True),
        Column("This partnership", lambda r: r.shown),
        Column("National", lambda r: r.national),
    )


class CaseLineModel(RowTableModel[CaseLine]):
    REFERENCE, PSEUDONYM, DETAIL = range(3)
    COLUMNS = (
        Column("Reference", lambda c: c.reference),
        Column("Pseudonym", lambda c: c.pseudonym),
        Column("What it contributes", lambda c: c.detail),
    )


class FiguresScreen(Screen):
    key = "figures"
    title = "Annual figures"
    icon_name = "figures"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.figures: AnnualFigures | None = None
        self.year = QSpinBox(self)
        self.year.setObjectName("figures_year")
        self.year.setAccessibleName("Year")
        self.year.setRange(2011, 2100)
        self.year.setValue(context.today().year)
        self.year.valueChanged.connect(lambda _value: self.refresh())
        self.export_hint = QLabel("For the PDF or workbook: <i>dhr-tracker kpi --year YYYY --out FILE.pdf</i>", self)
        self.heading = QLabel("<h2>Annual figures</h2>", self)
        self.note = QLabel("", self)
        self.note.setObjectName("figures_note")
        self.note.setWordWrap(True)
        self.model = FigureModel(parent=self)
        self.table = make_table(self.model, "Annual figures", self, sortable=False, stretch_column=FigureModel.ROW)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.case_model = CaseLineModel(parent=self)
        self.case_table = make_table(
            self.case_model, "The cases behind the figure", self, stretch_column=CaseLineModel.DETAIL
        )
        self.case_table.activated.connect(lambda _index: self.open_selected())
        self.case_table.doubleClicked.connect(lambda _index: self.open_selected())
        self.cases_label = QLabel("Select a figure to see the cases behind it.", self)
        self.open_button = QPushButton("&Find the case", self)
        self.open_button.setObjectName("figures_open_case")
        self.open_button.setToolTip("Show the selected case in the case list (Enter)")
        self.open_button.clicked.connect(self.open_selected)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("&Year:", self))
        bar.itemAt(0).widget().setBuddy(self.year)
        bar.addWidget(self.year)
        bar.addWidget(self.export_hint)
        bar.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.cases_label, 1)
        row.addWidget(self.open_button)
        lower_layout.addLayout(row)
        lower_layout.addWidget(self.case_table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)  # the figures matter most; the cases open beneath on demand
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self._selection_changed()

    def refresh(self) -> None:
        year, today = self.year.value(), self.context.today()
        self.context.tasks.run(
            lambda session: annual_figures(session, year, today=today),
            on_done=alive(self, self._loaded),
            title="Could not work out the figures",
        )

    def clear(self) -> None:
        self.figures = None
        self.model.clear()
        self.case_model.clear()
        self.note.clear()
        self._selection_changed()

    def find(self) -> None:
        self.year.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _loaded(self, figures: AnnualFigures) -> None:
        if figures.year != self.year.value():
            return  # an older request, overtaken by a change of year
        self.figures = figures
        self.heading.setText(f"<h2>Annual figures {figures.year}</h2>")
        self.note.setText(
            f"Calendar year {figures.year}, the record as it stood on {format_date(figures.as_of)}. "
            "National figures are labelled with their source in the report."
        )
        lines = []
        for figure in figures.figures:
            if not figure.rows:
                lines.append(FigureLine(figure.title, "None in the year", "", "", ()))
            for index, row in enumerate(figure.rows):
                lines.append(
                    FigureLine(figure.title if index == 0 else "", row.label, row.shown, row.national, row.cases)
                )
        self.model.set_rows(lines)
        fit_columns(self.table, maximum=420)
        self._selection_changed()

    def selected_line(self) -> FigureLine | None:
        return selected_object(self.table)

    def _selection_changed(self, *args) -> None:
        line = self.selected_line()
        self.case_model.set_rows(line.cases if line else ())
        self.cases_label.setText(
            f"<b>{line.label}</b>: {len(line.cases)} case line{'s' if len(line.cases) != 1 else ''}"
            if line
            else "Select a figure to see the cases behind it."
        )
        fit_columns(self.case_table, maximum=420)
        self.open_button.setEnabled(line is not None and bool(line.cases))

    def open_selected(self) -> None:
        case = selected_object(self.case_table)
        if case is not None:
            self.context.open_screen("cases", case.reference)

    def open_item(self, item: Any) -> None:
        if isinstance(item, int):
            self.year.setValue(item)
