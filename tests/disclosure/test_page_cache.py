"""The public page cache: a kept page is served again to anyone asking for the same address in
the same language, until a new publication or its lifetime ends; nothing personal is ever kept."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from phaseout.disclosure.choices import ListKind
from phaseout.registry.models import Enterprise
from tests.disclosure.test_public import draft, list_url, publish

D = datetime.date


@pytest.fixture(autouse=True, params=["worker memory", "redis"])
def page_cache(request, settings):
    """Every test runs with each worker's own memory (the default) and with a shared Redis
    (PHASEOUT_REDIS_URL)."""
    settings.PHASEOUT_PUBLIC_CACHE_SECONDS = 300
    settings.PHASEOUT_PUBLIC_GENERATION_SECONDS = 1
    if request.param == "redis":
        redis_url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "phaseout.core.cache.QuietRedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "phaseout-pages",
            },
        }
        caches["pages"].clear()
    yield request.param
    caches["pages"].clear()


@pytest.fixture
def listed(jurisdiction, county_officer, reviewer, east_enterprise):
    """A published yellow list naming the registry's enterprise of 城东区."""
    rows = [{"enterprise_name": east_enterprise.name, "credit_code": east_enterprise.credit_code}]
    return publish(
        draft(jurisdiction["east"], D(2026, 3, 1), rows, by=county_officer), reviewer=reviewer
    )


def record_url(enterprise):
    return reverse("public:enterprise", args=[enterprise.credit_code])


def test_a_second_visitor_gets_the_kept_page(client, listed, east_enterprise):
    first = client.get(record_url(east_enterprise))
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    Enterprise.objects.filter(pk=east_enterprise.pk).update(name="改名后的企业")

    second = client.get(record_url(east_enterprise))
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_kept_page_ends_with_its_lifetime(client, listed, east_enterprise, settings, page_cache):
    settings.PHASEOUT_PUBLIC_CACHE_SECONDS = 60
    if page_cache == "redis":
        # Redis ends it by its own clock, which time_machine does not move: read its TTL.
        import redis

        client.get(record_url(east_enterprise))
        server = redis.Redis.from_url(settings.CACHES["pages"]["LOCATION"])
        (key,) = server.keys("phaseout-pages:*public-page:*")
        assert 55 <= server.ttl(key) <= 60
        return
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        client.get(record_url(east_enterprise))
        Enterprise.objects.filter(pk=east_enterprise.pk).update(name="改名后的企业")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 1, 1, tzinfo=datetime.UTC)):
        response = client.get(record_url(east_enterprise))
    assert response["X-Cache"] == "miss" and "改名后的企业" in response.text


def publish_new_list(jurisdiction, county_officer, reviewer):
    return publish(
        draft(
            jurisdiction["east"],
            D(2026, 3, 2),
            [{"enterprise_name": "新列入企业"}],
            by=county_officer,
        ),
        reviewer=reviewer,
    )


def test_a_new_publication_supersedes_every_kept_page_at_once_on_its_worker(
    client, jurisdiction, listed, county_officer, reviewer, django_capture_on_commit_callbacks
):
    before = client.get(list_url())
    assert before["X-Cache"] == "miss" and "新列入企业" not in before.text
    assert client.get(list_url())["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        publish_new_list(jurisdiction, county_officer, reviewer)
    after = client.get(list_url())
    assert after["X-Cache"] == "miss" and "新列入企业" in after.text


class Clock:
    """cache.monotonic, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_another_workers_publication_shows_within_the_generation_seconds(
    client, jurisdiction, listed, county_officer, reviewer, monkeypatch, settings
):
    """A list published by another worker (here: its commit never reaches this worker's
    forget_generation) shows once this worker's reading of the generation is a second old."""
    from phaseout.disclosure.public import cache

    settings.PHASEOUT_PUBLIC_GENERATION_SECONDS = 1
    clock = Clock()
    monkeypatch.setattr(cache, "monotonic", clock)
    assert client.get(list_url())["X-Cache"] == "miss"

    publish_new_list(jurisdiction, county_officer, reviewer)  # its on_commit never runs here
    clock.now += 0.9
    assert client.get(list_url())["X-Cache"] == "hit"
    clock.now += 0.2
    after = client.get(list_url())
    assert after["X-Cache"] == "miss" and "新列入企业" in after.text


def test_each_language_and_address_is_kept_apart(client, listed, east_enterprise):
    chinese = client.get(list_url())
    english = client.get(list_url(), headers={"accept-language": "en"})
    assert english["X-Cache"] == "miss" and english.text != chinese.text
    assert client.get(list_url(page=1))["X-Cache"] == "miss"
    assert client.get(list_url(), headers={"accept-language": "en"})["X-Cache"] == "hit"


def test_errors_redirects_and_searches_over_the_limit_are_not_kept(client, listed, east_enterprise):
    missing = reverse("public:enterprise", args=["91990102MA0000000X"])
    assert client.get(missing).status_code == 404
    assert "X-Cache" not in client.get(missing)

    # Redirected to the code as written in the list (a trailing space: the code may be all
    # digits, so its lower case would be the same address).
    untidy = reverse("public:enterprise", args=[east_enterprise.credit_code + " "])
    assert client.get(untidy).status_code == 302
    assert "X-Cache" not in client.get(untidy)


def test_no_page_holds_anything_of_its_visitor(client, listed, east_enterprise, county_officer):
    """A kept page is shared by everyone: made for a logged-in officer, it holds no token, sets
    no cookie and is what an anonymous visitor then gets."""
    from django.test import Client

    client.force_login(county_officer)
    pages = [
        reverse("public:index"),
        list_url(),
        record_url(east_enterprise),
        reverse("public:enterprise-search") + "?q=企业",
        reverse("public:feed"),
    ]
    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "csrfmiddlewaretoken" not in response.text, url
        assert county_officer.username not in response.text, url
        assert not response.cookies, url
        kept = Client().get(url)
        assert kept["X-Cache"] == "hit" and kept.content == response.content, url


def test_the_language_switch_works_without_a_token(listed, east_enterprise):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(list_url())
    assert reverse("set_language_public") in page.text
    response = browser.post(reverse("set_language_public"), {"language": "en", "next": list_url()})
    assert response.status_code == 302 and response["Location"] == list_url()
    assert browser.cookies["django_language"].value == "en"
    english = browser.get(list_url())
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.text


def test_a_page_with_a_form_is_not_kept(client, listed, east_enterprise):
    """The data-error form carries this visitor's CSRF token."""
    url = reverse("public:data-error", args=[east_enterprise.credit_code])
    assert client.get(url).status_code == 200
    assert "X-Cache" not in client.get(url)


def test_the_cache_off_renders_every_time(client, listed, east_enterprise, settings):
    settings.PHASEOUT_PUBLIC_CACHE_SECONDS = 0
    client.get(record_url(east_enterprise))
    Enterprise.objects.filter(pk=east_enterprise.pk).update(name="改名后的企业")
    response = client.get(record_url(east_enterprise))
    assert "X-Cache" not in response and "改名后的企业" in response.text


def test_a_list_kind_url_is_kept_per_kind(client, listed):
    red = reverse("public:list", args=[ListKind.RED])
    assert client.get(red)["X-Cache"] == "miss"
    assert client.get(list_url())["X-Cache"] == "miss"


def test_a_kept_page_costs_at_most_one_small_query(
    client, listed, east_enterprise, django_assert_num_queries, monkeypatch
):
    """The publication generation is all a kept page reads from the database, and only when
    this worker's last reading is older than PHASEOUT_PUBLIC_GENERATION_SECONDS."""
    from phaseout.disclosure.public import cache

    clock = Clock()
    monkeypatch.setattr(cache, "monotonic", clock)
    client.get(record_url(east_enterprise))
    with django_assert_num_queries(0):
        assert client.get(record_url(east_enterprise))["X-Cache"] == "hit"
    clock.now += 1
    with django_assert_num_queries(1):
        assert client.get(record_url(east_enterprise))["X-Cache"] == "hit"


def test_a_cache_server_that_is_down_costs_no_page(
    client, listed, east_enterprise, settings, caplog, monkeypatch
):
    """Redis down (nothing listens on port 1): every page is rendered as without a cache, and
    the failure is logged once, not on every page."""
    from django.test import override_settings

    from phaseout.core.cache import QuietRedisCache

    monkeypatch.setattr(QuietRedisCache, "_failed_at", None)
    down = {"BACKEND": "phaseout.core.cache.QuietRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    with (
        override_settings(CACHES={**settings.CACHES, "pages": down}),
        caplog.at_level("WARNING", logger="phaseout.core.cache"),
    ):
        for _ in range(3):
            response = client.get(record_url(east_enterprise))
            assert response.status_code == 200 and east_enterprise.name in response.text
            assert response["X-Cache"] == "miss"  # rendered; keeping it failed quietly
    warnings = [r for r in caplog.records if "Redis cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_which_snapshot_a_list_shows_is_chosen_once_per_generation(client, listed):
    """Two list pages not kept yet: the second reads neither the snapshot it shows nor the
    earlier ones again (views._kept), only its entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and response["X-Cache"] == "miss"
        return [q["sql"] or "" for q in captured.captured_queries]

    first = queries(list_url(dimension="ENERGY"))
    second = queries(list_url(dimension="QUALITY"))

    def snapshot_reads(sqls):
        return [q for q in sqls if 'FROM "disclosure_listsnapshot"' in q]

    assert len(snapshot_reads(first)) >= 2  # the snapshot shown and the earlier ones
    assert snapshot_reads(second) == []
