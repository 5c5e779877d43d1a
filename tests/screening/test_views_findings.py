"""A finding's page explains it in plain Chinese and shows the measurements it used."""

import pytest
from django.urls import reverse

from phaseout.screening.models import Finding
from tests.conftest import login


@pytest.fixture
def finding(run_campaign):
    return Finding.objects.get(campaign=run_campaign, rule_id="gb16780-2021.clinker-energy")


def test_the_finding_page_shows_the_explanation(client, county_officer, finding):
    response = login(client, county_officer).get(
        reverse("screening:finding-detail", args=[finding.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert "该生产线 2004 年投产，早于标准实施（2022-11-01），按现有企业的限定值（3级）判定" in text
    assert "2025-12-31 适用自 2022-11-01 起的取值：限定值 117 千克标准煤/吨" in text
    assert "125 &gt; 117，不达标" in text
    measurement_id = finding.measurement_ids[0]
    assert f"#m{measurement_id}" in text  # a link to the measurement used
    assert "未核实" not in text


def test_an_unverified_finding_carries_a_warning(client, county_officer, finding):
    Finding.objects.filter(pk=finding.pk).update(confidence="U")
    text = (
        login(client, county_officer)
        .get(reverse("screening:finding-detail", args=[finding.pk]))
        .text
    )
    assert "未核实" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("city_leader", 200),
        ("city_auditor", 200),
        ("other_county_officer", 404),
        ("enterprise_user", 404),
    ],
)
def test_who_may_read_a_finding(request, client, finding, who, status):
    response = login(client, request.getfixturevalue(who)).get(
        reverse("screening:finding-detail", args=[finding.pk])
    )
    assert response.status_code == status


def test_the_anonymous_visitor_is_sent_to_log_in(client, finding):
    response = client.get(reverse("screening:finding-detail", args=[finding.pk]))
    assert response.status_code == 302
