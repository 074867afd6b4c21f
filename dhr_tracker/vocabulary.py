"""The words of the DHR process as enumerations, with the labels a person reads.

Pure Python: the deadline and escalation engines use these without a database.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry an en-GB label for screens and reports."""

    label: str

    def __new__(cls, value: str, label: str = ""):  # a label-less call is a look-up by value
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_text(cls, text: str):
        """Accept the stored value or the label, case-insensitively; raise ValueError naming the choices."""
        wanted = text.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        choices = ", ".join(member.value for member in cls)
        raise ValueError(f"'{text}' is not one of: {choices}")


class GuidanceProfile(LabelledEnum):
    DHR_2016 = "DHR-2016", "Domestic Homicide Review (2016 statutory guidance)"
    DARDR = "DARDR", "Domestic Abuse Related Death Review (Victims and Prisoners Act 2024)"


class Stage(LabelledEnum):
    """The stages of a review, in the order they normally happen (DOMAIN.md, 'The life of a review')."""

    NOTIFICATION = "notification", "Notification"
    DECISION = "decision", "Decision"
    COMMISSIONING = "commissioning", "Commissioning"
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    DRAFTING = "drafting", "Panel meetings and drafting"
    PARTNERSHIP_SIGNOFF = "partnership_signoff", "Partnership sign-off"
    HOME_OFFICE_QA = "home_office_qa", "Home Office quality assurance"
    PUBLICATION = "publication", "Publication"
    ACTION_PLAN_MONITORING = "action_plan_monitoring", "Action plan monitoring"
    CLOSED = "closed", "Closed"

    @property
    def is_open(self) -> bool:
        return self is not Stage.CLOSED


class Decision(LabelledEnum):
    REVIEW = "review", "Criteria met: review commissioned"
    NO_REVIEW = "no_review", "Criteria not met: no review"


class MilestoneKind(LabelledEnum):
    """Dated events recorded on a case; together with QA rounds and pauses they make its timeline."""

    DECISION = "decision", "Decision on whether to review"
    HOME_OFFICE_INFORMED = "home_office_informed", "Home Office informed of decision"
    SCOPING_COMPLETED = "scoping_completed", "Scoping completed"
    CHAIR_APPOINTED = "chair_appointed", "Independent chair appointed"
    TERMS_OF_REFERENCE_AGREED = "terms_of_reference_agreed", "Terms of Reference agreed"
    IMR_REQUESTED = "imr_requested", "IMR requested"
    IMR_RECEIVED = "imr_received", "IMR received"
    FAMILY_CONTACTED = "family_contacted", "Family contacted"
    PANEL_MEETING = "panel_meeting", "Panel meeting"
    DRAFT_REPORT = "draft_report", "Draft overview report"
    PARTNERSHIP_SIGNOFF = "partnership_signoff", "Partnership sign-off"
    ACTION_PLAN_COMPLETE = "action_plan_complete", "Action plan complete"
    CLOSED = "closed", "Case closed"
    REOPENED = "reopened", "Case re-opened"
    # DARDR (Victims and Prisoners Act 2024 s.19): after completion, not publication.
    COPY_TO_SECRETARY_OF_STATE = (
        "copy_to_secretary_of_state",
        "Report copied to the Secretary of State and the Domestic Abuse Commissioner",
    )


class QAOutcome(LabelledEnum):
    APPROVED = "approved", "Approved for publication"
    APPROVED_SUBJECT_TO_REVISIONS = "approved_subject_to_revisions", "May be published once listed revisions are made"
    RESUBMISSION_REQUIRED = "resubmission_required", "Resubmission required"


class ParallelProcessKind(LabelledEnum):
    CRIMINAL_TRIAL = "criminal_trial", "Criminal trial"
    INQUEST = "inquest", "Inquest"
    SAR = "sar", "Safeguarding Adults Review"
    CSPR = "cspr", "Child Safeguarding Practice Review"
    IOPC = "iopc", "IOPC investigation"
    MENTAL_HEALTH_HOMICIDE_REVIEW = "mental_health_homicide_review", "Mental health homicide review"
    OTHER = "other", "Other"


class ProcessStatus(LabelledEnum):
    PENDING = "pending", "Pending"
    ONGOING = "ongoing", "Ongoing"
    CONCLUDED = "concluded", "Concluded"


class ContactLevel(LabelledEnum):
    LEAD = "lead", "Lead contact"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    STEERING_GROUP_MEMBER = "steering_group_member", "DHR Steering Group member"
    CHIEF_OFFICER = "chief_officer", "Chief officer"


class AgencyKind(LabelledEnum):
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Social care"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    LOCAL_AUTHORITY = "local_authority", "District or borough council"
    HOUSING = "housing", "Housing association"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service", "Specialist domestic abuse service"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    GOVERNMENT_DEPARTMENT = "government_department", "Government department"
    OTHER = "other", "Other"


class RecommendationSource(LabelledEnum):
    OVERVIEW_REPORT = "overview_report", "Overview report"
    IMR = "imr", "Individual Management Review"


class Scope(LabelledEnum):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"


class RecommendationStatus(LabelledEnum):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED_AWAITING_EVIDENCE = "completed_awaiting_evidence", "Completed, awaiting evidence"
    IMPLEMENTED = "implemented", "Implemented and signed off"
    NOT_ACCEPTED = "not_accepted", "Not accepted"

    @property
    def is_open(self) -> bool:
        return self not in (RecommendationStatus.IMPLEMENTED, RecommendationStatus.NOT_ACCEPTED)


class ImplementationCategory(LabelledEnum):
    """The Domestic Abuse Commissioner's categories ("Learning from loss", 2025), in her order."""

    FULLY_IMPLEMENTED = "fully_implemented", "Fully implemented"
    ALREADY_HAPPENING = "already_happening", "Already happening"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
    NO_INFORMATION = "no_information", "No information"


class ThemeFacet(LabelledEnum):
    """The facets of the learning themes (DOMAIN.md, "Learning"): there is no single national taxonomy."""

    CASE_CHARACTERISTIC = "case_characteristic", "Case characteristic"
    DEATH_TYPE = "death_type", "Type of death"
    LEARNING = "learning", "Learning theme"
    SYSTEM_LEVEL = "system_level", "System level"


class DepartmentStep(LabelledEnum):
    """The trail of a national recommendation with its government department, in order."""

    SENT = "sent", "Sent to the department"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the department"
    ANSWERED = "answered", "Answered by the department"


class ContactMethod(LabelledEnum):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Secure e-mail"
    PHONE = "phone", "Telephone"
    MEETING = "meeting", "At a meeting"


class MeetingKind(LabelledEnum):
    KCSP = "kcsp", "Kent Community Safety Partnership"
    STEERING_GROUP = "steering_group", "DHR Steering Group"
    WORKING_GROUP = "working_group", "KCSP Working Group"


class AuditAction(LabelledEnum):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    REDACT = "redact", "Redacted"  # real names taken out of earlier entries (migration 0002)
    BASELINE = "baseline", "Baseline recorded"  # the state of a whole table, where it did not come through the app
    IMPORT = "import", "Archive imported"  # opens a new chain: names the archive and the head of its trail
