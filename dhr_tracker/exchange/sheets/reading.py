"""Reading a file's sheets: which sheets the mapping takes, each one's header row and columns, formulas, and
each row handed to the cases or the recommendations checks."""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from dhr_tracker.exchange.sheets.cells import EXCEL_ERRORS, is_blank
from dhr_tracker.exchange.sheets.checks import Row, RowChecker
from dhr_tracker.exchange.sheets.fields import FIELDS, SheetKind
from dhr_tracker.exchange.sheets.mapping import ImportMapping, Layout, SheetMapping, layout_for
from dhr_tracker.exchange.sheets.results import NOTE, Problem, SheetSummary
from dhr_tracker.exchange.sheets.source import Sheet, SheetFile


class RowReader(Protocol):
    def read(self, row: Row) -> None: ...


def _saved_value(values: tuple, index: int) -> bool:
    value = values[index] if index < len(values) else None
    return value is not None and not (isinstance(value, str) and value.strip() in EXCEL_ERRORS)


class SheetReader:
    def __init__(
        self,
        check: RowChecker,
        sheet_file: SheetFile,
        mapping: ImportMapping,
        explicit: bool,
        readers: dict[SheetKind, RowReader],
    ):
        self.check = check
        self.file = sheet_file
        self.mapping = mapping
        self.explicit = explicit
        self.readers = readers
        self.summaries: list[SheetSummary] = []

    def read(self) -> None:
        only = len(self.file.sheets) == 1
        chosen: list[tuple[Sheet, SheetMapping]] = []
        for sheet in self.file.sheets:
            sheet_mapping = self.mapping.for_sheet(sheet, only)
            if sheet_mapping is not None:
                chosen.append((sheet, sheet_mapping))
            elif any(not is_blank(value) for _, values in sheet.rows for value in values):
                why = (
                    "it is not in the mapping"
                    if self.explicit
                    else self.mapping.set_aside.get(
                        sheet.name, "it does not look like a cases or recommendations sheet"
                    )
                )
                self.check.report_sheet(
                    sheet,
                    f"This sheet was not imported: {why}.",
                    "Name it in the mapping if it should be imported.",
                    NOTE,
                )
        if not only:
            for sheet_mapping in self.mapping.sheets:
                if sheet_mapping.sheet is not None and not any(
                    sheet.name.strip().casefold() == sheet_mapping.sheet.strip().casefold()
                    for sheet in self.file.sheets
                ):
                    names = ", ".join(f"'{sheet.name}'" for sheet in self.file.sheets)
                    self.check.problems.append(
                        Problem(
                            sheet_mapping.sheet,
                            None,
                            "",
                            f"The mapping names the sheet '{sheet_mapping.sheet}', which the file does not have.",
                            f"The sheets are: {names}.",
                        )
                    )
        if not chosen and not self.check.has_errors:
            self.check.problems.append(
                Problem(
                    self.file.path.name,
                    None,
                    "",
                    "No sheet in this file looks like a cases or a recommendations sheet.",
                    "Check that the headers are in the first rows, or give a mapping (see docs/spreadsheet-import.md).",
                )
            )
        # Cases first, so that recommendations may refer to cases in the same file, whatever the sheet order.
        chosen.sort(key=lambda pair: pair[1].kind is not SheetKind.CASES)
        for sheet, sheet_mapping in chosen:
            self.read_sheet(sheet, sheet_mapping)

    def read_sheet(self, sheet: Sheet, sheet_mapping: SheetMapping) -> None:
        layout = layout_for(sheet, sheet_mapping)
        if layout is None:
            self.check.report_sheet(
                sheet,
                f"No header row found in the first rows of this {sheet_mapping.kind.value} sheet.",
                'Give the header row\'s number ("header_row") in the mapping.',
            )
            self.summaries.append(SheetSummary(sheet.name, sheet_mapping.kind, None, 0))
            return
        blocked = False
        for header in layout.missing:
            self.check.report_sheet(
                sheet,
                f"Row {layout.header_row} has no column headed '{header}'.",
                "Check the header's spelling in the mapping. The headers are: "
                + ", ".join(f"'{text}'" for text in layout.headers if text)
                + ".",
                column=header,
            )
            blocked = True
        for f in FIELDS[layout.kind]:
            if f.required and f.key not in layout.columns:
                examples = ", ".join(f"'{header.title()}'" for header in f.headers[:3])
                self.check.report_sheet(
                    sheet,
                    f"This {layout.kind.value} sheet has no column for the {f.label.lower()}.",
                    f"Head the column {examples}, or name it in the mapping.",
                    column=f.label,
                )
                blocked = True
        if blocked:
            self.summaries.append(SheetSummary(sheet.name, layout.kind, layout.header_row, 0))
            return
        self._note_formulas(sheet, layout)
        count = 0
        for number, values in sheet.rows:
            if number <= layout.header_row:
                continue
            row = self._row(sheet, layout, number, values)
            if row is None:
                continue
            count += 1
            self.readers[layout.kind].read(row)
        self.summaries.append(SheetSummary(sheet.name, layout.kind, layout.header_row, count))
        if count == 0:
            self.check.report_sheet(sheet, "This sheet has headers but no rows to import.", severity=NOTE)

    def _note_formulas(self, sheet: Sheet, layout: Layout) -> None:
        values = dict(sheet.rows)
        by_column = Counter(
            index
            for (number, index) in sheet.formulas
            if number > layout.header_row and _saved_value(values.get(number, ()), index)
        )
        for index in layout.columns.values():
            if by_column.get(index):
                self.check.report_sheet(
                    sheet,
                    f"{by_column[index]} cell(s) in this column hold a formula: the value Excel last "
                    "calculated and saved was imported.",
                    "Check those values, or replace the formulas by their values.",
                    NOTE,
                    column=layout.header_of(index),
                )

    def _row(self, sheet: Sheet, layout: Layout, number: int, values: tuple) -> Row | None:
        picked: dict[str, Any] = {}
        real = False
        for key, index in layout.columns.items():
            value = values[index] if index < len(values) else None
            picked[key] = value
            if not is_blank(value) and (number, index) not in sheet.filled:
                real = True
        if not real:
            return None  # a blank row (or one holding only what a merged cell above spread into it)
        row = Row(sheet, layout, number, picked)
        for key, index in layout.columns.items():
            formula = sheet.formulas.get((number, index))
            if formula is None:
                continue
            value = picked[key]
            if value is None:
                self.check.report(
                    row,
                    key,
                    "This cell holds a formula whose value was never saved in the file.",
                    "Open the file in Excel and save it, or type the value instead of the formula.",
                )
                row.bad.add(key)
            elif isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                self.check.report(
                    row,
                    key,
                    f"This cell's formula gives the error {value.strip()}.",
                    "Correct the formula, or type the value instead.",
                )
                row.bad.add(key)
                picked[key] = None
        return row
