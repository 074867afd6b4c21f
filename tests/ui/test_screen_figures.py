"""The Annual figures screen: the year's figures from the core, each opened to the cases behind it."""

from __future__ import annotations

import datetime as dt

from dhr_tracker.casework.cases import create_case
from dhr_tracker.lifecycle.services import record_decision
from dhr_tracker.vocabulary import Decision
from tests.ui.conftest import TODAY, wait_for_tasks
from ui.screens.figures import FiguresScreen


def test_the_figures_of_a_year_open_to_their_cases(qtbot, ui_context, database):
    with database.transaction() as session:
        # Notified 06/01/2026, decided 03/02/2026: within a month (due 06/02). Notified 02/02/2026, decided
        # 10/03/2026: 8 days late (due 02/03). So 1 of 2 decisions in time.
        early = create_case(
            session,
            reference="DHR-2026-01",
            pseudonym="Anna",
            notified_on=dt.date(2026, 1, 6),
            csp_area="Dover",
            today=TODAY,
        )
        record_decision(session, early, Decision.REVIEW, dt.date(2026, 2, 3), today=TODAY)
        late = create_case(
            session,
            reference="DHR-2026-02",
            pseudonym="Bea",
            notified_on=dt.date(2026, 2, 2),
            csp_area="Dover",
            today=TODAY,
        )
        record_decision(session, late, Decision.REVIEW, dt.date(2026, 3, 10), today=TODAY)
    screen = FiguresScreen(ui_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    wait_for_tasks(qtbot, ui_context)
    assert screen.year.value() == 2026 and "Annual figures 2026" in screen.heading.text()
    lines = screen.model.rows()
    assert (lines[0].figure, lines[0].shown) == ("Decisions on whether to review", "1 of 2 (50%)")
    screen.table.selectRow(0)
    assert [(c.reference, c.detail) for c in screen.case_model.rows()] == [
        ("DHR-2026-01", "Decision on whether to review 03/02/2026, in time"),
        ("DHR-2026-02", "Decision on whether to review 10/03/2026, 8 days late"),
    ]
    screen.year.setValue(2025)
    wait_for_tasks(qtbot, ui_context)
    assert screen.model.rows()[0].shown == "0 of 0"
    screen.clear()
    assert screen.model.rowCount() == 0 and screen.case_model.rowCount() == 0
