"""Legal periods (法定期间): when a period served on a given day falls due.

A pure function, no database: the cases, the sweep and ``phaseout deadline`` all call
:func:`due_date`, so a deadline is computed the same way everywhere.

The rules (《民事诉讼法》第八十五条, which 《行政处罚法》 and administrative procedure follow
for the computation of periods):

* 期间以时、日、月、年计算。期间开始的时和日，不计算在期间内 — the period starts the day
  after service;
* a period of months is counted in calendar months: it ends on the day of the last month with the
  same number as the day of service, and if that month has no such day, on its last day
  (送达 2025-08-31，6个月 → 2026-02-28);
* 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期 — a last day that is a
  weekend rest day or a statutory holiday moves to the next working day.

Working days come from the official holiday and make-up workday (调休) calendar in the
``chinesecalendar`` package. A year the package does not cover yet is computed on weekends alone
(Monday to Friday are working days) and the deadline is marked *provisional*; it must be
recomputed once the year is loaded. A newly published year (国务院办公厅 publishes the next
year's arrangement each November) is loaded by upgrading the ``chinesecalendar`` package pinned in
``uv.lock`` (``uv lock --upgrade-package chinesecalendar``, then ``make env``); see
docs/deadlines.md.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import cache

import chinese_calendar

__all__ = ["Deadline", "add_months", "calendar_years", "due_date", "is_workday", "next_workday"]


@cache
def calendar_years() -> range:
    """The years for which the loaded chinesecalendar has the official holiday arrangement."""
    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def is_workday(day: datetime.date) -> bool:
    """A working day: the official calendar (holidays and 调休 make-up workdays) when the year
    is loaded, otherwise Monday to Friday."""
    if day.year in calendar_years():
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # the package's own range is narrower than its data
            pass
    return day.weekday() < 5


def next_workday(day: datetime.date) -> datetime.date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _rest_kind(day: datetime.date) -> str:
    """法定节假日 for a day of an official holiday (Spring Festival, National Day, ...), 休息日 for
    an ordinary weekend."""
    if day.year in calendar_years():
        try:
            if chinese_calendar.get_holiday_detail(day)[1] is not None:
                return "法定节假日"
        except NotImplementedError:
            pass
    return "休息日"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later; the month's last day if it has no such day
    (2025-08-31 + 6 → 2026-02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise OverflowError(f"year {year} is out of range")
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def due_date(served: datetime.date, months: int = 0, *, days: int = 0) -> Deadline:
    """The deadline of a period of ``months`` calendar months and ``days`` days served on
    ``served``. Months are counted first, then days. Raises ValueError for a negative or empty
    period, OverflowError past the year 9999."""
    if months < 0 or days < 0:
        raise ValueError("a period cannot be negative")
    if months == 0 and days == 0:
        raise ValueError("a period must have months or days")
    # 期间开始的日不计算在期间内: with the service day not counted, a period of N days ends on
    # served + N, and a period of N months on the same-numbered day N months later.
    nominal_end = add_months(served, months) + datetime.timedelta(days=days)
    due = next_workday(nominal_end)
    shifted_from = nominal_end if due != nominal_end else None
    supported = calendar_years()
    provisional = any(year not in supported for year in range(nominal_end.year, due.year + 1))

    length = (f"{months}个月" if months else "") + (f"{days}日" if days else "")
    explanation = f"送达 {served.isoformat()}，{length}，届满 {nominal_end.isoformat()}"
    if shifted_from:
        kind = _rest_kind(shifted_from)
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
