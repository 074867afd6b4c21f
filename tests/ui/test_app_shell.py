"""The main window shell: screens registry, navigation, shortcuts, accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import wait_for_tasks
from ui.main_window import screen_classes


def test_window_shows_every_registered_screen_with_a_shortcut(qtbot, window):
    assert window.pages.currentWidget() is window.workspace
    assert len(window.screens) == len(screen_classes())
    assert window.navigation.count() == len(window.screens)
    for index, screen in enumerate(window.screens[:9]):
        assert window.screen_actions[index].shortcut().toString() == f"Ctrl+{index + 1}"
        window.screen_actions[index].trigger()
        assert window.current_screen() is screen
    assert window.show_screen("settings") is window.screen("settings")


def test_every_input_has_an_accessible_name(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QHeaderView, QLineEdit

    missing = []
    for page in (window.start_screen, window.unlock_screen, window.workspace):
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, (QLineEdit, QAbstractButton, QAbstractItemView)) or isinstance(
                widget, QHeaderView
            ):
                continue
            if widget.objectName().startswith("qt_") or widget.parent().inherits("QAbstractSpinBox"):
                continue  # Qt's own parts (spin box editors, table corner buttons)
            name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
            if not name:
                missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    assert missing == []


def test_lock_shortcut_locks(qtbot, window, ui_context):
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ui_context)
    assert ui_context.database is None
    assert window.pages.currentWidget() is window.unlock_screen


def test_closing_the_app_takes_an_encrypted_backup(qtbot, make_window, ui_context, database_path):
    from dhr_tracker.storage.backups import default_backup_folder

    window = make_window(ui_context, backup_on_close=True)
    window._on_unlocked()
    window.close()
    backups = list(default_backup_folder(database_path).glob("*.dhrbak"))
    assert len(backups) == 1 and "-auto-" in backups[0].name
    assert ui_context.database is None
