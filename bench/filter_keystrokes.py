"""How long one keystroke in the case filter takes, in milliseconds (bench code: it lives in bench/, never in the app).

    from filter_keystrokes import measure_filter_keystrokes, synthetic_case_rows   # with bench/ on sys.path
    result = measure_filter_keystrokes(synthetic_case_rows(2000))   # or rows loaded from a database
    print(result.mean_ms, result.max_ms)

`rows` may be any list of `ui.models.cases.CaseRow` (for example from
`ui.models.loaders.load_case_rows(session, today)` on the benchmark's database). The proxy is sorted
by a column first, as on screen, and the text is typed one character at a time, then deleted one
character at a time; each step is timed with `time.perf_counter` and includes the proxy's re-filter
and re-sort, which is all a keystroke does (no database query).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt

from dhr_tracker.vocabulary import Stage
from ui.models.cases import CaseFilterProxy, CaseRow, CaseTableModel

AREAS = (
    "Ashford",
    "Canterbury",
    "Dartford and Gravesham",
    "Dover",
    "Folkestone and Hythe",
    "Maidstone",
    "Medway",
    "Sevenoaks",
    "Swale",
    "Thanet",
    "Tonbridge and Malling",
    "Tunbridge Wells",
)


@dataclass(frozen=True)
class KeystrokeTimings:
    rows: int
    keystrokes: int
    mean_ms: float
    median_ms: float
    max_ms: float
    visible_after_typing: int


def synthetic_case_rows(count: int, seed: int = 1) -> list[CaseRow]:
    """Fictional rows shaped like the real case list, for measuring without a database."""
    rng = random.Random(seed)
    start = dt.date(2015, 1, 1)
    stages = list(Stage)
    rows = []
    for number in range(count):
        notified = start + dt.timedelta(days=rng.randrange(0, 3650))
        rows.append(
            CaseRow(
                id=number + 1,
                reference=f"DHR-{notified.year}-{number:04d}",
                pseudonym=f"Person {rng.randrange(10**6):06d}",
                stage=rng.choice(stages),
                csp_area=rng.choice(AREAS),
                notified_on=notified,
                rag=rng.choice(("red", "amber", "green")),
                next_deadline=notified + dt.timedelta(days=rng.randrange(30, 400)),
                next_deadline_label="Completion",
            )
        )
    return rows


def measure_filter_keystrokes(
    rows: Sequence[CaseRow], text: str = "dhr-2021-1", sort_column: int = CaseTableModel.NOTIFIED
) -> KeystrokeTimings:
    """Type `text` into the case filter and delete it again; return the per-keystroke timings."""
    if QCoreApplication.instance() is None:
        QCoreApplication([])
    model = CaseTableModel(rows)
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(sort_column, Qt.SortOrder.DescendingOrder)
    typed = [text[:length] for length in range(1, len(text) + 1)]
    steps = typed + typed[-2::-1] + [""]
    timings = []
    visible_after_typing = 0
    for step in steps:
        began = time.perf_counter()
        proxy.set_text(step)
        proxy.rowCount()
        timings.append((time.perf_counter() - began) * 1000)
        if step == text:
            visible_after_typing = proxy.rowCount()
    return KeystrokeTimings(
        rows=len(rows),
        keystrokes=len(steps),
        mean_ms=statistics.fmean(timings),
        median_ms=statistics.median(timings),
        max_ms=max(timings),
        visible_after_typing=visible_after_typing,
    )
