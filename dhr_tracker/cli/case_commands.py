"""Sub-commands about cases: the case list."""

from __future__ import annotations

import argparse

from dhr_tracker.casework.cases import list_cases
from dhr_tracker.cli.common import (
    add_database_arguments,
    add_format_argument,
    open_from_args,
    print_csv,
    print_json,
    print_table,
)

CASE_COLUMNS = (
    "reference",
    "pseudonym",
    "stage",
    "csp_area",
    "notified_on",
    "guidance_profile",
    "commissioning_partnership",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    cases = subparsers.add_parser("cases", help="list the cases (reference and pseudonym only)")
    add_database_arguments(cases)
    add_format_argument(cases, ("table", "json", "csv"))
    cases.add_argument("--theme", metavar="NAME", help="only the reviews touching this learning theme")
    cases.set_defaults(run=run_cases)


def run_cases(args: argparse.Namespace) -> int:
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        summaries = list_cases(session)
        if args.theme:
            from dhr_tracker.learning.themes import case_ids_touching, find_theme

            touching = case_ids_touching(session, find_theme(session, args.theme))
            summaries = [s for s in summaries if s.id in touching]
    rows = [
        {
            "reference": s.reference,
            "pseudonym": s.pseudonym,
            "stage": s.stage.value,
            "csp_area": s.csp_area,
            "notified_on": s.notified_on.isoformat(),
            "guidance_profile": s.guidance_profile.value,
            "commissioning_partnership": s.commissioning_partnership,
        }
        for s in summaries
    ]
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        print_csv(rows, CASE_COLUMNS)
    else:
        print_table(
            [
                (s.reference, s.pseudonym, s.stage.label, s.csp_area, s.notified_on, s.commissioning_partnership)
                for s in summaries
            ],
            ("Reference", "Pseudonym", "Stage", "CSP area", "Notified", "Commissioned by"),
        )
    return 0
