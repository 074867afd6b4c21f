"""The import wizard: choose a file (through the prompter), check the columns, dry run report, import all or nothing."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from dhr_tracker.exchange.sheets import SheetKind, read_sheet_file, suggest_mapping
from dhr_tracker.model import Case, Recommendation
from tests.test_sheet_import import REAL_NAMES, messy_workbook
from tests.ui.conftest import wait_for_tasks
from ui.models.import_report import ImportReportModel
from ui.screens.import_wizard import CHECK_PAGE, COLUMNS_PAGE, DONE_PAGE, FILE_PAGE, NOT_IMPORTED, ImportWizard


def counts(database) -> tuple[int, int]:
    with database.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Case)),
            session.scalar(select(func.count()).select_from(Recommendation)),
        )


def open_wizard(qtbot, ui_context, prompter, path) -> ImportWizard:
    wizard = ImportWizard(ui_context)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.state()["page"] == FILE_PAGE and not wizard.next_button.isEnabled()
    prompter.answer(str(path), kind="open_file")
    qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    return wizard


def click_next(qtbot, wizard, ui_context) -> None:
    assert wizard.next_button.isEnabled(), wizard.state()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)


def test_a_messy_workbook_is_checked_then_imported_and_its_columns_remembered(
    qtbot, qtmodeltester, ui_context, prompter, database, tmp_path
):
    path = messy_workbook(tmp_path / "caseload.xlsx", problems=False)
    wizard = open_wizard(qtbot, ui_context, prompter, path)
    assert wizard.state()["page"] == COLUMNS_PAGE
    assert "caseload.xlsx: Excel workbook, 2 sheet(s)" in wizard.file_label.text()
    assert [wizard.tabs.tabText(i) for i in range(wizard.tabs.count())] == ["Caseload", "Action plan"]
    cases, recs = wizard.editors
    assert (cases.kind(), cases.header_row.value(), recs.kind(), recs.header_row.value()) == (
        SheetKind.CASES,
        3,
        SheetKind.RECOMMENDATIONS,
        1,
    )
    assert cases.field_combos["notified_on"].currentText() == "E: Date notified"
    assert cases.field_combos["reference"].currentData() == "DHR Ref"
    assert recs.field_combos["lead_agency"].currentData() == "Lead agency"
    assert counts(database) == (0, 0)

    click_next(qtbot, wizard, ui_context)  # the dry run
    assert wizard.state() == {"page": CHECK_PAGE, "next": "&Import", "next_enabled": True}
    assert wizard.result.dry_run and wizard.result.ok
    assert "3 case(s) and 4 recommendation(s) would be added" in wizard.check_summary.text()
    model = wizard.report_model
    qtmodeltester.check(model)
    notes = [model.row_object(row) for row in range(model.rowCount())]
    assert notes and all(note.severity == "note" for note in notes)
    assert any("formula" in note.problem for note in notes)
    assert counts(database) == (0, 0)  # the check wrote nothing

    with qtbot.waitSignal(wizard.imported):
        click_next(qtbot, wizard, ui_context)
    assert wizard.state()["page"] == DONE_PAGE and wizard.cancel_button.text() == "Close"
    assert "were added" in wizard.done_summary.text()
    assert counts(database) == (3, 4)

    with database.transaction() as session:  # the same layout next time: the remembered columns
        suggestion = suggest_mapping(read_sheet_file(path), session)
    assert [m.columns.get("reference") for m in suggestion.sheets if m.kind is SheetKind.CASES] == ["DHR Ref"]
    for text in (wizard.check_summary.text(), wizard.done_summary.text()):
        assert not any(name.split()[0] in text for name in REAL_NAMES)


def test_problems_are_shown_by_sheet_row_and_column_and_nothing_can_be_imported(
    qtbot, qtmodeltester, ui_context, prompter, database, tmp_path
):
    wizard = open_wizard(qtbot, ui_context, prompter, messy_workbook(tmp_path / "bad.xlsx", problems=True))
    click_next(qtbot, wizard, ui_context)
    assert wizard.state() == {"page": CHECK_PAGE, "next": "&Import", "next_enabled": False}
    assert "Nothing can be imported while an error remains" in wizard.check_summary.text()
    model = wizard.report_model
    qtmodeltester.check(model)
    rows = [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    assert rows[0][0] == "Error"  # errors first
    agency = next(row for row in rows if row[1] == "Action plan" and row[2] == "6")
    assert agency[3] == "Lead agency (F6)" and "Did you mean 'Kent Police'?" in agency[5]
    assert any(row[1] == "Caseload" and row[2] == "9" and "two-digit year" in row[4] for row in rows)
    model.sort(ImportReportModel.ROW, Qt.SortOrder.DescendingOrder)
    for name in REAL_NAMES:
        assert not any(name in str(cell) for row in rows for cell in row)

    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)  # back to the columns, then check again
    assert wizard.state()["page"] == COLUMNS_PAGE
    click_next(qtbot, wizard, ui_context)
    assert wizard.state()["page"] == CHECK_PAGE and not wizard.result.ok
    assert counts(database) == (0, 0)


def unusual_workbook(path, reference: str):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Our list"
    sheet.append(["Our ID", "Known as", "Referred", "Area", "Comments"])
    sheet.append([reference, "Morgan", "02/02/2025", "Thanet", "For the coordinator only"])
    book.save(path)
    return path


def test_columns_the_guess_cannot_place_are_chosen_by_hand_and_remembered(
    qtbot, ui_context, prompter, database, tmp_path
):
    wizard = open_wizard(qtbot, ui_context, prompter, unusual_workbook(tmp_path / "ours.xlsx", "DHR-2025-11"))
    assert wizard.state()["page"] == COLUMNS_PAGE
    (editor,) = wizard.editors
    assert editor.kind() is None and "not imported" in editor.note.text()
    assert not wizard.next_button.isEnabled() and "at least one sheet" in wizard.columns_status.text()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("cases"))
    assert "choose the column for Case reference, Agreed pseudonym, Date notified" in wizard.columns_status.text()
    assert editor.field_combos["csp_area"].currentData() == "Area"  # guessed when the kind was chosen
    editor.set_field("reference", "Our ID")
    editor.set_field("pseudonym", "Known as")
    editor.set_field("notified_on", "Referred")
    assert editor.field_combos["notes"].currentData() == "Comments"
    editor.set_field("notes", None)
    assert editor.field_combos["notes"].currentText() == NOT_IMPORTED
    assert wizard.next_button.isEnabled() and wizard.columns_status.text() == ""
    click_next(qtbot, wizard, ui_context)
    assert wizard.result.ok and wizard.result.cases_added == 1
    click_next(qtbot, wizard, ui_context)
    assert wizard.state()["page"] == DONE_PAGE and counts(database) == (1, 0)
    with database.transaction() as session:
        case = session.scalar(select(Case))
        assert (case.reference, case.pseudonym, case.csp_area.name, case.notes) == (
            "DHR-2025-11",
            "Morgan",
            "Thanet",
            "",
        )

    again = open_wizard(qtbot, ui_context, prompter, unusual_workbook(tmp_path / "ours2.xlsx", "DHR-2025-12"))
    (editor,) = again.editors
    assert editor.kind() is SheetKind.CASES and editor.field_combos["reference"].currentData() == "Our ID"
    assert editor.field_combos["notes"].currentText() == NOT_IMPORTED  # left out on purpose, remembered
    assert again.next_button.isEnabled()


def test_a_wrong_file_is_refused_with_a_clear_message(qtbot, ui_context, prompter, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"%PDF-1.7 not a spreadsheet")
    wizard = open_wizard(qtbot, ui_context, prompter, path)
    assert wizard.state()["page"] == FILE_PAGE and not wizard.next_button.isEnabled()
    (message,) = prompter.messages("warning")
    assert "notes.xlsx is a PDF document" in message and "Save As" in message
    assert wizard.file_label.text() == "No file chosen."

    prompter.answer(None, kind="open_file")  # cancelled: nothing happens
    wizard.choose_file()
    assert wizard.state()["page"] == FILE_PAGE and len(prompter.messages("warning")) == 1


def test_the_cases_screen_opens_the_wizard_and_shows_the_imported_cases(qtbot, window, ui_context, prompter, tmp_path):
    screen = window.show_screen("cases")
    wait_for_tasks(qtbot, ui_context)
    assert screen.model.rowCount() == 0
    prompter.answer(str(messy_workbook(tmp_path / "caseload.xlsx", problems=False)), kind="open_file")
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    wizard = screen.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible() and wizard.state()["page"] == COLUMNS_PAGE
    click_next(qtbot, wizard, ui_context)
    click_next(qtbot, wizard, ui_context)
    wait_for_tasks(qtbot, ui_context)
    assert wizard.state()["page"] == DONE_PAGE
    assert sorted(row.reference for row in screen.model.rows()) == ["DHR-2024-01", "DHR-2024-02", "DHR-2024-03"]
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.findChild(ImportWizard) is None)  # deleted on close: its cells are not kept


def test_locking_closes_the_wizard_and_drops_the_sheet(qtbot, window, ui_context, prompter, tmp_path):
    screen = window.show_screen("cases")
    wait_for_tasks(qtbot, ui_context)
    prompter.answer(str(messy_workbook(tmp_path / "caseload.xlsx", problems=False)), kind="open_file")
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ui_context)
    assert screen.findChild(ImportWizard) is not None
    assert window.lock()
    qtbot.waitUntil(lambda: screen.findChild(ImportWizard) is None)
    assert not ui_context.is_unlocked


def test_the_check_can_be_cancelled_and_run_again(qtbot, ui_context, prompter, database, tmp_path, monkeypatch):
    """A long check has a Cancel button: cancelling leaves nothing to import, no warning, and the check can run again."""
    import ui.screens.import_wizard as wizard_module
    from dhr_tracker.progress import Cancelled
    from tests.ui.test_task_progress import HeldAt, cancel_button, dialog_of

    wizard = open_wizard(qtbot, ui_context, prompter, messy_workbook(tmp_path / "caseload.xlsx", problems=False))
    real_import, gate, tasks = wizard_module.import_sheets, {}, []

    def held_import(session, sheet_file, mapping, *, progress, **options):  # noqa: ANN001, ANN003
        gate["held"] = held = HeldAt(progress, 1)  # held once the sheets are read, before the rows are checked
        return real_import(session, sheet_file, mapping, progress=held, **options)

    monkeypatch.setattr(wizard_module, "import_sheets", held_import)
    run = ui_context.tasks.run
    monkeypatch.setattr(
        ui_context.tasks, "run", lambda *args, **options: tasks.append(run(*args, **options)) or tasks[-1]
    )
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "held" in gate and gate["held"].reached.is_set())
    dialog = dialog_of(tasks[-1])
    dialog.show()
    qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
    gate["held"].release.set()
    wait_for_tasks(qtbot, ui_context)

    assert isinstance(tasks[-1].error, Cancelled)
    assert wizard.state() == {"page": CHECK_PAGE, "next": "&Import", "next_enabled": False}
    assert wizard.result is None and wizard.report_model.rowCount() == 0
    assert "cancel" in wizard.check_summary.text().lower()
    assert prompter.messages("warning") == []
    assert counts(database) == (0, 0)

    monkeypatch.setattr(wizard_module, "import_sheets", real_import)
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    click_next(qtbot, wizard, ui_context)  # the check again, to the end
    assert wizard.state() == {"page": CHECK_PAGE, "next": "&Import", "next_enabled": True}
    assert "3 case(s) and 4 recommendation(s) would be added" in wizard.check_summary.text()
