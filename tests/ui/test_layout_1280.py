"""At 1280×720 every table shows its numbers and dates whole: no such cell is cut short or pushed off the right edge.

Free text (recommendations, notes, long names) may be elided, its full text in the tooltip; a date or a count
never is. Each screen is shown on the demo caseload at the smallest window size we support, and each visible
table checked cell by cell against the width its content needs.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QTabWidget

from tests.ui.conftest import wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures

# A cell holding a date (dd/mm/yyyy) or nothing but a number, perhaps after a shape ("▲ 3", "2 of 3").
NUMBER_OR_DATE = re.compile(r"\d{2}/\d{2}/\d{4}|^\W*\d+( of \d+)?\W*$")


def clipped_cells(table: QTableView) -> list[str]:
    """Each visible number or date cell too narrow for its text, or beyond the right edge of the view."""
    model, header = table.model(), table.horizontalHeader()
    width = table.viewport().width()
    source = model
    while hasattr(source, "sourceModel") and source.sourceModel() is not None:
        source = source.sourceModel()
    free_text = source.free_text_columns() if hasattr(source, "free_text_columns") else set()
    problems = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or column in free_text:
            continue  # free text may be elided (a date inside a sentence included); its tooltip has it whole
        size = header.sectionSize(column)
        right = header.sectionViewportPosition(column) + size
        for row in range(min(model.rowCount(), 60)):
            index = model.index(row, column)
            text = str(index.data() or "")
            if not NUMBER_OR_DATE.search(text):
                continue
            needed = table.sizeHintForIndex(index).width()
            if needed > size or right > width:
                problems.append(
                    f"{table.accessibleName()}: column {model.headerData(column, Qt.Orientation.Horizontal)!r} row {row} "
                    f"{text!r} needs {needed}px, has {size}px, right edge {right} of {width}"
                )
    return problems


def visible_tables(widget) -> list[QTableView]:
    return [table for table in widget.findChildren(QTableView) if table.isVisible() and table.model() is not None]


@pytest.mark.parametrize("key", ["dashboard", "cases", "case", "agencies", "escalations", "meetings"])
def test_no_number_or_date_is_clipped_at_1280_by_720(qtbot, make_window, demo_context, key):
    window = make_window(demo_context)
    window.resize(1280, 720)
    window.show()
    window._on_unlocked()
    item = None
    if key == "case":
        from dhr_tracker.casework.cases import list_cases

        item = demo_context.read(list_cases)[0].id
    screen = window.show_screen(key, item) if item is not None else window.show_screen(key)
    wait_for_tasks(qtbot, demo_context)
    tab_widgets = screen.findChildren(QTabWidget)
    problems = []
    pages = [(tabs, index) for tabs in tab_widgets for index in range(tabs.count())] or [(None, None)]
    for tabs, index in pages:
        if tabs is not None:
            tabs.setCurrentIndex(index)
        qtbot.wait(1)  # let the tab's layout settle (an event loop turn, not a timing assumption)
        wait_for_tasks(qtbot, demo_context)
        tables = visible_tables(screen)
        for table in tables:
            problems += clipped_cells(table)
            overflow = table.horizontalHeader().length() - table.viewport().width()
            if overflow > 1:  # free text gives way first, so a table needs no sideways scrolling
                problems.append(f"{table.accessibleName()}: {overflow}px wider than its view (a horizontal scroll)")
    assert not problems, "\n".join(problems)


def test_an_empty_table_says_so(qtbot, make_window, ui_context):
    """On a database with no cases, the dashboard and cases tables say what to do instead of a blank grid."""
    window = make_window(ui_context)
    window.resize(1280, 720)
    window.show()
    window._on_unlocked()
    for key, words in (("dashboard", "Nothing needs doing today"), ("cases", "Ctrl+N")):
        screen = window.show_screen(key)
        wait_for_tasks(qtbot, ui_context)
        assert screen.table.is_empty() and words in screen.table.empty_text
        image = screen.table.viewport().grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, min(60, image.height()), 2)}
        assert len(colours) > 2  # the message is drawn, not an empty grid
