"""Legal periods (法定期间): when a period served on a given day falls due.

Pure functions and values, no database: the cases, the sweep and ``phaseout deadline`` all call
:func:`due_date`, so a deadline is computed the same way everywhere. Which calendar it is computed
on is the caller's to pass (``phaseout.enforcement.calendars.current_calendar()`` reads the years
an administrator has loaded); without one, the calendar of the ``chinesecalendar`` package.

The rules (《民事诉讼法》第八十五条, which 《行政处罚法》 and administrative procedure follow
for the computation of periods):

* 期间以时、日、月、年计算。期间开始的时和日，不计算在期间内 — the period starts the day
  after service;
* a period of months is counted in calendar months: it ends on the day of the last month with the
  same number as the day of service, and if that month has no such day, on its last day
  (送达 2025-08-31，6个月 → 2026-02-28);
* 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期 — a last day that is a
  weekend rest day or a statutory holiday moves to the next working day.

Working days come from a :class:`LegalCalendar`: per year, the official arrangement published by
国务院办公厅 (关于XXXX年部分节假日安排的通知) — the days off of each statutory holiday and the
Saturdays and Sundays worked in their place (调休上班). The package supplies the years it ships
with; an administrator loads a newly published year (``phaseout calendar load``, see
docs/deadlines.md), and a loaded year replaces the package's data for that year. A year the
calendar does not cover yet is computed on weekends alone (Monday to Friday are working days)
and the deadline is marked *provisional*; it is recomputed when the year is loaded.
"""

from __future__ import annotations

import datetime
import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "HOLIDAY",
    "REST_DAY",
    "Deadline",
    "LegalCalendar",
    "YearArrangement",
    "add_months",
    "calendar_years",
    "due_date",
    "is_workday",
    "next_workday",
    "period_of",
]

HOLIDAY = "法定节假日"  # a day off of a statutory holiday (春节, 国庆节, ...), weekend or not
REST_DAY = "休息日"  # an ordinary Saturday or Sunday


@dataclass(frozen=True, eq=True)
class YearArrangement:
    """One year's official arrangement (国务院办公厅关于XXXX年部分节假日安排的通知): every day
    off of a statutory holiday with the holiday's name, and the Saturdays and Sundays worked in
    their place (调休上班). Weekends outside the holidays are implicit."""

    year: int
    holidays: Mapping[datetime.date, str]
    workdays: frozenset[datetime.date]

    def __post_init__(self) -> None:
        holidays = MappingProxyType(dict(self.holidays))
        workdays = frozenset(self.workdays)
        stray = [day for day in (*holidays, *workdays) if day.year != self.year]
        if stray:
            raise ValueError(f"{min(stray)} is not in {self.year}")
        if holidays.keys() & workdays:
            raise ValueError(f"{min(holidays.keys() & workdays)} is both a holiday and a workday")
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "workdays", workdays)

    def __hash__(self) -> int:
        return hash((self.year, frozenset(self.holidays.items()), self.workdays))


@dataclass(frozen=True, eq=True)
class LegalCalendar:
    """The official holiday and make-up workday calendar, for the years it covers.

    A day of a covered year is a working day when it is a make-up workday, or a Monday to Friday
    that is not a holiday; a day of a year not covered, when it is a Monday to Friday."""

    holidays: Mapping[datetime.date, str]  # statutory holiday days off → the holiday (春节)
    workdays: frozenset[datetime.date]  # 调休上班
    years: frozenset[int]  # the years whose arrangement is loaded

    def __post_init__(self) -> None:
        holidays = MappingProxyType(dict(self.holidays))
        workdays = frozenset(self.workdays)
        years = frozenset(self.years)
        stray = [day for day in (*holidays, *workdays) if day.year not in years]
        if stray:
            raise ValueError(f"{min(stray)} is in a year the calendar does not cover")
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "workdays", workdays)
        object.__setattr__(self, "years", years)

    def __hash__(self) -> int:
        return hash((self.years, frozenset(self.holidays.items()), self.workdays))

    @classmethod
    def from_package(cls) -> LegalCalendar:
        """The calendar shipped in the ``chinesecalendar`` package (its version is pinned in
        uv.lock). Built once per process."""
        return _package_calendar()

    @classmethod
    def from_years(cls, arrangements: Iterable[YearArrangement]) -> LegalCalendar:
        return cls(holidays={}, workdays=frozenset(), years=frozenset()).with_years(arrangements)

    def with_years(self, arrangements: Iterable[YearArrangement]) -> LegalCalendar:
        """This calendar with the given years loaded: a year given replaces this calendar's
        data for that year, the other years are kept."""
        arrangements = list(arrangements)
        replaced = {arrangement.year for arrangement in arrangements}
        if len(replaced) != len(arrangements):
            raise ValueError("a year is given twice")
        holidays = {day: name for day, name in self.holidays.items() if day.year not in replaced}
        workdays = {day for day in self.workdays if day.year not in replaced}
        for arrangement in arrangements:
            holidays.update(arrangement.holidays)
            workdays.update(arrangement.workdays)
        return LegalCalendar(
            holidays=holidays, workdays=frozenset(workdays), years=self.years | replaced
        )

    def arrangement(self, year: int) -> YearArrangement | None:
        """The arrangement of one year, or None when the year is not covered."""
        if year not in self.years:
            return None
        return YearArrangement(
            year=year,
            holidays={day: name for day, name in self.holidays.items() if day.year == year},
            workdays=frozenset(day for day in self.workdays if day.year == year),
        )

    def covers(self, year: int) -> bool:
        """Whether the official arrangement of ``year`` is loaded."""
        return year in self.years

    def is_workday(self, day: datetime.date) -> bool:
        if day.year in self.years:
            return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)
        return day.weekday() < 5

    def next_workday(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_workday(day):
            day += datetime.timedelta(days=1)
        return day

    def rest_kind(self, day: datetime.date) -> str | None:
        """法定节假日 for a day off of a statutory holiday, 休息日 for an ordinary weekend day,
        None for a working day."""
        if self.is_workday(day):
            return None
        return HOLIDAY if day in self.holidays else REST_DAY

    def holiday_name(self, day: datetime.date) -> str | None:
        """The statutory holiday ``day`` is a day off of (春节), if any."""
        return self.holidays.get(day)


@cache
def _package_calendar() -> LegalCalendar:
    holidays = {day: _chinese_name(name) for day, name in chinese_calendar.holidays.items()}
    return LegalCalendar(
        holidays=holidays,
        workdays=frozenset(chinese_calendar.workdays),
        # The package's data covers whole years; its own range check is min to max year.
        years=frozenset({day.year for day in holidays}),
    )


def _chinese_name(english: str) -> str:
    """The package keys its holidays by English name; the calendar names them in Chinese."""
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def calendar_years() -> range:
    """The years for which the ``chinesecalendar`` package has the official arrangement (a
    contiguous span). For a calendar with years an administrator loaded, ask
    :meth:`LegalCalendar.covers` or read :attr:`LegalCalendar.years`."""
    years = LegalCalendar.from_package().years
    return range(min(years), max(years) + 1)


def is_workday(day: datetime.date, calendar: LegalCalendar | None = None) -> bool:
    """A working day: the official calendar (holidays and 调休 make-up workdays) when the year
    is loaded, otherwise Monday to Friday. Without ``calendar``, the package's."""
    return (calendar or LegalCalendar.from_package()).is_workday(day)


def next_workday(day: datetime.date, calendar: LegalCalendar | None = None) -> datetime.date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    return (calendar or LegalCalendar.from_package()).next_workday(day)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later; the month's last day if it has no such day
    (2025-08-31 + 6 → 2026-02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise OverflowError(f"year {year} is out of range")
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadline:
    served: datetime.date
    months: int
    days: int
    nominal_end: datetime.date  # the last day of the period before the rest-day shift
    due: datetime.date  # the day the period ends
    shifted_from: datetime.date | None  # nominal_end when it was a rest day or holiday
    provisional: bool  # a year touched has no official calendar loaded: weekends only
    explanation: str

    def as_dict(self) -> dict:
        return {
            "served": self.served.isoformat(),
            "months": self.months,
            "days": self.days,
            "nominal_end": self.nominal_end.isoformat(),
            "due": self.due.isoformat(),
            "shifted_from": self.shifted_from.isoformat() if self.shifted_from else None,
            "provisional": self.provisional,
            "explanation": self.explanation,
        }


# The start of every explanation: the inputs of the computation, which no calendar changes.
_BASIS = re.compile(r"送达 (\d{4}-\d{2}-\d{2})，(?:(\d+)个月)?(?:(\d+)日)?，届满 \d{4}-\d{2}-\d{2}")


def period_of(explanation: str) -> tuple[datetime.date, int, int] | None:
    """The period a deadline's explanation was computed from, as ``(served, months, days)``, or
    None when the text does not start like one. A stored deadline is recomputed on another
    calendar from its own explanation: ``due_date(served, months, days=days, calendar=...)``."""
    match = _BASIS.match(explanation or "")
    if match is None:
        return None
    try:
        served = datetime.date.fromisoformat(match[1])
    except ValueError:
        return None
    months, days = int(match[2] or 0), int(match[3] or 0)
    if not (months or days):
        return None
    return served, months, days


def due_date(
    served: datetime.date,
    months: int = 0,
    *,
    days: int = 0,
    calendar: LegalCalendar | None = None,
) -> Deadline:
    """The deadline of a period of ``months`` calendar months and ``days`` days served on
    ``served``, on ``calendar`` (by default the package's). Months are counted first, then days.
    Raises ValueError for a negative or empty period, OverflowError past the year 9999."""
    calendar = calendar or LegalCalendar.from_package()
    if months < 0 or days < 0:
        raise ValueError("a period cannot be negative")
    if months == 0 and days == 0:
        raise ValueError("a period must have months or days")
    # 期间开始的日不计算在期间内: with the service day not counted, a period of N days ends on
    # served + N, and a period of N months on the same-numbered day N months later.
    nominal_end = add_months(served, months) + datetime.timedelta(days=days)
    due = calendar.next_workday(nominal_end)
    shifted_from = nominal_end if due != nominal_end else None
    provisional = not all(calendar.covers(year) for year in range(nominal_end.year, due.year + 1))

    length = (f"{months}个月" if months else "") + (f"{days}日" if days else "")
    explanation = f"送达 {served.isoformat()}，{length}，届满 {nominal_end.isoformat()}"
    if shifted_from:
        kind = calendar.rest_kind(shifted_from)
        explanation += f"；{shifted_from.isoformat()} 为{kind}，顺延至 {due.isoformat()}"
    if provisional:
        explanation += "（该年度节假日安排尚未载入，暂按周末计算）"
    return Deadline(
        served=served,
        months=months,
        days=days,
        nominal_end=nominal_end,
        due=due,
        shifted_from=shifted_from,
        provisional=provisional,
        explanation=explanation,
    )
