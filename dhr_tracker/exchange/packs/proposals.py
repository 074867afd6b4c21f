"""Status changes agencies proposed in their packs: one list for the coordinator to accept or reject.

Accepting moves the recommendation through the action-plan service (so every rule of a status change
applies, and it is audited); rejecting records the reason. Either way the proposal is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan.recommendations import change_status
from dhr_tracker.dates import format_date
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import Agency, Case, Recommendation, StatusProposal, UpdatePack, UpdateRequest
from dhr_tracker.vocabulary import RecommendationStatus

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class ProposalRow:
    id: int
    reference: str
    pseudonym: str
    number: str
    agency: str
    from_status: RecommendationStatus
    proposed_status: RecommendationStatus
    completed_on: dt.date | None
    proposed_on: dt.date
    proposed_by: str
    pack_identifier: str
    decision: str
    decided_on: dt.date | None


def list_proposals(session: Session, *, pending_only: bool = True) -> list[ProposalRow]:
    query = (
        select(
            StatusProposal, Case.reference, Case.pseudonym, Recommendation.number, Agency.name, UpdatePack.identifier
        )
        .join(Recommendation, StatusProposal.recommendation_id == Recommendation.id)
        .join(Case, Recommendation.case_id == Case.id)
        .join(UpdatePack, StatusProposal.pack_id == UpdatePack.id)
        .join(UpdateRequest, UpdatePack.request_id == UpdateRequest.id)
        .join(Agency, UpdateRequest.agency_id == Agency.id)
        .order_by(StatusProposal.proposed_on, Case.reference, StatusProposal.id)
    )
    if pending_only:
        query = query.where(StatusProposal.decision == "")
    return [
        ProposalRow(
            p.id,
            reference,
            pseudonym,
            number,
            agency,
            p.from_status,
            p.proposed_status,
            p.completed_on,
            p.proposed_on,
            p.proposed_by,
            identifier,
            p.decision,
            p.decided_on,
        )
        for p, reference, pseudonym, number, agency, identifier in session.execute(query)
    ]


def pending_count(session: Session) -> int:
    return len(session.scalars(select(StatusProposal.id).where(StatusProposal.decision == "")).all())


def _pending(session: Session, proposal_id: int) -> StatusProposal:
    proposal = session.get(StatusProposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}. List the proposals to see their numbers.")
    if proposal.decision:
        raise ValidationError(
            f"Proposal {proposal_id} was already {proposal.decision} on {format_date(proposal.decided_on)}.",
            field="proposal",
            rule="already_decided",
        )
    return proposal


def accept_proposal(session: Session, proposal_id: int, *, today: dt.date, on: dt.date | None = None) -> StatusProposal:
    """Make the proposed status change, dated `on` (default: the completion date given, else the day proposed)."""
    proposal = _pending(session, proposal_id)
    rec = proposal.recommendation
    if rec.status is not proposal.from_status:
        raise ValidationError(
            f"Recommendation {rec.number} is now '{rec.status.label}', no longer '{proposal.from_status.label}' as when "
            f"the change was proposed; reject the proposal, or change the status on the recommendation itself.",
            field="proposal",
            rule="status_moved_on",
        )
    change_status(
        session, rec, proposal.proposed_status, on=on or proposal.completed_on or proposal.proposed_on, today=today
    )
    proposal.decision, proposal.decided_on = ACCEPTED, today
    session.flush()
    return proposal


def reject_proposal(session: Session, proposal_id: int, *, reason: str, today: dt.date) -> StatusProposal:
    proposal = _pending(session, proposal_id)
    if not reason.strip():
        raise ValidationError(
            "Give the reason the proposal is rejected; the agency will be told it.",
            field="decision_note",
            rule="reason_required",
        )
    proposal.decision, proposal.decided_on, proposal.decision_note = REJECTED, today, reason.strip()
    session.flush()
    return proposal
