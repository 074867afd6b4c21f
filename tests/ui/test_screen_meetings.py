"""The Meetings screen: add a meeting, its attendees, produce the numbered copies, tick the register."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from dhr_tracker.meetings.meetings import list_meetings
from tests.ui.conftest import TODAY, wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.screens.meetings import MeetingsScreen, parse_attendees


def open_screen(qtbot, context) -> MeetingsScreen:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, context)
    return screen


def test_attendees_are_one_per_line():
    assert [(a.name, a.organisation) for a in parse_attendees(" A. Person, KCC \n\nB. Person\n")] == [
        ("A. Person", "KCC"),
        ("B. Person", ""),
    ]


def test_meetings_list_selects_the_next_meeting_and_adds_one(qtbot, demo_context):
    screen = open_screen(qtbot, demo_context)
    upcoming = min((m for m in screen.model.rows() if m.held_on >= TODAY), key=lambda m: m.held_on)
    assert screen.selected().id == upcoming.id
    assert screen.attendee_model.rowCount() == upcoming.attendees
    dialog = screen.new_meeting()
    dialog.set_value("held_on", upcoming.held_on)  # a second KCSP meeting that day is refused
    dialog.submit()
    wait_for_tasks(qtbot, demo_context)
    assert "already" in dialog.error_text("held_on")
    dialog.set_value("held_on", "15/01/2027")
    dialog.set_value("attendees", "Ann Chair, KCC\nBen Officer, Kent Police")
    dialog.submit()
    wait_for_tasks(qtbot, demo_context)
    assert screen.selected().held_on == dt.date(2027, 1, 15) and screen.attendee_model.rowCount() == 2
    assert len(demo_context.read(list_meetings)) == len(screen.model.rows())


def test_produce_numbered_copies_and_tick_them_back(qtbot, demo_context, prompter, tmp_path):
    screen = open_screen(qtbot, demo_context)
    past = max((m for m in screen.model.rows() if m.held_on <= TODAY), key=lambda m: m.held_on)
    screen.open_item(past.id)
    out = tmp_path / "briefing.pdf"
    prompter.answer(str(out), kind="save_file").answer(False, kind="question")
    screen.briefing_button.click()
    wait_for_tasks(qtbot, demo_context)
    assert len(list(tmp_path.glob("briefing-copy-*.pdf"))) == past.attendees
    assert screen.copy_model.rowCount() == past.attendees
    assert f"0 of {past.attendees} copies back" in screen.copies_label.text()

    screen.copy_table.setFocus()
    screen.copy_table.setCurrentIndex(screen.copy_model.index(0, screen.copy_model.RETURNED))
    qtbot.keyClick(screen.copy_table, Qt.Key.Key_Space)  # the keyboard ticks a copy too
    wait_for_tasks(qtbot, demo_context)
    assert screen.copy_model.rows()[0].returned_on == TODAY
    index = screen.copy_model.index(0, screen.copy_model.RETURNED)
    screen.copy_model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    wait_for_tasks(qtbot, demo_context)
    assert screen.copy_model.rows()[0].returned_on is None
    assert prompter.messages("warning") == []
