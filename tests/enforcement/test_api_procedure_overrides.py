"""/api/procedure-overrides/: the parameters in force for a person's region (from above) and set
below it; only an administrator of the region sets one, with its reference, never more lenient
than the national text."""

from __future__ import annotations

import pytest

from phaseout.enforcement import services
from phaseout.enforcement.models import ProcedureOverride
from phaseout.regions.choices import Role
from tests.conftest import _person, login

from .apihelpers import post
from .conftest import open_case

LIST = "/api/procedure-overrides/"
CHENZHOU = "郴州市应急管理局关于停产整顿期限的规定"


@pytest.fixture
def city_admin(jurisdiction):
    return _person("city_admin", role=Role.ADMINISTRATOR, region=jurisdiction["city"])


@pytest.fixture
def north_admin(jurisdiction):
    return _person("north_admin", role=Role.ADMINISTRATOR, region=jurisdiction["north"])


@pytest.fixture
def overrides(city_admin, jurisdiction):
    def set_(region, value):
        return services.set_procedure_override(
            by=city_admin,
            region=jurisdiction[region],
            dimension="SAFETY",
            parameter="rectify_months",
            value=value,
            reference=CHENZHOU,
        )

    return {"city": set_("city", 6), "east": set_("east", 3), "north": set_("north", 4)}


def regions(client) -> set[str]:
    response = client.get(LIST)
    assert response.status_code == 200, response.content
    return {row["region"] for row in response.json()["results"]}


def test_anonymous_is_refused(client, overrides):
    assert client.get(LIST).status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("county_officer", {"990100", "990102"}),
        ("other_county_officer", {"990100", "990121"}),
        ("enterprise_user", {"990100", "990102"}),
        ("city_leader", {"990100", "990102", "990121"}),
        ("city_admin", {"990100", "990102", "990121"}),
    ],
)
def test_who_sees_which(request, client, overrides, who, seen):
    assert regions(login(client, request.getfixturevalue(who))) == seen


def test_an_administrator_sets_one_and_cases_follow_it(
    client, city_admin, safety_officer, east_enterprise
):
    login(client, city_admin)
    data = {
        "region": "990100",
        "dimension": "SAFETY",
        "parameter": "rectify_months",
        "value": 6,
        "reference": CHENZHOU,
    }
    response = client.post(LIST, data, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region_name"] == "示范市" and body["created_by"] == "city_admin"
    # Setting it again replaces the value.
    response = client.post(LIST, {**data, "value": 5}, content_type="application/json")
    assert response.status_code == 201 and ProcedureOverride.objects.get().value == 5

    case = open_case(safety_officer, east_enterprise, dimension="SAFETY", facts="隐患")
    body = post(login(client, safety_officer), case, "serve-order", {"served_on": "2026-03-02"})
    assert body.status_code == 200 and body.json()["period_months"] == 5


@pytest.mark.parametrize("who", ["county_officer", "city_leader", "enterprise_user"])
def test_only_administrators_set_them(request, client, jurisdiction, who):
    response = login(client, request.getfixturevalue(who)).post(
        LIST,
        {
            "region": "990102",
            "dimension": "SAFETY",
            "parameter": "rectify_months",
            "value": 6,
            "reference": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ProcedureOverride.objects.exists()


def test_an_administrator_sets_only_in_their_region(client, north_admin):
    response = login(client, north_admin).post(
        LIST,
        {
            "region": "990102",
            "dimension": "SAFETY",
            "parameter": "rectify_months",
            "value": 6,
            "reference": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403 and not ProcedureOverride.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parameter": "order"}, "parameter"),
        ({"parameter": "rectify_months", "dimension": "ENERGY", "value": 9}, "value"),
        ({"parameter": "approval", "dimension": "QUALITY", "value": False}, "value"),
        ({"value": "six"}, "value"),
        ({"value": {"months": 6}}, "value"),
        ({"region": "990199"}, "region"),
        ({"region": "99\x000102"}, "region"),
        ({"dimension": "NUCLEAR"}, "dimension"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 301}, "reference"),
    ],
)
def test_bad_values_are_named(client, city_admin, data, field):
    body = {
        "region": "990100",
        "dimension": "SAFETY",
        "parameter": "rectify_months",
        "value": 6,
        "reference": "依据",
        **data,
    }
    response = login(client, city_admin).post(LIST, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ProcedureOverride.objects.exists()


def test_garbage_is_named_field_by_field(client, city_admin):
    login(client, city_admin)
    fields = {"region", "dimension", "parameter", "reference"}
    for garbage in ({"$ne": None}, [1, [2]], "\x00"):
        response = client.post(
            LIST, dict.fromkeys([*fields, "value"], garbage), content_type="application/json"
        )
        assert response.status_code == 400
        assert set(response.json()) >= fields
    assert client.post(LIST, "[]", content_type="application/json").status_code == 400
