"""/api/measurements/ and /api/inspections/: readings in scope; writes through the services,
a unit that cannot be converted is a 400 naming the field."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.screening.models import Inspection, Measurement
from tests.conftest import login
from tests.screening.conftest import measure

LIST = "/api/measurements/"
INSPECTIONS = "/api/inspections/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def reading(kiln, **values):
    return {
        "enterprise": kiln.enterprise_id,
        "line": kiln.pk,
        "metric": "clinker_comprehensive_energy",
        "value": "0.125",
        "unit": "tce/t",
        "date": "2025-06-01",
        "source": "sampling",
        **values,
    }


def test_anonymous_is_refused(client):
    assert client.get(LIST).status_code in (401, 403)
    assert client.post(INSPECTIONS, {}, content_type="application/json").status_code in (401, 403)


def test_lists_measurements_in_scope(
    client, county_officer, other_county_officer, enterprise_user, kiln, north_kiln
):
    mine = measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    theirs = measure(other_county_officer, north_kiln, "clinker_ratio", 70, "%")
    response = login(client, county_officer).get(LIST)
    assert ids(response) == {mine.pk}
    row = response.json()["results"][0]
    assert row["metric_name"] == "熟料单位产品综合能耗"
    assert row["value"] == "125" and row["unit_display"] == "千克标准煤/吨"
    assert ids(login(client, enterprise_user).get(LIST)) == {mine.pk}
    assert ids(login(client, other_county_officer).get(LIST)) == {theirs.pk}
    assert client.get(f"{LIST}{mine.pk}/").status_code == 404


def test_filters(client, county_officer, kiln):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    ratio = measure(county_officer, kiln, "clinker_ratio", 78, "%", day=datetime.date(2025, 8, 1))
    login(client, county_officer)
    assert ids(client.get(LIST, {"metric": "clinker_ratio"})) == {ratio.pk}
    assert ids(client.get(LIST, {"date_from": "2025-07-01"})) == {ratio.pk}
    assert ids(client.get(LIST, {"line": kiln.pk, "source": "inspection"})) == {
        m.pk for m in Measurement.objects.all()
    }


def test_an_officer_records_a_measurement_converted_to_the_metrics_unit(
    client, county_officer, kiln
):
    response = login(client, county_officer).post(
        LIST, reading(kiln), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["value_std"] == pytest.approx(125)
    assert Measurement.objects.get().created_by == county_officer


def test_a_unit_that_cannot_be_converted_is_a_400_naming_the_unit(client, county_officer, kiln):
    response = login(client, county_officer).post(
        LIST, reading(kiln, unit="kWh/t"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "不能换算" in response.json()["unit"][0]
    assert not Measurement.objects.exists()


def test_a_line_of_another_enterprise_is_a_400(client, county_officer, kiln, licensed):
    from phaseout.registry.models import Enterprise
    from tests.screening.conftest import make_kiln

    other = Enterprise.objects.create(
        credit_code="91990102MA0000001X"[:17] + "0",
        name="另一家",
        region=kiln.enterprise.region,
        industry=kiln.enterprise.industry,
        size="above",
    )
    line = make_kiln(other, code="Z")
    response = login(client, county_officer).post(
        LIST, reading(kiln, line=line.pk), content_type="application/json"
    )
    assert response.status_code == 400
    assert "line" in response.json()


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_leader", 403), ("city_auditor", 403), ("enterprise_user", 403)],
)
def test_readers_may_not_record(request, client, kiln, who, status):
    response = login(client, request.getfixturevalue(who)).post(
        LIST, reading(kiln), content_type="application/json"
    )
    assert response.status_code == status


def test_another_countys_officer_cannot_record_for_this_county(client, other_county_officer, kiln):
    response = login(client, other_county_officer).post(
        LIST, reading(kiln), content_type="application/json"
    )
    assert response.status_code == 400  # the enterprise is not one they can name
    assert "enterprise" in response.json()


def test_the_list_runs_the_same_queries_for_few_and_many(
    client, county_officer, kiln, django_assert_max_num_queries
):
    login(client, county_officer)
    measure(county_officer, kiln, "clinker_ratio", 78, "%")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for day in range(1, 25):
        measure(county_officer, kiln, "clinker_ratio", 78, "%", day=datetime.date(2025, 3, day))
    with django_assert_max_num_queries(len(few)):
        client.get(LIST)


def test_an_inspection_with_nested_readings(client, county_officer, kiln):
    body = {
        "enterprise": kiln.enterprise_id,
        "line": kiln.pk,
        "date": "2025-06-01",
        "source": "inspection",
        "document_number": "JC-1",
        "readings": [
            {"metric": "clinker_comprehensive_energy", "value": "125"},
            {"metric": "clinker_ratio", "value": "0.78", "unit": ""},
        ],
    }
    response = login(client, county_officer).post(
        INSPECTIONS, body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["measurements"]) == 2
    inspection = Inspection.objects.get()
    assert inspection.measurements.get(metric="clinker_comprehensive_energy").unit == "kgce/t"


def test_a_bad_reading_names_its_position_and_field(client, county_officer, kiln):
    body = {
        "enterprise": kiln.enterprise_id,
        "line": kiln.pk,
        "date": "2025-06-01",
        "source": "inspection",
        "readings": [
            {"metric": "clinker_ratio", "value": "78"},
            {"metric": "clinker_comprehensive_energy", "value": "abc"},
        ],
    }
    response = login(client, county_officer).post(
        INSPECTIONS, body, content_type="application/json"
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["readings"]
    second = errors["1"] if isinstance(errors, dict) else errors[1]
    assert "不是数字" in second["value"][0]
    assert not Inspection.objects.exists() and not Measurement.objects.exists()


def test_readers_may_not_record_an_inspection(client, city_leader, kiln):
    response = login(client, city_leader).post(
        INSPECTIONS,
        {
            "enterprise": kiln.enterprise_id,
            "date": "2025-06-01",
            "source": "inspection",
            "readings": [{"metric": "clinker_ratio", "value": "78"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 403
