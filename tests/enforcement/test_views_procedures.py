"""/enforcement/procedures/: the national parameters of each dimension with their references
(unverified values marked 未核实), the jurisdictions' overrides in force for the person's region
or set below it, and for a system administrator the form that sets one — stricter than the
national text, never more lenient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phaseout.enforcement import services
from phaseout.enforcement.models import ProcedureOverride
from phaseout.enforcement.views.procedures import parse_value
from phaseout.regions.choices import Role
from tests.conftest import _person, login

URL = "/enforcement/procedures/"
CHENZHOU = "郴州市应急管理局关于停产整顿期限的规定"


@pytest.fixture
def city_admin(jurisdiction):
    return _person("city_admin", role=Role.ADMINISTRATOR, region=jurisdiction["city"])


@pytest.fixture
def north_override(city_admin, jurisdiction):
    return services.set_procedure_override(
        by=city_admin,
        region=jurisdiction["north"],
        dimension="SAFETY",
        parameter="rectify_months",
        value=4,
        reference="北山县关于停产整顿期限的通知",
    )


@pytest.fixture
def city_override(city_admin, jurisdiction):
    return services.set_procedure_override(
        by=city_admin,
        region=jurisdiction["city"],
        dimension="SAFETY",
        parameter="rectify_months",
        value=6,
        reference=CHENZHOU,
    )


def form_data(jurisdiction, **changes):
    data = {
        "region": jurisdiction["east"].pk,
        "dimension": "ENERGY",
        "parameter": "rectify_months",
        "value": "4",
        "reference": "城东区节能整改工作方案（三）",
    }
    data.update(changes)
    return data


def test_the_url():
    assert reverse("enforcement:procedures") == URL


def test_anonymous_is_sent_to_login(client, jurisdiction):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    response = client.post(URL, form_data(jurisdiction))
    assert response.status_code == 302 and not ProcedureOverride.objects.exists()


def test_an_officer_reads_the_national_table_and_the_overrides_in_force(
    client, county_officer, city_override, north_override
):
    response = login(client, county_officer).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # the national parameters with the text that sets them
    assert "工信部联产业〔2017〕30号（四）：应在6个月内整改" in page
    assert "工业和信息化（经信）" in page and "限期整改" in page
    # 限时拆除 3 months and the follow-up schedule: no text sets them
    assert page.count("未核实") >= 2
    # the city's override applies to 城东区; 北山县's does not
    assert CHENZHOU in page
    assert "北山县关于停产整顿期限的通知" not in page
    assert '<form method="post" novalidate>' not in page


def test_an_officer_may_not_set_a_parameter(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(URL, form_data(jurisdiction))
    assert response.status_code == 403
    assert not ProcedureOverride.objects.exists()


def test_an_enterprise_user_reads_but_may_not_set(client, enterprise_user, jurisdiction):
    login(client, enterprise_user)
    assert client.get(URL).status_code == 200
    assert client.post(URL, form_data(jurisdiction)).status_code == 403
    assert not ProcedureOverride.objects.exists()


def test_the_administrator_sets_a_stricter_period(client, city_admin, jurisdiction):
    response = login(client, city_admin).post(URL, form_data(jurisdiction), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    override = ProcedureOverride.objects.get()
    assert (override.region, override.dimension, override.parameter, override.value) == (
        jurisdiction["east"],
        "ENERGY",
        "rectify_months",
        4,
    )
    assert override.reference == "城东区节能整改工作方案（三）"
    assert override.created_by == city_admin
    assert "城东区节能整改工作方案（三）" in response.content.decode()


def test_a_more_lenient_period_is_refused_with_the_reason(client, city_admin, jurisdiction):
    response = login(client, city_admin).post(URL, form_data(jurisdiction, value="9"))
    assert response.status_code == 400
    errors = response.context["form"].errors["value"]
    assert errors == [
        "不能宽于全国规定：rectify_months 不超过 6（工信部联产业〔2017〕30号（四））。"
    ]
    assert "不能宽于全国规定" in response.content.decode()
    assert not ProcedureOverride.objects.exists()


def test_removing_a_legal_approval_is_refused(client, city_admin, jurisdiction):
    data = form_data(jurisdiction, dimension="QUALITY", parameter="approval", value="否")
    response = login(client, city_admin).post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["法定的报请批准程序不能取消。"]
    assert not ProcedureOverride.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "六个月"}, "value"),
        ({"value": ""}, "value"),
        ({"parameter": "follow_up_months", "value": "6, twelve"}, "value"),
        ({"parameter": "approval", "value": "maybe"}, "value"),
        ({"parameter": "order"}, "parameter"),
        ({"dimension": "EXIT"}, "dimension"),
        ({"reference": ""}, "reference"),
        ({"region": "0"}, "region"),
    ],
)
def test_bad_input_is_a_field_error(client, city_admin, jurisdiction, changes, field):
    response = login(client, city_admin).post(URL, form_data(jurisdiction, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ProcedureOverride.objects.exists()


def test_a_region_outside_the_administrators_scope_is_not_offered(client, jurisdiction, db):
    north_admin = _person("north_admin", role=Role.ADMINISTRATOR, region=jurisdiction["north"])
    login(client, north_admin)
    form = client.get(URL).context["form"]
    assert list(form.fields["region"].queryset) == [jurisdiction["north"]]
    response = client.post(URL, form_data(jurisdiction))  # 城东区
    assert response.status_code == 400 and response.context["form"].errors["region"]
    assert not ProcedureOverride.objects.exists()


@pytest.mark.parametrize(
    ("parameter", "text", "value"),
    [
        ("rectify_months", "6", 6),
        ("rectify_months", "无", None),
        ("rectify_months", "", None),
        ("extension_max_months", "0", 0),
        ("approval", "是", True),
        ("approval", "false", False),
        ("follow_up_months", "[6, 12]", [6, 12]),
        ("follow_up_months", "3、6，12", [3, 6, 12]),
    ],
)
def test_values_are_read_from_text(parameter, text, value):
    assert parse_value(parameter, text) == value


def test_the_page_costs_a_few_queries(
    client, county_officer, city_override, django_assert_max_num_queries
):
    login(client, county_officer)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
