"""The Atom feed of publications and the public read-only API: published snapshots only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from phaseout.disclosure.choices import ListKind
from phaseout.regions.models import Region
from tests.conftest import login
from tests.disclosure.records import SCRIPT, naming, snapshot
from tests.enforcement.conftest import at

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def lists(jurisdiction, county_officer, reviewer, east_enterprise):
    """A published yellow list of 城东区 naming 城东水泥, a published annual exit list, and a
    draft red list with a unique name."""
    yellow = snapshot(
        ListKind.YELLOW,
        jurisdiction["east"],
        [naming(east_enterprise), {"enterprise_name": "另一家企业"}],
        by=county_officer,
        reviewer=reviewer,
    )
    with at("2026-03-03"):
        exits = snapshot(
            ListKind.ANNUAL_EXIT,
            jurisdiction["east"],
            [naming(east_enterprise, capacity=1000, capacity_unit="t/a")],
            by=county_officer,
            reviewer=reviewer,
        )
        draft = snapshot(
            ListKind.RED,
            jurisdiction["east"],
            [{"enterprise_name": "草稿红牌企业DRAFTY"}],
            by=county_officer,
        )
    return {"yellow": yellow, "exits": exits, "draft": draft}


def feed(client, query=""):
    response = client.get(reverse("public:feed") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_feed_lists_published_snapshots_newest_first(client, lists):
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(entries) == 2
    assert titles[0].startswith(lists["exits"].number) and "城东区" in titles[0]
    assert titles[1].startswith(lists["yellow"].number) and "黄牌" in titles[1]
    link = entries[1].find(f"{ATOM}link").get("href")
    assert link.endswith(
        reverse("public:list", args=["yellow"]) + f"?snapshot={lists['yellow'].pk}"
    )
    assert all(e.find(f"{ATOM}id").text.startswith("http://testserver/") for e in entries)
    updated = entries[1].find(f"{ATOM}updated").text
    assert updated.startswith("2026-03-02T")
    assert "DRAFTY" not in ET.tostring(root, encoding="unicode")


def test_feed_filters(client, lists, jurisdiction):
    assert len(feed(client, "?kind=yellow").findall(f"{ATOM}entry")) == 1
    assert len(feed(client, "?kind=red").findall(f"{ATOM}entry")) == 0
    assert len(feed(client, "?region=990100").findall(f"{ATOM}entry")) == 2
    assert len(feed(client, "?region=990121").findall(f"{ATOM}entry")) == 0
    assert client.get(reverse("public:feed") + "?kind=nonsense").status_code == 404
    assert client.get(reverse("public:feed") + "?region=123456").status_code == 404


def test_feed_escapes_markup(client, lists, jurisdiction):
    Region.objects.filter(pk=jurisdiction["east"].pk).update(name=SCRIPT)
    response = client.get(reverse("public:feed"))
    assert SCRIPT.encode() not in response.content
    root = ET.fromstring(response.content)  # still well-formed XML
    assert SCRIPT in root.find(f"{ATOM}entry").find(f"{ATOM}title").text


def test_api_lists_anonymous_published_only(client, lists):
    response = client.get("/api/public/lists/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["number"] for row in body["results"]} == {
        lists["yellow"].number,
        lists["exits"].number,
    }
    assert all("prepared_by" not in row and "delistings" not in row for row in body["results"])
    assert client.get("/api/public/lists/?kind=yellow").json()["count"] == 1
    assert client.get("/api/public/lists/?region=990121").json()["count"] == 0
    assert client.get("/api/public/lists/?kind=bad").status_code == 400
    assert client.get("/api/public/lists/?region=bad").status_code == 400
    assert client.get(f"/api/public/lists/{lists['draft'].pk}/").status_code == 404
    assert client.get(f"/api/public/lists/{lists['draft'].pk}/entries/").status_code == 404


def test_api_entries_search_and_filters(client, lists, east_enterprise):
    url = f"/api/public/lists/{lists['yellow'].pk}/entries/"
    body = client.get(url).json()
    assert body["count"] == 2
    assert all("case_id" not in r and "case_number" not in r for r in body["results"])
    assert "内部案号" not in client.get(url).content.decode()
    assert client.get(url + "?q=城东").json()["count"] == 1
    assert client.get(url + f"?q={east_enterprise.credit_code}").json()["count"] == 1
    assert client.get(url + "?dimension=SAFETY").json()["count"] == 0
    assert client.get(url + "?year=2026").json()["count"] == 2
    assert client.get(url + "?year=99999999").json()["count"] == 0


def test_api_record_has_the_page_sections(client, lists, east_enterprise):
    response = client.get(f"/api/public/enterprises/{east_enterprise.credit_code}/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "credit_code",
        "name",
        "region_code",
        "region_name",
        "industry_code",
        "industry_name",
        "lines",
        "status",
        "quarters",
        "measures",
        "announcements",
        "exits",
    ]
    assert body["name"] == east_enterprise.name and len(body["quarters"]) == 12
    assert [a["number"] for a in body["announcements"]] == [
        lists["exits"].number,
        lists["yellow"].number,
    ]
    assert body["exits"][0]["capacity"] == "1000.00"
    assert body["measures"][0]["measure"] == "限期整改"
    assert "DRAFTY" not in response.content.decode()
    assert client.get("/api/public/enterprises/91990102MA00099999/").status_code == 404
    assert client.get("/api/public/enterprises/nonsense/").status_code == 404


def test_api_is_public_for_everyone_and_writes_nothing(client, lists, enterprise_user):
    login(client, enterprise_user)
    assert client.get("/api/public/lists/").status_code == 200
    assert client.post("/api/public/lists/", {}).status_code == 405


def test_api_throttles_per_address(client, lists, monkeypatch):
    from phaseout.disclosure.public import api

    monkeypatch.setattr(api, "PUBLIC_API_RATE", "3/min")
    codes = [client.get("/api/public/lists/").status_code for _i in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get("/api/public/lists/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_api_throttle_ignores_a_forged_forwarded_for(client, lists, monkeypatch, settings):
    from phaseout.disclosure.public import api

    monkeypatch.setattr(api, "PUBLIC_API_RATE", "2/min")
    codes = [
        client.get("/api/public/lists/", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]  # a new X-Forwarded-For each time buys nothing
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"  # behind nginx, as docs/install.md sets
    proxied = [
        client.get("/api/public/lists/", HTTP_X_REAL_IP=address).status_code
        for address in ("10.1.1.1", "10.1.1.1", "10.1.1.1", "10.1.1.2")
    ]
    assert proxied == [200, 200, 429, 200]
