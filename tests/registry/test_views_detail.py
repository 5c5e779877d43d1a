"""An enterprise's page: identity, lines, licenses, recent changes — inside the scope only."""

import datetime

import pytest
from django.urls import reverse

from phaseout.registry import services
from phaseout.registry.choices import LicenseKind
from phaseout.registry.models import Enterprise
from tests.conftest import login
from tests.registry.records import make_license, make_line


def url(enterprise):
    return reverse("registry:enterprise-detail", args=[enterprise.pk])


def test_anonymous_is_sent_to_login(client, east_enterprise):
    response = client.get(url(east_enterprise))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["county_officer", "city_leader", "city_auditor", "power_officer", "enterprise_user"]
)
def test_people_in_scope_read_it(client, request, who, east_enterprise):
    response = login(client, request.getfixturevalue(who)).get(url(east_enterprise))
    assert response.status_code == 200
    assert east_enterprise.credit_code in response.text


def test_other_county_gets_404(client, other_county_officer, east_enterprise):
    assert login(client, other_county_officer).get(url(east_enterprise)).status_code == 404


def test_enterprise_user_gets_404_for_another_enterprise(client, enterprise_user, north_enterprise):
    assert login(client, enterprise_user).get(url(north_enterprise)).status_code == 404


def test_missing_enterprise_is_404_like_one_outside_scope(client, county_officer, db):
    assert login(client, county_officer).get("/registry/enterprises/999999/").status_code == 404


def test_shows_lines_and_licenses(client, county_officer, east_enterprise):
    make_line(east_enterprise, code="KILN-2", name="2号熟料线", commissioning_year=2004)
    make_license(
        east_enterprise,
        number="PW-0001",
        kind=LicenseKind.DISCHARGE,
        issuer="示范市生态环境局",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    text = login(client, county_officer).get(url(east_enterprise)).text
    for shown in (
        "KILN-2",
        "2号熟料线",
        "水泥熟料回转窑",
        "1200 吨/日",
        "2004",
        "运行",
        "排污许可证",
        "PW-0001",
        "示范市生态环境局",
        "2023-01-01",
        "2027-12-31",
        "有效",
    ):
        assert shown in text, shown


def test_edit_links_only_for_those_who_may_edit(
    client, county_officer, city_leader, power_officer, enterprise_user, east_enterprise
):
    line = make_line(east_enterprise)
    edit = reverse("registry:enterprise-update", args=[east_enterprise.pk])
    add_line = reverse("registry:line-create", args=[east_enterprise.pk])
    edit_line = reverse("registry:line-update", args=[line.pk])
    text = login(client, county_officer).get(url(east_enterprise)).text
    assert all(link in text for link in (edit, add_line, edit_line))
    for user in (city_leader, power_officer, enterprise_user):
        text = login(client, user).get(url(east_enterprise)).text
        assert not any(link in text for link in (edit, add_line, edit_line))


def test_change_history_names_who_and_what(client, county_officer, east_enterprise):
    enterprise = Enterprise.objects.get(pk=east_enterprise.pk)
    services.update_enterprise(
        enterprise, by=county_officer, name="城东水泥股份有限公司", employees=300
    )
    text = login(client, county_officer).get(url(east_enterprise)).text
    history = text[text.index("变更记录") :]
    assert "east_officer" in history
    assert "企业名称" in history
    assert "从业人数" in history
    assert "登记" in history


def test_user_data_is_escaped(client, county_officer, east_enterprise):
    Enterprise.objects.filter(pk=east_enterprise.pk).update(
        name="<script>alert(1)</script>", address="<b>地址</b>"
    )
    make_line(east_enterprise, code="<i>L</i>")
    text = login(client, county_officer).get(url(east_enterprise)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>地址</b>" not in text
    assert "<i>L</i>" not in text
