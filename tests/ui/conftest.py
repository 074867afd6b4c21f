"""GUI test fixtures: an AppContext around a real encrypted database, a scripted prompter, a fixed date.

def test_something(qtbot, window, prompter, ui_context):
    window.show_screen("cases")
    prompter.answer(True)                       # the next question is answered "yes"
    ...
    wait_for_tasks(qtbot, ui_context)           # every background task finished (or the test fails)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from ui.app import create_application
from ui.context import AppContext
from ui.prompter import ScriptedPrompter

TODAY = dt.date(2026, 11, 23)
__all__ = ["PASSPHRASE", "TODAY", "wait_for_tasks"]


def wait_for_tasks(qtbot, context: AppContext, timeout: int = 30_000) -> None:
    """Let the event loop run until the context's task runner is idle."""
    qtbot.waitUntil(context.tasks.is_idle, timeout=timeout)


@pytest.fixture(autouse=True)
def _styled_application(qapp):
    """The application as the desktop app configures it (en-GB locale, stylesheet)."""
    create_application()
    yield


@pytest.fixture
def prompter() -> ScriptedPrompter:
    return ScriptedPrompter()


@pytest.fixture
def locked_context(qapp, prompter: ScriptedPrompter, tmp_path: Path):
    """A context with no database open (as at start-up); recent files and demo under tmp_path."""
    context = AppContext(
        prompter=prompter, today=lambda: TODAY, config_dir=tmp_path / "config", data_dir=tmp_path / "appdata"
    )
    yield context
    context.tasks.wait_for_idle()
    context.clipboard.clear_now()
    if context.database is not None:
        context.database.close()


@pytest.fixture
def ui_context(locked_context: AppContext, database):
    """A context holding the unlocked test database (`database` fixture, passphrase conftest.PASSPHRASE)."""
    locked_context.set_database(database)
    return locked_context


class _DiscardEverything(ScriptedPrompter):
    """Used only while tearing a test's window down: every question about unsaved edits says Discard."""

    def choose(self, title, text, choices, **options):
        return "Discard" if "Discard" in choices else None


@pytest.fixture
def make_window(qapp):
    """Build a MainWindow for a context (the session-lock watcher and close-time backup off unless asked for).

    Windows are closed after the test with any unsaved edits discarded, so a test may end mid-edit.
    """
    from ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(context: AppContext, **options) -> MainWindow:
        options.setdefault("watch_session", False)
        options.setdefault("backup_on_close", False)  # tests that want the close-time backup ask for it
        window = MainWindow(context, **options)
        windows.append(window)
        window.show()
        return window

    yield make
    for window in windows:
        window.context.prompter = _DiscardEverything()
        window.close()
        window.deleteLater()


@pytest.fixture
def window(make_window, ui_context):
    """The main window, unlocked on the test database, showing the first screen."""
    window = make_window(ui_context)
    window._on_unlocked()  # the context was unlocked before the window existed
    return window
