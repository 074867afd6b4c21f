"""The Cases screen and the New case dialog, on a real encrypted database."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from dhr_tracker.casework.cases import create_case, list_cases
from tests.ui.conftest import TODAY, wait_for_tasks
from ui.screens.cases import CasesScreen
from ui.screens.new_case_dialog import NewCaseDialog


def add_cases(database) -> None:
    with database.transaction() as session:
        create_case(
            session,
            reference="DHR-2026-01",
            pseudonym="Anna",
            notified_on=dt.date(2026, 1, 5),
            csp_area="Maidstone",
            today=TODAY,
        )
        create_case(
            session,
            reference="DHR-2026-02",
            pseudonym="Bea",
            notified_on=dt.date(2026, 11, 20),
            csp_area="Medway",
            today=TODAY,
        )
        create_case(
            session,
            reference="DHR-2025-09",
            pseudonym="Carla",
            notified_on=dt.date(2025, 9, 1),
            commissioning_partnership="East Sussex CSP",
            today=TODAY,
        )


def shown(screen: CasesScreen) -> list[str]:
    return [screen.proxy.object_at(row).reference for row in range(screen.proxy.rowCount())]


def test_cases_load_filter_as_you_type_and_by_stage_area_rag(qtbot, ui_context, database):
    add_cases(database)
    screen = CasesScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, ui_context)
    assert shown(screen) == ["DHR-2026-02", "DHR-2026-01", "DHR-2025-09"]  # newest notification first
    assert screen.count_label.text() == "3 cases"
    index = screen.model.index(1, screen.model.NOTIFIED)
    assert screen.model.data(index) == "05/01/2026"
    anna = next(row for row in screen.model.rows() if row.pseudonym == "Anna")
    assert anna.rag == "red" and "Decision on whether to review overdue" in anna.rag_reason

    qtbot.keyClicks(screen.filter_box, "dhr 2026")
    assert shown(screen) == ["DHR-2026-02", "DHR-2026-01"]
    assert screen.count_label.text() == "2 of 3 cases shown"
    screen.filter_box.clear()
    screen.area_filter.setCurrentIndex(screen.area_filter.findData("Medway"))
    assert shown(screen) == ["DHR-2026-02"]
    screen.area_filter.setCurrentIndex(0)
    screen.rag_filter.setCurrentIndex(screen.rag_filter.findData("red"))
    assert shown(screen) == ["DHR-2026-01"]
    screen.rag_filter.setCurrentIndex(0)
    screen.stage_filter.setCurrentIndex(screen.stage_filter.findData("closed"))
    assert shown(screen) == []
    screen.stage_filter.setCurrentIndex(screen.stage_filter.findData("open"))
    assert len(shown(screen)) == 3

    screen.table.sortByColumn(screen.model.REFERENCE, Qt.SortOrder.AscendingOrder)
    assert shown(screen) == ["DHR-2025-09", "DHR-2026-01", "DHR-2026-02"]


def test_ctrl_f_focuses_the_filter_and_enter_opens_the_case(qtbot, ui_context, database):
    add_cases(database)
    screen = CasesScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    screen.refresh()
    wait_for_tasks(qtbot, ui_context)
    screen.find()
    assert screen.filter_box.hasFocus()
    screen.table.selectRow(0)
    with qtbot.waitSignal(ui_context.navigate) as opened:
        screen.open_selected()
    assert opened.args[0] == "case"
    assert opened.args[1] == screen.proxy.object_at(0).id


def test_new_case_dialog_shows_refusals_beside_the_field_and_saves_nothing(qtbot, ui_context, database):
    add_cases(database)
    dialog = NewCaseDialog(ui_context)
    qtbot.addWidget(dialog)
    assert dialog.form.notified_on.text() == "23/11/2026"
    dialog.form.reference.setText("DHR-2026-01")  # taken
    dialog.form.pseudonym.setText("Dora")
    dialog.form.csp_area.setCurrentIndex(dialog.form.csp_area.findData("Swale"))
    dialog.create()
    wait_for_tasks(qtbot, ui_context)
    assert dialog.form.errors["reference"].text() == "A case with reference DHR-2026-01 already exists."
    assert not dialog.form.errors["reference"].isHidden()

    dialog.form.reference.setText("DHR-2026-03")
    dialog.form.notified_on.setText("31/02/2026")
    dialog.create()
    assert "not a date in the form dd/mm/yyyy" in dialog.form.errors["notified_on"].text()
    dialog.form.notified_on.setText("24/11/2026")
    dialog.create()
    wait_for_tasks(qtbot, ui_context)
    assert "in the future" in dialog.form.errors["notified_on"].text()
    assert dialog.form.errors["reference"].text() == ""
    with database.transaction() as session:
        assert len(list_cases(session)) == 3

    dialog.form.notified_on.setText("20/11/2026")
    with qtbot.waitSignal(dialog.created) as created:
        dialog.create()
    with database.transaction() as session:
        assert [c.pseudonym for c in list_cases(session) if c.id == created.args[0]] == ["Dora"]


def test_ctrl_n_in_the_window_opens_the_new_case_dialog(qtbot, window, ui_context):
    window.show_screen("cases")
    wait_for_tasks(qtbot, ui_context)
    assert window.new_case_action.shortcut().toString() == "Ctrl+N"
    window.new_case_action.trigger()
    screen = window.screen("cases")
    assert screen.new_case_dialog is not None and screen.new_case_dialog.isVisible()
    screen.clear()
    assert screen.new_case_dialog is None
