"""/api/licenses/: licenses of the enterprises in scope; writes through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.registry.models import License
from tests.conftest import login
from tests.registry.records import make_enterprises, make_license

LIST = "/api/licenses/"
READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def detail(license_):
    return f"{LIST}{license_.pk}/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def new_license(enterprise, **values):
    return {
        "enterprise": enterprise.pk,
        "kind": "safety",
        "number": "(示)FM安许证字〔2024〕0001",
        "issuer": "示范省应急管理厅",
        "valid_from": "2024-01-01",
        "valid_until": "2026-12-31",
        **values,
    }


def test_anonymous_is_refused(client, east_enterprise):
    license_ = make_license(east_enterprise)
    assert client.get(LIST).status_code in (401, 403)
    assert client.get(detail(license_)).status_code in (401, 403)


def test_lists_licenses_in_scope_with_labels(
    client, county_officer, east_enterprise, north_enterprise
):
    east = make_license(east_enterprise)
    make_license(north_enterprise)
    response = login(client, county_officer).get(LIST)
    assert ids(response) == {east.pk}
    row = response.json()["results"][0]
    assert (row["kind"], row["kind_display"]) == ("discharge", "排污许可证")
    assert (row["status"], row["status_display"]) == ("valid", "有效")
    assert row["enterprise_name"] == "城东水泥有限公司"


def test_other_county_gets_404(client, other_county_officer, east_enterprise):
    license_ = make_license(east_enterprise)
    login(client, other_county_officer)
    assert ids(client.get(LIST)) == set()
    assert client.get(detail(license_)).status_code == 404
    assert client.delete(detail(license_)).status_code == 404


def test_officer_creates_a_license(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(
        LIST, new_license(east_enterprise), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind_display"] == "安全生产许可证"
    assert License.objects.get().history.get().history_user == county_officer


def test_a_license_for_an_enterprise_outside_scope_is_refused(
    client, county_officer, north_enterprise
):
    response = login(client, county_officer).post(
        LIST, new_license(north_enterprise), content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert not License.objects.exists()


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_write(client, request, who, east_enterprise):
    license_ = make_license(east_enterprise)
    login(client, request.getfixturevalue(who))
    assert client.get(detail(license_)).status_code == 200
    response = client.post(LIST, new_license(east_enterprise), content_type="application/json")
    assert response.status_code == 403
    patch = client.patch(detail(license_), {"status": "revoked"}, content_type="application/json")
    assert patch.status_code == 403
    assert client.delete(detail(license_)).status_code == 403
    license_.refresh_from_db()
    assert license_.status == "valid"


def test_validity_ending_before_it_starts_is_400(client, county_officer, east_enterprise):
    data = new_license(east_enterprise, valid_from="2026-01-01", valid_until="2024-01-01")
    response = login(client, county_officer).post(LIST, data, content_type="application/json")
    assert response.status_code == 400
    assert "valid_until" in response.json()


def test_duplicate_number_is_400_on_the_number(
    client, county_officer, east_enterprise, north_enterprise
):
    make_license(north_enterprise, kind="safety", number="(示)FM安许证字〔2024〕0001")
    response = login(client, county_officer).post(
        LIST, new_license(east_enterprise), content_type="application/json"
    )
    assert response.status_code == 400
    assert "number" in response.json()


def test_officer_revokes_and_deletes(client, county_officer, east_enterprise):
    license_ = make_license(east_enterprise)
    login(client, county_officer)
    response = client.patch(
        detail(license_), {"status": "revoked"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status_display"] == "吊销"
    assert client.delete(detail(license_)).status_code == 204
    assert not License.objects.exists()


def test_list_query_count_does_not_grow_with_rows(
    client, city_leader, jurisdiction, django_assert_max_num_queries
):
    login(client, city_leader)
    for enterprise in make_enterprises(jurisdiction["east"], 2, lines=0):
        make_license(enterprise)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for enterprise in make_enterprises(jurisdiction["north"], 30, lines=0, prefix="北山"):
        make_license(enterprise)
    with django_assert_max_num_queries(5):
        assert client.get(LIST).json()["count"] == 32
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)
