"""/api/lines/: production lines of the enterprises in scope; writes through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.registry.models import ProductionLine
from tests.conftest import login
from tests.registry.records import make_enterprises, make_line

LIST = "/api/lines/"
READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def detail(line):
    return f"{LIST}{line.pk}/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def new_line(enterprise, **values):
    return {
        "enterprise": enterprise.pk,
        "code": "KILN-1",
        "equipment_type": "cement_kiln",
        "capacity": "2500",
        "capacity_unit": "t/d",
        **values,
    }


def test_anonymous_is_refused(client, east_enterprise):
    line = make_line(east_enterprise)
    assert client.get(LIST).status_code in (401, 403)
    assert client.get(detail(line)).status_code in (401, 403)


def test_lists_lines_in_scope_with_labels(
    client, county_officer, east_enterprise, north_enterprise
):
    east = make_line(east_enterprise, code="E1")
    make_line(north_enterprise, code="N1")
    response = login(client, county_officer).get(LIST)
    assert ids(response) == {east.pk}
    row = response.json()["results"][0]
    assert row["enterprise"] == east_enterprise.pk
    assert row["enterprise_name"] == "城东水泥有限公司"
    assert row["equipment_type_display"] == "水泥熟料回转窑"
    assert row["capacity_unit_display"] == "吨/日"
    assert row["status_display"] == "运行"


def test_other_county_gets_404(client, other_county_officer, east_enterprise):
    line = make_line(east_enterprise)
    login(client, other_county_officer)
    assert ids(client.get(LIST)) == set()
    assert client.get(detail(line)).status_code == 404
    assert (
        client.patch(
            detail(line), {"status": "sealed"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(detail(line)).status_code == 404


def test_enterprise_user_reads_own_lines(
    client, enterprise_user, east_enterprise, north_enterprise
):
    own = make_line(east_enterprise)
    other = make_line(north_enterprise)
    login(client, enterprise_user)
    assert ids(client.get(LIST)) == {own.pk}
    assert client.get(detail(other)).status_code == 404


def test_officer_creates_a_line(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(
        LIST, new_line(east_enterprise), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    line = ProductionLine.objects.get(pk=response.json()["id"])
    assert line.enterprise == east_enterprise
    assert line.history.get().history_user == county_officer


def test_a_line_for_an_enterprise_outside_scope_is_refused(
    client, county_officer, north_enterprise
):
    response = login(client, county_officer).post(
        LIST, new_line(north_enterprise), content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert "enterprise" in response.json()
    assert "北山" not in response.text
    assert not ProductionLine.objects.exists()


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_write(client, request, who, east_enterprise):
    line = make_line(east_enterprise, code="L1")
    login(client, request.getfixturevalue(who))
    assert client.get(detail(line)).status_code == 200
    response = client.post(LIST, new_line(east_enterprise), content_type="application/json")
    assert response.status_code == 403
    patch = client.patch(detail(line), {"status": "sealed"}, content_type="application/json")
    assert patch.status_code == 403
    assert client.delete(detail(line)).status_code == 403
    line.refresh_from_db()
    assert line.status == "operating"
    assert ProductionLine.objects.count() == 1


def test_unit_that_does_not_fit_is_400_on_the_unit(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(
        LIST, new_line(east_enterprise, capacity_unit="MW"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "不适用于水泥熟料回转窑" in response.json()["capacity_unit"][0]


def test_duplicate_code_is_400_on_the_code(client, county_officer, east_enterprise):
    make_line(east_enterprise, code="KILN-1")
    response = login(client, county_officer).post(
        LIST, new_line(east_enterprise), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == ["本企业已有编号为“KILN-1”的生产线。"]


def test_officer_updates_a_line(client, county_officer, east_enterprise):
    line = make_line(east_enterprise, code="L1")
    login(client, county_officer)
    response = client.patch(detail(line), {"status": "sealed"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status_display"] == "封存"
    # A unit that does not fit the equipment already recorded is refused on a partial update too.
    response = client.patch(detail(line), {"capacity_unit": "MW"}, content_type="application/json")
    assert response.status_code == 400
    assert "capacity_unit" in response.json()
    response = client.put(
        detail(line),
        new_line(east_enterprise, code="L1", capacity="3000"),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    line.refresh_from_db()
    # A field left out of a PUT keeps its value when it has a default (DRF: not required).
    assert (line.status, line.capacity) == ("sealed", 3000)


def test_a_line_stays_with_its_enterprise(client, county_officer, east_enterprise, jurisdiction):
    line = make_line(east_enterprise)
    other = make_enterprises(jurisdiction["east"], 1, lines=0)[0]
    response = login(client, county_officer).patch(
        detail(line), {"enterprise": other.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_officer_deletes_a_line_entered_by_mistake(client, county_officer, east_enterprise):
    line = make_line(east_enterprise)
    assert login(client, county_officer).delete(detail(line)).status_code == 204
    assert not ProductionLine.objects.exists()
    assert line.history.first().history_type == "-"


def test_filters(client, city_leader, east_enterprise, north_enterprise):
    east = make_line(east_enterprise, code="E1")
    north = make_line(north_enterprise, code="N1", status="sealed")
    login(client, city_leader)
    assert ids(client.get(LIST, {"enterprise": east_enterprise.pk})) == {east.pk}
    assert ids(client.get(LIST, {"status": "sealed"})) == {north.pk}
    assert ids(client.get(LIST, {"equipment_type": "power_unit"})) == set()


def test_list_query_count_does_not_grow_with_rows(
    client, city_leader, jurisdiction, django_assert_max_num_queries
):
    login(client, city_leader)
    make_enterprises(jurisdiction["east"], 1, lines=2)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    make_enterprises(jurisdiction["north"], 15, lines=2)
    with django_assert_max_num_queries(5):
        response = client.get(LIST)
    assert response.json()["count"] == 32
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)
