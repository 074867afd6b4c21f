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


def test_the_lock_saves_an_open_case_on_the_worker_and_a_refusal_stops_it_beside_the_field(
    qtbot, window, ui_context, database, prompter, monkeypatch
):
    import ui.screens.case.screen as case_screen
    from dhr_tracker.casework.cases import create_case, find_case
    from tests.ui.conftest import TODAY
    from ui.security.lock import MANUAL

    threads: list[str] = []
    real_update = case_screen.update_case

    def recording_update(session, case, **values):  # noqa: ANN001
        threads.append(threading.current_thread().name)
        return real_update(session, case, **values)

    monkeypatch.setattr(case_screen, "update_case", recording_update)
    with database.transaction() as session:
        case_id = create_case(
            session,
            reference="DHR-2026-01",
            pseudonym="Anna",
            notified_on=dt.date(2026, 9, 1),
            csp_area="Maidstone",
            victim_real_name="Real Person",
            today=TODAY,
        ).id
    ui_context.open_case(case_id)
    wait_for_tasks(qtbot, ui_context)
    screen = window.current_screen()
    assert screen.key == "case" and screen.form.pseudonym.text() == "Anna"

    screen.form.pseudonym.setText("Real Person")  # the core refuses a pseudonym that is the real name
    prompter.answer("Save", kind="choose")
    assert window.lock(MANUAL) is False
    assert ui_context.is_unlocked
    assert "same as a real name" in screen.form.errors["pseudonym"].text()

    screen.form.pseudonym.setText("Anya")
    prompter.answer("Save", kind="choose")
    assert window.lock(MANUAL) is True
    assert threads and all(name.startswith("dhr-task") for name in threads)  # never the GUI thread
    with database.transaction() as session:
        assert find_case(session, "DHR-2026-01").pseudonym == "Anya"
