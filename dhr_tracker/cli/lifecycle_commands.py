"""Sub-commands about the life of reviews: `deadlines` for the caseload, `case show REF` with its timeline."""

from __future__ import annotations

import argparse

from dhr_tracker.cli.common import add_database_arguments, add_format_argument, open_from_args, print_json, print_table
from dhr_tracker.cli.date_options import DATE_METAVAR, date_option
from dhr_tracker.dates import format_date, parse_iso_date, today_uk
from dhr_tracker.lifecycle.deadlines import CALENDAR_DAYS, WORKING_DAYS
from dhr_tracker.lifecycle.overview import case_overview, caseload_overview

# A deadline counts its days in its own unit (working days for the Home Office and IMR deadlines, calendar
# days for those in months): the "Counted in" column says which, and the count columns say so.
UNIT_WORDS = {WORKING_DAYS: "working days", CALENDAR_DAYS: "calendar days"}
COUNT_HEADINGS = ("Counted in", "Overdue (days counted)", "Slippage (days counted)", "Paused (days counted)")


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=date_option("--as-of date"),
        metavar=DATE_METAVAR,
        default=None,
        help="work the deadlines out as on this date (default: today)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    deadlines = subparsers.add_parser(
        "deadlines",
        help="every deadline of the open cases: due date, status (met, due, overdue, paused), slippage",
    )
    add_database_arguments(deadlines)
    _add_as_of(deadlines)
    add_format_argument(deadlines)
    deadlines.add_argument("--outstanding", action="store_true", help="only deadlines not yet met")
    deadlines.add_argument("--all-cases", action="store_true", help="include closed cases (their met deadlines)")
    deadlines.set_defaults(run=run_deadlines)

    case = subparsers.add_parser("case", help="one case: show its stage, deadlines, RAG rating and timeline")
    case_commands = case.add_subparsers(title="case commands", metavar="COMMAND")
    show = case_commands.add_parser("show", help="a case's stage, deadlines, RAG rating and timeline")
    show.add_argument("reference", metavar="REF", help="the case reference, e.g. DHR-2025-03")
    add_database_arguments(show)
    _add_as_of(show)
    add_format_argument(show)
    show.set_defaults(run=run_case_show)


def _as_of(args: argparse.Namespace):
    return args.as_of or today_uk()


def run_deadlines(args: argparse.Namespace) -> int:
    as_of = _as_of(args)
    with open_from_args(args) as database, database.transaction() as session:
        overviews = caseload_overview(session, as_of, open_only=not args.all_cases)
    rows = []
    for overview in overviews:
        for deadline in overview.deadlines:
            if args.outstanding and deadline.status.value == "met":
                continue
            row = deadline.to_dict()
            row["pseudonym"] = overview.facts.pseudonym
            row["rag"] = overview.rag.rating.value
            rows.append(row)
    if args.format == "json":
        print_json(rows)
        return 0
    print(
        f"Deadlines as of {format_date(as_of)}: {len(rows)} in {len(overviews)} case{'s' if len(overviews) != 1 else ''}"
    )
    print_table(
        [
            (
                r["reference"],
                r["pseudonym"],
                r["label"],
                parse_iso_date(r["due"]),
                r["verdict"],
                UNIT_WORDS[r["unit"]],
                r["days_overdue"] or "",
                r["slippage_days"] or "",
                r["paused_days"] or "",
                r["rag"].capitalize(),
            )
            for r in rows
        ],
        ("Reference", "Pseudonym", "Milestone", "Due", "Status", *COUNT_HEADINGS, "RAG"),
    )
    return 0


def run_case_show(args: argparse.Namespace) -> int:
    as_of = _as_of(args)
    with open_from_args(args) as database, database.transaction() as session:
        overview, timeline = case_overview(session, args.reference, as_of)
    facts = overview.facts
    if args.format == "json":
        print_json(
            {
                "reference": facts.reference,
                "pseudonym": facts.pseudonym,
                "stage": facts.stage.value,
                "guidance_profile": facts.guidance_profile.value,
                "decision": facts.decision.value if facts.decision else None,
                "commissioning_partnership": facts.commissioning_partnership,
                "csp_area": facts.csp_area,
                "notified_on": facts.notified_on,
                "as_of": as_of,
                "rag": overview.rag.rating.value,
                "rag_reasons": list(overview.rag.reasons),
                "deadlines": [deadline.to_dict() for deadline in overview.deadlines],
                "timeline": [event.to_dict() for event in timeline],
            }
        )
        return 0
    print(
        f"{facts.reference} ({facts.pseudonym})"
        + ("" if as_of == today_uk() else f", as it stood on {format_date(as_of)}")
    )
    print(f"Stage: {facts.stage.label}")
    print(f"Guidance: {facts.guidance_profile.label}")
    print(
        f"Commissioned by: {facts.commissioning_partnership}"
        + (f"; CSP area: {facts.csp_area}" if facts.csp_area else "")
    )
    print(f"RAG as of {format_date(as_of)}: {overview.rag.rating.label} - {overview.rag.summary}")
    print()
    print("Deadlines")
    print_table(
        [
            (
                d.label,
                d.due,
                d.verdict,
                d.met_on,
                UNIT_WORDS[d.unit],
                d.days_overdue or "",
                d.slippage_days or "",
                d.paused_days or "",
            )
            for d in overview.deadlines
        ],
        ("Milestone", "Due", "Status", "Met on", *COUNT_HEADINGS),
    )
    print()
    print("Timeline")
    print_table([(event.on, event.label, event.detail) for event in timeline], ("Date", "Event", "Detail"))
    return 0
