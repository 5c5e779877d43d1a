"""An enterprise's public record (企业公开档案): fixed sections, published facts only, fast."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.public.record import last_quarters, public_record
from phaseout.registry.models import ProductionLine
from tests.disclosure.records import SCRIPT, D, naming, snapshot
from tests.enforcement.conftest import at, open_case

NO_DATA = "暂无已公布信息"


def url(code):
    return reverse("public:enterprise", args=[code])


def section(text, name):
    """The HTML of one section of the record page."""
    match = re.search(rf'<section[^>]*id="{name}".*?</section>', text, re.S)
    assert match, name
    return match.group(0)


@pytest.fixture
def kiln(east_enterprise):
    return ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-1",
        name="1号熟料线",
        equipment_type="cement_kiln",
        capacity=2500,
        capacity_unit="t/d",
        commissioning_year=2004,
    )


@pytest.fixture
def case(county_officer, east_enterprise, kiln):
    """A real case (publishing a later list checks when each dropped entry's case left it)."""
    return open_case(county_officer, east_enterprise, line=kiln)


@pytest.fixture
def yellow(jurisdiction, county_officer, reviewer, east_enterprise, case):
    return snapshot(
        ListKind.YELLOW,
        jurisdiction["east"],
        [
            naming(
                east_enterprise,
                line_code="YL-1",
                equipment="水泥窑",
                dimension="ENERGY",
                case_id=case.pk,
            )
        ],
        by=county_officer,
        reviewer=reviewer,
    )


def test_no_published_list_no_record(client, jurisdiction, county_officer, east_enterprise):
    assert client.get(url(east_enterprise.credit_code)).status_code == 404
    snapshot(
        ListKind.YELLOW, jurisdiction["east"], [naming(east_enterprise)], by=county_officer
    )  # a draft naming it
    assert client.get(url(east_enterprise.credit_code)).status_code == 404
    for nonsense in ("123", "91990102MA0000000O", "<script>", "x" * 300):
        assert client.get(url(nonsense)).status_code == 404


def test_every_section_with_data(
    client, jurisdiction, county_officer, reviewer, east_enterprise, kiln, yellow
):
    exit_list = snapshot(
        ListKind.ANNUAL_EXIT,
        jurisdiction["east"],
        [
            naming(
                east_enterprise,
                line_code="YL-1",
                equipment="水泥窑",
                capacity=2500,
                capacity_unit="t/d",
                since=D(2026, 2, 20),
            )
        ],
        by=county_officer,
        reviewer=reviewer,
    )
    response = client.get(url(east_enterprise.credit_code))
    assert response.status_code == 200
    text = response.text
    order = [
        text.index(f'id="{name}"')
        for name in (
            "identity",
            "lines",
            "status",
            "compliance",
            "measures",
            "announcements",
            "exits",
        )
    ]
    assert order == sorted(order)
    assert east_enterprise.credit_code in section(text, "identity")
    assert "城东区" in section(text, "identity") and "3011" in section(text, "identity")
    lines = section(text, "lines")
    assert "1号熟料线" in lines and "2500" in lines and "吨/日" in lines
    status = section(text, "status")
    assert yellow.number in status and "黄牌" in status
    record = response.context["record"]
    energy = next(s for s in record.status if s.dimension == "ENERGY")
    assert [p.number for p in energy.lists] == [yellow.number]
    assert all(not s.lists for s in record.status if s.dimension != "ENERGY")
    assert record.quarters[0].cells[0] == ["黄牌（限期整改）", "年度落后产能退出企业名单"]
    assert "限期整改" in section(text, "measures")
    announcements = section(text, "announcements")
    assert yellow.number in announcements and exit_list.number in announcements
    assert f"?snapshot={yellow.pk}" in announcements
    exits = section(text, "exits")
    assert exit_list.number in exits and "2026" in exits and "t/d" in exits
    assert NO_DATA not in text.replace(section(text, "status"), "")


def test_sections_without_data_say_so(
    client, jurisdiction, county_officer, reviewer, east_enterprise
):
    # A real case: publishing the next list checks when each dropped entry's case left it.
    case = open_case(county_officer, east_enterprise)
    snapshot(
        ListKind.YELLOW,
        jurisdiction["east"],
        [naming(east_enterprise, dimension="SAFETY", case_id=case.pk)],
        by=county_officer,
        reviewer=reviewer,
    )
    with at("2026-03-05"):
        # A newer yellow list without it: no longer current, still announced.
        later = snapshot(
            ListKind.YELLOW, jurisdiction["east"], [], by=county_officer, reviewer=reviewer
        )
        text = client.get(url(east_enterprise.credit_code)).text
    for name in ("lines", "measures", "exits"):
        assert NO_DATA in section(text, name), name
    assert section(text, "status").count(NO_DATA) == 5
    assert "已被新一期替代" in section(text, "announcements")
    assert later.number not in text  # it does not name the enterprise
    assert "未列入" in section(text, "compliance")


def test_identity_from_the_list_when_the_registry_lacks_it(
    client, jurisdiction, county_officer, reviewer
):
    snapshot(
        ListKind.YELLOW,
        jurisdiction["east"],
        [{"enterprise_name": "名单上的企业", "credit_code": "91990102MA00000077"}],
        by=county_officer,
        reviewer=reviewer,
    )
    response = client.get(url("91990102ma00000077"))
    assert response.status_code == 302 and response["Location"] == url("91990102MA00000077")
    text = client.get(url("91990102MA00000077")).text
    assert "名单上的企业" in section(text, "identity")
    assert NO_DATA in section(text, "lines")


def test_twelve_quarters_at_their_boundaries(
    jurisdiction, county_officer, reviewer, east_enterprise
):
    assert last_quarters(D(2026, 4, 1))[:3] == [(2026, 2), (2026, 1), (2025, 4)]
    assert len(last_quarters(D(2026, 4, 1))) == 12
    assert last_quarters(D(2026, 4, 1))[-1] == (2023, 3)

    def publish_at(moment, kind, dimension):
        with time_machine.travel(moment, tick=False):
            return snapshot(
                kind,
                jurisdiction["east"],
                [naming(east_enterprise, dimension=dimension)],
                by=county_officer,
                reviewer=reviewer,
                cut_off=moment.date(),
            )

    beijing = datetime.timezone(datetime.timedelta(hours=8))
    # 23:30 on 31 March in Beijing is still the first quarter (15:30 UTC).
    publish_at(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=beijing), ListKind.YELLOW, "ENERGY")
    # 00:10 on 1 April in Beijing is the second (still 31 March in UTC).
    publish_at(datetime.datetime(2026, 4, 1, 0, 10, tzinfo=beijing), ListKind.RED, "SAFETY")
    record = public_record(east_enterprise.credit_code, today=D(2026, 4, 1))
    quarters = {(q.year, q.quarter): q.cells for q in record.quarters}
    assert len(quarters) == 12
    assert quarters[(2026, 1)] == [["黄牌（限期整改）"], [], [], [], []]
    assert quarters[(2026, 2)] == [[], [], [], ["红牌（依法关停）"], []]
    assert all(not any(cells) for key, cells in quarters.items() if key < (2026, 1))
    assert record.quarters[0].end == D(2026, 4, 1)
    # Twelve quarters on, the first quarter of 2026 has left the grid.
    later = public_record(east_enterprise.credit_code, today=D(2029, 1, 1))
    assert (later.quarters[-1].year, later.quarters[-1].quarter) == (2026, 2)
    assert not any(any(q.cells) for q in later.quarters[:-1])
    assert later.quarters[-1].cells[3] == ["红牌（依法关停）"]


def test_nothing_unpublished_shows(
    client, jurisdiction, county_officer, reviewer, east_enterprise, kiln, yellow
):
    snapshot(
        ListKind.RED,
        jurisdiction["east"],
        [naming(east_enterprise, equipment="草稿独有设备DRAFTX", reason="草稿事由DRAFTX")],
        by=county_officer,
    )
    open_case(county_officer, east_enterprise, facts="未公开案情UNPUBX")
    text = client.get(url(east_enterprise.credit_code)).text
    for secret in ("DRAFTX", "UNPUBX", "红牌", "内部案号", "east_officer", "案件编号"):
        assert secret not in text, secret
    api = client.get(f"/api/public/enterprises/{east_enterprise.credit_code}/").content.decode()
    for secret in ("DRAFTX", "UNPUBX", '"red"', "内部案号", "east_officer", "case_"):
        assert secret not in api, secret
    feed = client.get(reverse("public:feed")).content.decode()
    assert "红牌" not in feed and yellow.number in feed


def test_script_in_every_field_is_escaped(client, jurisdiction, county_officer, reviewer):
    fields = {
        "enterprise_name": SCRIPT,
        "credit_code": "91990102MA00000088",
        "region_name": SCRIPT,
        "industry_name": SCRIPT,
        "line_code": SCRIPT,
        "equipment": SCRIPT,
        "capacity_unit": "<b>t",
        "reason": SCRIPT,
    }
    snapshot(ListKind.YELLOW, jurisdiction["east"], [fields], by=county_officer, reviewer=reviewer)
    snapshot(
        ListKind.ANNUAL_EXIT, jurisdiction["east"], [fields], by=county_officer, reviewer=reviewer
    )
    text = client.get(url("91990102MA00000088")).text
    assert SCRIPT not in text and "<b>t" not in text
    assert text.count("&lt;script&gt;") >= 5
    search = client.get(reverse("public:enterprise-search") + "?q=script").text
    assert SCRIPT not in search and "&lt;script&gt;" in search


def test_search_by_name_or_code(
    client, jurisdiction, county_officer, reviewer, east_enterprise, yellow
):
    response = client.get(reverse("public:enterprise-search") + "?q=城东水泥")
    assert response.status_code == 200
    assert url(east_enterprise.credit_code) in response.text
    response = client.get(reverse("public:enterprise-search") + f"?q={east_enterprise.credit_code}")
    assert response.status_code == 302 and response["Location"] == url(east_enterprise.credit_code)
    assert "没有符合条件" in client.get(reverse("public:enterprise-search") + "?q=不存在").text
    assert "至少输入两个字" in client.get(reverse("public:enterprise-search") + "?q=城").text
    # The list page links each name to its record.
    listing = client.get(reverse("public:list", args=[ListKind.YELLOW])).text
    assert url(east_enterprise.credit_code) in listing
    assert reverse("public:enterprise-search") in client.get(reverse("public:index")).text


def test_name_searches_are_rate_limited_per_address_but_credit_codes_are_not(
    client, east_enterprise, yellow, monkeypatch
):
    from phaseout.disclosure.public import views

    monkeypatch.setattr(views, "SEARCH_RATE", "2/m")
    search = reverse("public:enterprise-search")
    by_name = [client.get(f"{search}?q=城东水泥").status_code for _ in range(3)]
    assert by_name == [200, 200, 429]
    limited = client.get(f"{search}?q=水泥")
    assert limited.status_code == 429 and "城东水泥" not in limited.text
    # A credit code is an index lookup, not a scan: it still goes straight to the record.
    by_code = client.get(f"{search}?q={east_enterprise.credit_code}")
    assert by_code.status_code == 302
    # Another address has its own count.
    assert client.get(f"{search}?q=水泥", REMOTE_ADDR="10.9.9.9").status_code == 200


def quiet_redis(url: str) -> dict:
    return {"BACKEND": "phaseout.core.cache.QuietRedisCache", "LOCATION": url}


def test_name_searches_are_counted_in_redis(client, yellow, redis_url, settings, monkeypatch):
    from phaseout.disclosure.public import views

    monkeypatch.setattr(views, "SEARCH_RATE", "2/m")
    with override_settings(CACHES={**settings.CACHES, "ratelimit": quiet_redis(redis_url)}):
        caches["ratelimit"].clear()
        search = reverse("public:enterprise-search")
        answers = [client.get(f"{search}?q=城东水泥").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
        assert client.get(f"{search}?q=水泥", REMOTE_ADDR="10.9.9.9").status_code == 200
        caches["ratelimit"].clear()


def test_a_redis_that_is_down_limits_nothing_and_breaks_nothing(
    client,
    yellow,
    settings,
    monkeypatch,
    caplog,
):
    from phaseout.core.cache import QuietRedisCache
    from phaseout.disclosure.public import views

    monkeypatch.setattr(views, "SEARCH_RATE", "2/m")
    monkeypatch.setattr(QuietRedisCache, "_failed_at", None)
    down = quiet_redis("redis://127.0.0.1:1/0")
    with (
        override_settings(CACHES={**settings.CACHES, "ratelimit": down, "pages": down}),
        caplog.at_level("WARNING", logger="phaseout.core.cache"),
    ):
        search = reverse("public:enterprise-search")
        answers = [client.get(f"{search}?q=城东水泥").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert sum("Redis cache unavailable" in r.getMessage() for r in caplog.records) == 1


def test_record_page_takes_few_queries(
    client,
    jurisdiction,
    county_officer,
    reviewer,
    east_enterprise,
    case,
    yellow,
    django_assert_max_num_queries,
):
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        with at(day):
            snapshot(
                ListKind.YELLOW,
                jurisdiction["east"],
                [
                    naming(east_enterprise, dimension=d, line_code=code, case_id=case.pk)
                    for d, code in (("ENERGY", "YL-1"), ("SAFETY", "A"), ("QUALITY", "B"))
                ],
                by=county_officer,
                reviewer=reviewer,
            )
    ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-2",
        equipment_type="cement_kiln",
        capacity=1000,
        capacity_unit="t/d",
    )
    with at("2026-03-06"), django_assert_max_num_queries(2):
        response = client.get(url(east_enterprise.credit_code))
    assert response.status_code == 200
    assert len(response.context["record"].announcements) == 4


def test_the_record_in_english(client, yellow, east_enterprise):
    page = client.get(url(east_enterprise.credit_code), HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="en"' in page
    for label in ("Enterprise public record", "Production lines and capacity", "Current status"):
        assert label in page, label
    for label in ("企业公开档案", "生产线和产能", "暂无已公布信息", "报告此部分有误", "我要举报"):
        assert label not in page, label
    assert east_enterprise.name in page  # data stays as entered
