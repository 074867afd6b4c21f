"""One case as screens read it: plain frozen values (no ORM object leaves the session), and the case's parts by id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dhr_tracker.casework.cases import get_case, real_names_of
from dhr_tracker.errors import NotFound
from dhr_tracker.model import Case, ParallelProcess
from dhr_tracker.vocabulary import Decision, ParallelProcessKind, ProcessStatus, QAOutcome, Stage


@dataclass(frozen=True)
class QARoundRecord:
    id: int
    round_number: int
    submitted_on: dt.date | None
    panel_on: dt.date | None
    feedback_letter_on: dt.date | None
    feedback_reference: str
    outcome: QAOutcome | None
    revisions_listed: str
    revisions_made_on: dt.date | None


@dataclass(frozen=True)
class ProcessRecord:
    id: int
    kind: ParallelProcessKind
    status: ProcessStatus
    started_on: dt.date | None
    expected_end_on: dt.date | None
    concluded_on: dt.date | None
    note: str


@dataclass(frozen=True)
class PauseRecord:
    id: int
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    home_office_told_on: dt.date | None
    process_kind: ParallelProcessKind | None


@dataclass(frozen=True)
class CaseRecord:
    """A case's stored facts, its QA rounds, parallel processes and pauses, read in one session."""

    id: int
    values: dict[str, Any]  # the editable facts, as `case_form_values` gives them
    stage: Stage
    decision: Decision | None
    row_version: int | None
    qa_rounds: tuple[QARoundRecord, ...]
    processes: tuple[ProcessRecord, ...]
    pauses: tuple[PauseRecord, ...]


def case_form_values(case: Case) -> dict[str, Any]:
    """A case's editable facts as plain values (read inside the session that loaded it). Without the real
    names where the signed-in role may not read them (a team database's viewer)."""
    values = {
        "reference": case.reference,
        "pseudonym": case.pseudonym,
        "notified_on": case.notified_on,
        "csp_area": case.csp_area.name if case.csp_area else "",
        "commissioning_partnership": case.commissioning_partnership,
        "guidance_profile": case.guidance_profile,
        "date_of_death": case.date_of_death,
        "independent_chair": case.independent_chair,
        "notes": case.notes,
    }
    names = real_names_of(case)
    if names is not None:
        values["victim_real_name"], values["perpetrator_real_name"] = names
    return values


def get_case_record(session: Session, case_id: int) -> CaseRecord:
    """The case with this id as plain values (NotFound if it was deleted meanwhile)."""
    case = get_case(session, case_id)
    return CaseRecord(
        id=case.id,
        values=case_form_values(case),
        stage=case.stage,
        decision=case.decision,
        row_version=case.row_version,
        qa_rounds=tuple(
            QARoundRecord(
                r.id,
                r.round_number,
                r.submitted_on,
                r.panel_on,
                r.feedback_letter_on,
                r.feedback_reference,
                r.outcome,
                r.revisions_listed,
                r.revisions_made_on,
            )
            for r in case.qa_rounds
        ),
        processes=tuple(
            ProcessRecord(p.id, p.kind, p.status, p.started_on, p.expected_end_on, p.concluded_on, p.note)
            for p in case.parallel_processes
        ),
        pauses=tuple(
            PauseRecord(
                p.id,
                p.reason,
                p.starts_on,
                p.ends_on,
                p.home_office_told_on,
                p.parallel_process.kind if p.parallel_process else None,
            )
            for p in case.pauses
        ),
    )


def get_parallel_process(session: Session, case: Case, process_id: int) -> ParallelProcess:
    """One of the case's parallel processes, for `lifecycle.services.update_parallel_process` to change."""
    process = session.get(ParallelProcess, process_id)
    if process is None or process.case_id != case.id:
        raise NotFound("That parallel process is no longer on this case. Reload the case and try again.")
    return process
