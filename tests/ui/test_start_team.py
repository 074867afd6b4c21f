"""Connect to a team database from the start screen; lock and unlock it (the server signs you in again)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import wait_for_tasks
from ui.security.lock import MANUAL


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_connect_to_a_team_database_then_lock_and_unlock(
    qtbot, make_window, locked_context, team_database_url, prompter
):
    window = make_window(locked_context)
    start = window.start_screen
    start.team_url.setText(team_database_url)
    click(qtbot, start.team_button)
    wait_for_tasks(qtbot, locked_context)
    database = locked_context.database
    assert database is not None and database.shared, start.team_message.text()
    assert window.pages.currentWidget() is window.workspace
    assert window.windowTitle().startswith("postgres@") and "/dhr_test_" in window.windowTitle()
    assert prompter.shown == []  # a Unix socket: no TLS warning
    assert locked_context.recent.paths() == []  # team databases are not "recent files"

    assert window.lock(MANUAL)
    assert window.pages.currentWidget() is window.unlock_screen
    assert "team database is locked" in window.unlock_screen.file_label.text()
    click(qtbot, window.unlock_screen.unlock_button)  # no password: the test server trusts local sockets
    wait_for_tasks(qtbot, locked_context)
    assert locked_context.database is not None and locked_context.database.shared
    assert window.pages.currentWidget() is window.workspace


def test_a_url_with_a_password_or_no_url_is_refused_inline(qtbot, make_window, locked_context):
    window = make_window(locked_context)
    start = window.start_screen
    start.team_url.setText("server/dhr")
    click(qtbot, start.team_button)
    assert "postgresql://YOUR-ROLE@SERVER/DATABASE" in start.team_message.text()
    start.team_url.setText("postgresql://alice:secret@db.example.org/dhr")
    click(qtbot, start.team_button)
    wait_for_tasks(qtbot, locked_context)
    assert "contains a password" in start.team_message.text() and "secret" not in start.team_message.text()
    assert locked_context.database is None and window.pages.currentWidget() is start


def test_a_viewer_sees_the_case_without_real_names_and_cannot_edit_them(
    qtbot, make_window, locked_context, postgres_cluster, team_database_url, tmp_path
):
    from dhr_tracker.storage.postgres import open_team_database
    from tests.test_team_database import a_case, as_role, with_roles

    with open_team_database(team_database_url) as database, database.transaction() as session:
        case_id = a_case(session).id
    with_roles(postgres_cluster, team_database_url, vera="dhr_viewer")
    window = make_window(locked_context)
    window.start_screen.team_url.setText(as_role(team_database_url, "vera"))
    click(qtbot, window.start_screen.team_button)
    wait_for_tasks(qtbot, locked_context)
    assert window.windowTitle().startswith("vera@")
    case_screen = next(screen for screen in window.screens if screen.key == "case")
    window.show_screen(window.screens.index(case_screen), case_id)
    wait_for_tasks(qtbot, locked_context)
    form = case_screen.form
    assert form.pseudonym.text() == "Robin"
    assert not form.victim_real_name.isEnabled() and form.victim_real_name.text() == ""
    assert form.victim_real_name.placeholderText() == "Not readable with your role"
    assert not form.show_real_names.isEnabled()
    assert window.grab().save(str(tmp_path / "viewer-case.png"))  # looked at: two greyed fields saying so
