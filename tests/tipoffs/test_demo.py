"""The demo's tip-offs load once, through the services."""

from __future__ import annotations

import pytest

from phaseout.regions.choices import DepartmentKind, Role
from phaseout.tipoffs import demo
from phaseout.tipoffs.choices import TipoffState
from phaseout.tipoffs.models import Tipoff
from tests.conftest import _person

pytestmark = pytest.mark.django_db


def test_demo_tipoffs_load_once(jurisdiction, east_enterprise, county_officer):
    _person("east_env", role=Role.OFFICER, region=jurisdiction["east"],
            kind=DepartmentKind.ECOLOGY_ENVIRONMENT)  # fmt: skip
    assert demo.load() == 3
    assert demo.load() == 0
    states = sorted(Tipoff.objects.values_list("state", flat=True))
    assert states == sorted([TipoffState.RECEIVED, TipoffState.ASSIGNED, TipoffState.CLOSED])
