"""立案 through the pages: from a finding's page (prefilled, the case cites it) or the plain form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phaseout.enforcement.models import Case
from tests.conftest import login

from .pages import detail

NEW = reverse("enforcement:case-create")


def test_the_finding_page_offers_to_open_a_case_to_its_officers(
    client, county_officer, city_leader, environment_officer, finding
):
    url = reverse("screening:finding-detail", args=[finding.pk])
    text = login(client, county_officer).get(url).text
    assert f'action="{NEW}"' in text and f'name="finding" value="{finding.pk}"' in text
    for other in (city_leader, environment_officer):
        assert f'action="{NEW}"' not in login(client, other).get(url).text


def test_a_case_opened_from_a_finding(client, county_officer, finding, east_enterprise):
    login(client, county_officer)
    form = client.get(NEW, {"finding": finding.pk})
    assert form.status_code == 200
    text = form.text
    assert f'value="{east_enterprise.credit_code}"' in text
    assert 'value="YL-1"' in text
    assert '<option value="ENERGY" selected>' in text
    assert "125 kgce/t（限值 117）" in text
    response = client.post(
        f"{NEW}?finding={finding.pk}",
        {
            "credit_code": east_enterprise.credit_code,
            "line_code": "YL-1",
            "dimension": "ENERGY",
            "facts": "熟料综合能耗 125 kgce/t，超过限额 117 kgce/t",
            "finding": finding.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == detail(case)
    assert list(case.findings.all()) == [finding]
    assert case.line.code == "YL-1" and case.facts.startswith("熟料综合能耗 125")
    page = client.get(reverse("screening:finding-detail", args=[finding.pk])).text
    assert case.number in page


def test_the_plain_form_opens_a_case(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(
        NEW,
        {
            "credit_code": east_enterprise.credit_code.lower(),
            "dimension": "TECHNOLOGY",
            "facts": "使用淘汰类设备",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.dimension == "TECHNOLOGY" and case.line is None


def test_the_form_says_what_is_wrong(client, county_officer, north_enterprise, energy_case, line):
    login(client, county_officer)
    outside = client.post(
        NEW, {"credit_code": north_enterprise.credit_code, "dimension": "ENERGY", "facts": "x"}
    )
    assert outside.status_code == 400
    assert "您的管辖范围内没有统一社会信用代码为" in outside.text
    twice = client.post(
        NEW,
        {
            "credit_code": line.enterprise.credit_code,
            "line_code": "YL-1",
            "dimension": "ENERGY",
            "facts": "熟料能耗超限额",
        },
    )
    assert twice.status_code == 409
    assert "该企业（生产线）在这一维度已有未结案件" in twice.text
    assert "熟料能耗超限额" in twice.text  # what was typed is kept
    other_dimension = client.post(
        NEW,
        {"credit_code": line.enterprise.credit_code, "dimension": "SAFETY", "facts": "x"},
    )
    assert other_dimension.status_code == 403


@pytest.mark.parametrize("who", ["enterprise_user", "city_leader", "power_officer"])
def test_only_officers_of_a_handling_department_open_cases(db, request, client, who):
    assert login(client, request.getfixturevalue(who)).get(NEW).status_code == 403


def test_a_finding_outside_the_scope_is_not_found(client, other_county_officer, finding):
    response = login(client, other_county_officer).get(NEW, {"finding": finding.pk})
    assert response.status_code == 404
