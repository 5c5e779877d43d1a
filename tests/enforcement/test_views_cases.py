"""The case list, its workbook, the case page and opening a case: who may and who may not."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from phaseout.enforcement.models import Case
from phaseout.registry.models import ProductionLine
from tests.conftest import login

from .conftest import open_case
from .pages import detail

LIST = reverse("enforcement:case-list")
NEW = reverse("enforcement:case-create")


@pytest.fixture
def north_case(other_county_officer, north_enterprise):
    return open_case(other_county_officer, north_enterprise, facts="北山建材熟料能耗超限额")


def test_the_anonymous_visitor_is_sent_to_log_in(client, energy_case):
    for url in (reverse("enforcement:queue"), LIST, NEW, detail(energy_case)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_the_cases_in_scope(client, county_officer, energy_case, north_case):
    response = login(client, county_officer).get(LIST)
    assert response.status_code == 200
    assert energy_case.number in response.text
    assert north_case.number not in response.text
    assert "城东水泥有限公司 YL-1" in response.text


@pytest.mark.parametrize(
    ("who", "sees_east", "sees_north"),
    [
        ("city_leader", True, True),
        ("city_auditor", True, True),
        ("other_county_officer", False, True),
        ("enterprise_user", True, False),
        ("power_officer", True, False),
    ],
)
def test_who_sees_which_cases_in_the_list(
    request, client, energy_case, north_case, who, sees_east, sees_north
):
    text = login(client, request.getfixturevalue(who)).get(LIST).text
    assert (energy_case.number in text) is sees_east
    assert (north_case.number in text) is sees_north


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("county_officer", 200),
        ("city_leader", 200),
        ("city_auditor", 200),
        ("enterprise_user", 200),
        ("power_officer", 200),
        ("other_county_officer", 404),
    ],
)
def test_who_may_read_a_case(request, client, energy_case, who, status):
    response = login(client, request.getfixturevalue(who)).get(detail(energy_case))
    assert response.status_code == status


def test_an_enterprise_user_never_sees_another_enterprise_s_case(
    client, enterprise_user, north_case
):
    assert login(client, enterprise_user).get(detail(north_case)).status_code == 404


def test_the_list_filters(client, county_officer, rectifying, east_enterprise):
    other = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-2",
        equipment_type="cement_kiln",
        capacity=1000,
        capacity_unit="t/d",
        commissioning_year=2004,
    )
    opened = open_case(county_officer, east_enterprise, line=other)
    login(client, county_officer)

    def listed(**query):
        text = client.get(LIST, query).text
        return {case.number for case in (rectifying, opened) if case.number in text}

    assert listed() == {rectifying.number, opened.number}
    assert listed(state="rectifying") == {rectifying.number}
    assert listed(state="opened") == {opened.number}
    # The clock is 2026-03-02: the notice's period ended on 2026-02-28.
    assert listed(overdue="true") == {rectifying.number}
    assert listed(overdue="false") == {opened.number}
    assert listed(due_before="2026-02-28") == {rectifying.number}
    assert listed(due_before="2026-02-27") == set()
    assert listed(dimension="ENVIRONMENT") == set()
    assert listed(q="城东水泥") == {rectifying.number, opened.number}
    assert listed(q="北山") == set()
    assert listed(region="990102") == {rectifying.number, opened.number}
    assert listed(region="990121") == set()


def test_the_list_answers_htmx_with_its_table(client, county_officer, energy_case):
    response = login(client, county_officer).get(LIST, headers={"HX-Request": "true"})
    assert energy_case.number in response.text
    assert '<nav class="navbar' not in response.text


def _add_cases(officer, enterprise, start, n):
    for i in range(start, start + n):
        line = ProductionLine.objects.create(
            enterprise=enterprise,
            code=f"K{i}",
            equipment_type="cement_kiln",
            capacity=1000,
            capacity_unit="t/d",
            commissioning_year=2004,
        )
        open_case(officer, enterprise, line=line)


def test_the_list_runs_the_same_queries_for_few_and_many(
    client, county_officer, east_enterprise, django_assert_max_num_queries
):
    login(client, county_officer)
    _add_cases(county_officer, east_enterprise, 0, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _add_cases(county_officer, east_enterprise, 10, 20)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert response.text.count("/enforcement/cases/") >= 22


def test_the_list_as_a_workbook(client, county_officer, rectifying, north_case):
    response = login(client, county_officer).get(
        reverse("enforcement:case-export"), {"state": "rectifying"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号"
    assert [row[0] for row in rows[1:]] == [rectifying.number]
    assert rows[1][9].date() == datetime.date(2026, 2, 28)
    assert "送达 2025-08-31" in rows[1][10]


# — the case page —


def test_the_case_page_shows_the_deadline_with_its_explanation(client, county_officer, rectifying):
    text = login(client, county_officer).get(detail(rectifying)).text
    assert "限期整改中" in text
    assert "整改期限：<strong>2026-02-28</strong>" in text
    assert "送达 2025-08-31，6个月，届满 2026-02-28" in text
    assert "暂定" not in text
    assert "可在整改期限届满前申请一次，不超过 3 个月" in text
    assert "限期整改通知书" in text  # the document, with its download link
    assert (
        reverse(
            "enforcement:document-download", args=[rectifying.pk, rectifying.documents.get().pk]
        )
        in text
    )
    assert "案卷完整性校验通过（2个事件）" in text


def test_a_provisional_deadline_is_marked(client, county_officer, rectifying):
    Case.objects.filter(pk=rectifying.pk).update(due_provisional=True)
    text = login(client, county_officer).get(detail(rectifying)).text
    assert "暂定" in text


def test_a_broken_chain_is_shown_in_red(client, county_officer, rectifying):
    from phaseout.enforcement.models import CaseEvent

    CaseEvent.objects.filter(case=rectifying, seq=2).update(summary="改过的摘要")
    text = login(client, county_officer).get(detail(rectifying)).text
    assert "第2个事件校验失败：事件内容已被改动。" in text
    assert 'class="text-danger' in text


def test_the_case_page_offers_each_person_their_acts(
    client, county_officer, enterprise_user, city_leader, rectifying
):
    officer_page = login(client, county_officer).get(detail(rectifying)).text
    for act in ("record_reinspection", "record_measure", "withdraw", "add_evidence"):
        assert f'id="act-{act}"' in officer_page
    assert 'id="act-serve_order"' not in officer_page
    enterprise_page = login(client, enterprise_user).get(detail(rectifying)).text
    assert 'id="act-request_extension"' in enterprise_page
    assert 'id="act-add_evidence"' in enterprise_page
    assert 'id="act-record_reinspection"' not in enterprise_page
    assert 'id="act-withdraw"' not in enterprise_page
    leader_page = login(client, city_leader).get(detail(rectifying)).text
    assert "您在当前阶段没有可办理的事项" in leader_page
    # Every act's form carries the version the person saw.
    assert f'name="version" value="{rectifying.version}"' in officer_page
