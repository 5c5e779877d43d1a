"""A local rule applies only inside its region; one that supersedes a national rule replaces
it there and nowhere else."""

import datetime

import pytest

from phaseout.regions.choices import DepartmentKind, Role
from phaseout.registry.models import ProductionLine
from phaseout.screening import services
from phaseout.screening.models import Finding
from phaseout.standards.models import LocalRule
from tests.conftest import _person

AS_OF = datetime.date(2025, 12, 31)
RULE = "gb16780-2021.clinker-energy"


@pytest.fixture
def kilns(east_enterprise, north_enterprise):
    lines = {}
    for name, enterprise in (("east", east_enterprise), ("north", north_enterprise)):
        lines[name] = ProductionLine.objects.create(
            enterprise=enterprise,
            code="YL-1",
            equipment_type="cement_kiln",
            capacity=2500,
            capacity_unit="t/d",
            commissioning_year=2004,
        )
    return lines


def stricter_clinker_limit(region, *, status="active", limit=110):
    return LocalRule.objects.create(
        region=region,
        rule_id="local.clinker-energy",
        supersedes=RULE,
        status=status,
        definition={
            "dimension": "ENERGY",
            "kind": "limit",
            "description": "水泥熟料单位产品综合能耗（本区更严格限值）",
            "reference": "城东区人民政府 2025 年第1号通告",
            "confidence": "P",
            "last_reviewed": "2026-11-22",
            "metric": "clinker_comprehensive_energy",
            "unit": "kgce/t",
            "applies_to": {"industries": ["3011"], "equipment": ["cement_kiln"]},
            "values": {"2025-01-01": {"limit": limit}},
        },
    )


def run(officer, region, kilns, value=114):
    for line in kilns.values():
        services.record_measurement(
            by=officer,
            enterprise=line.enterprise,
            line=line,
            metric="clinker_comprehensive_energy",
            value=value,
            unit="kgce/t",
            date=datetime.date(2025, 6, 1),
            source="inspection",
        )
    campaign = services.create_campaign(
        by=officer, region=region, name="排查", year=2025, as_of=AS_OF
    )
    services.run_campaign(campaign, by=officer)
    return campaign


@pytest.fixture
def city_officer(jurisdiction):
    return _person(
        "city_officer",
        role=Role.OFFICER,
        region=jurisdiction["city"],
        kind=DepartmentKind.INDUSTRY_IT,
    )


def test_a_stricter_local_limit_applies_only_in_its_region(jurisdiction, kilns, city_officer):
    stricter_clinker_limit(jurisdiction["east"])
    campaign = run(city_officer, jurisdiction["city"], kilns)
    found = {
        (f.line_id, f.rule_id): f
        for f in Finding.objects.filter(campaign=campaign, rule_id__contains="clinker")
    }
    # 114 kgce/t: over the county's 110, under the national 117.
    assert (kilns["east"].pk, "local.clinker-energy") in found
    assert found[(kilns["east"].pk, "local.clinker-energy")].local_rule is not None
    assert (kilns["north"].pk, "local.clinker-energy") not in found
    # The national rule is not evaluated where it was superseded, and still is elsewhere.
    assert not Finding.objects.filter(campaign=campaign, rule_id=RULE).exists()


def test_the_national_rule_still_judges_outside_the_region(jurisdiction, kilns, city_officer):
    stricter_clinker_limit(jurisdiction["east"])
    campaign = run(city_officer, jurisdiction["city"], kilns, value=120)
    assert set(
        Finding.objects.filter(campaign=campaign, rule_id=RULE).values_list("line_id", flat=True)
    ) == {kilns["north"].pk}
    assert set(
        Finding.objects.filter(campaign=campaign, rule_id="local.clinker-energy").values_list(
            "line_id", flat=True
        )
    ) == {kilns["east"].pk}


def test_a_draft_local_rule_does_not_apply(jurisdiction, kilns, city_officer):
    stricter_clinker_limit(jurisdiction["east"], status="draft")
    campaign = run(city_officer, jurisdiction["city"], kilns)
    assert not Finding.objects.filter(campaign=campaign, rule_id__contains="clinker").exists()


def test_a_local_rule_that_no_longer_reads_stops_the_run_with_its_name(
    client, jurisdiction, kilns, city_officer
):
    from tests.conftest import login

    broken = stricter_clinker_limit(jurisdiction["east"])
    broken.definition = {**broken.definition, "metric": "a_metric_removed_in_an_upgrade"}
    broken.save()
    campaign = services.create_campaign(
        by=city_officer, region=jurisdiction["city"], name="排查", year=2025, as_of=AS_OF
    )
    login(client, city_officer)
    response = client.post(f"/api/campaigns/{campaign.pk}/run/")
    assert response.status_code == 400
    assert "local.clinker-energy" in response.content.decode()
    page = client.post(f"/screening/campaigns/{campaign.pk}/run/", follow=True)
    assert "local.clinker-energy" in page.content.decode()
