"""A coordinator's day with the keyboard only: no mouse click, no widget set from code.

On the demo caseload: the dashboard's most urgent row opens with Enter; the escalation step is recorded from
the Escalations screen (Alt+R, Enter); the dashboard then shows that agency waiting; a new case is typed in
(Ctrl+N, Tab between fields, Enter) and opens; its audit trail reads as sentences; Ctrl+L locks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.models.dashboard import ESCALATION, UPDATE

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def back_to_window(qtbot, window) -> None:
    """The offscreen platform leaves no window active when a dialog closes (a desktop gives activation back to
    the main window); shortcuts need an active window, so hand it back as the desktop would."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_the_coordinators_day_by_keyboard_alone(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window.resize(1280, 720)
    window.show()
    window._on_unlocked()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    wait_for_tasks(qtbot, demo_context)

    # --- the dashboard: Ctrl+1, Ctrl+F to its filter, Tab past Open to the list, Enter on the top row -------
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    wait_for_tasks(qtbot, demo_context)
    dashboard = window.current_screen()
    assert dashboard.key == "dashboard"
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is dashboard.kind_filter
    while QApplication.focusWidget() is not dashboard.table:
        press(qtbot, window, Qt.Key.Key_Tab)
    press(qtbot, window, Qt.Key.Key_Home, CTRL)
    top = dashboard.table.model().object_at(dashboard.table.currentIndex().row())
    assert top.kind == ESCALATION, "the most urgent item on the demo caseload is an escalation step"
    press(qtbot, window, Qt.Key.Key_Return)
    wait_for_tasks(qtbot, demo_context)

    # --- the escalation step: Alt+R opens the record dialog, Enter records it -------------------------------
    escalations = window.current_screen()
    assert escalations.key == "escalations" and escalations.selected().agency_id == top.target_id
    press(qtbot, window, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: escalations.dialog is not None)  # a mnemonic "animates" the click: it lands a moment later
    dialog = escalations.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    press(qtbot, window, Qt.Key.Key_Return)
    wait_for_tasks(qtbot, demo_context)
    assert not dialog.isVisible() and "Recorded" in escalations.status.text()
    back_to_window(qtbot, window)

    # --- back on the dashboard the agency is one row, waiting for its update --------------------------------
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    wait_for_tasks(qtbot, demo_context)
    assert window.current_screen() is dashboard
    rows = [item for item in dashboard.items() if item.target_id == top.target_id and item.kind in (UPDATE, ESCALATION)]
    assert [item.kind for item in rows] == [UPDATE] and rows[0].what.startswith("Wait for the update")

    # --- a new case, typed in: Ctrl+N, Tab from field to field, Enter ---------------------------------------
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    wait_for_tasks(qtbot, demo_context)
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    new_case = window.screen("cases").new_case_dialog
    assert new_case is not None and new_case.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is new_case.form.reference)
    type_text(qtbot, "DHR-2026-40")
    press(qtbot, window, Qt.Key.Key_Tab)
    type_text(qtbot, "Quinn")
    press(qtbot, window, Qt.Key.Key_Tab)
    type_text(qtbot, "16/11/2026")  # Tab selects the field's text (today's date), so typing replaces it
    press(qtbot, window, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is new_case.form.csp_area
    type_text(qtbot, "Maidstone")  # a combo box picks the entry typed
    assert new_case.form.csp_area.currentData() == "Maidstone"
    press(qtbot, window, Qt.Key.Key_Return)
    wait_for_tasks(qtbot, demo_context)
    back_to_window(qtbot, window)
    case_screen = window.current_screen()
    assert case_screen.key == "case" and case_screen.detail.reference == "DHR-2026-40"

    # --- its audit trail, by its mnemonic (Alt+U), reads as a sentence ------------------------------------
    press(qtbot, window, Qt.Key.Key_U, ALT)
    assert case_screen.tabs.currentWidget() is case_screen.audit_tab
    assert case_screen.audit_tab.model.rows()[-1].what == "Opened the case"

    # --- Ctrl+L locks ---------------------------------------------------------------------------------------
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    wait_for_tasks(qtbot, demo_context)
    assert window.pages.currentWidget() is not window.workspace
