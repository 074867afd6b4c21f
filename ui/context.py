"""What every screen is given: the unlocked database (or None), the prompter, the task runner, the clipboard guard, the clock.

Screens receive the context in their constructor (`Screen(context)`) and never reach for globals,
so a test builds a context around a real encrypted database, a ScriptedPrompter and a fixed date.

Signals:
- `data_changed(source)`: something was saved; `source` is the screen (or None) that saved it. The
  main window refreshes the other screens when they are next shown. Call `notify_data_changed(self)`.
- `locked()` / `unlocked()`: the key was dropped / the database was opened again.
- `navigate(key, item)`: ask the main window to show the screen whose `key` matches and call its
  `open_item(item)` (e.g. `context.open_case(case_id)` from the dashboard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from dhr_tracker.dates import today_uk
from dhr_tracker.settings import SETTINGS, Setting, Settings
from dhr_tracker.storage.changes import has_uncommitted_changes
from dhr_tracker.storage.database import Database
from ui.prompter import Prompter, QtPrompter
from ui.security.clipboard import ClipboardGuard
from ui.start.recent import RecentFiles
from ui.start.recent import data_dir as default_data_dir
from ui.tasks import DatabaseLocked, TaskRunner

T = TypeVar("T")


class WriteInRead(RuntimeError):
    """A programming error: `AppContext.read` was given a function that writes (use `tasks.run`)."""

    def __init__(self, function_name: str):
        super().__init__(f"{function_name} wrote through AppContext.read; run writes with context.tasks.run")


class AppContext(QObject):
    data_changed = Signal(object)
    locked = Signal()
    unlocked = Signal()
    navigate = Signal(str, object)

    def __init__(
        self,
        *,
        prompter: Prompter | None = None,
        today: Callable[[], dt.date] = today_uk,
        config_dir: Path | None = None,
        data_dir: Path | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.database: Database | None = None
        self.prompter: Prompter = prompter if prompter is not None else QtPrompter()
        self.today = today
        self.recent = RecentFiles(config_dir)  # paths only; None = the platform's config folder
        self.data_dir = data_dir if data_dir is not None else default_data_dir()  # where the demo lives
        self.tasks = TaskRunner(self, self)
        self.clipboard = ClipboardGuard(self._clipboard_seconds, parent=self, real_names=self._real_name_guard)
        self.clipboard.refused.connect(lambda message: self.prompter.warning("Not copied", message))

    # --- the database -------------------------------------------------------------------------------
    @property
    def is_unlocked(self) -> bool:
        return self.database is not None

    @property
    def database_path(self) -> Path | None:
        return self.database.path if self.database is not None else None

    def require_database(self) -> Database:
        if self.database is None:
            raise DatabaseLocked()
        return self.database

    def set_database(self, database: Database) -> None:
        """Take an opened database (from the start or unlock screen) and announce it."""
        if self.database is not None and self.database is not database:
            self.database.close()
        self.database = database
        self.unlocked.emit()

    def drop_database(self) -> None:
        """Drop the key: close every connection and forget the database. Emits `locked`."""
        database, self.database = self.database, None
        if database is not None:
            database.close()
        self.locked.emit()

    def read(self, function: Callable[[Any], T]) -> T:
        """Run a quick read on the GUI thread in its own session (use `tasks.run` for anything slow).

        Reads only: a function that adds, changes or deletes anything is rolled back and raises
        WriteInRead. Writes go through `tasks.run`, off the GUI thread, so a slow save never freezes the window.
        """
        with self.require_database().transaction() as session:
            result = function(session)
            if has_uncommitted_changes(session):
                raise WriteInRead(getattr(function, "__qualname__", repr(function)))
            return result

    # --- settings and navigation ---------------------------------------------------------------------
    def setting(self, setting: Setting | str) -> Any:
        """A setting's value from the database, or its default while locked."""
        setting = SETTINGS[setting] if isinstance(setting, str) else setting
        if self.database is None:
            return setting.default
        return self.read(lambda session: Settings(session).get(setting))

    def _real_name_guard(self):
        from dhr_tracker.reports.pseudonyms import RealNameGuard

        return self.read(RealNameGuard.from_session) if self.database is not None else None

    def _clipboard_seconds(self) -> int:
        from dhr_tracker.settings import CLIPBOARD_CLEAR_SECONDS

        return int(self.setting(CLIPBOARD_CLEAR_SECONDS))

    def notify_data_changed(self, source: object = None) -> None:
        self.data_changed.emit(source)

    def open_screen(self, key: str, item: object = None) -> None:
        self.navigate.emit(key, item)

    def open_case(self, case_id: int) -> None:
        self.navigate.emit("case", case_id)
