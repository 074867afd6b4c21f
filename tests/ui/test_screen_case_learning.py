"""The case screen's Learning tab: themes, implementation assessment, evidence before sign-off, the department trail,
and recommendations made before shown when one is added."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dhr_tracker.actionplan.recommendations import add_recommendation
from dhr_tracker.casework.cases import create_case
from dhr_tracker.lifecycle.services import record_decision
from dhr_tracker.vocabulary import Decision, ImplementationCategory, RecommendationStatus, Scope
from tests.ui.conftest import TODAY, wait_for_tasks
from ui.screens.case.screen import CaseScreen


def make_cases(database) -> int:
    with database.transaction() as session:
        earlier = create_case(
            session,
            reference="DHR-2025-01",
            pseudonym="Bea",
            notified_on=dt.date(2025, 1, 6),
            csp_area="Dover",
            today=TODAY,
        )
        record_decision(session, earlier, Decision.REVIEW, dt.date(2025, 2, 1), today=TODAY)
        add_recommendation(
            session,
            earlier,
            number="1",
            lead_agency="Kent Police",
            text="Kent Police should train all call handlers on coercive control.",
        )
        case = create_case(
            session,
            reference="DHR-2026-01",
            pseudonym="Anna",
            notified_on=dt.date(2026, 9, 1),
            csp_area="Maidstone",
            victim_real_name="Real Person",
            today=TODAY,
        )
        record_decision(session, case, Decision.REVIEW, dt.date(2026, 9, 20), today=TODAY)
        return case.id


def open_screen(qtbot, ui_context, case_id) -> CaseScreen:
    screen = CaseScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_item(case_id)
    wait_for_tasks(qtbot, ui_context)
    return screen


def test_adding_a_recommendation_made_before_shows_the_earlier_one(qtbot, ui_context, database, prompter):
    screen = open_screen(qtbot, ui_context, make_cases(database))
    screen.action_plan_tab.add_button.click()
    dialog = screen.dialog
    dialog.set_value("text", "All call handlers in Kent Police must be trained on coercive control.")
    dialog.set_value("lead_agency", "Kent Police")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    [message] = prompter.messages("information")
    assert "DHR-2025-01 recommendation 1 (proposed; implementation: not assessed" in message


def test_themes_assessment_evidence_and_sign_off(qtbot, ui_context, database, prompter):
    case_id = make_cases(database)
    with database.transaction() as session:
        from dhr_tracker.model import Case

        rec = add_recommendation(
            session,
            session.get(Case, case_id),
            number="1",
            lead_agency="Kent Police",
            text="Audit the recording of DASH risk assessments.",
        )
        rec.status = RecommendationStatus.COMPLETED_AWAITING_EVIDENCE
        rec.status_changed_on = dt.date(2026, 10, 1)
    screen = open_screen(qtbot, ui_context, case_id)
    tab = screen.learning_tab
    assert tab.themes_label.text() == "Themes of this review: none yet"

    tab.case_themes_button.click()
    themes = screen.dialog
    themes.filter.setText("coercive")
    assert [i.text() for i in themes._items() if not i.isHidden()] == [
        "Coercive control",
        "Recognising coercive control and economic abuse",
    ]
    themes.set_checked(["Coercive control", "Information sharing"])
    themes.submit()
    wait_for_tasks(qtbot, ui_context)
    assert tab.themes_label.text() == "Themes of this review: Coercive control; Information sharing"

    tab.table.selectRow(0)
    assert not tab.department_button.isEnabled()  # a local recommendation has no department
    tab.assess()
    dialog = screen.dialog
    dialog.set_value("category", ImplementationCategory.PARTLY_MET)
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert dialog.error_text("by") == "Who assessed it is required."
    dialog.set_value("by", "Steering Group")
    dialog.set_value("recheck_on", "01/10/2026")  # before the assessment: refused beside the field
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "must be after the assessment" in dialog.error_text("recheck_on")
    dialog.set_value("recheck_on", "01/03/2027")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    row = tab.model.rows()[0]
    assert (row.implementation, row.recheck_on) == ("Partly met", dt.date(2027, 3, 1))

    # Sign-off without evidence is refused in the status dialog, with the reason.
    screen.tabs.setCurrentWidget(screen.action_plan_tab)
    screen.action_plan_tab.select(row.id)
    screen.action_plan_tab.status_button.click()
    status = screen.dialog
    status.set_value("status", RecommendationStatus.IMPLEMENTED)
    status.set_value("minute_reference", "SG 11/2026 item 3")
    status.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "no evidence of implementation" in status.error_text()
    status.reject()

    tab.table.selectRow(0)
    tab.record_evidence()
    evidence = screen.dialog
    evidence.set_value("reference", "DASH audit November 2026")
    evidence.set_value("checked_by", "DHR coordinator")
    evidence.submit()
    wait_for_tasks(qtbot, ui_context)
    assert tab.model.rows()[0].evidence == ("DASH audit November 2026, seen 23/11/2026, checked by DHR coordinator",)

    screen.action_plan_tab.select(row.id)
    screen.action_plan_tab.status_button.click()
    status = screen.dialog
    status.set_value("status", RecommendationStatus.IMPLEMENTED)
    status.set_value("minute_reference", "SG 11/2026 item 3")
    status.submit()
    wait_for_tasks(qtbot, ui_context)
    assert not status.isVisible()
    assert screen.action_plan_tab.model.rows()[0].status == "Implemented and signed off"


def test_a_national_recommendation_records_its_department_trail(qtbot, ui_context, database):
    case_id = make_cases(database)
    with database.transaction() as session:
        from dhr_tracker.model import Case

        add_recommendation(
            session,
            session.get(Case, case_id),
            number="1",
            lead_agency="Ministry of Justice",
            scope=Scope.NATIONAL,
            text="Publish national guidance on older victims.",
        )
    screen = open_screen(qtbot, ui_context, case_id)
    tab = screen.learning_tab
    tab.table.selectRow(0)
    assert tab.department_button.isEnabled() and tab.model.rows()[0].department_trail == ()
    tab.department_step()
    dialog = screen.dialog
    dialog.set_value("step", "Answered by the department")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert "'sent to the department'" in dialog.error_text("step")
    dialog.set_value("step", "Sent to the department")
    dialog.set_value("reference", "KCSP/MoJ/1")
    dialog.submit()
    wait_for_tasks(qtbot, ui_context)
    assert tab.model.rows()[0].department_trail == ("Sent to the department 23/11/2026 (KCSP/MoJ/1)",)


def test_clear_forgets_the_learning(qtbot, ui_context, database):
    screen = open_screen(qtbot, ui_context, make_cases(database))
    screen.clear()
    assert screen.learning_tab.model.rowCount() == 0 and screen.learning_tab.themes_label.text() == ""


def test_the_cases_list_filters_by_theme_through_the_review_or_its_recommendations(qtbot, ui_context, database):
    from dhr_tracker.learning.themes import set_case_themes, set_recommendation_themes
    from dhr_tracker.model import Case, Recommendation
    from ui.screens.cases import CasesScreen

    case_id = make_cases(database)
    with database.transaction() as session:
        set_case_themes(session, session.get(Case, case_id), ["Housing"])
        [earlier_rec] = session.scalars(select(Recommendation)).all()
        set_recommendation_themes(session, earlier_rec, ["Training and awareness"])
    screen = CasesScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, ui_context)

    def shown():
        return sorted(screen.proxy.object_at(row).reference for row in range(screen.proxy.rowCount()))

    assert shown() == ["DHR-2025-01", "DHR-2026-01"]
    screen.theme_filter.setCurrentIndex(screen.theme_filter.findData("Housing"))
    assert shown() == ["DHR-2026-01"] and screen.count_label.text() == "1 of 2 cases shown"
    screen.theme_filter.setCurrentIndex(screen.theme_filter.findData("Training and awareness"))
    assert shown() == ["DHR-2025-01"]
    screen.theme_filter.setCurrentIndex(screen.theme_filter.findData("Stalking"))
    assert shown() == []
    screen.refresh()  # a reload keeps the chosen theme
    wait_for_tasks(qtbot, ui_context)
    assert screen.theme_filter.currentData() == "Stalking" and shown() == []
    screen.clear()
    assert screen.theme_filter.count() == 1 and screen.proxy.rowCount() == 0


def test_the_themes_vocabulary_is_edited_in_settings(qtbot, ui_context, database, prompter):
    from ui.settings_screen import SettingsScreen

    screen = SettingsScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    editor = screen.themes
    assert editor.model.rowCount() == 46
    editor.name.setText("  Digital   abuse ")
    editor.add_clicked()
    wait_for_tasks(qtbot, ui_context)  # the change runs on the task worker
    assert editor.message.text() == "'Digital abuse' added." and editor.name.text() == ""
    editor.name.setText("information sharing")
    editor.add_clicked()
    wait_for_tasks(qtbot, ui_context)  # the change runs on the task worker
    assert editor.message.text() == "The theme 'Information sharing' is already on the list."
    row = next(i for i, t in enumerate(editor.model.rows()) if t.name == "Housing")
    editor.table.selectRow(row)
    prompter.answer("Housing and homelessness", kind="ask_text")
    editor.rename_clicked()
    wait_for_tasks(qtbot, ui_context)  # the change runs on the task worker
    editor.table.selectRow(next(i for i, t in enumerate(editor.model.rows()) if t.name == "Housing and homelessness"))
    editor.retire_clicked()
    wait_for_tasks(qtbot, ui_context)  # the change runs on the task worker
    housing = next(t for t in editor.model.rows() if t.name == "Housing and homelessness")
    assert not housing.active and "retired; its tags stay" in editor.message.text()
    with database.transaction() as session:
        from dhr_tracker.learning.themes import list_themes

        offered = {t.name for t in list_themes(session)}
    assert "Digital abuse" in offered and "Housing and homelessness" not in offered and "Housing" not in offered
    screen.clear()
    assert editor.model.rowCount() == 0
