"""Sub-commands about the update cycle: where each agency stands on the escalation ladder, and its letters."""

from __future__ import annotations

import argparse

from dhr_tracker.cli.common import add_database_arguments, add_format_argument, open_from_args, print_json, print_table
from dhr_tracker.dates import parse_iso_date, today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.escalation.engine import AgencyPosition


def register(subparsers: argparse._SubParsersAction) -> None:
    escalations = subparsers.add_parser(
        "escalations", help="agencies with updates outstanding: level on the escalation ladder and the action due",
    )
    add_database_arguments(escalations)
    escalations.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to assess (default: today)")
    add_format_argument(escalations)
    escalations.set_defaults(run=run_escalations)

    letters = subparsers.add_parser(
        "letters", help="write one letter (PDF and plain text) per agency with an escalation action due",
    )
    add_database_arguments(letters)
    letters.add_argument("--as-of", metavar="YYYY-MM-DD", required=True, help="the day of the letters")
    letters.add_argument("--out", metavar="DIR", required=True, help="folder for the letters (created owner-only if missing)")
    letters.add_argument(
        "--record", action="store_true",
        help="also record each action as taken on the --as-of date, by letter (otherwise record them in the app once sent)",
    )
    letters.set_defaults(run=run_letters)


def position_row(position: AgencyPosition) -> dict:
    """One agency as the JSON output gives it: ISO dates, levels as numbers, cases by reference only."""
    level, due = position.level, position.action_due
    next_steps = [(p.next_on, p.next_level) for p in position.requests if p.next_level is not None]
    next_on, next_level = min(next_steps, key=lambda step: (step[0] is None, step[0] or position.as_of), default=(None, None))
    return {
        "agency": position.agency_name,
        "level": level.level if level else None,
        "level_label": level.label if level else "",
        "references": sorted({item.case_reference for item in position.outstanding}),
        "items": [
            {"reference": i.case_reference, "pseudonym": i.pseudonym, "recommendation": i.number} for i in position.outstanding
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

    as_of = parse_iso_date(args.as_of, field="--as-of date") if args.as_of else today_uk()
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
            (p.agency_name, p.level.level if p.level else "", p.due_on, p.working_days_late, len(p.outstanding),
             f"{p.action_due.level}: {p.action_due.label}" if p.action_due else "", ", ".join(row["references"]))
            for p, row in zip(positions, rows)
        ],
        ("Agency", "Level", "Due", "Working days late", "Items", "Action due", "Cases"),
    )
    return 0


def run_letters(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dhr_tracker.escalation.letters import write_letters
    from dhr_tracker.escalation.service import record_due_actions

    as_of = parse_iso_date(args.as_of, field="--as-of date")
    if args.record and as_of > today_uk():
        raise UserError(f"--record would record letters as sent on {as_of:%d/%m/%Y}, which is in the future. Leave out --record.")
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
