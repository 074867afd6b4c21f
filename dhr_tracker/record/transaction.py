"""A record run as one transaction on an unlocked database: all or nothing, or checked and rolled back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dhr_tracker.record.events import RecordEvent
from dhr_tracker.record.report import write_report
from dhr_tracker.record.runner import RecordRefused, RecordRun, apply_events
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.storage.database import Database


def record_events(
    database: Database,
    events: list[RecordEvent],
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    report: Path | None = None,
) -> RecordRun:
    """Apply the events in one transaction: committed only if every one is recorded and it is not a dry run.
    The report (if asked for) is written either way, so a refusal shows where it stopped."""
    with database.session() as session:
        session.begin()
        try:
            run, refused = apply_events(session, events, today=today), None
        except RecordRefused as error:
            run, refused = error.run, error
        if report is not None:
            with session.no_autoflush:
                guard = RealNameGuard.from_session(session)  # knows the names of cases created by this file too
            write_report(report, run, guard, dry_run=dry_run)
        if refused is not None or dry_run:
            session.rollback()
        else:
            session.commit()
    if refused is not None:
        raise refused
    return run
