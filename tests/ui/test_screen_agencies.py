"""The Agencies screen on the demo caseload: level, outstanding items, history, contacts, filter."""

from __future__ import annotations

from dhr_tracker.escalation.service import escalations
from tests.ui.conftest import wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.models.agencies import OutstandingModel
from ui.screens.agencies import AgenciesScreen
from ui.screens.forms import selected_object


def positions(context):
    return context.read(lambda session: escalations(session, context.today()))


def position_of(context, agency_id):
    return next(p for p in positions(context) if p.agency_id == agency_id)


def assert_outstanding_shown_for(screen, position) -> None:
    """Every row of the Outstanding tab, as shown, is one of the agency's items the core counts as owed."""
    model = screen.outstanding_model
    shown = sorted(
        (model.data(model.index(r, OutstandingModel.CASE)), model.data(model.index(r, OutstandingModel.NUMBER)))
        for r in range(model.rowCount())
    )
    assert shown == sorted((f"{item.case_reference} ({item.pseudonym})", item.number) for item in position.outstanding)


def test_agencies_show_level_outstanding_history_and_contacts(qtbot, demo_context):
    screen = AgenciesScreen(demo_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, demo_context)
    rows = screen.model.rows()
    assert {row.level for row in rows if row.level is not None} >= {1, 2, 3, 4}
    top = screen.proxy.object_at(0)
    assert top.level == max(row.level for row in rows if row.level is not None)  # worst first
    wait_for_tasks(qtbot, demo_context)
    assert screen.detail is not None and screen.detail.id == top.id
    assert screen.outstanding_model.rowCount() == top.outstanding
    assert any(row.overdue for row in screen.outstanding_model.rows())
    assert {row.level for row in screen.contact_model.rows()} >= {"Lead contact", "Chief officer"}
    assert screen.history_model.rowCount() >= 1  # the demo took steps on the ladder for the worst agency
    assert f"escalation level {top.level}" in screen.summary.text()
    assert "on time" in screen.timeliness.text()
    assert_outstanding_shown_for(screen, position_of(demo_context, top.id))

    # An agency at level 1, found by its id: never the first row (worst first), so showing the wrong row fails.
    about = next(p for p in positions(demo_context) if p.level is not None and p.level.level == 1)
    row = next(r for r in range(screen.proxy.rowCount()) if screen.proxy.object_at(r).id == about.agency_id)
    assert row > 0
    screen.table.selectRow(row)
    wait_for_tasks(qtbot, demo_context)
    assert screen.detail.id == about.agency_id and about.agency_name in screen.name_label.text()
    assert "escalation level 1" in screen.summary.text()
    assert_outstanding_shown_for(screen, about)

    screen.filter_box.setText("kent police")
    assert [screen.proxy.object_at(r).name for r in range(screen.proxy.rowCount())] == ["Kent Police"]
    screen.open_item(top.id)
    assert screen.filter_box.text() == ""
    wait_for_tasks(qtbot, demo_context)
    assert selected_object(screen.table).id == top.id and screen.detail.id == top.id
    screen.clear()
    assert screen.model.rowCount() == 0 and screen.history_model.rowCount() == 0
