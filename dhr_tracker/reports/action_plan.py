"""The Home Office action plan for one review, as a landscape PDF in the template's columns.

Columns: Recommendation · Scope · Action to take · Lead agency · Key milestones achieved ·
Target date · Date of completion and outcome.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.casework.cases import find_case
from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError
from dhr_tracker.model import Recommendation
from dhr_tracker.privacy.channels import ACTION_PLAN
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
from dhr_tracker.storage.files import output_file
from dhr_tracker.vocabulary import RecommendationSource, RecommendationStatus

COLUMNS = (
    "Recommendation",
    "Scope",
    "Action to take",
    "Lead agency",
    "Key milestones achieved",
    "Target date",
    "Date of completion and outcome",
)


@dataclass(frozen=True)
class ActionPlanRow:
    number: str
    recommendation: str
    source: str
    scope: str
    action: str
    lead_agency: str
    supporting_agencies: tuple[str, ...]
    milestones: tuple[str, ...]
    target_on: dt.date | None
    completion: str


@dataclass(frozen=True)
class ActionPlanData:
    reference: str
    pseudonym: str
    area: str
    stage: str
    as_of: dt.date
    rows: tuple[ActionPlanRow, ...]


def _natural(number: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", number) if part)


def _completion(r: Recommendation) -> str:
    if r.status is RecommendationStatus.NOT_ACCEPTED:
        return f"Not accepted: {r.not_accepted_reason}" if r.not_accepted_reason else "Not accepted."
    parts = []
    if r.completed_on:
        parts.append(f"Completed {format_date(r.completed_on)}.")
    if r.outcome:
        parts.append(r.outcome)
    if r.status is RecommendationStatus.IMPLEMENTED:
        signed = f"Signed off {format_date(r.signed_off_on)}" if r.signed_off_on else "Signed off"
        parts.append(signed + (f" (minute {r.signoff_minute_reference})." if r.signoff_minute_reference else "."))
    elif not parts:
        parts.append(f"{r.status.label}.")
    else:
        parts.append(f"Status: {r.status.label.lower()}.")
    return " ".join(parts)


def gather_action_plan(session: Session, reference: str, *, as_of: dt.date) -> ActionPlanData:
    """The case's recommendations as the template's rows (reference and pseudonym only)."""
    case = find_case(session, reference)
    recommendations = session.scalars(
        select(Recommendation)
        .where(Recommendation.case_id == case.id)
        .options(
            selectinload(Recommendation.lead_agency),
            selectinload(Recommendation.supporting_agencies),
            selectinload(Recommendation.source_agency),
            selectinload(Recommendation.updates),
        )
    ).all()
    rows = []
    for r in sorted(recommendations, key=lambda r: _natural(r.number)):
        corrected = {u.corrects_id for u in r.updates if u.corrects_id}
        milestones = [r.key_milestones] if r.key_milestones else []
        milestones += [f"{format_date(u.received_on)}: {u.text}" for u in r.updates if u.id not in corrected]
        source = (
            "Overview report"
            if r.source is RecommendationSource.OVERVIEW_REPORT
            else (f"IMR ({r.source_agency.name})" if r.source_agency else "IMR")
        )
        rows.append(
            ActionPlanRow(
                number=r.number,
                recommendation=r.text,
                source=source,
                scope=r.scope.label,
                action=r.action,
                lead_agency=r.lead_agency.name,
                supporting_agencies=tuple(a.name for a in r.supporting_agencies),
                milestones=tuple(milestones),
                target_on=r.target_on,
                completion=_completion(r),
            )
        )
    return ActionPlanData(
        reference=case.reference,
        pseudonym=case.pseudonym,
        area=case.csp_area.name if case.csp_area else case.commissioning_partnership,
        stage=case.stage.label,
        as_of=as_of,
        rows=tuple(rows),
    )


def action_plan_story(data: ActionPlanData) -> list:
    styles = report_styles()
    width = content_width(landscape=True)
    story = [
        Paragraph(
            f"Domestic Homicide Review action plan: {escape(data.reference)} \u2013 \u2018{escape(data.pseudonym)}\u2019",
            styles.h1,
        ),
        Paragraph(
            f"{escape(data.area)} \u00b7 Stage: {escape(data.stage)} \u00b7 Position as at {format_date(data.as_of)}",
            styles.body,
        ),
        Spacer(1, 3 * mm),
    ]
    if not data.rows:
        return story + [Paragraph("No recommendations have been recorded for this review yet.", styles.body)]
    widths = [62 * mm, 17 * mm, 48 * mm, 30 * mm, 50 * mm, 19 * mm]
    widths.append(width - sum(widths))
    rows = []
    for row in data.rows:
        recommendation = Paragraph(
            f"<b>{escape(row.number)}.</b> {escape(row.recommendation)}<br/><font size=7>Source: {escape(row.source)}</font>",
            styles.cell,
        )
        lead = escape(row.lead_agency)
        if row.supporting_agencies:
            lead += "<br/><font size=7>Supported by: " + escape(", ".join(row.supporting_agencies)) + "</font>"
        milestones = "<br/>".join(escape(m) for m in row.milestones) or "\u2013"
        rows.append(
            [
                recommendation,
                row.scope,
                row.action or "\u2013",
                Paragraph(lead, styles.cell),
                Paragraph(milestones, styles.cell),
                format_date(row.target_on) or "\u2013",
                row.completion,
            ]
        )
    story.append(data_table(COLUMNS, rows, widths))
    return story


def action_plan_info(data: ActionPlanData) -> DocumentInfo:
    return DocumentInfo(
        title=f"DHR action plan {data.reference}",
        subject="Home Office Domestic Homicide Review action plan template",
        running_title=f"DHR action plan \u2013 {data.reference}",
    )


def write_action_plan(
    session: Session, reference: str, out: Path, *, as_of: dt.date, password: str | None = None
) -> Path:
    """Write the action plan PDF (landscape) for one case, owner-only, refusing to replace a file."""
    out = output_file(out, ".pdf")
    if out.exists():
        raise UserError(f"{out} already exists. Choose another file name, or move the old file away first.")
    data = gather_action_plan(session, reference, as_of=as_of)
    guard = RealNameGuard.from_session(session)
    guard.check_data(data, where=ACTION_PLAN)
    pdf = render_pdf(
        action_plan_story(data),
        info=action_plan_info(data),
        marking=Marking.from_settings(session, with_handling_line=False),
        guard=guard,
        landscape=True,
    )
    write_pdf(out, pdf, password=password)
    return out
