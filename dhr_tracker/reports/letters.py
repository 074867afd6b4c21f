"""Escalation letters: for each action due, one letter per agency listing all its outstanding items across cases.

Each letter comes as a PDF in the marked-document frame (protective marking top and bottom, embedded
fonts, pseudonym guard) and as plain text to paste into secure e-mail. Cases appear by reference and
pseudonym only. The wording is the editable template for the letter's level (settings).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date, format_long_date
from dhr_tracker.errors import UserError
from dhr_tracker.escalation.engine import AgencyPosition
from dhr_tracker.escalation.service import escalations, recipient_for
from dhr_tracker.escalation_ladder import LadderLevel, RecipientRole
from dhr_tracker.letter_wording import template_key
from dhr_tracker.model import Agency
from dhr_tracker.privacy.channels import LETTERS
from dhr_tracker.reports import (
    DocumentInfo,
    Marking,
    RealNameGuard,
    content_width,
    data_table,
    escape,
    render_pdf,
    report_styles,
    write_pdf,
)
from dhr_tracker.reports.checkpoint import with_checkpoint_line
from dhr_tracker.security.audit import current_checkpoint
from dhr_tracker.settings import (
    CHAIR_SENDER,
    LETTER_CONTACT,
    LETTER_REFERENCE_PREFIX,
    LETTER_SENDER,
    LETTER_TEMPLATES,
    LETTERHEAD,
    PROTECTIVE_MARKING,
    Settings,
)
from dhr_tracker.storage.files import create_owner_only, output_folder

_ITEMS = "\x00items\x00"


@dataclass(frozen=True)
class LetterItem:
    case_reference: str
    pseudonym: str
    number: str
    text: str
    due_on: dt.date


# How a letter addresses someone at a level when the agency has no named contact there.
_ROLE_TITLES = {
    RecipientRole.LEAD_CONTACT: "DHR Lead Contact",
    RecipientRole.SENIOR_MANAGER: "Senior Manager",
    RecipientRole.STEERING_GROUP_MEMBER: "DHR Steering Group Member",
    RecipientRole.KCSP_WORKING_GROUP: "Senior Manager",
    RecipientRole.CHIEF_OFFICER: "Chief Officer",
}


@dataclass(frozen=True)
class Addressee:
    """Whom a letter is written to: the address block, the salutation that must agree with it, and any copy."""

    lines: tuple[str, ...]
    salutation: str  # the name after "Dear"
    copy_to: str = ""


def addressee_for(agency: Agency, role: RecipientRole) -> Addressee:
    """The person at `agency` a letter at a level going to `role` is written to.

    A level reported to the KCSP Working Group is written to the agency's senior manager (copied to the Working
    Group), so the address and the "Dear ..." always name the same person; without a named contact the letter is
    addressed to the role ("The Chief Officer", "Dear Chief Officer").
    """
    contact = next((c for level in role.contact_levels if (c := agency.contact_at(level)) is not None), None)
    title = _ROLE_TITLES[role]
    copy_to = "KCSP Working Group" if role is RecipientRole.KCSP_WORKING_GROUP else ""
    if contact is not None:
        lines = (contact.name, contact.job_title or contact.level.label, agency.name)
        return Addressee(tuple(line for line in lines if line), contact.name, copy_to)
    return Addressee((f"The {title}", agency.name), title, copy_to)


def letter_reference(prefix: str, level: int, agency_name: str, day: dt.date) -> str:
    """'KCST/DHR/L4/DGNT/20261201': prefix, level, the agency's initials and the date, for replies to quote."""
    words = [
        w
        for w in re.findall(r"[A-Za-z0-9]+", re.sub(r"['’]s\b", "", agency_name))
        if w.casefold() not in {"and", "of", "the", "for"}
    ]
    acronym = re.search(r"\(([A-Z]{2,8})\)", agency_name)  # "… Trust (KMPT)": the agency's own short name
    initials = (
        acronym.group(1) if acronym else "".join(w if w.isupper() and len(w) <= 5 else w[0].upper() for w in words)[:8]
    )
    initials = initials or "AGENCY"
    return f"{prefix}/L{level}/{initials}/{day:%Y%m%d}"


@dataclass(frozen=True)
class Letterhead:
    """The house style around every letter, from the settings."""

    lines: tuple[str, ...]
    contact_line: str
    sender: str
    chair_sender: str
    reference_prefix: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Letterhead:
        return cls(
            tuple(line.strip() for line in settings.get(LETTERHEAD).splitlines() if line.strip()),
            settings.get(LETTER_CONTACT),
            settings.get(LETTER_SENDER),
            settings.get(CHAIR_SENDER),
            settings.get(LETTER_REFERENCE_PREFIX),
        )


@dataclass(frozen=True)
class Letter:
    """One letter to one agency at one level, with every item it still owes."""

    agency_id: int
    agency_name: str
    level: LadderLevel
    recipient: str  # as recorded and addressed ("Supt Morgan", or "Chief Officer, Kent Police")
    salutation: str
    date: dt.date
    requested_on: dt.date
    due_on: dt.date
    working_days_late: int
    meeting_on: dt.date | None
    items: tuple[LetterItem, ...]
    paragraphs: tuple[str, ...]  # the template filled in; _ITEMS marks where the list goes
    addressee: Addressee | None = None
    letterhead: Letterhead | None = None
    reference: str = ""

    @property
    def sender(self) -> str:
        if self.letterhead is None:
            return ""
        chair = self.level.recipient is RecipientRole.CHIEF_OFFICER
        return self.letterhead.chair_sender if chair else self.letterhead.sender

    @property
    def subject(self) -> str:
        return f"DHR recommendations: {self.agency_name} ({self.level.label})"

    @property
    def address_lines(self) -> tuple[str, ...]:
        if self.addressee is not None:
            return self.addressee.lines
        if self.recipient.endswith(self.agency_name):
            return (self.recipient,)
        return (self.recipient, self.agency_name)

    def file_stem(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.agency_name.casefold()).strip("-")[:60]
        return f"{self.date.isoformat()}-level-{self.level.level}-{slug}"


def _items(position: AgencyPosition) -> tuple[LetterItem, ...]:
    due: dict[int, dt.date] = {}
    for request in position.requests:
        for item in request.outstanding:
            due[item.recommendation_id] = min(
                due.get(item.recommendation_id, request.request.due_on), request.request.due_on
            )
    return tuple(
        LetterItem(i.case_reference, i.pseudonym, i.number, i.text, due[i.recommendation_id])
        for i in position.outstanding
    )


def _paragraphs(template: str, values: dict[str, str]) -> tuple[str, ...]:
    text = Template(template).safe_substitute(values, items=_ITEMS)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    if _ITEMS not in paragraphs:
        paragraphs = [p.replace(_ITEMS, "").strip() for p in paragraphs]
        paragraphs.append(_ITEMS)
    return tuple(paragraphs)


def letters_due(session: Session, as_of: dt.date) -> list[Letter]:
    """One letter for each agency with an action due on `as_of`, at the highest level due."""
    positions = [p for p in escalations(session, as_of) if p.action_due is not None]
    agencies = {
        agency.id: agency
        for agency in session.scalars(
            select(Agency).options(selectinload(Agency.contacts)).where(Agency.id.in_([p.agency_id for p in positions]))
        )
    }
    settings = Settings(session)
    letterhead = Letterhead.from_settings(settings)
    templates: dict[str, str] = {}
    letters = []
    for position in positions:
        level = position.action_due
        if level is None:  # (the positions were chosen for an action due)
            continue
        oldest = position.requests[0].request
        agency = agencies[position.agency_id]
        recipient, _, _ = recipient_for(agency, level.recipient)
        addressee = addressee_for(agency, level.recipient)
        salutation = addressee.salutation
        items = _items(position)
        values = {
            "recipient": salutation,
            "agency": position.agency_name,
            "requested_date": format_long_date(oldest.requested_on),
            "due_date": format_long_date(position.due_on),
            "working_days_late": str(position.working_days_late),
            "item_count": str(len(items)),
            "meeting_date": format_long_date(oldest.meeting_on) or "the next meeting",
            "date": format_long_date(as_of),
        }
        key = template_key(level.level)
        if key not in templates:
            templates[key] = settings.get(LETTER_TEMPLATES[key])
        template = templates[key]
        letters.append(
            Letter(
                position.agency_id,
                position.agency_name,
                level,
                recipient,
                salutation,
                as_of,
                oldest.requested_on,
                position.due_on,
                position.working_days_late,
                oldest.meeting_on,
                items,
                _paragraphs(template, values),
                addressee=addressee,
                letterhead=letterhead,
                reference=letter_reference(letterhead.reference_prefix, level.level, position.agency_name, as_of),
            )
        )
    return letters


def letter_text(letter: Letter, marking: str) -> str:
    """The letter as plain text for secure e-mail, marked at the top and the bottom."""
    lines = [marking, ""]
    if letter.letterhead is not None:
        lines += [*letter.letterhead.lines, ""]
    lines += _reference_lines(letter)
    lines += ["", "To: " + ", ".join(letter.address_lines)]
    if letter.addressee is not None and letter.addressee.copy_to:
        lines.append("Copy to: " + letter.addressee.copy_to)
    lines.append("")
    for paragraph in letter.paragraphs:
        if paragraph == _ITEMS:
            for item in letter.items:
                lines.append(
                    f"- {item.case_reference} ({item.pseudonym}), recommendation {item.number}, "
                    f"update due {format_date(item.due_on)}: {item.text}"
                )
        else:
            lines.append(paragraph)
        lines.append("")
    if letter.letterhead is not None:
        lines += [letter.letterhead.contact_line, ""]
    lines.append(marking)
    return "\n".join(lines) + "\n"


def _reference_lines(letter: Letter) -> list[str]:
    lines = [f"Our reference: {letter.reference}"] if letter.reference else []
    if letter.sender:
        lines.append(f"From: {letter.sender}")
    return lines + [f"Date: {format_long_date(letter.date)}"]


def letter_pdf(letter: Letter, *, marking: Marking, guard: RealNameGuard) -> bytes:
    """The letter as a PDF in the marked-document frame. Raises RealNameFound rather than print a real name."""
    styles = report_styles()
    width = content_width()
    story: list = []
    if letter.letterhead is not None and letter.letterhead.lines:
        head, *rest = letter.letterhead.lines
        right = ParagraphStyle("letterhead", parent=styles.body, alignment=TA_RIGHT)
        story += [
            Paragraph("<br/>".join([f"<b>{escape(head)}</b>", *(escape(line) for line in rest)]), right),
            Spacer(1, 6 * mm),
        ]
    story += [
        Paragraph("<br/>".join(escape(line) for line in letter.address_lines), styles.body),
        Spacer(1, 4 * mm),
    ]
    if letter.addressee is not None and letter.addressee.copy_to:
        story += [Paragraph(f"Copy to: {escape(letter.addressee.copy_to)}", styles.body), Spacer(1, 4 * mm)]
    story += [
        Paragraph("<br/>".join(escape(line) for line in _reference_lines(letter)), styles.body),
        Spacer(1, 6 * mm),
    ]
    for index, paragraph in enumerate(letter.paragraphs):
        if paragraph == _ITEMS:
            story.append(
                data_table(
                    ("Case", "Pseudonym", "No.", "Recommendation", "Update due"),
                    [(i.case_reference, i.pseudonym, i.number, i.text, format_date(i.due_on)) for i in letter.items],
                    (0.16 * width, 0.13 * width, 0.07 * width, 0.50 * width, 0.14 * width),
                )
            )
            story.append(Spacer(1, 4 * mm))
            continue
        text = "<br/>".join(escape(line) for line in paragraph.split("\n"))
        heading = index == 1 and "\n" not in paragraph and len(paragraph) < 120  # the subject line after "Dear ..."
        story.append(Paragraph(f"<b>{text}</b>" if heading else text, styles.body))
    if letter.letterhead is not None:
        story += [Spacer(1, 6 * mm), Paragraph(escape(letter.letterhead.contact_line), styles.body)]
    info = DocumentInfo(
        title=letter.subject,
        subject="Domestic Homicide Review recommendations: update request and escalation",
        running_title=f"Domestic Homicide Review recommendations: {letter.agency_name}",
    )
    return render_pdf(story, info=info, marking=marking, guard=guard)


def write_letters(session: Session, as_of: dt.date, out_dir: Path) -> list[Path]:
    """Write each letter due on `as_of` as PDF and plain text into `out_dir`, owner-only; return the paths.

    Every letter is built (and checked for real names) before the first file is written.
    """
    letters = letters_due(session, as_of)
    marking = Marking.from_settings(session, with_handling_line=False)
    marking_text = Settings(session).get(PROTECTIVE_MARKING)
    guard = RealNameGuard.from_session(session)
    rendered = []
    for letter in letters:
        guard.check_data(letter, where=LETTERS)
        text = with_checkpoint_line(letter_text(letter, marking_text), marking_text, str(current_checkpoint(session)))
        guard.check([text], where=LETTERS, field="plain-text letter")
        rendered.append((letter, letter_pdf(letter, marking=marking, guard=guard), text))
    out_dir = output_folder(out_dir)
    for letter, _, _ in rendered:
        for suffix in (".pdf", ".txt"):
            if (out_dir / f"{letter.file_stem()}{suffix}").exists():
                raise UserError(
                    f"{out_dir / (letter.file_stem() + suffix)} already exists. Choose an empty folder, or move the old letters away."
                )
    paths = []
    for letter, pdf, text in rendered:
        pdf_path = out_dir / f"{letter.file_stem()}.pdf"
        write_pdf(pdf_path, pdf)
        text_path = out_dir / f"{letter.file_stem()}.txt"
        with os.fdopen(create_owner_only(text_path), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        paths += [pdf_path, text_path]
    return paths


__all__ = [
    "Addressee",
    "Letter",
    "LetterItem",
    "Letterhead",
    "addressee_for",
    "letter_pdf",
    "letter_text",
    "letters_due",
    "write_letters",
]
