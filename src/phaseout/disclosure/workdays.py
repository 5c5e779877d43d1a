"""Working-day arithmetic for the delisting check (pure, no database)."""

from __future__ import annotations

import datetime

from phaseout.enforcement.deadlines import LegalCalendar


def working_days_after(
    day: datetime.date, n: int, calendar: LegalCalendar | None = None
) -> datetime.date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted, as a period's first
    day is not: 《民事诉讼法》第八十五条). Working days are the legal calendar's (holidays and
    调休 make-up workdays for the years it covers, Monday to Friday otherwise)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = calendar or LegalCalendar.from_package()
    counted = 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day
