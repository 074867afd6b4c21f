"""Every deadline the engine can set has an instruction the dashboard shows (a new kind must add its own)."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind, DeadlineStatus
from dhr_tracker.lifecycle.instructions import deadline_instruction

DUE = dt.date(2026, 12, 1)


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_each_kind_of_deadline_says_what_to_do(kind):
    deadline = Deadline("DHR-2026-01", kind, DUE, DUE, DUE, DeadlineStatus.OVERDUE)
    text = deadline_instruction(deadline)
    assert text[0].isupper() and kind.label.split()[0].lower() not in {"none", ""}


def test_an_imr_is_chased_from_its_agency():
    deadline = Deadline("DHR-2026-01", DeadlineKind.IMR, DUE, DUE, DUE, DeadlineStatus.OVERDUE, agency="Kent Police")
    assert deadline_instruction(deadline) == "Chase the IMR from Kent Police"
