"""Standing fixtures (as in Healthchecks): one jurisdiction and the people every test asks about.

- a city 990100 示范市 with counties 990102 城东区 and 990121 北山县, and a park 990171;
- county_officer: an officer of 城东区经信局 (industry-IT) — keeps the registry of 城东区;
- other_county_officer: an officer of 北山县经信局 — must never read 城东区's records;
- city_leader: a leader of the city's leading group — reads the whole city, changes nothing;
- city_auditor: an auditor at city level — reads the whole city, changes nothing;
- power_officer: an officer of the county power supplier — a cooperating department, reads only;
- enterprise_user: the user of one enterprise in 城东区 — sees only it;
- anonymous: the client with nobody logged in.
"""

from __future__ import annotations

import itertools
import os

import pytest
from django.contrib.auth import get_user_model

from phaseout.regions.choices import DepartmentKind, RegionLevel, Role
from phaseout.regions.models import Department, Person, Region
from phaseout.registry.choices import EnterpriseSize
from phaseout.registry.creditcode import with_check_character
from phaseout.registry.models import Enterprise, Industry

PASSWORD = "test-pass-Phaseout-1"
_serial = itertools.count(1)


def make_credit_code(region_code: str = "990102", serial: int | None = None) -> str:
    """A valid 统一社会信用代码 for an enterprise (91) registered in region_code."""
    n = next(_serial) if serial is None else serial
    return with_check_character(f"91{region_code}{n:09d}")


@pytest.fixture(autouse=True)
def default_language(settings):
    """Every test starts in the default language (Chinese); a request in English made by an
    earlier test would otherwise leave its language active in this thread."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def _redis_url() -> str | None:
    """The Redis for the tests: PHASEOUT_TEST_REDIS_URL (then it must answer), else database 15
    of a local Redis if one answers."""
    import redis

    url = os.environ.get("PHASEOUT_TEST_REDIS_URL")
    try:
        redis.Redis.from_url(url or "redis://127.0.0.1:6379/15", socket_timeout=1).ping()
    except redis.RedisError:
        if url:
            raise
        return None
    return url or "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="session")
def redis_url():
    """A Redis database the tests may empty (FLUSHDB); the test is skipped without one, unless
    PHASEOUT_TEST_REDIS_URL says there must be one (CI)."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis answers on 127.0.0.1:6379 (set PHASEOUT_TEST_REDIS_URL)")
    return url


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with empty in-process caches: what one test kept under a row id (a
    snapshot's filter options) or an address (a public page) must not meet another test's."""
    from django.core.cache import caches

    from phaseout.disclosure.public import names, views
    from phaseout.disclosure.public.cache import forget_generation

    for name in ("default", "pages"):
        caches[name].clear()
    forget_generation()
    # Kept under snapshot ids, which a rolled-back test may give again (SQLite).
    names._snapshot_names.cache_clear()
    names._published_names.cache_clear()
    views._kept_snapshot.cache_clear()
    views._kept_earlier.cache_clear()
    yield
    for name in ("default", "pages"):
        caches[name].clear()


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The public pages are rendered afresh in every test, so a test can read the page's context
    and see a change it made a moment before. tests/disclosure/test_page_cache.py turns the page
    cache on and tests it. The publication generation is read afresh each time too (the names
    searched are kept under it), so a test sees a publication it made a moment before."""
    settings.PHASEOUT_PUBLIC_CACHE_SECONDS = 0
    settings.PHASEOUT_PUBLIC_GENERATION_SECONDS = 0


@pytest.fixture
def jurisdiction(db):
    province = Region.objects.create(code="990000", name="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(
        code="990100", name="示范市", level=RegionLevel.CITY, parent=province
    )
    east = Region.objects.create(
        code="990102", name="城东区", level=RegionLevel.COUNTY, parent=city
    )
    north = Region.objects.create(
        code="990121", name="北山县", level=RegionLevel.COUNTY, parent=city
    )
    park = Region.objects.create(
        code="990171", name="示范经济技术开发区", level=RegionLevel.PARK, parent=city
    )
    return {"province": province, "city": city, "east": east, "north": north, "park": park}


def _person(username, *, role, region, kind=None, enterprise=None, dept_name=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    department = None
    if kind:
        department, _ = Department.objects.get_or_create(
            region=region, name=dept_name or f"{region.name}{kind}", defaults={"kind": kind}
        )
    Person.objects.create(
        user=user, role=role, region=region, department=department, enterprise=enterprise
    )
    return user


@pytest.fixture
def cement(db):
    return Industry.objects.get(code="3011")


@pytest.fixture
def east_enterprise(jurisdiction, cement):
    return Enterprise.objects.create(
        credit_code=make_credit_code("990102"),
        name="城东水泥有限公司",
        region=jurisdiction["east"],
        industry=cement,
        size=EnterpriseSize.ABOVE,
    )


@pytest.fixture
def north_enterprise(jurisdiction, cement):
    return Enterprise.objects.create(
        credit_code=make_credit_code("990121"),
        name="北山建材有限公司",
        region=jurisdiction["north"],
        industry=cement,
        size=EnterpriseSize.BELOW,
    )


@pytest.fixture
def county_officer(jurisdiction):
    return _person(
        "east_officer",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.INDUSTRY_IT,
    )


@pytest.fixture
def other_county_officer(jurisdiction):
    return _person(
        "north_officer",
        role=Role.OFFICER,
        region=jurisdiction["north"],
        kind=DepartmentKind.INDUSTRY_IT,
    )


@pytest.fixture
def city_leader(jurisdiction):
    return _person(
        "city_leader",
        role=Role.LEADER,
        region=jurisdiction["city"],
        kind=DepartmentKind.LEADING_GROUP,
    )


@pytest.fixture
def city_auditor(jurisdiction):
    return _person("city_auditor", role=Role.AUDITOR, region=jurisdiction["city"])


@pytest.fixture
def power_officer(jurisdiction):
    return _person(
        "east_power",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.POWER_SUPPLIER,
    )


@pytest.fixture
def enterprise_user(jurisdiction, east_enterprise):
    return _person(
        "east_cement_user",
        role=Role.ENTERPRISE,
        region=jurisdiction["east"],
        enterprise=east_enterprise,
    )


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
