"""The idle lock and the lock sequence (#7.1): injected timeouts and clock, qtbot.waitSignal, no sleeps."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout
from sqlalchemy import event

from tests.ui.conftest import PASSPHRASE, wait_for_tasks
from ui.screens.base import Screen
from ui.security.idle import IdleWatcher
from ui.security.lock import IDLE, MANUAL


class RecordingScreen(Screen):
    """A screen that shows data, may hold unsaved edits, and records what the shell asked of it."""

    key = "recording"
    title = "Recording"

    def __init__(self, context, log: list[str]):
        super().__init__(context)
        self.log = log
        self.label = QLabel("DHR-2026-01 Alex", self)
        QVBoxLayout(self).addWidget(self.label)
        self.dirty = False
        self.save_result = True
        self.opened: list[object] = []
        self.refreshes = 0

    def refresh(self) -> None:
        self.refreshes += 1
        self.label.setText("DHR-2026-01 Alex")

    def clear(self) -> None:
        self.log.append("screen cleared")
        self.label.clear()

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def save_changes(self) -> bool:
        self.log.append("saved" if self.save_result else "save refused")
        if self.save_result:
            self.dirty = False
        return self.save_result

    def remember(self):
        return 42

    def open_item(self, item) -> None:
        self.opened.append(item)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def recording(window, ui_context, log) -> RecordingScreen:
    screen = RecordingScreen(ui_context, log)
    window._add_screen(screen)
    return screen


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:
    assert window.pages.currentWidget() is window.unlock_screen
    window.unlock_screen.passphrase.setText(passphrase)
    qtbot.mouseClick(window.unlock_screen.unlock_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, window.context)


def test_lock_follows_the_fixed_order(qtbot, window, ui_context, recording, log, prompter):
    database = ui_context.database
    event.listen(database.engine, "engine_disposed", lambda _engine: log.append("engine disposed"))
    borrowed = {"out": 0, "in": 0}
    event.listen(database.engine.pool, "checkout", lambda *_args: borrowed.__setitem__("out", borrowed["out"] + 1))
    event.listen(database.engine.pool, "checkin", lambda *_args: borrowed.__setitem__("in", borrowed["in"] + 1))

    # 1. a save in progress: it finishes before anything else happens
    release = threading.Event()

    def slow_save(_session):
        release.wait(10)
        return "done"

    ui_context.tasks.run(slow_save, on_done=lambda _result: log.append("task finished"))
    QTimer.singleShot(20, release.set)
    # 2. an open dialog
    dialog = QDialog(window)
    dialog.setWindowTitle("Edit recommendation")
    dialog.finished.connect(lambda _result: log.append("dialog closed"))
    dialog.show()
    # 3. something the app copied
    ui_context.clipboard.copy("DHR-2026-01")
    ui_context.clipboard.cleared.connect(lambda emptied: log.append(f"clipboard cleared={emptied}"))
    # 4. unsaved edits: the user answers Save
    recording.dirty = True
    prompter.answer("Save", kind="choose")
    window.show_screen("recording")

    with qtbot.waitSignal(window.lock_sequence.lock_finished, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert window.lock_sequence.steps == [
        "wait_for_tasks",
        "close_dialogs",
        "clear_clipboard",
        "unsaved_changes",
        "drop_key",
        "show_unlock",
    ]
    assert log == [
        "task finished",
        "dialog closed",
        "clipboard cleared=True",
        "saved",
        "screen cleared",
        "engine disposed",
    ]
    assert not dialog.isVisible()
    assert QGuiApplication.clipboard().text() == ""
    assert ui_context.database is None and ui_context.tasks.is_idle()
    assert borrowed["out"] >= 1 and borrowed["out"] == borrowed["in"]  # every connection went back before disposal
    assert recording.label.text() == ""
    assert window.pages.currentWidget() is window.unlock_screen
    assert not window.lock_action.isEnabled()
    assert prompter.pending == 0


def test_cancel_at_the_unsaved_question_keeps_the_database_open(qtbot, window, ui_context, recording, log, prompter):
    recording.dirty = True
    prompter.answer("Cancel", kind="choose")
    assert window.lock(MANUAL) is False
    assert ui_context.database is not None
    assert window.pages.currentWidget() is window.workspace
    assert "screen cleared" not in log
    recording.dirty = False  # so closing the window at teardown asks nothing


def test_a_refused_save_stops_a_manual_lock(qtbot, window, ui_context, recording, log, prompter):
    recording.dirty, recording.save_result = True, False
    prompter.answer("Save", kind="choose")
    assert window.lock(MANUAL) is False
    assert ui_context.database is not None
    assert log == ["save refused"]
    recording.dirty = False


def test_idle_lock_cannot_be_cancelled_and_saves_when_nobody_answers(
    qtbot, window, ui_context, recording, log, prompter
):
    recording.dirty = True  # nothing scripted: the question times out with its default, Save
    assert window.lock(IDLE) is True
    assert prompter.shown[-1].kind == "choose" and "locking" in prompter.shown[-1].text
    assert log[:2] == ["saved", "screen cleared"]
    assert ui_context.database is None


def test_idle_timeout_locks_the_app(qtbot, make_window, ui_context):
    window = make_window(ui_context, idle_timeout_ms=30)
    with qtbot.waitSignal(window.lock_sequence.lock_finished, timeout=5_000) as blocker:
        window._on_unlocked()
    assert blocker.args == [IDLE]
    assert ui_context.database is None
    assert window.pages.currentWidget() is window.unlock_screen
    assert not window.idle_watcher.active  # nothing to protect while locked


def test_any_input_restarts_the_idle_timer(qtbot, qapp):
    now = [100.0]
    watcher = IdleWatcher(60_000, clock=lambda: now[0])
    watcher.start()
    try:
        label = QLabel("anywhere")
        qtbot.addWidget(label)
        start = watcher.restarts
        now[0] += 1
        QApplication.sendEvent(
            label, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
        )
        assert watcher.restarts == start + 1
        # A burst of input within the granularity restarts the timer once, not per event.
        qtbot.mouseMove(label)
        assert watcher.restarts == start + 1
        now[0] += 1
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
        assert watcher.restarts == start + 2
        assert watcher.remaining_ms() > 0
    finally:
        watcher.stop()
    assert (
        QApplication.sendEvent(
            label, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "b")
        )
        is not None
    )
    assert watcher.restarts == start + 2  # the filter is gone once stopped


def test_input_keeps_an_idle_timer_from_firing(qtbot, qapp):
    """With input arriving more often than the timeout, `idle` never fires; once input stops, it does."""
    now = [0.0]
    watcher = IdleWatcher(200, clock=lambda: now[0])
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    label = QLabel("typing")
    qtbot.addWidget(label)
    watcher.start()
    try:
        typing = QTimer()
        typing.setInterval(20)

        def key() -> None:
            now[0] += 1
            QApplication.sendEvent(
                label, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier, "x")
            )

        typing.timeout.connect(key)
        typing.start()
        qtbot.waitUntil(lambda: watcher.restarts >= 20, timeout=10_000)
        assert fired == []
        typing.stop()
        with qtbot.waitSignal(watcher.idle, timeout=5_000):
            pass
    finally:
        watcher.stop()


def test_unlocking_returns_to_the_same_screen_and_item(qtbot, window, ui_context, recording, prompter):
    window.show_screen("recording")
    window.lock(MANUAL)
    assert recording.label.text() == ""
    unlock(qtbot, window)
    assert ui_context.database is not None
    assert window.pages.currentWidget() is window.workspace
    assert window.current_screen() is recording
    assert recording.opened == [42]
    assert recording.label.text() == "DHR-2026-01 Alex"
    assert window.lock_action.isEnabled()


def test_wrong_passphrase_at_unlock_is_an_inline_message_and_the_app_stays_locked(qtbot, window, ui_context, prompter):
    window.lock(MANUAL)
    unlock(qtbot, window, "not the passphrase at all")
    assert ui_context.database is None
    message = window.unlock_screen.message
    assert message.isVisible() and "passphrase is wrong" in message.text()
    assert prompter.shown == []  # no dialog, only the inline message
    unlock(qtbot, window)
    assert ui_context.database is not None


def test_locked_app_shows_only_the_unlock_screen(qtbot, window, ui_context):
    window.lock(MANUAL)
    assert window.pages.currentWidget() is window.unlock_screen
    assert not window.workspace.isVisible()
    assert window.windowTitle().endswith("DHR Tracker")
    for action in (window.find_action, window.new_case_action, *window.screen_actions):
        assert not action.isEnabled()
    assert window.lock(MANUAL) is False  # nothing left to lock


def test_close_database_from_the_unlock_screen_returns_to_start(qtbot, window, ui_context):
    window.lock(MANUAL)
    qtbot.mouseClick(window.unlock_screen.close_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.start_screen


def test_an_idle_lock_during_a_modal_dialog_closes_it(qtbot, window, ui_context):
    """The lock fires inside the dialog's own event loop; the dialog ends rejected and the key is gone."""
    dialog = QDialog(window)
    dialog.setModal(True)
    QTimer.singleShot(0, lambda: window.lock(IDLE))
    result = dialog.exec()
    assert result == QDialog.DialogCode.Rejected
    assert ui_context.database is None
    assert window.pages.currentWidget() is window.unlock_screen


def test_a_session_lock_signal_locks_the_app(qtbot, window, ui_context):
    from ui.security.session_lock import SessionLockWatcher

    watcher = SessionLockWatcher(window)  # on this machine there may be no D-Bus at all: it must not fail
    watcher.session_locked.connect(lambda: window.lock("session"))
    watcher._screensaver_changed(False)  # the screensaver going away does nothing
    assert ui_context.database is not None
    with qtbot.waitSignal(window.lock_sequence.lock_finished, timeout=5_000) as blocker:
        watcher._screensaver_changed(True)
    assert blocker.args == ["session"]
    assert ui_context.database is None
    assert watcher.handle_native_event(b"windows_generic_MSG", 0) is False  # not registered: ignored safely


def test_find_goes_to_the_current_screen(qtbot, window, recording):
    calls: list[str] = []
    recording.find = lambda: calls.append("find")
    window.show_screen("recording")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["find"]


def test_new_case_goes_to_the_screen_that_makes_cases(qtbot, window, recording):
    calls: list[str] = []
    maker = next((screen for screen in window.screens if hasattr(screen, "new_case")), recording)
    maker.new_case = lambda: calls.append("new case")
    window.show_screen("settings")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["new case"]
    assert window.current_screen() is maker
