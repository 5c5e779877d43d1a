"""/api/regions/ and /api/departments/: read-only, within the person's scope."""

import pytest

from phaseout.regions.models import Department
from tests.conftest import login


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("url", ["/api/regions/", "/api/departments/"])
def test_anonymous_is_refused(client, db, url):
    assert client.get(url).status_code in (401, 403)


def test_county_officer_reads_own_county(client, county_officer):
    response = login(client, county_officer).get("/api/regions/")
    assert codes(response) == {"990102"}
    row = response.json()["results"][0]
    assert (row["level"], row["level_display"]) == ("county", "县级")
    assert row["parent_code"] == "990100"


def test_city_leader_reads_the_city_tree(client, city_leader, jurisdiction):
    response = login(client, city_leader).get("/api/regions/")
    assert codes(response) == {"990100", "990102", "990121", "990171"}


def test_other_county_gets_404_for_east(client, other_county_officer, jurisdiction):
    response = login(client, other_county_officer).get(f"/api/regions/{jurisdiction['east'].pk}/")
    assert response.status_code == 404


def test_enterprise_user_reads_its_enterprises_region(client, enterprise_user):
    assert codes(login(client, enterprise_user).get("/api/regions/")) == {"990102"}


def test_region_filters(client, city_leader, jurisdiction):
    login(client, city_leader)
    assert codes(client.get("/api/regions/", {"level": "park"})) == {"990171"}
    assert codes(client.get("/api/regions/", {"within": "990121"})) == {"990121"}
    assert codes(client.get("/api/regions/", {"within": "000000"})) == set()
    assert codes(client.get("/api/regions/", {"current": "true"})) == {
        "990100",
        "990102",
        "990121",
        "990171",
    }


def test_regions_are_read_only(client, city_leader, jurisdiction):
    login(client, city_leader)
    data = {"code": "990122", "name": "新县", "level": "county"}
    assert client.post("/api/regions/", data, content_type="application/json").status_code == 405
    url = f"/api/regions/{jurisdiction['east'].pk}/"
    assert client.delete(url).status_code == 405


def test_departments_in_scope_with_labels(
    client, county_officer, other_county_officer, city_leader
):
    response = login(client, county_officer).get("/api/departments/")
    rows = response.json()["results"]
    assert [(r["region_code"], r["kind"], r["kind_display"]) for r in rows] == [
        ("990102", "industry_it", "工业和信息化（经信）")
    ]
    city = {
        r["region_code"]
        for r in login(client, city_leader).get("/api/departments/").json()["results"]
    }
    assert city == {"990100", "990102", "990121"}
    assert Department.objects.count() == 3


def test_departments_filter_by_kind_and_region(client, city_leader, county_officer, power_officer):
    login(client, city_leader)
    rows = client.get("/api/departments/", {"kind": "power_supplier"}).json()["results"]
    assert [r["region_code"] for r in rows] == ["990102"]
    rows = client.get("/api/departments/", {"region": "990100"}).json()["results"]
    assert [r["kind"] for r in rows] == ["leading_group"]


def test_departments_are_read_only(client, city_leader):
    login(client, city_leader)
    response = client.post("/api/departments/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 405


def test_region_list_queries(client, city_leader, django_assert_max_num_queries):
    login(client, city_leader)
    with django_assert_max_num_queries(5):
        assert client.get("/api/regions/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/api/departments/").status_code == 200
