"""The restricted briefing for a KCSP private session: layout, numbered copies, and the copy register.

One PDF per numbered copy. `--out briefing.pdf` with one copy writes exactly that file; with several
it writes briefing-copy-01-of-20.pdf, briefing-copy-02-of-20.pdf, ... beside it. Each file is entered
in the copy register (meeting, edition, copy number, recipient, SHA-256 of the file) in the same
transaction, so a copy on paper can always be matched to its register entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError, ValidationError
from dhr_tracker.lifecycle.instructions import next_step
from dhr_tracker.meetings.copies import (
    Recipient,
    check_recipients,
    next_edition,
    record_copies,
)
from dhr_tracker.model import Meeting
from dhr_tracker.privacy.channels import BRIEFING
from dhr_tracker.progress import NO_PROGRESS, Progress, step
from dhr_tracker.reports.briefing_data import BriefingData, ReviewSection, gather_briefing
from dhr_tracker.reports.checkpoint import with_checkpoint
from dhr_tracker.reports.fonts import BOLD, REGULAR
from dhr_tracker.reports.frame import (
    HEADER_FILL,
    RULE_COLOUR,
    CopyLabel,
    DocumentInfo,
    Marking,
    content_width,
    data_table,
    escape,
    render_copies,
    report_styles,
    write_pdf,
)
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.security.audit import current_checkpoint
from dhr_tracker.storage.files import output_file, remove_unless_committed
from dhr_tracker.wording import join_and

BAR_COLOUR = colors.HexColor("#2f5d8a")
LEVEL_COLOUR = colors.HexColor("#b0413e")


@dataclass(frozen=True)
class BriefingResult:
    edition: int
    files: tuple[Path, ...]


def copy_paths(out: Path, total: int) -> list[Path]:
    """Where each copy goes: `out` itself for a single copy, else out-copy-NN-of-MM.pdf beside it."""
    out = Path(out)
    if total == 1:
        return [out]
    width = max(2, len(str(total)))
    suffix = out.suffix or ".pdf"
    return [out.with_name(f"{out.stem}-copy-{n:0{width}d}-of-{total:0{width}d}{suffix}") for n in range(1, total + 1)]


def _fact_table(rows: Sequence[tuple[str, object]], widths: tuple[float, float]) -> Table:
    styles = report_styles()
    data = []
    for label, value in rows:
        cell = value if not isinstance(value, str) else Paragraph(escape(value) or "\u2013", styles.cell)
        data.append([Paragraph(escape(label), styles.cell_bold), cell])
    table = Table(data, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _masthead(data: BriefingData, marking: Marking, total: int) -> list:
    """The old cover, condensed to the top of page 1: the meeting, the marking and how to handle this copy.

    A board member picks the paper up at the table and should see the state of the reviews at once, not
    a cover to turn past; the copy number and the marking are also on every page's header and footer.
    """
    styles = report_styles()
    width = content_width()
    facts = [
        (
            "Meeting",
            f"{data.meeting_title}, {format_date(data.meeting_on)}",
            "Agenda item",
            data.agenda_item or "\u2013",
        ),
        ("Place", data.location or "\u2013", "Position as at", format_date(data.as_of)),
    ]
    cells = [
        [
            Paragraph(escape(str(text)), styles.cell_bold if column % 2 == 0 else styles.cell)
            for column, text in enumerate(row)
        ]
        for row in facts
    ]
    table = Table(cells, colWidths=[22 * mm, width / 2 - 22 * mm, 26 * mm, width / 2 - 26 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
                ("BACKGROUND", (2, 0), (2, -1), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    handling_line = f" {escape(marking.handling_line)}." if marking.handling_line else ""
    handling = Paragraph(
        f"<b>{escape(marking.text.upper())}</b> \u2013 private session, press and public excluded.{handling_line} "
        f"Tabled, not circulated in advance; each numbered copy ({total} in all) is entered in a register. Do not copy, photograph, "
        "annotate with names or take it away; <b>return this copy to the clerk at the close of the meeting.</b> "
        "Reviews are identified by reference and agreed pseudonym only.",
        styles.small,
    )
    box = Table([[handling]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [
        Paragraph("Domestic Homicide Reviews: progress report", styles.h1),
        table,
        Spacer(1, 2 * mm),
        box,
        Spacer(1, 3 * mm),
    ]


def _value_axis(chart, highest: int) -> None:  # noqa: ANN001 - a ReportLab bar chart
    """Whole-number ticks, with head room above the tallest bar for its label."""
    step = max(1, (highest + 4) // 5)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = (highest // step + 1) * step


def _chart(data: BriefingData) -> Drawing:
    width = content_width()
    height = 62 * mm
    drawing = Drawing(width, height)
    half = width / 2

    stages = [stage.label for stage, _ in data.open_by_stage]
    stage_chart = HorizontalBarChart()
    stage_chart.x, stage_chart.y = 118, 14
    stage_chart.width, stage_chart.height = half - 118 - 12, height - 34
    stage_chart.data = [[count for _, count in data.open_by_stage]]
    stage_chart.bars[0].fillColor = BAR_COLOUR
    stage_chart.categoryAxis.categoryNames = stages
    stage_chart.categoryAxis.reverseDirection = 1
    stage_chart.categoryAxis.labels.fontName = REGULAR
    stage_chart.categoryAxis.labels.fontSize = 7
    stage_chart.valueAxis.labels.fontName = REGULAR
    stage_chart.valueAxis.labels.fontSize = 7
    stage_chart.valueAxis.valueMin = 0
    _value_axis(stage_chart, max((c for _, c in data.open_by_stage), default=0))
    stage_chart.barLabelFormat = "%d"
    stage_chart.barLabels.fontName = REGULAR
    stage_chart.barLabels.fontSize = 7
    stage_chart.barLabels.nudge = 6
    drawing.add(stage_chart)
    drawing.add(String(0, height - 10, "Open reviews by stage", fontName=BOLD, fontSize=9))

    drawing.add(String(half + 10, height - 10, "Overdue agency updates by escalation level", fontName=BOLD, fontSize=9))
    counts = dict(data.overdue_by_level)
    if not counts:
        drawing.add(String(half + 10, height / 2, "No agency's update is overdue.", fontName=REGULAR, fontSize=9))
        return drawing
    levels = sorted({level for level, _ in data.level_labels} | set(counts))
    level_chart = VerticalBarChart()
    level_chart.x, level_chart.y = half + 30, 24
    level_chart.width, level_chart.height = half - 40, height - 44
    level_chart.data = [[counts.get(level, 0) for level in levels]]
    level_chart.bars[0].fillColor = LEVEL_COLOUR
    level_chart.categoryAxis.categoryNames = [f"Level {level}" for level in levels]
    level_chart.categoryAxis.labels.fontName = REGULAR
    level_chart.categoryAxis.labels.fontSize = 7
    level_chart.valueAxis.labels.fontName = REGULAR
    level_chart.valueAxis.labels.fontSize = 7
    level_chart.valueAxis.valueMin = 0
    _value_axis(level_chart, max(counts.values(), default=0))
    level_chart.barLabelFormat = "%d"
    level_chart.barLabels.fontName = REGULAR
    level_chart.barLabels.fontSize = 7
    level_chart.barLabels.nudge = 6
    drawing.add(level_chart)
    return drawing


def _summary(data: BriefingData) -> list:
    styles = report_styles()
    width = content_width()
    since = (
        f"since the last meeting ({format_date(data.previous_meeting_on)})"
        if data.previous_meeting_on
        else "(no earlier meeting recorded: all to date)"
    )
    overdue_total = sum(count for _, count in data.overdue_by_level)
    by_level = join_and((f"level {level}: {count}" for level, count in data.overdue_by_level), empty="none")
    rows = [
        ("Open reviews", str(len(data.reviews))),
        ("Reviews running beyond the expected timescale", str(len(data.slipping))),
        (f"Recommendations implemented {since}", str(data.implemented_since_last)),
        ("Agency updates overdue", f"{overdue_total} ({by_level})"),
    ]
    return [
        Paragraph("2. Summary figures", styles.h1),
        _fact_table(rows, (width * 0.62, width * 0.38)),
        Spacer(1, 5 * mm),
        _chart(data),
        Spacer(1, 3 * mm),
    ]


def _review(review: ReviewSection) -> list:
    styles = report_styles()
    width = content_width()
    key_dates = "<br/>".join(f"{escape(k.label)}: {format_date(k.on)}" for k in review.key_dates)
    if review.deadlines:
        timescale = "<br/>".join(
            f"<b>{escape(line)}</b>" if "overdue by" in line else escape(line) for line in review.deadlines
        )
    elif review.cross_border:
        timescale = "Timescales are the commissioning partnership's."
    else:
        timescale = "Every deadline so far met on time."
    rating = f"<b>{escape(review.rag)}</b>" + (
        f": {escape('; '.join(review.rag_reasons))}" if review.rag_reasons else ""
    )
    processes = "<br/>".join(escape(p) for p in review.parallel_processes) or "None recorded."
    rows = [
        ("CSP area" if not review.cross_border else "Commissioned by", escape(review.area)),
        ("Stage", escape(review.stage.label)),
        ("Guidance", escape(review.guidance)),
        ("Key dates", key_dates),
        ("Timescales", timescale),
        ("Rating", rating),
        ("Pauses", "<br/>".join(escape(p) for p in review.pauses) or "None."),
        *(
            [("Why beyond timescale", escape(review.slippage_reason) or "No reason recorded.")]
            if review.slipping
            else []
        ),
        ("Home Office QA", escape(review.qa_position)),
        ("Parallel processes", processes),
        (
            "Recommendations",
            f"{review.recommendations_open} open of {review.recommendations_total}"
            if review.recommendations_total
            else "None yet",
        ),
    ]
    table = _fact_table([(label, Paragraph(value, styles.cell)) for label, value in rows], (38 * mm, width - 38 * mm))
    heading = Paragraph(f"{escape(review.reference)} \u2013 \u2018{escape(review.pseudonym)}\u2019", styles.h2)
    return [KeepTogether([heading, table]), Spacer(1, 2 * mm)]


def _agencies(data: BriefingData) -> list:
    styles = report_styles()
    width = content_width()
    story = [CondPageBreak(60 * mm), Paragraph("4. Recommendations: implementation by agency", styles.h1)]
    if not data.agencies:
        return story + [Paragraph("No open review has recommendations yet.", styles.body)]
    number = width - 105 * mm
    rows = [
        [
            a.agency,
            str(a.total),
            str(a.implemented),
            str(a.awaiting_evidence),
            str(a.in_progress),
            str(a.not_started),
            str(a.not_accepted),
            str(a.past_target),
        ]
        for a in data.agencies
    ]
    totals = [
        sum(getattr(a, f) for a in data.agencies)
        for f in (
            "total",
            "implemented",
            "awaiting_evidence",
            "in_progress",
            "not_started",
            "not_accepted",
            "past_target",
        )
    ]
    rows.append(["All agencies", *(str(t) for t in totals)])
    story.append(Paragraph("Recommendations of the open reviews, by lead agency.", styles.body))
    table = data_table(
        [
            "Lead agency",
            "Total",
            "Signed off",
            "Awaiting evidence",
            "In progress",
            "Not started",
            "Not accepted",
            "Past target date",
        ],
        rows,
        [number] + [15 * mm] * 7,
        bold_first_column=True,
        header_size=7.5,
        align_right=range(1, 8),
        keep_last_rows=3,
    )
    table.setStyle(TableStyle([("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL), ("FONTNAME", (0, -1), (-1, -1), BOLD)]))
    story.append(table)
    if data.overdue_recommendations:
        story += [
            Spacer(1, 4 * mm),
            Paragraph("Open recommendations past their target date", styles.h2),
            data_table(
                ["Lead agency", "Review", "No.", "Status", "Target date", "Last update"],
                [
                    [
                        r.agency,
                        r.reference,
                        r.number,
                        r.status,
                        format_date(r.target_on),
                        format_date(r.last_update_on) or "No update yet",
                    ]
                    for r in data.overdue_recommendations
                ],
                [width - 118 * mm, 28 * mm, 14 * mm, 36 * mm, 20 * mm, 20 * mm],
            ),
        ]
    return story


def _escalations(data: BriefingData) -> list:
    styles = report_styles()
    width = content_width()
    story = [Spacer(1, 4 * mm), CondPageBreak(50 * mm), Paragraph("5. Agencies at each escalation level", styles.h1)]
    if not data.escalations:
        return story + [Paragraph("No agency's update is overdue.", styles.body)]
    labels = dict(data.level_labels)
    story.append(
        Paragraph(
            f"Agencies whose update is overdue on {format_date(data.as_of)}, by the highest step of the "
            "escalation ladder reached.",
            styles.body,
        )
    )
    for level in sorted({e.level for e in data.escalations}, reverse=True):
        entries = [e for e in data.escalations if e.level == level]
        story.append(Paragraph(f"Level {level}: {escape(labels.get(level, entries[0].level_label))}", styles.h2))
        story.append(
            data_table(
                ["Agency", "Update due", "Working days late", "Items outstanding", "Reviews", "This step taken"],
                [
                    [
                        e.agency,
                        format_date(e.due_on),
                        str(e.working_days_late),
                        str(e.items),
                        ", ".join(e.references) or "\u2013",
                        "Not yet recorded" if e.action_due else "Yes",
                    ]
                    for e in entries
                ],
                [width - 132 * mm, 19 * mm, 17 * mm, 18 * mm, 58 * mm, 20 * mm],
                header_size=7.5,
                align_right=(2, 3),
            )
        )
    return story


def _decisions(data: BriefingData) -> list:
    styles = report_styles()
    story = [
        Spacer(1, 4 * mm),
        CondPageBreak(40 * mm),
        Paragraph("6. Decisions asked of the Partnership", styles.h1),
        Paragraph("The Partnership is asked to:", styles.body),
    ]
    for number, decision in enumerate(data.decisions, start=1):
        story.append(Paragraph(f"{number}. {escape(decision)}", styles.body))
    return story


def _at_a_glance(data: BriefingData) -> list:
    """One page a board member can scan: every open review, its stage, rating, next deadline and slippage."""
    styles = report_styles()
    width = content_width()
    story = [Paragraph("1. Open reviews at a glance", styles.h2)]
    if not data.reviews:
        return story + [Paragraph("There are no open reviews.", styles.body), PageBreak()]
    story.append(
        Paragraph(
            f"The {len(data.reviews)} open review{'s' if len(data.reviews) != 1 else ''} on {format_date(data.as_of)}, "
            "most urgent first. Days beyond timescale: how far the most overdue deadline is past its date (0: on time).",
            styles.body,
        )
    )
    order = {"Red": 0, "Amber": 1, "Green": 2}
    reviews = sorted(data.reviews, key=lambda r: (order.get(r.rag, 3), -r.slippage_days, r.reference))
    rows = [
        [
            r.reference,
            r.pseudonym,
            r.stage.label,
            r.rag,
            format_date(r.next_deadline_on) or "\u2013",
            r.next_deadline or f"Next: {next_step(r.stage)}",
            str(r.slippage_days),
        ]
        for r in reviews
    ]
    table = data_table(
        ["Reference", "Pseudonym", "Stage", "RAG", "Next deadline", "Deadline for", "Days beyond timescale"],
        rows,
        [24 * mm, 20 * mm, 36 * mm, 13 * mm, 20 * mm, width - 131 * mm, 18 * mm],
        header_size=7.5,
        align_right=(6,),
    )
    colours = {
        "Red": colors.HexColor("#f4c7c3"),
        "Amber": colors.HexColor("#fce8b2"),
        "Green": colors.HexColor("#cde8d3"),
    }
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (3, row), (3, row), colours[r.rag])
                for row, r in enumerate(reviews, start=1)
                if r.rag in colours
            ]
        )
    )
    return story + [table, PageBreak()]


def briefing_story(data: BriefingData, marking: Marking, total: int) -> list:
    """The flowables of the briefing, the same for every copy (a fresh list each call: ReportLab consumes them)."""
    styles = report_styles()
    story = _masthead(data, marking, total) + _at_a_glance(data) + _summary(data)
    story += [CondPageBreak(80 * mm), Paragraph("3. Open reviews", styles.h1)]
    if not data.reviews:
        story.append(Paragraph("There are no open reviews.", styles.body))
    for review in data.reviews:
        story += _review(review)
    return story + _agencies(data) + _escalations(data) + _decisions(data)


def briefing_info(data: BriefingData) -> DocumentInfo:
    """Metadata without personal data: the meeting and the item, nothing about any case."""
    item = f", item {data.agenda_item}" if data.agenda_item else ""
    return DocumentInfo(
        title=f"DHR progress report: KCSP private session {format_date(data.meeting_on)}",
        subject=f"Restricted briefing for the {data.meeting_title} meeting of {format_date(data.meeting_on)}{item}",
        running_title=f"DHR progress report \u2013 KCSP {format_date(data.meeting_on)}{item}",
    )


def render_briefing_copies(
    data: BriefingData,
    *,
    marking: Marking,
    guard: RealNameGuard,
    recipients: Sequence[Recipient],
    checkpoint: str = "",
) -> Iterator[bytes]:
    """Each numbered copy's PDF, in memory, in order (laid out once, then each copy's label stamped on)."""
    total = len(recipients)
    labels = [CopyLabel(number, total, recipient.label) for number, recipient in enumerate(recipients, start=1)]
    story, info = with_checkpoint(briefing_story(data, marking, total), briefing_info(data), checkpoint)
    return render_copies(story, info=info, marking=marking, guard=guard, copies=labels)


def write_briefing(
    session: Session,
    meeting: Meeting,
    out: Path,
    *,
    recipients: Sequence[Recipient] | None = None,
    copies: int | None = None,
    password: str | None = None,
    as_of: dt.date,
    decisions: Sequence[str] = (),
    progress: Progress = NO_PROGRESS,
) -> BriefingResult:
    """Produce every numbered copy of the briefing for a meeting and enter them in the copy register.

    Recipients come from `recipients`, else `copies` unnamed copies, else the meeting's attendees.
    Nothing is written if any target file exists or any real name would appear; if writing fails half
    way, or `progress` is cancelled, the copies already written are removed and the register is left
    unchanged (the caller's transaction rolls back).
    """
    if recipients is None:
        if copies is not None:
            recipients = [Recipient() for _ in range(copies)]
        else:
            recipients = [Recipient(a.name, a.organisation) for a in meeting.attendees]
            if not recipients:
                raise ValidationError(
                    f"The meeting on {format_date(meeting.held_on)} has no attendees to give copies to. "
                    "Add its attendees, or give a number of copies or a list of recipients.",
                    field="copies",
                    rule="no_copies",
                )
    recipients = list(recipients)
    check_recipients(recipients)
    paths = copy_paths(output_file(out, ".pdf"), len(recipients))
    for path in paths:
        if path.exists():
            raise UserError(f"{path} already exists. Choose another file name, or move the old copies away first.")
    marking = Marking.from_settings(session)
    guard = RealNameGuard.from_session(session)
    data = gather_briefing(session, meeting, as_of=as_of, decisions=decisions)
    guard.check_data(data, where=BRIEFING)
    guard.check_fields((("recipients", recipient.label) for recipient in recipients), where=BRIEFING)
    edition = next_edition(session, meeting)
    pdfs = render_briefing_copies(
        data, marking=marking, guard=guard, recipients=recipients, checkpoint=str(current_checkpoint(session))
    )
    written: list[Path] = []
    digests: list[str] = []
    total = len(paths)
    try:
        for number, (pdf, path) in enumerate(zip(pdfs, paths), start=1):
            step(progress, number - 1, total, f"Writing copy {number} of {total}…")
            digests.append(write_pdf(path, pdf, password=password))
            written.append(path)
        step(progress, total, total, "Entering the copies in the register…")
        record_copies(session, meeting, edition, recipients, digests)
        remove_unless_committed(session, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return BriefingResult(edition, tuple(written))
