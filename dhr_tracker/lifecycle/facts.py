"""A case's dated facts as plain frozen dataclasses, loaded for one case or for every case in a few queries.

The deadline engine, the RAG rating, the stage rules and the timeline all work on `CaseFacts` and need
no database. `facts_from_case(case)` builds them from a loaded `Case`; `load_case_facts(session)` builds
them for many cases at once (six queries whatever the number of cases).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session

from dhr_tracker.model import KCSP, Agency, Case, CspArea, Milestone, ParallelProcess, Pause, Publication, QARound
from dhr_tracker.storage.batches import rows_in_batches
from dhr_tracker.vocabulary import (
    Decision,
    GuidanceProfile,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    Stage,
)


@dataclass(frozen=True)
class MilestoneFact:
    kind: MilestoneKind
    occurred_on: dt.date
    agency_id: int | None = None
    agency: str = ""  # the agency's name, for IMR milestones
    note: str = ""


@dataclass(frozen=True)
class QARoundFact:
    """One Home Office QA submission and what came back (dates are None until they happen)."""

    round_number: int
    submitted_on: dt.date
    panel_on: dt.date | None = None
    feedback_letter_on: dt.date | None = None
    feedback_reference: str = ""
    outcome: QAOutcome | None = None
    revisions_listed: str = ""
    revisions_made_on: dt.date | None = None

    @property
    def approved_on(self) -> dt.date | None:
        """The date publication became allowed by this round: the letter (approved) or the revisions made."""
        if self.outcome is QAOutcome.APPROVED:
            return self.feedback_letter_on
        if self.outcome is QAOutcome.APPROVED_SUBJECT_TO_REVISIONS:
            return self.revisions_made_on
        return None


@dataclass(frozen=True)
class PublicationFact:
    published_on: dt.date
    website_removal_on: dt.date | None = None
    sent_to_library_on: dt.date | None = None
    family_told_on: dt.date | None = None
    sent_to_commissioner_on: dt.date | None = None


@dataclass(frozen=True)
class ParallelProcessFact:
    kind: ParallelProcessKind
    status: ProcessStatus
    started_on: dt.date | None = None
    expected_end_on: dt.date | None = None
    concluded_on: dt.date | None = None
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class PauseFact:
    starts_on: dt.date
    ends_on: dt.date | None = None  # None: the pause is still in force
    reason: str = ""
    home_office_told_on: dt.date | None = None
    parallel_process: ParallelProcessKind | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class CaseFacts:
    """Everything dated about one case, in plain values (no real names)."""

    reference: str
    notified_on: dt.date
    guidance_profile: GuidanceProfile = GuidanceProfile.DHR_2016
    stage: Stage = Stage.NOTIFICATION
    decision: Decision | None = None
    commissioning_partnership: str = KCSP
    pseudonym: str = ""
    csp_area: str = ""
    case_id: int | None = None
    milestones: tuple[MilestoneFact, ...] = ()
    qa_rounds: tuple[QARoundFact, ...] = ()
    publication: PublicationFact | None = None
    parallel_processes: tuple[ParallelProcessFact, ...] = ()
    pauses: tuple[PauseFact, ...] = ()

    @cached_property
    def is_cross_border(self) -> bool:
        """Commissioned by another partnership: Kent agencies contribute, the timescales are not ours."""
        return self.commissioning_partnership.strip().upper() != KCSP

    def dates_of(self, kind: MilestoneKind) -> list[dt.date]:
        """Every date a milestone of this kind was recorded, earliest first."""
        return sorted(m.occurred_on for m in self.milestones if m.kind is kind)

    def first(self, kind: MilestoneKind) -> dt.date | None:
        return min((m.occurred_on for m in self.milestones if m.kind is kind), default=None)

    def last(self, kind: MilestoneKind) -> dt.date | None:
        return max((m.occurred_on for m in self.milestones if m.kind is kind), default=None)

    @property
    def closed_on(self) -> dt.date | None:
        """The date of the closure in force (None if the case is open, or was re-opened since)."""
        closed, reopened = self.last(MilestoneKind.CLOSED), self.last(MilestoneKind.REOPENED)
        if closed is None or (reopened is not None and reopened >= closed):
            return None
        return closed

    @property
    def reopened_on(self) -> dt.date | None:
        return self.last(MilestoneKind.REOPENED)

    @property
    def decided_on(self) -> dt.date | None:
        """The date of the decision in force (the latest recorded)."""
        return self.last(MilestoneKind.DECISION)

    @property
    def latest_qa_round(self) -> QARoundFact | None:
        return max(self.qa_rounds, key=lambda r: r.round_number, default=None)

    @property
    def qa_approved_on(self) -> dt.date | None:
        """When the Home Office QA panel's approval took effect (None if not approved)."""
        latest = self.latest_qa_round
        return latest.approved_on if latest else None

    @cached_property
    def last_dated_on(self) -> dt.date:
        """The latest date of any recorded fact (plans such as an expected end are not facts)."""
        days: list[dt.date | None] = [self.notified_on, *(m.occurred_on for m in self.milestones)]
        for r in self.qa_rounds:
            days += [r.submitted_on, r.panel_on, r.feedback_letter_on, r.revisions_made_on]
        if self.publication is not None:
            p = self.publication
            days += [p.published_on, p.sent_to_library_on, p.family_told_on, p.sent_to_commissioner_on]
        for process in self.parallel_processes:
            days += [process.started_on, process.concluded_on]
        for pause in self.pauses:
            days += [pause.starts_on, pause.ends_on, pause.home_office_told_on]
        return max(day for day in days if day is not None)

    def as_of(self, day: dt.date) -> CaseFacts:
        """The case as it stood at the end of `day`: only the facts dated on or before it, and the stage they show.

        This is the one as-of rule: the deadlines, the RAG rating, the stage, the open set, the timeline and
        every screen and report built on them see a past date through it, so "where were we on 15 November?"
        gets the answer the records held that evening. A fact dated after `day` did not exist yet: a
        milestone, QA round, pause or publication dated later is left out, and a later date on a fact that
        had begun (a round's letter, a pause's end, a process's conclusion) is blanked, as it was then.
        A case notified after `day` keeps only its notification (callers leave it out of the caseload).
        When every fact is dated by `day` the facts are returned as they are, with the stage stored for the
        case (the services keep it in step with the facts; an imported case may carry its sheet's stage).
        """
        if self.last_dated_on <= day:
            return self
        from dhr_tracker.lifecycle.stages import derive_stage

        milestones = tuple(m for m in self.milestones if m.occurred_on <= day)
        cut = replace(
            self,
            milestones=milestones,
            decision=self.decision if any(m.kind is MilestoneKind.DECISION for m in milestones) else None,
            qa_rounds=tuple(_round_as_of(r, day) for r in self.qa_rounds if r.submitted_on <= day),
            publication=_publication_as_of(self.publication, day),
            parallel_processes=tuple(
                _process_as_of(p, day) for p in self.parallel_processes if p.started_on is None or p.started_on <= day
            ),
            pauses=tuple(
                replace(p, ends_on=_by(p.ends_on, day), home_office_told_on=_by(p.home_office_told_on, day))
                for p in self.pauses
                if p.starts_on <= day
            ),
        )
        return replace(cut, stage=derive_stage(cut))


def _by(on: dt.date | None, day: dt.date) -> dt.date | None:
    """`on` if it had happened by the end of `day`, else None."""
    return on if on is not None and on <= day else None


def _round_as_of(r: QARoundFact, day: dt.date) -> QARoundFact:
    if r.feedback_letter_on is not None and r.feedback_letter_on > day:
        # The letter carries the outcome: before it arrived the round was awaiting its feedback.
        return QARoundFact(r.round_number, r.submitted_on, _by(r.panel_on, day))
    return replace(r, panel_on=_by(r.panel_on, day), revisions_made_on=_by(r.revisions_made_on, day))


def _publication_as_of(p: PublicationFact | None, day: dt.date) -> PublicationFact | None:
    if p is None or p.published_on > day:
        return None
    return replace(
        p,
        sent_to_library_on=_by(p.sent_to_library_on, day),
        family_told_on=_by(p.family_told_on, day),
        sent_to_commissioner_on=_by(p.sent_to_commissioner_on, day),
    )


def _process_as_of(p: ParallelProcessFact, day: dt.date) -> ParallelProcessFact:
    if p.concluded_on is None or p.concluded_on <= day:
        return p
    return replace(p, status=ProcessStatus.ONGOING, concluded_on=None)


# --- Building facts from the database ------------------------------------------------------------


def facts_from_case(case: Case) -> CaseFacts:
    """The facts of one loaded case (its relationships are loaded as needed)."""
    return CaseFacts(
        reference=case.reference,
        notified_on=case.notified_on,
        guidance_profile=case.guidance_profile or GuidanceProfile.DHR_2016,
        stage=case.stage or Stage.NOTIFICATION,
        decision=case.decision,
        commissioning_partnership=case.commissioning_partnership or KCSP,
        pseudonym=case.pseudonym,
        csp_area=case.csp_area.name if case.csp_area else "",
        case_id=case.id,
        milestones=tuple(
            MilestoneFact(m.kind, m.occurred_on, m.agency_id, m.agency.name if m.agency else "", m.note or "")
            for m in sorted(case.milestones, key=lambda m: (m.occurred_on, m.id or 0))
        ),
        qa_rounds=tuple(_qa_fact(r) for r in sorted(case.qa_rounds, key=lambda r: r.round_number)),
        publication=_publication_fact(case.publication) if case.publication else None,
        parallel_processes=tuple(_process_fact(p) for p in case.parallel_processes),
        pauses=tuple(
            PauseFact(
                p.starts_on,
                p.ends_on,
                p.reason,
                p.home_office_told_on,
                p.parallel_process.kind if p.parallel_process else None,
            )
            for p in sorted(case.pauses, key=lambda p: p.starts_on)
        ),
    )


def _qa_fact(r: QARound) -> QARoundFact:
    return QARoundFact(
        r.round_number,
        r.submitted_on,
        r.panel_on,
        r.feedback_letter_on,
        r.feedback_reference or "",
        r.outcome,
        r.revisions_listed or "",
        r.revisions_made_on,
    )


def _publication_fact(p: Publication) -> PublicationFact:
    return PublicationFact(
        p.published_on, p.website_removal_on, p.sent_to_library_on, p.family_told_on, p.sent_to_commissioner_on
    )


def _process_fact(p: ParallelProcess) -> ParallelProcessFact:
    return ParallelProcessFact(p.kind, p.status, p.started_on, p.expected_end_on, p.concluded_on, p.note or "", p.id)


def load_case_facts(
    session: Session, *, open_only: bool = False, case_ids: Iterable[int] | None = None
) -> list[CaseFacts]:
    """Facts for every case (or the open ones, or the ids given), ordered by reference.

    Six queries in all, whatever the number of cases: the cases, then milestones, QA rounds,
    publications, parallel processes and pauses for all of them at once.
    """
    # Plain Core rows on the session's own connection: the ORM's row loading costs more than the query at
    # national scale (2,000 cases, 31,000 milestones), and these are values, not objects to track.
    session.flush()
    connection = session.connection()
    chosen = select(Case.id)
    if open_only:
        chosen = chosen.where(or_(Case.stage != Stage.CLOSED, Case.stage.is_(None)))
    if case_ids is not None:
        chosen = chosen.where(Case.id.in_(list(case_ids)))
    filtered = open_only or case_ids is not None
    cases = connection.execute(
        select(
            Case.id,
            Case.reference,
            Case.notified_on,
            Case.guidance_profile,
            Case.stage,
            Case.decision,
            Case.commissioning_partnership,
            Case.pseudonym,
            CspArea.name,
        )
        .outerjoin(CspArea, Case.csp_area_id == CspArea.id)
        .where(Case.id.in_(chosen.scalar_subquery()) if filtered else true())
        .order_by(Case.reference)
    ).all()
    if not cases:
        return []

    def restrict(stmt, column):
        return stmt.where(column.in_(chosen.scalar_subquery())) if filtered else stmt

    milestones: dict[int, list[MilestoneFact]] = defaultdict(list)
    for case_id, kind, occurred_on, agency_id, agency_name, note in rows_in_batches(
        connection.execute(
            restrict(
                select(
                    Milestone.case_id,
                    Milestone.kind,
                    Milestone.occurred_on,
                    Milestone.agency_id,
                    Agency.name,
                    Milestone.note,
                )
                .outerjoin(Agency, Milestone.agency_id == Agency.id)
                .order_by(Milestone.occurred_on, Milestone.id),
                Milestone.case_id,
            )
        )
    ):
        milestones[case_id].append(MilestoneFact(kind, occurred_on, agency_id, agency_name or "", note or ""))

    qa_rounds: dict[int, list[QARoundFact]] = defaultdict(list)
    for case_id, *values in rows_in_batches(
        connection.execute(
            restrict(
                select(
                    QARound.case_id,
                    QARound.round_number,
                    QARound.submitted_on,
                    QARound.panel_on,
                    QARound.feedback_letter_on,
                    QARound.feedback_reference,
                    QARound.outcome,
                    QARound.revisions_listed,
                    QARound.revisions_made_on,
                ).order_by(QARound.round_number),
                QARound.case_id,
            )
        )
    ):
        qa_rounds[case_id].append(QARoundFact(*values))

    publications = {
        case_id: PublicationFact(*values)
        for case_id, *values in rows_in_batches(
            connection.execute(
                restrict(
                    select(
                        Publication.case_id,
                        Publication.published_on,
                        Publication.website_removal_on,
                        Publication.sent_to_library_on,
                        Publication.family_told_on,
                        Publication.sent_to_commissioner_on,
                    ),
                    Publication.case_id,
                )
            )
        )
    }

    processes: dict[int, list[ParallelProcessFact]] = defaultdict(list)
    kinds: dict[int, ParallelProcessKind] = {}
    for process_id, case_id, kind, status, started_on, expected_end_on, concluded_on, note in rows_in_batches(
        connection.execute(
            restrict(
                select(
                    ParallelProcess.id,
                    ParallelProcess.case_id,
                    ParallelProcess.kind,
                    ParallelProcess.status,
                    ParallelProcess.started_on,
                    ParallelProcess.expected_end_on,
                    ParallelProcess.concluded_on,
                    ParallelProcess.note,
                ).order_by(ParallelProcess.id),
                ParallelProcess.case_id,
            )
        )
    ):
        processes[case_id].append(
            ParallelProcessFact(kind, status, started_on, expected_end_on, concluded_on, note or "", process_id)
        )
        kinds[process_id] = kind

    pauses: dict[int, list[PauseFact]] = defaultdict(list)
    for case_id, starts_on, ends_on, reason, told_on, process_id in rows_in_batches(
        connection.execute(
            restrict(
                select(
                    Pause.case_id,
                    Pause.starts_on,
                    Pause.ends_on,
                    Pause.reason,
                    Pause.home_office_told_on,
                    Pause.parallel_process_id,
                ).order_by(Pause.starts_on, Pause.id),
                Pause.case_id,
            )
        )
    ):
        pauses[case_id].append(PauseFact(starts_on, ends_on, reason, told_on, kinds.get(process_id)))

    return [
        CaseFacts(
            reference=reference,
            notified_on=notified_on,
            guidance_profile=profile or GuidanceProfile.DHR_2016,
            stage=stage or Stage.NOTIFICATION,
            decision=decision,
            commissioning_partnership=partnership or KCSP,
            pseudonym=pseudonym,
            csp_area=area or "",
            case_id=case_id,
            milestones=tuple(milestones[case_id]),
            qa_rounds=tuple(qa_rounds[case_id]),
            publication=publications.get(case_id),
            parallel_processes=tuple(processes[case_id]),
            pauses=tuple(pauses[case_id]),
        )
        for case_id, reference, notified_on, profile, stage, decision, partnership, pseudonym, area in cases
    ]


@dataclass(frozen=True)
class ClosedCase:
    """A case whose stored stage is closed, before its facts are loaded: enough to know it was closed on a
    day (`closed_on`, the closure in force; None if no closure is recorded) and where it sorts."""

    case_id: int
    reference: str
    notified_on: dt.date
    closed_on: dt.date | None

    def may_be_open_on(self, day: dt.date) -> bool:
        """Whether the case could have been open on `day` (notified by then, closed only later)."""
        return self.notified_on <= day and (self.closed_on is None or day < self.closed_on)


def load_closed_cases(session: Session) -> list[ClosedCase]:
    """Every case whose stored stage is closed, with the date of its latest closure (one query)."""
    rows = session.execute(
        select(Case.id, Case.reference, Case.notified_on, func.max(Milestone.occurred_on))
        .outerjoin(Milestone, (Milestone.case_id == Case.id) & (Milestone.kind == MilestoneKind.CLOSED))
        .where(Case.stage == Stage.CLOSED)
        .group_by(Case.id, Case.reference, Case.notified_on)
    )
    return [ClosedCase(*row) for row in rows]
