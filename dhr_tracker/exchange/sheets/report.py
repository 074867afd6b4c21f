"""The validation report of an import as a CSV file: one line per problem, for the person to work through."""

from __future__ import annotations

import csv
from pathlib import Path

from dhr_tracker.exchange.sheets.importer import ImportResult
from dhr_tracker.spreadsheets import safe_cell
from dhr_tracker.storage.files import open_new_owner_only

REPORT_COLUMNS = ("severity", "sheet", "row", "column", "cell", "problem", "suggestion")


def report_rows(result: ImportResult) -> list[dict[str, object]]:
    return [
        {
            "severity": problem.severity,
            "sheet": problem.sheet,
            "row": problem.row or "",
            "column": problem.column,
            "cell": problem.cell,
            "problem": problem.problem,
            "suggestion": problem.suggestion,
        }
        for problem in result.problems
    ]


def write_report(result: ImportResult, path: Path | str) -> int:
    """Write the report (UTF-8 with a byte-order mark, so Excel reads it right) to a new owner-only file.

    The report holds no real name (the importer removes them). Returns the number of lines written.
    """
    path = Path(path)
    handle = open_new_owner_only(path, "w", what="the report", encoding="utf-8-sig", newline="")
    rows = report_rows(result)
    try:
        with handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: safe_cell(value) for key, value in row.items()})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return len(rows)
