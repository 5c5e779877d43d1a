"""Enforcement fixtures: the officers of each dimension in 城东区, a line, and case helpers.

Dates are pinned with time-machine: the clock is 2026-03-02 unless a test moves it.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from phaseout.enforcement import services
from phaseout.regions.choices import DepartmentKind, Role
from phaseout.registry.choices import LicenseKind, LicenseStatus
from phaseout.registry.models import License, ProductionLine
from phaseout.screening import services as screening
from phaseout.screening.models import Finding
from tests.conftest import _person

TODAY = datetime.date(2026, 3, 2)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def at(day: str):
    """Pin the clock to 09:00 Beijing time on ``day``."""
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00+08:00"), tick=False)


def pdf_upload(name="整改报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def line(east_enterprise):
    return ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-1",
        equipment_type="cement_kiln",
        capacity=2500,
        capacity_unit="t/d",
        commissioning_year=2004,
    )


@pytest.fixture
def environment_officer(jurisdiction):
    return _person(
        "east_env",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.ECOLOGY_ENVIRONMENT,
    )


@pytest.fixture
def market_officer(jurisdiction):
    return _person(
        "east_market",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.MARKET_REGULATION,
    )


@pytest.fixture
def safety_officer(jurisdiction):
    return _person(
        "east_safety",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.EMERGENCY_MANAGEMENT,
    )


@pytest.fixture
def water_officer(jurisdiction):
    return _person(
        "east_water",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.WATER_SUPPLIER,
    )


@pytest.fixture
def county_leader(jurisdiction):
    return _person(
        "east_leader",
        role=Role.LEADER,
        region=jurisdiction["east"],
        kind=DepartmentKind.LEADING_GROUP,
    )


@pytest.fixture
def safety_license(east_enterprise):
    return License.objects.create(
        enterprise=east_enterprise,
        kind=LicenseKind.SAFETY,
        number="(湘)FM安许证字〔2024〕001",
        status=LicenseStatus.VALID,
    )


@pytest.fixture
def production_license(east_enterprise):
    return License.objects.create(
        enterprise=east_enterprise,
        kind=LicenseKind.PRODUCTION,
        number="XK08-001-00001",
        status=LicenseStatus.VALID,
    )


def open_case(
    officer,
    enterprise,
    dimension="ENERGY",
    line=None,
    facts="熟料综合能耗 125 kgce/t，超过 GB 16780-2021 3级限额 117 kgce/t",
):
    return services.open_case(
        by=officer, dimension=dimension, enterprise=enterprise, line=line, facts=facts
    )


@pytest.fixture
def finding(county_officer, jurisdiction, line):
    """城东水泥's kiln found using 125 kgce/t of clinker energy (GB 16780-2021 3级: 117)."""
    campaign = screening.create_campaign(
        by=county_officer,
        region=jurisdiction["east"],
        name="2025年度排查",
        year=2025,
        as_of=datetime.date(2025, 12, 31),
    )
    screening.record_measurement(
        by=county_officer,
        enterprise=line.enterprise,
        line=line,
        metric="clinker_comprehensive_energy",
        value=125,
        unit="kgce/t",
        date=datetime.date(2025, 6, 1),
        source="inspection",
    )
    screening.run_campaign(campaign, by=county_officer)
    return Finding.objects.get(campaign=campaign, rule_id="gb16780-2021.clinker-energy")


@pytest.fixture
def energy_case(county_officer, east_enterprise, line):
    return open_case(county_officer, east_enterprise, line=line)


@pytest.fixture
def rectifying(energy_case, county_officer):
    """An energy case served on 2025-08-31: six months end 2026-02-28 (a Saturday) → 2026-03-02."""
    with time_machine.travel(datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC), tick=False):
        return services.serve_order(
            energy_case, by=county_officer, served_on=datetime.date(2025, 8, 31)
        )
