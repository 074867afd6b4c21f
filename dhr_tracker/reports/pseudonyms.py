"""Pseudonyms only: the one check every report passes before it is written.

Report data objects carry a case's reference and pseudonym, never its real names. That is the
first line; this module is the second, and the one that cannot be forgotten: `RealNameGuard` holds
every real name stored in the database, and `dhr_tracker.reports.frame.render_pdf` refuses (with
`RealNameFound`) to produce any PDF whose text, headers, footers or metadata contain one of them.

Matching is case-insensitive, on whole words, with any run of spaces, hyphens or full stops between
the parts of a name, and also catches the "Surname, Forename" order. A name part on its own (a
surname alone) is not matched: surnames such as "Kent" or "Swale" would otherwise stop every report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, String, UserNode
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import HRFlowable
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.model import Case

_SEPARATOR = r"[\s.\-\u2010-\u2015]+"  # spaces, full stops, hyphens and dashes between name parts
_TEXTLESS = (Spacer, PageBreak, CondPageBreak, HRFlowable, ActionFlowable)


class RealNameFound(UserError):
    """A report would have shown a real name. Nothing was written. The message names the case, not the name."""

    def __init__(self, references: list[str], where: str):
        cases = ", ".join(references)
        super().__init__(
            f"The report was not written: its {where} contains a real name stored for case {cases}. "
            "Reports show the reference and the pseudonym only: replace the real name with the pseudonym "
            "in that case's notes, reasons and updates, then produce the report again."
        )
        self.references = references


def _pattern(name: str) -> re.Pattern[str] | None:
    parts = [part for part in re.split(_SEPARATOR, name.strip()) if part]
    if not parts or sum(len(part) for part in parts) < 3:
        return None  # nothing meaningful to look for
    forward = _SEPARATOR.join(re.escape(part) for part in parts)
    alternatives = [forward]
    if len(parts) > 1:  # "Surname, Forename(s)"
        alternatives.append(re.escape(parts[-1]) + r"\s*,\s*" + _SEPARATOR.join(re.escape(part) for part in parts[:-1]))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class RealNameGuard:
    """The real names stored in the database, as (case reference, pattern) pairs."""

    names: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_session(cls, session: Session) -> RealNameGuard:
        rows = session.execute(
            select(Case.reference, Case.victim_real_name, Case.perpetrator_real_name).where(
                or_(Case.victim_real_name.is_not(None), Case.perpetrator_real_name.is_not(None))
            )
        )
        return cls.from_names((reference, name) for reference, *names in rows for name in names if name)

    @classmethod
    def from_names(cls, names: Iterable[tuple[str, str]]) -> RealNameGuard:
        patterns = []
        for reference, name in names:
            pattern = _pattern(name)
            if pattern is not None:
                patterns.append((reference, pattern))
        return cls(tuple(patterns))

    def found_in(self, text: str) -> list[str]:
        """The references of the cases whose real names occur in the text (sorted, without repeats)."""
        return sorted({reference for reference, pattern in self.names if pattern.search(text)})

    def check(self, texts: Iterable[str], *, where: str) -> None:
        """Raise RealNameFound if any real name occurs in any of the texts."""
        joined = "\x00".join(texts)  # \x00 is no separator: names never match across two texts
        found = self.found_in(joined)
        if found:
            raise RealNameFound(found, where)


def flowable_texts(flowables: Iterable[object]) -> Iterable[str]:
    """Every piece of text a list of ReportLab flowables will print, including table cells and charts.

    A flowable of a kind it cannot read raises TypeError: the guard fails closed rather than let text
    through unseen. Add the kind here when a report starts to use it.
    """
    for item in flowables:
        if item is None:
            continue
        if isinstance(item, str):
            yield item
        elif isinstance(item, (list, tuple)):
            yield from flowable_texts(item)
        elif isinstance(item, Paragraph):
            yield item.getPlainText()
        elif isinstance(item, Table):
            for row in item._cellvalues:
                yield from flowable_texts(row)
        elif isinstance(item, KeepTogether):
            yield from flowable_texts(item._content)
        elif isinstance(item, ListFlowable):
            yield from flowable_texts(item._flowables)
        elif isinstance(item, ListItem):
            yield from flowable_texts(item._flowables)
        elif isinstance(item, Drawing):
            yield from _drawing_texts(item)
        elif isinstance(item, _TEXTLESS):
            continue
        elif isinstance(item, Flowable) and hasattr(item, "guard_texts"):
            yield from item.guard_texts()
        else:
            raise TypeError(f"The pseudonym guard cannot read a {type(item).__name__}; teach flowable_texts about it.")


def _drawing_texts(group: Group) -> Iterable[str]:
    for node in group.contents:
        if isinstance(node, UserNode):  # a chart, an axis, a legend: draw it into plain shapes first
            node = node.provideNode()
        if isinstance(node, String):
            yield node.text
        elif isinstance(node, Group):
            yield from _drawing_texts(node)
