"""Writes never run on the GUI thread: `context.read` refuses a function that writes, and the screens' saves run as tasks."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt

from dhr_tracker.closure_days import add_closure_day, list_closure_days
from dhr_tracker.settings import PROTECTIVE_MARKING, Settings
from tests.ui.conftest import wait_for_tasks
from ui.context import WriteInRead
from ui.settings_screen import SettingsScreen

# 29/12/2026 is a Tuesday between Christmas and New Year: a working day the council may close.
CLOSURE = dt.date(2026, 12, 29)


def test_a_service_that_writes_is_refused_by_read_and_nothing_is_kept(ui_context):
    # add_closure_day adds the row and flushes it: a flushed write is caught too, not only a pending one.
    with pytest.raises(WriteInRead, match="tasks.run"):
        ui_context.read(lambda session: add_closure_day(session, CLOSURE, "Christmas closure"))
    assert ui_context.read(list_closure_days) == []


def test_a_change_left_pending_is_refused_by_read(ui_context):
    def change(session) -> None:  # noqa: ANN001
        Settings(session).set(PROTECTIVE_MARKING, "OFFICIAL-SENSITIVE - PERSONAL")

    with pytest.raises(WriteInRead):
        ui_context.read(change)
    assert ui_context.setting(PROTECTIVE_MARKING) != "OFFICIAL-SENSITIVE - PERSONAL"


def test_reads_still_work_through_read(ui_context):
    assert ui_context.read(list_closure_days) == []


def test_the_settings_screens_writes_run_on_the_task_worker(qtbot, ui_context, monkeypatch):
    import ui.widgets.closure_days as closure_widget

    threads: list[str] = []

    def recording_add(session, day, description):  # noqa: ANN001
        threads.append(threading.current_thread().name)
        return add_closure_day(session, day, description)

    monkeypatch.setattr(closure_widget, "add_closure_day", recording_add)
    screen = SettingsScreen(ui_context)
    qtbot.addWidget(screen)
    screen.refresh()
    editor = screen.closure_days
    editor.day.set_value(CLOSURE)
    editor.description.setText("Christmas closure")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    assert threads and threads[0] != threading.main_thread().name and threads[0].startswith("dhr-task")
    assert editor.model.rowCount() == 1 and editor.message.text() == "29/12/2026 added."

    # A refusal from the worker still shows beside the editor: the same day again.
    editor.day.set_value(CLOSURE)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    assert "already a closure day" in editor.message.text() and editor.message.kind == "error"
