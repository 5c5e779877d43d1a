"""What-if (测算): draft rules against a campaign — what would become backward, with its
capacity — and nothing written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.screening.models import DataGap, Finding
from phaseout.screening.whatif import local_drafts, parse_drafts, what_if
from phaseout.standards import services as standards
from tests.screening.conftest import make_kiln, measure

# GB 16780-2021's clinker limit tightened from 117 to 110 kgce/t (a draft of a new edition).
DRAFT = """
family: GB 16780 修订草案
dimension: ENERGY
kind: limit
confidence: U
last_reviewed: 2026-10-01
rules:
  - id: gb16780-2021.clinker-energy
    description: 水泥熟料单位产品综合能耗（修订草案）
    reference: GB 16780 修订草案 表1
    metric: clinker_comprehensive_energy
    unit: kgce/t
    applies_to: {industries: ["3011"], equipment: [cement_kiln]}
    values:
      2022-11-01: {limit: 110, entry: 105}
"""


@pytest.fixture
def kilns(county_officer, licensed):
    """Three kilns: 112 (passes 117, fails 110), 125 (fails both), 100 (passes both)."""
    tight = make_kiln(licensed, code="YL-1", capacity=2500)
    failing = make_kiln(licensed, code="YL-2", capacity=1000)
    good = make_kiln(licensed, code="YL-3", capacity=4000)
    measure(county_officer, tight, "clinker_comprehensive_energy", 112, "kgce/t")
    measure(county_officer, failing, "clinker_comprehensive_energy", 125, "kgce/t")
    measure(county_officer, good, "clinker_comprehensive_energy", 100, "kgce/t")
    return tight, failing, good


def test_a_tighter_draft_reports_the_lines_and_capacity_that_would_become_backward(
    county_officer, campaign, kilns, north_kiln
):
    tight, failing, good = kilns
    report = what_if(campaign, drafts=parse_drafts(DRAFT), by=county_officer)
    # The enterprise already has a failing line (YL-2): it is backward today, so only the line
    # YL-1 becomes newly backward; the north county's kiln is outside the campaign.
    assert [line.line_code for line in report.lines] == ["YL-1"]
    assert report.enterprises == []
    (row,) = report.rows
    assert (row.region_code, row.industry_code, row.lines) == ("990102", "3011", 1)
    assert row.capacity == {"t/d": 2500}
    assert report.capacity_total_items == [("吨/日", 2500)]


def test_an_enterprise_failing_nothing_today_becomes_backward(
    county_officer, campaign, licensed, kiln
):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 112, "kgce/t")
    report = what_if(campaign, drafts=parse_drafts(DRAFT), by=county_officer)
    assert [e["name"] for e in report.enterprises] == ["城东水泥有限公司"]
    assert report.enterprises[0]["rules"] == ["gb16780-2021.clinker-energy"]
    assert report.rows[0].enterprises == 1


def test_what_if_writes_nothing(county_officer, campaign, kilns):
    with CaptureQueriesContext(connection) as queries:
        what_if(campaign, drafts=parse_drafts(DRAFT), by=county_officer)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not Finding.objects.exists() and not DataGap.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == "draft" and campaign.summary == {}


def test_a_draft_local_rule_supersedes_in_its_region(county_officer, campaign, licensed, kiln):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 112, "kgce/t")
    local = standards.create_local_rule(
        by=county_officer,
        region=campaign.region,
        rule_id="local.clinker-energy",
        supersedes="gb16780-2021.clinker-energy",
        definition={
            "description": "熟料能耗（城东区从严）",
            "reference": "城东区通告",
            "dimension": "ENERGY",
            "kind": "limit",
            "confidence": "R",
            "last_reviewed": "2026-01-01",
            "metric": "clinker_comprehensive_energy",
            "applies_to": {"industries": ["3011"], "equipment": ["cement_kiln"]},
            "values": {"2025-01-01": {"limit": 111}},
        },
    )
    report = what_if(campaign, drafts=local_drafts(campaign, [local.pk]), by=county_officer)
    assert [line.line_code for line in report.lines] == ["YL-1"]
    assert report.lines[0].rules == ["local.clinker-energy"]


def test_a_broken_draft_is_a_validation_error_listing_its_problems():
    with pytest.raises(ValidationError) as caught:
        parse_drafts("family: x\nrules:\n  - id: a\n")
    assert caught.value.message_dict["yaml"]
    with pytest.raises(ValidationError):
        parse_drafts("{: not yaml")


@pytest.mark.parametrize("who", ["city_auditor", "other_county_officer", "enterprise_user"])
def test_who_may_not_run_a_what_if(request, who, campaign):
    with pytest.raises(PermissionDenied):
        what_if(campaign, drafts=parse_drafts(DRAFT), by=request.getfixturevalue(who))
