"""The Agencies screen on the demo caseload: level, outstanding items, history, contacts, filter."""

from __future__ import annotations

from tests.ui.conftest import wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.screens.agencies import AgenciesScreen


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
    for row in screen.outstanding_model.rows():
        assert "(" in screen.outstanding_model.data(screen.outstanding_model.index(0, 0))  # reference (pseudonym)

    screen.filter_box.setText("kent police")
    assert [screen.proxy.object_at(r).name for r in range(screen.proxy.rowCount())] == ["Kent Police"]
    screen.open_item(top.id)
    assert screen.filter_box.text() == ""
    wait_for_tasks(qtbot, demo_context)
    screen.clear()
    assert screen.model.rowCount() == 0 and screen.history_model.rowCount() == 0
