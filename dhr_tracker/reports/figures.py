"""The partnership's annual figures (calendar year), each traceable to the cases behind it.

Definitions (the test in tests/test_learning_kpi.py recomputes each from `deadlines --all-cases --format json`
and the JSON archive):
- decisions_in_time: decision deadlines met in the year; in time = no slippage (within the decision setting).
- home_office_told_in_time: "Home Office informed" deadlines met in the year; in time = no slippage.
- completed_within_6_months / _12_months: reviews completed in the year (partnership sign-off or first Home Office
  submission); within = completed on or before the decision date plus 6 (12) calendar months, pauses NOT
  added, so that the figure compares with the national one beside it.
- qa_outcomes_by_round: Home Office QA rounds whose feedback letter (else panel date) fell in the year, by round
  number and outcome.
- signoff_to_publication: reviews published in the year that have a partnership sign-off: the median days.
- recommendations_by_category: every recommendation by its latest implementation assessment dated on or before
  31 December of the year ("Not assessed" when none).
- update_rate_by_round: update rounds due in the year; per round, agency requests answered by the due date.
- escalations_by_level: escalation actions taken in the year, by ladder level.
- reviews_published, recommendations_signed_off: publications and sign-offs dated in the year.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeGuard

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind
from dhr_tracker.lifecycle.overview import caseload_overview
from dhr_tracker.model import (
    Case,
    EscalationAction,
    ImplementationAssessment,
    Milestone,
    Publication,
    QARound,
    Recommendation,
    UpdateRequest,
    UpdateRound,
)
from dhr_tracker.settings import QA_BODY_NAME, Settings
from dhr_tracker.vocabulary import ImplementationCategory, MilestoneKind

NATIONAL_SOURCE = "BBC analysis of the Home Office DHR library, June 2025"
NATIONAL_WITHIN_6 = "about 1% nationally"
NATIONAL_WITHIN_12 = "about 18% nationally"
COMMISSIONER_SOURCE = (
    "Domestic Abuse Commissioner, 'Learning from loss', July 2025 (110 national recommendations, 2019-21)"
)
COMMISSIONER_SHARES = {
    ImplementationCategory.FULLY_IMPLEMENTED: "25%",
    ImplementationCategory.ALREADY_HAPPENING: "25%",
    ImplementationCategory.PARTLY_MET: "20%",
    ImplementationCategory.NOT_MET: "8%",
    ImplementationCategory.NO_INFORMATION: "21%",
}
NOT_ASSESSED = "Not assessed"


@dataclass(frozen=True)
class CaseLine:
    """One case behind a figure, with what it contributes ("decided 12 days late")."""

    reference: str
    pseudonym: str
    detail: str


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: int  # the count (or, for a median, the days)
    total: int | None = None  # "value of total" when the figure is a share
    cases: tuple[CaseLine, ...] = ()
    national: str = ""  # the national comparison, with its source in Figure.source

    @property
    def shown(self) -> str:
        if self.total is None:
            return str(self.value)
        share = f" ({round(100 * self.value / self.total)}%)" if self.total else ""
        return f"{self.value} of {self.total}{share}"


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    rows: tuple[FigureRow, ...]
    note: str = ""
    source: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "note": self.note,
            "source": self.source,
            "rows": [
                {
                    "label": r.label,
                    "value": r.value,
                    "total": r.total,
                    "national": r.national,
                    "references": sorted({c.reference for c in r.cases}),
                }
                for r in self.rows
            ],
        }


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    as_of: dt.date
    figures: tuple[Figure, ...] = field(default_factory=tuple)

    def figure(self, name: str) -> Figure:
        for figure in self.figures:
            if figure.name == name:
                return figure
        raise UserError(f"There is no figure '{name}'. The figures are: {', '.join(f.name for f in self.figures)}.")


def _in_year(day: dt.date | None, year: int) -> TypeGuard[dt.date]:
    return day is not None and day.year == year


def _late(days: int) -> str:
    return "in time" if days == 0 else f"{days} day{'s' if days != 1 else ''} late"


_MetDeadline = tuple[str, str, Deadline]  # case reference, pseudonym, a deadline met in the year


def _deadline_figures(session: Session, year: int, as_of: dt.date) -> list[Figure]:
    settings = Settings(session)
    overviews = caseload_overview(session, as_of, open_only=False)
    decisions: list[_MetDeadline] = []
    informed: list[_MetDeadline] = []
    completed: list[_MetDeadline] = []
    for overview in overviews:
        for d in overview.deadlines:
            if d.status.value != "met" or not _in_year(d.met_on, year):
                continue
            entry = (overview.facts.reference, overview.facts.pseudonym, d)
            if d.milestone is DeadlineKind.DECISION:
                decisions.append(entry)
            elif d.milestone is DeadlineKind.HOME_OFFICE_INFORMED:
                informed.append(entry)
            elif d.milestone is DeadlineKind.COMPLETION:
                completed.append(entry)

    def share(name: str, title: str, label: str, entries: list[_MetDeadline], note: str = "") -> Figure:
        lines = tuple(
            CaseLine(ref, pseudo, f"{d.label} {format_date(d.met_on)}, {_late(d.slippage_days)}")
            for ref, pseudo, d in entries
        )
        on_time = sum(1 for _, _, d in entries if d.slippage_days == 0)
        return Figure(name, title, (FigureRow(label, on_time, len(entries), lines),), note)

    months = settings.get("timescales.dhr_2016.decision_months")
    figures = [
        share(
            "decisions_in_time",
            "Decisions on whether to review",
            f"Decided within {months} month{'s' if months != 1 else ''} of notification",
            decisions,
            "Decisions recorded in the year; 'in time' by the decision timescale of each case's guidance, pauses added.",
        ),
        share(
            "home_office_told_in_time",
            "Home Office told of the decision",
            "Told within the set time",
            informed,
            "Home Office notifications recorded in the year, against the working-day timescale setting.",
        ),
    ]
    rows = []
    for months, national in ((6, NATIONAL_WITHIN_6), (12, NATIONAL_WITHIN_12)):
        lines, within = [], 0
        for ref, pseudo, d in completed:
            assert d.met_on is not None, "only deadlines met in the year were kept"
            limit = d.starts_on + relativedelta(months=months)
            ok = d.met_on <= limit
            within += ok
            elapsed = (d.met_on - d.starts_on).days
            lines.append(
                CaseLine(
                    ref,
                    pseudo,
                    f"decided {format_date(d.starts_on)}, completed {format_date(d.met_on)} "
                    f"({elapsed} days){'' if ok else f', over {months} months'}",
                )
            )
        rows.append(
            FigureRow(
                f"Completed within {months} months of the decision", within, len(completed), tuple(lines), national
            )
        )
    figures.append(
        Figure(
            "completed_within_months",
            "Reviews completed in the year",
            tuple(rows),
            "Completed = partnership sign-off or first Home Office submission. Elapsed time, pauses not added, "
            "as the national figures count it.",
            NATIONAL_SOURCE,
        )
    )
    return figures


def _cases(session: Session) -> dict[int, Case]:
    return {case.id: case for case in session.scalars(select(Case))}


def annual_figures(session: Session, year: int, *, today: dt.date | None = None) -> AnnualFigures:
    """Every figure for the calendar year `year`, as the record stood on 31 December (or today, if earlier)."""
    if not 2011 <= year <= 2100:
        raise UserError(f"The year must be between 2011 (reviews began) and 2100, not {year}.")
    today = today or today_uk()
    end = dt.date(year, 12, 31)
    as_of = min(end, today)
    if dt.date(year, 1, 1) > today:
        raise UserError(f"{year} has not begun yet (today is {format_date(today)}).")
    cases = _cases(session)
    figures = _deadline_figures(session, year, as_of)

    # Home Office QA outcomes by round.
    outcomes: dict[tuple[int, str], list[CaseLine]] = defaultdict(list)
    for r in session.scalars(select(QARound).order_by(QARound.round_number)):
        day = r.feedback_letter_on or r.panel_on
        if r.outcome is None or not _in_year(day, year) or day > as_of:
            continue
        case = cases[r.case_id]
        outcomes[(r.round_number, r.outcome.label)].append(
            CaseLine(case.reference, case.pseudonym, f"round {r.round_number}, {format_date(day)}")
        )
    qa_body = Settings(session).get(QA_BODY_NAME)
    figures.append(
        Figure(
            "qa_outcomes_by_round",
            f"Home Office {qa_body}: outcomes by round",
            tuple(
                FigureRow(f"Round {number}: {label}", len(lines), None, tuple(lines))
                for (number, label), lines in sorted(outcomes.items())
            ),
            "Rounds whose feedback letter (or, without one, the panel) fell in the year.",
        )
    )

    # Time from partnership sign-off to publication.
    signoffs: dict[int, dt.date] = {}
    for case_id, day in session.execute(
        select(Milestone.case_id, Milestone.occurred_on)
        .where(Milestone.kind == MilestoneKind.PARTNERSHIP_SIGNOFF)
        .order_by(Milestone.occurred_on)
    ):
        signoffs.setdefault(case_id, day)
    waits, lines = [], []
    for p in session.scalars(select(Publication)):
        if not _in_year(p.published_on, year) or p.published_on > as_of or p.case_id not in signoffs:
            continue
        days = (p.published_on - signoffs[p.case_id]).days
        waits.append(days)
        case = cases[p.case_id]
        lines.append(
            CaseLine(
                case.reference,
                case.pseudonym,
                f"signed off {format_date(signoffs[p.case_id])}, published {format_date(p.published_on)}: {days} days",
            )
        )
    median = (FigureRow("Median days", round(statistics.median(waits)), None, tuple(lines)),) if waits else ()
    figures.append(
        Figure(
            "signoff_to_publication",
            "From partnership sign-off to publication",
            (
                *median,
                FigureRow("Reviews published with a recorded sign-off", len(waits), None, tuple(lines)),
            ),
            "Reviews published in the year; no median without one.",
        )
    )

    # Recommendations by implementation category, as assessed by the year's end.
    recs = {rec.id: rec for rec in session.scalars(select(Recommendation))}
    latest: dict[int, ImplementationAssessment] = {}
    for a in session.scalars(
        select(ImplementationAssessment).order_by(ImplementationAssessment.assessed_on, ImplementationAssessment.id)
    ):
        if a.assessed_on <= as_of:
            latest[a.recommendation_id] = a
    by_category: dict[str, list[CaseLine]] = {
        label: [] for label in (*(c.label for c in ImplementationCategory), NOT_ASSESSED)
    }
    for rec_id, rec in sorted(recs.items()):
        case = cases[rec.case_id]
        assessment = latest.get(rec_id)
        label = assessment.category.label if assessment else NOT_ASSESSED
        by_category[label].append(
            CaseLine(
                case.reference,
                case.pseudonym,
                f"recommendation {rec.number}"
                + (f", assessed {format_date(assessment.assessed_on)}" if assessment else ""),
            )
        )
    national = {c.label: f"{share} nationally" for c, share in COMMISSIONER_SHARES.items()}
    figures.append(
        Figure(
            "recommendations_by_category",
            "Recommendations by implementation (the Commissioner's categories)",
            tuple(
                FigureRow(label, len(lines), len(recs), tuple(lines), national.get(label, ""))
                for label, lines in by_category.items()
            ),
            f"Every recommendation, by its latest assessment dated on or before {format_date(as_of)}.",
            COMMISSIONER_SOURCE,
        )
    )

    # Agencies' on-time update rate by round.
    rows = []
    rounds = session.scalars(
        select(UpdateRound)
        .options(selectinload(UpdateRound.requests).selectinload(UpdateRequest.items))
        .order_by(UpdateRound.due_on)
    )
    for rnd in rounds:
        if not _in_year(rnd.due_on, year) or rnd.due_on > as_of:
            continue
        on_time = [q for q in rnd.requests if q.received_on is not None and q.received_on <= q.due_on]
        lines = []
        for q in rnd.requests:
            state = (
                "in time"
                if q in on_time
                else (f"received {format_date(q.received_on)}" if q.received_on else "not received")
            )
            for ref, pseudo in sorted(
                {
                    (
                        cases[recs[i.recommendation_id].case_id].reference,
                        cases[recs[i.recommendation_id].case_id].pseudonym,
                    )
                    for i in q.items
                }
            ):
                lines.append(CaseLine(ref, pseudo, f"{q.agency.name}: {state}"))
        rows.append(FigureRow(f"Round due {format_date(rnd.due_on)}", len(on_time), len(rnd.requests), tuple(lines)))
    figures.append(
        Figure(
            "update_rate_by_round",
            "Agencies' updates received by the due date, by round",
            tuple(rows),
            "Each agency asked in a round counts once; on time = received on or before its due date.",
        )
    )

    # Escalations by level.
    levels: dict[int, list[EscalationAction]] = defaultdict(list)
    actions = session.scalars(
        select(EscalationAction).options(selectinload(EscalationAction.request).selectinload(UpdateRequest.items))
    )
    for action in actions:
        if _in_year(action.taken_on, year) and action.taken_on <= as_of:
            levels[action.level].append(action)
    rows = []
    for level, taken in sorted(levels.items()):
        lines = []
        for action in taken:
            for case in sorted(
                {cases[recs[i.recommendation_id].case_id] for i in action.request.items}, key=lambda c: c.reference
            ):
                lines.append(
                    CaseLine(
                        case.reference,
                        case.pseudonym,
                        f"{action.request.agency.name}, level {level}, {format_date(action.taken_on)}",
                    )
                )
        rows.append(FigureRow(f"Level {level}", len(taken), None, tuple(lines)))
    figures.append(
        Figure(
            "escalations_by_level",
            "Escalations of late updates, by level",
            tuple(rows),
            "Escalation steps taken in the year (one per agency request and level); the cases are those the "
            "request covered.",
        )
    )

    published = [
        CaseLine(cases[p.case_id].reference, cases[p.case_id].pseudonym, f"published {format_date(p.published_on)}")
        for p in session.scalars(select(Publication))
        if _in_year(p.published_on, year) and p.published_on <= as_of
    ]
    signed = [
        CaseLine(
            cases[r.case_id].reference,
            cases[r.case_id].pseudonym,
            f"recommendation {r.number} signed off {format_date(r.signed_off_on)}",
        )
        for r in recs.values()
        if _in_year(r.signed_off_on, year) and r.signed_off_on <= as_of
    ]
    figures.append(
        Figure(
            "published_and_signed_off",
            "Reviews published and recommendations signed off",
            (
                FigureRow(
                    "Reviews published after Home Office quality assurance", len(published), None, tuple(published)
                ),
                FigureRow("Recommendations implemented and signed off", len(signed), None, tuple(signed)),
            ),
        )
    )
    return AnnualFigures(year, as_of, tuple(figures))
