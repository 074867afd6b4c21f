"""Every table model of the app passes Qt's model tester, shows en-GB dates and sorts by value."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from ui.models.actionplan import RecommendationModel, RecommendationRow, UpdateModel, UpdateRow
from ui.models.agencies import (
    AgencyModel,
    AgencyRow,
    ContactModel,
    ContactRow,
    EscalationHistoryModel,
    EscalationHistoryRow,
    OutstandingModel,
    OutstandingRow,
)
from ui.models.base import OBJECT_ROLE
from ui.models.case_detail import (
    AuditModel,
    AuditRow,
    PauseModel,
    PauseRow,
    ProcessModel,
    ProcessRow,
    QARoundModel,
    QARoundRow,
    TimelineModel,
    TimelineRow,
)
from ui.models.dashboard import DashboardFilterProxy, DashboardItem, DashboardModel
from ui.models.escalations import EscalationFilterProxy, EscalationModel, EscalationRow
from ui.models.meetings import AttendeeModel, AttendeeRow, BriefingCopyModel, BriefingCopyRow, MeetingModel, MeetingRow

D = dt.date(2025, 4, 3)

SAMPLES = [
    (TimelineModel, [TimelineRow(D, "Notified", "by Kent Police"), TimelineRow(dt.date(2025, 5, 1), "Decision", "")]),
    (
        QARoundModel,
        [QARoundRow(1, 1, D, None, None, "", "", "", None), QARoundRow(2, 2, D, D, D, "HO/1", "Approved", "", D)],
    ),
    (
        AuditModel,
        [
            AuditRow(
                1,
                dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                "01/01/2026 00:00",
                "coordinator",
                "Changed case 1: pseudonym",
                "pseudonym: A → B",
            )
        ],
    ),
    (ProcessModel, [ProcessRow(1, "Criminal trial", "Ongoing", D, None, None, "Crown Court")]),
    (PauseModel, [PauseRow(1, "Criminal trial", D, None, None, "Criminal trial")]),
    (
        RecommendationModel,
        [
            RecommendationRow(1, "10", "Train staff", "Local", "Kent Police", "In progress", True, D, None),
            RecommendationRow(2, "2", "Audit", "Local", "KMPT", "Proposed", True, None, None),
        ],
    ),
    (UpdateModel, [UpdateRow(1, D, "A. Person", "Done", "EV-1", corrects="", superseded=True)]),
    (AgencyModel, [AgencyRow(1, "Kent Police", "Police", 3, 1, 2, "Senior manager", "Level 2")]),
    (ContactModel, [ContactRow(1, "Lead contact", "A. Person", "Manager", "a@example.org", "01234")]),
    (OutstandingModel, [OutstandingRow(1, 1, "DHR-2025-01", "Anna", "1", "Train", D, True)]),
    (EscalationHistoryModel, [EscalationHistoryRow(1, D, 1, "Kent Police", "A. Person", "Lead", "Letter")]),
    (
        EscalationModel,
        [
            EscalationRow(1, "Kent Police", 2, "Senior manager", 2, "Level 2", "B. Boss", D, 16, ("DHR-2025-01",), 2),
            EscalationRow(2, "KMPT", 1, "Lead", None, "", "C. Lead", D, 6, ("DHR-2025-02",), 1),
        ],
    ),
    (MeetingModel, [MeetingRow(1, "Kent Community Safety Partnership", D, "7", "DHR update", "", 12, 12, 3)]),
    (AttendeeModel, [AttendeeRow(1, 1, "A. Person", "KCC")]),
    (
        BriefingCopyModel,
        [
            BriefingCopyRow(1, 1, 1, 2, "A. Person", "KCC", None, None),
            BriefingCopyRow(2, 1, 2, 2, "B. Person", "Kent Police", None, D),
        ],
    ),
    (
        DashboardModel,
        [
            DashboardItem("milestone", D, "overdue", "Completion", "DHR-2025-01 (Anna)", "case", 1),
            DashboardItem("escalation", None, "due", "Level 2", "Kent Police", "escalations", 1, level=2),
        ],
    ),
]


def rows_for(model_class) -> list:
    return next(rows for cls, rows in SAMPLES if cls is model_class)


@pytest.mark.parametrize("model_class, rows", SAMPLES, ids=[sample[0].__name__ for sample in SAMPLES])
def test_model_passes_qt_model_tester_and_sorts(qtmodeltester, model_class, rows):
    model = model_class(rows)
    qtmodeltester.check(model)
    for column in range(model.columnCount()):
        model.sort(column, Qt.SortOrder.DescendingOrder)
        assert model.headerData(column, Qt.Orientation.Horizontal) is not None
    assert model.data(model.index(0, 0), OBJECT_ROLE) in rows
    model.set_rows([])
    assert model.rowCount() == 0
    model.set_rows(rows)
    assert model.rowCount() == len(rows)


def test_dates_are_en_gb(qapp):
    model = TimelineModel([TimelineRow(D, "Notified")])
    assert model.data(model.index(0, TimelineModel.DATE)) == "03/04/2025"


def test_recommendation_numbers_sort_naturally(qapp):
    model = RecommendationModel(rows_for(RecommendationModel))
    model.sort(RecommendationModel.NUMBER)
    assert [model.data(model.index(row, 0)) for row in range(2)] == ["2", "10"]


def test_escalation_proxy_shows_actions_due_unless_asked(qtmodeltester):
    model = EscalationModel(rows_for(EscalationModel))
    proxy = EscalationFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert [proxy.object_at(row).agency for row in range(proxy.rowCount())] == ["Kent Police"]
    proxy.set_due_only(False)
    assert proxy.rowCount() == 2


def test_dashboard_proxy_filters_by_kind(qtmodeltester):
    model = DashboardModel(rows_for(DashboardModel))
    proxy = DashboardFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_kind("escalation")
    assert proxy.rowCount() == 1 and proxy.object_at(0).target_screen == "escalations"


def test_copy_register_tick_asks_for_the_change_without_pretending(qtbot):
    model = BriefingCopyModel(rows_for(BriefingCopyModel))
    index = model.index(0, BriefingCopyModel.RETURNED)
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert (
        model.data(model.index(1, BriefingCopyModel.RETURNED), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    )
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(model.return_toggled) as blocker:
        model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == [1, True]
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_emitting_signals_never_exhausts_true(qtbot):
    """PySide6 6.12.0 dropped a reference to True on every emit until the interpreter aborted
    (bool_dealloc); pyproject.toml keeps it out. Ticking a copy 20,000 times must leave True's count alone."""
    import sys

    model = BriefingCopyModel(rows_for(BriefingCopyModel))
    index = model.index(0, BriefingCopyModel.RETURNED)
    before = sys.getrefcount(True)
    for _ in range(20_000):
        model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert sys.getrefcount(True) >= before - 100


def test_agency_filter_and_plain_row_proxies_pass_the_model_tester(qtmodeltester):
    from ui.models.base import RowProxyModel
    from ui.screens.agencies import AgencyFilterProxy

    agencies = AgencyModel(rows_for(AgencyModel) + [AgencyRow(2, "KMPT", "Health")])
    proxy = AgencyFilterProxy()
    proxy.setSourceModel(agencies)
    qtmodeltester.check(proxy)
    proxy.set_text("police")
    assert [proxy.object_at(r).name for r in range(proxy.rowCount())] == ["Kent Police"]
    plain = RowProxyModel()
    plain.setSourceModel(RecommendationModel(rows_for(RecommendationModel)))
    qtmodeltester.check(plain)
    plain.sort(RecommendationModel.NUMBER, Qt.SortOrder.DescendingOrder)
    assert [plain.object_at(r).number for r in range(plain.rowCount())] == ["10", "2"]
