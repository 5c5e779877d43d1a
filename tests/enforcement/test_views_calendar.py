"""/enforcement/calendar/: every government user sees the years the calendar covers; only a system
administrator uploads a year's arrangement, which is checked (every problem named with its field,
nothing written) and, once loaded, settles the provisional deadlines.

TEST FIXTURE: the 2031 arrangement is made up (tests/enforcement/test_calendars.py) and is not
the official arrangement of any year.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.enforcement.models import CalendarYear
from phaseout.regions.choices import Role
from phaseout.regions.models import Person
from tests.conftest import login

from .test_calendars import MADE_UP_2031, _case

URL = "/enforcement/calendar/"
D = datetime.date


@pytest.fixture
def administrator(jurisdiction):
    user = get_user_model().objects.create_user("city_admin", password="x-Phaseout-1")
    Person.objects.create(user=user, role=Role.ADMINISTRATOR, region=jurisdiction["city"])
    return user


def upload(text: str | bytes, name="2031.yaml"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="application/x-yaml")


def test_the_url():
    assert reverse("enforcement:calendar") == URL


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    response = client.post(URL, {"file": upload(MADE_UP_2031)})
    assert response.status_code == 302 and not CalendarYear.objects.exists()


def test_an_officer_sees_the_years_without_the_form(client, county_officer, administrator):
    client_admin = login(type(client)(), administrator)
    client_admin.post(URL, {"file": upload(MADE_UP_2031)})
    response = login(client, county_officer).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "测试用虚构通知〔2030〕0号" in page and "元旦、春节、劳动节、国庆节" in page
    assert "chinesecalendar" in page
    assert 'type="file"' not in page


def test_an_officer_may_not_load(client, county_officer):
    response = login(client, county_officer).post(URL, {"file": upload(MADE_UP_2031)})
    assert response.status_code == 403
    assert not CalendarYear.objects.exists()


def test_an_enterprise_user_is_refused(client, enterprise_user):
    assert login(client, enterprise_user).get(URL).status_code == 403
    assert client.post(URL, {"file": upload(MADE_UP_2031)}).status_code == 403
    assert not CalendarYear.objects.exists()


def test_the_administrator_sees_the_form(client, administrator):
    response = login(client, administrator).get(URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_a_good_file_loads_and_recomputes(client, administrator, east_enterprise):
    case = _case(east_enterprise, served=D(2030, 7, 1), months=6, number="T-1")
    assert case.due_provisional

    response = login(client, administrator).post(URL, {"file": upload(MADE_UP_2031)}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    page = response.content.decode()
    assert "已载入 2031 年的节假日安排；重算了 1 件案件的暂定期限。" in page
    row = CalendarYear.objects.get()
    assert row.year == 2031 and row.loaded_by == administrator
    case.refresh_from_db()
    assert case.due_on == D(2031, 1, 2) and not case.due_provisional


def test_a_superuser_may_load(client, db):
    root = get_user_model().objects.create_superuser("root", password="x-Phaseout-1")
    response = login(client, root).post(URL, {"file": upload(MADE_UP_2031)})
    assert response.status_code == 302
    assert CalendarYear.objects.get().loaded_by == root


def test_a_bad_file_shows_each_problem_with_its_field_and_writes_nothing(client, administrator):
    bad = MADE_UP_2031.replace("2031-01-19, 2031-02-08", "2031-01-20, 2031-02-08").replace(
        "春节: [2031-01-22, 2031-01-28]", "春节: [2031-01-28, 2031-01-22]"
    )
    response = login(client, administrator).post(URL, {"file": upload(bad)})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert "workdays：2031-01-20 是星期一；调休上班日应为星期六或星期日。" in errors
    assert "holidays.春节：起止日期颠倒：结束日 2031-01-22 早于起始日 2031-01-28。" in errors
    assert "workdays：2031-01-20 是星期一" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"year: [2031\n", "不是有效的 YAML"),
        ("year: 2031\nsource: 春节".encode("gbk"), "不是 UTF-8 编码的文本"),
        (b"- a\n- b\n", "应为以 year、source、holidays、workdays 为键的映射"),
        (b"a: &a [1, 2]\nb: [*a, *a]\n", "YAML 别名"),
        (b"#" * (64 * 1024 + 1), "超过 64 KB"),
    ],
)
def test_what_is_not_an_arrangement_is_refused(client, administrator, content, message):
    response = login(client, administrator).post(URL, {"file": upload(content)})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert not CalendarYear.objects.exists()


def test_no_file_is_a_field_error(client, administrator):
    response = login(client, administrator).post(URL, {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_the_page_costs_a_few_queries(client, county_officer, django_assert_max_num_queries):
    login(client, county_officer)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
