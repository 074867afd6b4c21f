"""The settings screen (#6.8): every declared setting with its explanation, validation beside the field, one transaction; closure days."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from dhr_tracker.closure_days import list_closure_days
from dhr_tracker.settings import CLIPBOARD_CLEAR_SECONDS, IDLE_LOCK_MINUTES, PROTECTIVE_MARKING, SETTINGS, Settings
from tests.ui.conftest import wait_for_tasks
from ui.settings_screen import SettingsScreen


def stored(context, setting):
    return context.read(lambda session: Settings(session).get(setting))


def test_every_declared_setting_has_a_field_with_its_explanation(qtbot, ui_context):
    screen = SettingsScreen(ui_context)
    qtbot.addWidget(screen)
    screen.refresh()
    assert set(screen.fields) == set(SETTINGS)
    for key, field in screen.fields.items():
        assert field.explanation.text() == SETTINGS[key].description
        assert field.input.accessibleName() == SETTINGS[key].label
    assert screen.fields[IDLE_LOCK_MINUTES.key].raw() == "5"


def test_a_refused_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot, ui_context):
    screen = SettingsScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    minutes = screen.fields[IDLE_LOCK_MINUTES.key]
    marking = screen.fields[PROTECTIVE_MARKING.key]
    qtbot.keyClicks(marking.input, "-X")  # a valid change to another field in the same save
    minutes.input.setText("0")
    minutes.dirty = True
    assert screen.has_unsaved_changes()
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    assert minutes.message.isVisible() and "at least 1" in minutes.message.text()
    assert "Nothing was saved" in screen.message.text()
    assert not marking.message.isVisible()
    assert stored(ui_context, PROTECTIVE_MARKING) == "OFFICIAL-SENSITIVE"  # one transaction: all or nothing
    minutes.input.setText("ten")
    assert screen.save_changes() is False
    assert "whole number" in minutes.message.text()


def test_valid_values_are_saved_together_and_cleaned(qtbot, window, ui_context):
    screen = window.show_screen("settings")
    screen.fields[IDLE_LOCK_MINUTES.key].input.setText(" 15 ")
    screen.fields[CLIPBOARD_CLEAR_SECONDS.key].input.setText("45")
    screen.fields[PROTECTIVE_MARKING.key].input.setText("official")
    screen.fields[PROTECTIVE_MARKING.key].dirty = True
    assert screen.save_changes() is True
    assert stored(ui_context, IDLE_LOCK_MINUTES) == 15
    assert stored(ui_context, CLIPBOARD_CLEAR_SECONDS) == 45
    assert stored(ui_context, PROTECTIVE_MARKING) == "OFFICIAL"
    assert screen.fields[PROTECTIVE_MARKING.key].raw() == "OFFICIAL"
    assert not screen.has_unsaved_changes()
    assert window.idle_watcher.timeout_ms == 15 * 60_000  # the idle lock follows the new setting


def test_settings_are_cleared_on_lock(qtbot, window, ui_context):
    screen = window.show_screen("settings")
    assert screen.fields[IDLE_LOCK_MINUTES.key].raw() == "5"
    window.lock()
    assert all(field.raw() in ("", False, []) for field in screen.fields.values())
    assert screen.closure_days.model.rowCount() == 0


def test_closure_days_are_added_and_removed(qtbot, ui_context, prompter, qtmodeltester):
    screen = SettingsScreen(ui_context)
    qtbot.addWidget(screen)
    screen.refresh()
    editor = screen.closure_days
    qtmodeltester.check(editor.model)
    editor.day.set_value(dt.date(2026, 12, 29))
    editor.description.setText("Christmas closure")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)  # the write runs on the task worker
    assert [row.day for row in ui_context.read(list_closure_days)] == [dt.date(2026, 12, 29)]
    assert editor.model.rowCount() == 1
    assert editor.model.index(0, 0).data() == "29/12/2026"
    qtmodeltester.check(editor.model)

    editor.day.set_value(dt.date(2026, 12, 26))  # a Saturday
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)  # the write runs on the task worker
    assert "Saturday" in editor.message.text() and editor.message.kind == "error"
    editor.day.set_value(dt.date(2026, 12, 29))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)  # the write runs on the task worker
    assert "already a closure day" in editor.message.text()
    assert len(ui_context.read(list_closure_days)) == 1

    editor.table.selectRow(0)
    prompter.answer(True, kind="question")
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)  # the write runs on the task worker
    assert ui_context.read(list_closure_days) == []
    assert "29/12/2026" in prompter.shown[-1].text


def test_the_escalation_ladder_is_edited_as_a_table_and_checked_by_the_core(qtbot, window, ui_context):
    from dhr_tracker.settings import ESCALATION_LADDER
    from ui.widgets.ladder_editor import WHEN

    screen = window.show_screen("settings")
    field = screen.fields[ESCALATION_LADDER.key]
    editor = field.input
    assert editor.table.rowCount() == len(ESCALATION_LADDER.default)
    assert editor.table.item(4, WHEN).text() == "next KCSP meeting"
    editor.table.item(2, WHEN).setText("3")  # earlier than level 1's 5 working days
    assert screen.has_unsaved_changes()
    assert screen.save_changes() is False
    assert field.message.isVisible() and "must come later" in field.message.text()
    assert stored(ui_context, ESCALATION_LADDER) == ESCALATION_LADDER.default

    editor.table.item(2, WHEN).setText("12")
    editor.add_level()
    editor.table.item(5, WHEN).setText("40")
    editor.table.item(5, 3).setText("Raised with the Home Office")
    assert screen.save_changes() is True
    ladder = stored(ui_context, ESCALATION_LADDER)
    assert ladder[2]["when"] == 12 and ladder[-1]["level"] == 5 and ladder[-1]["label"] == "Raised with the Home Office"
    assert ladder[4]["when"] == "next_kcsp_meeting"


def test_a_letter_template_with_an_unknown_placeholder_is_refused(qtbot, window, ui_context):
    from dhr_tracker.settings import LETTER_TEMPLATES

    screen = window.show_screen("settings")
    setting = next(iter(LETTER_TEMPLATES.values()))
    field = screen.fields[setting.key]
    field.input.setPlainText(field.input.toPlainText() + "\n$nonsense")
    assert screen.save_changes() is False
    assert "nonsense" in field.message.text()


def test_back_up_now_writes_a_checked_encrypted_backup(qtbot, window, ui_context, prompter, tmp_path):
    from tests.ui.conftest import wait_for_tasks

    screen = window.show_screen("settings")
    target = tmp_path / "chosen" / "copy"
    prompter.answer(str(target), kind="save_file")
    qtbot.mouseClick(screen.backup_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    written = target.with_suffix(".dhrbak")
    assert written.exists()
    assert not written.read_bytes().startswith(b"SQLite format 3")
    assert "Backed up to" in screen.database_message.text() and screen.database_message.kind == "info"


def test_change_passphrase_through_the_dialog(qtbot, window, ui_context, prompter, database_path):
    from dhr_tracker.storage.database import open_database
    from tests.ui.conftest import PASSPHRASE, wait_for_tasks
    from ui.widgets.change_passphrase import ChangePassphraseDialog

    dialog = ChangePassphraseDialog(ui_context, window)
    qtbot.addWidget(dialog)
    dialog.current.setText("not the current one")
    dialog.new.setText("lantern meadow copper violin harbour")
    dialog.repeat.setText("lantern meadow copper violin")
    dialog.submit()
    assert "do not match" in dialog.message.text()

    dialog.repeat.setText("lantern meadow copper violin harbour")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "current passphrase is not right" in dialog.message.text()

    dialog.current.setText(PASSPHRASE)
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert dialog.result_ is not None and dialog.result_.backup.exists()
    assert prompter.messages("information") and "old passphrase" in prompter.messages("information")[0]
    ui_context.read(lambda session: None)  # the open database goes on working under the new key
    window.lock()
    open_database(database_path, "lantern meadow copper violin harbour", read_only=True).close()


def test_the_audit_trail_is_checked_from_the_screen_and_a_change_behind_its_back_is_named(
    qtbot, window, ui_context, database_path
):
    import sqlcipher3

    from dhr_tracker.security.audit import current_checkpoint
    from tests.ui.conftest import PASSPHRASE

    screen = window.show_screen("settings")
    qtbot.mouseClick(screen.audit_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    checkpoint = ui_context.read(lambda session: str(current_checkpoint(session)))
    message = screen.database_message.text()
    assert screen.database_message.kind == "info" and "intact" in message and checkpoint in message

    # An agency's notes edited with the key, outside the app: the screen names the row.
    connection = sqlcipher3.connect(str(database_path))
    try:
        connection.execute(f"PRAGMA key = '{PASSPHRASE}'")
        connection.execute("UPDATE agency SET notes = 'quietly' WHERE id = 2")
        connection.commit()
    finally:
        connection.close()
    qtbot.mouseClick(screen.audit_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    message = screen.database_message.text()
    assert screen.database_message.kind == "error"
    assert "BROKEN" in message and "agency row 2 was changed outside DHR Tracker" in message
