"""检测值 pages: the list in scope, the inspection form with several readings, the import."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.screening.models import Inspection, Measurement
from tests.conftest import login
from tests.screening.conftest import measure
from tests.screening.test_import_measurements import csv_file, row


def inspection_url(enterprise):
    return reverse("screening:inspection-create", args=[enterprise.pk])


def readings(*rows):
    data = {
        "readings-TOTAL_FORMS": "6",
        "readings-INITIAL_FORMS": "0",
        "readings-MIN_NUM_FORMS": "0",
        "readings-MAX_NUM_FORMS": "50",
    }
    for index, (metric, value, unit) in enumerate(rows):
        data.update(
            {
                f"readings-{index}-metric": metric,
                f"readings-{index}-value": value,
                f"readings-{index}-unit": unit,
            }
        )
    return data


def test_the_list_shows_measurements_in_scope(
    client, county_officer, other_county_officer, enterprise_user, kiln, north_kiln
):
    mine = measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    theirs = measure(other_county_officer, north_kiln, "clinker_comprehensive_energy", 99, "kgce/t")
    url = reverse("screening:measurement-list")
    text = login(client, county_officer).get(url).text
    assert f'id="m{mine.pk}"' in text and f'id="m{theirs.pk}"' not in text
    text = login(client, enterprise_user).get(url).text
    assert f'id="m{mine.pk}"' in text and f'id="m{theirs.pk}"' not in text
    text = login(client, other_county_officer).get(url).text
    assert f'id="m{mine.pk}"' not in text and f'id="m{theirs.pk}"' in text


def test_the_list_filters_and_survives_bad_filter_values(client, county_officer, kiln):
    measure(county_officer, kiln, "clinker_comprehensive_energy", 125, "kgce/t")
    measure(county_officer, kiln, "clinker_ratio", 78, "%")
    login(client, county_officer)
    url = reverse("screening:measurement-list")
    response = client.get(url, {"metric": "clinker_ratio"})
    assert len(response.context["measurements"]) == 1
    response = client.get(url, {"date_from": "2025-07-01"})
    assert len(response.context["measurements"]) == 0
    response = client.get(url, {"date_from": "not-a-date", "enterprise": "x", "page": "99"})
    assert response.status_code == 200
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_the_list_runs_the_same_queries_for_few_and_many(
    client, county_officer, kiln, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, county_officer)
    measure(county_officer, kiln, "clinker_ratio", 78, "%")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("screening:measurement-list"))
    for day in range(1, 29):
        measure(county_officer, kiln, "clinker_ratio", 78, "%", day=datetime.date(2025, 2, day))
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("screening:measurement-list"))


def test_an_officer_records_an_inspection_with_several_readings(client, county_officer, kiln):
    login(client, county_officer)
    assert client.get(inspection_url(kiln.enterprise)).status_code == 200
    data = {
        "line": kiln.pk,
        "date": "2025-06-01",
        "source": "sampling",
        "document_number": "JC-2025-01",
        **readings(
            ("clinker_comprehensive_energy", "0.125", "tce/t"),
            ("clinker_ratio", "78", ""),  # unit left blank: the metric's unit
        ),
    }
    response = client.post(inspection_url(kiln.enterprise), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.document_number == "JC-2025-01" and inspection.line == kiln
    energy = inspection.measurements.get(metric="clinker_comprehensive_energy")
    assert energy.value_std == pytest.approx(125) and energy.source == "sampling"
    assert inspection.measurements.get(metric="clinker_ratio").unit == "%"


def test_a_unit_that_cannot_be_converted_is_an_error_on_its_row(client, county_officer, kiln):
    response = login(client, county_officer).post(
        inspection_url(kiln.enterprise),
        {
            "line": kiln.pk,
            "date": "2025-06-01",
            "source": "sampling",
            **readings(
                ("clinker_ratio", "78", ""), ("clinker_comprehensive_energy", "125", "kWh/t")
            ),
        },
    )
    assert response.status_code == 200
    errors = response.context["readings"].forms[1].errors
    assert "不能换算" in errors["unit"][0]
    assert not Inspection.objects.exists() and not Measurement.objects.exists()


def test_an_inspection_without_readings_is_refused(client, county_officer, kiln):
    response = login(client, county_officer).post(
        inspection_url(kiln.enterprise),
        {"line": kiln.pk, "date": "2025-06-01", "source": "sampling", **readings()},
    )
    assert response.status_code == 200
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_county_officer", 404),
        ("city_leader", 403),
        ("city_auditor", 403),
        ("enterprise_user", 403),
    ],
)
def test_who_may_not_record(request, client, kiln, who, status):
    response = login(client, request.getfixturevalue(who)).get(inspection_url(kiln.enterprise))
    assert response.status_code == status


def test_the_enterprise_page_links_to_the_inspection_form(
    client, county_officer, city_leader, kiln
):
    url = reverse("registry:enterprise-detail", args=[kiln.enterprise_id])
    assert inspection_url(kiln.enterprise) in login(client, county_officer).get(url).text
    assert inspection_url(kiln.enterprise) not in login(client, city_leader).get(url).text


def test_the_import_page_lists_every_problem_and_writes_nothing(client, county_officer, kiln):
    name, content = csv_file([row(kiln.enterprise), row(kiln.enterprise, value="abc")])
    upload = SimpleUploadedFile(name, content.getvalue(), content_type="text/csv")
    response = login(client, county_officer).post(
        reverse("screening:measurement-import"), {"file": upload}
    )
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "数值*")]
    assert "未写入任何数据" in response.text
    assert not Measurement.objects.exists()


def test_the_import_page_imports_a_good_file(client, county_officer, kiln):
    name, content = csv_file([row(kiln.enterprise)])
    upload = SimpleUploadedFile(name, content.getvalue(), content_type="text/csv")
    response = login(client, county_officer).post(
        reverse("screening:measurement-import"), {"file": upload}
    )
    assert "导入完成" in response.text
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_who_may_not_import(db, request, client, who):
    response = login(client, request.getfixturevalue(who)).get(
        reverse("screening:measurement-import")
    )
    assert response.status_code == 403


def test_the_anonymous_visitor_is_sent_to_log_in(client, kiln):
    for url in (
        reverse("screening:measurement-list"),
        reverse("screening:measurement-import"),
        inspection_url(kiln.enterprise),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
