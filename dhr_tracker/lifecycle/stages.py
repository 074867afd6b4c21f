"""The stage a case has reached, worked out from its recorded facts (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dhr_tracker.vocabulary import MilestoneKind, QAOutcome, Stage

if TYPE_CHECKING:  # facts.py derives each day's stage with this rule; CaseFacts is only the argument's type here
    from dhr_tracker.lifecycle.facts import CaseFacts

COMMISSIONING_EVENTS = (
    MilestoneKind.CHAIR_APPOINTED,
    MilestoneKind.TERMS_OF_REFERENCE_AGREED,
    MilestoneKind.SCOPING_COMPLETED,
)
GATHERING_EVENTS = (MilestoneKind.IMR_REQUESTED, MilestoneKind.IMR_RECEIVED, MilestoneKind.FAMILY_CONTACTED)
DRAFTING_EVENTS = (MilestoneKind.PANEL_MEETING, MilestoneKind.DRAFT_REPORT)


def derive_stage(facts: CaseFacts) -> Stage:
    """The latest stage the recorded facts show (the stages of DOMAIN.md, "The life of a review").

    Closed while a closure is in force; after publication, action plan monitoring; approved by the Home
    Office (revisions made, where listed) but not yet published, publication; submitted and awaiting the
    outcome (or the revisions), Home Office QA; a resubmission required sends the case back to drafting
    until the partnership signs off again; otherwise the furthest of sign-off, drafting, information
    gathering, commissioning, decision and notification that has a recorded event.
    """
    if facts.closed_on is not None:
        return Stage.CLOSED
    if facts.publication is not None:
        return Stage.ACTION_PLAN_MONITORING
    latest = facts.latest_qa_round
    if latest is not None:
        if latest.approved_on is not None:
            return Stage.PUBLICATION
        if latest.outcome is not QAOutcome.RESUBMISSION_REQUIRED:
            return Stage.HOME_OFFICE_QA
        letter = latest.feedback_letter_on or latest.submitted_on
        signed_off = facts.last(MilestoneKind.PARTNERSHIP_SIGNOFF)
        return Stage.PARTNERSHIP_SIGNOFF if signed_off and signed_off >= letter else Stage.DRAFTING
    kinds = {m.kind for m in facts.milestones}
    if MilestoneKind.PARTNERSHIP_SIGNOFF in kinds:
        return Stage.PARTNERSHIP_SIGNOFF
    if kinds.intersection(DRAFTING_EVENTS):
        return Stage.DRAFTING
    if kinds.intersection(GATHERING_EVENTS):
        return Stage.INFORMATION_GATHERING
    if kinds.intersection(COMMISSIONING_EVENTS):
        return Stage.COMMISSIONING
    if facts.decision is not None or MilestoneKind.DECISION in kinds:
        return Stage.DECISION
    return Stage.NOTIFICATION
