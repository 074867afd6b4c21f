"""The Dashboard on the demo caseload: today's items, charts, and every item opens what it refers to."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import TODAY, wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.models.dashboard import DUE_SOON, ESCALATION, MEETING, MILESTONE, OVERDUE, UPDATE


def test_dashboard_lists_what_needs_doing_and_charts_the_caseload(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window._on_unlocked()
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, demo_context)
    items = dashboard.items()
    kinds = {item.kind for item in items}
    assert {MILESTONE, ESCALATION, MEETING} <= kinds <= {MILESTONE, UPDATE, ESCALATION, MEETING}
    for item in dashboard.items(MILESTONE):
        assert item.urgency == OVERDUE or (item.due_on - TODAY).days <= 14
    # One row per late agency (never a "late update" row and an "escalation" row for the same agency), saying
    # the step to take; an action due since before today is overdue and says since when, never "Due soon".
    agency_rows = dashboard.items(UPDATE) + dashboard.items(ESCALATION)
    assert len({item.target_id for item in agency_rows}) == len(agency_rows)
    for item in dashboard.items(ESCALATION):
        assert item.level is not None and item.what.startswith(("Send the level-", "Report to the KCSP"))
        assert item.urgency == (OVERDUE if item.due_on < TODAY else DUE_SOON)
    model = dashboard.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert all(headers), headers  # a header on every column
    overdue_rows = [r for r in range(model.rowCount()) if model.object_at(r).urgency == OVERDUE]
    assert overdue_rows and all(model.index(r, 1).data().startswith("since ") for r in overdue_rows)
    assert f"{len(agency_rows)} agencies late with updates" in dashboard.summary.text()
    assert all(item.due_on >= TODAY for item in dashboard.items(MEETING))
    assert dashboard.heading.text() == "<h2>Today, 23/11/2026</h2>"
    assert sum(value for _label, value in dashboard.stage_chart.figures) == sum(
        value for _label, value in dashboard.rag_chart.figures
    )
    assert dashboard.level_chart.figures and "Level" in dashboard.level_chart.accessibleDescription()
    first = dashboard.table.model().object_at(0)
    assert first.urgency == OVERDUE  # most urgent first

    dashboard.proxy.set_kind(MEETING)
    assert {dashboard.proxy.object_at(r).kind for r in range(dashboard.proxy.rowCount())} == {MEETING}
    dashboard.proxy.set_kind("")


def test_charts_take_at_most_a_quarter_of_the_dashboard(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window.resize(1280, 720)
    window._on_unlocked()
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, demo_context)
    qtbot.waitUntil(lambda: dashboard.charts.height() > 0)
    assert dashboard.charts.height() <= dashboard.height() // 4 + 1
    assert dashboard.table.height() > 2 * dashboard.charts.height()


def test_every_dashboard_item_opens_what_it_refers_to(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window._on_unlocked()
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, demo_context)
    for kind, key in ((MILESTONE, "case"), (UPDATE, "agencies"), (ESCALATION, "escalations"), (MEETING, "meetings")):
        if not dashboard.items(kind):
            continue  # on the demo caseload every late agency has a step due, so no agency is only waiting
        item = dashboard.items(kind)[0]
        window.show_screen("dashboard")
        dashboard.open(item)
        wait_for_tasks(qtbot, demo_context)
        screen = window.current_screen()
        assert screen.key == key
        if key == "case":
            assert screen.detail.id == item.target_id and screen.detail.reference in item.about
        elif key == "agencies":
            assert screen.detail is not None and screen.detail.id == item.target_id
        elif key == "escalations":
            assert screen.selected().agency_id == item.target_id
        else:
            assert screen.selected().id == item.target_id


def test_dashboard_forgets_everything_on_clear(qtbot, demo_context):
    from ui.screens.dashboard import DashboardScreen

    screen = DashboardScreen(demo_context)
    qtbot.addWidget(screen)
    screen.refresh()
    wait_for_tasks(qtbot, demo_context)
    assert screen.model.rowCount() > 0
    screen.clear()
    assert screen.model.rowCount() == 0 and screen.stage_chart.figures == [] and screen.summary.text() == ""
