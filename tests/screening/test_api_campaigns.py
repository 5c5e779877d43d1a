"""/api/campaigns/ and /api/findings/: open and run a campaign, read its coverage, gaps and
findings (with their explanation), and test draft rules — per role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.screening import services
from phaseout.screening.models import Finding, ScreeningCampaign
from tests.conftest import login
from tests.screening.conftest import make_kiln, measure
from tests.screening.test_whatif import DRAFT

LIST = "/api/campaigns/"
FINDINGS = "/api/findings/"


def detail(campaign, tail=""):
    return f"{LIST}{campaign.pk}/{tail}"


def test_anonymous_is_refused(client, campaign):
    for url in (LIST, detail(campaign), detail(campaign, "coverage/"), FINDINGS):
        assert client.get(url).status_code in (401, 403)
    assert client.post(detail(campaign, "run/")).status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("county_officer", True),
        ("city_leader", True),
        ("city_auditor", True),
        ("other_county_officer", False),
        ("enterprise_user", False),
    ],
)
def test_who_sees_the_campaign(request, client, campaign, who, visible):
    login(client, request.getfixturevalue(who))
    listed = {row["id"] for row in client.get(LIST).json()["results"]}
    assert (campaign.pk in listed) is visible
    assert client.get(detail(campaign)).status_code == (200 if visible else 404)


def test_an_officer_opens_a_campaign_with_default_window(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        LIST,
        {
            "name": "城东区2026年排查",
            "region": "990102",
            "year": 2026,
            "as_of": "2026-06-30",
            "industries": ["3011"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["measured_from"] == "2026-01-01" and body["measured_to"] == "2026-06-30"
    assert body["industries"] == ["3011"]


def test_a_region_outside_the_scope_is_a_400(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        LIST,
        {"name": "越权", "region": "990121", "year": 2026, "as_of": "2026-06-30"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "region" in response.json()


def test_a_bad_window_is_a_400_naming_the_field(client, county_officer, campaign):
    response = login(client, county_officer).patch(
        detail(campaign), {"measured_to": "2026-12-31"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "measured_to" in response.json()


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_readers_may_not_open_one(request, client, jurisdiction, who):
    response = login(client, request.getfixturevalue(who)).post(
        LIST,
        {"name": "x", "region": "990102", "year": 2026, "as_of": "2026-06-30"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ScreeningCampaign.objects.exists()


def test_a_run_through_the_api(client, county_officer, campaign, failing_kiln):
    login(client, county_officer)
    response = client.post(detail(campaign, "run/"))
    assert response.status_code == 200, response.json()
    summary = response.json()
    assert summary["findings"] >= 1
    assert summary["totals"]["total"] == 1 and summary["totals"]["with_findings"] == 1

    coverage = client.get(detail(campaign, "coverage/")).json()
    assert coverage["rows"][0]["region"] == "990102"
    assert coverage["totals"] == summary["totals"]

    gaps = client.get(detail(campaign, "gaps/")).json()["results"]
    assert all(gap["enterprise"] == failing_kiln.enterprise_id for gap in gaps)
    assert all(gap["needed_display"] for gap in gaps)

    findings = client.get(
        FINDINGS, {"campaign": campaign.pk, "rule_id": "gb16780-2021.clinker-energy"}
    )
    (finding,) = findings.json()["results"]
    assert finding["value"] == 125 and finding["threshold"] == 117
    assert "125 > 117，不达标" in finding["explanation"]
    assert finding["unverified"] is False
    one = client.get(f"{FINDINGS}{finding['id']}/").json()
    assert one["explanation"] == finding["explanation"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_county_officer", 404), ("city_leader", 403), ("city_auditor", 403)],
)
def test_who_may_not_run(request, client, campaign, failing_kiln, who, status):
    response = login(client, request.getfixturevalue(who)).post(detail(campaign, "run/"))
    assert response.status_code == status
    assert not Finding.objects.exists()


def test_findings_of_another_county_are_not_seen(
    client, other_county_officer, enterprise_user, run_campaign
):
    for user in (other_county_officer, enterprise_user):
        login(client, user)
        assert client.get(FINDINGS).json()["results"] == []
        finding = Finding.objects.first()
        assert client.get(f"{FINDINGS}{finding.pk}/").status_code == 404


def test_the_findings_list_runs_the_same_queries_for_few_and_many(
    client, county_officer, campaign, east_enterprise, django_assert_max_num_queries
):
    def add(n, start):
        for i in range(start, start + n):
            line = make_kiln(east_enterprise, code=f"K{i}")
            measure(county_officer, line, "clinker_comprehensive_energy", 125, "kgce/t")

    login(client, county_officer)
    add(2, 0)
    services.run_campaign(campaign, by=county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(FINDINGS)
    add(30, 10)
    services.run_campaign(campaign, by=county_officer)
    with django_assert_max_num_queries(len(few)):
        response = client.get(FINDINGS)
    assert response.json()["count"] >= 32


def test_what_if_with_a_json_or_a_yaml_body(client, county_officer, campaign, licensed, kiln):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 112, "kgce/t")
    login(client, county_officer)
    response = client.post(
        detail(campaign, "what-if/"), {"yaml": DRAFT}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [line["line_code"] for line in body["lines"]] == ["YL-1"]
    assert body["capacity_totals"] == {"t/d": "2500.000"}
    response = client.post(detail(campaign, "what-if/"), DRAFT, content_type="application/yaml")
    assert response.status_code == 200
    assert response.json()["drafts"] == ["gb16780-2021.clinker-energy"]
    assert not Finding.objects.exists()


def test_a_broken_draft_is_a_400(client, county_officer, campaign):
    login(client, county_officer)
    response = client.post(
        detail(campaign, "what-if/"), {"yaml": "family: x\n"}, content_type="application/json"
    )
    assert response.status_code == 400 and "yaml" in response.json()
    response = client.post(detail(campaign, "what-if/"), {}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(
        detail(campaign, "what-if/"), {"local_rules": [999]}, content_type="application/json"
    )
    assert response.status_code == 400 and "local_rules" in response.json()


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_leader", 200), ("city_auditor", 403), ("other_county_officer", 404)],
)
def test_who_may_run_a_what_if(request, client, campaign, who, status):
    response = login(client, request.getfixturevalue(who)).post(
        detail(campaign, "what-if/"), {"yaml": DRAFT}, content_type="application/json"
    )
    assert response.status_code == status
