"""Sub-commands about learning across reviews: the themes vocabulary and tags, repeated recommendations,
the seminar pack (`learning`) and the annual figures (`kpi`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dhr_tracker.casework.cases import find_case
from dhr_tracker.cli.common import add_database_arguments, add_format_argument, open_from_args, print_json, print_table
from dhr_tracker.cli.date_options import DATE_METAVAR, date_option
from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.vocabulary import DepartmentStep, ThemeFacet


def register(subparsers: argparse._SubParsersAction) -> None:
    themes = subparsers.add_parser("themes", help="the learning themes vocabulary: list, add, rename, retire")
    add_database_arguments(themes)
    group = themes.add_mutually_exclusive_group()
    group.add_argument("--add", metavar="NAME", help="add a theme")
    group.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename a theme (its tags follow it)")
    group.add_argument("--retire", metavar="NAME", help="stop offering a theme (its tags stay)")
    group.add_argument("--restore", metavar="NAME", help="offer a retired theme again")
    themes.add_argument(
        "--facet",
        default=ThemeFacet.LEARNING.value,
        choices=[f.value for f in ThemeFacet],
        help="with --add: the facet (default: %(default)s)",
    )
    themes.add_argument("--all", action="store_true", help="list retired themes too")
    add_format_argument(themes)
    themes.set_defaults(run=run_themes)

    tag = subparsers.add_parser("tag", help="set the themes of a review, or of one of its recommendations")
    add_database_arguments(tag)
    tag.add_argument("--case", required=True, metavar="REF", help="the case reference")
    tag.add_argument("--recommendation", metavar="NUMBER", help="tag this recommendation rather than the review")
    tag.add_argument(
        "--theme",
        action="append",
        default=[],
        metavar="NAME",
        help="a theme (repeat for several; none clears the tags)",
    )
    tag.set_defaults(run=run_tag)

    implementation = subparsers.add_parser(
        "implementation",
        help="a recommendation's implementation: show it, assess it, record evidence seen, or a "
        "step with its government department",
        description="Without an action, shows the recommendation's current assessment, evidence seen and department "
        "trail. A recommendation can be signed off only once evidence seen by the sign-off date is recorded.",
    )
    add_database_arguments(implementation)
    implementation.add_argument("--case", required=True, metavar="REF")
    implementation.add_argument("--recommendation", required=True, metavar="NUMBER")
    action = implementation.add_mutually_exclusive_group()
    action.add_argument(
        "--assess",
        metavar="CATEGORY",
        help="fully_implemented, already_happening, partly_met, not_met or no_information (with --by)",
    )
    action.add_argument(
        "--evidence", metavar="REFERENCE", help="evidence seen, e.g. 'Audit report 2026/4' (with --checked-by)"
    )
    action.add_argument(
        "--department",
        metavar="STEP",
        choices=[s.value for s in DepartmentStep],
        help="sent, acknowledged or answered: a national recommendation's trail",
    )
    implementation.add_argument("--by", metavar="NAME", default="", help="with --assess: who assessed it")
    implementation.add_argument("--checked-by", metavar="NAME", default="", help="with --evidence: who checked it")
    implementation.add_argument(
        "--on",
        type=date_option("--on date", future=False),
        metavar=DATE_METAVAR,
        help="the date of the assessment, evidence or step (default: today)",
    )
    implementation.add_argument(
        "--recheck", type=date_option("--recheck date"), metavar=DATE_METAVAR, help="with --assess: when to look again"
    )
    implementation.add_argument(
        "--reference", default="", metavar="TEXT", help="with --department: the letter's reference"
    )
    implementation.add_argument("--note", default="", metavar="TEXT")
    implementation.set_defaults(run=run_implementation)

    repeated = subparsers.add_parser(
        "repeated",
        help="recommendations made before: clusters of similar recommendations across reviews, or those "
        "similar to one recommendation",
    )
    add_database_arguments(repeated)
    repeated.add_argument("--case", metavar="REF", help="with --recommendation: show the ones similar to it")
    repeated.add_argument("--recommendation", metavar="NUMBER")
    repeated.add_argument("--threshold", type=int, metavar="0-100", help="override the similarity setting for this run")
    add_format_argument(repeated)
    repeated.set_defaults(run=run_repeated)

    learning = subparsers.add_parser("learning", help="write the seminar pack for a learning theme (marked PDF)")
    add_database_arguments(learning)
    learning.add_argument("--theme", required=True, metavar="NAME", help="the theme, e.g. 'Information sharing'")
    learning.add_argument(
        "--from",
        dest="period_from",
        type=date_option("--from date"),
        metavar=DATE_METAVAR,
        help="reviews notified on or after this date",
    )
    learning.add_argument(
        "--to",
        dest="period_to",
        type=date_option("--to date"),
        metavar=DATE_METAVAR,
        help="reviews notified on or before this date",
    )
    learning.add_argument(
        "--out", required=True, type=Path, metavar="PATH.pdf", help="the PDF to write (never replaced)"
    )
    learning.set_defaults(run=run_learning)

    kpi = subparsers.add_parser(
        "kpi",
        help="the annual figures for a calendar year: print, write a PDF/XLSX, or list the cases behind one figure",
    )
    add_database_arguments(kpi)
    kpi.add_argument("--year", required=True, type=int, metavar="YYYY")
    kpi.add_argument("--out", type=Path, metavar="FILE.pdf|FILE.xlsx", help="write the figures to this new file")
    kpi.add_argument("--figure", metavar="NAME", help="list the cases behind this figure (names as in --format json)")
    kpi.add_argument(
        "--as-of", type=date_option("--as-of date"), metavar=DATE_METAVAR, help="treat this as today (default: today)"
    )
    add_format_argument(kpi)
    kpi.set_defaults(run=run_kpi)


def run_themes(args: argparse.Namespace) -> int:
    from dhr_tracker.learning import themes as service

    changing = args.add or args.rename or args.retire or args.restore
    with open_from_args(args, read_only=not changing) as database, database.transaction() as session:
        if args.add:
            theme = service.add_theme(session, args.add, facet=args.facet)
            print(f"Added the theme '{theme.name}' ({theme.facet.label}).")
            return 0
        if args.rename:
            theme = service.rename_theme(session, service.find_theme(session, args.rename[0]), args.rename[1])
            print(f"Renamed the theme to '{theme.name}'.")
            return 0
        if args.retire or args.restore:
            theme = service.set_theme_active(
                session, service.find_theme(session, args.retire or args.restore), bool(args.restore)
            )
            print(f"The theme '{theme.name}' is {'offered again' if theme.active else 'retired (its tags stay)'}.")
            return 0
        rows = [
            (t.name, t.facet, "yes" if t.active else "retired")
            for t in service.list_themes(session, active_only=not args.all)
        ]
        RealNameGuard.from_session(session).check([name for name, _, _ in rows], where="themes list")  # typed by people
    if args.format == "json":
        print_json([{"name": name, "facet": facet.value, "active": active == "yes"} for name, facet, active in rows])
    else:
        print_table(rows, ("Theme", "Facet", "Offered"))
    return 0


def run_tag(args: argparse.Namespace) -> int:
    from dhr_tracker.actionplan.recommendations import find_recommendation
    from dhr_tracker.learning.themes import set_case_themes, set_recommendation_themes

    with open_from_args(args) as database, database.transaction() as session:
        case = find_case(session, args.case)
        if args.recommendation:
            rec = find_recommendation(session, case, args.recommendation)
            chosen = set_recommendation_themes(session, rec, args.theme)
            what = f"Recommendation {rec.number} of {case.reference}"
        else:
            chosen = set_case_themes(session, case, args.theme)
            what = case.reference
    print(f"{what} is tagged: {'; '.join(t.name for t in chosen) or 'no themes'}.")
    return 0


def run_implementation(args: argparse.Namespace) -> int:
    from dhr_tracker.actionplan.recommendations import find_recommendation
    from dhr_tracker.learning import implementation as service

    today = today_uk()
    on = args.on or today
    changing = bool(args.assess or args.evidence or args.department)
    with open_from_args(args, read_only=not changing) as database, database.transaction() as session:
        rec = find_recommendation(session, find_case(session, args.case), args.recommendation)
        if args.assess:
            service.assess(
                session, rec, args.assess, on=on, by=args.by, recheck_on=args.recheck, note=args.note, today=today
            )
        elif args.evidence:
            service.record_evidence(
                session,
                rec,
                reference=args.evidence,
                seen_on=on,
                checked_by=args.checked_by,
                note=args.note,
                today=today,
            )
        elif args.department:
            service.record_department_step(
                session, rec, args.department, on=on, reference=args.reference, note=args.note, today=today
            )
        view = service.implementation_view(session, rec)
        reference, number, status = rec.case.reference, rec.number, rec.status.label
        RealNameGuard.from_session(session).check([*view.evidence, *view.department_trail], where="implementation")
    print(f"Recommendation {number} of {reference}: {status}")
    print(
        f"Implementation: {view.category.label if view.category else 'not assessed'}"
        + (f" (assessed {format_date(view.assessed_on)})" if view.assessed_on else "")
        + (f"; re-check {format_date(view.recheck_on)}" if view.recheck_on else "")
    )
    print("Evidence seen: " + ("; ".join(view.evidence) or "none recorded"))
    if view.department_trail:
        print("Government department: " + "; ".join(view.department_trail))
    return 0


def _similar_rows(found) -> list[dict]:  # noqa: ANN001
    return [
        {
            "reference": s.reference,
            "pseudonym": s.pseudonym,
            "number": s.number,
            "score": s.score,
            "status": s.status.value,
            "implementation": s.category.value if s.category else None,
            "text": s.text,
        }
        for s in found
    ]


def run_repeated(args: argparse.Namespace) -> int:
    from dhr_tracker.actionplan.recommendations import find_recommendation
    from dhr_tracker.learning.similarity import clusters, similar_to

    if bool(args.case) != bool(args.recommendation):
        raise UserError("--case and --recommendation go together: the recommendation to compare with the others.")
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise UserError("--threshold must be between 0 and 100.")
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        guard = RealNameGuard.from_session(session)
        if args.case:
            rec = find_recommendation(session, find_case(session, args.case), args.recommendation)
            groups = [similar_to(session, rec, threshold=args.threshold)]
        else:
            groups = [list(c.members) for c in clusters(session, threshold=args.threshold)]
    guard.check(
        [s.text for group in groups for s in group] + [s.pseudonym for group in groups for s in group],
        where="repeated recommendations",
    )
    if args.format == "json":
        print_json([_similar_rows(group) for group in groups] if not args.case else _similar_rows(groups[0]))
        return 0
    if args.case and not groups[0]:
        print("No recommendation of another review is worded like this one.")
        return 0
    if not args.case and not groups:
        print("No recommendation is repeated across reviews at the current similarity threshold.")
        return 0
    for index, group in enumerate(groups, start=1):
        if not args.case:
            print(f"Cluster {index}: {len(group)} recommendations in {len({s.reference for s in group})} reviews")
        print_table(
            [
                (
                    s.reference,
                    s.number,
                    s.score,
                    s.status.label,
                    s.category.label if s.category else "Not assessed",
                    s.text[:70] + ("..." if len(s.text) > 70 else ""),
                )
                for s in group
            ],
            ("Reference", "No.", "Score", "Status", "Implementation", "Recommendation"),
        )
        print()
    return 0


def run_learning(args: argparse.Namespace) -> int:
    from dhr_tracker.reports.learning_pack import write_pack

    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        path = write_pack(session, args.theme, args.out, period_from=args.period_from, period_to=args.period_to)
    print(f"Wrote the seminar pack for '{args.theme}' to {path}.")
    return 0


def run_kpi(args: argparse.Namespace) -> int:
    from dhr_tracker.privacy.channels import ANNUAL_FIGURES
    from dhr_tracker.reports.figures import annual_figures
    from dhr_tracker.reports.kpi import figures_texts, write_figures

    today = args.as_of or today_uk()
    with open_from_args(args, read_only=True) as database, database.transaction() as session:
        if args.out:
            path = write_figures(session, args.year, args.out, today=today)
            print(f"Wrote the {args.year} figures to {path}.")
            return 0
        figures = annual_figures(session, args.year, today=today)
        RealNameGuard.from_session(session).check(figures_texts(figures), where=ANNUAL_FIGURES)
    if args.figure:
        figure = figures.figure(args.figure)
        rows = [(row.label, line.reference, line.pseudonym, line.detail) for row in figure.rows for line in row.cases]
        if args.format == "json":
            print_json([dict(zip(("row", "reference", "pseudonym", "detail"), row)) for row in rows])
        else:
            print(f"{figure.title} ({args.year}): the cases behind each row")
            print_table(rows, ("Row", "Reference", "Pseudonym", "Detail"))
        return 0
    if args.format == "json":
        print_json({"year": figures.year, "as_of": figures.as_of, "figures": [f.to_dict() for f in figures.figures]})
        return 0
    print(f"Annual figures {figures.year} (the record as on {format_date(figures.as_of)})")
    for figure in figures.figures:
        print()
        print(figure.title + (f"  [national: {figure.source}]" if figure.source else ""))
        print_table(
            [(row.label, row.shown, row.national) for row in figure.rows] or [("None in the year", "", "")],
            ("Figure", "This partnership", "National"),
        )
    return 0
