"""`dhr-tracker packs ...`: update packs out to the agencies and back (make, import, status, sent, proposals)."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from dhr_tracker.cli.common import add_database_arguments, open_from_args, print_table
from dhr_tracker.cli.date_options import DATE_METAVAR, date_option
from dhr_tracker.dates import format_date, format_local_time, today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.packs.content import find_agency, find_round
from dhr_tracker.exchange.packs.importer import PackRefused, import_pack
from dhr_tracker.exchange.packs.make import make_packs, read_password_file
from dhr_tracker.exchange.packs.proposals import accept_proposal, list_proposals, reject_proposal
from dhr_tracker.exchange.packs.reader import PackFileError, read_returned_pack
from dhr_tracker.exchange.packs.register import mark_sent, note_returned, round_pack_statuses
from dhr_tracker.exchange.packs.review import review_pack
from dhr_tracker.privacy.channels import PACK_IMPORT_REPORT
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.storage.files import already_exists, open_new_owner_only

REPORT_HEADERS = ("file", "row", "case reference", "pseudonym", "number", "outcome", "problem")


def register(subparsers: argparse._SubParsersAction) -> None:
    packs = subparsers.add_parser(
        "packs",
        help="update packs: one workbook per agency out, filled in and imported back",
        description="Update packs go out to the agencies by secure e-mail and come back filled in.",
    )
    sub = packs.add_subparsers(dest="packs_command", required=True, metavar="COMMAND")

    make = sub.add_parser(
        "make", help="make the packs (XLSX + .eml draft) of a round, one per agency with outstanding items"
    )
    add_database_arguments(make)
    make.add_argument(
        "--meeting",
        required=True,
        type=date_option("--meeting date"),
        metavar=DATE_METAVAR,
        help="the meeting the round is for",
    )
    make.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="a folder for the packs (created if needed)"
    )
    make.add_argument("--agency", metavar="NAME", help="only this agency's pack (e.g. to make it again)")
    make.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="encrypt each workbook with the password in this file (send the password separately)",
    )
    make.set_defaults(run=run_make)

    imp = sub.add_parser(
        "import",
        help="check and import returned packs; all or nothing per file",
        description="Each file is checked row by row; a file with any problem is refused whole and left "
        "as it is. A pack imported before changes nothing.",
    )
    add_database_arguments(imp)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="check and list what would be recorded, write nothing")
    imp.add_argument("--report", type=Path, metavar="CSV", help="write the per-row report to this new CSV file")
    imp.add_argument("--password-file", type=Path, metavar="FILE", help="the password of encrypted packs")
    imp.add_argument(
        "--from-agency", metavar="NAME", help="the agency that sent the files: refuse another agency's pack"
    )
    imp.set_defaults(run=run_import)

    status = sub.add_parser("status", help="per agency: pack made, sent, returned, imported, items outstanding")
    add_database_arguments(status)
    status.add_argument("--meeting", required=True, type=date_option("--meeting date"), metavar=DATE_METAVAR)
    status.set_defaults(run=run_status)

    sent = sub.add_parser("sent", help="tick that an agency's pack was sent")
    add_database_arguments(sent)
    sent.add_argument("--meeting", required=True, type=date_option("--meeting date"), metavar=DATE_METAVAR)
    sent.add_argument("--agency", required=True, metavar="NAME")
    sent.add_argument(
        "--on",
        type=date_option("--on date", future=False),
        metavar=DATE_METAVAR,
        help="the day it was sent (default: today)",
    )
    sent.set_defaults(run=run_sent)

    proposals = sub.add_parser("proposals", help="status changes proposed by agencies, waiting for a decision")
    add_database_arguments(proposals)
    proposals.add_argument("--all", action="store_true", help="also those already accepted or rejected")
    proposals.set_defaults(run=run_proposals)

    accept = sub.add_parser("accept", help="accept a proposed status change (the recommendation's status changes)")
    add_database_arguments(accept)
    accept.add_argument("proposal", type=int, metavar="ID")
    accept.add_argument(
        "--on",
        type=date_option("--on date", future=False),
        metavar=DATE_METAVAR,
        help="date of the change (default: the completion date given, else the day proposed)",
    )
    accept.set_defaults(run=run_accept)

    reject = sub.add_parser("reject", help="reject a proposed status change, with the reason")
    add_database_arguments(reject)
    reject.add_argument("proposal", type=int, metavar="ID")
    reject.add_argument("--reason", required=True)
    reject.set_defaults(run=run_reject)


def _print_guarded(session, rows: list[tuple], headers: tuple[str, ...], where: str) -> None:  # noqa: ANN001
    """A listing printed only once the real-name guard has seen every string of it."""
    RealNameGuard.from_session(session).check([str(value) for row in rows for value in row], where=where)
    print_table(rows, headers)


def run_make(args: argparse.Namespace) -> int:
    meeting_on = args.meeting
    password = read_password_file(args.password_file) if args.password_file else None
    with open_from_args(args) as database, database.transaction() as session:
        round_ = find_round(session, meeting_on)
        agency_id = find_agency(session, args.agency).id if args.agency else None
        made = make_packs(session, round_, args.out, agency_id=agency_id, password=password)
        _print_guarded(
            session,
            [(m.agency_name, m.rows, m.identifier, m.workbook.name) for m in made],
            ("Agency", "Rows", "Pack identifier", "Workbook"),
            "list of packs made",
        )
    print(
        f"Made {len(made)} pack(s) and their e-mail drafts in {args.out}"
        + (" (encrypted: send the password separately)." if password else ".")
        + " Open each .eml in the mail program to check and send it; tick it sent with `packs sent`."
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    if args.report is not None and args.report.exists():
        raise UserError(already_exists(args.report, what="the report"))
    password = read_password_file(args.password_file) if args.password_file else None
    today = today_uk()
    report_rows: list[tuple] = []
    failures = 0
    with open_from_args(args, read_only=args.dry_run) as database:
        with database.transaction() as session:
            guard = RealNameGuard.from_session(session)
        for path in args.files:
            try:
                returned = read_returned_pack(path, password=password)
            except PackFileError as error:
                failures += 1
                guard.check([path.name, str(error)], where="pack import listing")
                print(f"{path.name}: refused. {error}", file=sys.stderr)
                report_rows.append((path.name, "", "", "", "", "refused", str(error)))
                continue
            try:
                with database.transaction() as session:
                    sender = find_agency(session, args.from_agency) if args.from_agency else None
                    if args.dry_run:
                        review = review_pack(session, returned, today=today, from_agency=sender)
                    else:
                        review = import_pack(session, returned, today=today, from_agency=sender).review
            except PackRefused as refused:
                review = refused.review
                if review.pack_id is not None:
                    with database.transaction() as session:
                        note_returned(session, review.identifier, on=today)
            except UserError as error:  # a service's refusal (rolled back whole): report it, go on to the next file
                failures += 1
                guard.check([path.name, str(error)], where="pack import listing")
                print(f"{path.name}: refused, nothing was recorded from it. {error}", file=sys.stderr)
                report_rows.append((path.name, "", "", "", "", "refused", str(error)))
                continue
            _print_review(review, dry_run=args.dry_run, guard=guard)
            failures += 0 if review.ok else 1
            report_rows += _report_rows(review)
    if args.report is not None:
        guard.check([str(value) for row in report_rows for value in row], where=PACK_IMPORT_REPORT)
        _write_report(args.report, report_rows)
        print(f"Wrote the report ({len(report_rows)} line(s)) to {args.report}.")
    return 1 if failures else 0


def _print_review(review, *, dry_run: bool, guard: RealNameGuard) -> None:
    if review.ok and not review.already_imported:
        verb = "Would record" if dry_run else "Recorded"
        lines = [f"{verb}: {review.summary()}"] + [
            f"  row {row.row_number}: {row.reference} {row.pseudonym} {row.number}: {row.outcome}"
            for row in review.rows
        ]
        stream = sys.stdout
    else:
        lines = [review.summary()] + [f"  - {problem}" for problem in review.all_problems()]
        stream = sys.stderr if not review.ok else sys.stdout
    guard.check(lines, where="pack import listing")  # a file's name is the sender's choice
    print("\n".join(lines), file=stream)


def _report_rows(review) -> list[tuple]:
    if review.already_imported:
        return [(review.file_name, "", "", "", "", "already imported", review.already_imported)]
    rows = [(review.file_name, "", "", "", "", "refused", problem) for problem in review.problems]
    for row in review.rows:
        for problem in row.problems or ("",):
            rows.append(
                (review.file_name, row.row_number, row.reference, row.pseudonym, row.number, row.outcome, problem)
            )
    return rows


def _write_report(path: Path, rows: list[tuple]) -> None:
    with open_new_owner_only(path, "w", what="the report", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(REPORT_HEADERS)
        writer.writerows(rows)


def run_status(args: argparse.Namespace) -> int:
    meeting_on = args.meeting
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        statuses = round_pack_statuses(session, find_round(session, meeting_on))
        _print_guarded(
            session,
            [
                (
                    s.agency_name,
                    s.stage,
                    f"{s.outstanding} of {s.items}",
                    s.identifier,
                    format_date(s.sent_on),
                    format_date(s.returned_on),
                    format_local_time(s.imported_at),
                )
                for s in statuses
            ],
            ("Agency", "Pack", "Outstanding", "Identifier", "Sent", "Returned", "Imported"),
            "pack status listing",
        )
    return 0


def run_sent(args: argparse.Namespace) -> int:
    meeting_on = args.meeting
    today = today_uk()
    on = args.on or today
    with open_from_args(args) as database, database.transaction() as session:
        agency = find_agency(session, args.agency)
        status = next(
            (s for s in round_pack_statuses(session, find_round(session, meeting_on)) if s.agency_id == agency.id), None
        )
        if status is None or status.pack_id is None:
            raise UserError(f"No pack was made for {agency.name} in that round. Make it first with `packs make`.")
        mark_sent(session, status.pack_id, on=on, today=today)
    print(f"Ticked {agency.name}'s pack as sent on {format_date(on)}.")
    return 0


def run_proposals(args: argparse.Namespace) -> int:
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        rows = list_proposals(session, pending_only=not args.all)
        if not rows:
            print("No proposed status changes are waiting." if not args.all else "No status change has been proposed.")
            return 0
        _print_guarded(
            session,
            [
                (
                    p.id,
                    p.reference,
                    p.pseudonym,
                    p.number,
                    p.agency,
                    p.from_status.label,
                    p.proposed_status.label,
                    format_date(p.completed_on),
                    format_date(p.proposed_on),
                    p.decision or "waiting",
                    p.proposed_by,
                )
                for p in rows
            ],
            (
                "ID",
                "Case",
                "Pseudonym",
                "No.",
                "Agency",
                "From",
                "Proposed",
                "Completed",
                "Proposed on",
                "Decision",
                "Proposed by",
            ),
            "list of proposals",
        )
    return 0


def run_accept(args: argparse.Namespace) -> int:
    today = today_uk()
    on = args.on
    with open_from_args(args) as database, database.transaction() as session:
        proposal = accept_proposal(session, args.proposal, today=today, on=on)
        rec = proposal.recommendation
        print(f"Accepted: {rec.case.reference} recommendation {rec.number} is now '{rec.status.label}'.")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    with open_from_args(args) as database, database.transaction() as session:
        proposal = reject_proposal(session, args.proposal, reason=args.reason, today=today_uk())
        print(f"Rejected proposal {proposal.id}; the recommendation's status is unchanged.")
    return 0
