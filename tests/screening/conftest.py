"""Screening fixtures: a cement kiln in each county, a campaign of 城东区, a reading helper."""

from __future__ import annotations

import datetime

import pytest

from phaseout.registry.choices import LicenseKind
from phaseout.registry.models import License, ProductionLine
from phaseout.screening import services

AS_OF = datetime.date(2025, 12, 31)
DAY = datetime.date(2025, 6, 1)


def make_kiln(enterprise, code="YL-1", year=2004, capacity=2500):
    return ProductionLine.objects.create(
        enterprise=enterprise,
        code=code,
        equipment_type="cement_kiln",
        capacity=capacity,
        capacity_unit="t/d",
        commissioning_year=year,
    )


@pytest.fixture
def kiln(east_enterprise):
    return make_kiln(east_enterprise)


@pytest.fixture
def north_kiln(north_enterprise):
    return make_kiln(north_enterprise, code="BS-1")


@pytest.fixture
def campaign(jurisdiction, county_officer):
    return services.create_campaign(
        by=county_officer, region=jurisdiction["east"], name="2025年度排查", year=2025, as_of=AS_OF
    )


def measure(officer, line, metric, value, unit="", day=DAY, source="inspection"):
    return services.record_measurement(
        by=officer,
        enterprise=line.enterprise,
        line=line,
        metric=metric,
        value=value,
        unit=unit,
        date=day,
        source=source,
    )


@pytest.fixture
def failing_kiln(county_officer, kiln):
    """The kiln with a clinker energy of 125 kgce/t (limit 117): it fails GB 16780-2021."""
    measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    return kiln


@pytest.fixture
def run_campaign(campaign, county_officer, failing_kiln):
    services.run_campaign(campaign, by=county_officer)
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def licensed(east_enterprise):
    """城东水泥 holds a valid license of every kind, so only its lines' figures can fail it."""
    for kind in LicenseKind.values:
        License.objects.create(
            enterprise=east_enterprise,
            kind=kind,
            number=f"{kind}-001",
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2030, 12, 31),
            status="valid",
        )
    return east_enterprise
