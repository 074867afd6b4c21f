"""What a spreadsheet import found and did: the report's lines, the sheets read, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from dhr_tracker.exchange.sheets.fields import SheetKind
from dhr_tracker.vocabulary import Stage

ERROR, SKIPPED, NOTE = "error", "skipped", "note"


@dataclass(frozen=True)
class Problem:
    """One line of the validation report. `row` is the spreadsheet's row number (None: the whole sheet)."""

    sheet: str
    row: int | None
    column: str
    problem: str
    suggestion: str = ""
    severity: str = ERROR  # error (blocks the import), skipped (row left out), note (for information)
    cell: str = ""


@dataclass(frozen=True)
class SheetSummary:
    name: str
    kind: SheetKind | None
    header_row: int | None
    rows_read: int


@dataclass
class ImportResult:
    """What an import found and did. `committed` is True when the changes are in the caller's session."""

    problems: list[Problem]
    sheets: list[SheetSummary]
    cases_added: int = 0
    cases_skipped: int = 0
    recommendations_added: int = 0
    recommendations_skipped: int = 0
    dry_run: bool = True
    committed: bool = False
    stages: dict[str, Stage] = field(default_factory=dict)  # each new case's reference -> the stage its dates give

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """Two or three sentences for the person who asked for the import."""
        would = "would be" if self.dry_run or not self.committed else "were"
        counts = (
            f"{self.cases_added} case(s) and {self.recommendations_added} recommendation(s) {would} added; "
            f"{self.cases_skipped} case(s) and {self.recommendations_skipped} recommendation(s) already in the "
            "database were left as they are."
        )
        if self.errors:
            return (
                f"Nothing was imported: the report lists {len(self.errors)} problem(s) to correct in the sheet. "
                "Correct them and try again."
            )
        if self.dry_run:
            return f"Dry run: no problems found. {counts} Nothing has been written yet."
        return f"Imported. {counts}"
