"""`record FILE`: apply a file of events (JSON Lines, docs/record-format.md) all or nothing; and the few
commands a coordinator types at a terminal (milestone, decision, pause, qa, publish, update, recommendation),
each of which builds one event and records it the same way."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dhr_tracker.cli.common import add_database_arguments, open_from_args
from dhr_tracker.cli.date_options import DATE_FORMS_HELP, DATE_METAVAR, date_option
from dhr_tracker.errors import UserError
from dhr_tracker.record import RecordEvent, RecordRefused, read_events
from dhr_tracker.record.transaction import record_events
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.vocabulary import Decision, MilestoneKind, QAOutcome, RecommendationStatus


def register(subparsers: argparse._SubParsersAction) -> None:
    record = subparsers.add_parser(
        "record",
        help="record the events in a JSON Lines file (see docs/record-format.md), all or nothing",
        description="Record every event in FILE through the app's own checks, in one transaction: if any event is "
        "refused, nothing is recorded and the message names its line and rule. The format (one JSON object per "
        f"line) is in docs/record-format.md; every date is {DATE_FORMS_HELP}.",
    )
    record.add_argument("file", metavar="FILE", help="the events, one JSON object per line; - reads standard input")
    add_database_arguments(record)
    record.add_argument("--dry-run", action="store_true", help="check every event, then record nothing")
    record.add_argument(
        "--report", type=Path, metavar="CSV", help="write what happened to each line to this new CSV file"
    )
    record.set_defaults(run=run_record)
    _register_terminal_commands(subparsers)


# --- record FILE ---------------------------------------------------------------------------------------------


def _read_lines(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(name).read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{name} is not UTF-8 text. Save it as UTF-8 (JSON Lines, one event per line).") from None
    except OSError as error:
        raise UserError(f"Cannot read {name}: {error.strerror or error}.") from None


def run_record(args: argparse.Namespace) -> int:
    source = "standard input" if args.file == "-" else args.file
    if args.report is not None and args.report.exists():
        raise UserError(f"{args.report} already exists. Choose a new name for the report; it never overwrites a file.")
    events = read_events(_read_lines(args.file))
    if not events:
        raise UserError(f"{source} holds no events. Each line should be one JSON object, see docs/record-format.md.")
    with open_from_args(args) as database:
        try:
            run = record_events(database, events, dry_run=args.dry_run, report=args.report)
        except RecordRefused as refused:
            raise UserError(f"{refused} Nothing from {source} was recorded.") from None
    lines = f"lines {events[0].line}-{events[-1].line}" if len(events) > 1 else f"line {events[0].line}"
    if args.dry_run:
        print(f"Dry run: {_events(run.recorded)} in {source} ({lines}) would be recorded. Nothing was saved.")
    else:
        print(f"Recorded {_events(run.recorded)} from {source} ({lines}) in one transaction.")
    if args.report:
        print(f"Report: {args.report}")
    return 0


def _events(count: int) -> str:
    return "1 event" if count == 1 else f"all {count} events"


# --- Commands for a person at a terminal -----------------------------------------------------------------


def _record_one(args: argparse.Namespace, event_type: str, values: dict[str, Any]) -> int:
    event = RecordEvent(event_type, {key: value for key, value in values.items() if value not in (None, "")})
    with open_from_args(args) as database:
        try:
            run = record_events(database, [event], dry_run=args.dry_run)
        except RecordRefused as refused:
            raise UserError(f"Refused (rule {refused.rule}): {refused.reason} Nothing was recorded.") from None
        with database.session() as session:
            outcome = run.outcomes[0]
            RealNameGuard.from_session(session).check([outcome.detail], where="command output")
    prefix = "Would record (dry run, nothing saved)" if args.dry_run else "Recorded"
    print(f"{prefix}: {outcome.case + ' ' if outcome.case else ''}{outcome.detail}.")
    return 0


def _command(
    group: argparse._SubParsersAction, name: str, help: str, event_type: str, build
) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help)
    add_database_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="check it, then record nothing")
    parser.set_defaults(run=lambda args: _record_one(args, event_type, build(args)))
    return parser


def _reference(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the case reference, e.g. DHR-2025-03")


def _on(parser: argparse.ArgumentParser, help: str, *, flag: str = "--on", required: bool = True) -> None:
    parser.add_argument(flag, type=date_option(f"{flag} date"), metavar=DATE_METAVAR, required=required, help=help)


def _choices(enum) -> list[str]:
    return [member.value for member in enum]


def _register_terminal_commands(subparsers: argparse._SubParsersAction) -> None:
    milestone = subparsers.add_parser("milestone", help="record a dated event in a review").add_subparsers(
        title="milestone commands", metavar="COMMAND"
    )
    add = _command(
        milestone,
        "add",
        "record a milestone (chair appointed, IMR received, panel meeting...)",
        "milestone",
        lambda a: {"case": a.reference, "kind": a.kind, "on": a.on, "agency": a.agency, "note": a.note},
    )
    _reference(add)
    add.add_argument(
        "kind",
        metavar="KIND",
        help="one of: " + ", ".join(k for k in _choices(MilestoneKind) if k not in ("decision", "closed", "reopened")),
    )
    _on(add, "the day it happened")
    add.add_argument("--agency", metavar="NAME", help="for imr_requested and imr_received: the agency")
    add.add_argument("--note", default="", help="a note")

    decision = _command(
        subparsers,
        "decision",
        "record the decision to review (or not)",
        "decision",
        lambda a: {
            "case": a.reference,
            "decision": a.decision,
            "on": a.on,
            "home_office_informed_on": a.home_office_informed,
            "reason": a.reason,
        },
    )
    _reference(decision)
    decision.add_argument("decision", choices=_choices(Decision), help="review or no_review")
    _on(decision, "the date of the decision")
    _on(
        decision,
        "the date the Home Office was told (needed for no_review)",
        flag="--home-office-informed",
        required=False,
    )
    decision.add_argument("--reason", default="", help="the reason, recorded with the decision")

    pause = subparsers.add_parser("pause", help="start or end a pause").add_subparsers(
        title="pause commands", metavar="COMMAND"
    )
    start = _command(
        pause,
        "start",
        "start a pause (deadlines stop counting)",
        "pause_start",
        lambda a: {
            "case": a.reference,
            "on": a.on,
            "reason": a.reason,
            "home_office_told_on": a.home_office_told,
            "parallel_process": a.process,
        },
    )
    _reference(start)
    _on(start, "the first day of the pause")
    start.add_argument("--reason", required=True, help="why, e.g. 'Awaiting the criminal trial'")
    _on(start, "the date the Home Office was told", flag="--home-office-told", required=False)
    start.add_argument("--process", metavar="KIND", help="the kind of the case's parallel process it waits for")
    end = _command(
        pause,
        "end",
        "end the pause in force",
        "pause_end",
        lambda a: {"case": a.reference, "on": a.on, "home_office_told_on": a.home_office_told},
    )
    _reference(end)
    _on(end, "the last day of the pause")
    _on(end, "the date the Home Office was told", flag="--home-office-told", required=False)

    qa = subparsers.add_parser("qa", help="Home Office quality assurance: submissions and outcomes").add_subparsers(
        title="qa commands", metavar="COMMAND"
    )
    submit = _command(
        qa,
        "submit",
        "record a submission to the Home Office QA Panel",
        "qa_submission",
        lambda a: {"case": a.reference, "on": a.on},
    )
    _reference(submit)
    _on(submit, "the date of the submission")
    outcome = _command(
        qa,
        "outcome",
        "record the QA Panel's feedback letter and outcome",
        "qa_outcome",
        lambda a: {
            "case": a.reference,
            "outcome": a.outcome,
            "letter_on": a.letter,
            "panel_on": a.panel,
            "round": a.round,
            "feedback_reference": a.reference_text,
            "revisions_listed": a.revisions,
        },
    )
    _reference(outcome)
    outcome.add_argument("outcome", choices=_choices(QAOutcome), metavar="OUTCOME", help=", ".join(_choices(QAOutcome)))
    _on(outcome, "the date of the feedback letter", flag="--letter")
    _on(outcome, "the date of the QA Panel", flag="--panel", required=False)
    outcome.add_argument("--round", type=int, metavar="N", help="the round (default: the latest)")
    outcome.add_argument(
        "--letter-reference", dest="reference_text", default="", metavar="TEXT", help="the letter's reference"
    )
    outcome.add_argument(
        "--revisions", default="", metavar="TEXT", help="the revisions listed (approved_subject_to_revisions)"
    )
    revisions = _command(
        qa,
        "revisions",
        "record that the listed revisions were made",
        "revisions_made",
        lambda a: {"case": a.reference, "on": a.on, "round": a.round},
    )
    _reference(revisions)
    _on(revisions, "the date they were made")
    revisions.add_argument("--round", type=int, metavar="N", help="the round (default: the latest)")

    publish = _command(
        subparsers,
        "publish",
        "record publication",
        "publication",
        lambda a: {"case": a.reference, "on": a.on, "sent_to_library_on": a.library},
    )
    _reference(publish)
    _on(publish, "the date of publication")
    _on(publish, "the date it was sent to the DHR Library", flag="--library", required=False)

    update = subparsers.add_parser("update", help="progress updates on recommendations").add_subparsers(
        title="update commands", metavar="COMMAND"
    )
    add_update = _command(
        update,
        "add",
        "record a progress update on a recommendation",
        "progress_update",
        lambda a: {
            "case": a.reference,
            "number": a.number,
            "on": a.on,
            "text": a.text,
            "contact_name": a.sender,
            "evidence_reference": a.evidence,
        },
    )
    _reference(add_update)
    add_update.add_argument("number", metavar="NUMBER", help="the recommendation number")
    _on(add_update, "the date it was received")
    add_update.add_argument("--from", dest="sender", required=True, metavar="NAME", help="who sent it")
    add_update.add_argument("--text", required=True, help="what it says")
    add_update.add_argument("--evidence", default="", metavar="REF", help="a reference to the evidence")

    recommendation = subparsers.add_parser("recommendation", help="change a recommendation's status").add_subparsers(
        title="recommendation commands", metavar="COMMAND"
    )
    status = _command(
        recommendation,
        "status",
        "move a recommendation on: accepted, in_progress, signed off...",
        "recommendation_status",
        lambda a: {
            "case": a.reference,
            "number": a.number,
            "status": a.status,
            "on": a.on,
            "reason": a.reason,
            "minute_reference": a.minute,
            "outcome": a.outcome,
        },
    )
    _reference(status)
    status.add_argument("number", metavar="NUMBER", help="the recommendation number")
    status.add_argument(
        "status",
        choices=_choices(RecommendationStatus),
        metavar="STATUS",
        help=", ".join(_choices(RecommendationStatus)),
    )
    _on(status, "the date of the change (for implemented: the sign-off meeting)")
    status.add_argument("--reason", default="", help="for not_accepted: why")
    status.add_argument("--minute", default="", metavar="REF", help="for implemented: the Steering Group minute")
    status.add_argument("--outcome", default=None, help="the outcome (completed or implemented)")
