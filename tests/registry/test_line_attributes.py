"""A line's equipment size, process and product (设备规格、工艺、产品/用途): what the technology
catalogue judges it by. Checked in the model, and reachable from the form, the API, the admin
and the enterprise page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from phaseout.registry import services
from phaseout.registry.choices import EQUIPMENT_SIZE_UNITS, EquipmentType, SizeUnit
from phaseout.registry.models import ProductionLine
from tests.conftest import login
from tests.registry.records import make_line


def line(**values) -> ProductionLine:
    values = {
        "code": "GL-1",
        "equipment_type": EquipmentType.BLAST_FURNACE,
        "capacity": Decimal("300"),
        "capacity_unit": "m3",
        **values,
    }
    return ProductionLine(**values)


def errors_of(obj: ProductionLine) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.clean()
    return caught.value.message_dict


# — the model's rules —


def test_a_blast_furnace_sized_in_cubic_metres_is_clean():
    line(size=Decimal("300"), size_unit="m3", product="pig_iron").clean()


def test_size_and_unit_are_all_optional():
    line().clean()
    line(process="", product="").clean()


def test_a_size_without_its_unit_is_an_error_on_the_unit():
    errors = errors_of(line(size=Decimal("300")))
    assert list(errors) == ["size_unit"]
    assert "填写了设备规格，还须填写规格单位" in errors["size_unit"][0]
    assert "高炉应为：立方米" in errors["size_unit"][0]


def test_a_unit_without_a_size_is_an_error_on_the_size():
    errors = errors_of(line(size_unit="m3"))
    assert list(errors) == ["size"]
    assert "填写了规格单位，还须填写设备规格" in errors["size"][0]


def test_a_unit_the_equipment_is_not_judged_by_names_the_allowed_ones():
    errors = errors_of(line(size=Decimal("20"), size_unit="t"))
    assert errors["size_unit"] == ["规格单位“吨”不适用于高炉，应为：立方米。"]
    errors = errors_of(
        line(
            equipment_type=EquipmentType.CEMENT_MILL,
            capacity_unit="10kt/a",
            size=Decimal("2500"),
            size_unit="t/d",
        )
    )
    assert errors["size_unit"] == ["规格单位“吨/日”不适用于水泥粉磨机，应为：米。"]


def test_equipment_the_catalogue_does_not_size_takes_no_size_unit():
    assert EquipmentType.ROLLING_MILL not in EQUIPMENT_SIZE_UNITS
    errors = errors_of(
        line(
            equipment_type=EquipmentType.ROLLING_MILL,
            capacity=Decimal("60"),
            capacity_unit="10kt/a",
            size=Decimal("60"),
            size_unit="m",
        )
    )
    assert "淘汰目录不按设备规格判定轧机" in errors["size_unit"][0]
    assert "“米”" in errors["size_unit"][0]


@pytest.mark.parametrize("unit", SizeUnit.values)
def test_other_equipment_takes_any_size_unit(unit):
    line(equipment_type=EquipmentType.OTHER, size=Decimal("1"), size_unit=unit).clean()


def test_capacity_and_size_errors_are_reported_together():
    errors = errors_of(line(capacity_unit="MW", size=Decimal("20"), size_unit="t"))
    assert set(errors) == {"capacity_unit", "size_unit"}


def test_size_must_be_positive(east_enterprise):
    obj = line(enterprise=east_enterprise, size=Decimal("0"), size_unit="m3")
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert caught.value.message_dict["size"] == ["设备规格应为正数。"]


def test_the_service_keeps_the_attributes_with_history(county_officer, east_enterprise):
    made = services.create_line(
        east_enterprise,
        by=county_officer,
        code="LY-1",
        equipment_type=EquipmentType.SHAFT_KILN,
        capacity=Decimal("300"),
        capacity_unit="t/d",
        size=Decimal("2.5"),
        size_unit="m",
        process="shaft",
        product="clinker",
    )
    made.refresh_from_db()
    assert (made.size, made.size_unit, made.process, made.product) == (
        Decimal("2.5"),
        "m",
        "shaft",
        "clinker",
    )
    assert made.history.get().size == Decimal("2.5")
    with pytest.raises(ValidationError) as caught:
        services.update_line(made, by=county_officer, size_unit="m3")
    assert "size_unit" in caught.value.message_dict


# — the form —


def form_data(**values):
    return {
        "code": "FM-1",
        "name": "1#水泥磨",
        "equipment_type": "cement_mill",
        "capacity": "8",
        "capacity_unit": "10kt/a",
        "size": "",
        "size_unit": "",
        "process": "",
        "product": "",
        "commissioning_year": "1996",
        "status": "operating",
        "notes": "",
        **values,
    }


def test_officer_records_a_mill_diameter_on_the_form(client, county_officer, east_enterprise):
    mill = make_line(
        east_enterprise, "FM-1", equipment_type="cement_mill", capacity=8, capacity_unit="10kt/a"
    )
    url = reverse("registry:line-update", args=[mill.pk])
    login(client, county_officer)
    page = client.get(url).text
    assert 'name="size"' in page and 'name="size_unit"' in page
    assert 'name="process"' in page and 'name="product"' in page
    assert "各类设备可用的产能单位和规格单位" in page

    response = client.post(url, form_data(size="2.2", size_unit="m", product="cement"))

    assert response.status_code == 302
    mill.refresh_from_db()
    assert (mill.size, mill.size_unit, mill.product) == (Decimal("2.2"), "m", "cement")


def test_the_form_refuses_a_size_unit_that_does_not_fit(client, county_officer, east_enterprise):
    mill = make_line(
        east_enterprise, "FM-1", equipment_type="cement_mill", capacity=8, capacity_unit="10kt/a"
    )
    url = reverse("registry:line-update", args=[mill.pk])
    response = login(client, county_officer).post(url, form_data(size="2.2", size_unit="m3"))
    assert response.status_code == 200
    assert response.context["form"].errors["size_unit"] == [
        "规格单位“立方米”不适用于水泥粉磨机，应为：米。"
    ]
    response = client.post(url, form_data(size="2.2"))
    assert "size_unit" in response.context["form"].errors
    mill.refresh_from_db()
    assert mill.size is None


def test_the_enterprise_page_shows_size_process_and_product(
    client, county_officer, east_enterprise
):
    make_line(
        east_enterprise,
        "LY-1",
        equipment_type="shaft_kiln",
        capacity=300,
        capacity_unit="t/d",
        size=Decimal("2.5"),
        size_unit="m",
        process="shaft",
        product="clinker",
    )
    page = login(client, county_officer).get(
        reverse("registry:enterprise-detail", args=[east_enterprise.pk])
    )
    text = page.text
    assert "2.5 米" in text and "立窑" in text and "水泥熟料" in text


# — the API —


def test_api_creates_and_reads_the_attributes(client, county_officer, east_enterprise):
    login(client, county_officer)
    response = client.post(
        "/api/lines/",
        {
            "enterprise": east_enterprise.pk,
            "code": "DJ-1",
            "equipment_type": "aluminium_cell",
            "capacity": "90",
            "capacity_unit": "kA",
            "size": "90",
            "size_unit": "kA",
            "process": "prebaked",
            "product": "aluminium",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = client.get(f"/api/lines/{response.json()['id']}/").json()
    assert body["size"] == "90.000"
    assert (body["size_unit"], body["size_unit_display"]) == ("kA", "千安")
    assert (body["process"], body["process_display"]) == ("prebaked", "预焙槽")
    assert (body["product"], body["product_display"]) == ("aluminium", "电解铝")


def test_api_refuses_a_size_without_unit_on_the_unit(client, county_officer, east_enterprise):
    kiln = make_line(east_enterprise, "YL-1")
    response = login(client, county_officer).patch(
        f"/api/lines/{kiln.pk}/", {"size": "2500"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "还须填写规格单位" in response.json()["size_unit"][0]


def test_api_filters_lines_by_process_and_product(client, city_leader, east_enterprise):
    wet = make_line(east_enterprise, "YL-1", process="wet", product="clinker")
    dry = make_line(east_enterprise, "YL-2", process="new_dry", product="clinker")
    login(client, city_leader)

    def ids(**query):
        return {row["id"] for row in client.get("/api/lines/", query).json()["results"]}

    assert ids(process="wet") == {wet.pk}
    assert ids(product="clinker") == {wet.pk, dry.pk}
    assert ids(product="cement") == set()
    # A value that is not a choice is a 400 naming the filter, not a 500.
    response = client.get("/api/lines/", {"process": "steam"})
    assert response.status_code == 400 and "process" in response.json()


def test_admin_lists_and_filters_by_the_attributes(admin_client, east_enterprise):
    make_line(east_enterprise, "YL-1", process="wet", product="clinker")
    response = admin_client.get(
        reverse("admin:registry_productionline_changelist"), {"process__exact": "wet"}
    )
    assert response.status_code == 200
    assert "湿法窑" in response.text
