"""The domain model: every table of a DHR Tracker database, as SQLAlchemy 2 typed classes."""

from dhr_tracker.model.audit import AuditEntry, AuditImportedEntry
from dhr_tracker.model.base import Base, utc_now
from dhr_tracker.model.case import KCSP, Case, Milestone, ParallelProcess, Pause, Publication, QARound
from dhr_tracker.model.config import AppMeta, ClosureDay, SettingValue
from dhr_tracker.model.escalation import EscalationAction, UpdateRequest, UpdateRequestItem, UpdateRound
from dhr_tracker.model.learning import (
    CaseTheme,
    DepartmentCorrespondence,
    ImplementationAssessment,
    ImplementationEvidence,
    RecommendationTheme,
    Theme,
)
from dhr_tracker.model.meeting import Attendee, BriefingCopy, Meeting
from dhr_tracker.model.recommendation import ProgressUpdate, Recommendation, recommendation_supporting_agency
from dhr_tracker.model.reference import Agency, AgencyContact, CspArea
from dhr_tracker.model.update_pack import StatusProposal, UpdatePack, UpdatePackEntry

__all__ = [
    "KCSP",
    "Agency",
    "AgencyContact",
    "AppMeta",
    "Attendee",
    "AuditEntry",
    "AuditImportedEntry",
    "Base",
    "BriefingCopy",
    "Case",
    "ClosureDay",
    "CspArea",
    "EscalationAction",
    "Meeting",
    "Milestone",
    "ParallelProcess",
    "Pause",
    "ProgressUpdate",
    "Publication",
    "QARound",
    "Recommendation",
    "SettingValue",
    "StatusProposal",
    "UpdatePack",
    "UpdatePackEntry",
    "UpdateRequest",
    "UpdateRequestItem",
    "UpdateRound",
    "recommendation_supporting_agency",
    "utc_now",
    "CaseTheme",
    "DepartmentCorrespondence",
    "ImplementationAssessment",
    "ImplementationEvidence",
    "RecommendationTheme",
    "Theme",
]
