"""The whole day of a coordinator, driven offscreen through the window, on a real encrypted database.

Create a database -> add a case -> record its decision -> add a recommendation -> let its update go
late (the injected clock moves on) -> see the escalation on the dashboard -> record the action ->
produce a briefing. Run twice: straight through, and with a wrong passphrase typed first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from dhr_tracker.casework.cases import find_case
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Decision, RecommendationStatus, Scope
from tests.ui.conftest import wait_for_tasks
from ui.context import AppContext
from ui.models.dashboard import DUE_SOON, ESCALATION, UPDATE
from ui.prompter import ScriptedPrompter

PASSPHRASE = "correct horse battery staple lantern"


class Clock:
    """The app's today(), moved on by the test."""

    def __init__(self, day: dt.date):
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def save_dialog(qtbot, context, dialog) -> None:
    click(qtbot, dialog.save_button)
    wait_for_tasks(qtbot, context)
    assert not dialog.isVisible(), dialog.form.form_error.text() or [e.text() for e in dialog.form.errors.values()]


@pytest.mark.parametrize("wrong_passphrase_first", [False, True], ids=["straight", "wrong-passphrase-first"])
def test_a_day_of_a_coordinator(qtbot, make_window, tmp_path: Path, wrong_passphrase_first: bool):
    clock = Clock(dt.date(2026, 4, 1))
    prompter = ScriptedPrompter()
    context = AppContext(prompter=prompter, today=clock, config_dir=tmp_path / "config", data_dir=tmp_path / "appdata")
    window = make_window(context)
    start = window.start_screen

    # --- create a database -------------------------------------------------------------------------------
    path = tmp_path / "kent.dhrdb"
    start.create_path.setText(str(path))
    qtbot.keyClicks(start.create_passphrase, PASSPHRASE)
    start.create_repeat.setText(PASSPHRASE)
    click(qtbot, start.create_button)
    wait_for_tasks(qtbot, context)
    assert context.database is not None and window.pages.currentWidget() is window.workspace

    if wrong_passphrase_first:
        window.close_database()
        wait_for_tasks(qtbot, context)
        assert context.database is None and window.pages.currentWidget() is start
        start.open_path.setText(str(path))
        start.open_passphrase.setText("not the passphrase at all")
        click(qtbot, start.open_button)
        wait_for_tasks(qtbot, context)
        assert context.database is None and window.pages.currentWidget() is start
        assert start.open_message.isVisible() and "passphrase is wrong" in start.open_message.text()
        start.open_passphrase.setText(PASSPHRASE)
        click(qtbot, start.open_button)
        wait_for_tasks(qtbot, context)
        assert context.database is not None and window.pages.currentWidget() is window.workspace
    wait_for_tasks(qtbot, context)

    # --- add a case (Ctrl+N) -------------------------------------------------------------------------------
    window.show_screen("cases")
    # The offscreen platform leaves no window active once the start screen's progress dialog has gone;
    # a desktop hands activation back to the main window. Keyboard shortcuts need an active window.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.screen("cases").new_case_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.form.reference, "DHR-2026-01")
    qtbot.keyClicks(dialog.form.pseudonym, "Anna")
    dialog.form.notified_on.setText("02/03/2026")
    dialog.form.csp_area.setCurrentIndex(dialog.form.csp_area.findData("Maidstone"))
    dialog.form.victim_real_name.setText("Fictional Realname")
    click(qtbot, dialog.create_button)
    wait_for_tasks(qtbot, context)
    case_screen = window.current_screen()
    assert case_screen.key == "case" and case_screen.detail is not None
    assert case_screen.detail.reference == "DHR-2026-01"

    # --- record its decision -------------------------------------------------------------------------------
    case_screen.tabs.setCurrentWidget(case_screen.timeline_tab)
    click(qtbot, case_screen.timeline_tab.decision_button)
    dialog = case_screen.dialog
    dialog.set_value("decision", Decision.REVIEW)
    dialog.set_value("decided_on", "20/03/2026")
    dialog.set_value("home_office_informed_on", "23/03/2026")
    save_dialog(qtbot, context, dialog)
    assert case_screen.detail.decision is Decision.REVIEW
    assert [row.event for row in case_screen.timeline_tab.model.rows()][:2] == [
        "Notification received",
        "Decision on whether to review",
    ]

    # --- add a recommendation, accepted: Kent Police now owes updates ------------------------------------
    case_screen.tabs.setCurrentWidget(case_screen.action_plan_tab)
    click(qtbot, case_screen.action_plan_tab.add_button)
    dialog = case_screen.dialog
    dialog.set_value("text", "Train call handlers to recognise coercive control.")
    dialog.set_value("scope", Scope.LOCAL)
    dialog.set_value("lead_agency", "Kent Police")
    dialog.set_value("target_on", "01/12/2026")
    save_dialog(qtbot, context, dialog)
    rec = case_screen.action_plan_tab.model.rows()[0]
    case_screen.action_plan_tab.select(rec.id)
    click(qtbot, case_screen.action_plan_tab.status_button)
    dialog = case_screen.dialog
    dialog.set_value("status", RecommendationStatus.ACCEPTED)
    save_dialog(qtbot, context, dialog)
    assert case_screen.action_plan_tab.model.rows()[0].status == "Accepted"

    # --- a KCSP meeting with its attendees, and the update requests ahead of it -------------------------
    meetings = window.show_screen("meetings")
    wait_for_tasks(qtbot, context)
    dialog = meetings.new_meeting()
    dialog.set_value("held_on", "10/06/2026")
    dialog.set_value("agenda_item", "7")
    dialog.set_value("attendees", "Chair Person, Kent County Council\nSupt Example, Kent Police\nClerk Person, KCST")
    save_dialog(qtbot, context, dialog)
    wait_for_tasks(qtbot, context)
    assert meetings.selected() is not None and meetings.selected().attendees == 3
    dialog = meetings.request_updates()
    dialog.set_value("due_on", "01/05/2026")
    save_dialog(qtbot, context, dialog)

    # --- the update goes late: six working days after it was due -------------------------------------------
    clock.day = dt.date(2026, 5, 11)
    context.notify_data_changed(None)
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, context)
    # Due Fri 01/05/2026; Mon 04/05 is the early May bank holiday, so 5 working days later is Mon 11/05: today.
    assert dashboard.items(UPDATE) == []  # one row for the agency: the step to take
    escalation = dashboard.items(ESCALATION)
    assert [(item.about, item.what, item.level, item.due_on) for item in escalation] == [
        ("Kent Police", "Send the level-1 letter to the lead contact", 1, dt.date(2026, 5, 11))
    ]
    assert escalation[0].urgency == DUE_SOON  # reached today: due, not yet overdue
    assert "1 agency late with updates, 1 with an escalation step to take" in dashboard.summary.text()

    # --- open it from the dashboard and record the action ---------------------------------------------------
    proxy = dashboard.table.model()
    row = next(r for r in range(proxy.rowCount()) if proxy.object_at(r).kind == ESCALATION)
    dashboard.table.selectRow(row)
    click(qtbot, dashboard.open_button)
    wait_for_tasks(qtbot, context)
    escalations = window.current_screen()
    assert escalations.key == "escalations"
    assert escalations.selected() is not None and escalations.selected().agency == "Kent Police"
    click(qtbot, escalations.record_button)
    dialog = escalations.dialog
    dialog.set_value("method", "Secure e-mail")
    save_dialog(qtbot, context, dialog)
    wait_for_tasks(qtbot, context)
    assert escalations.rows() == []  # nothing more due today
    assert "Recorded 1 action for Kent Police" in escalations.status.text()

    agencies = window.show_screen("agencies", None)
    wait_for_tasks(qtbot, context)
    agencies.open_item(next(r.id for r in agencies.model.rows() if r.name == "Kent Police"))
    wait_for_tasks(qtbot, context)
    assert [(h.level, h.method) for h in agencies.history_model.rows()] == [(1, "Secure e-mail")]

    # The dashboard now shows Kent Police once, waiting for level 2: 15 working days after 01/05/2026 is
    # Mon 25/05/2026, the spring bank holiday, so the next working day, Tue 26/05/2026.
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, context)
    assert dashboard.items(ESCALATION) == []
    assert [(item.about, item.what) for item in dashboard.items(UPDATE)] == [
        ("Kent Police", "Wait for the update (level 2 is reached on 26/05/2026)")
    ]

    # --- produce the briefing for the meeting: three numbered copies, in the register ---------------------
    clock.day = dt.date(2026, 6, 8)
    meetings = window.show_screen("meetings")
    wait_for_tasks(qtbot, context)
    out = tmp_path / "briefings" / "kcsp-2026-06-10.pdf"
    out.parent.mkdir()
    prompter.answer(str(out), kind="save_file").answer(False, kind="question")
    click(qtbot, meetings.briefing_button)
    wait_for_tasks(qtbot, context)
    assert prompter.pending == 0
    assert prompter.shown[-1].title == "Briefing produced"
    files = sorted(out.parent.glob("*.pdf"))
    assert len(files) == 3
    text = "\n".join(page.extract_text() for page in PdfReader(files[1]).pages)
    assert "Copy 2 of 3" in text and "DHR-2026-01" in text and "Anna" in text
    assert "Fictional Realname" not in text
    assert [c.copy_number for c in meetings.copy_model.rows()] == [1, 2, 3]

    # --- after the meeting, tick a copy back in ------------------------------------------------------------
    clock.day = dt.date(2026, 6, 10)
    index = meetings.copy_model.index(1, meetings.copy_model.RETURNED)
    meetings.copy_model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    wait_for_tasks(qtbot, context)
    assert [c.returned_on for c in meetings.copy_model.rows()] == [None, dt.date(2026, 6, 10), None]
    assert "1 of 3 copies back" in meetings.copies_label.text()
    assert [p.kind for p in prompter.shown if p.kind == "warning"] == []

    window.close()
    with open_database(path, PASSPHRASE) as database, database.transaction() as session:
        assert find_case(session, "DHR-2026-01").decision is Decision.REVIEW
