"""名单公布 pages: who sees and acts, the whole workflow, errors shown and never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind, SnapshotStatus
from phaseout.disclosure.models import ListSnapshot
from phaseout.enforcement import services as enforcement
from tests.conftest import login
from tests.enforcement.conftest import at, open_case

D = datetime.date
LISTS = reverse("disclosure:snapshot-list")


def detail(snapshot):
    return reverse("disclosure:snapshot-detail", args=[snapshot.pk])


def act(snapshot, name):
    return reverse(f"disclosure:snapshot-{name}", args=[snapshot.pk])


@pytest.fixture
def rectifying(county_officer, east_enterprise, line):
    with at("2026-01-05"):
        case = open_case(county_officer, east_enterprise, line=line)
        return enforcement.serve_order(case, by=county_officer, served_on=D(2026, 1, 5))


@pytest.fixture
def draft(rectifying, county_officer, jurisdiction):
    return services.prepare_list(
        ListKind.YELLOW, region=jurisdiction["east"], cut_off=D(2026, 3, 1), by=county_officer
    )


def prepare_form(region, **changes):
    data = {"kind": ListKind.YELLOW, "region": region.pk, "cut_off": "2026-03-01", "year": ""}
    return {**data, **changes}


def test_the_anonymous_visitor_is_sent_to_log_in(client, draft):
    assert client.get(LISTS).status_code == 302
    assert client.get(detail(draft)).status_code == 302
    assert client.post(act(draft, "review")).status_code == 302


def test_enterprise_users_get_nothing(client, enterprise_user, draft):
    login(client, enterprise_user)
    assert client.get(LISTS).status_code == 403
    assert client.get(detail(draft)).status_code == 403
    assert client.post(act(draft, "review")).status_code == 403
    assert ListSnapshot.objects.get(pk=draft.pk).status == SnapshotStatus.DRAFT


def test_only_people_whose_region_contains_the_list_see_it(
    client, draft, other_county_officer, city_leader
):
    login(client, other_county_officer)
    assert "城东区" not in client.get(LISTS).text
    assert client.get(detail(draft)).status_code == 404
    assert client.post(act(draft, "review")).status_code == 404
    login(client, city_leader)
    assert detail(draft) in client.get(LISTS).text
    assert client.get(detail(draft)).status_code == 200


def test_the_nav_shows_the_lists_to_government_users_only(client, county_officer, enterprise_user):
    assert "名单公布" in login(client, county_officer).get(reverse("enforcement:queue")).text
    client.logout()
    text = login(client, enterprise_user).get(reverse("registry:enterprise-list")).text
    assert LISTS not in text


def test_prepare_review_publish_through_the_pages(
    client, rectifying, county_officer, reviewer, bureau_leader, jurisdiction
):
    response = login(client, county_officer).post(LISTS, prepare_form(jurisdiction["east"]))
    snapshot = ListSnapshot.objects.get()
    assert response.status_code == 302 and response.url == detail(snapshot)
    assert snapshot.status == SnapshotStatus.DRAFT and snapshot.entry_count == 1
    page = client.get(detail(snapshot)).text
    assert "城东水泥有限公司" in page and act(snapshot, "review") in page

    login(client, reviewer).post(act(snapshot, "review"))
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.REVIEWED and snapshot.reviewed_by == reviewer

    response = login(client, bureau_leader).post(act(snapshot, "publish"), follow=True)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.PUBLISHED and snapshot.published_by == bureau_leader
    assert "名单已公布：〔2026〕黄牌第1号" in response.text
    listing = client.get(LISTS).text
    assert "〔2026〕黄牌第1号" in listing and "east_officer_2" in listing


def test_a_bad_form_gives_field_errors_and_writes_nothing(
    client, rectifying, county_officer, jurisdiction
):
    login(client, county_officer)
    east = jurisdiction["east"]
    response = client.post(LISTS, prepare_form(east, cut_off=""))
    assert response.status_code == 400 and "is-invalid" in response.text
    response = client.post(LISTS, prepare_form(east, cut_off="2026-04-01"))
    assert response.status_code == 400 and "截止日期不能晚于今天" in response.text
    response = client.post(LISTS, prepare_form(east, year="2026"))
    assert response.status_code == 400 and "只有年度退出名单按年度编制" in response.text
    response = client.post(LISTS, prepare_form(jurisdiction["north"]))
    assert response.status_code == 400  # 北山县 is not among the choices
    assert not ListSnapshot.objects.exists()


def test_a_department_that_does_not_publish_the_list_gets_the_reason(
    client, rectifying, power_officer, jurisdiction
):
    response = login(client, power_officer).post(LISTS, prepare_form(jurisdiction["east"]))
    assert response.status_code == 403 and "不负责公布黄牌" in response.text
    assert not ListSnapshot.objects.exists()


def test_the_preparer_may_not_review_and_publishing_twice_is_refused(
    client, draft, county_officer, reviewer
):
    response = login(client, county_officer).post(act(draft, "review"))
    assert response.status_code == 403 and "编制人不能审核" in response.text
    login(client, reviewer)
    response = client.post(act(draft, "publish"), follow=True)
    assert "名单须经审核后公布；这份名单草稿。" in response.text
    client.post(act(draft, "review"))
    client.post(act(draft, "publish"))
    published = ListSnapshot.objects.get(pk=draft.pk)
    assert published.status == SnapshotStatus.PUBLISHED
    response = client.post(act(draft, "publish"), follow=True)
    assert response.status_code == 200 and "这份名单已公布" in response.text
    assert ListSnapshot.objects.get(pk=draft.pk).number == published.number == "〔2026〕黄牌第1号"


def test_the_delisting_check_highlights_late_removals(
    client, rectifying, county_officer, reviewer, jurisdiction
):
    east = jurisdiction["east"]
    first = services.prepare_list(
        ListKind.YELLOW, region=east, cut_off=D(2026, 3, 1), by=county_officer
    )
    services.publish_list(services.review_list(first, by=reviewer), by=reviewer)
    second = services.prepare_list(
        ListKind.YELLOW, region=east, cut_off=D(2026, 3, 2), by=county_officer
    )
    text = login(client, reviewer).get(detail(second)).text
    assert 'id="delistings"' in text and "没有移出名单的企业" in text
