"""The Escalations screen on the demo caseload: what is due today, record the action, produce the letters."""

from __future__ import annotations

from pypdf import PdfReader

from dhr_tracker.escalation.service import escalations
from tests.ui.conftest import TODAY, wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.screens.escalations import EscalationsScreen


def open_screen(qtbot, context) -> EscalationsScreen:
    screen = EscalationsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, context)
    return screen


def test_actions_due_today_match_the_engine(qtbot, demo_context):
    screen = open_screen(qtbot, demo_context)
    expected = demo_context.read(
        lambda s: {p.agency_name: p.action_due.level for p in escalations(s, TODAY) if p.action_due}
    )
    assert {row.agency: row.action_due_level for row in screen.rows()} == expected
    assert screen.rows()[0].level == max(expected.values())
    assert "23/11/2026" in screen.heading.text()
    screen.due_only.setChecked(False)
    assert len(screen.rows()) >= len(expected)


def test_record_the_action_and_it_is_no_longer_due(qtbot, demo_context):
    screen = open_screen(qtbot, demo_context)
    before = len(screen.rows())
    screen.table.selectRow(0)
    agency = screen.selected().agency
    screen.record_button.click()
    dialog = screen.dialog
    dialog.set_value("taken_on", "24/11/2026")  # tomorrow: refused beside the field, nothing recorded
    dialog.submit()
    wait_for_tasks(qtbot, demo_context)
    assert "future" in dialog.error_text("taken_on")
    dialog.set_value("taken_on", TODAY)
    dialog.submit()
    wait_for_tasks(qtbot, demo_context)
    assert not dialog.isVisible()
    assert agency not in [row.agency for row in screen.rows()] and len(screen.rows()) == before - 1
    assert f"for {agency}" in screen.status.text()


def test_produce_the_letters_as_a_task(qtbot, demo_context, prompter, tmp_path):
    screen = open_screen(qtbot, demo_context)
    prompter.answer(str(tmp_path / "letters"), kind="choose_folder")
    screen.letters_button.click()
    wait_for_tasks(qtbot, demo_context)
    pdfs = sorted((tmp_path / "letters").glob("*.pdf"))
    assert len(pdfs) == len(screen.rows())
    assert prompter.messages("information") and "letter" in prompter.messages("information")[0]
    text = PdfReader(pdfs[0]).pages[0].extract_text()
    assert "OFFICIAL-SENSITIVE" in text

    screen.table.selectRow(0)
    screen.copy_letter()
    wait_for_tasks(qtbot, demo_context)
    assert demo_context.clipboard.holds_ours
    assert "clipboard" in screen.status.text()
