"""Disclosure fixtures: the enforcement officers and helpers, and a second officer of 城东区经信局
(the reviewer). The clock is 2026-03-02 unless a test moves it."""

from __future__ import annotations

import pytest

from phaseout.regions.choices import DepartmentKind, Role
from tests.conftest import _person
from tests.enforcement.conftest import (  # noqa: F401  (fixtures)
    clock,
    county_leader,
    environment_officer,
    line,
    market_officer,
    media,
    water_officer,
)


@pytest.fixture
def reviewer(jurisdiction):
    """Another officer of 城东区经信局, the same department as county_officer."""
    return _person(
        "east_officer_2",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.INDUSTRY_IT,
    )


@pytest.fixture
def bureau_leader(jurisdiction):
    """The head (领导) of 城东区经信局."""
    return _person(
        "east_it_head",
        role=Role.LEADER,
        region=jurisdiction["east"],
        kind=DepartmentKind.INDUSTRY_IT,
    )
