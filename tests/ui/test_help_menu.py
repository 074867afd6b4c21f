"""Help menu: the user guide opens in the app; About names the version, the database, its schema and the font licence."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from dhr_tracker import __version__
from tests.ui.conftest import wait_for_tasks


def test_help_menu_has_the_guide_and_about(qtbot, window, ui_context, prompter):
    titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert titles[-1] == "Help"
    help_menu = window.menuBar().actions()[-1].menu()
    assert isinstance(help_menu, QMenu)
    assert [a.text().replace("&", "") for a in help_menu.actions()] == ["User guide", "About DHR Tracker"]

    window.guide_action.trigger()
    guide = window.guide_dialog
    assert guide.isVisible() and "The life of a review" in guide.browser.toPlainText()  # the shipped guide, rendered
    guide.reject()

    window._on_unlocked()
    wait_for_tasks(qtbot, ui_context)
    window.about_action.trigger()
    [about] = prompter.messages()
    assert f"Version: {__version__}" in about
    assert f"Database: {ui_context.database_path}" in about
    assert "Schema revision: 00" in about  # an Alembic revision id, read from the open database
    assert "Liberation Sans" in about and "SIL Open Font License 1.1" in about
