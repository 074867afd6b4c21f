"""The case list model and its filter proxy: Qt's model tester, sorting, filtering, no window needed."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from dhr_tracker.vocabulary import Stage
from ui.models.base import OBJECT_ROLE, SORT_ROLE
from ui.models.cases import CaseFilterProxy, CaseRow, CaseTableModel

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))  # the keystroke measure is bench code
from filter_keystrokes import measure_filter_keystrokes, synthetic_case_rows  # noqa: E402


def rows() -> list[CaseRow]:
    return [
        CaseRow(
            1,
            "DHR-2024-01",
            "Anna",
            Stage.DRAFTING,
            "Maidstone",
            dt.date(2024, 3, 1),
            "red",
            "Completion overdue",
            dt.date(2024, 9, 1),
            "Completion",
        ),
        CaseRow(
            2,
            "DHR-2025-02",
            "Bea",
            Stage.DECISION,
            "Medway",
            dt.date(2025, 1, 5),
            "amber",
            "",
            dt.date(2025, 2, 5),
            "Decision",
        ),
        CaseRow(3, "DHR-2023-07", "Carla", Stage.CLOSED, "Swale", dt.date(2023, 6, 30), "green"),
    ]


def test_case_model_passes_qt_model_tester(qtmodeltester):
    model = CaseTableModel(rows())
    qtmodeltester.check(model)
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_text("dhr")
    proxy.sort(CaseTableModel.NOTIFIED)
    model.set_rows(rows()[:2])


def test_cells_show_en_gb_dates_and_labels(qapp):
    model = CaseTableModel(rows())
    assert model.data(model.index(0, CaseTableModel.NOTIFIED)) == "01/03/2024"
    assert model.data(model.index(0, CaseTableModel.STAGE)) == "Panel meetings and drafting"
    assert model.data(model.index(0, CaseTableModel.RAG)) == "▲ Red"  # a shape as well as the colour and the word
    assert model.data(model.index(1, CaseTableModel.RAG)) == "◆ Amber"
    assert model.data(model.index(0, CaseTableModel.RAG), Qt.ItemDataRole.ToolTipRole) == "Completion overdue"
    assert model.data(model.index(0, CaseTableModel.NEXT_DEADLINE)) == "01/09/2024"  # no day given: no overdue mark
    assert model.data(model.index(0, CaseTableModel.NEXT_DEADLINE_FOR)) == "Completion"
    assert model.data(model.index(2, CaseTableModel.NEXT_DEADLINE)) == ""
    assert model.data(model.index(2, CaseTableModel.NEXT_DEADLINE_FOR)) == "Next: nothing, the case is closed"
    # Loaded for 02/09/2024, the day after: marked overdue in words and with a shape, not only in colour.
    model.set_rows([replace(row, as_of=dt.date(2024, 9, 2)) for row in rows()])
    assert model.data(model.index(0, CaseTableModel.NEXT_DEADLINE)) == "▲ 01/09/2024 overdue"
    assert model.data(model.index(1, CaseTableModel.NEXT_DEADLINE)) == "05/02/2025"  # still to come
    assert model.data(model.index(1, 0), OBJECT_ROLE).reference == "DHR-2025-02"
    assert model.data(model.index(1, CaseTableModel.STAGE), SORT_ROLE) == 1
    assert model.headerData(CaseTableModel.AREA, Qt.Orientation.Horizontal) == "CSP area"
    assert model.rowCount(model.index(0, 0)) == 0


def visible(proxy: CaseFilterProxy) -> list[str]:
    return [proxy.object_at(row).reference for row in range(proxy.rowCount())]


def test_sort_by_date_stage_and_rag_not_by_text(qapp):
    model = CaseTableModel(rows())
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(CaseTableModel.NOTIFIED, Qt.SortOrder.AscendingOrder)
    assert visible(proxy) == ["DHR-2023-07", "DHR-2024-01", "DHR-2025-02"]
    proxy.sort(CaseTableModel.STAGE, Qt.SortOrder.AscendingOrder)
    assert visible(proxy) == ["DHR-2025-02", "DHR-2024-01", "DHR-2023-07"]
    proxy.sort(CaseTableModel.RAG, Qt.SortOrder.DescendingOrder)
    assert visible(proxy) == ["DHR-2023-07", "DHR-2025-02", "DHR-2024-01"]
    proxy.sort(CaseTableModel.NEXT_DEADLINE, Qt.SortOrder.AscendingOrder)
    assert visible(proxy)[-1] == "DHR-2023-07"  # no deadline sorts last
    model.set_rows(rows())
    proxy.resort()
    assert visible(proxy) == ["DHR-2024-01", "DHR-2025-02", "DHR-2023-07"]


def test_sort_keeps_the_selection_on_the_same_case(qapp):
    model = CaseTableModel(rows())
    kept = QModelIndex(model.index(2, 0))
    from PySide6.QtCore import QPersistentModelIndex

    persistent = QPersistentModelIndex(kept)
    model.sort(CaseTableModel.REFERENCE)
    assert model.data(model.index(persistent.row(), 0)) == "DHR-2023-07"


def test_filters_combine(qapp):
    model = CaseTableModel(rows())
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("  DHR   2024 ")
    assert visible(proxy) == ["DHR-2024-01"]
    proxy.set_text("medway")
    assert visible(proxy) == ["DHR-2025-02"]
    proxy.set_text("")
    proxy.set_stage(Stage.CLOSED)
    assert visible(proxy) == ["DHR-2023-07"]
    proxy.set_stage(None)
    proxy.set_open_only(True)
    assert visible(proxy) == ["DHR-2024-01", "DHR-2025-02"]
    proxy.set_area("Maidstone")
    assert visible(proxy) == ["DHR-2024-01"]
    proxy.set_area("")
    proxy.set_rag("amber")
    assert visible(proxy) == ["DHR-2025-02"]
    proxy.set_text("01/03/2024")
    assert visible(proxy) == []
    assert model.areas() == ["Maidstone", "Medway", "Swale"]


def test_benchmark_hook_reports_per_keystroke_timings(qapp):
    result = measure_filter_keystrokes(synthetic_case_rows(300), text="dhr-2020")
    assert result.rows == 300
    assert result.keystrokes == 16
    assert 0 < result.visible_after_typing < 300
    assert result.mean_ms > 0 and result.max_ms >= result.median_ms


def test_a_new_load_is_sorted_as_the_header_says(qtmodeltester):
    model = CaseTableModel()
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(CaseTableModel.REFERENCE, Qt.SortOrder.AscendingOrder)
    model.set_rows(rows())
    assert visible(proxy) == ["DHR-2023-07", "DHR-2024-01", "DHR-2025-02"]
    qtmodeltester.check(proxy)
