"""The spreadsheet import's validation report as a table: severity, sheet, row, column, problem, suggestion.

The rows are the core's `dhr_tracker.exchange.sheets.Problem` records (already scrubbed of real names by
the importer). Errors come first, then skipped rows, then notes; within each, sheet and row order.
"""

from __future__ import annotations

from collections.abc import Iterable

from dhr_tracker.exchange.sheets import Problem
from ui.models.base import Column, RowTableModel, text_key

SEVERITY_LABELS = {"error": "Error", "skipped": "Skipped", "note": "Note"}
SEVERITY_ORDER = {"error": 0, "skipped": 1, "note": 2}
# Calm tints, always with the word in the first column: never colour alone.
SEVERITY_COLOURS = {"error": "#f4c7c3", "skipped": "#fce8b2"}


def _where_key(problem: Problem) -> tuple:
    return (problem.sheet.casefold(), problem.row if problem.row is not None else -1)


def _severity_key(problem: Problem) -> tuple:
    return (SEVERITY_ORDER.get(problem.severity, 3), *_where_key(problem))


def _row_text(problem: Problem) -> str:
    return "" if problem.row is None else str(problem.row)


def _column_text(problem: Problem) -> str:
    if problem.cell and problem.column:
        return f"{problem.column} ({problem.cell})"
    return problem.column or problem.cell


def _colour(problem: Problem) -> str | None:
    return SEVERITY_COLOURS.get(problem.severity)


class ImportReportModel(RowTableModel[Problem]):
    SEVERITY, SHEET, ROW, COLUMN, PROBLEM, SUGGESTION = range(6)
    COLUMNS = (
        Column(
            "Severity", lambda p: SEVERITY_LABELS.get(p.severity, p.severity.title()), _severity_key, background=_colour
        ),
        Column("Sheet", lambda p: p.sheet, _where_key),
        Column("Row", _row_text, lambda p: (p.row is None, p.row or 0, p.sheet.casefold()), align_right=True),
        Column("Column", _column_text, lambda p: (text_key(p.column), _where_key(p))),
        Column("Problem", lambda p: p.problem, tooltip=lambda p: p.problem, free_text=True),
        Column("Suggestion", lambda p: p.suggestion, tooltip=lambda p: p.suggestion or None, free_text=True),
    )

    def set_problems(self, problems: Iterable[Problem]) -> None:
        self.set_rows(sorted(problems, key=_severity_key))

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "skipped": 0, "note": 0}
        for problem in self._rows:
            counts[problem.severity] = counts.get(problem.severity, 0) + 1
        return counts
