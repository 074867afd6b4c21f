"""The Case screen: editing validated by the core, nothing half-saved, unsaved-changes prompt, lifecycle and action plan steps."""

from __future__ import annotations

import datetime as dt

from dhr_tracker.casework.cases import create_case, find_case
from dhr_tracker.vocabulary import Decision, Scope
from tests.ui.conftest import TODAY, wait_for_tasks
from ui.screens.case.screen import CaseScreen


def make_case(database, reference="DHR-2026-01", pseudonym="Anna") -> int:
    with database.transaction() as session:
        return create_case(
            session,
            reference=reference,
            pseudonym=pseudonym,
            notified_on=dt.date(2026, 9, 1),
            csp_area="Maidstone",
            victim_real_name="Real Person",
            today=TODAY,
        ).id


def open_screen(qtbot, ui_context, case_id) -> CaseScreen:
    screen = CaseScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_item(case_id)
    wait_for_tasks(qtbot, ui_context)
    return screen


def test_overview_shows_the_case_and_refusals_beside_the_field_with_nothing_saved(qtbot, ui_context, database):
    case_id = make_case(database)
    make_case(database, "DHR-2026-02", "Bea")
    screen = open_screen(qtbot, ui_context, case_id)
    assert screen.form.reference.text() == "DHR-2026-01"
    assert screen.form.notified_on.text() == "01/09/2026"
    assert "DHR-2026-01 – Anna" in screen.heading.text()
    assert not screen.has_unsaved_changes() and not screen.save_button.isEnabled()

    screen.form.pseudonym.setText("Anya")
    screen.form.reference.setText("DHR-2026-02")  # belongs to another case
    assert screen.has_unsaved_changes() and screen.save_button.isEnabled()
    screen.save()
    wait_for_tasks(qtbot, ui_context)
    assert screen.form.errors["reference"].text() == "A case with reference DHR-2026-02 already exists."
    with database.transaction() as session:
        assert find_case(session, "DHR-2026-01").pseudonym == "Anna"  # nothing half-saved

    screen.form.reference.setText("DHR-2026-01")
    screen.form.pseudonym.setText("Real Person")
    screen.save()
    wait_for_tasks(qtbot, ui_context)
    assert "same as a real name" in screen.form.errors["pseudonym"].text()

    screen.form.pseudonym.setText("Anya")
    screen.notes_tab.editor.setPlainText("Chair met the family.")
    screen.save()
    wait_for_tasks(qtbot, ui_context)
    assert not screen.has_unsaved_changes()
    with database.transaction() as session:
        case = find_case(session, "DHR-2026-01")
        assert (case.pseudonym, case.notes) == ("Anya", "Chair met the family.")
    wait_for_tasks(qtbot, ui_context)
    audit = screen.audit_tab.model.rows()
    assert "Pseudonym: Anna → Anya" in audit[0].changes and audit[-1].what == "Opened the case"
    assert all("Real Person" not in row.changes for row in audit)


def test_unsaved_changes_are_asked_about_before_opening_another_case(qtbot, ui_context, database, prompter):
    first, second = make_case(database), make_case(database, "DHR-2026-02", "Bea")
    screen = open_screen(qtbot, ui_context, first)
    screen.form.independent_chair.setText("A. Chair")
    prompter.answer("Cancel", kind="choose")
    screen.open_item(second)
    assert screen.case_id == first and screen.has_unsaved_changes()
    prompter.answer("Discard", kind="choose")
    screen.open_item(second)
    wait_for_tasks(qtbot, ui_context)
    assert screen.case_id == second and screen.form.pseudonym.text() == "Bea"
    screen.form.independent_chair.setText("B. Chair")
    prompter.answer("Save", kind="choose")
    screen.open_item(first)
    wait_for_tasks(qtbot, ui_context)
    with database.transaction() as session:
        assert find_case(session, "DHR-2026-02").independent_chair == "B. Chair"
        assert find_case(session, "DHR-2026-01").independent_chair == ""
    assert "Unsaved changes" in [p.title for p in prompter.shown]


def test_record_decision_then_recommendation_then_update(qtbot, ui_context, database):
    case_id = make_case(database)
    screen = open_screen(qtbot, ui_context, case_id)
    screen.timeline_tab.decision_button.click()
    dialog = screen.dialog
    dialog.set_value("decision", Decision.REVIEW)
    dialog.set_value("decided_on", "31/08/2026")  # before notification: refused beside the field
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "notification" in dialog.error_text("decided_on").lower()
    assert dialog.isVisible()
    dialog.set_value("decided_on", dt.date(2026, 9, 20))
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert not dialog.isVisible()
    assert any(row.event.startswith("Decision") for row in screen.timeline_tab.model.rows())
    assert screen.detail.decision is Decision.REVIEW

    screen.action_plan_tab.add_button.click()
    dialog = screen.dialog
    dialog.set_value("text", "Train staff to recognise coercive control.")
    dialog.set_value("scope", Scope.LOCAL)
    dialog.set_value("lead_agency", "Kent Police")
    dialog.set_value("target_on", "01/06/2027")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert [r.number for r in screen.action_plan_tab.model.rows()] == ["1"]

    screen.action_plan_tab.select(screen.action_plan_tab.model.rows()[0].id)
    screen.action_plan_tab.update_button.click()
    dialog = screen.dialog
    dialog.set_value("contact_name", "Insp. Example")
    dialog.set_value("text", "Training planned.")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    rec = screen.action_plan_tab.model.rows()[0]
    assert [u.text for u in screen.action_plan_tab.updates[rec.id]] == ["Training planned."]
    assert screen.action_plan_tab.update_model.rowCount() == 1

    screen.action_plan_tab.edit_button.click()
    dialog = screen.dialog
    assert dialog.values()["lead_agency"] == "Kent Police" and dialog.values()["target_on"] == dt.date(2027, 6, 1)
    dialog.set_value("scope", Scope.NATIONAL)  # Kent Police is not a government department: refused beside the field
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "government department" in dialog.error_text("lead_agency")
    dialog.set_value("scope", Scope.REGIONAL)
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert screen.action_plan_tab.model.rows()[0].scope == "Regional"


def test_clear_forgets_everything_shown(qtbot, ui_context, database):
    screen = open_screen(qtbot, ui_context, make_case(database))
    screen.clear()
    assert screen.form.reference.text() == "" and screen.timeline_tab.model.rowCount() == 0
    assert screen.pages.currentWidget() is screen.empty
    assert screen.remember() is not None


def test_parallel_process_and_pause(qtbot, ui_context, database):
    from dhr_tracker.vocabulary import ParallelProcessKind, ProcessStatus

    case_id = make_case(database)
    screen = open_screen(qtbot, ui_context, case_id)
    screen.processes_tab.findChild(type(screen.save_button), "add_process").click()
    dialog = screen.dialog
    dialog.set_value("kind", ParallelProcessKind.CRIMINAL_TRIAL)
    dialog.set_value("status", ProcessStatus.ONGOING)
    dialog.set_value("started_on", "02/09/2026")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert [(p.kind, p.status) for p in screen.processes_tab.process_model.rows()] == [("Criminal trial", "Ongoing")]
    screen.processes_tab.process_table.selectRow(0)
    screen.processes_tab.change_process_button.click()
    dialog = screen.dialog
    assert dialog.values()["started_on"] == dt.date(2026, 9, 2)
    dialog.set_value("status", ProcessStatus.CONCLUDED)
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert dialog.isVisible() and dialog.error_text("concluded_on")  # concluded needs its date
    dialog.set_value("concluded_on", "20/11/2026")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert screen.processes_tab.process_model.rows()[0].concluded_on == dt.date(2026, 11, 20)

    screen.processes_tab.findChild(type(screen.save_button), "start_pause").click()
    dialog = screen.dialog
    dialog.set_value("reason", "Awaiting the criminal trial")
    dialog.set_value("starts_on", "03/09/2026")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert [p.until if hasattr(p, "until") else p.ends_on for p in screen.processes_tab.pause_model.rows()] == [None]
    assert any("Pause" in row.event or "pause" in row.event for row in screen.timeline_tab.model.rows())


def test_real_names_are_hidden_until_asked_for(qtbot, ui_context, database):
    from PySide6.QtWidgets import QLineEdit

    screen = open_screen(qtbot, ui_context, make_case(database))
    field = screen.form.victim_real_name
    # Hidden: eight dots whatever the name's length ("Real Person" has 11 characters), and not editable.
    assert field.text() == "Real Person" and QLineEdit.text(field) == "●" * 8 and field.isReadOnly()
    assert QLineEdit.displayText(field) == "●" * 8
    screen.form.show_real_names.setChecked(True)
    assert field.echoMode() == QLineEdit.EchoMode.Normal and QLineEdit.displayText(field) == "Real Person"
    assert not field.isReadOnly()
    assert not screen.has_unsaved_changes()
    screen.form.show_real_names.setChecked(False)
    assert QLineEdit.displayText(field) == "●" * 8 and not screen.has_unsaved_changes()
    screen.clear()
    assert QLineEdit.displayText(field) == "" and field.echoMode() == QLineEdit.EchoMode.Password
