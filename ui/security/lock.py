"""The lock sequence, always in the same order (KeePassXC's DatabaseWidget::lock is the model).

1. wait for a task in progress (a save) to finish;
2. close every open dialog;
3. clear what the app put on the clipboard;
4. ask about unsaved edits (Save / Discard, and Cancel when the user locked by hand; an idle or
   session lock cannot be cancelled and answers "Save" by itself if nobody is there);
5. drop the key: every screen's `clear()`, then `Database.close()` (engine disposed, connections
   closed) and the context forgets the database;
6. show only the unlock screen.

`steps` records the order for tests. Unlocking returns to the screen (and item) the user was on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog

from ui.context import AppContext

MANUAL, IDLE, SESSION, CLOSING = "manual", "idle", "session", "closing"
SAVE, DISCARD, CANCEL = "Save", "Discard", "Cancel"
UNSAVED_TIMEOUT_SECONDS = 60


def close_open_dialogs() -> int:
    """Reject every visible dialog (message boxes, file pickers, editors); return how many."""
    app = QApplication.instance()
    closed = 0
    if app is None:
        return 0
    for widget in app.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
            closed += 1
    return closed


@dataclass
class Place:
    """Where the user was when the app locked: a screen key and what that screen remembered."""

    screen_key: str | None = None
    item: Any = None


class LockSequence(QObject):
    lock_started = Signal(str)
    lock_finished = Signal(str)
    lock_cancelled = Signal(str)

    def __init__(
        self,
        context: AppContext,
        *,
        screens: Callable[[], list],
        current_screen: Callable[[], Any],
        show_unlock: Callable[[], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self._screens = screens
        self._current_screen = current_screen
        self._show_unlock = show_unlock
        self.place = Place()
        self.last_path = None  # the database file to unlock again (the context forgets it on lock)
        self.steps: list[str] = []
        self._locking = False

    def lock(self, reason: str = MANUAL) -> bool:
        """Lock now; False if there was nothing to lock or the user cancelled at the unsaved-edits question."""
        if self._locking or not self.context.is_unlocked:
            return False
        self._locking = True
        self.steps = []
        self.lock_started.emit(reason)
        try:
            self._step("wait_for_tasks")
            self.context.tasks.wait_for_idle()
            self._step("close_dialogs")
            self.context.prompter.close_dialogs()
            close_open_dialogs()
            self._step("clear_clipboard")
            self.context.clipboard.clear_now()
            self._step("unsaved_changes")
            if not self._settle_unsaved(reason):
                self.lock_cancelled.emit(reason)
                return False
            self.context.tasks.wait_for_idle()  # a save just asked for may run as a task
            self._step("drop_key")
            current = self._current_screen()
            self.place = Place(getattr(current, "key", None), self._remember(current))
            for screen in self._screens():
                screen.clear()
            self.context.drop_database()
            self._step("show_unlock")
            self._show_unlock()
        finally:
            self._locking = False
        self.lock_finished.emit(reason)
        return True

    def _step(self, name: str) -> None:
        self.steps.append(name)

    @staticmethod
    def _remember(screen: Any) -> Any:
        remember = getattr(screen, "remember", None)
        return remember() if callable(remember) else None

    def _settle_unsaved(self, reason: str) -> bool:
        for screen in self._screens():
            has_changes = getattr(screen, "has_unsaved_changes", None)
            if not callable(has_changes) or not has_changes():
                continue
            title = getattr(screen, "title", "") or "this screen"
            if reason == MANUAL:
                answer = self.context.prompter.choose(
                    "Unsaved changes",
                    f"{title} has changes that are not saved. Save them before locking?",
                    [SAVE, DISCARD, CANCEL],
                    default=SAVE,
                )
                if answer in (None, CANCEL):
                    return False
            else:
                answer = self.context.prompter.choose(
                    "Unsaved changes",
                    f"The app is locking. {title} has changes that are not saved; they will be saved "
                    f"in {UNSAVED_TIMEOUT_SECONDS} seconds unless you choose to discard them.",
                    [SAVE, DISCARD],
                    default=SAVE,
                    timeout_seconds=UNSAVED_TIMEOUT_SECONDS,
                )
            if answer == SAVE:
                save = getattr(screen, "save_changes", None)
                saved = save() if callable(save) else True
                if not saved and reason == MANUAL:
                    return False  # the refusal is shown beside the field; the user decides again
        return True
