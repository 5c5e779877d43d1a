"""In a real browser: an officer runs a campaign from its page, sees the coverage and the
finding, and opens the finding, which explains itself — with no Content-Security-Policy
violation."""

from __future__ import annotations

import datetime

import pytest

from phaseout.registry.models import ProductionLine
from phaseout.screening import services
from tests.browser.conftest import chromium_missing
from tests.conftest import PASSWORD

pytestmark = chromium_missing


# serialized_rollback: see test_enterprise_list.py (the industries loaded by migration).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_runs_a_campaign_and_reads_a_finding(
    live_server, page, county_officer, east_enterprise, jurisdiction
):
    kiln = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-1",
        equipment_type="cement_kiln",
        capacity=2500,
        capacity_unit="t/d",
        commissioning_year=2004,
    )
    services.record_measurement(
        by=county_officer,
        enterprise=east_enterprise,
        line=kiln,
        metric="clinker_comprehensive_energy",
        value=125,
        unit="kgce/t",
        date=datetime.date(2025, 6, 1),
        source="inspection",
    )
    campaign = services.create_campaign(
        by=county_officer,
        region=jurisdiction["east"],
        name="城东区2025年度排查",
        year=2025,
        as_of=datetime.date(2025, 12, 31),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "east_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/screening/campaigns/{campaign.pk}/")

    page.click("text=运行排查")
    page.wait_for_url(f"{live_server.url}/screening/campaigns/{campaign.pk}/")
    assert "城东水泥有限公司" in page.locator("main").inner_text()

    page.click("text=水泥熟料单位产品综合能耗")
    page.wait_for_url(f"{live_server.url}/screening/findings/*/")
    explanation = page.locator("main").inner_text()
    assert "125 > 117" in explanation
    assert "按现有企业的限定值（3级）判定" in explanation
    violations = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == []
