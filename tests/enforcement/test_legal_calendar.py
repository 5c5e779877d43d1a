"""The legal calendar (LegalCalendar): the package's years, years an administrator loads on top,
and what loading a year does to a provisional deadline.

2031 below is a made-up test year, not an official arrangement."""

import datetime

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phaseout.enforcement.deadlines import (
    HOLIDAY,
    REST_DAY,
    LegalCalendar,
    YearArrangement,
    calendar_years,
    due_date,
    is_workday,
    next_workday,
    period_of,
)

D = datetime.date
PACKAGE = LegalCalendar.from_package()
PACKAGE_YEARS = sorted(PACKAGE.years)
TEST_YEAR = 2031  # not covered by the package, and not a real arrangement


def test_the_package_calendar_agrees_with_the_package_day_by_day():
    assert set(calendar_years()) == PACKAGE.years
    day = D(PACKAGE_YEARS[0], 1, 1)
    while day.year <= PACKAGE_YEARS[-1]:
        assert PACKAGE.is_workday(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_holidays_carry_their_chinese_name_and_weekends_are_implicit():
    assert PACKAGE.holiday_name(D(2026, 10, 3)) == "国庆节"
    assert PACKAGE.rest_kind(D(2026, 10, 3)) == HOLIDAY  # a Saturday inside National Day
    assert PACKAGE.rest_kind(D(2026, 1, 31)) == REST_DAY  # an ordinary Saturday
    assert D(2026, 1, 31) not in PACKAGE.holidays
    assert PACKAGE.rest_kind(D(2026, 2, 28)) is None  # a Saturday worked (调休上班)
    assert D(2026, 2, 28) in PACKAGE.workdays


def test_a_calendar_refuses_days_outside_its_years():
    with pytest.raises(ValueError):
        LegalCalendar(holidays={D(2031, 1, 1): "元旦"}, workdays=frozenset(), years={2030})
    with pytest.raises(ValueError):
        YearArrangement(year=2031, holidays={D(2030, 12, 31): "元旦"}, workdays=frozenset())
    with pytest.raises(ValueError):
        YearArrangement(
            year=2031, holidays={D(2031, 1, 4): "元旦"}, workdays=frozenset({D(2031, 1, 4)})
        )


def test_a_calendar_is_a_value():
    assert LegalCalendar.from_package() is PACKAGE
    assert hash(PACKAGE.with_years([])) == hash(PACKAGE)
    assert PACKAGE.with_years([]) == PACKAGE
    with pytest.raises(TypeError):
        PACKAGE.holidays[D(2031, 1, 1)] = "元旦"


def test_the_module_functions_take_a_calendar():
    made_up = PACKAGE.with_years(
        [YearArrangement(year=TEST_YEAR, holidays={D(2031, 1, 1): "元旦"}, workdays=frozenset())]
    )
    assert is_workday(D(2031, 1, 1)) and not is_workday(D(2031, 1, 1), made_up)
    assert next_workday(D(2031, 1, 1), made_up) == D(2031, 1, 2)


# — properties —


ANY_YEAR = st.sampled_from([*PACKAGE_YEARS, 2027, 2030, TEST_YEAR])


@st.composite
def arrangements(draw, year=ANY_YEAR):
    """Any arrangement of one year: some days off with a name, some weekend days worked."""
    year = draw(year)
    days = st.dates(min_value=D(year, 1, 1), max_value=D(year, 12, 31))
    names = st.sampled_from(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])
    holidays = draw(st.dictionaries(days, names, max_size=30))
    weekend = days.filter(lambda day: day.weekday() >= 5 and day not in holidays)
    workdays = draw(st.frozensets(weekend, max_size=8))
    return YearArrangement(year=year, holidays=holidays, workdays=workdays)


any_day = st.dates(min_value=D(2004, 1, 1), max_value=D(2040, 12, 31))


@given(st.sets(st.sampled_from(PACKAGE_YEARS)))
def test_reloading_package_years_gives_the_package_calendar(years):
    reloaded = PACKAGE.with_years(PACKAGE.arrangement(year) for year in years)
    assert reloaded == PACKAGE


@given(arrangement=arrangements(), day=any_day)
def test_a_loaded_year_replaces_that_year_only(arrangement, day):
    merged = PACKAGE.with_years([arrangement])
    assert merged.covers(arrangement.year)
    assert merged.arrangement(arrangement.year) == arrangement
    if day.year != arrangement.year:
        assert merged.is_workday(day) == PACKAGE.is_workday(day)
        assert merged.rest_kind(day) == PACKAGE.rest_kind(day)
        assert merged.covers(day.year) == PACKAGE.covers(day.year)
    else:
        assert merged.is_workday(day) == (
            day in arrangement.workdays or (day.weekday() < 5 and day not in arrangement.holidays)
        )


@given(arrangements(), arrangements())
def test_the_last_loaded_arrangement_of_a_year_wins(first, second):
    merged = PACKAGE.with_years([first]).with_years([second])
    assert merged.arrangement(second.year) == second
    if first.year != second.year:
        assert merged.arrangement(first.year) == first


@given(
    arrangement=arrangements(year=st.just(TEST_YEAR)),
    end=st.dates(min_value=D(TEST_YEAR, 1, 1), max_value=D(TEST_YEAR, 12, 31)),
)
def test_loading_the_year_makes_a_provisional_deadline_definitive(arrangement, end):
    served = end - datetime.timedelta(days=10)
    before = due_date(served, days=10)
    assert before.provisional
    assert before.explanation.endswith("（该年度节假日安排尚未载入，暂按周末计算）")

    loaded = PACKAGE.with_years([arrangement])
    after = due_date(served, days=10, calendar=loaded)
    assert after.nominal_end == before.nominal_end == end
    assert loaded.is_workday(after.due)
    if after.due.year == TEST_YEAR:
        assert not after.provisional
        assert "尚未载入" not in after.explanation
    else:  # shifted past New Year's Eve into a year still not loaded
        assert after.provisional


@given(
    arrangement=arrangements(year=st.just(TEST_YEAR)),
    served=st.dates(min_value=D(2024, 1, 1), max_value=D(TEST_YEAR + 1, 12, 31)),
    months=st.integers(min_value=0, max_value=60),
    days=st.integers(min_value=1, max_value=400),
)
def test_loading_a_year_only_settles_deadlines_touching_it(arrangement, served, months, days):
    before = due_date(served, months, days=days)
    after = due_date(served, months, days=days, calendar=PACKAGE.with_years([arrangement]))
    assert after.nominal_end == before.nominal_end
    touched = range(before.nominal_end.year, max(before.due, after.due).year + 1)
    if TEST_YEAR not in touched:
        assert after == before
    if not before.provisional:
        assert after == before
    if after.nominal_end.year == after.due.year == TEST_YEAR:
        assert not after.provisional


@given(
    served=any_day,
    months=st.integers(min_value=0, max_value=120),
    days=st.integers(min_value=0, max_value=400),
    arrangement=arrangements(),
)
def test_a_deadline_is_recomputed_from_its_own_explanation(served, months, days, arrangement):
    if not (months or days):
        days = 1
    deadline = due_date(served, months, days=days)
    assert period_of(deadline.explanation) == (served, months, days)
    assert period_of(deadline.explanation[:40] + "…") in (None, (served, months, days))
    loaded = PACKAGE.with_years([arrangement])
    served, months, days = period_of(deadline.explanation)
    assert due_date(served, months, days=days, calendar=loaded) == due_date(
        deadline.served, deadline.months, days=deadline.days, calendar=loaded
    )


def test_text_that_is_not_an_explanation_has_no_period():
    assert period_of("") is None
    assert period_of("不予延期，仍按原期限完成整改") is None
    assert period_of("送达 2031-02-30，6个月，届满 2031-08-30") is None
    assert period_of("送达 2031-01-02，，届满 2031-01-02") is None
