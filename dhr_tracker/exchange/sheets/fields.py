"""What can be imported: the fields of a cases sheet and of a recommendations sheet, with the header
names trackers commonly use for each (for the automatic guess of columns)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class SheetKind(StrEnum):
    CASES = "cases"
    RECOMMENDATIONS = "recommendations"

    @property
    def label(self) -> str:
        return "Cases" if self is SheetKind.CASES else "Recommendations"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    kind: str = "text"  # text, date, agency, agencies, area, choice, completion
    headers: tuple[str, ...] = ()
    real_name: bool = False  # never quoted in a report


CASE_FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        "Case reference",
        True,
        headers=(
            "reference",
            "ref",
            "case reference",
            "case ref",
            "dhr reference",
            "dhr ref",
            "dhr number",
            "dhr no",
            "case number",
            "case no",
            "case id",
            "dhr",
            "review reference",
            "dhr case reference",
        ),
    ),
    Field(
        "pseudonym",
        "Agreed pseudonym",
        True,
        headers=("pseudonym", "agreed pseudonym", "pseudonym agreed", "victim pseudonym", "case name", "pseudonyms"),
    ),
    Field(
        "victim_real_name",
        "Victim's real name",
        real_name=True,
        headers=(
            "victim",
            "victim name",
            "name of victim",
            "victim real name",
            "victims name",
            "deceased",
            "deceased name",
            "name of deceased",
            "victim full name",
        ),
    ),
    Field(
        "perpetrator_real_name",
        "Perpetrator's real name",
        real_name=True,
        headers=(
            "perpetrator",
            "perpetrator name",
            "name of perpetrator",
            "perpetrator real name",
            "alleged perpetrator",
            "perpetrators name",
            "perpetrator full name",
        ),
    ),
    Field(
        "notified_on",
        "Date notified",
        True,
        "date",
        headers=(
            "date notified",
            "notified",
            "notified on",
            "notification date",
            "date of notification",
            "date referred",
            "referral date",
            "date received",
            "notification received",
            "date notification received",
        ),
    ),
    Field(
        "date_of_death",
        "Date of death",
        kind="date",
        headers=("date of death", "dod", "death date", "date of homicide", "date of incident", "date died"),
    ),
    Field(
        "decision_on",
        "Date of decision to review",
        kind="date",
        headers=(
            "decision date",
            "date of decision",
            "date decision made",
            "decision to review",
            "date dhr agreed",
            "date of decision to review",
            "decision made",
        ),
    ),
    Field(
        "home_office_informed_on",
        "Date Home Office told",
        kind="date",
        headers=(
            "home office told",
            "home office informed",
            "date home office told",
            "date home office informed",
            "ho told",
            "ho informed",
            "date ho informed",
            "home office notified",
            "date ho notified",
        ),
    ),
    Field(
        "csp_area",
        "CSP area",
        kind="area",
        headers=("csp", "csp area", "area", "district", "community safety partnership", "csp district", "local csp"),
    ),
    Field(
        "commissioning_partnership",
        "Commissioning partnership",
        headers=("commissioning partnership", "commissioned by", "commissioner", "partnership", "lead partnership"),
    ),
    Field(
        "guidance_profile",
        "Guidance profile",
        kind="choice",
        headers=("guidance", "guidance profile", "review type", "type of review"),
    ),
    Field("stage", "Stage", kind="choice", headers=("stage", "current stage", "review stage", "status", "position")),
    Field(
        "independent_chair",
        "Independent chair",
        headers=(
            "chair",
            "independent chair",
            "chair author",
            "chair and author",
            "independent chair and author",
            "author",
        ),
    ),
    Field("notes", "Notes", headers=("notes", "comments", "comment", "remarks", "update", "latest update")),
)

RECOMMENDATION_FIELDS: tuple[Field, ...] = (
    Field(
        "case_reference",
        "Case reference",
        True,
        headers=(
            "case reference",
            "case ref",
            "dhr reference",
            "dhr ref",
            "reference",
            "ref",
            "dhr",
            "case",
            "dhr number",
            "dhr no",
            "review reference",
        ),
    ),
    Field(
        "number",
        "Recommendation number",
        headers=(
            "no",
            "number",
            "rec no",
            "rec number",
            "recommendation number",
            "recommendation no",
            "rec",
            "item",
            "item no",
            "rec ref",
            "recommendation ref",
        ),
    ),
    Field(
        "text",
        "Recommendation",
        True,
        headers=("recommendation", "recommendations", "recommendation text", "the recommendation"),
    ),
    Field(
        "scope",
        "Scope",
        kind="choice",
        headers=("scope", "local regional national", "scope local regional national", "level"),
    ),
    Field(
        "action",
        "Action to take",
        headers=("action", "actions", "action to take", "action to be taken", "actions to take", "proposed action"),
    ),
    Field(
        "lead_agency",
        "Lead agency",
        True,
        "agency",
        headers=(
            "lead agency",
            "lead",
            "agency",
            "responsible agency",
            "lead organisation",
            "organisation",
            "lead partner",
        ),
    ),
    Field(
        "supporting_agencies",
        "Supporting agencies",
        kind="agencies",
        headers=(
            "supporting agencies",
            "supporting agency",
            "partner agencies",
            "other agencies",
            "supporting organisations",
        ),
    ),
    Field(
        "key_milestones",
        "Key milestones achieved",
        headers=("key milestones", "key milestones achieved", "milestones", "milestones achieved"),
    ),
    Field(
        "target_on",
        "Target date",
        kind="date",
        headers=("target date", "target", "due date", "deadline", "target completion date", "timescale"),
    ),
    Field(
        "completed_on",
        "Date of completion",
        kind="date",
        headers=("date of completion", "completion date", "date completed", "completed on", "completed"),
    ),
    Field(
        "completion_and_outcome",
        "Date of completion and outcome",
        kind="completion",
        headers=("date of completion and outcome", "completion date and outcome", "date completed and outcome"),
    ),
    Field("outcome", "Outcome", headers=("outcome", "outcomes", "outcome achieved", "evidence of outcome")),
    Field(
        "status",
        "Status",
        kind="choice",
        headers=("status", "current status", "progress", "recommendation status", "position"),
    ),
    Field(
        "source",
        "Source",
        kind="choice",
        headers=("source", "source of recommendation", "from", "overview or imr", "recommendation source"),
    ),
    Field(
        "source_agency",
        "IMR agency",
        kind="agency",
        headers=("imr agency", "source agency", "imr author agency", "imr"),
    ),
    Field(
        "status_changed_on",
        "Status changed on",
        kind="date",
        headers=("status date", "status changed", "date of status"),
    ),
    Field(
        "signed_off_on",
        "Signed off on",
        kind="date",
        headers=("signed off", "signed off on", "date signed off", "sign off date", "signoff date", "date of sign off"),
    ),
    Field(
        "signoff_minute_reference",
        "Sign-off minute reference",
        headers=(
            "minute reference",
            "minute ref",
            "sign off minute",
            "sign off minute reference",
            "steering group minute",
            "minute",
        ),
    ),
    Field(
        "not_accepted_reason",
        "Reason not accepted",
        headers=("reason not accepted", "reason for not accepting", "not accepted reason", "reason"),
    ),
    # The evidence a sign-off rests on (a signed-off recommendation is refused without it, as in the app).
    Field(
        "evidence_reference",
        "Evidence reference",
        headers=("evidence reference", "evidence ref", "evidence seen", "evidence of implementation"),
    ),
    Field(
        "evidence_seen_on",
        "Evidence seen on",
        kind="date",
        headers=("evidence seen on", "date evidence seen", "evidence date", "date of evidence"),
    ),
    Field(
        "evidence_checked_by", "Evidence checked by", headers=("evidence checked by", "checked by", "evidence checked")
    ),
)

FIELDS: dict[SheetKind, tuple[Field, ...]] = {
    SheetKind.CASES: CASE_FIELDS,
    SheetKind.RECOMMENDATIONS: RECOMMENDATION_FIELDS,
}
FIELD_BY_KEY: dict[SheetKind, dict[str, Field]] = {kind: {f.key: f for f in fields} for kind, fields in FIELDS.items()}


def normalise_header(value: object) -> str:
    """Compare headers loosely: case, spacing, punctuation and line breaks do not matter ('Date  Notified:' = 'date notified')."""
    if value is None:
        return ""
    text = str(value).casefold().replace("&", " and ")
    text = re.sub(r"['\u2019]", "", text)  # victim's -> victims
    return " ".join(re.sub(r"[^\w#]+", " ", text).split())


def normalise_name(value: object) -> str:
    """Compare agency and area names loosely: case, spacing, '&' for 'and' and full stops do not matter."""
    text = str(value).casefold().replace("&", " and ").replace("\u2019", "'")
    return " ".join(re.sub(r"[.,]", " ", text).split())
