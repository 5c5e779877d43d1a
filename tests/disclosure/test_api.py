"""/api/list-snapshots/: scoped reading, prepare → review → publish, errors as 400/403/409."""

from __future__ import annotations

import datetime

import pytest

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind, SnapshotStatus
from phaseout.disclosure.models import ListSnapshot
from phaseout.enforcement import services as enforcement
from tests.conftest import login
from tests.enforcement.conftest import at, open_case

D = datetime.date
API = "/api/list-snapshots/"


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


def body(region, **changes):
    return {"kind": "yellow", "region": region.pk, "cut_off": "2026-03-01", **changes}


def test_anonymous_and_enterprise_users_get_nothing(client, draft, enterprise_user):
    assert client.get(API).status_code in (401, 403)
    login(client, enterprise_user)
    assert client.get(API).status_code == 403
    assert client.get(f"{API}{draft.pk}/").status_code == 403
    assert client.post(f"{API}{draft.pk}/review/").status_code == 403


def test_snapshots_are_scoped_to_the_region(client, draft, other_county_officer, city_leader):
    login(client, other_county_officer)
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{draft.pk}/").status_code == 404
    assert client.get(f"{API}{draft.pk}/entries/").status_code == 404
    assert client.post(f"{API}{draft.pk}/review/").status_code == 404
    login(client, city_leader)
    assert [row["id"] for row in client.get(API).json()["results"]] == [draft.pk]


def test_prepare_review_publish_through_the_api(
    client, rectifying, county_officer, reviewer, bureau_leader, jurisdiction
):
    response = login(client, county_officer).post(
        API, body(jurisdiction["east"]), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["entry_count"] == 1
    assert data["prepared_by"] == "east_officer" and data["region_code"] == "990102"
    entries = client.get(f"{API}{data['id']}/entries/").json()
    assert entries["count"] == 1
    assert entries["results"][0]["enterprise_name"] == "城东水泥有限公司"

    response = login(client, reviewer).post(f"{API}{data['id']}/review/")
    assert response.status_code == 200 and response.json()["status"] == "reviewed"
    response = login(client, bureau_leader).post(f"{API}{data['id']}/publish/")
    assert response.status_code == 200
    published = response.json()
    assert (
        published["number"] == "〔2026〕黄牌第1号" and published["published_by"] == "east_it_head"
    )
    assert published["delistings"] == [] and published["late_removals"] == 0


def test_bad_bodies_are_400_naming_the_field_and_write_nothing(
    client, rectifying, county_officer, jurisdiction
):
    login(client, county_officer)
    east = jurisdiction["east"]
    for data, field in (
        (body(east, cut_off="2026-04-01"), "cut_off"),
        (body(east, year=2026), "year"),
        (body(east, kind="purple"), "kind"),
        (body(jurisdiction["north"]), "region"),
    ):
        response = client.post(API, data, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), response.json()
    assert not ListSnapshot.objects.exists()


def test_who_may_not_act(
    client, draft, county_officer, market_officer, power_officer, jurisdiction
):
    response = login(client, county_officer).post(f"{API}{draft.pk}/review/")
    assert response.status_code == 403 and "编制人不能审核" in response.json()["detail"]
    response = login(client, market_officer).post(f"{API}{draft.pk}/review/")
    assert response.status_code == 403
    response = login(client, power_officer).post(
        API, body(jurisdiction["east"]), content_type="application/json"
    )
    assert response.status_code == 403 and "不负责公布" in response.json()["detail"]
    assert ListSnapshot.objects.get(pk=draft.pk).status == SnapshotStatus.DRAFT


def test_publishing_twice_is_refused(client, draft, reviewer):
    login(client, reviewer)
    assert client.post(f"{API}{draft.pk}/publish/").status_code == 409
    client.post(f"{API}{draft.pk}/review/")
    assert client.post(f"{API}{draft.pk}/publish/").status_code == 200
    response = client.post(f"{API}{draft.pk}/publish/")
    assert response.status_code == 409 and "已公布" in response.json()["detail"]
    assert ListSnapshot.objects.get(pk=draft.pk).number == "〔2026〕黄牌第1号"
