"""The events of a record file: for each, its fields and the validated service that records it.

Nothing here decides whether a fact may be recorded: each event is handed, with its values converted
(dates read by dhr_tracker.dates.parse_date, cases, recommendations and agencies looked up), to the same
service the desktop app calls, and that service's ValidationError is the refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dhr_tracker.actionplan.progress import add_progress_update
from dhr_tracker.actionplan.recommendations import add_recommendation, change_status, edit_recommendation
from dhr_tracker.casework.cases import create_case, update_case
from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.escalation.rounds import ReplyEntry, change_request_due_date, create_update_round, record_reply
from dhr_tracker.escalation.service import record_escalation_action
from dhr_tracker.lifecycle import services as lifecycle
from dhr_tracker.meetings.meetings import add_meeting, set_attendees
from dhr_tracker.record.fields import ATTENDEES, CHOICE, DATE, INTEGER, REPLY_UPDATES, TEXT, TEXTS, Field, did_you_mean
from dhr_tracker.record.lookups import Lookups
from dhr_tracker.vocabulary import (
    ContactMethod,
    Decision,
    GuidanceProfile,
    ImplementationCategory,
    MeetingKind,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    RecommendationSource,
    RecommendationStatus,
    Scope,
)


@dataclass(frozen=True)
class RecordEvent:
    """One event: its type and its values as written (text dates, names). `line` is its line in a file."""

    type: str
    values: dict[str, Any] = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class Applied:
    case: str  # the case reference, or "" for an event about no single case (a meeting, an update round)
    summary: str  # what was recorded, in words, with reference only (never a name of a person in the review)


@dataclass
class Context:
    session: Session
    today: dt.date
    lookups: Lookups


@dataclass(frozen=True)
class EventType:
    name: str
    title: str
    service: str
    fields: tuple[Field, ...]
    record: Callable[[Context, dict[str, Any]], Applied]

    def convert(self, values: dict[str, Any], today: dt.date) -> dict[str, Any]:
        """The values checked against the fields (unknown or missing fields, wrong kinds) and converted."""
        known = {f.name: f for f in self.fields}
        for name in values:
            if name not in known:
                hint = did_you_mean(name, list(known)).lower()
                raise ValidationError(
                    f"'{self.name}' has no field '{name}'.{hint} Its fields are: {', '.join(known)}.",
                    field=name,
                    rule="unknown_field",
                )
        converted: dict[str, Any] = {}
        for f in self.fields:
            value = values.get(f.name)
            if value is None or value == "":
                if f.required:
                    raise ValidationError(f"'{self.name}' needs '{f.name}' ({f.help}).", field=f.name, rule="required")
                converted[f.name] = None
                continue
            converted[f.name] = f.convert(value, today)
        return converted


CASE = Field("case", TEXT, "the case reference, e.g. DHR-2025-01", required=True)
NOTE = Field("note", TEXT, "a note")


def _text(value: str | None) -> str:
    return value or ""


# --- Cases and their life -------------------------------------------------------------------------

CASE_FIELDS = (
    Field("reference", TEXT, "the case reference: letters, digits, hyphens and slashes", required=True),
    Field("pseudonym", TEXT, "the agreed pseudonym", required=True),
    Field("notified_on", DATE, "the date the death was notified", required=True),
    Field("csp_area", TEXT, "the CSP area (required for a KCSP review)"),
    Field("date_of_death", DATE, "the date of death"),
    Field("commissioning_partnership", TEXT, "the commissioning partnership (default KCSP)"),
    Field("guidance_profile", CHOICE, "the guidance followed (default DHR-2016)", choices=GuidanceProfile),
    Field("independent_chair", TEXT, "the independent chair"),
    Field("notes", TEXT, "notes"),
    Field("victim_real_name", TEXT, "the victim's real name (kept only in the encrypted database)"),
    Field("perpetrator_real_name", TEXT, "the perpetrator's real name (kept only in the encrypted database)"),
)


def _case_created(ctx: Context, v: dict[str, Any]) -> Applied:
    case = create_case(ctx.session, today=ctx.today, **{k: value for k, value in v.items() if value is not None})
    return Applied(case.reference, f"case {case.reference} created, notified {format_date(case.notified_on)}")


def _case_changed(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v.pop("case"))
    if v.get("new_reference"):
        v["reference"] = v.pop("new_reference")
    v.pop("new_reference", None)
    changes = {k: value for k, value in v.items() if value is not None}
    update_case(ctx.session, case, today=ctx.today, **changes)
    return Applied(case.reference, f"case {case.reference} changed: {', '.join(sorted(changes)) or 'nothing'}")


def _milestone(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    agency = ctx.lookups.agency(v["agency"]) if v["agency"] else None
    milestone = lifecycle.record_milestone(
        ctx.session, case, v["kind"], v["on"], agency=agency, note=_text(v["note"]), today=ctx.today
    )
    return Applied(
        case.reference,
        f"{milestone.kind.label} on {format_date(milestone.occurred_on)}" + (f" ({agency.name})" if agency else ""),
    )


def _decision(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    lifecycle.record_decision(
        ctx.session,
        case,
        v["decision"],
        v["on"],
        home_office_informed_on=v["home_office_informed_on"],
        note=_text(v["reason"]),
        today=ctx.today,
    )
    return Applied(case.reference, f"decision '{v['decision'].value}' on {format_date(v['on'])}")


def _pause_start(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    process = ctx.lookups.parallel_process(case, v["parallel_process"]) if v["parallel_process"] else None
    pause = lifecycle.start_pause(
        ctx.session,
        case,
        _text(v["reason"]),
        v["on"],
        parallel_process=process,
        home_office_told_on=v["home_office_told_on"],
        ends_on=v["ends_on"],
        today=ctx.today,
    )
    ends = f" to {format_date(pause.ends_on)}" if pause.ends_on else ""
    return Applied(case.reference, f"paused from {format_date(pause.starts_on)}{ends}")


def _pause_end(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    pause = lifecycle.end_pause(
        ctx.session, case, v["on"], home_office_told_on=v["home_office_told_on"], today=ctx.today
    )
    return Applied(case.reference, f"pause from {format_date(pause.starts_on)} ended {format_date(pause.ends_on)}")


def _parallel_process(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    process = lifecycle.add_parallel_process(
        ctx.session,
        case,
        v["kind"],
        status=v["status"] or ProcessStatus.PENDING,
        started_on=v["started_on"],
        expected_end_on=v["expected_end_on"],
        concluded_on=v["concluded_on"],
        note=_text(v["note"]),
        today=ctx.today,
    )
    return Applied(case.reference, f"{process.kind.label} added ({process.status.value})")


def _parallel_process_changed(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    process = ctx.lookups.parallel_process(case, v["kind"])
    lifecycle.update_parallel_process(
        ctx.session,
        case,
        process,
        status=v["status"],
        started_on=v["started_on"],
        expected_end_on=v["expected_end_on"],
        concluded_on=v["concluded_on"],
        note=v["note"],
        today=ctx.today,
    )
    return Applied(case.reference, f"{process.kind.label} changed ({process.status.value})")


def _qa_submission(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    qa_round = lifecycle.record_qa_submission(ctx.session, case, v["on"], today=ctx.today)
    return Applied(
        case.reference, f"Home Office round {qa_round.round_number} submitted {format_date(qa_round.submitted_on)}"
    )


def _latest_round(case) -> int:
    if not case.qa_rounds:
        raise ValidationError(
            f"Case {case.reference} has no Home Office round yet; record the submission first.",
            field="round",
            rule="unknown_round",
        )
    return max(r.round_number for r in case.qa_rounds)


def _qa_outcome(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    number = v["round"] or _latest_round(case)
    qa_round = lifecycle.record_qa_feedback(
        ctx.session,
        case,
        number,
        outcome=v["outcome"],
        feedback_letter_on=v["letter_on"],
        panel_on=v["panel_on"],
        feedback_reference=_text(v["feedback_reference"]),
        revisions_listed=_text(v["revisions_listed"]),
        today=ctx.today,
    )
    outcome = qa_round.outcome.value if qa_round.outcome is not None else "no outcome"  # (the service sets it)
    return Applied(
        case.reference, f"Home Office round {number}: {outcome}, letter {format_date(qa_round.feedback_letter_on)}"
    )


def _revisions_made(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    number = v["round"] or _latest_round(case)
    lifecycle.record_revisions_made(ctx.session, case, number, v["on"], today=ctx.today)
    return Applied(case.reference, f"revisions for round {number} made {format_date(v['on'])}")


def _publication(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    publication = lifecycle.record_publication(
        ctx.session,
        case,
        v["on"],
        website_removal_on=v["website_removal_on"],
        sent_to_library_on=v["sent_to_library_on"],
        family_told_on=v["family_told_on"],
        sent_to_commissioner_on=v["sent_to_commissioner_on"],
        today=ctx.today,
    )
    return Applied(case.reference, f"published {format_date(publication.published_on)}")


def _case_closed(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    lifecycle.close_case(ctx.session, case, v["on"], note=_text(v["note"]), today=ctx.today)
    return Applied(case.reference, f"closed {format_date(v['on'])}")


def _case_reopened(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    lifecycle.reopen_case(ctx.session, case, v["on"], _text(v["reason"]), today=ctx.today)
    return Applied(case.reference, f"re-opened {format_date(v['on'])}")


# --- Recommendations and their updates ----------------------------------------------------------------

RECOMMENDATION_FIELDS = (
    Field("text", TEXT, "the recommendation as written in the report"),
    Field("lead_agency", TEXT, "the lead agency's name"),
    Field("scope", CHOICE, "local, regional or national (default local)", choices=Scope),
    Field("source", CHOICE, "overview_report or imr (default overview_report)", choices=RecommendationSource),
    Field("source_agency", TEXT, "with source imr: the agency whose IMR made it"),
    Field("supporting_agencies", TEXTS, "the supporting agencies' names"),
    Field("action", TEXT, "the action"),
    Field("key_milestones", TEXT, "key milestones"),
    Field("target_on", DATE, "the target date"),
    Field("outcome", TEXT, "the outcome"),
)


def _agency_values(ctx: Context, v: dict[str, Any]) -> dict[str, Any]:
    """Agency names looked up (with a suggestion for a near miss) before the service sees them."""
    if v.get("lead_agency"):
        v["lead_agency"] = ctx.lookups.agency(v["lead_agency"], "lead_agency")
    if v.get("source_agency"):
        v["source_agency"] = ctx.lookups.agency(v["source_agency"], "source_agency")
    if v.get("supporting_agencies") is not None:
        v["supporting_agencies"] = [
            ctx.lookups.agency(name, "supporting_agencies") for name in v["supporting_agencies"]
        ]
    return {k: value for k, value in v.items() if value is not None}


def _recommendation_added(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v.pop("case"))
    rec = add_recommendation(ctx.session, case, **_agency_values(ctx, v))
    return Applied(case.reference, f"recommendation {rec.number} added (lead {rec.lead_agency.name})")


def _recommendation_changed(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v.pop("case"))
    rec = ctx.lookups.recommendation(case, v.pop("number"))
    if v.get("new_number"):
        v["number"] = v["new_number"]
    v.pop("new_number", None)
    changes = _agency_values(ctx, v)
    edit_recommendation(ctx.session, rec, **changes)
    return Applied(case.reference, f"recommendation {rec.number} changed: {', '.join(sorted(changes)) or 'nothing'}")


def _recommendation_status(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    rec = ctx.lookups.recommendation(case, v["number"])
    change_status(
        ctx.session,
        rec,
        v["status"],
        on=v["on"],
        reason=_text(v["reason"]),
        outcome=v["outcome"],
        minute_reference=_text(v["minute_reference"]),
        today=ctx.today,
    )
    return Applied(case.reference, f"recommendation {rec.number} {rec.status.value} on {format_date(v['on'])}")


def _progress_update(ctx: Context, v: dict[str, Any]) -> Applied:
    case = ctx.lookups.case(v["case"])
    rec = ctx.lookups.recommendation(case, v["number"])
    corrects = None
    if v.get("corrects_received_on"):
        corrects = ctx.lookups.progress_update(rec, v["corrects_received_on"], v.get("corrects_contact_name"))
    update = add_progress_update(
        ctx.session,
        rec,
        received_on=v["on"],
        text=_text(v["text"]),
        contact_name=_text(v["contact_name"]),
        evidence_reference=_text(v["evidence_reference"]),
        corrects=corrects,
        today=ctx.today,
    )
    what = f"correction of the update of {format_date(corrects.received_on)}" if corrects else "progress update"
    return Applied(case.reference, f"recommendation {rec.number}: {what} received {format_date(update.received_on)}")


def _implementation_evidence(ctx: Context, v: dict[str, Any]) -> Applied:
    from dhr_tracker.learning.implementation import record_evidence

    case = ctx.lookups.case(v["case"])
    rec = ctx.lookups.recommendation(case, v["number"])
    record_evidence(
        ctx.session,
        rec,
        reference=_text(v["reference"]),
        seen_on=v["on"],
        checked_by=_text(v["checked_by"]),
        note=_text(v["note"]),
        today=ctx.today,
    )
    return Applied(case.reference, f"recommendation {rec.number}: evidence seen {format_date(v['on'])}")


def _implementation_assessment(ctx: Context, v: dict[str, Any]) -> Applied:
    from dhr_tracker.learning.implementation import assess

    case = ctx.lookups.case(v["case"])
    rec = ctx.lookups.recommendation(case, v["number"])
    assess(
        ctx.session,
        rec,
        v["category"],
        on=v["on"],
        by=_text(v["by"]),
        recheck_on=v["recheck_on"],
        note=_text(v["note"]),
        today=ctx.today,
    )
    return Applied(
        case.reference, f"recommendation {rec.number} assessed {v['category'].value} on {format_date(v['on'])}"
    )


UPDATE_FIELDS = (
    CASE,
    Field("number", TEXT, "the recommendation number", required=True),
    Field("on", DATE, "the date the update was received", required=True),
    Field("text", TEXT, "what the update says", required=True),
    Field("contact_name", TEXT, "who sent it", required=True),
    Field("evidence_reference", TEXT, "a reference to the evidence"),
)


# --- Update rounds, replies, escalation, meetings -----------------------------------------------------------


def _update_round(ctx: Context, v: dict[str, Any]) -> Applied:
    round_ = create_update_round(
        ctx.session,
        meeting_on=v["meeting_on"],
        requested_on=v["requested_on"],
        due_on=v["due_on"],
        note=_text(v["note"]),
    )
    ctx.session.refresh(round_, ["requests"])
    return Applied(
        "",
        f"update round for the meeting on {format_date(round_.meeting_on)}: "
        f"{len(round_.requests)} agencies asked, due {format_date(round_.due_on)}",
    )


def _reply(ctx: Context, v: dict[str, Any]) -> Applied:
    agency = ctx.lookups.agency(v["agency"])
    request = ctx.lookups.update_request(v["meeting_on"], agency)
    entries = []
    for item in v["updates"]:
        rec = ctx.lookups.recommendation(ctx.lookups.case(item["case"]), item["number"])
        entries.append(ReplyEntry(rec.id, item["text"], item.get("evidence_reference", "")))
    updates = record_reply(
        ctx.session,
        request,
        received_on=v["on"],
        entries=entries,
        contact_name=_text(v["contact_name"]),
        today=ctx.today,
    )
    return Applied("", f"reply from {agency.name} received {format_date(v['on'])}: {len(updates)} updates")


def _due_date_changed(ctx: Context, v: dict[str, Any]) -> Applied:
    agency = ctx.lookups.agency(v["agency"])
    request = ctx.lookups.update_request(v["meeting_on"], agency)
    change_request_due_date(ctx.session, request, v["due_on"])
    return Applied("", f"{agency.name}'s update now due {format_date(request.due_on)}")


def _escalation_action(ctx: Context, v: dict[str, Any]) -> Applied:
    agency = ctx.lookups.agency(v["agency"])
    request = ctx.lookups.update_request(v["meeting_on"], agency)
    action = record_escalation_action(
        ctx.session,
        request,
        level=v["level"],
        taken_on=v["on"],
        method=v["method"] or ContactMethod.LETTER,
        recipient=_text(v["recipient"]),
        note=_text(v["note"]),
        today=ctx.today,
    )
    return Applied("", f"escalation level {action.level} for {agency.name} taken {format_date(action.taken_on)}")


def _meeting(ctx: Context, v: dict[str, Any]) -> Applied:
    meeting = add_meeting(
        ctx.session,
        held_on=v["on"],
        agenda_item=_text(v["agenda_item"]),
        title=_text(v["title"]),
        location=_text(v["location"]),
        kind=v["kind"] or MeetingKind.KCSP,
        attendees=v["attendees"] or (),
    )
    return Applied(
        "", f"{meeting.kind.value} meeting on {format_date(meeting.held_on)} with {len(meeting.attendees)} attendees"
    )


def _meeting_attendees(ctx: Context, v: dict[str, Any]) -> Applied:
    meeting = ctx.lookups.meeting(v["on"], v["kind"] or MeetingKind.KCSP)
    set_attendees(ctx.session, meeting, v["attendees"])
    return Applied(
        "", f"{meeting.kind.value} meeting on {format_date(meeting.held_on)}: {len(meeting.attendees)} attendees"
    )


ROUND_AGENCY = (
    Field("meeting_on", DATE, "the date of the meeting the update round is for", required=True),
    Field("agency", TEXT, "the agency's name", required=True),
)
MEETING_KIND = Field("kind", CHOICE, "kcsp, steering_group or working_group (default kcsp)", choices=MeetingKind)

EVENTS: tuple[EventType, ...] = (
    EventType("case_created", "A case is notified", "casework.cases.create_case", CASE_FIELDS, _case_created),
    EventType(
        "case_changed",
        "A case's own facts corrected",
        "casework.cases.update_case",
        (
            CASE,
            Field("new_reference", TEXT, "a new reference"),
            *(Field(f.name, f.kind, f.help, False, f.choices) for f in CASE_FIELDS[1:]),
        ),
        _case_changed,
    ),
    EventType(
        "milestone",
        "A dated event in the review",
        "lifecycle.services.record_milestone",
        (
            CASE,
            Field("kind", CHOICE, "what happened", required=True, choices=MilestoneKind),
            Field("on", DATE, "the day it happened", required=True),
            Field("agency", TEXT, "for imr_requested and imr_received: the agency"),
            NOTE,
        ),
        _milestone,
    ),
    EventType(
        "decision",
        "The decision to review, or not",
        "lifecycle.services.record_decision",
        (
            CASE,
            Field("decision", CHOICE, "review or no_review", required=True, choices=Decision),
            Field("on", DATE, "the date of the decision", required=True),
            Field("home_office_informed_on", DATE, "the date the Home Office was told (required for no_review)"),
            Field("reason", TEXT, "the reason (recorded as the decision's note)"),
        ),
        _decision,
    ),
    EventType(
        "pause_start",
        "A pause begins",
        "lifecycle.services.start_pause",
        (
            CASE,
            Field("on", DATE, "the first day of the pause", required=True),
            Field("reason", TEXT, "why, e.g. awaiting the criminal trial", required=True),
            Field("home_office_told_on", DATE, "the date the Home Office was told"),
            Field("ends_on", DATE, "the end, if already known and past"),
            Field(
                "parallel_process",
                CHOICE,
                "the kind of the case's parallel process it waits for",
                choices=ParallelProcessKind,
            ),
        ),
        _pause_start,
    ),
    EventType(
        "pause_end",
        "The pause in force ends",
        "lifecycle.services.end_pause",
        (
            CASE,
            Field("on", DATE, "the last day of the pause", required=True),
            Field("home_office_told_on", DATE, "the date the Home Office was told"),
        ),
        _pause_end,
    ),
    EventType(
        "parallel_process",
        "A parallel process is added",
        "lifecycle.services.add_parallel_process",
        (
            CASE,
            Field("kind", CHOICE, "criminal_trial, inquest, sar, ...", required=True, choices=ParallelProcessKind),
            Field("status", CHOICE, "pending, ongoing or concluded (default pending)", choices=ProcessStatus),
            Field("started_on", DATE, "the start"),
            Field("expected_end_on", DATE, "the expected end"),
            Field("concluded_on", DATE, "the date it concluded"),
            NOTE,
        ),
        _parallel_process,
    ),
    EventType(
        "parallel_process_changed",
        "A parallel process changes",
        "lifecycle.services.update_parallel_process",
        (
            CASE,
            Field("kind", CHOICE, "which of the case's processes", required=True, choices=ParallelProcessKind),
            Field("status", CHOICE, "pending, ongoing or concluded", choices=ProcessStatus),
            Field("started_on", DATE, "the start"),
            Field("expected_end_on", DATE, "the expected end"),
            Field("concluded_on", DATE, "the date it concluded"),
            NOTE,
        ),
        _parallel_process_changed,
    ),
    EventType(
        "qa_submission",
        "Submitted to the Home Office QA Panel",
        "lifecycle.services.record_qa_submission",
        (CASE, Field("on", DATE, "the date of the submission", required=True)),
        _qa_submission,
    ),
    EventType(
        "qa_outcome",
        "The QA Panel and its feedback letter",
        "lifecycle.services.record_qa_feedback",
        (
            CASE,
            Field("round", INTEGER, "the round number (default: the latest)"),
            Field(
                "outcome",
                CHOICE,
                "approved, approved_subject_to_revisions or resubmission_required",
                required=True,
                choices=QAOutcome,
            ),
            Field("letter_on", DATE, "the date of the feedback letter", required=True),
            Field("panel_on", DATE, "the date of the QA Panel"),
            Field("feedback_reference", TEXT, "the letter's reference"),
            Field("revisions_listed", TEXT, "the revisions asked for (required for approved_subject_to_revisions)"),
        ),
        _qa_outcome,
    ),
    EventType(
        "revisions_made",
        "The listed revisions were made",
        "lifecycle.services.record_revisions_made",
        (
            CASE,
            Field("round", INTEGER, "the round number (default: the latest)"),
            Field("on", DATE, "the date they were made", required=True),
        ),
        _revisions_made,
    ),
    EventType(
        "publication",
        "The report is published",
        "lifecycle.services.record_publication",
        (
            CASE,
            Field("on", DATE, "the date of publication", required=True),
            Field(
                "website_removal_on", DATE, "when it comes off the website (default: the publication-months setting)"
            ),
            Field("sent_to_library_on", DATE, "sent to the DHR Library"),
            Field("family_told_on", DATE, "family told"),
            Field("sent_to_commissioner_on", DATE, "DARDR only: sent to the Domestic Abuse Commissioner"),
        ),
        _publication,
    ),
    EventType(
        "case_closed",
        "The case is closed",
        "lifecycle.services.close_case",
        (CASE, Field("on", DATE, "the date of closure", required=True), NOTE),
        _case_closed,
    ),
    EventType(
        "case_reopened",
        "The case is re-opened",
        "lifecycle.services.reopen_case",
        (
            CASE,
            Field("on", DATE, "the date of re-opening", required=True),
            Field("reason", TEXT, "why it was re-opened", required=True),
        ),
        _case_reopened,
    ),
    EventType(
        "recommendation_added",
        "A recommendation is added",
        "actionplan.recommendations.add_recommendation",
        (
            CASE,
            Field("number", TEXT, "its number, e.g. 1 or 3.2", required=True),
            *(
                Field(f.name, f.kind, f.help, f.name in ("text", "lead_agency"), f.choices)
                for f in RECOMMENDATION_FIELDS
            ),
        ),
        _recommendation_added,
    ),
    EventType(
        "recommendation_changed",
        "A recommendation's own facts change",
        "actionplan.recommendations.edit_recommendation",
        (
            CASE,
            Field("number", TEXT, "its number now", required=True),
            Field("new_number", TEXT, "a new number"),
            *RECOMMENDATION_FIELDS,
        ),
        _recommendation_changed,
    ),
    EventType(
        "recommendation_status",
        "A recommendation's status changes (accepted, sign-off, not accepted...)",
        "actionplan.recommendations.change_status",
        (
            CASE,
            Field("number", TEXT, "its number", required=True),
            Field("status", CHOICE, "the new status", required=True, choices=RecommendationStatus),
            Field("on", DATE, "the date of the change (for implemented: the sign-off meeting)", required=True),
            Field("reason", TEXT, "for not_accepted: why"),
            Field("minute_reference", TEXT, "for implemented: the Steering Group minute of the sign-off"),
            Field("outcome", TEXT, "for completed_awaiting_evidence or implemented: the outcome"),
        ),
        _recommendation_status,
    ),
    EventType(
        "implementation_evidence",
        "Evidence of a recommendation's implementation was seen (sign-off needs it)",
        "learning.implementation.record_evidence",
        (
            CASE,
            Field("number", TEXT, "the recommendation number", required=True),
            Field("reference", TEXT, "what the evidence is, e.g. an audit report's reference", required=True),
            Field("on", DATE, "the date it was seen", required=True),
            Field("checked_by", TEXT, "who checked it", required=True),
            NOTE,
        ),
        _implementation_evidence,
    ),
    EventType(
        "implementation_assessment",
        "A recommendation's implementation assessed in the Commissioner's categories",
        "learning.implementation.assess",
        (
            CASE,
            Field("number", TEXT, "the recommendation number", required=True),
            Field(
                "category",
                CHOICE,
                "fully_implemented, already_happening, partly_met, not_met or no_information",
                required=True,
                choices=ImplementationCategory,
            ),
            Field("on", DATE, "the date of the assessment", required=True),
            Field("by", TEXT, "who assessed it", required=True),
            Field("recheck_on", DATE, "when to look again"),
            NOTE,
        ),
        _implementation_assessment,
    ),
    EventType(
        "progress_update",
        "A progress update on a recommendation",
        "actionplan.progress.add_progress_update",
        UPDATE_FIELDS,
        _progress_update,
    ),
    EventType(
        "progress_correction",
        "A correction of an earlier progress update",
        "actionplan.progress.add_progress_update (corrects=...)",
        (
            *UPDATE_FIELDS,
            Field("corrects_received_on", DATE, "the received date of the update it corrects", required=True),
            Field("corrects_contact_name", TEXT, "who sent the update it corrects (when several came that day)"),
        ),
        _progress_update,
    ),
    EventType(
        "update_round",
        "Agencies are asked for updates ahead of a meeting",
        "escalation.rounds.create_update_round",
        (
            Field("meeting_on", DATE, "the date of the meeting", required=True),
            Field("requested_on", DATE, "the date the requests are sent", required=True),
            Field("due_on", DATE, "the date updates are due", required=True),
            NOTE,
        ),
        _update_round,
    ),
    EventType(
        "reply",
        "An agency replies to an update round",
        "escalation.rounds.record_reply",
        (
            *ROUND_AGENCY,
            Field("on", DATE, "the date the reply was received", required=True),
            Field("contact_name", TEXT, "who sent it", required=True),
            Field(
                "updates",
                REPLY_UPDATES,
                "one entry per recommendation: case, number, text, evidence_reference",
                required=True,
            ),
        ),
        _reply,
    ),
    EventType(
        "due_date_changed",
        "An agency is given a new due date",
        "escalation.rounds.change_request_due_date",
        (*ROUND_AGENCY, Field("due_on", DATE, "the new due date", required=True)),
        _due_date_changed,
    ),
    EventType(
        "escalation_action",
        "A step on the escalation ladder was taken",
        "escalation.service.record_escalation_action",
        (
            *ROUND_AGENCY,
            Field("level", INTEGER, "the ladder level", required=True),
            Field("on", DATE, "the date it was taken", required=True),
            Field("method", CHOICE, "letter, email, phone or meeting (default letter)", choices=ContactMethod),
            Field("recipient", TEXT, "to whom (default: the agency's contact at that level)"),
            NOTE,
        ),
        _escalation_action,
    ),
    EventType(
        "meeting",
        "A meeting (KCSP, Steering Group, Working Group)",
        "meetings.meetings.add_meeting",
        (
            Field("on", DATE, "the date of the meeting", required=True),
            MEETING_KIND,
            Field("agenda_item", TEXT, "the agenda item of the DHR update"),
            Field("title", TEXT, "the title"),
            Field("location", TEXT, "where"),
            Field("attendees", ATTENDEES, "who attends: name and organisation"),
        ),
        _meeting,
    ),
    EventType(
        "meeting_attendees",
        "A meeting's attendee list replaced",
        "meetings.meetings.set_attendees",
        (
            Field("on", DATE, "the date of the meeting", required=True),
            MEETING_KIND,
            Field("attendees", ATTENDEES, "who attends, in order", required=True),
        ),
        _meeting_attendees,
    ),
)
EVENT_TYPES: dict[str, EventType] = {event.name: event for event in EVENTS}
