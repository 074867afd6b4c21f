"""The start screen (#6.1): open, create (passphrase twice, meter, minimum, weak warning), demo, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.conftest import PASSPHRASE, wait_for_tasks
from ui.start import start_screen as start_module

GOOD = "correct horse battery staple lantern"


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_create_a_database(qtbot, make_window, locked_context, tmp_path: Path, prompter):
    window = make_window(locked_context)
    start = window.start_screen
    assert window.pages.currentWidget() is start
    path = tmp_path / "kent.dhrdb"
    start.create_path.setText(str(path))
    qtbot.keyClicks(start.create_passphrase, GOOD)
    assert "Strong" in start.meter.label.text() or "Good" in start.meter.label.text()
    start.create_repeat.setText(GOOD)
    click(qtbot, start.create_button)
    wait_for_tasks(qtbot, locked_context)
    assert locked_context.database is not None and locked_context.database.path == path
    assert path.exists()
    assert window.pages.currentWidget() is window.workspace
    assert start.create_passphrase.text() == "" and start.create_repeat.text() == ""
    assert locked_context.recent.paths() == [path.resolve()]
    assert prompter.shown == []


def test_a_short_passphrase_is_refused_inline_and_nothing_is_written(qtbot, make_window, locked_context, tmp_path):
    window = make_window(locked_context)
    start = window.start_screen
    path = tmp_path / "short.dhrdb"
    start.create_path.setText(str(path))
    qtbot.keyClicks(start.create_passphrase, "eleven char")
    assert "Too short" in start.meter.label.text()
    start.create_repeat.setText("eleven char")
    click(qtbot, start.create_button)
    assert start.create_message.isVisible()
    assert "needs at least 12" in start.create_message.text()
    assert not path.exists() and locked_context.database is None


def test_passphrases_that_differ_are_refused_inline(qtbot, make_window, locked_context, tmp_path):
    window = make_window(locked_context)
    start = window.start_screen
    start.create_path.setText(str(tmp_path / "x.dhrdb"))
    start.create_passphrase.setText(GOOD)
    start.create_repeat.setText(GOOD + " ")
    click(qtbot, start.create_button)
    assert "do not match" in start.create_message.text()
    assert locked_context.database is None


def test_a_weak_passphrase_warns_and_asks(qtbot, make_window, locked_context, tmp_path, prompter):
    window = make_window(locked_context)
    start = window.start_screen
    path = tmp_path / "weak.dhrdb"
    start.create_path.setText(str(path))
    weak = "password1234"
    start.create_passphrase.setText(weak)
    start.create_repeat.setText(weak)
    prompter.answer(False, kind="question")
    click(qtbot, start.create_button)
    assert prompter.shown[-1].title == "Weak passphrase"
    assert start.create_message.kind == "warning" and "weak" in start.create_message.text()
    assert not path.exists()

    prompter.answer(True, kind="question")
    click(qtbot, start.create_button)
    wait_for_tasks(qtbot, locked_context)
    assert path.exists() and locked_context.database is not None


def test_create_never_overwrites_a_file(qtbot, make_window, locked_context, database_path):
    window = make_window(locked_context)
    start = window.start_screen
    before = database_path.read_bytes()
    start.create_path.setText(str(database_path))
    start.create_passphrase.setText(GOOD)
    start.create_repeat.setText(GOOD)
    click(qtbot, start.create_button)
    wait_for_tasks(qtbot, locked_context)
    assert "already exists" in start.create_message.text()
    assert database_path.read_bytes() == before


def test_wrong_passphrase_is_inline_and_the_app_stays_usable(
    qtbot, make_window, locked_context, database_path, prompter
):
    window = make_window(locked_context)
    start = window.start_screen
    start.open_path.setText(str(database_path))
    start.open_passphrase.setText("this is not the passphrase")
    click(qtbot, start.open_button)
    wait_for_tasks(qtbot, locked_context)
    assert locked_context.database is None
    assert window.pages.currentWidget() is start
    assert start.open_message.isVisible() and "passphrase is wrong" in start.open_message.text()
    assert start.open_button.isEnabled()
    assert prompter.shown == []

    start.open_passphrase.setText(PASSPHRASE)
    qtbot.keyClick(start.open_passphrase, Qt.Key.Key_Return)
    wait_for_tasks(qtbot, locked_context)
    assert locked_context.database is not None
    assert window.pages.currentWidget() is window.workspace
    assert start.open_passphrase.text() == ""


def test_missing_or_plain_files_show_the_storage_message(qtbot, make_window, locked_context, tmp_path):
    window = make_window(locked_context)
    start = window.start_screen
    start.open_path.setText(str(tmp_path / "nowhere.dhrdb"))
    start.open_passphrase.setText(PASSPHRASE)
    click(qtbot, start.open_button)
    wait_for_tasks(qtbot, locked_context)
    assert "There is no database at" in start.open_message.text()

    plain = tmp_path / "plain.db"
    plain.write_bytes(b"SQLite format 3\x00" + bytes(100))
    start.open_path.setText(str(plain))
    click(qtbot, start.open_button)
    wait_for_tasks(qtbot, locked_context)
    assert "unencrypted SQLite file" in start.open_message.text()


def test_empty_fields_are_explained(qtbot, make_window, locked_context):
    window = make_window(locked_context)
    start = window.start_screen
    start.open_path.clear()
    click(qtbot, start.open_button)
    assert "Choose a database file first" in start.open_message.text()
    start.open_path.setText("somewhere.dhrdb")
    click(qtbot, start.open_button)
    assert "Type the database's passphrase" in start.open_message.text()
    click(qtbot, start.create_button)
    assert "Choose where to create" in start.create_message.text()


def test_browse_uses_the_prompter_and_recent_files_fill_the_path(
    qtbot, make_window, locked_context, database_path, prompter
):
    locked_context.recent.add(database_path)
    window = make_window(locked_context)
    start = window.start_screen
    assert start.recent_list.count() == 1
    assert start.open_path.text() == str(database_path.resolve())
    prompter.answer(str(database_path.parent / "other.dhrdb"), kind="open_file")
    click(qtbot, start.findChild(type(start.open_button), "open_browse"))
    assert start.open_path.text().endswith("other.dhrdb")
    start.recent_list.setCurrentRow(0)
    assert start.open_path.text() == str(database_path.resolve())
    prompter.answer(str(database_path.parent / "new"), kind="save_file")
    click(qtbot, start.findChild(type(start.open_button), "create_browse"))
    assert start.create_path.text().endswith("new.dhrdb")


def test_recent_files_hold_paths_only(locked_context, database_path):
    locked_context.recent.add(database_path)
    text = locked_context.recent.file.read_text(encoding="utf-8")
    assert str(database_path.resolve()) in text
    assert PASSPHRASE not in text


def test_open_the_demo_creates_it_in_the_data_folder_then_reopens_it(qtbot, make_window, locked_context, monkeypatch):
    monkeypatch.setattr(start_module, "DEMO_CASES", 3)
    window = make_window(locked_context)
    click(qtbot, window.start_screen.demo_button)
    wait_for_tasks(qtbot, locked_context, timeout=120_000)
    path = locked_context.data_dir / start_module.DEMO_FILE
    assert locked_context.database is not None and locked_context.database.path == path
    assert locked_context.recent.paths() == []  # the demo is not a recent file
    window.close_database()
    assert locked_context.database is None and window.pages.currentWidget() is window.start_screen
    click(qtbot, window.start_screen.demo_button)
    wait_for_tasks(qtbot, locked_context)
    assert locked_context.database is not None
