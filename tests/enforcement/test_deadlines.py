"""Legal periods (法定期间): worked examples from the 2025 and 2026 official calendars, the
provisional year, and properties of the arithmetic for any service date and period."""

import calendar
import datetime

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phaseout.enforcement.deadlines import (
    add_months,
    calendar_years,
    due_date,
    is_workday,
    next_workday,
)

D = datetime.date


def test_a_month_without_the_day_ends_on_its_last_day():
    deadline = due_date(D(2025, 8, 31), 6)
    # 2026-02-28 is a Saturday, but a make-up workday (调休) before the Spring Festival.
    assert chinese_calendar.is_workday(D(2026, 2, 28))
    assert deadline.nominal_end == deadline.due == D(2026, 2, 28)
    assert deadline.shifted_from is None and not deadline.provisional
    assert deadline.explanation == "送达 2025-08-31，6个月，届满 2026-02-28"


def test_a_month_end_on_a_saturday_moves_to_the_monday():
    deadline = due_date(D(2025, 7, 31), 6)
    assert deadline.nominal_end == D(2026, 1, 31) and deadline.nominal_end.weekday() == 5
    assert deadline.due == D(2026, 2, 2) and deadline.due.weekday() == 0
    assert deadline.shifted_from == D(2026, 1, 31)
    assert deadline.explanation == (
        "送达 2025-07-31，6个月，届满 2026-01-31；2026-01-31 为休息日，顺延至 2026-02-02"
    )


def test_national_day_moves_the_end_past_the_holiday():
    # 2026 National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    assert set(chinese_calendar.get_holidays(D(2026, 10, 1), D(2026, 10, 7))) == {
        D(2026, 10, 1) + datetime.timedelta(days=n) for n in range(7)
    }
    deadline = due_date(D(2026, 4, 3), 6)
    assert deadline.nominal_end == D(2026, 10, 3)
    assert deadline.due == D(2026, 10, 8)
    assert deadline.explanation.endswith("2026-10-03 为法定节假日，顺延至 2026-10-08")
    assert not deadline.provisional


def test_a_make_up_saturday_is_a_working_day_and_not_shifted():
    deadline = due_date(D(2026, 4, 10), 6)
    assert deadline.nominal_end.weekday() == 5
    assert deadline.due == D(2026, 10, 10) and deadline.shifted_from is None


def test_the_2025_national_day_and_mid_autumn_holiday():
    # 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
    deadline = due_date(D(2025, 4, 5), 6)
    assert deadline.nominal_end == D(2025, 10, 5)
    assert deadline.due == D(2025, 10, 9)
    assert due_date(D(2025, 4, 11), 6).due == D(2025, 10, 11)


def test_a_period_of_days_counts_from_the_day_after_service():
    deadline = due_date(D(2026, 3, 2), days=15)
    assert deadline.nominal_end == D(2026, 3, 17) and deadline.due == D(2026, 3, 17)
    assert deadline.explanation == "送达 2026-03-02，15日，届满 2026-03-17"
    both = due_date(D(2026, 1, 31), 1, days=3)
    assert both.nominal_end == D(2026, 3, 3)
    assert "1个月3日" in both.explanation


def _beyond_the_calendar(weekday: int, month: int = 1, day: int = 1) -> D:
    year = calendar_years().stop
    while D(year, month, day).weekday() != weekday:
        year += 1
    return D(year, month, day)


def test_a_year_beyond_the_calendar_is_provisional_and_shifts_only_weekends():
    new_year = _beyond_the_calendar(weekday=2)  # a Wednesday 1 January: a holiday in fact
    deadline = due_date(add_months(new_year, -6), 6)
    assert deadline.due == new_year and deadline.shifted_from is None
    assert deadline.provisional
    assert deadline.explanation.endswith("（该年度节假日安排尚未载入，暂按周末计算）")

    saturday = _beyond_the_calendar(weekday=5, month=3, day=7)
    deadline = due_date(add_months(saturday, -3), 3)
    assert deadline.due == saturday + datetime.timedelta(days=2)
    assert deadline.provisional
    assert "为休息日，顺延至" in deadline.explanation


def test_a_shift_from_a_loaded_year_into_a_year_not_loaded_is_provisional():
    last = max(calendar_years())
    new_years_eve = D(last, 12, 31)
    end = next_workday(new_years_eve)
    deadline = due_date(new_years_eve - datetime.timedelta(days=10), days=10)
    assert deadline.provisional == (end.year > last)


def test_the_calendar_years_are_those_the_package_knows():
    years = calendar_years()
    assert 2025 in years and 2026 in years
    for year in years:
        chinese_calendar.is_workday(D(year, 6, 1))  # does not raise
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(years.stop, 6, 1))


def test_an_empty_or_negative_period_is_refused():
    for months, days in [(0, 0), (-1, 0), (1, -1)]:
        with pytest.raises(ValueError):
            due_date(D(2026, 1, 1), months, days=days)
    with pytest.raises(OverflowError):
        due_date(D(9999, 12, 1), 1)


served_dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2040, 12, 31))
months = st.integers(min_value=1, max_value=120)


@given(served=served_dates, months=months, days=st.integers(min_value=0, max_value=400))
def test_the_due_date_is_a_workday_on_or_after_the_nominal_end(served, months, days):
    deadline = due_date(served, months, days=days)
    assert deadline.due >= deadline.nominal_end >= served + datetime.timedelta(days=1)
    assert is_workday(deadline.due)
    assert (deadline.shifted_from is None) == (deadline.due == deadline.nominal_end)
    # every day skipped is a rest day
    day = deadline.nominal_end
    while day < deadline.due:
        assert not is_workday(day)
        day += datetime.timedelta(days=1)


@given(served=served_dates, months=months)
def test_the_nominal_end_keeps_the_day_of_service_or_is_the_months_last_day(served, months):
    end = due_date(served, months).nominal_end
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == served.day or (end.day == last and served.day > last)
    assert (end.year * 12 + end.month) - (served.year * 12 + served.month) == months


@given(served=served_dates, months=months)
def test_shifting_is_idempotent(served, months):
    due = due_date(served, months).due
    assert next_workday(due) == due


@given(served=served_dates, days=st.integers(min_value=1, max_value=1000))
def test_a_period_of_days_ends_days_after_service(served, days):
    deadline = due_date(served, days=days)
    assert deadline.nominal_end == served + datetime.timedelta(days=days)
    assert deadline.provisional == any(
        year not in calendar_years()
        for year in range(deadline.nominal_end.year, deadline.due.year + 1)
    )
