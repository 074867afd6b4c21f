"""Slow work shows a progress bar with a Cancel button; cancelling stops at a step and leaves nothing behind."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from sqlalchemy import func, select

from dhr_tracker.meetings import copy_register, find_meeting
from dhr_tracker.model import UpdatePack
from dhr_tracker.progress import Cancelled
from dhr_tracker.reports.briefing import write_briefing
from tests.test_briefing import caseload  # noqa: F401 - the demo caseload with a meeting to brief
from tests.test_packs import current_round, demo, demo_packs_template  # noqa: F401 - a demo with an update round
from tests.ui.conftest import TODAY
from ui.tasks import TaskRunner


class HeldAt:
    """Passes reports on to the runner's progress, and holds the worker at one step until the test lets it go."""

    def __init__(self, progress, done: int):  # noqa: ANN001
        self.progress, self.done = progress, done
        self.reached, self.release = threading.Event(), threading.Event()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled

    def report(self, done: int, total: int, text: str = "") -> None:
        self.progress.report(done, total, text)
        if done == self.done:
            self.reached.set()
            assert self.release.wait(30), "the test never let the worker go on"


def runner_for(qtbot, database, prompter) -> TaskRunner:  # noqa: ANN001
    """A runner as the main window sets it up: its dialogs belong to a window (Qt deletes them with it)."""
    window = QWidget()
    qtbot.addWidget(window)
    runner = TaskRunner(SimpleNamespace(database=database, prompter=prompter), window)
    runner.dialog_parent = window
    return runner


def dialog_of(task) -> QProgressDialog:  # noqa: ANN001
    assert isinstance(task._progress, QProgressDialog)
    return task._progress


def cancel_button(dialog: QProgressDialog) -> QPushButton:
    [button] = [b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "Cancel"]
    return button


def test_a_task_that_reports_progress_moves_the_bar_and_its_cancel_button_is_named(qtbot, prompter):
    runner = runner_for(qtbot, None, prompter)
    gate: dict[str, HeldAt] = {}

    def work_with_gate(progress):  # noqa: ANN001
        gate["held"] = held = HeldAt(progress, 2)
        held.report(1, 5, "First step done")
        held.report(2, 5, "Writing copy 3 of 5…")
        return "finished"

    results: list[str] = []
    task = runner.run(
        work_with_gate, on_done=results.append, progress="Producing 5 numbered copies…", uses_database=False
    )
    dialog = dialog_of(task)
    qtbot.waitUntil(lambda: "held" in gate and gate["held"].reached.is_set() and dialog.value() == 2)
    # Two of five steps: the bar shows 2 out of 5 (not the busy bar of 0..0) and says what it is doing.
    assert dialog.maximum() == 5 and dialog.labelText() == "Writing copy 3 of 5…"
    button = cancel_button(dialog)
    assert button.accessibleName() == "Cancel: Producing 5 numbered copies"
    gate["held"].release.set()
    assert runner.wait_for_idle()
    assert results == ["finished"] and prompter.messages() == []


def test_work_that_cannot_be_cancelled_shows_no_cancel_button(qtbot, prompter):
    runner = runner_for(qtbot, None, prompter)
    release = threading.Event()
    task = runner.run(lambda: release.wait(30), progress="Backing up…", uses_database=False)
    assert dialog_of(task).findChildren(QPushButton) == []  # a function without `progress` is never stopped halfway
    release.set()
    assert runner.wait_for_idle()


def test_cancelling_a_briefing_of_several_copies_leaves_no_file_and_no_register_entry(
    qtbot, prompter, caseload, tmp_path
):  # noqa: F811
    database, meeting_on = caseload
    runner = runner_for(qtbot, database, prompter)
    gate: dict[str, HeldAt] = {}
    errors: list[BaseException] = []

    def produce(session, progress):  # noqa: ANN001
        # Held after the first copy is on disk (done=1), so the cancel must remove a written file.
        gate["held"] = held = HeldAt(progress, 1)
        return write_briefing(
            session, find_meeting(session, meeting_on), tmp_path / "briefing.pdf", copies=3, as_of=TODAY, progress=held
        )

    task = runner.run(produce, on_error=errors.append, progress="Producing 3 numbered copies…")
    dialog = dialog_of(task)
    qtbot.waitUntil(lambda: "held" in gate and gate["held"].reached.is_set())
    assert [p.name for p in tmp_path.glob("briefing*")] == ["briefing-copy-01-of-03.pdf"]  # one copy already written
    dialog.show()
    qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
    # Until the worker reaches its next step, the dialog stays up and says it is cancelling.
    assert dialog.isVisible() and dialog.labelText().startswith("Cancelling") and not cancel_button(dialog).isEnabled()
    gate["held"].release.set()
    assert runner.wait_for_idle()

    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert list(tmp_path.glob("briefing*")) == []
    with database.transaction() as session:
        assert copy_register(session, find_meeting(session, meeting_on)) == []
    assert prompter.messages() == []  # the user asked to stop: no warning


def test_cancelling_a_pack_run_leaves_no_pack_file_and_no_register_entry(qtbot, prompter, demo, tmp_path):  # noqa: F811
    from dhr_tracker.exchange.packs.make import make_packs

    runner = runner_for(qtbot, demo, prompter)
    gate: dict[str, HeldAt] = {}
    out = tmp_path / "packs"
    with demo.transaction() as session:
        packs_before = session.scalar(select(func.count()).select_from(UpdatePack))

    def make(session, progress):  # noqa: ANN001
        gate["held"] = held = HeldAt(progress, 1)  # held once the first agency's pack is written
        return make_packs(session, current_round(session), out, progress=held)

    task = runner.run(make, progress="Making the update packs…", title="Could not make the update packs")
    dialog = dialog_of(task)
    qtbot.waitUntil(lambda: "held" in gate and gate["held"].reached.is_set())
    assert len(list(out.iterdir())) == 2  # the first agency's workbook and e-mail draft
    dialog.show()
    qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
    gate["held"].release.set()
    assert runner.wait_for_idle()

    assert isinstance(task.error, Cancelled)
    assert list(out.iterdir()) == []
    with demo.transaction() as session:
        assert session.scalar(select(func.count()).select_from(UpdatePack)) == packs_before
    assert prompter.messages("warning") == []
