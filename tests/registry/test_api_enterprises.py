"""GET/POST/PUT/PATCH/DELETE /api/enterprises/: scoped reads, writes through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from phaseout.registry.creditcode import check_character
from phaseout.registry.models import Enterprise
from tests.conftest import login, make_credit_code
from tests.registry.records import make_enterprises, make_line

LIST = "/api/enterprises/"
READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def detail(enterprise):
    return f"{LIST}{enterprise.pk}/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def new_enterprise(**values):
    return {
        "credit_code": make_credit_code("990102"),
        "name": "城东新材料有限公司",
        "region": "990102",
        "industry": "3011",
        "size": "above",
        **values,
    }


def test_anonymous_is_refused(client, east_enterprise):
    assert client.get(LIST).status_code in (401, 403)
    assert client.get(detail(east_enterprise)).status_code in (401, 403)
    response = client.post(LIST, new_enterprise(), content_type="application/json")
    assert response.status_code in (401, 403)


def test_token_authentication(client, county_officer, east_enterprise):
    token = Token.objects.create(user=county_officer)
    response = client.get(LIST, headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert ids(response) == {east_enterprise.pk}


def test_county_officer_lists_own_county_with_labels(
    client, county_officer, east_enterprise, north_enterprise
):
    make_line(east_enterprise)
    response = login(client, county_officer).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["credit_code"] == east_enterprise.credit_code
    assert (row["region"], row["region_name"]) == ("990102", "城东区")
    assert (row["industry"], row["industry_name"]) == ("3011", "水泥制造")
    assert (row["size"], row["size_display"]) == ("above", "规上")
    assert (row["legal_standing"], row["legal_standing_display"]) == ("licensed", "手续完备")
    assert (row["status"], row["status_display"]) == ("operating", "在产")
    assert row["line_count"] == 1


def test_other_county_neither_lists_nor_reads_nor_changes_east(
    client, other_county_officer, east_enterprise, north_enterprise
):
    login(client, other_county_officer)
    assert ids(client.get(LIST)) == {north_enterprise.pk}
    assert client.get(detail(east_enterprise)).status_code == 404
    patch = client.patch(detail(east_enterprise), {"name": "x"}, content_type="application/json")
    assert patch.status_code == 404
    assert client.delete(detail(east_enterprise)).status_code == 404
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥有限公司"


@pytest.mark.parametrize("who", ["city_leader", "city_auditor"])
def test_city_reads_every_county(client, request, who, east_enterprise, north_enterprise):
    response = login(client, request.getfixturevalue(who)).get(LIST)
    assert ids(response) == {east_enterprise.pk, north_enterprise.pk}


def test_enterprise_user_reads_only_its_own(
    client, enterprise_user, east_enterprise, north_enterprise
):
    login(client, enterprise_user)
    assert ids(client.get(LIST)) == {east_enterprise.pk}
    assert client.get(detail(north_enterprise)).status_code == 404
    assert client.get(detail(east_enterprise)).status_code == 200


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_write(client, request, who, east_enterprise):
    login(client, request.getfixturevalue(who))
    assert client.get(detail(east_enterprise)).status_code == 200
    response = client.post(LIST, new_enterprise(), content_type="application/json")
    assert response.status_code == 403
    patch = client.patch(detail(east_enterprise), {"name": "x"}, content_type="application/json")
    assert patch.status_code == 403
    assert client.delete(detail(east_enterprise)).status_code == 403
    assert Enterprise.objects.count() == 1
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥有限公司"


# — writing —


def test_officer_creates_an_enterprise(client, county_officer, jurisdiction):
    data = new_enterprise()
    data["credit_code"] = data["credit_code"].lower()
    response = login(client, county_officer).post(LIST, data, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["credit_code"] == data["credit_code"].upper()
    assert body["status_display"] == "在产"
    assert body["line_count"] == 0
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert enterprise.history.get().history_user == county_officer


def test_creating_in_another_county_is_403(client, county_officer, jurisdiction):
    data = new_enterprise(region="990121", credit_code=make_credit_code("990121"))
    response = login(client, county_officer).post(LIST, data, content_type="application/json")
    assert response.status_code == 403
    assert "北山县" in response.json()["detail"]
    assert not Enterprise.objects.exists()


def test_bad_check_character_names_the_expected_one(client, county_officer, jurisdiction):
    first17 = "91990102000000999"
    expected = check_character(first17)
    data = new_enterprise(credit_code=first17 + ("0" if expected != "0" else "1"))
    response = login(client, county_officer).post(LIST, data, content_type="application/json")
    assert response.status_code == 400
    assert f"第18位应为“{expected}”" in response.json()["credit_code"][0]


def test_duplicate_credit_code_is_400(client, county_officer, east_enterprise, north_enterprise):
    login(client, county_officer)
    for code in (east_enterprise.credit_code.lower(), north_enterprise.credit_code):
        data = new_enterprise(credit_code=code)
        response = client.post(LIST, data, content_type="application/json")
        assert response.status_code == 400
        assert "credit_code" in response.json()
    assert Enterprise.objects.count() == 2


@pytest.mark.parametrize(
    "field, value",
    [("region", "999999"), ("industry", "9999"), ("size", "huge"), ("employees", -1)],
)
def test_invalid_values_are_400(client, county_officer, jurisdiction, field, value):
    data = new_enterprise(**{field: value})
    response = login(client, county_officer).post(LIST, data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_malformed_body_is_400(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(LIST, "{", content_type="application/json")
    assert response.status_code == 400


def test_officer_updates_own_enterprise(client, county_officer, east_enterprise):
    login(client, county_officer)
    response = client.patch(
        detail(east_enterprise), {"status": "suspended"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status_display"] == "停产"
    data = new_enterprise(credit_code=east_enterprise.credit_code, name="城东水泥股份有限公司")
    response = client.put(detail(east_enterprise), data, content_type="application/json")
    assert response.status_code == 200, response.json()
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥股份有限公司"
    assert east_enterprise.history.first().history_user == county_officer


def test_moving_an_enterprise_out_of_scope_is_403(client, county_officer, east_enterprise):
    response = login(client, county_officer).patch(
        detail(east_enterprise), {"region": "990121"}, content_type="application/json"
    )
    assert response.status_code == 403
    east_enterprise.refresh_from_db()
    assert east_enterprise.region.code == "990102"


def test_delete_only_an_enterprise_without_records(client, county_officer, east_enterprise):
    login(client, county_officer)
    make_line(east_enterprise)
    response = client.delete(detail(east_enterprise))
    assert response.status_code == 400
    assert "生产线" in str(response.json())
    east_enterprise.lines.all().delete()
    assert client.delete(detail(east_enterprise)).status_code == 204
    assert not Enterprise.objects.exists()


# — filters (the same FilterSet as the page) —


def test_filters(client, city_leader, east_enterprise, north_enterprise):
    login(client, city_leader)
    assert ids(client.get(LIST, {"region": "990102"})) == {east_enterprise.pk}
    assert ids(client.get(LIST, {"region": "990100"})) == {east_enterprise.pk, north_enterprise.pk}
    assert ids(client.get(LIST, {"q": "北山"})) == {north_enterprise.pk}
    assert ids(client.get(LIST, {"size": "above"})) == {east_enterprise.pk}
    assert ids(client.get(LIST, {"industry": "30"})) == {east_enterprise.pk, north_enterprise.pk}


def test_region_outside_scope_is_400_not_data(client, county_officer, north_enterprise):
    response = login(client, county_officer).get(LIST, {"region": "990121"})
    assert response.status_code == 400
    assert "北山" not in response.text


# — queries —


def test_list_query_count_does_not_grow_with_rows(
    client, city_leader, jurisdiction, django_assert_max_num_queries
):
    login(client, city_leader)
    make_enterprises(jurisdiction["east"], 2)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    make_enterprises(jurisdiction["north"], 30, prefix="北山")
    with django_assert_max_num_queries(5):
        response = client.get(LIST)
    assert response.json()["count"] == 32
    assert {row["line_count"] for row in response.json()["results"]} == {2}
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)
