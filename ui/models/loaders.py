"""What each screen loads, as plain rows: run inside a task (`context.tasks.run(lambda s: load_x(s, ...))`).

Each function takes a Session, calls core services only, and returns dataclasses (never ORM
objects, which are detached once the task's session closes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dhr_tracker.actionplan.recommendations import action_plan
from dhr_tracker.actionplan.records import progress_updates_of_case
from dhr_tracker.casework.cases import get_case
from dhr_tracker.casework.records import get_case_record
from dhr_tracker.dates import format_date
from dhr_tracker.lifecycle.deadlines import DeadlineStatus
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.lifecycle.rag import Rag, RagStatus
from dhr_tracker.lifecycle.timeline import build_timeline
from dhr_tracker.lifecycle.today import caseload_for
from dhr_tracker.reference_lists import csp_area_names
from dhr_tracker.vocabulary import Decision, Stage
from ui.models.actionplan import RecommendationRow, UpdateRow
from ui.models.case_detail import AuditRow, PauseRow, ProcessRow, QARoundRow, TimelineRow
from ui.models.cases import CaseRow


def load_case_rows(session, today: dt.date) -> list[CaseRow]:  # noqa: ANN001 - a Session
    """Every case with its RAG rating and next unmet deadline as of `today` (read from the caseload overview)."""
    rows = []
    for position in caseload_for(session).positions(session, today):
        facts, deadlines, rag = position.facts, position.deadlines, position.rag
        pending = [d for d in deadlines if d.status is not DeadlineStatus.MET]
        upcoming = min(pending, key=lambda d: d.due, default=None)
        rows.append(
            CaseRow(
                id=facts.case_id,
                reference=facts.reference,
                pseudonym=facts.pseudonym,
                stage=facts.stage,
                csp_area=facts.csp_area or facts.commissioning_partnership,
                notified_on=facts.notified_on,
                rag="" if rag.rating is Rag.CLOSED else rag.rating.value,
                rag_reason=rag.summary,
                next_deadline=upcoming.due if upcoming else None,
                next_deadline_label=upcoming.label if upcoming else "",
            )
        )
    return rows


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    due: dt.date
    status: str
    detail: str


@dataclass(frozen=True)
class CaseDetail:
    """One case, as every tab of the case screen shows it."""

    id: int
    values: dict[str, Any]
    stage: Stage
    decision: Decision | None
    rag: str
    rag_summary: str
    areas: list[str]
    deadlines: list[DeadlineLine]
    timeline: list[TimelineRow]
    qa_rounds: list[QARoundRow]
    processes: list[ProcessRow]
    pauses: list[PauseRow]
    recommendations: list[RecommendationRow]
    updates: dict[int, list[UpdateRow]] = field(default_factory=dict)
    audit: list[AuditRow] = field(default_factory=list)
    row_version: int | None = None  # as read: a save refuses a newer one (storage.versions)

    @property
    def reference(self) -> str:
        return self.values["reference"]

    @property
    def title(self) -> str:
        return f"{self.values['reference']} – {self.values['pseudonym']}"


def load_audit_rows(session, case_id: int, limit: int = 500) -> list[AuditRow]:  # noqa: ANN001 - a Session
    """The case's audit trail, newest first (real names are withheld by the trail itself)."""
    from dhr_tracker.dates import format_local_time
    from dhr_tracker.security.audit import entries_for_case
    from dhr_tracker.security.audit_wording import AuditNames, describe, describe_changes

    entries = entries_for_case(session, case_id, limit=limit)
    names = AuditNames.load(session, entries)
    return [
        AuditRow(
            entry.id,
            entry.at,
            format_local_time(entry.at),
            entry.os_user,
            describe(entry, names),
            describe_changes(entry, names),
        )
        for entry in entries
    ]


def load_case_detail(session, case_id: int, today: dt.date) -> CaseDetail:  # noqa: ANN001 - a Session
    record = get_case_record(session, case_id)  # NotFound if it was deleted meanwhile
    position = caseload_for(session).position(session, case_id, today)
    facts = position.facts if position is not None else facts_from_case(get_case(session, case_id))
    deadlines = position.deadlines if position is not None else ()
    rag = position.rag if position is not None else RagStatus(Rag.GREEN, ())
    deadline_lines = [
        DeadlineLine(
            d.label,
            d.due,
            "Met late" if d.met_late else d.status.label,
            f"met {format_date(d.met_on)}" + (f", {d.days_text(d.slippage_days)} late" if d.slippage_days else "")
            if d.met_on
            else (
                f"{d.days_text(d.days_overdue)} overdue"
                if d.days_overdue
                else (f"moved {d.days_text(d.paused_days)} by pauses" if d.paused_days else "")
            ),
        )
        for d in deadlines
    ]
    timeline = [TimelineRow(event.on, event.label, event.detail, event.kind) for event in build_timeline(facts)]
    qa_rounds = [
        QARoundRow(
            r.id,
            r.round_number,
            r.submitted_on,
            r.panel_on,
            r.feedback_letter_on,
            r.feedback_reference,
            r.outcome.label if r.outcome else "",
            r.revisions_listed,
            r.revisions_made_on,
        )
        for r in record.qa_rounds
    ]
    processes = [
        ProcessRow(p.id, p.kind.label, p.status.label, p.started_on, p.expected_end_on, p.concluded_on, p.note)
        for p in record.processes
    ]
    pauses = [
        PauseRow(
            p.id,
            p.reason,
            p.starts_on,
            p.ends_on,
            p.home_office_told_on,
            p.process_kind.label if p.process_kind else "",
        )
        for p in record.pauses
    ]
    recommendations, updates = [], {}
    progress = progress_updates_of_case(session, case_id)
    for row in action_plan(session, get_case(session, case_id)):
        recorded = progress.get(row.id, ())
        updates[row.id] = [
            UpdateRow(
                u.id,
                u.received_on,
                u.contact_name,
                u.text,
                u.evidence_reference,
                corrects=f"corrects the update of {format_date(u.corrects_received_on)}"
                if u.corrects_received_on
                else "",
                superseded=u.superseded,
            )
            for u in recorded
        ]
        recommendations.append(
            RecommendationRow(
                row.id,
                row.number,
                row.text,
                row.scope.label,
                row.lead_agency,
                row.status.label,
                row.status.is_open,
                row.target_on,
                row.completed_on,
                row.action,
                max((u.received_on for u in recorded if u.current), default=None),
                row.status.value,
            )
        )
    return CaseDetail(
        id=record.id,
        values=record.values,
        stage=record.stage,
        decision=record.decision,
        rag="" if rag.rating is Rag.CLOSED else rag.rating.value,
        rag_summary=rag.summary,
        areas=csp_area_names(session),
        deadlines=deadline_lines,
        timeline=timeline,
        qa_rounds=qa_rounds,
        processes=processes,
        pauses=pauses,
        recommendations=recommendations,
        updates=updates,
        audit=load_audit_rows(session, case_id),
        row_version=record.row_version,
    )
