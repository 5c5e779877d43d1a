"""Each list as it stood at a cut-off date (30号文 二十一), and a later event never changes an
earlier cut-off's list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.derive import entries
from phaseout.enforcement import services
from phaseout.enforcement.choices import MeasureKind
from tests.enforcement.conftest import at, open_case, pdf_upload, png_upload

D = datetime.date


def names(kind, region, cut_off, year=None):
    return [
        (e.enterprise_name, e.dimension, e.since)
        for e in entries(kind, region=region, cut_off=cut_off, year=year)
    ]


@pytest.fixture
def energy_case(county_officer, east_enterprise, line):
    """Opened 2025-12-01, notice served 2026-01-05."""
    with at("2025-12-01"):
        case = open_case(county_officer, east_enterprise, line=line)
    with at("2026-01-05"):
        return services.serve_order(case, by=county_officer, served_on=D(2026, 1, 5))


def test_yellow_holds_energy_cases_under_rectification_at_the_cut_off(
    energy_case, county_officer, jurisdiction
):
    east = jurisdiction["east"]
    assert names(ListKind.YELLOW, east, D(2025, 12, 31)) == []  # opened, no notice yet
    assert names(ListKind.YELLOW, east, D(2026, 1, 5)) == [
        ("城东水泥有限公司", "ENERGY", D(2026, 1, 5))
    ]
    with at("2026-02-10"):
        services.record_reinspection(
            energy_case,
            by=county_officer,
            inspected_on=D(2026, 2, 10),
            compliant=True,
            notes="达标",
        )
    # The later event does not alter the earlier cut-off; it takes the case off from its day.
    assert names(ListKind.YELLOW, east, D(2026, 2, 9)) == [
        ("城东水泥有限公司", "ENERGY", D(2026, 1, 5))
    ]
    assert names(ListKind.YELLOW, east, D(2026, 2, 10)) == []


def test_an_entry_carries_the_subject_and_the_first_line_of_the_facts(energy_case, jurisdiction):
    [entry] = entries(ListKind.YELLOW, region=jurisdiction["city"], cut_off=D(2026, 3, 1))
    assert entry.credit_code == energy_case.enterprise.credit_code
    assert (entry.region_code, entry.industry_code) == ("990102", "3011")
    assert entry.case_number == energy_case.number and entry.line_code == "YL-1"
    assert entry.capacity == Decimal(2500) and entry.capacity_unit == "t/d"
    assert entry.reason.startswith("熟料综合能耗 125 kgce/t")


def test_lists_are_scoped_to_the_region_subtree(
    energy_case, other_county_officer, north_enterprise, jurisdiction
):
    with at("2026-01-06"):
        case = open_case(other_county_officer, north_enterprise)
        services.serve_order(case, by=other_county_officer, served_on=D(2026, 1, 6))
    cut_off = D(2026, 2, 1)
    assert [n for n, *_ in names(ListKind.YELLOW, jurisdiction["east"], cut_off)] == [
        "城东水泥有限公司"
    ]
    assert [n for n, *_ in names(ListKind.YELLOW, jurisdiction["north"], cut_off)] == [
        "北山建材有限公司"
    ]
    assert len(names(ListKind.YELLOW, jurisdiction["city"], cut_off)) == 2
    assert names(ListKind.YELLOW, jurisdiction["park"], cut_off) == []


def test_red_from_the_exit_order_after_failed_rectification(
    energy_case, county_officer, jurisdiction
):
    east = jurisdiction["east"]
    with at("2026-02-10"):
        case = services.record_reinspection(
            energy_case,
            by=county_officer,
            inspected_on=D(2026, 2, 10),
            compliant=False,
            notes="仍超",
        )
    with at("2026-02-11"):
        services.order_exit(case, by=county_officer, reason="经整改仍未达标", months=2)
    assert names(ListKind.RED, east, D(2026, 2, 10)) == []
    assert len(names(ListKind.YELLOW, east, D(2026, 2, 10))) == 1
    assert names(ListKind.RED, east, D(2026, 2, 11)) == [
        ("城东水泥有限公司", "ENERGY", D(2026, 2, 11))
    ]
    assert names(ListKind.YELLOW, east, D(2026, 2, 11)) == []


def test_technology_dismantling_is_yellow_not_red_and_its_exit_counts_in_the_year(
    county_officer, east_enterprise, line, jurisdiction
):
    east = jurisdiction["east"]
    with at("2026-02-27"):
        case = open_case(
            county_officer, east_enterprise, "TECHNOLOGY", line=line, facts="立窑，淘汰类"
        )
        case = services.order_exit(case, by=county_officer, reason="淘汰类装备，立即拆除", months=1)
    assert names(ListKind.YELLOW, east, D(2026, 2, 27)) == [
        ("城东水泥有限公司", "TECHNOLOGY", D(2026, 2, 27))
    ]
    assert names(ListKind.RED, east, D(2026, 2, 27)) == []
    services.record_measure(
        case,
        by=county_officer,
        kind=MeasureKind.DISMANTLED,
        executed_on=D(2026, 3, 2),
        upload=png_upload("拆除现场.png"),
    )
    services.accept_exit(
        case, by=county_officer, accepted_on=D(2026, 3, 2), notes="已拆除", upload=pdf_upload()
    )
    assert names(ListKind.YELLOW, east, D(2026, 3, 2)) == []
    assert entries(ListKind.ANNUAL_EXIT, region=east, cut_off=D(2026, 3, 1), year=2026) == []
    [entry] = entries(ListKind.ANNUAL_EXIT, region=east, cut_off=D(2026, 3, 2), year=2026)
    assert (entry.line_code, entry.capacity, entry.capacity_unit) == ("YL-1", 2500, "t/d")
    assert entry.since == D(2026, 3, 2) and entry.equipment
    assert entries(ListKind.ANNUAL_EXIT, region=east, cut_off=D(2026, 3, 2), year=2025) == []


def test_environment_exceeding_and_serious_at_the_cut_off(
    environment_officer, east_enterprise, line, jurisdiction
):
    east = jurisdiction["east"]
    with at("2026-02-02"):
        case = open_case(
            environment_officer, east_enterprise, "ENVIRONMENT", line=line, facts="颗粒物超标"
        )
        case = services.serve_order(
            case, by=environment_officer, served_on=D(2026, 2, 2), order_kind="restrict"
        )
    with at("2026-02-26"):
        services.record_reinspection(
            case,
            by=environment_officer,
            inspected_on=D(2026, 2, 26),
            compliant=False,
            notes="拒不整改",
            serious=True,
        )
    assert names(ListKind.ENV_EXCEEDING, east, D(2026, 2, 1)) == []
    assert names(ListKind.ENV_EXCEEDING, east, D(2026, 2, 25)) == [
        ("城东水泥有限公司", "ENVIRONMENT", D(2026, 2, 2))
    ]
    assert names(ListKind.ENV_SERIOUS, east, D(2026, 2, 25)) == []
    assert names(ListKind.ENV_SERIOUS, east, D(2026, 2, 26)) == [
        ("城东水泥有限公司", "ENVIRONMENT", D(2026, 2, 26))
    ]
    # Environment cases are never on the yellow list (the environment department's own lists).
    assert names(ListKind.YELLOW, east, D(2026, 2, 26)) == []


def test_the_year_belongs_to_the_annual_list_only(jurisdiction):
    with pytest.raises(ValueError):
        entries(ListKind.ANNUAL_EXIT, region=jurisdiction["east"], cut_off=D(2026, 3, 1))
    with pytest.raises(ValueError):
        entries(ListKind.RED, region=jurisdiction["east"], cut_off=D(2026, 3, 1), year=2026)
