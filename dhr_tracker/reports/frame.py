"""The marked-document frame every DHR Tracker PDF is built in.

Every page carries the protective marking in bold capitals at the top and at the bottom, the
handling line (if any), "Copy N of M - recipient" (for numbered copies) and "Page N of M". Text comes
only in the embedded fonts (resources/fonts). Before anything is drawn, every word the PDF will hold
(story, headers, footers, metadata) passes the pseudonym guard. The PDF is built in memory, encrypted
in memory if a password is given (AES-256, through pikepdf), and written once, straight to the chosen
path, owner-only, refusing to replace an existing file.

Reuse (a briefing, an action plan, an escalation letter):

    info = DocumentInfo(title="DHR action plan", subject="Home Office action plan template")
    pdf = render_pdf(story, info=info, marking=Marking.from_settings(session),
                     guard=RealNameGuard.from_session(session), landscape=True)
    write_pdf(path, pdf, password=None)

`story` is a fresh list of flowables for each call (ReportLab consumes flowables as it lays them
out); `report_styles()` and `data_table()` give the house paragraph styles and a table whose header
row repeats on every page it runs onto. For numbered copies of one paper use `render_copies(story,
copies=[CopyLabel(1, 20, "Name, Organisation"), ...])`: the layout is done once and each copy's label
stamped on every page (through pikepdf, in memory), which is many times faster than a layout per copy.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from types import SimpleNamespace

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_of
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.privacy.channels import PDF
from dhr_tracker.reports.fonts import BOLD, FAMILY, REGULAR, register_fonts
from dhr_tracker.reports.pseudonyms import RealNameGuard, flowable_texts
from dhr_tracker.settings import HANDLING_LINE, PROTECTIVE_MARKING, Settings
from dhr_tracker.storage.files import create_owner_only

AUTHOR = "DHR Tracker"
MARGIN = 18 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 16 * mm
RULE_COLOUR = colors.HexColor("#7f7f7f")
HEADER_FILL = colors.HexColor("#dfe6ee")


@dataclass(frozen=True)
class Marking:
    """The protective marking (printed in capitals) and the handling line ("" for none)."""

    text: str = PROTECTIVE_MARKING.default
    handling_line: str = ""

    @classmethod
    def from_settings(cls, session: Session, *, with_handling_line: bool = True) -> Marking:
        settings = Settings(session)
        return cls(
            text=settings.get(PROTECTIVE_MARKING),
            handling_line=settings.get(HANDLING_LINE) if with_handling_line else "",
        )


@dataclass(frozen=True)
class CopyLabel:
    """Which numbered copy this is, and to whom it goes ("Copy 7 of 18 - Name, Organisation")."""

    number: int
    total: int
    recipient: str = ""

    def __str__(self) -> str:
        text = f"Copy {self.number} of {self.total}"
        return f"{text} \u2013 {self.recipient}" if self.recipient else text


@dataclass(frozen=True)
class DocumentInfo:
    """The PDF's metadata and its running title. Never put personal data here: the guard checks it too."""

    title: str
    subject: str = ""
    running_title: str = ""  # printed at the top left of every page; the title if empty


def page_size(*, landscape: bool = False) -> tuple[float, float]:
    return landscape_of(A4) if landscape else A4


def content_width(*, landscape: bool = False) -> float:
    return page_size(landscape=landscape)[0] - 2 * MARGIN


@lru_cache(maxsize=1)
def report_styles() -> SimpleNamespace:
    """The house paragraph styles, in the embedded font: title, h1, h2, body, small, cell, cell_bold, header."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=4)
    return SimpleNamespace(
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=22, spaceAfter=10),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4),
        body=body,
        centred=ParagraphStyle("centred", parent=body, alignment=TA_CENTER),
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0),
        header=ParagraphStyle("header", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0),
    )


def escape(text: object) -> str:
    """Text made safe for a ReportLab Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    *,
    bold_first_column: bool = False,
    header_size: float | None = None,
    align_right: Sequence[int] = (),
    keep_last_rows: int = 0,
) -> Table:
    """A table of text that splits across pages, repeating its header row on each.

    Strings that fit their column on one line are drawn as they are (fast); longer ones become
    wrapped paragraphs; flowables are used as they are. `align_right` lists the columns of numbers;
    `keep_last_rows` keeps that many rows at the end (a totals row and the rows before it) on one page.
    """
    styles = report_styles()
    room = [width - 6 for width in col_widths]  # less the left and right padding

    def cell(value: object, column: int) -> object:
        if isinstance(value, str):
            style = styles.cell_bold if bold_first_column and column == 0 else styles.cell
            if "\n" not in value and stringWidth(value, style.fontName, style.fontSize) <= room[column]:
                return value
            return Paragraph(escape(value), style)
        return value

    header_style = (
        styles.header
        if header_size is None
        else ParagraphStyle("header_small", parent=styles.header, fontSize=header_size, leading=header_size * 1.2)
    )
    data = [[Paragraph(escape(text), header_style) for text in header]]
    data += [[cell(value, i) for i, value in enumerate(row)] for row in rows]
    table = Table(data, colWidths=list(col_widths), repeatRows=1)
    extra: list[tuple] = [("ALIGN", (column, 1), (column, -1), "RIGHT") for column in align_right]
    if keep_last_rows and len(data) > keep_last_rows + 1:
        # A totals row never starts a page alone under a repeated header: it keeps the rows above it company.
        extra.append(("NOSPLIT", (0, len(data) - keep_last_rows), (-1, -1)))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the table's own default is Helvetica, a system font
                ("FONTNAME", (0, 1), (0, -1), BOLD if bold_first_column else REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
                ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return table


class _MarkedCanvas(Canvas):
    """A canvas that holds its pages back until the end, so that each can say "Page N of M"."""

    def __init__(self, *args, decorations: _Decorations, **kwargs):
        super().__init__(*args, **kwargs)
        self._decorations = decorations
        self._held_pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._decorations.draw(self, number, total)
            super().showPage()
        super().save()


@dataclass(frozen=True)
class _Decorations:
    marking: str
    handling_line: str
    running_title: str
    copy_label: str
    width: float
    height: float

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        left, right, centre = MARGIN, self.width - MARGIN, self.width / 2
        canvas.saveState()
        canvas.setFillColor(colors.black)
        # Header: marking, handling line, running title, a rule.
        top = self.height - 9 * mm
        canvas.setFont(BOLD, 11)
        canvas.drawCentredString(centre, top, self.marking)
        canvas.setFont(REGULAR, 7.5)
        for index, line in enumerate(self._handling_lines()):
            canvas.drawCentredString(centre, top - 9 * (index + 1), line)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(left, self._label_line(), self.running_title)
        canvas.setStrokeColor(RULE_COLOUR)
        canvas.setLineWidth(0.5)
        canvas.line(left, self._label_line() - 3.5, right, self._label_line() - 3.5)
        # Footer: a rule, then marking and page number.
        base = 8 * mm
        canvas.line(left, base + 11, right, base + 11)
        canvas.setFont(REGULAR, 8)
        canvas.drawRightString(right, base, f"Page {page} of {pages}")
        canvas.setFont(BOLD, 11)
        canvas.drawCentredString(centre, base - 0.5, self.marking)
        canvas.restoreState()
        if self.copy_label:
            self.draw_copy_label(canvas, self.copy_label)

    def _handling_lines(self) -> list[str]:
        if not self.handling_line:
            return []
        return simpleSplit(self.handling_line, REGULAR, 7.5, self.width - 2 * MARGIN)[:2]

    def _label_line(self) -> float:
        return self.height - 9 * mm - 9 * len(self._handling_lines()) - 11

    def draw_copy_label(self, canvas: Canvas, label: str) -> None:
        """The copy label: top right beside the running title, and bottom left beside the marking.

        A long recipient shrinks the type a little, then is cut short with an ellipsis, so that the
        label never runs into the running title or the marking.
        """
        canvas.saveState()
        canvas.setFillColor(colors.black)
        room = self.width - 2 * MARGIN - stringWidth(self.running_title, REGULAR, 8) - 6 * mm
        text, size = _fit(label, BOLD, 8, room)
        canvas.setFont(BOLD, size)
        canvas.drawRightString(self.width - MARGIN, self._label_line(), text)
        room = self.width / 2 - MARGIN - stringWidth(self.marking, BOLD, 11) / 2 - 4 * mm
        text, size = _fit(label, REGULAR, 8, room)
        canvas.setFont(REGULAR, size)
        canvas.drawString(MARGIN, 8 * mm, text)
        canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6.5) -> tuple[str, float]:
    """The text and type size that fit the width: smaller type first, then an ellipsis."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip(" ,\u2013") + "\u2026", size


def _check(
    story: list,
    info: DocumentInfo,
    marking_text: str,
    handling_line: str,
    running_title: str,
    labels: Sequence[str],
    guard: RealNameGuard,
) -> None:
    guard.check([info.title, info.subject], where=PDF, field="title or subject (the PDF's metadata)")
    guard.check([marking_text, handling_line, running_title, *labels], where=PDF, field="page headers or footers")
    guard.check(flowable_texts(story), where=PDF, field="text")


def _build(story: list, info: DocumentInfo, decorations: _Decorations, marking_text: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=(decorations.width, decorations.height),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_HEIGHT + 4 * mm,
        bottomMargin=FOOTER_HEIGHT + 4 * mm,
        title=info.title,
        subject=info.subject,
        author=AUTHOR,
        creator=AUTHOR,
        keywords=marking_text,
        initialFontName=REGULAR,
        lang="en-GB",
    )
    document.build(story, canvasmaker=partial(_MarkedCanvas, decorations=decorations))
    return buffer.getvalue()


def render_pdf(
    story: list,
    *,
    info: DocumentInfo,
    marking: Marking,
    guard: RealNameGuard,
    copy: CopyLabel | None = None,
    landscape: bool = False,
) -> bytes:
    """Lay the story out in the marked frame and return the PDF bytes (nothing touches the disk).

    Raises RealNameFound, before drawing anything, if a real name stored in the database occurs in the
    story, the running headers and footers, or the metadata.
    """
    register_fonts()
    marking_text = marking.text.strip().upper()
    running_title = info.running_title or info.title
    _check(story, info, marking_text, marking.handling_line, running_title, [str(copy or "")], guard)
    width, height = page_size(landscape=landscape)
    decorations = _Decorations(marking_text, marking.handling_line, running_title, str(copy or ""), width, height)
    return _build(story, info, decorations, marking_text)


def render_copies(
    story: list,
    *,
    info: DocumentInfo,
    marking: Marking,
    guard: RealNameGuard,
    copies: Sequence[CopyLabel],
    landscape: bool = False,
) -> Iterator[bytes]:
    """Numbered copies of one document: laid out once, then each copy's label stamped on every page.

    Yields one PDF (bytes, in memory) per copy, in order. The guard checks the story and every label
    before anything is laid out. Much faster than laying out each copy: the layout is the slow part.
    """
    import pikepdf

    register_fonts()
    marking_text = marking.text.strip().upper()
    running_title = info.running_title or info.title
    labels = [str(copy) for copy in copies]
    _check(story, info, marking_text, marking.handling_line, running_title, labels, guard)
    width, height = page_size(landscape=landscape)
    decorations = _Decorations(marking_text, marking.handling_line, running_title, "", width, height)
    body = _build(story, info, decorations, marking_text)
    with pikepdf.open(io.BytesIO(body)) as probe:
        pages = len(probe.pages)
    # Every copy's labels in one stamp document (one font subset to embed, not one per copy).
    stamp_buffer = io.BytesIO()
    stamp = Canvas(stamp_buffer, pagesize=(width, height), initialFontName=REGULAR)
    for label in labels:
        for _ in range(pages):
            decorations.draw_copy_label(stamp, label)
            stamp.showPage()
    stamp.save()
    with pikepdf.open(io.BytesIO(stamp_buffer.getvalue())) as overlay:
        for index in range(len(labels)):
            with pikepdf.open(io.BytesIO(body)) as document:
                for number, page in enumerate(document.pages):
                    # rect=None (the whole page) is pikepdf's default, but its stub declares no default.
                    page.add_overlay(overlay.pages[index * pages + number], rect=None)
                out = io.BytesIO()
                document.save(out)
            yield out.getvalue()


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """The same PDF, encrypted with AES-256 (PDF 2.0 security handler, R6) in memory through pikepdf/qpdf."""
    import pikepdf

    if not password:
        raise UserError("The PDF password is empty. Put the password on the first line of the password file.")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        out = io.BytesIO()
        document.save(out, encryption=pikepdf.Encryption(user=password, owner=password, R=6, aes=True, metadata=True))
    return out.getvalue()


def write_pdf(path: Path, pdf: bytes, *, password: str | None = None) -> str:
    """Write the PDF once, straight to `path`, readable by its owner only; return the SHA-256 of the file.

    With a password the bytes are encrypted in memory first, so no unencrypted copy ever reaches the
    disk. An existing file is never replaced.
    """
    path = Path(path)
    data = encrypt_pdf(pdf, password) if password is not None else pdf
    try:
        descriptor = create_owner_only(path)
    except FileExistsError:
        raise UserError(f"{path} already exists. Choose another file name, or move the old file away first.") from None
    except FileNotFoundError:
        raise UserError(f"The folder {path.parent} does not exist. Choose a folder that exists.") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a file behind
        raise
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "FAMILY",
    "CopyLabel",
    "DocumentInfo",
    "Marking",
    "content_width",
    "data_table",
    "encrypt_pdf",
    "escape",
    "page_size",
    "render_copies",
    "render_pdf",
    "report_styles",
    "write_pdf",
]
