"""The seminar pack for one learning theme: for a lessons-learnt seminar or a seven-minute briefing.

The reviews touching the theme (reference, pseudonym, year, area only), the recommendations tagged with it,
their implementation in the Commissioner's categories, and charts (by implementation, by year). Counts under the small-number threshold
read "fewer than N" (in the text and on the chart, whose suppressed bars are drawn empty). Marked like every
report; the real-name guard runs on every word before anything is drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError
from dhr_tracker.learning.implementation import current_categories
from dhr_tracker.learning.small_numbers import is_suppressed, shown_count
from dhr_tracker.learning.themes import case_ids_touching, find_theme, recommendation_ids_with
from dhr_tracker.model import Case, Recommendation
from dhr_tracker.privacy.channels import LEARNING_PACK
from dhr_tracker.reports.fonts import BOLD, REGULAR
from dhr_tracker.reports.frame import (
    DocumentInfo,
    Marking,
    content_width,
    data_table,
    escape,
    render_pdf,
    report_styles,
    write_pdf,
)
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.settings import SMALL_NUMBER_THRESHOLD, Settings
from dhr_tracker.vocabulary import ImplementationCategory

NOT_ASSESSED = "Not assessed"
BAR_COLOUR = colors.HexColor("#4a6d8c")


@dataclass(frozen=True)
class PackReview:
    reference: str
    pseudonym: str
    year: int
    area: str


@dataclass(frozen=True)
class PackRecommendation:
    reference: str
    number: str
    text: str
    lead_agency: str
    status: str
    implementation: str


@dataclass(frozen=True)
class PackData:
    theme: str
    facet: str
    period_from: dt.date | None
    period_to: dt.date | None
    threshold: int
    reviews: tuple[PackReview, ...]
    recommendations: tuple[PackRecommendation, ...]
    by_category: tuple[tuple[str, int], ...]  # every category (and "Not assessed"), in the Commissioner's order

    def shown(self, count: int) -> str:
        return shown_count(count, self.threshold)


def gather_pack(
    session: Session, theme_name: str, *, period_from: dt.date | None = None, period_to: dt.date | None = None
) -> PackData:
    """The reviews notified in the period (all, without one) that touch the theme, and its recommendations."""
    if period_from and period_to and period_to < period_from:
        raise UserError(f"The period ends ({format_date(period_to)}) before it starts ({format_date(period_from)}).")
    theme = find_theme(session, theme_name)
    threshold = Settings(session).get(SMALL_NUMBER_THRESHOLD)
    ids = case_ids_touching(session, theme)
    cases = [
        case
        for case in session.scalars(
            select(Case).where(Case.id.in_(ids)).options(selectinload(Case.csp_area)).order_by(Case.reference)
        )
        if (period_from is None or case.notified_on >= period_from)
        and (period_to is None or case.notified_on <= period_to)
    ]
    chosen = {case.id: case for case in cases}
    tagged = recommendation_ids_with(session, theme)
    recs = [
        rec
        for rec in session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(tagged))
            .options(selectinload(Recommendation.lead_agency))
        )
        if rec.case_id in chosen
    ]
    categories = current_categories(session)
    counts = {c.label: 0 for c in ImplementationCategory} | {NOT_ASSESSED: 0}
    rows = []
    for rec in sorted(recs, key=lambda r: (chosen[r.case_id].reference, r.number)):
        category = categories.get(rec.id)
        label = category.label if category else NOT_ASSESSED
        counts[label] += 1
        rows.append(
            PackRecommendation(
                chosen[rec.case_id].reference, rec.number, rec.text, rec.lead_agency.name, rec.status.label, label
            )
        )
    return PackData(
        theme=theme.name,
        facet=theme.facet.label,
        period_from=period_from,
        period_to=period_to,
        threshold=threshold,
        reviews=tuple(
            PackReview(
                c.reference,
                c.pseudonym,
                c.notified_on.year,
                c.csp_area.name if c.csp_area else c.commissioning_partnership,
            )
            for c in cases
        ),
        recommendations=tuple(rows),
        by_category=tuple(counts.items()),
    )


def _period(data: PackData) -> str:
    if data.period_from and data.period_to:
        return f"reviews notified {format_date(data.period_from)} to {format_date(data.period_to)}"
    if data.period_from:
        return f"reviews notified from {format_date(data.period_from)}"
    if data.period_to:
        return f"reviews notified up to {format_date(data.period_to)}"
    return "all reviews on record"


def _chart(title: str, pairs: tuple[tuple[str, int], ...], threshold: int) -> Drawing | Paragraph:
    """A horizontal bar chart of counts; a suppressed count has no bar, only its words ("fewer than 5")."""
    if not any(count and not is_suppressed(count, threshold) for _, count in pairs):
        return Paragraph(
            f"{escape(title)}: no chart, as every count is under {threshold} (or nought) and bars "
            "would show the small numbers.",
            report_styles().small,
        )
    width, height = content_width(), (22 + 9 * len(pairs)) * mm * 0.5 + 12 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=BOLD, fontSize=9))
    chart = HorizontalBarChart()
    chart.x, chart.y = 130, 10
    chart.width, chart.height = width - 130 - 90, height - 28
    values = [0 if is_suppressed(count, threshold) else count for _, count in pairs]
    chart.data = [values]
    chart.bars[0].fillColor = BAR_COLOUR
    chart.categoryAxis.categoryNames = [label for label, _ in pairs]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    highest = max(values, default=0)
    step = max(1, (highest + 4) // 5)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = (highest // step + 1) * step
    chart.barLabelFormat = lambda value: ""  # the words are drawn beside each bar below
    drawing.add(chart)
    band = chart.height / len(pairs)
    scale = chart.width / chart.valueAxis.valueMax
    for index, (_, count) in enumerate(pairs):
        y = chart.y + chart.height - band * (index + 0.5) - 3
        x = chart.x + (0 if is_suppressed(count, threshold) else count * scale) + 4
        drawing.add(String(x, y, shown_count(count, threshold), fontName=REGULAR, fontSize=7.5))
    return drawing


def _by_year(data: PackData) -> tuple[tuple[str, int], ...]:
    years = sorted({review.year for review in data.reviews})
    return tuple((str(year), sum(1 for review in data.reviews if review.year == year)) for year in years)


def pack_story(data: PackData) -> list:
    styles = report_styles()
    width = content_width()
    story = [
        Paragraph(f"Learning from reviews: {escape(data.theme)}", styles.title),
        Paragraph(
            f"{escape(data.facet)} \u00b7 {escape(_period(data))}. For a lessons-learnt seminar or a seven-minute "
            f"briefing. Counts under {data.threshold} are shown as \u201cfewer than {data.threshold}\u201d so that "
            "no family can be identified.",
            styles.body,
        ),
        Spacer(1, 2 * mm),
        Paragraph("In numbers", styles.h2),
        data_table(
            ("", "Count"),
            [
                ("Reviews touching this theme", data.shown(len(data.reviews))),
                ("Recommendations under this theme", data.shown(len(data.recommendations))),
                *[(f"\u2026 {label.lower()}", data.shown(count)) for label, count in data.by_category],
            ],
            [width * 0.7, width * 0.3],
        ),
        Spacer(1, 3 * mm),
        _chart("Recommendations under this theme, by implementation", data.by_category, data.threshold),
        Spacer(1, 2 * mm),
        _chart("Reviews touching this theme, by year notified", _by_year(data), data.threshold),
        CondPageBreak(30 * mm),  # never a heading alone at the foot of a page
        Paragraph("The reviews", styles.h2),
    ]
    if data.reviews:
        story.append(
            data_table(
                ("Reference", "Pseudonym", "Year", "Area"),
                [(r.reference, r.pseudonym, str(r.year), r.area) for r in data.reviews],
                [width * 0.22, width * 0.28, width * 0.12, width * 0.38],
            )
        )
    else:
        story.append(Paragraph("No review on record touches this theme in the period.", styles.body))
    story += [CondPageBreak(30 * mm), Paragraph("The learning and recommendations", styles.h2)]
    if data.recommendations:
        story.append(
            data_table(
                ("Review", "No.", "Recommendation", "Lead agency", "Status", "Implementation"),
                [
                    (r.reference, r.number, r.text, r.lead_agency, r.status, r.implementation)
                    for r in data.recommendations
                ],
                [width * 0.13, width * 0.06, width * 0.36, width * 0.17, width * 0.13, width * 0.15],
            )
        )
    else:
        story.append(Paragraph("No recommendation in these reviews is tagged with this theme.", styles.body))
    return story


def write_pack(
    session: Session,
    theme: str,
    out: Path,
    *,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    password: str | None = None,
) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"{out.name} should end in .pdf.")
    if out.exists():
        raise UserError(f"{out} already exists. Choose another file name, or move the old file away first.")
    data = gather_pack(session, theme, period_from=period_from, period_to=period_to)
    guard = RealNameGuard.from_session(session)
    guard.check_data(data, where=LEARNING_PACK)  # the source text, before it becomes markup
    info = DocumentInfo(
        title=f"Learning from reviews: {data.theme}",
        subject="Lessons-learnt seminar pack",
        running_title="Learning from Domestic Homicide Reviews",
    )
    pdf = render_pdf(
        pack_story(data), info=info, marking=Marking.from_settings(session, with_handling_line=False), guard=guard
    )
    write_pdf(out, pdf, password=password)
    return out
