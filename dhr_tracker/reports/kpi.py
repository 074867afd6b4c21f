"""The annual figures as a marked PDF (one table per figure, national figures labelled with their source) or an
XLSX workbook (a sheet of figures and a sheet of the cases behind each one). Cases by reference and pseudonym only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError
from dhr_tracker.privacy.channels import ANNUAL_FIGURES
from dhr_tracker.reports.figures import AnnualFigures, annual_figures
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
from dhr_tracker.spreadsheets import Table, write_xlsx


def figures_story(figures: AnnualFigures) -> list:
    styles = report_styles()
    width = content_width()
    story = [
        Paragraph(f"Domestic Homicide Reviews: annual figures {figures.year}", styles.title),
        Paragraph(
            f"Calendar year 1 January to 31 December {figures.year}; the record as it stood on "
            f"{format_date(figures.as_of)}. Every figure can be traced to its cases with "
            f"<i>dhr-tracker kpi --year {figures.year} --figure NAME</i>.",
            styles.body,
        ),
        Spacer(1, 3 * mm),
    ]
    for figure in figures.figures:
        block = [Paragraph(escape(figure.title), styles.h2)]
        if figure.rows:
            has_national = any(row.national for row in figure.rows)
            header = ("Figure", "This partnership", "National") if has_national else ("Figure", "This partnership")
            widths = [width * 0.5, width * 0.22, width * 0.28] if has_national else [width * 0.65, width * 0.35]
            rows = [
                (row.label, row.shown, row.national) if has_national else (row.label, row.shown) for row in figure.rows
            ]
            block.append(data_table(header, rows, widths))
        else:
            block.append(Paragraph("None in the year.", styles.body))
        block.append(Spacer(1, 1.2 * mm))
        notes = [figure.note] + ([f"National figures: {figure.source}."] if figure.source else [])
        block.append(
            Paragraph(escape(" ".join(n for n in notes if n)) + f" <font size=7>[{figure.name}]</font>", styles.small)
        )
        story.append(KeepTogether(block))
    return story


def figures_tables(figures: AnnualFigures) -> list[Table]:
    summary = [
        (f.title, row.label, row.value, row.total, row.national, f.source, f.name)
        for f in figures.figures
        for row in f.rows
    ]
    behind = [
        (f.name, row.label, line.reference, line.pseudonym, line.detail)
        for f in figures.figures
        for row in f.rows
        for line in row.cases
    ]
    return [
        Table(
            f"Figures {figures.year}",
            ("Figure", "Row", "Value", "Out of", "National", "National source", "Name"),
            summary,
        ),
        Table("Cases behind each figure", ("Name", "Row", "Case reference", "Pseudonym", "Detail"), behind),
    ]


def figures_texts(figures: AnnualFigures) -> list[str]:
    """Every string the PDF, the workbook or the `kpi` listing shows: the tables' cells, and each figure's title,
    note and source (the PDF and the listing show a figure's title even when it has no rows)."""
    texts = [
        str(value) for table in figures_tables(figures) for row in table.rows for value in row if value is not None
    ]
    return texts + [text for f in figures.figures for text in (f.title, f.note, f.source) if text]


def write_figures(session: Session, year: int, out: Path, *, today: dt.date | None = None) -> Path:
    """Write the year's figures to `out` (.pdf or .xlsx): new, owner-only, after the real-name guard."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in (".pdf", ".xlsx"):
        raise UserError(f"{out.name} should end in .pdf or .xlsx.")
    if out.exists():
        raise UserError(f"{out} already exists. Choose another file name, or move the old file away first.")
    figures = annual_figures(session, year, today=today)
    guard = RealNameGuard.from_session(session)
    guard.check(figures_texts(figures), where=ANNUAL_FIGURES)  # the source text, for the PDF and the workbook
    if kind == ".xlsx":
        return write_xlsx(figures_tables(figures), out)
    info = DocumentInfo(
        title=f"DHR annual figures {year}",
        subject="Domestic Homicide Reviews: the partnership's annual figures",
        running_title=f"DHR annual figures {year}",
    )
    pdf = render_pdf(
        figures_story(figures), info=info, marking=Marking.from_settings(session, with_handling_line=False), guard=guard
    )
    write_pdf(out, pdf)
    return out
