"""Registering and changing a production line on the web."""

import pytest
from django.urls import reverse

from phaseout.registry.models import Enterprise, ProductionLine
from tests.conftest import login, make_credit_code
from tests.registry.records import make_line

READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def create_url(enterprise):
    return reverse("registry:line-create", args=[enterprise.pk])


def edit_url(line):
    return reverse("registry:line-update", args=[line.pk])


def line_data(**values):
    return {
        "code": "KILN-1",
        "name": "1号熟料线",
        "equipment_type": "cement_kiln",
        "capacity": "2500",
        "capacity_unit": "t/d",
        "commissioning_year": "2003",
        "status": "operating",
        "notes": "",
        **values,
    }


def test_anonymous_is_sent_to_login(client, east_enterprise):
    assert client.get(create_url(east_enterprise))["Location"].startswith(reverse("login"))
    assert client.post(create_url(east_enterprise), line_data()).status_code == 302
    assert not ProductionLine.objects.exists()


def test_officer_registers_a_line(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(create_url(east_enterprise), line_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise-detail", args=[east_enterprise.pk])
    line = east_enterprise.lines.get()
    assert (line.code, line.capacity, line.capacity_unit) == ("KILN-1", 2500, "t/d")
    assert line.history.get().history_user == county_officer


def test_the_form_lists_which_units_fit_which_equipment(client, county_officer, east_enterprise):
    text = login(client, county_officer).get(create_url(east_enterprise)).text
    assert "各类设备可用的产能单位" in text
    assert "火电机组" in text


def test_unit_that_does_not_fit_the_equipment_is_a_field_error(
    client, county_officer, east_enterprise
):
    data = line_data(capacity_unit="MW")
    response = login(client, county_officer).post(create_url(east_enterprise), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["capacity_unit"]
    assert "不适用于水泥熟料回转窑" in errors[0]
    assert "吨/日" in errors[0]
    assert not ProductionLine.objects.exists()


def test_duplicate_line_code_is_an_error_on_the_code(client, county_officer, east_enterprise):
    make_line(east_enterprise, code="KILN-1")
    response = login(client, county_officer).post(create_url(east_enterprise), line_data())
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["本企业已有编号为“KILN-1”的生产线。"]
    assert east_enterprise.lines.count() == 1


def test_same_code_in_another_enterprise_is_fine(
    client, county_officer, east_enterprise, jurisdiction, cement
):
    other = Enterprise.objects.create(
        credit_code=make_credit_code("990102"),
        name="城东另一家",
        region=jurisdiction["east"],
        industry=cement,
        size="below",
    )
    make_line(other, code="KILN-1")
    response = login(client, county_officer).post(create_url(east_enterprise), line_data())
    assert response.status_code == 302


def test_bad_numbers_are_form_errors(client, county_officer, east_enterprise):
    login(client, county_officer)
    for data in (
        line_data(capacity="-1"),
        line_data(capacity="abc"),
        line_data(capacity="1" * 20),
        line_data(commissioning_year="1800"),
        line_data(equipment_type="rocket"),
    ):
        response = client.post(create_url(east_enterprise), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not ProductionLine.objects.exists()


def test_other_county_gets_404(client, other_county_officer, east_enterprise):
    line = make_line(east_enterprise)
    login(client, other_county_officer)
    assert client.get(create_url(east_enterprise)).status_code == 404
    assert client.post(create_url(east_enterprise), line_data(code="X")).status_code == 404
    assert client.get(edit_url(line)).status_code == 404
    assert client.post(edit_url(line), line_data()).status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_register_or_edit(client, request, who, east_enterprise):
    line = make_line(east_enterprise, code="L1")
    login(client, request.getfixturevalue(who))
    assert client.get(create_url(east_enterprise)).status_code == 403
    assert client.post(create_url(east_enterprise), line_data()).status_code == 403
    assert client.get(edit_url(line)).status_code == 403
    assert client.post(edit_url(line), line_data(code="L1", status="sealed")).status_code == 403
    line.refresh_from_db()
    assert line.status == "operating"
    assert east_enterprise.lines.count() == 1


def test_officer_edits_a_line(client, county_officer, east_enterprise):
    line = make_line(east_enterprise, code="L1")
    data = line_data(code="L1", status="sealed")
    response = login(client, county_officer).post(edit_url(line), data)
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "sealed"
    assert line.capacity == 2500


def test_renaming_a_line_onto_another_code_is_refused(client, county_officer, east_enterprise):
    make_line(east_enterprise, code="L1")
    line = make_line(east_enterprise, code="L2")
    response = login(client, county_officer).post(edit_url(line), line_data(code="L1"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    line.refresh_from_db()
    assert line.code == "L2"


def test_keeping_the_own_code_is_not_a_duplicate(client, county_officer, east_enterprise):
    line = make_line(east_enterprise, code="L1")
    response = login(client, county_officer).post(edit_url(line), line_data(code="L1"))
    assert response.status_code == 302
