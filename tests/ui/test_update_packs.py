"""Update packs in the Meetings screen: make the round's packs, tick them sent, drop a returned pack to import
it, accept the proposed status change; the dashboard counts returns awaiting import."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from dhr_tracker.escalation.service import escalations
from tests.ui.conftest import TODAY, wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.screens.dashboard import DashboardScreen
from ui.screens.meetings import MeetingsScreen

FIRST_ROW, KEY, STATUS, PROGRESS, PROPOSED, NAME, ROLE = 10, 1, 8, 11, 13, 15, 16


def open_round(qtbot, context) -> MeetingsScreen:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, context)
    wait_for_tasks(qtbot, context)  # the panel loads once the meeting is selected
    return screen


def fill_every_row(source, target):
    book = openpyxl.load_workbook(source)
    sheet = book["Update pack"]
    row, proposed = FIRST_ROW, False
    while sheet.cell(row, KEY).value:
        sheet.cell(row, PROGRESS, "Audit of 20 records completed; findings to the board.")
        sheet.cell(row, NAME, "Pat Example")
        sheet.cell(row, ROLE, "Safeguarding lead")
        if not proposed and sheet.cell(row, STATUS).value == "Accepted":
            sheet.cell(row, PROPOSED, "In progress")
            proposed = True
        row += 1
    book.save(target)
    return proposed


def test_one_round_from_packs_made_to_levels_dropping(qtbot, demo_context, prompter, tmp_path):
    screen = open_round(qtbot, demo_context)
    panel = screen.packs
    assert panel.data is not None and panel.data.has_round, panel.heading.text()
    owing = [s for s in panel.status_model.rows() if s.outstanding]
    assert owing and all(s.stage == "no pack" for s in owing)

    prompter.answer(str(tmp_path / "packs"), kind="choose_folder").answer(False, kind="question")
    panel.make_button.click()
    wait_for_tasks(qtbot, demo_context)
    wait_for_tasks(qtbot, demo_context)
    assert len(panel.last_made) == len(owing)
    assert {s.stage for s in panel.status_model.rows() if s.outstanding} == {"pack made"}

    # Tick the first pack as sent, as the coordinator does once its e-mail has gone.
    index = panel.status_model.index(
        next(i for i, s in enumerate(panel.status_model.rows()) if s.pack_id), panel.status_model.SENT
    )
    panel.status_model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    wait_for_tasks(qtbot, demo_context)
    wait_for_tasks(qtbot, demo_context)
    assert any(s.sent_on == TODAY for s in panel.status_model.rows())

    levels = {p.agency_name: p.level.level for p in demo_context.read(lambda s: escalations(s, TODAY)) if p.level}
    pack = max(panel.last_made, key=lambda m: (levels.get(m.agency_name, 0), m.rows))
    returned = tmp_path / "returned.xlsx"
    proposed = fill_every_row(pack.workbook, returned)

    # Dropped on the panel: checked first (and noted returned), then imported when the coordinator says yes.
    prompter.answer(True, kind="question")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(returned))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    panel.dropEvent(drop)
    for _ in range(4):
        wait_for_tasks(qtbot, demo_context)
    assert prompter.messages("warning") == []
    assert any("Imported" in text for text in prompter.messages("information"))
    status = next(s for s in panel.status_model.rows() if s.agency_name == pack.agency_name)
    assert status.stage == "imported" and status.outstanding == 0
    after = {p.agency_name for p in demo_context.read(lambda s: escalations(s, TODAY))}
    assert pack.agency_name not in after  # its level dropped at once

    if proposed:
        assert panel.proposal_model.rowCount() == 1
        panel.proposal_table.selectRow(0)
        panel.accept_button.click()
        wait_for_tasks(qtbot, demo_context)
        wait_for_tasks(qtbot, demo_context)
        assert panel.proposal_model.rowCount() == 0
    panel.grab().save(str(tmp_path / "update-packs.png"))


def test_a_refused_pack_is_listed_and_counted_on_the_dashboard(qtbot, demo_context, prompter, tmp_path):
    screen = open_round(qtbot, demo_context)
    panel = screen.packs
    prompter.answer(str(tmp_path / "packs"), kind="choose_folder").answer(False, kind="question")
    panel.make_button.click()
    wait_for_tasks(qtbot, demo_context)
    book = openpyxl.load_workbook(panel.last_made[0].workbook)
    book["Update pack"].cell(FIRST_ROW, PROGRESS, "Done.")  # no name: refused
    path = tmp_path / "no-name.xlsx"
    book.save(path)
    prompter.answer(str(path), kind="open_file")
    panel.import_button.click()
    for _ in range(3):
        wait_for_tasks(qtbot, demo_context)
    [warning] = prompter.messages("warning")
    assert "refused" in warning and "give the name of whoever updated it" in warning and "left as they are" in warning
    assert (
        next(s for s in panel.status_model.rows() if s.agency_name == panel.last_made[0].agency_name).stage
        == "returned, awaiting import"
    )
    dashboard = DashboardScreen(demo_context)
    qtbot.addWidget(dashboard)
    dashboard.refresh()
    wait_for_tasks(qtbot, demo_context)
    assert "1 returned update pack awaiting import" in dashboard.summary.text()
