"""Sub-commands about the update cycle: where each agency stands on the escalation ladder, and its letters."""

from __future__ import annotations

import argparse

from dhr_tracker.cli.common import add_database_arguments, add_format_argument, open_from_args, print_json, print_table
from dhr_tracker.cli.date_options import DATE_METAVAR, date_option
from dhr_tracker.dates import today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.escalation.engine import AgencyPosition


def register(subparsers: argparse._SubParsersAction) -> None:
    escalations = subparsers.add_parser(
        "escalations",
        help="agencies with updates outstanding: level on the escalation ladder and the action due",
    )
    add_database_arguments(escalations)
    escalations.add_argument(
        "--as-of", type=date_option("--as-of date"), metavar=DATE_METAVAR, help="the day to assess (default: today)"
    )
    escalations.add_argument(
        "--agency",
        metavar="NAME",
        help="one agency in full: outstanding and overdue items, level, every step taken, on-time share per round",
    )
    add_format_argument(escalations)
    escalations.set_defaults(run=run_escalations)

    letters = subparsers.add_parser(
        "letters",
        help="write one letter (PDF and plain text) per agency with an escalation action due",
    )
    add_database_arguments(letters)
    letters.add_argument(
        "--as-of", type=date_option("--as-of date"), metavar=DATE_METAVAR, required=True, help="the day of the letters"
    )
    letters.add_argument(
        "--out", metavar="DIR", required=True, help="folder for the letters (created owner-only if missing)"
    )
    letters.add_argument(
        "--record",
        action="store_true",
        help="also record each action as taken on the --as-of date, by letter (otherwise record them in the app once sent)",
    )
    letters.set_defaults(run=run_letters)


def position_row(position: AgencyPosition) -> dict:
    """One agency as the JSON output gives it: ISO dates, levels as numbers, cases by reference only."""
    level, due = position.level, position.action_due
    next_steps = [  # the next step above where the agency already stands
        (p.next_on, p.next_level)
        for p in position.requests
        if p.next_level is not None and (level is None or p.next_level.level > level.level)
    ]
    next_on, next_level = min(
        next_steps, key=lambda step: (step[0] is None, step[0] or position.as_of), default=(None, None)
    )
    return {
        "agency": position.agency_name,
        "level": level.level if level else None,
        "level_label": level.label if level else "",
        "references": sorted({item.case_reference for item in position.outstanding}),
        "items": [
            {"reference": i.case_reference, "pseudonym": i.pseudonym, "recommendation": i.number}
            for i in position.outstanding
        ],
        "due": position.due_on.isoformat(),
        "working_days_late": position.working_days_late,
        "outstanding": len(position.outstanding),
        "overdue": len(position.overdue),
        "action_due": due.level if due else None,
        "action_due_label": due.label if due else "",
        "action_due_to": due.recipient.label if due else "",
        "next_level": next_level.level if next_level else None,
        "next_level_on": next_on.isoformat() if next_on else None,
    }


def run_escalations(args: argparse.Namespace) -> int:
    from dhr_tracker.escalation.service import escalations

    as_of = args.as_of or today_uk()
    if args.agency:
        return run_agency(args, as_of)
    with open_from_args(args) as database, database.transaction() as session:
        positions = escalations(session, as_of)
    rows = [position_row(position) for position in positions]
    if args.format == "json":
        print_json(rows)
        return 0
    if not rows:
        print(f"No agency has an update outstanding on {as_of:%d/%m/%Y}.")
        return 0
    print_table(
        [
            (
                p.agency_name,
                p.level.level if p.level else "",
                p.due_on,
                p.working_days_late,
                len(p.outstanding),
                f"{p.action_due.level}: {p.action_due.label}" if p.action_due else "",
                ", ".join(row["references"]),
            )
            for p, row in zip(positions, rows)
        ],
        ("Agency", "Level", "Due", "Working days late", "Items", "Action due", "Cases"),
    )
    return 0


def run_agency(args: argparse.Namespace, as_of) -> int:
    from dhr_tracker.actionplan._common import resolve_agency
    from dhr_tracker.escalation.service import agency_record

    with open_from_args(args) as database, database.transaction() as session:
        record = agency_record(session, resolve_agency(session, args.agency, "agency", "--agency"), as_of)
    overdue = {item.recommendation_id for item in record.overdue}
    data = {
        "agency": record.agency_name,
        "as_of": as_of.isoformat(),
        **(
            {key: value for key, value in position_row(record.position).items() if key != "agency"}
            if record.position
            else {
                "level": None,
                "references": [],
                "items": [],
                "outstanding": 0,
                "overdue": 0,
                "action_due": None,
            }
        ),
        "history": [
            {
                "round_meeting": h.round_meeting_on.isoformat(),
                "level": h.level,
                "taken_on": h.taken_on.isoformat(),
                "recipient": h.recipient,
                "method": h.method.value,
                "update_received_on": h.received_on.isoformat() if h.received_on else None,
            }
            for h in record.history
        ],
        "rounds": [
            {
                "meeting": r.meeting_on.isoformat(),
                "due": r.due_on.isoformat(),
                "items": r.items,
                "on_time": r.on_time,
                "share_on_time": round(r.share_on_time, 3),
                "received_on": r.received_on.isoformat() if r.received_on else None,
            }
            for r in record.rounds
        ],
    }
    if args.format == "json":
        print_json(data)
        return 0
    level = record.level
    print(
        f"{record.agency_name} on {as_of:%d/%m/%Y}: {len(record.outstanding)} outstanding, {len(overdue)} overdue; "
        f"level {level.level}: {level.label}"
        if level
        else f"{record.agency_name} on {as_of:%d/%m/%Y}: nothing outstanding."
    )
    if record.position and record.position.action_due:
        print(f"Action due: level {record.position.action_due.level}, {record.position.action_due.label}.")
    if record.outstanding:
        print("\nOutstanding")
        print_table(
            [
                (
                    i.case_reference,
                    i.pseudonym,
                    i.number,
                    "overdue" if i.recommendation_id in overdue else "",
                    i.text[:60],
                )
                for i in record.outstanding
            ],
            ("Case", "Pseudonym", "No.", "", "Recommendation"),
        )
    if record.history:
        print("\nSteps taken")
        print_table(
            [(h.taken_on, h.level, h.recipient, h.method, h.round_meeting_on, h.received_on) for h in record.history],
            ("Date", "Level", "To", "How", "Round for meeting", "Update received"),
        )
    if record.rounds:
        print("\nUpdates on time, by round")
        print_table(
            [
                (r.meeting_on, r.due_on, r.items, r.on_time, f"{r.share_on_time:.0%}", r.received_on)
                for r in record.rounds
            ],
            ("Meeting", "Due", "Items", "On time", "Share", "Received"),
        )
    return 0


def run_letters(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dhr_tracker.escalation.service import record_due_actions
    from dhr_tracker.reports.letters import write_letters

    as_of = args.as_of
    if args.record and as_of > today_uk():
        raise UserError(
            f"--record would record letters as sent on {as_of:%d/%m/%Y}, which is in the future. Leave out --record."
        )
    with open_from_args(args) as database, database.transaction() as session:
        paths = write_letters(session, as_of, Path(args.out))
        recorded = record_due_actions(session, as_of) if args.record and paths else []
    if not paths:
        print(f"No escalation action is due on {as_of:%d/%m/%Y}: no letters written.")
        return 0
    print(f"Wrote {len(paths) // 2} letters (PDF and plain text) to {args.out}:")
    for path in paths:
        print(f"  {path}")
    if recorded:
        print(f"Recorded {len(recorded)} escalation actions as taken on {as_of:%d/%m/%Y} by letter.")
    return 0
