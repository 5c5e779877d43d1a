"""The enterprise list page (企业台账): who sees which enterprises, filters, pages, htmx."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaseout.registry.choices import EnterpriseStatus, LegalStanding
from phaseout.registry.models import Enterprise
from tests.conftest import login
from tests.registry.records import make_enterprises, make_line

URL = reverse("registry:enterprise-list")


def detail_links(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/registry/enterprises/(\d+)/"', response.text)}


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_county_officer_sees_own_county_only(
    client, county_officer, east_enterprise, north_enterprise
):
    response = login(client, county_officer).get(URL)
    assert response.status_code == 200
    assert detail_links(response) == {east_enterprise.pk}
    assert "北山建材有限公司" not in response.text


def test_other_county_officer_never_sees_east(
    client, other_county_officer, east_enterprise, north_enterprise
):
    response = login(client, other_county_officer).get(URL)
    assert detail_links(response) == {north_enterprise.pk}
    assert "城东水泥有限公司" not in response.text


@pytest.mark.parametrize("who", ["city_leader", "city_auditor"])
def test_city_reads_every_county(client, request, who, east_enterprise, north_enterprise):
    response = login(client, request.getfixturevalue(who)).get(URL)
    assert detail_links(response) == {east_enterprise.pk, north_enterprise.pk}


def test_power_supplier_reads_its_county(client, power_officer, east_enterprise, north_enterprise):
    response = login(client, power_officer).get(URL)
    assert detail_links(response) == {east_enterprise.pk}


def test_enterprise_user_sees_only_its_enterprise(
    client, enterprise_user, east_enterprise, north_enterprise, cement, jurisdiction
):
    make_enterprises(jurisdiction["east"], 2, prefix="城东其他")
    response = login(client, enterprise_user).get(URL)
    assert detail_links(response) == {east_enterprise.pk}


def test_new_enterprise_button_only_for_registry_keepers(
    client, county_officer, city_leader, city_auditor, power_officer, enterprise_user
):
    create = reverse("registry:enterprise-create")
    assert f'href="{create}"' in login(client, county_officer).get(URL).text
    for user in (city_leader, city_auditor, power_officer, enterprise_user):
        assert f'href="{create}"' not in login(client, user).get(URL).text


def test_columns_and_line_count(client, county_officer, east_enterprise):
    make_line(east_enterprise, code="A")
    make_line(east_enterprise, code="B")
    text = login(client, county_officer).get(URL).text
    for heading in ("统一社会信用代码", "企业名称", "行政区划", "行业", "规模", "合法手续"):
        assert f">{heading}</th>" in text
    assert ">生产线数</th>" in text
    row = text[text.index(east_enterprise.credit_code) :]
    row = row[: row.index("</tr>")]
    for cell in ("城东区", "3011 水泥制造", "规上", "手续完备", "在产", ">2</td>"):
        assert cell in row


# — search and filters —


def test_search_by_name(client, city_leader, east_enterprise, north_enterprise):
    response = login(client, city_leader).get(URL, {"q": "北山"})
    assert detail_links(response) == {north_enterprise.pk}


def test_search_by_part_of_credit_code_in_lower_case(
    client, city_leader, east_enterprise, north_enterprise
):
    response = login(client, city_leader).get(URL, {"q": north_enterprise.credit_code[-6:].lower()})
    assert detail_links(response) == {north_enterprise.pk}


def test_region_filter_includes_the_subtree(
    client, city_leader, east_enterprise, north_enterprise, jurisdiction
):
    login(client, city_leader)
    assert detail_links(client.get(URL, {"region": "990100"})) == {
        east_enterprise.pk,
        north_enterprise.pk,
    }
    assert detail_links(client.get(URL, {"region": "990102"})) == {east_enterprise.pk}
    park = make_enterprises(jurisdiction["park"], 1, prefix="园区")[0]
    assert detail_links(client.get(URL, {"region": "990171"})) == {park.pk}


def test_region_outside_scope_is_not_a_choice(
    client, county_officer, east_enterprise, north_enterprise
):
    response = login(client, county_officer).get(URL, {"region": "990121"})
    assert response.status_code == 200
    assert detail_links(response) == set()
    assert "北山建材有限公司" not in response.text
    # The region select offers only the officer's own regions.
    assert 'value="990121"' not in response.text
    assert 'value="990102"' in response.text


def test_industry_filter_includes_its_classes(
    client, city_leader, east_enterprise, north_enterprise
):
    login(client, city_leader)
    assert len(detail_links(client.get(URL, {"industry": "30"}))) == 2
    assert detail_links(client.get(URL, {"industry": "3110"})) == set()


def test_size_standing_and_status_filters(client, city_leader, east_enterprise, north_enterprise):
    Enterprise.objects.filter(pk=north_enterprise.pk).update(
        legal_standing=LegalStanding.LACKING, status=EnterpriseStatus.SUSPENDED
    )
    login(client, city_leader)
    assert detail_links(client.get(URL, {"size": "above"})) == {east_enterprise.pk}
    assert detail_links(client.get(URL, {"legal_standing": "lacking"})) == {north_enterprise.pk}
    assert detail_links(client.get(URL, {"status": "suspended"})) == {north_enterprise.pk}
    assert detail_links(client.get(URL, {"status": "operating", "size": "below"})) == set()


def test_bad_filter_values_do_not_fail(client, county_officer, east_enterprise):
    login(client, county_officer)
    for params in ({"size": "huge"}, {"industry": "x"}, {"region": "'; drop"}, {"page": "abc"}):
        assert client.get(URL, params).status_code == 200


# — pages —


def test_fifty_a_page_and_page_links_keep_the_filters(client, county_officer, jurisdiction):
    make_enterprises(jurisdiction["east"], 120, lines=0, prefix="分页")
    login(client, county_officer)
    first = client.get(URL, {"q": "分页"})
    assert len(detail_links(first)) == 50
    assert 'href="?q=%E5%88%86%E9%A1%B5&amp;page=2"' in first.text
    third = client.get(URL, {"q": "分页", "page": 3})
    assert len(detail_links(third)) == 20
    # A page past the end shows the last page rather than an error.
    assert detail_links(client.get(URL, {"q": "分页", "page": 99})) == detail_links(third)


# — htmx —


def test_filter_form_works_with_and_without_htmx(client, county_officer, east_enterprise):
    text = login(client, county_officer).get(URL).text
    form = text[text.index('<form method="get"') :]
    form = form[: form.index(">")]
    assert f'action="{URL}"' in form
    assert f'hx-get="{URL}"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-target="#enterprise-table"' in form


def test_htmx_request_gets_the_table_only(client, county_officer, east_enterprise):
    response = login(client, county_officer).get(URL, {"q": "城东"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<table" in response.text
    assert detail_links(response) == {east_enterprise.pk}
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, county_officer, east_enterprise):
    response = login(client, county_officer).get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


# — queries and escaping —


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(
    client, city_leader, jurisdiction, django_assert_max_num_queries
):
    login(client, city_leader)
    make_enterprises(jurisdiction["east"], 2)
    few = _count_queries(client)
    make_enterprises(jurisdiction["north"], 30, prefix="北山")
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert len(detail_links(response)) == 32
    assert _count_queries(client) == few


def test_names_are_escaped(client, county_officer, east_enterprise):
    Enterprise.objects.filter(pk=east_enterprise.pk).update(name="<script>alert(1)</script>")
    text = login(client, county_officer).get(URL).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
