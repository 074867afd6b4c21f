"""The base class of a main screen: what the main window and the lock sequence call on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.context import AppContext


class Screen(QWidget):
    """One page of the main window. Subclasses set `key`, `title` and `icon_name`.

    Life cycle, as the main window drives it:
    - `refresh()` when the screen is shown and its data may be stale (after unlock, after another
      screen saved something). Load through `context.tasks.run(...)` or, if quick, `context.read(...)`
      (reads only: every write is a `context.tasks.run(...)`).
    - `clear()` on lock: drop EVERY view of data (models reset, fields emptied, caches forgotten).
    - `has_unsaved_changes()` / `save_changes()` before lock and quit: the lock asks the user
      "Save / Discard"; `save_changes()` runs the save as a task, waits for it, and returns False if the
      core refused (the refusal is shown beside its field).
    - `remember()` before lock returns something small and non-personal (e.g. a case id) that
      `open_item()` gets back after unlock, so the user returns to where they were.
    - `find()` on Ctrl+F: focus the screen's filter box. A screen with `new_case()` gets Ctrl+N.
    """

    key: str = ""
    title: str = ""
    icon_name: str = ""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"screen_{self.key or type(self).__name__}")
        self.setAccessibleName(self.title)

    def refresh(self) -> None:
        """Reload what the screen shows from the database."""

    def clear(self) -> None:
        """Forget everything shown (the app is locking)."""

    def has_unsaved_changes(self) -> bool:
        return False

    def save_changes(self) -> bool:
        """Save pending edits; True if saved, False if refused (the message is shown next to the field)."""
        return True

    def remember(self) -> Any:
        """What to reopen after unlock (non-personal, e.g. an id), or None."""
        return None

    def open_item(self, item: Any) -> None:
        """Show `item` (e.g. a case id) on this screen."""

    def find(self) -> None:
        """Ctrl+F: put the cursor in this screen's filter box."""
