"""Pseudonymised CSV and XLSX exports: cases, recommendations, progress updates, and the Home Office
action-plan return, for partners and for the Home Office.

Every row names its case by reference and pseudonym only. Real names are never read for the tables;
the free-text columns (recommendation, action, outcome, updates) are checked for any real name stored
in the database, and the export is refused, writing nothing, if one is found. Notes and the date of
death are left out: they are for the coordinator, not for partners. Text a spreadsheet would run as a
formula gets a leading apostrophe. Files are created new (never overwritten) and readable by their
owner only. Workbooks are built in memory: nothing goes through the temporary folder.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from dhr_tracker.dates import format_date
from dhr_tracker.errors import UserError
from dhr_tracker.model import Case, ImplementationEvidence, Milestone, ProgressUpdate, Recommendation
from dhr_tracker.settings import PROTECTIVE_MARKING, Settings
from dhr_tracker.spreadsheets import Table, safe_cell, write_xlsx
from dhr_tracker.storage.files import already_exists, open_new_owner_only, output_folder
from dhr_tracker.vocabulary import MilestoneKind

FORMATS = ("csv", "xlsx")
CSV_NAMES = {
    "Cases": "cases.csv",
    "Recommendations": "recommendations.csv",
    "Updates": "updates.csv",
    "Home Office action plan": "home-office-action-plan.csv",
}


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    counts: dict[str, int]

    def summary(self) -> str:
        counts = ", ".join(f"{name}: {count} row(s)" for name, count in self.counts.items())
        where = ", ".join(str(path) for path in self.paths)
        return f"Exported {counts} to {where}. Cases are named by reference and pseudonym only."


def _natural(number: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))


def export_tables(session: Session, references: Sequence[str] | None = None) -> list[Table]:
    """The four tables, for every case or for the cases named. Raises UserError for an unknown reference."""
    case_query = select(Case).options(selectinload(Case.csp_area)).order_by(Case.reference)
    if references:
        wanted = sorted({reference.strip().upper() for reference in references})
        found = set(session.scalars(select(Case.reference).where(Case.reference.in_(wanted))))
        missing = [reference for reference in wanted if reference not in found]
        if missing:
            raise UserError(f"There is no case {', '.join(missing)}. List the cases to see the references.")
        case_query = case_query.where(Case.reference.in_(wanted))
    cases = list(session.scalars(case_query))
    case_ids = [case.id for case in cases]
    by_id = {case.id: case for case in cases}

    def first(kind: MilestoneKind) -> dict:
        return (
            dict(
                session.execute(
                    select(Milestone.case_id, func.min(Milestone.occurred_on))
                    .where(Milestone.kind == kind, Milestone.case_id.in_(case_ids))
                    .group_by(Milestone.case_id)
                ).all()
            )
            if case_ids
            else {}
        )

    decisions = first(MilestoneKind.DECISION)
    informed = first(MilestoneKind.HOME_OFFICE_INFORMED)  # read back by the sheet import, so a round trip keeps it

    from dhr_tracker.learning.implementation import current_categories
    from dhr_tracker.learning.themes import themes_by_case, themes_by_recommendation

    case_themes, rec_themes, categories = (
        themes_by_case(session),
        themes_by_recommendation(session),
        current_categories(session),
    )
    case_rows = [
        (
            case.reference,
            case.pseudonym,
            case.stage.label,
            case.csp_area.name if case.csp_area else "",
            case.commissioning_partnership,
            case.guidance_profile.value,
            case.notified_on,
            decisions.get(case.id),
            informed.get(case.id),
            case.independent_chair,
            "; ".join(case_themes.get(case.id, [])),
        )
        for case in cases
    ]

    recommendations = (
        list(
            session.scalars(
                select(Recommendation)
                .where(Recommendation.case_id.in_(case_ids))
                .options(
                    selectinload(Recommendation.lead_agency),
                    selectinload(Recommendation.source_agency),
                    selectinload(Recommendation.supporting_agencies),
                )
            )
        )
        if case_ids
        else []
    )
    recommendations.sort(key=lambda rec: (by_id[rec.case_id].reference, _natural(rec.number)))
    evidence = _evidence_shown(session, recommendations)
    recommendation_rows, return_rows = [], []
    for rec in recommendations:
        case = by_id[rec.case_id]
        supporting = "; ".join(agency.name for agency in rec.supporting_agencies)
        recommendation_rows.append(
            (
                case.reference,
                case.pseudonym,
                rec.number,
                rec.text,
                rec.scope.label,
                rec.action,
                rec.lead_agency.name,
                supporting,
                rec.key_milestones,
                rec.target_on,
                rec.completed_on,
                rec.outcome,
                rec.status.label,
                rec.source.label,
                rec.source_agency.name if rec.source_agency else "",
                rec.signed_off_on,
                rec.signoff_minute_reference,
                rec.not_accepted_reason,
                *(
                    (item.reference, item.seen_on, item.checked_by)
                    if (item := evidence.get(rec.id))
                    else ("", None, "")
                ),
                "; ".join(rec_themes.get(rec.id, [])),
                categories[rec.id].label if rec.id in categories else "",
            )
        )
        completion = " - ".join(part for part in (format_date(rec.completed_on), rec.outcome) if part)
        lead = rec.lead_agency.name + (f" (supported by {supporting})" if supporting else "")
        return_rows.append(
            (
                case.reference,
                case.pseudonym,
                f"{rec.number}. {rec.text}",
                rec.scope.label,
                rec.action,
                lead,
                rec.key_milestones,
                rec.target_on,
                completion,
                rec.status.label,
            )
        )

    update_rows = []
    if recommendations:
        rec_by_id = {rec.id: rec for rec in recommendations}
        corrected = aliased(ProgressUpdate)
        updates = session.execute(
            select(ProgressUpdate, corrected.received_on)
            .outerjoin(corrected, ProgressUpdate.corrects_id == corrected.id)
            .where(ProgressUpdate.recommendation_id.in_(list(rec_by_id)))
        ).all()
        for update, corrects_on in updates:
            rec = rec_by_id[update.recommendation_id]
            case = by_id[rec.case_id]
            correction = f"Corrects the update received {format_date(corrects_on)}" if update.corrects_id else ""
            update_rows.append(
                (
                    case.reference,
                    case.pseudonym,
                    rec.number,
                    rec.lead_agency.name,
                    update.received_on,
                    update.contact_name,
                    update.text,
                    update.evidence_reference,
                    correction,
                )
            )
        update_rows.sort(key=lambda row: (row[0], _natural(row[2]), row[4]))

    tables = [
        Table(
            "Cases",
            (
                "Case reference",
                "Pseudonym",
                "Stage",
                "CSP area",
                "Commissioning partnership",
                "Guidance profile",
                "Date notified",
                "Date of decision",
                "Date Home Office told",
                "Independent chair",
                "Themes",
            ),
            case_rows,
        ),
        Table(
            "Recommendations",
            (
                "Case reference",
                "Pseudonym",
                "Number",
                "Recommendation",
                "Scope",
                "Action to take",
                "Lead agency",
                "Supporting agencies",
                "Key milestones achieved",
                "Target date",
                "Date of completion",
                "Outcome",
                "Status",
                "Source",
                "IMR agency",
                "Signed off on",
                "Sign-off minute reference",
                "Reason not accepted",
                "Evidence reference",
                "Evidence seen on",
                "Evidence checked by",
                "Themes",
                "Implementation (the Commissioner's category)",
            ),
            recommendation_rows,
        ),
        Table(
            "Updates",
            (
                "Case reference",
                "Pseudonym",
                "Recommendation number",
                "Lead agency",
                "Received on",
                "From",
                "Update",
                "Evidence reference",
                "Correction",
            ),
            update_rows,
        ),
        Table(
            "Home Office action plan",
            (
                "Case reference",
                "Pseudonym",
                "Recommendation",
                "Scope (local / regional / national)",
                "Action to take",
                "Lead agency",
                "Key milestones achieved",
                "Target date",
                "Date of completion and outcome",
                "Status",
            ),
            return_rows,
        ),
    ]
    _refuse_real_names(session, tables)
    return tables


def _evidence_shown(session: Session, recommendations: Sequence[Recommendation]) -> dict[int, ImplementationEvidence]:
    """Per recommendation, the evidence its sign-off rested on (the latest seen by then), else the latest seen:
    what the sheet import needs to replay a sign-off."""
    by_id = {rec.id: rec for rec in recommendations}
    shown: dict[int, ImplementationEvidence] = {}
    if not by_id:
        return shown
    for item in session.scalars(
        select(ImplementationEvidence)
        .where(ImplementationEvidence.recommendation_id.in_(list(by_id)))
        .order_by(ImplementationEvidence.seen_on, ImplementationEvidence.id)
    ):
        signed = by_id[item.recommendation_id].signed_off_on
        if signed is None or item.seen_on <= signed:
            shown[item.recommendation_id] = item
    return shown


def _refuse_real_names(session: Session, tables: Iterable[Table]) -> None:
    """Nothing is exported if any cell's text holds a real name; the refusal names the sheet, column and case."""
    from dhr_tracker.privacy.channels import HOME_OFFICE_RETURN, SPREADSHEET_EXPORT
    from dhr_tracker.reports.pseudonyms import RealNameGuard

    guard = RealNameGuard.from_session(session)
    for table in tables:
        where = HOME_OFFICE_RETURN if table.name == "Home Office action plan" else SPREADSHEET_EXPORT
        guard.check_fields(
            (
                (f"'{header}' column of the '{table.name}' sheet", value)
                for row in table.rows
                for header, value in zip(table.headers, row)
                if isinstance(value, str)
            ),
            where=where,
        )
    # The sheet and column headers are ours, but a header is text that leaves too.
    guard.check_fields(
        (("sheet names and headers", " ".join((table.name, *table.headers))) for table in tables),
        where=SPREADSHEET_EXPORT,
    )


def _csv_value(value: object) -> object:
    if isinstance(value, dt.date):
        return format_date(value)
    if value is None:
        return ""
    return safe_cell(value)


def write_csv(tables: Sequence[Table], folder: Path | str, *, marking: str = "") -> list[Path]:
    """One CSV file per table in the folder (created if needed), UTF-8 with a byte-order mark for Excel.

    With a `marking` (OFFICIAL-SENSITIVE), each file's first line is the marking alone, then the headers.
    """
    folder = Path(folder)
    paths = [folder / CSV_NAMES.get(table.name, f"{table.name.lower().replace(' ', '-')}.csv") for table in tables]
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file. For CSV, --out names a folder to put the CSV files in.")
    taken = [path for path in paths if path.exists()]
    if taken:
        raise UserError(already_exists(taken[0], what="an export", instead="a new folder"))
    output_folder(folder)
    written: list[Path] = []
    try:
        for table, path in zip(tables, paths):
            handle = open_new_owner_only(path, "w", what="an export", encoding="utf-8-sig", newline="")
            written.append(path)
            with handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                if marking:
                    writer.writerow([marking])  # the protective marking, first, as on every page of a report
                writer.writerow(table.headers)
                writer.writerows([_csv_value(value) for value in row] for row in table.rows)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return paths


def export_file(
    session: Session, format: str, out: Path | str, references: Sequence[str] | None = None
) -> ExportResult:
    """Export to `out`: a new .xlsx workbook, or for CSV a folder that receives one file per table."""
    if format not in FORMATS:
        raise UserError(f"The export format must be one of {', '.join(FORMATS)}, not '{format}'.")
    tables = export_tables(session, references)
    out = Path(out)
    marking = Settings(session).get(PROTECTIVE_MARKING)
    paths = write_csv(tables, out, marking=marking) if format == "csv" else [write_xlsx(tables, out, marking=marking)]
    return ExportResult(tuple(paths), {table.name: len(table.rows) for table in tables})
