"""3 working days after a delisting event, on the legal calendar (property tests)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phaseout.disclosure.workdays import working_days_after
from phaseout.enforcement.deadlines import LegalCalendar

CALENDAR = LegalCalendar.from_package()
D = datetime.date


@given(
    day=st.dates(min_value=D(2020, 1, 1), max_value=D(2027, 12, 31)),
    n=st.integers(min_value=1, max_value=30),
)
def test_result_is_the_nth_working_day_strictly_after(day, n):
    result = working_days_after(day, n, CALENDAR)
    assert result > day
    assert CALENDAR.is_workday(result)
    between = [day + datetime.timedelta(days=i) for i in range(1, (result - day).days + 1)]
    assert sum(CALENDAR.is_workday(d) for d in between) == n


def test_spring_festival_2026_counts_the_make_up_saturday_and_skips_the_holiday():
    # 2026-02-12 (Thu) → 02-13 (Fri), 02-14 (Sat, 调休上班), 02-15..23 春节 → 02-24 (Tue).
    assert working_days_after(D(2026, 2, 12), 3, CALENDAR) == D(2026, 2, 24)


def test_n_must_be_positive():
    with pytest.raises(ValueError):
        working_days_after(D(2026, 3, 2), 0, CALENDAR)
