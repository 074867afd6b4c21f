"""The audit trail in sentences a coordinator reads: "Settled Kent Police's update request for recommendation 3".

The trail stores table and column names, ids and ISO dates (`security.audit`); this module turns an entry into a
sentence and its changes into "Field: old → new" with dd/mm/yyyy dates and the names of the agencies and
recommendations the ids point at. `describe` and `describe_changes` are pure; `AuditNames.load` reads the names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.vocabulary import (
    AuditAction,
    ContactMethod,
    Decision,
    GuidanceProfile,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    RecommendationSource,
    RecommendationStatus,
    Scope,
    Stage,
)
from dhr_tracker.wording import join_and

# What a recorded milestone is, as the object of "Recorded ...".
_MILESTONE_PHRASES = {
    MilestoneKind.DECISION: "the decision on whether to review",
    MilestoneKind.HOME_OFFICE_INFORMED: "that the Home Office was told of the decision",
    MilestoneKind.SCOPING_COMPLETED: "the end of scoping",
    MilestoneKind.CHAIR_APPOINTED: "the appointment of the independent chair",
    MilestoneKind.TERMS_OF_REFERENCE_AGREED: "the agreement of the Terms of Reference",
    MilestoneKind.IMR_REQUESTED: "the request for an IMR",
    MilestoneKind.IMR_RECEIVED: "the receipt of an IMR",
    MilestoneKind.FAMILY_CONTACTED: "contact with the family",
    MilestoneKind.PANEL_MEETING: "a panel meeting",
    MilestoneKind.DRAFT_REPORT: "the draft overview report",
    MilestoneKind.PARTNERSHIP_SIGNOFF: "partnership sign-off",
    MilestoneKind.ACTION_PLAN_COMPLETE: "the completion of the action plan",
    MilestoneKind.CLOSED: "the closing of the case",
    MilestoneKind.REOPENED: "the re-opening of the case",
}

# Labels of stored values, by (table, column) or column alone.
_ENUMS: dict[tuple[str, str] | str, type] = {
    "stage": Stage,
    "decision": Decision,
    "guidance_profile": GuidanceProfile,
    "scope": Scope,
    ("milestone", "kind"): MilestoneKind,
    ("parallel_process", "kind"): ParallelProcessKind,
    ("parallel_process", "status"): ProcessStatus,
    ("recommendation", "status"): RecommendationStatus,
    ("recommendation", "source"): RecommendationSource,
    ("qa_round", "outcome"): QAOutcome,
    ("escalation_action", "method"): ContactMethod,
}

# Columns people do not need to read: keys, bookkeeping times, links shown by name elsewhere.
_HIDDEN = {
    "id",
    "case_id",
    "created_at",
    "updated_at",
    "recorded_at",
    "produced_at",
    "file_sha256",
    "request_id",
    "round_id",
    "progress_update_id",
    "parallel_process_id",
    "meeting_id",
    "contact_id",
}

_FIELD_LABELS = {
    "csp_area_id": "CSP area",
    "agency_id": "Agency",
    "lead_agency_id": "Lead agency",
    "source_agency_id": "Source agency",
    "recommendation_id": "Recommendation",
    "occurred_on": "Date",
    "held_on": "Date",
    "feedback_reference": "Letter reference",
    "victim_real_name": "Victim's real name",
    "perpetrator_real_name": "Perpetrator's real name",
    "home_office_told_on": "Home Office told on",
    "signoff_minute_reference": "Sign-off minute reference",
}


@dataclass(frozen=True)
class AuditNames:
    """The names behind the ids an entry mentions (agencies, recommendations, areas, update requests)."""

    # Keyed by id; looked up with `_int(value)`, which is None for a value that is not an id (never a key).
    agencies: dict[int | None, str] = field(default_factory=dict)
    recommendations: dict[int | None, str] = field(default_factory=dict)  # id -> number
    areas: dict[int | None, str] = field(default_factory=dict)
    request_agencies: dict[int | None, int] = field(default_factory=dict)  # update request id -> agency id

    @classmethod
    def load(cls, session: Session, entries: Iterable[Any]) -> AuditNames:
        from dhr_tracker.model import Agency, CspArea, Recommendation, UpdateRequest

        entries = list(entries)
        request_ids = {_int(_value(e, "request_id")) for e in entries} | {
            _int(e.entity_id.split(",")[0]) for e in entries if e.entity == "update_request_item"
        }
        request_ids.discard(None)
        request_agencies: dict[int | None, int] = (
            dict(
                session.execute(
                    select(UpdateRequest.id, UpdateRequest.agency_id).where(UpdateRequest.id.in_(request_ids))
                ).all()
            )
            if request_ids
            else {}
        )
        return cls(
            agencies=dict(session.execute(select(Agency.id, Agency.name)).all()),
            recommendations=dict(
                session.execute(
                    select(Recommendation.id, Recommendation.number).where(
                        Recommendation.case_id.in_({e.case_id for e in entries if e.case_id is not None})
                    )
                ).all()
            ),
            areas=dict(session.execute(select(CspArea.id, CspArea.name)).all()),
            request_agencies=request_agencies,
        )

    def agency(self, agency_id: Any) -> str:
        return self.agencies.get(_int(agency_id), "an agency")

    def recommendation(self, recommendation_id: Any) -> str:
        number = self.recommendation_number(recommendation_id)
        return f"recommendation {number}" if number else "a recommendation"

    def recommendation_number(self, recommendation_id: Any) -> str:
        return self.recommendations.get(_int(recommendation_id), "")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _value(entry: Any, name: str) -> Any:
    """A column's value in an entry: the new value of a change, or the value recorded at creation."""
    change = entry.changes.get(name)
    if isinstance(change, list) and len(change) == 2:
        return change[1]
    return change


def _date(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10:
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def _label(table: str, column: str, value: Any) -> str:
    enum = _ENUMS.get((table, column)) or _ENUMS.get(column)
    if enum is not None and value is not None:
        try:
            return enum(value).label
        except ValueError:
            return str(value)
    return _date(value)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _milestone_phrase(entry: Any, names: AuditNames) -> str:
    try:
        kind = MilestoneKind(_value(entry, "kind"))
    except ValueError:
        return "a milestone"
    phrase = _MILESTONE_PHRASES.get(kind, kind.label.lower())
    agency = _value(entry, "agency_id")
    if agency is not None and kind in (MilestoneKind.IMR_REQUESTED, MilestoneKind.IMR_RECEIVED):
        phrase += (" from " if kind is MilestoneKind.IMR_RECEIVED else " of ") + names.agency(agency)
    return phrase


def describe(entry: Any, names: AuditNames | None = None) -> str:
    """One sentence saying what the entry recorded (an AuditView or anything with its attributes)."""
    names = names or AuditNames()
    table, action, changes = entry.entity, entry.action, entry.changes
    created, changed, deleted = (
        action is AuditAction.CREATE,
        action is AuditAction.UPDATE,
        action is AuditAction.DELETE,
    )
    on = lambda column: _date(_value(entry, column))  # noqa: E731 - a short local helper

    if table == "dhr_case":
        if created:
            return "Opened the case"
        if deleted:
            return "Deleted the case"
        if "decision" in changes and _value(entry, "decision"):
            return f"Recorded the decision “{_label(table, 'decision', _value(entry, 'decision'))}”"
        if "stage" in changes:
            return f"Moved the case to {_label(table, 'stage', _value(entry, 'stage'))}"
        return "Changed the case's " + join_and(
            _field_label(column).lower() for column in changes if column not in _HIDDEN
        )
    if table == "milestone":
        phrase = _milestone_phrase(entry, names)
        if created:
            return _dated(f"Recorded {phrase}", on("occurred_on"))
        return f"Removed the record of {phrase}" if deleted else f"Corrected the record of {phrase}"
    if table == "recommendation":
        subject = (
            names.recommendation(entry.entity_id)
            if not _value(entry, "number")
            else f"recommendation {_value(entry, 'number')}"
        )
        if created:
            return f"Added {subject}"
        if deleted:
            return f"Removed {subject}"
        if "status" in changes:
            return f"Set {subject} to “{_label(table, 'status', _value(entry, 'status'))}”"
        return f"Changed {subject}: " + join_and(
            (_field_label(c).lower() for c in changes if c not in _HIDDEN), empty="details"
        )
    if table == "progress_update":
        subject = names.recommendation(_value(entry, "recommendation_id"))
        received = on("received_on")
        if created:
            return f"Recorded an update on {subject}" + (f" received on {received}" if received else "")
        return f"Corrected an update on {subject}" if changed else f"Removed an update on {subject}"
    if table == "update_request_item":
        request_id, _, recommendation_id = entry.entity_id.partition(",")
        agency = names.agency(names.request_agencies.get(_int(request_id)))
        subject = names.recommendation(recommendation_id)
        if created:
            return f"Asked {agency} for an update on {subject}"
        if changed and _value(entry, "settled_on"):
            return f"Settled {_possessive(agency)} update request for {subject}"
        if changed and "settled_on" in changes:
            return f"Re-opened {_possessive(agency)} update request for {subject}"
        return f"Changed {_possessive(agency)} update request for {subject}"
    if table == "escalation_action":
        agency = names.agency(names.request_agencies.get(_int(_value(entry, "request_id"))))
        if created:
            return f"Recorded the level-{_value(entry, 'level')} escalation step for {agency} on {on('taken_on')}"
        return f"Changed an escalation step for {agency}"
    if table == "qa_round":
        number = _value(entry, "round_number")
        subject = f"Home Office QA round {number}" if number else "a Home Office QA round"
        if created:
            return _dated(f"Recorded the submission for {subject}", on("submitted_on"))
        if "outcome" in changes and _value(entry, "outcome"):
            return f"Recorded the outcome of {subject}: {_label(table, 'outcome', _value(entry, 'outcome'))}"
        return f"Updated {subject}"
    if table == "pause":
        if created:
            return f"Paused the case from {on('starts_on')}: {_value(entry, 'reason') or 'no reason given'}"
        if changed and _value(entry, "ends_on") and "ends_on" in changes:
            return f"Ended a pause on {on('ends_on')}"
        return "Removed a pause" if deleted else "Changed a pause"
    if table == "parallel_process":
        kind = _label(table, "kind", _value(entry, "kind")) or "parallel process"
        if created:
            return f"Recorded a parallel process: {kind}"
        return f"Removed a parallel process: {kind}" if deleted else "Updated a parallel process"
    if table == "publication":
        if created:
            return _dated("Recorded the publication", on("published_on"))
        return "Updated the publication details"
    what = table.replace("_", " ")
    return {
        AuditAction.CREATE: f"Added a {what}",
        AuditAction.UPDATE: f"Changed a {what}",
        AuditAction.DELETE: f"Removed a {what}",
    }.get(action, f"{action.label} {what}")


def _dated(sentence: str, day: str) -> str:
    return f"{sentence} on {day}" if day else sentence


def _field_label(column: str) -> str:
    return _FIELD_LABELS.get(column) or column.removesuffix("_id").replace("_", " ").capitalize()


def _shown_value(table: str, column: str, value: Any, names: AuditNames) -> str:
    if value is None or value == "":
        return "(empty)"
    if column in ("agency_id", "lead_agency_id", "source_agency_id"):
        return names.agency(value)
    if column == "csp_area_id":
        return names.areas.get(_int(value), "an area")
    if column == "recommendation_id":
        return names.recommendation_number(value) or "a recommendation"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _label(table, column, value)


def describe_changes(entry: Any, names: AuditNames | None = None) -> str:
    """'Settled on: (empty) → 03/02/2026; Note: … → …' for a change; the values recorded for a new record."""
    names = names or AuditNames()
    parts = []
    for column, change in entry.changes.items():
        if column in _HIDDEN:
            continue
        label = _field_label(column)
        if isinstance(change, list) and len(change) == 2 and entry.action is AuditAction.UPDATE:
            old, new = (_shown_value(entry.entity, column, value, names) for value in change)
            parts.append(f"{label}: {old} → {new}")
        elif isinstance(change, dict):
            added, removed = change.get("added", []), change.get("removed", [])
            if "agencies" in column:  # links to agencies are stored by id
                added, removed = [names.agency(i) for i in added], [names.agency(i) for i in removed]
            parts.append(
                f"{label}: "
                + "; ".join(
                    filter(
                        None,
                        (
                            f"added {', '.join(map(str, added))}" if added else "",
                            f"removed {', '.join(map(str, removed))}" if removed else "",
                        ),
                    )
                )
            )
        elif entry.action is AuditAction.CREATE and change not in (None, "", []):
            parts.append(f"{label}: {_shown_value(entry.entity, column, change, names)}")
    return "; ".join(parts)
