"""The covering e-mail for a pack: an .eml draft the workstation's mail program opens, never sent here."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from dhr_tracker.dates import format_date
from dhr_tracker.exchange.packs.content import PackContent

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def email_subject(content: PackContent, marking: str) -> str:
    return (
        f"{marking.upper()}: DHR action plan updates for the meeting on {format_date(content.meeting_on)} - "
        f"{content.agency_name} - please return by {format_date(content.due_on)}"
    )


def email_body(content: PackContent, *, return_to: str, stamped: str, encrypted: bool) -> str:
    greeting = f"Dear {content.lead_contact}," if content.lead_contact else f"Dear DHR lead, {content.agency_name},"
    note = f"\n{content.round_note}\n" if content.round_note else ""
    password = (
        "\nThe workbook is password-protected. The password follows separately; it is never sent with the file.\n"
        if encrypted
        else ""
    )
    return (
        f"{greeting}\n\n"
        f"Ahead of the meeting on {format_date(content.meeting_on)}, please update the Domestic Homicide Review "
        f"recommendations that {content.agency_name} leads. The attached update pack lists the "
        f"{len(content.rows)} open recommendation(s), with the last update we hold for each.\n{note}\n"
        "Please fill in the white columns (progress since the last update, evidence reference, a proposed status if it "
        "has changed, the completion date, and your name and role), leave a row blank if there is nothing new, and "
        f"return the file as it is by {format_date(content.due_on)} to {return_to}.\n{password}\n"
        "Cases are named by reference and pseudonym only: please use the pseudonyms, never real names.\n\n"
        f"Pack identifier: {stamped}\n\n"
        "Thank you,\nDHR Coordinator\nKent Community Safety Team\n"
    )


def draft_bytes(content: PackContent, *, subject: str, body: str, attachment: bytes, attachment_name: str) -> bytes:
    message = EmailMessage()
    if content.lead_email:
        message["To"] = formataddr((content.lead_contact, content.lead_email))
    message["Subject"] = subject
    message["X-Unsent"] = "1"  # Outlook opens the file as a draft, ready to send, not as a received message
    message.set_content(body)
    message.add_attachment(attachment, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment_name)
    return message.as_bytes(policy=SMTP)
