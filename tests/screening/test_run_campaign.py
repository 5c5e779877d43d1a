"""A campaign run finds the lines that fail, explains them, and never duplicates on a rerun."""

import datetime

import pytest

from phaseout.registry.models import ProductionLine
from phaseout.screening import services
from phaseout.screening.models import DataGap, Finding

AS_OF = datetime.date(2025, 12, 31)


@pytest.fixture
def kiln(east_enterprise):
    return ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-1",
        equipment_type="cement_kiln",
        capacity=2500,
        capacity_unit="t/d",
        commissioning_year=2004,
    )


@pytest.fixture
def campaign(jurisdiction, county_officer):
    return services.create_campaign(
        by=county_officer, region=jurisdiction["east"], name="2025年度排查", year=2025, as_of=AS_OF
    )


def measure(officer, line, metric, value, unit, day=datetime.date(2025, 6, 1)):
    return services.record_measurement(
        by=officer,
        enterprise=line.enterprise,
        line=line,
        metric=metric,
        value=value,
        unit=unit,
        date=day,
        source="inspection",
    )


def test_a_clinker_line_over_its_limit_is_found_and_explained(county_officer, kiln, campaign):
    reading = measure(county_officer, kiln, "clinker_comprehensive_energy", "0.125", "tce/t")
    services.run_campaign(campaign, by=county_officer)

    finding = Finding.objects.get(campaign=campaign, rule_id="gb16780-2021.clinker-energy")
    assert finding.line == kiln
    assert finding.value == pytest.approx(125)
    assert finding.threshold == pytest.approx(117)
    assert finding.level == "limit"
    assert finding.measurement_ids == [reading.pk]
    assert [step["code"] for step in finding.computation][-1] == "compare"


def test_running_again_updates_and_never_duplicates(county_officer, kiln, campaign):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    services.run_campaign(campaign, by=county_officer)
    first = Finding.objects.get(campaign=campaign, rule_id="gb16780-2021.clinker-energy")
    measure(
        county_officer,
        kiln,
        "clinker_comprehensive_energy",
        130,
        "kgce/t",
        datetime.date(2025, 9, 1),
    )
    services.run_campaign(campaign, by=county_officer)
    again = Finding.objects.filter(campaign=campaign, rule_id="gb16780-2021.clinker-energy")
    assert again.count() == 1
    assert again.get().pk == first.pk
    assert again.get().value == pytest.approx(130)


def test_a_line_back_under_its_limit_loses_its_finding(county_officer, kiln, campaign):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    services.run_campaign(campaign, by=county_officer)
    measure(
        county_officer,
        kiln,
        "clinker_comprehensive_energy",
        110,
        "kgce/t",
        datetime.date(2025, 10, 1),
    )
    services.run_campaign(campaign, by=county_officer)
    assert not Finding.objects.filter(
        campaign=campaign, rule_id="gb16780-2021.clinker-energy"
    ).exists()


def test_a_line_without_a_measurement_is_a_gap(county_officer, kiln, campaign):
    summary = services.run_campaign(campaign, by=county_officer)
    assert DataGap.objects.filter(
        campaign=campaign,
        line=kiln,
        rule_id="gb16780-2021.clinker-energy",
        needed="clinker_comprehensive_energy",
    ).exists()
    row = summary["coverage"][0]
    assert row["total"] == 1 and row["missing_data"] == 1 and row["screened"] == 0


def test_a_measurement_outside_the_window_does_not_count(county_officer, kiln, campaign):
    measure(
        county_officer,
        kiln,
        "clinker_comprehensive_energy",
        125,
        "kgce/t",
        datetime.date(2024, 6, 1),
    )
    services.run_campaign(campaign, by=county_officer)
    # Other rules (the enterprise's licences, e.g.) may find something; the energy rule may not.
    assert not Finding.objects.filter(
        campaign=campaign, rule_id="gb16780-2021.clinker-energy"
    ).exists()
