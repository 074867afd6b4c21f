"""Pseudonyms only: the guard every report and output passes before it is written.

The guard itself lives in `dhr_tracker.privacy` (no ReportLab, no Qt); this module keeps the name
every caller knows, `RealNameGuard.from_session(session).check(texts, where=...)`, and reads the text
of ReportLab flowables for the PDF frame's second check. Reports check their data (the source strings)
first, with `check_data`; the frame then checks each paragraph's own source text (its markup with every
tag read as a space), never `Paragraph.getPlainText()`, which joins the text either side of a `<br/>`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

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

from dhr_tracker.model import Case
from dhr_tracker.privacy.guard import NameGuard, RealNameFound  # noqa: F401 - RealNameFound: re-exported, callers import it from here

_TEXTLESS = (Spacer, PageBreak, CondPageBreak, HRFlowable, ActionFlowable)
_TAG = re.compile(r"<[^>]*>")


class RealNameGuard(NameGuard):
    """The guard over the real names stored in one database."""

    @classmethod
    def from_session(cls, session: Session) -> RealNameGuard:
        from dhr_tracker.settings import SURNAME_COMMON_PER_MILLION, Settings

        rows = session.execute(
            select(Case.reference, Case.victim_real_name, Case.perpetrator_real_name).where(
                or_(Case.victim_real_name.is_not(None), Case.perpetrator_real_name.is_not(None))
            )
        )
        names = [(reference, name) for reference, *names in rows for name in names if name]
        return cls(names, per_million=Settings(session).get(SURNAME_COMMON_PER_MILLION))

    @classmethod
    def from_names(cls, names: Iterable[tuple[str, str]], *, per_million: float = 3) -> RealNameGuard:
        return cls(names, per_million=per_million)


def paragraph_source(paragraph: Paragraph) -> str:
    """A paragraph's text as written: its markup with every tag (a <br/>, a <font>) read as a space."""
    return html.unescape(_TAG.sub(" ", paragraph.text))


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
            yield paragraph_source(item)
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
