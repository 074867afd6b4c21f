"""Importing cases and recommendations from a spreadsheet: every problem reported at once, then all or nothing.

`import_sheets` reads every row, checks it, and creates the records inside a savepoint of the caller's
session. A dry run, or any error, rolls the savepoint back: nothing is written. Otherwise the changes
stay in the session for the caller's transaction to commit. A case whose reference is already in the
database is reported and left alone, never overwritten; so are recommendations already recorded.

Real names from the sheet go into the (encrypted) database only: the report never quotes a real-name
column, and any real name that a message might contain is replaced before the report is returned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dhr_tracker.dates import today_uk
from dhr_tracker.exchange.sheets.case_rows import CaseRows
from dhr_tracker.exchange.sheets.checks import RowChecker
from dhr_tracker.exchange.sheets.fields import SheetKind
from dhr_tracker.exchange.sheets.mapping import ImportMapping, suggest_mapping
from dhr_tracker.exchange.sheets.reading import SheetReader
from dhr_tracker.exchange.sheets.recommendation_rows import RecommendationRows
from dhr_tracker.exchange.sheets.recommendation_writing import RecommendationWriter
from dhr_tracker.exchange.sheets.results import ERROR, NOTE, SKIPPED, ImportResult, Problem, SheetSummary
from dhr_tracker.exchange.sheets.source import SheetFile
from dhr_tracker.progress import NO_PROGRESS, Progress, step

__all__ = ["ERROR", "NOTE", "SKIPPED", "ImportResult", "Problem", "SheetSummary", "import_sheets"]


class _Importer:
    def __init__(
        self,
        session: Session,
        sheet_file: SheetFile,
        mapping: ImportMapping | None,
        today: dt.date,
        progress: Progress = NO_PROGRESS,
    ):
        self.session = session
        self.progress = progress
        explicit = mapping is not None
        mapping = mapping if mapping is not None else suggest_mapping(sheet_file, session)
        self.check = RowChecker(session, mapping, today)
        self.cases = CaseRows(self.check)
        self.recommendations = RecommendationRows(self.check, self.cases)
        self.reader = SheetReader(
            self.check,
            sheet_file,
            mapping,
            explicit,
            {SheetKind.CASES: self.cases, SheetKind.RECOMMENDATIONS: self.recommendations},
        )
        self.writer = RecommendationWriter(self.check)

    def run(self, dry_run: bool) -> ImportResult:
        step(self.progress, 0, 4, "Reading the sheets…")
        self.reader.read()
        step(self.progress, 1, 4, "Checking the rows…")
        self.check.index_rows()
        savepoint = self.session.begin_nested()
        recommendations = 0
        try:
            step(self.progress, 2, 4, "Adding the cases…")
            created = self.cases.create()
            step(self.progress, 3, 4, "Adding the recommendations…")
            # A dry run writes too, inside the savepoint it then rolls back, so that it reports all the import would;
            # rows with a problem already found are left out.
            recommendations = self.writer.write(self.recommendations.rows, created)
            step(self.progress, 4, 4, "Saving…")  # the last chance to cancel: after this the import is whole
            if dry_run or self.check.has_errors:
                savepoint.rollback()
            else:
                savepoint.commit()
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        failed = self.check.has_errors
        if not failed:
            self.check.problems.extend(self.cases.stage_notes)
            self.check.problems.extend(self.writer.notes)
        problems, summaries = self._scrubbed(self.reader.summaries)
        return ImportResult(
            problems=problems,
            sheets=summaries,
            cases_added=0 if failed else len(created),
            cases_skipped=self.cases.skipped,
            recommendations_added=0 if failed else recommendations,
            recommendations_skipped=self.recommendations.skipped,
            dry_run=dry_run,
            committed=not (dry_run or failed),
            stages={} if failed else dict(self.cases.stages),
        )

    def _scrubbed(self, summaries: list[SheetSummary]) -> tuple[list[Problem], list[SheetSummary]]:
        """The problems and sheet names with any text that holds a real name (from the sheet or already in the
        database) withheld: the report must never show one (a sheet named after a victim included)."""
        from dhr_tracker.privacy.guard import NameGuard
        from dhr_tracker.reports.pseudonyms import RealNameGuard

        sheet_guard = NameGuard(("", name) for name in self.check.real_names)
        database_guard = RealNameGuard.from_session(self.session)
        if not sheet_guard.names and not database_guard.names:
            return list(self.check.problems), summaries

        def clean(text: str) -> str:
            return database_guard.redact(sheet_guard.redact(text)) if text else text

        problems = [
            Problem(clean(p.sheet), p.row, clean(p.column), clean(p.problem), clean(p.suggestion), p.severity, p.cell)
            for p in self.check.problems
        ]
        return problems, [SheetSummary(clean(s.name), s.kind, s.header_row, s.rows_read) for s in summaries]


def import_sheets(
    session: Session,
    sheet_file: SheetFile,
    mapping: ImportMapping | None = None,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportResult:
    """Check every row of the file and, unless this is a dry run or a problem was found, create the cases and
    recommendations in the session (all or nothing). Without a mapping, remembered mappings and the
    automatic guess decide which sheet and column holds what. Cancelling `progress` raises Cancelled with
    the savepoint rolled back: nothing is imported.
    """
    importer = _Importer(session, sheet_file, mapping, today or today_uk(), progress)
    return importer.run(dry_run)
