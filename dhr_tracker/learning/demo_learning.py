"""Learning for the fictional demo caseload: theme tags, implementation assessments and evidence seen, and the
DARDR copy to the Secretary of State and the Commissioner for reviews that have gone on to the Home Office.

A separate pass with its own random stream, so that the rest of the demo stays exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.model import (
    Case,
    CaseTheme,
    ImplementationAssessment,
    ImplementationEvidence,
    Milestone,
    Recommendation,
    RecommendationTheme,
    Theme,
)
from dhr_tracker.vocabulary import Decision, GuidanceProfile, MilestoneKind
from dhr_tracker.vocabulary import ImplementationCategory as C
from dhr_tracker.vocabulary import RecommendationStatus as S

# The themes each demo recommendation is about (matched on the start of its wording).
THEMES_BY_WORDING = {
    "Ensure routine enquiry": ("Professional curiosity and routine enquiry", "Health settings (GP, A&E, maternity)"),
    "Review the referral pathway": (
        "Multi-agency working, MARAC and referral pathways",
        "Health settings (GP, A&E, maternity)",
    ),
    "Strengthen information sharing": ("Information sharing", "Housing"),
    "Train GP practice staff": ("Recognising coercive control and economic abuse", "Training and awareness"),
    "Make sure safeguarding supervision": ("Supervision and management oversight", "Carers, older people and dementia"),
    "Improve recording": ("Record keeping", "Family and community voice"),
    "Raise awareness of economic abuse": ("Recognising coercive control and economic abuse", "Training and awareness"),
    "Ensure probation risk assessments": (
        "Risk identification and assessment (DASH, non-fatal strangulation, stalking)",
        "Perpetrator management",
    ),
    "Share the learning": ("Training and awareness",),
    "Review how missed mental health": ("Mental health services",),
    "Publish national guidance": ("Carers, older people and dementia", "Policy and procedure gaps"),
}
CASE_THEMES = ("Coercive control", "Separation", "Mental health", "Substance misuse", "Stalking", "Age 60 and over")
DEATH_TYPES = (
    "Intimate partner homicide",
    "Intimate partner homicide",
    "Adult family homicide",
    "Victim suicide following domestic abuse",
)
CHECKERS = ("DHR coordinator", "Steering Group chair", "Community Safety Manager")


def add_demo_learning(session: Session, *, seed: int, anchor: dt.date) -> None:
    rng = random.Random(seed * 7919 + 17)
    themes = {theme.name: theme for theme in session.scalars(select(Theme))}
    for case in session.scalars(select(Case).order_by(Case.reference)):
        if case.decision is Decision.NO_REVIEW:
            continue
        completed = [m.occurred_on for m in case.milestones if m.kind is MilestoneKind.PARTNERSHIP_SIGNOFF]
        if case.guidance_profile is GuidanceProfile.DARDR and completed and case.qa_rounds:
            # Sent once the review has gone to the Home Office; one still at sign-off shows the step due.
            sent = min(anchor, completed[0] + dt.timedelta(days=rng.randint(7, 21)))
            session.add(
                Milestone(
                    case_id=case.id,
                    kind=MilestoneKind.COPY_TO_SECRETARY_OF_STATE,
                    occurred_on=sent,
                    note="Report copied to the Secretary of State and the Domestic Abuse Commissioner",
                )
            )
        for name in {rng.choice(DEATH_TYPES), *rng.sample(CASE_THEMES, 2)}:
            session.add(CaseTheme(case_id=case.id, theme_id=themes[name].id))
    for rec in session.scalars(select(Recommendation).order_by(Recommendation.id)):
        for prefix, names in THEMES_BY_WORDING.items():
            if rec.text.startswith(prefix):
                for name in names:
                    session.add(RecommendationTheme(recommendation_id=rec.id, theme_id=themes[name].id))
        if rec.status in (S.PROPOSED, S.NOT_ACCEPTED):
            continue
        changed = rec.status_changed_on or anchor
        if rec.status is S.IMPLEMENTED:
            category = C.FULLY_IMPLEMENTED
        elif rec.status is S.COMPLETED_AWAITING_EVIDENCE:
            category = rng.choice([C.FULLY_IMPLEMENTED, C.PARTLY_MET])
        else:
            category = rng.choice([C.ALREADY_HAPPENING, C.PARTLY_MET, C.PARTLY_MET, C.NOT_MET, C.NO_INFORMATION])
        assessed_on = min(anchor, rec.signed_off_on or changed)
        session.add(
            ImplementationAssessment(
                recommendation_id=rec.id,
                category=category,
                assessed_on=assessed_on,
                assessed_by=rng.choice(CHECKERS),
                recheck_on=None if rec.status is S.IMPLEMENTED else assessed_on + dt.timedelta(days=91),
                note="",
            )
        )
        if rec.status in (S.IMPLEMENTED, S.COMPLETED_AWAITING_EVIDENCE):
            seen = min(anchor, rec.signed_off_on or rec.completed_on or changed)
            session.add(
                ImplementationEvidence(
                    recommendation_id=rec.id,
                    reference=f"Audit report {rec.case.reference}/{rec.number}",
                    seen_on=seen,
                    checked_by=rng.choice(CHECKERS),
                    note="",
                )
            )
    session.flush()
