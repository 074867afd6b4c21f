"""Core work stops when its watcher cancels: at a step boundary, before committing, leaving nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dhr_tracker.demo import create_demo_database
from dhr_tracker.exchange.sheets import import_sheets, read_sheet_file
from dhr_tracker.model import Case, Recommendation
from dhr_tracker.progress import NO_PROGRESS, Cancelled, step
from tests.test_sheet_import import TODAY, messy_workbook

PASSPHRASE = "a demo passphrase for this test only"


class CancelAfter:
    """A watcher who presses Cancel once `reports` reports have arrived."""

    def __init__(self, reports: int):
        self.reports, self.seen, self.cancelled = reports, [], False

    def report(self, done: int, total: int, text: str = "") -> None:
        self.seen.append((done, total, text))
        self.cancelled = len(self.seen) >= self.reports


def test_nobody_watching_never_cancels():
    step(NO_PROGRESS, 1, 2, "anything")  # no error, nothing to see


def test_a_cancelled_import_adds_no_case_and_no_recommendation(database, tmp_path):
    sheet_file = read_sheet_file(messy_workbook(tmp_path / "caseload.xlsx", problems=False))
    watcher = CancelAfter(4)  # cancelled once the recommendations are written, before the savepoint commits
    with pytest.raises(Cancelled, match="nothing was saved"), database.transaction() as session:
        import_sheets(session, sheet_file, today=TODAY, progress=watcher)
    assert [done for done, _, _ in watcher.seen] == [0, 1, 2, 3]
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(func.count()).select_from(Recommendation)) == 0
    # Not cancelled, the same file imports (so the cancel, not the file, stopped it).
    with database.transaction() as session:
        assert import_sheets(session, sheet_file, today=TODAY, progress=CancelAfter(99)).committed


def test_a_cancelled_demo_leaves_no_database_file(tmp_path):
    path = tmp_path / "demo.dhrdb"
    watcher = CancelAfter(3)  # two demo cases added, then Cancel
    with pytest.raises(Cancelled):
        create_demo_database(path, PASSPHRASE, cases=4, progress=watcher)
    # Four cases, then the meetings and learning, then the rounds: six steps, reported as "n of 6".
    assert watcher.seen[0] == (0, 6, "Adding demo case 1 of 4…")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("demo")] == []
