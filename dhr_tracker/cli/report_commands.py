"""Sub-commands for meetings and restricted reports: meetings, the KCSP briefing and its copy register, the action plan.

The briefing is written as one PDF per numbered copy: with one copy, exactly --out; with several,
NAME-copy-01-of-20.pdf, NAME-copy-02-of-20.pdf, ... beside --out. Every copy is entered in the copy
register, which `dhr-tracker copies` shows and ticks off.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from dhr_tracker.cli.common import add_database_arguments, add_format_argument, open_from_args, print_json, print_table
from dhr_tracker.cli.date_options import DATE_METAVAR, date_option
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.meetings import (
    Recipient,
    add_meeting,
    copy_register,
    find_meeting,
    list_meetings,
    mark_returned,
)
from dhr_tracker.meetings.copies import MAX_COPIES
from dhr_tracker.reports.action_plan import write_action_plan
from dhr_tracker.reports.briefing import write_briefing


def register(subparsers: argparse._SubParsersAction) -> None:
    briefing = subparsers.add_parser(
        "briefing",
        help="write the numbered copies of the restricted KCSP briefing (one PDF per copy)",
        description="Write the restricted briefing for a KCSP private session, one PDF per numbered copy. "
        "With one copy the file is --out; with several, NAME-copy-01-of-M.pdf and so on beside it. "
        "Copies go to the meeting's attendees unless --copies or --recipients says otherwise.",
    )
    add_database_arguments(briefing)
    briefing.add_argument(
        "--meeting",
        type=date_option("meeting date"),
        required=True,
        metavar=DATE_METAVAR,
        help="the date of the KCSP meeting",
    )
    briefing.add_argument(
        "--out", required=True, type=Path, metavar="PATH", help="the PDF to write (see above for several copies)"
    )
    who = briefing.add_mutually_exclusive_group()
    who.add_argument("--copies", type=_copies, metavar="N", help="N unnamed numbered copies")
    who.add_argument(
        "--recipients",
        type=Path,
        metavar="FILE.csv",
        help="one copy per row of a CSV file with the columns name and organisation",
    )
    briefing.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="encrypt every copy (AES-256) with the password on the first line of FILE",
    )
    briefing.add_argument(
        "--as-of",
        type=date_option("position date"),
        metavar=DATE_METAVAR,
        help="the position date printed in the paper (default: today)",
    )
    briefing.add_argument(
        "--decision",
        action="append",
        default=[],
        metavar="TEXT",
        help="a further decision asked of the Partnership (repeat for several)",
    )
    briefing.set_defaults(run=run_briefing)

    plan = subparsers.add_parser("action-plan", help="write a case's Home Office action plan as a landscape PDF")
    add_database_arguments(plan)
    plan.add_argument("--case", required=True, metavar="REF", help="the case reference, e.g. DHR-2025-03")
    plan.add_argument("--out", required=True, type=Path, metavar="PATH", help="the PDF to write (never replaced)")
    plan.add_argument(
        "--password-file", type=Path, metavar="FILE", help="encrypt the PDF with the password on its first line"
    )
    plan.add_argument(
        "--as-of",
        type=date_option("position date"),
        metavar=DATE_METAVAR,
        help="the position date printed in the plan (default: today)",
    )
    plan.set_defaults(run=run_action_plan)

    meetings = subparsers.add_parser("meetings", help="list the meetings, or add one")
    add_database_arguments(meetings)
    meetings.add_argument(
        "--add", type=date_option("meeting date"), metavar=DATE_METAVAR, help="add a KCSP meeting on this date"
    )
    meetings.add_argument("--item", default="", help="with --add: the agenda item number of the DHR update")
    meetings.add_argument("--title", default="", help="with --add: the meeting's title")
    meetings.add_argument("--location", default="", help="with --add: where it is held")
    meetings.add_argument(
        "--attendees",
        type=Path,
        metavar="FILE.csv",
        help="with --add: the attendees, a CSV file with the columns name and organisation",
    )
    add_format_argument(meetings)
    meetings.set_defaults(run=run_meetings)

    copies = subparsers.add_parser(
        "copies", help="the register of numbered briefing copies for a meeting; tick copies off"
    )
    add_database_arguments(copies)
    copies.add_argument(
        "--meeting",
        type=date_option("meeting date"),
        required=True,
        metavar=DATE_METAVAR,
        help="the date of the KCSP meeting",
    )
    copies.add_argument("--returned", type=int, nargs="+", metavar="N", help="mark these copy numbers as returned")
    copies.add_argument(
        "--outstanding", type=int, nargs="+", metavar="N", help="mark these copy numbers as not returned"
    )
    copies.add_argument(
        "--on",
        type=date_option("return date", future=False),
        metavar=DATE_METAVAR,
        help="with --returned: the day they came back (default: the meeting day)",
    )
    copies.add_argument("--edition", type=int, metavar="N", help="which edition of the briefing (default: the latest)")
    add_format_argument(copies)
    copies.set_defaults(run=run_copies)


def _copies(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_COPIES:
        raise argparse.ArgumentTypeError(f"the number of copies must be between 1 and {MAX_COPIES}")
    return value


def read_people(path: Path) -> list[Recipient]:
    """Rows of a CSV file with a header row naming the columns `name` and (optionally) `organisation`."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = {(c or "").strip().casefold(): c for c in reader.fieldnames or []}
            if "name" not in columns:
                raise UserError(f"{path} needs a header row with the columns name and organisation.")
            people = []
            for row in reader:
                name = (row.get(columns["name"]) or "").strip()
                organisation = (row.get(columns.get("organisation", ""), "") or "").strip()
                if not name and not organisation:
                    continue
                if not name:
                    raise UserError(f"Line {reader.line_num} of {path} has an organisation but no name.")
                people.append(Recipient(name, organisation))
    except OSError as error:
        raise UserError(f"Cannot read {path}: {error.strerror}.") from None
    except (UnicodeDecodeError, csv.Error):
        raise UserError(f"{path} is not a UTF-8 CSV file. Save it as 'CSV UTF-8' and try again.") from None
    if not people:
        raise UserError(f"{path} lists nobody. Put one person per row under the header name,organisation.")
    return people


def read_password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UserError(f"Cannot read the password file {path}: {error.strerror}.") from None
    password = lines[0] if lines else ""
    if not password.strip():
        raise UserError(f"The password file {path} is empty. Put the password on its first line.")
    return password


def run_briefing(args: argparse.Namespace) -> int:
    meeting_on = args.meeting
    as_of = args.as_of or today_uk()
    recipients = read_people(args.recipients) if args.recipients else None
    password = read_password(args.password_file)
    with open_from_args(args) as database, database.transaction() as session:
        meeting = find_meeting(session, meeting_on)
        result = write_briefing(
            session,
            meeting,
            args.out,
            recipients=recipients,
            copies=args.copies,
            password=password,
            as_of=as_of,
            decisions=args.decision,
        )
    print(
        f"Wrote edition {result.edition} of the briefing for {format_date(meeting_on)}: "
        f"{len(result.files)} numbered cop{'y' if len(result.files) == 1 else 'ies'}"
        f"{', encrypted' if password else ''}."
    )
    for path in result.files:
        print(f"  {path}")
    print(
        f"Tick the copies off as they come back: dhr-tracker copies --meeting {meeting_on.isoformat()} --returned N ..."
    )
    return 0


def run_action_plan(args: argparse.Namespace) -> int:
    as_of = args.as_of or today_uk()
    password = read_password(args.password_file)
    with open_from_args(args) as database, database.transaction() as session:
        path = write_action_plan(session, args.case, args.out, as_of=as_of, password=password)
    print(f"Wrote the action plan for {args.case.strip().upper()} to {path}.")
    return 0


def run_meetings(args: argparse.Namespace) -> int:
    with open_from_args(args) as database, database.transaction() as session:
        if args.add:
            people = read_people(args.attendees) if args.attendees else []
            meeting = add_meeting(
                session,
                held_on=args.add,
                agenda_item=args.item,
                title=args.title,
                location=args.location,
                attendees=[(p.name, p.organisation) for p in people],
            )
            print(f"Added the meeting on {format_date(meeting.held_on)} with {len(people)} attendees.")
            return 0
        if args.attendees:
            raise UserError("--attendees goes with --add.")
        meetings = list_meetings(session)
    if args.format == "json":
        print_json(
            [
                {
                    "date": m.held_on,
                    "kind": m.kind.value,
                    "agenda_item": m.agenda_item,
                    "title": m.title,
                    "location": m.location,
                    "attendees": [{"name": a.name, "organisation": a.organisation} for a in m.attendees],
                }
                for m in meetings
            ]
        )
    else:
        print_table(
            [(m.held_on, m.kind.label, m.agenda_item, m.location, len(m.attendees)) for m in meetings],
            ("Date", "Meeting", "Item", "Place", "Attendees"),
        )
    return 0


def run_copies(args: argparse.Namespace) -> int:
    meeting_on = args.meeting
    if args.on and not args.returned:
        raise UserError("--on goes with --returned.")
    with open_from_args(args) as database, database.transaction() as session:
        meeting = find_meeting(session, meeting_on)
        if args.returned:
            returned_on = args.on or meeting.held_on
            if not args.on and meeting.held_on > today_uk():
                raise UserError(
                    f"The meeting on {format_date(meeting.held_on)} has not happened yet, so no copy can have come back. "
                    "Run this again on or after the meeting day: copies are marked as returned on the meeting day, or "
                    "on the day given with --on DATE if they came back later."
                )
            changed = mark_returned(session, meeting, args.returned, returned_on=returned_on, edition=args.edition)
            print(
                f"Marked {len(changed)} cop{'y' if len(changed) == 1 else 'ies'} as returned on {format_date(returned_on)}."
            )
        if args.outstanding:
            changed = mark_returned(session, meeting, args.outstanding, returned_on=None, edition=args.edition)
            print(f"Marked {len(changed)} cop{'y' if len(changed) == 1 else 'ies'} as not returned.")
        register = copy_register(session, meeting, args.edition)
    if args.format == "json":
        print_json(
            [
                {
                    "edition": c.edition,
                    "copy": c.copy_number,
                    "of": c.total_copies,
                    "name": c.recipient.name,
                    "organisation": c.recipient.organisation,
                    "sha256": c.file_sha256,
                    "returned_on": c.returned_on,
                }
                for c in register
            ]
        )
        return 0
    if not register:
        print(f"No briefing copies have been produced for {format_date(meeting_on)}.")
        return 0
    print_table(
        [
            (
                c.edition,
                f"{c.copy_number} of {c.total_copies}",
                c.recipient.label or "(unnamed)",
                format_date(c.returned_on) if c.returned_on else "NOT RETURNED",
            )
            for c in register
        ],
        ("Edition", "Copy", "Recipient", "Returned"),
    )
    outstanding = [c for c in register if not c.returned]
    print(f"{len(outstanding)} of {len(register)} copies not yet returned.")
    return 0
