"""The "record this" steps of a case, each a ServiceDialog over one core service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dhr_tracker.actionplan.progress import add_progress_update
from dhr_tracker.actionplan.recommendations import (
    TRANSITIONS,
    add_recommendation,
    change_status,
    edit_recommendation,
    get_recommendation,
)
from dhr_tracker.actionplan.records import StoredRecommendation, editable_fields, get_stored_recommendation
from dhr_tracker.casework.cases import get_case
from dhr_tracker.casework.records import get_parallel_process
from dhr_tracker.lifecycle.services import (
    add_parallel_process,
    close_case,
    end_pause,
    record_decision,
    record_milestone,
    record_publication,
    record_qa_feedback,
    record_qa_submission,
    record_revisions_made,
    reopen_case,
    start_pause,
    update_parallel_process,
)
from dhr_tracker.reference_lists import list_agencies
from dhr_tracker.storage.versions import refuse_if_changed_since
from dhr_tracker.vocabulary import (
    Decision,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    RecommendationSource,
    RecommendationStatus,
    Scope,
)
from ui.screens.case.learning_tab import show_similar
from ui.screens.service_dialog import CHOICE, DATE, MULTILINE, FieldSpec, ServiceDialog

if TYPE_CHECKING:
    from ui.screens.case.screen import CaseScreen

# Events recorded with the generic milestone step (the others have their own step).
GENERAL_MILESTONES = [
    kind for kind in MilestoneKind if kind not in (MilestoneKind.DECISION, MilestoneKind.CLOSED, MilestoneKind.REOPENED)
]


def _dialog(screen: CaseScreen, title: str, fields, save, after=None, **kwargs) -> ServiceDialog:  # noqa: ANN001
    dialog = ServiceDialog(screen.context, title, fields, save, source=screen, parent=screen, **kwargs)
    dialog.saved.connect(lambda _result: screen.refresh())
    if after is not None:
        dialog.saved.connect(after)
    screen.open_dialog(dialog)
    return dialog


def decision_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Record the decision",
        [
            FieldSpec("decision", "&Decision:", CHOICE, choices=[(d.label, d) for d in Decision]),
            FieldSpec("decided_on", "Decided &on:", DATE, default=today),
            FieldSpec(
                "home_office_informed_on",
                "&Home Office informed on:",
                DATE,
                help_text="Needed for a decision not to review, which closes the case.",
            ),
            FieldSpec("note", "&Note:"),
        ],
        lambda session, v: (
            record_decision(
                session,
                get_case(session, case_id),
                v["decision"],
                v["decided_on"],
                home_office_informed_on=v["home_office_informed_on"],
                note=v["note"],
                today=today,
            ).id
        ),
        intro="The partnership's decision on whether the criteria for a review are met.",
    )


def milestone_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    agencies = [("(no agency)", None)] + [
        (name, name) for name in screen.context.read(lambda session: [agency.name for agency in list_agencies(session)])
    ]
    return _dialog(
        screen,
        "Record an event",
        [
            FieldSpec("kind", "&Event:", CHOICE, choices=[(k.label, k) for k in GENERAL_MILESTONES]),
            FieldSpec("occurred_on", "&Date:", DATE, default=today),
            FieldSpec("agency", "&Agency:", CHOICE, choices=agencies, help_text="For IMRs requested or received."),
            FieldSpec("note", "&Note:"),
        ],
        lambda session, v: (
            record_milestone(
                session,
                get_case(session, case_id),
                v["kind"],
                v["occurred_on"],
                agency=v["agency"],
                note=v["note"],
                today=today,
            ).id
        ),
    )


def close_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Close the case",
        [
            FieldSpec("closed_on", "&Closed on:", DATE, default=today),
            FieldSpec("note", "&Note:"),
        ],
        lambda session, v: (
            close_case(session, get_case(session, case_id), v["closed_on"], note=v["note"], today=today).id
        ),
    )


def reopen_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Re-open the case",
        [
            FieldSpec("reopened_on", "&Re-opened on:", DATE, default=today),
            FieldSpec("reason", "Re&ason:"),
        ],
        lambda session, v: (
            reopen_case(session, get_case(session, case_id), v["reopened_on"], v["reason"], today=today).id
        ),
    )


def qa_submission_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Submit to the Home Office QA Panel",
        [
            FieldSpec("submitted_on", "&Submitted on:", DATE, default=today),
        ],
        lambda session, v: record_qa_submission(session, get_case(session, case_id), v["submitted_on"], today=today).id,
    )


def qa_feedback_dialog(screen: CaseScreen, round_number: int) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        f"Home Office feedback (round {round_number})",
        [
            FieldSpec("outcome", "&Outcome:", CHOICE, choices=[(o.label, o) for o in QAOutcome]),
            FieldSpec("feedback_letter_on", "&Letter dated:", DATE, default=today),
            FieldSpec("panel_on", "&Panel met on:", DATE),
            FieldSpec("feedback_reference", "Letter &reference:"),
            FieldSpec("revisions_listed", "Re&visions listed:", MULTILINE),
        ],
        lambda session, v: record_qa_feedback(session, get_case(session, case_id), round_number, today=today, **v).id,
    )


def revisions_dialog(screen: CaseScreen, round_number: int) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        f"Revisions made (round {round_number})",
        [
            FieldSpec("made_on", "&Made on:", DATE, default=today, aliases=("revisions_made_on",)),
        ],
        lambda session, v: (
            record_revisions_made(session, get_case(session, case_id), round_number, v["made_on"], today=today).id
        ),
    )


def publication_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Record publication",
        [
            FieldSpec("published_on", "&Published on:", DATE, default=today),
            FieldSpec(
                "website_removal_on",
                "&Remove from the website on:",
                DATE,
                help_text="Leave empty for the default period after publication.",
            ),
            FieldSpec("sent_to_library_on", "Sent to the DHR &Library on:", DATE),
            FieldSpec("family_told_on", "&Family told on:", DATE),
            FieldSpec("sent_to_commissioner_on", "Sent to the Domestic Abuse &Commissioner on:", DATE),
        ],
        lambda session, v: (
            record_publication(session, get_case(session, case_id), v.pop("published_on"), today=today, **v).id
        ),
    )


def process_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Add a parallel process",
        [
            FieldSpec("kind", "&Process:", CHOICE, choices=[(k.label, k) for k in ParallelProcessKind]),
            FieldSpec("status", "&Status:", CHOICE, choices=[(s.label, s) for s in ProcessStatus]),
            FieldSpec("started_on", "S&tarted on:", DATE),
            FieldSpec("expected_end_on", "&Expected to end on:", DATE),
            FieldSpec("concluded_on", "&Concluded on:", DATE),
            FieldSpec("note", "&Note:"),
        ],
        lambda session, v: (
            add_parallel_process(session, get_case(session, case_id), v.pop("kind"), today=today, **v).id
        ),
    )


def change_process_dialog(screen: CaseScreen, process) -> ServiceDialog:  # noqa: ANN001 - a ProcessRow
    case_id, today, process_id = screen.case_id, screen.context.today(), process.id
    current = next((s for s in ProcessStatus if s.label == process.status), ProcessStatus.PENDING)
    return _dialog(
        screen,
        f"Update: {process.kind}",
        [
            FieldSpec("status", "&Status:", CHOICE, choices=[(s.label, s) for s in ProcessStatus], default=current),
            FieldSpec("started_on", "S&tarted on:", DATE, default=process.started_on),
            FieldSpec("expected_end_on", "&Expected to end on:", DATE, default=process.expected_end_on),
            FieldSpec("concluded_on", "&Concluded on:", DATE, default=process.concluded_on),
            FieldSpec("note", "&Note:", default=process.note),
        ],
        lambda session, v: (
            update_parallel_process(
                session,
                get_case(session, case_id),
                get_parallel_process(session, get_case(session, case_id), process_id),
                today=today,
                **v,
            ).id
        ),
    )


def pause_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "Pause the review",
        [
            FieldSpec("reason", "&Reason:", help_text="For example: awaiting the criminal trial."),
            FieldSpec("starts_on", "&From:", DATE, default=today),
            FieldSpec("home_office_told_on", "&Home Office told on:", DATE),
        ],
        lambda session, v: (
            start_pause(
                session,
                get_case(session, case_id),
                v["reason"],
                v["starts_on"],
                home_office_told_on=v["home_office_told_on"],
                today=today,
            ).id
        ),
    )


def end_pause_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id, today = screen.case_id, screen.context.today()
    return _dialog(
        screen,
        "End the pause",
        [
            FieldSpec("ends_on", "&Ended on:", DATE, default=today),
            FieldSpec("home_office_told_on", "&Home Office told on:", DATE),
        ],
        lambda session, v: (
            end_pause(
                session,
                get_case(session, case_id),
                v["ends_on"],
                home_office_told_on=v["home_office_told_on"],
                today=today,
            ).id
        ),
    )


def recommendation_dialog(screen: CaseScreen) -> ServiceDialog:
    case_id = screen.case_id
    agencies = screen.context.read(lambda session: [agency.name for agency in list_agencies(session)])
    next_number = str(len(screen.detail.recommendations) + 1) if screen.detail else "1"
    return _dialog(
        screen,
        "Add a recommendation",
        [
            FieldSpec("number", "N&umber:", default=next_number),
            FieldSpec("text", "&Recommendation:", MULTILINE),
            FieldSpec("scope", "&Scope:", CHOICE, choices=[(s.label, s) for s in Scope]),
            FieldSpec("lead_agency", "&Lead agency:", CHOICE, choices=[(name, name) for name in agencies]),
            FieldSpec("source", "S&ource:", CHOICE, choices=[(s.label, s) for s in RecommendationSource]),
            FieldSpec(
                "source_agency",
                "&IMR agency:",
                CHOICE,
                choices=[("(not from an IMR)", None)] + [(n, n) for n in agencies],
            ),
            FieldSpec("action", "&Action to take:", MULTILINE),
            FieldSpec("target_on", "&Target date:", DATE),
        ],
        lambda session, v: add_recommendation(session, get_case(session, case_id), **v).id,
        after=lambda rec_id: show_similar(screen, rec_id),
    )  # recommendations made before, from other reviews


def _edit_recommendation(session, rec_id: int, opened: StoredRecommendation, values) -> int:  # noqa: ANN001
    """A colleague's change to what the dialog edits, since it opened, stops the save (a team database has several writers)."""
    rec = get_recommendation(session, rec_id)
    refuse_if_changed_since(session, rec, opened.row_version, opened.editable, editable_fields(rec))
    return edit_recommendation(session, rec, **values).id


def edit_recommendation_dialog(screen: CaseScreen, rec) -> ServiceDialog:  # noqa: ANN001 - a RecommendationRow
    agencies = screen.context.read(lambda session: [agency.name for agency in list_agencies(session)])
    rec_id = rec.id
    opened = screen.context.read(lambda session: get_stored_recommendation(session, rec_id))
    scope = next((s for s in Scope if s.label == rec.scope), Scope.LOCAL)
    return _dialog(
        screen,
        f"Edit recommendation {rec.number}",
        [
            FieldSpec("number", "N&umber:", default=rec.number),
            FieldSpec("text", "&Recommendation:", MULTILINE, default=rec.text),
            FieldSpec("scope", "&Scope:", CHOICE, choices=[(s.label, s) for s in Scope], default=scope),
            FieldSpec(
                "lead_agency",
                "&Lead agency:",
                CHOICE,
                choices=[(name, name) for name in agencies],
                default=rec.lead_agency,
            ),
            FieldSpec("action", "&Action to take:", MULTILINE, default=rec.action),
            FieldSpec("target_on", "&Target date:", DATE, default=rec.target_on),
        ],
        lambda session, v: _edit_recommendation(session, rec_id, opened, v),
        intro="Its status and updates are changed with their own steps; every change is kept in the audit trail.",
    )


def status_dialog(screen: CaseScreen, rec_id: int, current: RecommendationStatus) -> ServiceDialog:
    today = screen.context.today()
    moves = TRANSITIONS.get(current, ())
    return _dialog(
        screen,
        "Change the status",
        [
            FieldSpec("status", "&New status:", CHOICE, choices=[(s.label, s) for s in moves]),
            FieldSpec("on", "&On:", DATE, default=today),
            FieldSpec("reason", "&Reason (if not accepted):"),
            FieldSpec("minute_reference", "Steering Group &minute (if signed off):"),
        ],
        lambda session, v: (
            change_status(
                session,
                get_recommendation(session, rec_id),
                v["status"],
                on=v["on"],
                reason=v["reason"],
                minute_reference=v["minute_reference"],
                today=today,
            ).id
        ),
        intro=f"Now: {current.label}. " + ("No further move is possible." if not moves else ""),
    )


def update_dialog(screen: CaseScreen, rec_id: int) -> ServiceDialog:
    today = screen.context.today()
    return _dialog(
        screen,
        "Record a progress update",
        [
            FieldSpec("received_on", "&Received on:", DATE, default=today),
            FieldSpec("contact_name", "&From:", help_text="The person at the agency who sent it."),
            FieldSpec("text", "&Update:", MULTILINE),
            FieldSpec("evidence_reference", "&Evidence reference:"),
        ],
        lambda session, v: add_progress_update(session, get_recommendation(session, rec_id), today=today, **v).id,
    )
