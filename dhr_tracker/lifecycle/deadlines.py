"""The deadline engine (pure): each milestone's due date, status and slippage from a case's facts and a date.

    deadlines = compute_deadlines(facts, as_of)                       # defaults from the declared settings
    deadlines = compute_deadlines(facts, as_of, timescales_from_settings(session), calendar_for(session))

Rules (written for users in docs/USER_GUIDE.md, "Deadlines"):
- decision: `decision_months` calendar months after notification; met by the decision.
- Home Office informed: `home_office_informed_working_days` working days after the decision; met when recorded.
- scoping (DARDR only): `scoping_months` after a decision to review; met by "Scoping completed".
- IMR from each agency: `imr_working_days` working days after it was requested; met when that agency's IMR
  is received.
- completion: `completion_months` after a decision to review; met by partnership sign-off or the first Home
  Office submission, whichever is earlier.
- copy to the Secretary of State and the Domestic Abuse Commissioner (DARDR only): the
  `copy_to_secretary_of_state_working_days` setting after completion; met by that milestone.
Calendar months clamp to the month's end (31 January + 1 month = 28 or 29 February). A decision not to review needs
no completion, scoping or IMRs. Cross-border cases (commissioned by another partnership) have only the IMR
deadlines: the other partnership owns the rest. A closed case keeps its met deadlines; unmet ones lapse.

Pauses extend every deadline whose clock they overlap by the length of the overlap (calendar days for months,
working days for working-day deadlines); a pause still in force counts up to `as_of`, and the deadline's
status is "paused". A pause stops counting for a deadline once it is met. The facts are first cut to the
ones dated on or before `as_of` (`CaseFacts.as_of`), so a past `as_of` shows the position on that day.

Units: every count of days on a Deadline (`days_overdue`, `slippage_days`, `paused_days`) is in the
deadline's own unit, `unit`: working days for working-day deadlines (Home Office informed, IMRs),
calendar days for deadlines counted in months.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import asdict, dataclass
from enum import StrEnum

from dhr_tracker.lifecycle.facts import CaseFacts, PauseFact
from dhr_tracker.vocabulary import Decision, GuidanceProfile, MilestoneKind
from dhr_tracker.workdays import WorkingDayCalendar

MONTHS, WORKING_DAYS = "months", "working_days"
CALENDAR_DAYS = "calendar_days"  # the unit of the counts on a deadline whose timescale is in months
ONE_DAY = dt.timedelta(days=1)


class DeadlineStatus(StrEnum):
    MET = "met"  # the milestone happened (on time or late: see slippage_days)
    DUE = "due"  # not yet happened, not yet late
    OVERDUE = "overdue"  # not happened and the due date has passed
    PAUSED = "paused"  # not happened and a pause is in force

    @property
    def label(self) -> str:
        return {"met": "Met", "due": "Due", "overdue": "Overdue", "paused": "Paused"}[self.value]


class DeadlineKind(StrEnum):
    """The deadlines the engine computes (the `milestone` key of a Deadline)."""

    DECISION = "decision"
    HOME_OFFICE_INFORMED = "home_office_informed"
    SCOPING = "scoping"
    IMR = "imr"
    COMPLETION = "completion"
    COPY_TO_SECRETARY_OF_STATE = "copy_to_secretary_of_state"

    @property
    def label(self) -> str:
        return {
            "decision": "Decision on whether to review",
            "home_office_informed": "Home Office informed of decision",
            "scoping": "Scoping completed",
            "imr": "IMR received",
            "completion": "Review completed",
            "copy_to_secretary_of_state": "Copy to the Secretary of State and the Domestic Abuse Commissioner",
        }[self.value]


@dataclass(frozen=True)
class Timescale:
    amount: int
    unit: str  # MONTHS or WORKING_DAYS


@dataclass(frozen=True)
class Timescales:
    """One guidance profile's timescales (`scoping` None: no scoping deadline). No defaults here: the
    defaults are the declared settings (`default_timescales()`), their one home."""

    decision: Timescale
    home_office_informed: Timescale
    imr: Timescale
    completion: Timescale
    scoping: Timescale | None = None
    copy_to_secretary_of_state: Timescale | None = None  # DARDR only


def default_timescales() -> dict[GuidanceProfile, Timescales]:
    """The timescales of each profile with every setting at its declared default (no database needed)."""
    from dhr_tracker import settings

    return _timescales(lambda key: settings.SETTINGS[key].default)


def timescales_from_settings(session) -> dict[GuidanceProfile, Timescales]:  # noqa: ANN001 - a Session
    """The timescales of each profile as the user has set them."""
    from dhr_tracker.settings import Settings

    return _timescales(Settings(session).get)


def _timescales(get) -> dict[GuidanceProfile, Timescales]:  # noqa: ANN001
    result = {}
    for profile, key in ((GuidanceProfile.DHR_2016, "dhr_2016"), (GuidanceProfile.DARDR, "dardr")):
        result[profile] = Timescales(
            decision=Timescale(get(f"timescales.{key}.decision_months"), MONTHS),
            home_office_informed=Timescale(get(f"timescales.{key}.home_office_informed_working_days"), WORKING_DAYS),
            imr=Timescale(get(f"timescales.{key}.imr_working_days"), WORKING_DAYS),
            completion=Timescale(get(f"timescales.{key}.completion_months"), MONTHS),
            scoping=Timescale(get("timescales.dardr.scoping_months"), MONTHS)
            if profile is GuidanceProfile.DARDR
            else None,
            copy_to_secretary_of_state=Timescale(
                get("timescales.dardr.copy_to_secretary_of_state_working_days"), WORKING_DAYS
            )
            if profile is GuidanceProfile.DARDR
            else None,
        )
    return result


@dataclass(frozen=True)
class Deadline:
    """One milestone's deadline on one case, as of a date.

    `due` includes the days added by pauses (`paused_days`); `base_due` is the date without them.
    `days_overdue` is how many days past `due` an unmet deadline is (0 otherwise); `slippage_days` is how late
    the milestone is or was: days past due when met late or still outstanding (0 when on time).
    """

    reference: str
    milestone: DeadlineKind
    starts_on: dt.date
    base_due: dt.date
    due: dt.date
    status: DeadlineStatus
    met_on: dt.date | None = None
    days_overdue: int = 0
    slippage_days: int = 0
    paused_days: int = 0
    agency: str = ""
    case_id: int | None = None
    unit: str = CALENDAR_DAYS  # the unit of the three counts: WORKING_DAYS or CALENDAR_DAYS

    @property
    def label(self) -> str:
        return f"{self.milestone.label} ({self.agency})" if self.agency else self.milestone.label

    @property
    def met_late(self) -> bool:
        return self.status is DeadlineStatus.MET and self.slippage_days > 0

    def days_text(self, count: int) -> str:
        """A count of this deadline's days, naming them: "1 working day", "108 days"."""
        return days_text(count, self.unit)

    @property
    def verdict(self) -> str:
        """The status in words, honest about lateness: "Met late (108 days)", "Overdue by 3 working days"."""
        if self.status is DeadlineStatus.MET:
            return f"Met late ({self.days_text(self.slippage_days)})" if self.slippage_days else "Met"
        if self.status is DeadlineStatus.OVERDUE:
            return f"Overdue by {self.days_text(self.days_overdue)}"
        return self.status.label

    def to_dict(self) -> dict:
        """Plain JSON-ready values: dates as ISO strings, enums as their values."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
            elif isinstance(value, StrEnum):
                data[key] = value.value
        data["label"] = self.label
        data["verdict"] = self.verdict
        return data


def days_text(count: int, unit: str) -> str:
    """`count` days of `unit` in words: "1 working day", "5 working days", "1 day", "108 days"."""
    noun = "working day" if unit == WORKING_DAYS else "day"
    return f"{count} {noun}{'' if count == 1 else 's'}"


def add_months(start: dt.date, count: int) -> dt.date:
    """`start` plus `count` calendar months, the day clamped to the month's end (as relativedelta does:
    31 January + 1 month = 28 or 29 February); a few integer steps, as the overview asks thousands of times."""
    months = start.month - 1 + count
    year, month = start.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(start.day, monthrange(year, month)[1]))


def advance(start: dt.date, timescale: Timescale, calendar: WorkingDayCalendar) -> dt.date:
    """`start` plus the timescale: calendar months (end-of-month clamped) or working days."""
    if timescale.unit == MONTHS:
        return add_months(start, timescale.amount)
    return calendar.add_working_days(start, timescale.amount)


def _pause_periods(pauses: tuple[PauseFact, ...], as_of: dt.date) -> list[tuple[dt.date, dt.date, bool]]:
    """Pauses started by `as_of`, cut at `as_of`, merged where they overlap: (start, end, in force on as_of)."""
    periods: list[list] = []
    for pause in sorted(pauses, key=lambda p: p.starts_on):
        if pause.starts_on > as_of:
            continue
        open_now = pause.ends_on is None or pause.ends_on >= as_of
        end = as_of if open_now else pause.ends_on
        if periods and pause.starts_on <= periods[-1][1] + ONE_DAY:
            periods[-1][1] = max(periods[-1][1], end)
            periods[-1][2] = periods[-1][2] or open_now
        else:
            periods.append([pause.starts_on, end, open_now])
    return [tuple(period) for period in periods]


def _deadline(
    facts: CaseFacts,
    milestone: DeadlineKind,
    starts_on: dt.date,
    timescale: Timescale,
    met_on: dt.date | None,
    as_of: dt.date,
    calendar: WorkingDayCalendar,
    pauses: list[tuple[dt.date, dt.date, bool]],
    agency: str = "",
) -> Deadline:
    if met_on is not None and met_on > as_of:
        met_on = None
    base_due = advance(starts_on, timescale, calendar)
    due, paused_days, paused_now = base_due, 0, False
    in_working_days = timescale.unit == WORKING_DAYS
    for start, end, open_now in pauses:
        if end <= starts_on:
            continue  # the pause ended before this clock started
        if start > due or (met_on is not None and start > met_on):
            break  # the pause began after the deadline (or after the milestone was met)
        if met_on is not None and end > met_on:
            end, open_now = met_on, False  # a pause stops counting once the deadline is met
        first = max(start, starts_on + ONE_DAY)
        if in_working_days:
            length = calendar.working_days_between(first - ONE_DAY, end)
            due = calendar.add_working_days(due, length)
        else:
            length = (end - first).days + 1
            due += dt.timedelta(days=length)
        paused_days += length
        paused_now = paused_now or open_now

    if met_on is not None:
        status, days_overdue, slippage = DeadlineStatus.MET, 0, _late(met_on, due, in_working_days, calendar)
    elif paused_now:
        status, days_overdue, slippage = DeadlineStatus.PAUSED, 0, 0
    elif as_of > due:
        status, days_overdue = DeadlineStatus.OVERDUE, _late(as_of, due, in_working_days, calendar)
        slippage = days_overdue
    else:
        status, days_overdue, slippage = DeadlineStatus.DUE, 0, 0
    return Deadline(
        reference=facts.reference,
        milestone=milestone,
        starts_on=starts_on,
        base_due=base_due,
        due=due,
        status=status,
        met_on=met_on,
        days_overdue=days_overdue,
        slippage_days=slippage,
        paused_days=paused_days,
        agency=agency,
        case_id=facts.case_id,
        unit=WORKING_DAYS if in_working_days else CALENDAR_DAYS,
    )


def _late(day: dt.date, due: dt.date, in_working_days: bool, calendar: WorkingDayCalendar) -> int:
    """How far `day` is past the due date, in the deadline's unit (0 if not past it)."""
    if day <= due:
        return 0
    if in_working_days:
        # A weekend or bank holiday just after the due date is already late, though no working day has passed.
        return max(1, calendar.working_days_between(due, day))
    return (day - due).days


def _on_or_before(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_of else None


def compute_deadlines(
    facts: CaseFacts,
    as_of: dt.date,
    timescales: dict[GuidanceProfile, Timescales] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[Deadline]:
    """Every deadline of one case as of `as_of`, in order of due date (see the module docstring for the rules)."""
    timescales = timescales or default_timescales()
    calendar = calendar or WorkingDayCalendar()
    scale = timescales[facts.guidance_profile]
    if facts.notified_on > as_of:
        return []
    facts = facts.as_of(as_of)
    closed = facts.closed_on is not None and facts.closed_on <= as_of
    decided_on = _on_or_before(facts.decided_on, as_of)
    reviewing = decided_on is not None and facts.decision is Decision.REVIEW
    result: list[Deadline] = []
    pauses = _pause_periods(facts.pauses, as_of) if facts.pauses else []  # the same for each of the case's deadlines

    def add(
        milestone: DeadlineKind, start: dt.date, timescale: Timescale, met_on: dt.date | None, agency: str = ""
    ) -> None:
        deadline = _deadline(facts, milestone, start, timescale, met_on, as_of, calendar, pauses, agency)
        if closed and deadline.status is not DeadlineStatus.MET:
            return  # a closed case's unmet deadlines lapse
        result.append(deadline)

    if not facts.is_cross_border:
        add(DeadlineKind.DECISION, facts.notified_on, scale.decision, decided_on)
        if decided_on is not None:
            informed = [day for day in facts.dates_of(MilestoneKind.HOME_OFFICE_INFORMED) if day >= decided_on]
            add(
                DeadlineKind.HOME_OFFICE_INFORMED,
                decided_on,
                scale.home_office_informed,
                informed[0] if informed else None,
            )
        if reviewing and decided_on is not None and scale.scoping is not None:
            add(DeadlineKind.SCOPING, decided_on, scale.scoping, facts.first(MilestoneKind.SCOPING_COMPLETED))
        if reviewing and decided_on is not None:
            done = [
                day
                for day in (
                    facts.first(MilestoneKind.PARTNERSHIP_SIGNOFF),
                    min((r.submitted_on for r in facts.qa_rounds), default=None),
                )
                if day
            ]
            add(DeadlineKind.COMPLETION, decided_on, scale.completion, min(done) if done else None)
            completed_on = _on_or_before(min(done), as_of) if done else None
            if scale.copy_to_secretary_of_state is not None and completed_on is not None:
                add(
                    DeadlineKind.COPY_TO_SECRETARY_OF_STATE,
                    completed_on,
                    scale.copy_to_secretary_of_state,
                    facts.first(MilestoneKind.COPY_TO_SECRETARY_OF_STATE),
                )

    if reviewing or facts.is_cross_border:
        received = [m for m in facts.milestones if m.kind is MilestoneKind.IMR_RECEIVED]
        for request in (m for m in facts.milestones if m.kind is MilestoneKind.IMR_REQUESTED):
            if request.occurred_on > as_of:
                continue
            got = [
                m.occurred_on
                for m in received
                if m.agency_id == request.agency_id and m.occurred_on >= request.occurred_on
            ]
            add(DeadlineKind.IMR, request.occurred_on, scale.imr, min(got) if got else None, request.agency)

    result.sort(key=lambda d: (d.due, d.milestone.value, d.agency))
    return result


def deadlines_for_cases(
    facts_list: list[CaseFacts],
    as_of: dt.date,
    timescales: dict[GuidanceProfile, Timescales] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[Deadline]:
    """Every deadline of every case given, ordered by case reference then due date."""
    timescales = timescales or default_timescales()
    calendar = calendar or WorkingDayCalendar()
    return [deadline for facts in facts_list for deadline in compute_deadlines(facts, as_of, timescales, calendar)]
