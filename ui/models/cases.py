"""The case list: one row per review, and the proxy that filters it as the user types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from dhr_tracker.lifecycle.instructions import next_step
from dhr_tracker.vocabulary import Stage
from ui.models.base import RAG_COLOURS, Column, RowProxyModel, RowTableModel, date_key, date_text, rag_text, text_key

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "": 3}
STAGE_ORDER = {stage: position for position, stage in enumerate(Stage)}


@dataclass(frozen=True)
class CaseRow:
    """What the case list shows of one review (never a real name)."""

    id: int
    reference: str
    pseudonym: str
    stage: Stage
    csp_area: str
    notified_on: dt.date
    rag: str = ""  # "red", "amber", "green" or "" when not yet known
    rag_reason: str = ""
    next_deadline: dt.date | None = None
    next_deadline_label: str = ""
    as_of: dt.date | None = None  # the day the list was loaded for: marks a past next deadline as overdue

    @property
    def deadline_overdue(self) -> bool:
        return self.next_deadline is not None and self.as_of is not None and self.next_deadline < self.as_of

    @property
    def deadline_text(self) -> str:
        """The date, and when it has passed a shape and the word, so that overdue reads without colour."""
        if self.next_deadline is None:
            return ""
        return f"▲ {date_text(self.next_deadline)} overdue" if self.deadline_overdue else date_text(self.next_deadline)

    @property
    def search_text(self) -> str:
        """Everything the filter box matches against, casefolded once."""
        return " ".join(
            (
                self.reference,
                self.pseudonym,
                self.stage.label,
                self.csp_area,
                self.rag,
                self.next_deadline_label,
                date_text(self.notified_on),
                date_text(self.next_deadline),
            )
        ).casefold()


class CaseTableModel(RowTableModel[CaseRow]):
    REFERENCE, PSEUDONYM, STAGE, AREA, NOTIFIED, RAG, NEXT_DEADLINE, NEXT_DEADLINE_FOR = range(8)
    COLUMNS = (
        Column("Reference", lambda r: r.reference),
        Column("Pseudonym", lambda r: r.pseudonym),
        Column("Stage", lambda r: r.stage.label, sort_key=lambda r: STAGE_ORDER[r.stage]),
        Column("CSP area", lambda r: r.csp_area, free_text=True),
        Column("Notified", lambda r: date_text(r.notified_on), sort_key=lambda r: date_key(r.notified_on)),
        Column(
            "RAG",
            lambda r: rag_text(r.rag),
            sort_key=lambda r: RAG_ORDER.get(r.rag, 3),
            tooltip=lambda r: r.rag_reason,
            background=lambda r: RAG_COLOURS.get(r.rag),
        ),
        Column(
            "Next deadline",
            lambda r: r.deadline_text,
            sort_key=lambda r: date_key(r.next_deadline),
            background=lambda r: RAG_COLOURS["red"] if r.deadline_overdue else None,
        ),
        Column(
            "Deadline for",
            lambda r: r.next_deadline_label if r.next_deadline else f"Next: {next_step(r.stage)}",
            free_text=True,
        ),
    )

    def __init__(self, rows: Iterable[CaseRow] = (), parent=None):
        self._search: list[str] = []
        super().__init__(rows, parent)
        self._search = [row.search_text for row in self._rows]

    def set_rows(self, rows: Iterable[CaseRow]) -> None:
        rows = list(rows)
        self._search = [row.search_text for row in rows]
        super().set_rows(rows)

    def _reordered(self, order: list[int]) -> None:
        self._search = [self._search[old] for old in order]

    def search_text(self, row: int) -> str:
        return self._search[row]

    def areas(self) -> list[str]:
        return sorted({row.csp_area for row in self._rows if row.csp_area}, key=text_key)


class CaseFilterProxy(RowProxyModel):
    """Filters the case list by typed words (all must match), stage, CSP area, RAG and learning theme.

    Every test is against values computed when the rows were loaded: a keystroke costs one pass
    over the rows in memory and never a database query.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._stage: Stage | None = None
        self._open_only = False
        self._area = ""
        self._rag = ""
        self._case_ids: frozenset[int] | None = None  # the reviews touching the chosen theme; None: any

    # --- the filters ---------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self.change_filter(lambda: setattr(self, "_words", words))

    def set_stage(self, stage: Stage | None) -> None:
        if stage is not self._stage:
            self.change_filter(lambda: setattr(self, "_stage", stage))

    def set_open_only(self, open_only: bool) -> None:
        if open_only != self._open_only:
            self.change_filter(lambda: setattr(self, "_open_only", open_only))

    def set_area(self, area: str) -> None:
        if area != self._area:
            self.change_filter(lambda: setattr(self, "_area", area))

    def set_rag(self, rag: str) -> None:
        if rag != self._rag:
            self.change_filter(lambda: setattr(self, "_rag", rag))

    def set_case_ids(self, case_ids: frozenset[int] | None) -> None:
        if case_ids != self._case_ids:
            self.change_filter(lambda: setattr(self, "_case_ids", case_ids))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        source: CaseTableModel = self.sourceModel()
        row = source.row_object(source_row)
        if self._stage is not None and row.stage is not self._stage:
            return False
        if self._open_only and not row.stage.is_open:
            return False
        if self._area and row.csp_area != self._area:
            return False
        if self._rag and row.rag != self._rag:
            return False
        if self._case_ids is not None and row.id not in self._case_ids:
            return False
        if self._words:
            haystack = source.search_text(source_row)
            return all(word in haystack for word in self._words)
        return True
