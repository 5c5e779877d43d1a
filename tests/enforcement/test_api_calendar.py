"""/api/calendar-years/: the loaded years and the years covered, for government users; loading a
year (the YAML file, or its fields as JSON) for system administrators, checked first — a problem
is a 400 naming its field and nothing is written.

TEST FIXTURE: the 2031 arrangement is made up (tests/enforcement/test_calendars.py) and is not
the official arrangement of any year.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from phaseout.enforcement.calendars import load_year
from phaseout.enforcement.deadlines import calendar_years
from phaseout.enforcement.models import CalendarYear
from phaseout.regions.choices import Role
from phaseout.regions.models import Person
from tests.conftest import login

from .test_calendars import MADE_UP_2031, _case, made_up

LIST = "/api/calendar-years/"
D = datetime.date


@pytest.fixture
def administrator(jurisdiction):
    user = get_user_model().objects.create_user("city_admin", password="x-Phaseout-1")
    Person.objects.create(user=user, role=Role.ADMINISTRATOR, region=jurisdiction["city"])
    return user


def as_json(**changes) -> dict:
    """The made-up year with its dates written as text, as a JSON body carries them."""
    return {key: _text(value) for key, value in made_up(**changes).items()}


def _text(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


def post_json(client, data):
    return client.post(LIST, data, content_type="application/json")


def post_file(client, content: bytes | str, name="2031.yaml"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(LIST, {"file": SimpleUploadedFile(name, content)})


def test_anonymous_is_refused(client, db):
    assert client.get(LIST).status_code in (401, 403)
    assert post_json(client, as_json()).status_code in (401, 403)
    assert not CalendarYear.objects.exists()


def test_an_officer_lists_and_reads_the_loaded_years(client, county_officer, administrator):
    load_year(made_up(), by=administrator)
    login(client, county_officer)
    response = client.get(LIST)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["year"] == 2031 and row["loaded_by"] == "city_admin"
    assert row["holidays"]["2031-01-22"] == "春节"
    assert row["workdays"] == ["2031-01-19", "2031-02-08", "2031-09-28", "2031-10-11"]
    assert client.get(f"{LIST}2031/").json()["source"].startswith("测试用虚构通知")
    assert client.get(f"{LIST}2032/").status_code == 404


def test_the_coverage_names_the_package_years_and_the_loaded_ones(
    client, county_officer, administrator
):
    load_year(made_up(), by=administrator)
    body = login(client, county_officer).get(f"{LIST}coverage/").json()
    assert body["package_years"] == list(calendar_years())
    assert body["loaded_years"] == [2031]
    assert 2031 in body["years"] and set(body["package_years"]) <= set(body["years"])


def test_an_officer_may_not_load(client, county_officer):
    login(client, county_officer)
    response = post_json(client, as_json())
    assert response.status_code == 403
    assert "只有系统管理员可以载入法定节假日安排" in response.json()["detail"]
    assert post_file(client, MADE_UP_2031).status_code == 403
    assert not CalendarYear.objects.exists()


def test_an_enterprise_user_is_refused(client, enterprise_user):
    login(client, enterprise_user)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}coverage/").status_code == 403
    assert post_json(client, as_json()).status_code == 403
    assert not CalendarYear.objects.exists()


def test_the_administrator_loads_the_file_and_deadlines_are_recomputed(
    client, administrator, east_enterprise
):
    case = _case(east_enterprise, served=D(2030, 7, 1), months=6, number="T-1")
    response = post_file(login(client, administrator), MADE_UP_2031)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2031 and body["recomputed"] == 1 and body["loaded_by"] == "city_admin"
    case.refresh_from_db()
    assert case.due_on == D(2031, 1, 2) and not case.due_provisional


def test_the_administrator_loads_the_same_fields_as_json(client, administrator):
    response = post_json(login(client, administrator), as_json())
    assert response.status_code == 201, response.content
    assert response.json()["recomputed"] == 0
    row = CalendarYear.objects.get()
    assert row.holidays["2031-10-07"] == "国庆节" and row.source.endswith("（2030-11-10 发布）")


def test_json_problems_are_named_by_field_and_nothing_is_written(client, administrator):
    data = as_json(workdays=["2031-01-20"], extra=1)
    data["holidays"]["春节"] = ["2031-01-28", "2031-01-22"]
    response = post_json(login(client, administrator), data)
    assert response.status_code == 400
    body = response.json()
    assert body["workdays"] == ["workdays：2031-01-20 是星期一；调休上班日应为星期六或星期日。"]
    assert body["holidays"] == [
        "holidays.春节：起止日期颠倒：结束日 2031-01-22 早于起始日 2031-01-28。"
    ]
    assert body["non_field_errors"][0].startswith("extra：未知的字段")
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize(
    "body",
    [[1, 2], "2031", {"year": True}, {"year": 2031, "holidays": {"春节": {"a": 1}}}, {}],
)
def test_garbage_json_is_a_400(client, administrator, body):
    response = post_json(login(client, administrator), body)
    assert response.status_code == 400, response.content
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (MADE_UP_2031.replace("2031-01-19,", "2031-01-20,"), "workdays：2031-01-20 是星期一"),
        (b"year: [2031\n", "不是有效的 YAML"),
        (b"\xff\xfe", "不是 UTF-8"),
        (b"a: &a [1]\nb: *a\n", "YAML 别名"),
        (b"#" * (64 * 1024 + 1), "超过 64 KB"),
    ],
)
def test_a_bad_file_is_a_400_on_file(client, administrator, content, message):
    response = post_file(login(client, administrator), content)
    assert response.status_code == 400
    assert any(message in m for m in response.json()["file"]), response.json()
    assert not CalendarYear.objects.exists()


def test_a_multipart_body_without_a_file_names_the_field(client, administrator):
    response = login(client, administrator).post(LIST, {"year": "2031"})
    assert response.status_code == 400
    assert response.json()["file"]


def test_a_form_encoded_body_is_refused(client, administrator):
    response = login(client, administrator).post(
        LIST, "year=2031", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_the_list_costs_a_few_queries(
    client, county_officer, administrator, django_assert_max_num_queries
):
    load_year(made_up(), by=administrator)
    load_year(made_up(year=2032, holidays={"元旦": "2032-01-01"}, workdays=[]), by=administrator)
    login(client, county_officer)
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST).json()["results"]) == 2
