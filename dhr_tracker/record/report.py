"""The per-line report of a record run (CSV), checked for real names before it is written."""

from __future__ import annotations

import csv
from pathlib import Path

from dhr_tracker.privacy.channels import RECORD_REPORT
from dhr_tracker.record.runner import RECORDED, RecordRun
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.spreadsheets import safe_cell
from dhr_tracker.storage.files import open_new_owner_only

REPORT_COLUMNS = ("line", "event", "case", "outcome", "detail", "rule")
WOULD_BE_RECORDED = "would be recorded"


def report_rows(run: RecordRun, *, dry_run: bool) -> list[list[str]]:
    return [
        [
            str(o.line or ""),
            o.event,
            o.case,
            WOULD_BE_RECORDED if dry_run and o.status == RECORDED else o.status,
            o.detail,
            o.rule,
        ]
        for o in run.outcomes
    ]


def write_report(path: Path, run: RecordRun, guard: RealNameGuard, *, dry_run: bool) -> Path:
    """A new owner-only CSV (UTF-8 with a byte-order mark, for Excel); never replaces a file."""
    rows = report_rows(run, dry_run=dry_run)
    guard.check([cell for row in rows for cell in row], where=RECORD_REPORT)
    with open_new_owner_only(path, "w", what="the report", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return path
