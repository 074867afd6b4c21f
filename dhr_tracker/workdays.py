"""England and Wales working-day calendar: bank holidays (with substitute and one-off days) and closure days.

Computed with python-dateutil only (`easter`, `relativedelta` weekdays); the `holidays` package is
deliberately not used (it pins python-dateutil below 3). The calendar itself is pure: build it with
the user's closure days, or load it from a database with `calendar_for(session)`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

NEW_YEAR = "New Year's Day"
GOOD_FRIDAY = "Good Friday"
EASTER_MONDAY = "Easter Monday"
EARLY_MAY = "Early May bank holiday"
SPRING = "Spring bank holiday"
SUMMER = "Summer bank holiday"
CHRISTMAS = "Christmas Day"
BOXING_DAY = "Boxing Day"
SUBSTITUTE = " (substitute day)"

# Regular bank holidays moved by proclamation: (year, name) -> the day it was held instead.
MOVED: dict[tuple[int, str], dt.date] = {
    (1995, EARLY_MAY): dt.date(1995, 5, 8),  # 50th anniversary of VE Day
    (2002, SPRING): dt.date(2002, 6, 4),  # Golden Jubilee
    (2012, SPRING): dt.date(2012, 6, 4),  # Diamond Jubilee
    (2020, EARLY_MAY): dt.date(2020, 5, 8),  # 75th anniversary of VE Day
    (2022, SPRING): dt.date(2022, 6, 2),  # Platinum Jubilee
}

# One-off bank holidays, in addition to the regular ones.
ONE_OFF: dict[dt.date, str] = {
    dt.date(1999, 12, 31): "Millennium celebrations",
    dt.date(2002, 6, 3): "Queen's Golden Jubilee",
    dt.date(2011, 4, 29): "Royal wedding",
    dt.date(2012, 6, 5): "Queen's Diamond Jubilee",
    dt.date(2022, 6, 3): "Platinum Jubilee bank holiday",
    dt.date(2022, 9, 19): "Bank holiday for the State Funeral of Queen Elizabeth II",
    dt.date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
}

SATURDAY, SUNDAY = 5, 6
ONE_DAY = dt.timedelta(days=1)


def _next_free_weekday(day: dt.date, taken: set[dt.date]) -> dt.date:
    """The first weekday on or after `day` that is not already a bank holiday (substitute-day rule)."""
    while day.weekday() >= SATURDAY or day in taken:
        day += dt.timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def england_and_wales_bank_holidays(year: int) -> dict[dt.date, str]:
    """Bank holidays in England and Wales for `year`: date -> name, as observed (substitute days included)."""
    days: dict[dt.date, str] = {}

    def regular(name: str, day: dt.date) -> None:
        days[MOVED.get((year, name), day)] = name

    # Fixed-date holidays falling on a weekend move to the next free weekday (substitute day).
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= SATURDAY:
        days[_next_free_weekday(new_year, set())] = NEW_YEAR + SUBSTITUTE
    else:
        days[new_year] = NEW_YEAR

    easter_sunday = easter(year)
    days[easter_sunday - dt.timedelta(days=2)] = GOOD_FRIDAY
    days[easter_sunday + dt.timedelta(days=1)] = EASTER_MONDAY
    if year >= 1978:
        regular(EARLY_MAY, dt.date(year, 5, 1) + relativedelta(weekday=MO(+1)))
    regular(SPRING, dt.date(year, 5, 31) + relativedelta(weekday=MO(-1)))
    regular(SUMMER, dt.date(year, 8, 31) + relativedelta(weekday=MO(-1)))

    # Christmas and Boxing Day: a weekday stays put; a weekend day takes the next free weekday.
    # (Christmas on Saturday: Mon 27 and Tue 28; on Sunday: Boxing Day Mon 26, Christmas Tue 27;
    # on Friday: Boxing Day Mon 28.)
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() < SATURDAY:
        days[christmas] = CHRISTMAS
    if boxing.weekday() < SATURDAY:
        days[boxing] = BOXING_DAY
    if christmas.weekday() >= SATURDAY:
        days[_next_free_weekday(christmas, set(days))] = CHRISTMAS + SUBSTITUTE
    if boxing.weekday() >= SATURDAY:
        days[_next_free_weekday(boxing, set(days))] = BOXING_DAY + SUBSTITUTE

    for day, name in ONE_OFF.items():
        if day.year == year:
            days[day] = name
    return dict(sorted(days.items()))


class WorkingDayCalendar:
    """Working days in England and Wales: not Saturday or Sunday, not a bank holiday, not a closure day."""

    def __init__(self, closure_days: Iterable[dt.date] = ()) -> None:
        self.closure_days: frozenset[dt.date] = frozenset(closure_days)
        self._off_by_year: dict[int, tuple[dt.date, ...]] = {}
        self._whole_years: dict[tuple[int, int], int] = {}

    def bank_holidays(self, year: int) -> dict[dt.date, str]:
        """Date -> name of each bank holiday in `year`, including substitute days and one-off holidays."""
        return dict(england_and_wales_bank_holidays(year))

    def is_working_day(self, day: dt.date) -> bool:
        """True unless `day` is a Saturday, a Sunday, a bank holiday or a closure day."""
        if day.weekday() >= SATURDAY or day in self.closure_days:
            return False
        return day not in england_and_wales_bank_holidays(day.year)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted); negative counts back.

        `add_working_days(start, 0)` is `start`, working day or not.
        """
        if days < 0:
            day, remaining = start, -days
            while remaining:
                day -= ONE_DAY
                if self.is_working_day(day):
                    remaining -= 1
            return day
        # Jump over whole weeks, then step again over the bank holidays and closure days jumped.
        day, remaining = start, days
        while remaining:
            end = _add_weekdays(day, remaining)
            remaining = self._off_weekdays_between(day, end)
            day = end
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; 0 if `end` is on or before `start`."""
        if end <= start:
            return 0
        weeks, extra = divmod((end - start).days, 7)
        count = weeks * 5
        day = start + dt.timedelta(days=weeks * 7)
        for _ in range(extra):
            day += ONE_DAY
            if day.weekday() < SATURDAY:
                count += 1
        return count - self._off_weekdays_between(start, end)

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def _off_weekdays(self, year: int) -> tuple[dt.date, ...]:
        """Bank holidays and closure days of `year` that fall on a weekday, sorted."""
        off = self._off_by_year.get(year)
        if off is None:
            days = set(england_and_wales_bank_holidays(year)) | {d for d in self.closure_days if d.year == year}
            off = self._off_by_year[year] = tuple(sorted(d for d in days if d.weekday() < SATURDAY))
        return off

    def _off_weekdays_between(self, start: dt.date, end: dt.date) -> int:
        """How many weekday bank holidays and closure days fall after `start`, up to and including `end`."""
        # (days off up to `end`) - (days off up to `start`), counting whole years between them once per pair of
        # years: an overdue deadline years old is asked about on every screen load.
        whole_years = 0
        if end.year > start.year:
            key = (start.year, end.year)
            remembered = self._whole_years.get(key)
            if remembered is None:
                remembered = self._whole_years[key] = sum(
                    len(self._off_weekdays(y)) for y in range(start.year, end.year)
                )
            whole_years = remembered
        return (
            whole_years
            + bisect_right(self._off_weekdays(end.year), end)
            - bisect_right(self._off_weekdays(start.year), start)
        )


def _add_weekdays(day: dt.date, count: int) -> dt.date:
    """`count` Mondays-to-Fridays after `day` (bank holidays not considered)."""
    if count <= 0:
        return day
    weekday = day.weekday()
    if weekday >= SATURDAY:  # counting from a weekend day is counting from the Friday before it
        day -= dt.timedelta(days=weekday - 4)
        weekday = 4
    weeks, rest = divmod(count, 5)
    # Whole weeks are 7 days each; the rest crosses a weekend (2 more days) if it runs past Friday.
    return day + dt.timedelta(days=weeks * 7 + rest + (2 if weekday + rest >= SATURDAY else 0))


class CachedCalendar(WorkingDayCalendar):
    """The working-day calendar with its answers remembered: many requests and deadlines share dates.

    Answers the two questions the deadline and escalation engines ask from memory; build one per
    computation (or per loaded calendar), as closure days change only with the settings.
    """

    def __init__(self, calendar: WorkingDayCalendar):
        super().__init__(calendar.closure_days)
        self.calendar = calendar
        self._add = lru_cache(maxsize=4096)(calendar.add_working_days)
        self._between = lru_cache(maxsize=8192)(calendar.working_days_between)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        return self._add(start, days)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        return self._between(start, end)


def calendar_for(session) -> WorkingDayCalendar:  # noqa: ANN001 - a SQLAlchemy Session
    """The working-day calendar with the closure days stored in the database (`ClosureDay` rows)."""
    from sqlalchemy import select

    from dhr_tracker.model.config import ClosureDay

    return WorkingDayCalendar(session.scalars(select(ClosureDay.day)).all())
