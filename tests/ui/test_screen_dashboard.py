"""The Dashboard on the demo caseload: today's items, charts, and every item opens what it refers to."""

from __future__ import annotations

from tests.ui.conftest import TODAY, wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures
from ui.models.dashboard import ESCALATION, MEETING, MILESTONE, OVERDUE, UPDATE


def test_dashboard_lists_what_needs_doing_and_charts_the_caseload(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window._on_unlocked()
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, demo_context)
    items = dashboard.items()
    kinds = {item.kind for item in items}
    assert kinds == {MILESTONE, UPDATE, ESCALATION, MEETING}
    for item in dashboard.items(MILESTONE):
        assert item.urgency == OVERDUE or (item.due_on - TODAY).days <= 14
    assert all(item.level is not None for item in dashboard.items(ESCALATION))
    assert all(item.due_on >= TODAY for item in dashboard.items(MEETING))
    assert dashboard.heading.text() == "<h2>Today, 23/11/2026</h2>"
    assert sum(value for _label, value in dashboard.stage_chart.figures) == sum(
        value for _label, value in dashboard.rag_chart.figures)
    assert dashboard.level_chart.figures and "Level" in dashboard.level_chart.accessibleDescription()
    first = dashboard.table.model().object_at(0)
    assert first.urgency == OVERDUE  # most urgent first

    dashboard.proxy.set_kind(MEETING)
    assert {dashboard.proxy.object_at(r).kind for r in range(dashboard.proxy.rowCount())} == {MEETING}
    dashboard.proxy.set_kind("")


def test_every_dashboard_item_opens_what_it_refers_to(qtbot, make_window, demo_context):
    window = make_window(demo_context)
    window._on_unlocked()
    dashboard = window.show_screen("dashboard")
    wait_for_tasks(qtbot, demo_context)
    for kind, key in ((MILESTONE, "case"), (UPDATE, "agencies"), (ESCALATION, "escalations"), (MEETING, "meetings")):
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
