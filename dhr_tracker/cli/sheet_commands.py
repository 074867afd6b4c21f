"""Sub-commands for spreadsheets: import-sheet (moving in from CSV/XLSX), and the CSV/XLSX side of export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dhr_tracker.cli.common import add_database_arguments, open_from_args
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.sheets import import_sheets, load_mapping_file, read_sheet_file, write_report
from dhr_tracker.exchange.sheets.export import export_file

MAX_PROBLEMS_SHOWN = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    sheet = subparsers.add_parser(
        "import-sheet",
        help="import cases and recommendations from a spreadsheet (XLSX or CSV); all or nothing",
        description="Import a cases sheet and/or a recommendations sheet. Every row is checked first; if any "
        "problem is found nothing is written and the problems are listed (and written to --report). "
        "A case already in the database is reported and left as it is.",
    )
    add_database_arguments(sheet)
    sheet.add_argument("file", type=Path, metavar="FILE", help="the .xlsx workbook or .csv file (UTF-8)")
    sheet.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="a JSON column mapping (see docs/spreadsheet-import.md); without it columns are guessed from the headers",
    )
    sheet.add_argument("--dry-run", action="store_true", help="check every row and report, but write nothing")
    sheet.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="write the validation report to this new CSV file (sheet, row, column, problem, suggestion)",
    )
    sheet.set_defaults(run=run_import_sheet)


def run_import_sheet(args: argparse.Namespace) -> int:
    if args.report is not None and args.report.exists():
        raise UserError(f"{args.report} already exists. Choose a new name for the report; it never overwrites a file.")
    mapping = load_mapping_file(args.mapping) if args.mapping is not None else None
    sheet_file = read_sheet_file(args.file)
    from dhr_tracker.learning.similarity import made_before_since, newest_recommendation_id

    with open_from_args(args) as database, database.transaction() as session:
        before = newest_recommendation_id(session)
        result = import_sheets(session, sheet_file, mapping, dry_run=args.dry_run)
        made_before = (
            [(rec.case.reference, rec.number, len(similar)) for rec, similar in made_before_since(session, before)]
            if result.committed
            else []
        )
    for summary in result.sheets:
        if summary.kind is not None:
            print(
                f"Sheet '{summary.name}': {summary.kind.label.lower()}, headers on row {summary.header_row}, "
                f"{summary.rows_read} row(s) read."
            )
    shown = [problem for problem in result.problems if problem.severity != "note"][:MAX_PROBLEMS_SHOWN]
    for problem in shown:
        where = (
            f"'{problem.sheet}'"
            + (f" row {problem.row}" if problem.row else "")
            + (f", {problem.column}" if problem.column else "")
        )
        print(
            f"  {problem.severity.upper()}: {where}: {problem.problem} {problem.suggestion}".rstrip(), file=sys.stderr
        )
    hidden = sum(1 for problem in result.problems if problem.severity != "note") - len(shown)
    if hidden > 0:
        print(
            f"  ... and {hidden} more"
            + (" (see the report)." if args.report else "; use --report FILE to see them all."),
            file=sys.stderr,
        )
    if args.report is not None:
        lines = write_report(result, args.report)
        print(f"Wrote the report ({lines} line(s)) to {args.report}.")
    print(result.summary())
    for reference, number, count in made_before:  # references and numbers only: nothing to guard
        print(
            f"Made before? Recommendation {number} of {reference} is worded like {count} recommendation"
            f"{'s' if count != 1 else ''} of other reviews: dhr-tracker repeated --case {reference} --recommendation {number}"
        )
    return 0 if result.ok else 1


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """Options the CSV/XLSX exports add to the `export` command."""
    parser.add_argument(
        "--case",
        action="append",
        metavar="REFERENCE",
        dest="cases",
        help="csv/xlsx: export only this case (repeat for several), e.g. for one Home Office return",
    )


def run_sheet_export(args: argparse.Namespace) -> int:
    """`export --format csv|xlsx`: pseudonymised tables; --out is a new .xlsx file, or a folder for CSV files."""
    if getattr(args, "include_real_names", False):
        raise UserError(
            "CSV and XLSX exports never hold real names; --include-real-names is for the JSON archive only."
        )
    with open_from_args(args) as database, database.transaction() as session:
        result = export_file(session, args.format, args.out, getattr(args, "cases", None))
    print(result.summary())
    return 0
