"""/api/catalogue-rules/ (read-only, from the YAML catalogue) and /api/local-rules/ (through
the services, per role)."""

import pytest

from phaseout.standards.models import LocalRule
from tests.conftest import login
from tests.standards.conftest import STRICTER

CATALOGUE = "/api/catalogue-rules/"
LOCAL = "/api/local-rules/"


def new_rule(**values):
    return {
        "region": "990102",
        "rule_id": "local.clinker-energy",
        "supersedes": "gb16780-2021.clinker-energy",
        "definition": STRICTER,
        **values,
    }


def test_anonymous_is_refused(client):
    assert client.get(CATALOGUE).status_code in (401, 403)
    assert client.get(LOCAL).status_code in (401, 403)


def test_the_catalogue_lists_and_shows_a_rule(client, city_auditor):
    login(client, city_auditor)
    rules = client.get(CATALOGUE, {"dimension": "ENERGY"}).json()
    assert all(rule["dimension"] == "ENERGY" for rule in rules)
    rule = client.get(f"{CATALOGUE}gb16780-2021.clinker-energy/").json()
    assert rule["reference"] == "GB 16780-2021 表1 熟料单位产品综合能耗"
    assert rule["periods"][0]["start"] == "2022-11-01"
    assert {v["level"]: v["value"] for v in rule["periods"][0]["values"]}["limit"] == 117
    assert rule["unverified"] is False
    assert client.get(f"{CATALOGUE}no.such-rule/").status_code == 404


def test_an_officer_makes_a_rule_from_json_or_yaml(client, county_officer, jurisdiction):
    login(client, county_officer)
    response = client.post(LOCAL, new_rule(), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    import yaml

    response = client.post(
        LOCAL,
        new_rule(rule_id="local.two", definition=yaml.safe_dump(STRICTER, allow_unicode=True)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()


def test_a_more_lenient_rule_is_a_400_naming_the_definition(client, county_officer, jurisdiction):
    lenient = {**STRICTER, "values": {"2026-01-01": {"limit": 130}}}
    response = login(client, county_officer).post(
        LOCAL, new_rule(definition=lenient), content_type="application/json"
    )
    assert response.status_code == 400
    assert any("只能更严格" in m for m in response.json()["definition"])
    assert not LocalRule.objects.exists()


def test_a_region_outside_the_scope_is_a_400(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        LOCAL, new_rule(region="990121"), content_type="application/json"
    )
    assert response.status_code == 400 and "region" in response.json()


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_readers_may_not_write(request, client, jurisdiction, who):
    response = login(client, request.getfixturevalue(who)).post(
        LOCAL, new_rule(), content_type="application/json"
    )
    assert response.status_code == 403


def test_status_update_and_delete_through_the_services(client, county_officer, local):
    login(client, county_officer)
    response = client.patch(
        f"{LOCAL}{local.pk}/",
        {"definition": {**STRICTER, "values": {"2026-01-01": {"limit": 111}}}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    response = client.post(f"{LOCAL}{local.pk}/status/", {"status": "active"})
    assert response.status_code == 200 and response.json()["status"] == "active"
    response = client.post(f"{LOCAL}{local.pk}/status/", {"status": "draft"})
    assert response.status_code == 409
    assert client.delete(f"{LOCAL}{local.pk}/").status_code == 409
    assert local.history.count() == 3


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("other_county_officer", 404, 404), ("city_leader", 200, 403), ("enterprise_user", 404, 403)],
)
def test_who_may_read_and_change_a_rule(request, client, local, who, read, write):
    login(client, request.getfixturevalue(who))
    assert client.get(f"{LOCAL}{local.pk}/").status_code == read
    response = client.post(f"{LOCAL}{local.pk}/status/", {"status": "active"})
    assert response.status_code == write
    local.refresh_from_db()
    assert local.status == "draft"
