"""The audit checkpoint printed on every briefing: in its metadata and at the end of its last page.

Paper tabled at a meeting then holds the trail's head (entries and hash) at the time it was produced,
so a later rewrite of the trail inside the file shows against it (`dhr-tracker audit verify --checkpoint`).
"""

from __future__ import annotations

import dataclasses

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from dhr_tracker.reports.frame import DocumentInfo, report_styles


def checkpoint_sentence(checkpoint: str) -> str:
    return (
        f"Audit checkpoint {checkpoint}. Anyone holding this page can check that the database's audit trail "
        f"has not been rewritten since: dhr-tracker audit verify --checkpoint {checkpoint}"
    )


def with_checkpoint(story: list, info: DocumentInfo, checkpoint: str) -> tuple[list, DocumentInfo]:
    """The story with the checkpoint as its last paragraph, and the metadata with it in the subject."""
    if not checkpoint:
        return story, info
    styles = report_styles()
    closing = KeepTogether([Spacer(1, 6 * mm), Paragraph(checkpoint_sentence(checkpoint), styles.small)])
    return story + [closing], dataclasses.replace(
        info, subject=f"{info.subject} (audit checkpoint {checkpoint})".strip()
    )


def with_checkpoint_line(text: str, marking: str, checkpoint: str) -> str:
    """A plain-text document with the checkpoint sentence just above its closing marking line."""
    body, found, _ = text.rstrip("\n").rpartition("\n" + marking)
    if not found:
        return text.rstrip("\n") + "\n\n" + checkpoint_sentence(checkpoint) + "\n"
    return f"{body}\n{checkpoint_sentence(checkpoint)}\n\n{marking}\n"
