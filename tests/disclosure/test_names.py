"""The name searches answered from memory (names.py) give exactly what the SQL gave: the same
entries of a list, the same enterprises with the same names and regions, in the same order."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Max
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from phaseout.disclosure.choices import SnapshotStatus
from phaseout.disclosure.models import SnapshotEntry
from phaseout.disclosure.public import names
from phaseout.disclosure.public.views import entry_params, filter_entries, name_contains
from tests.disclosure.test_public import draft, publish

NAMES = [
    "城东水泥有限公司",
    "城东水泥股份有限公司",
    "北山钢铁有限公司",
    "北山县鑫盛钢铁厂",
    "ABC Cement Co., Ltd.",
    "abc cement trading",
    "Straße Glas GmbH",
    "100% 纯碱厂",
    "a_b 化工",
    "<script>alert(1)</script>",
    "南江煤业",
    "南江煤业",  # the same name twice in one list
]
# Pieces a visitor might type: fragments of the names, other case, characters LIKE treats
# specially, and characters in no name.
PIECES = sorted({n[i : i + k] for n in NAMES for k in (1, 2, 3, 5) for i in range(len(n))})
query = st.one_of(
    st.sampled_from(PIECES),
    st.sampled_from(PIECES).map(str.swapcase),
    st.text(alphabet="城东北山钢铁abcABC%_ 化工ß", min_size=1, max_size=4),
)


@pytest.fixture
def lists(jurisdiction, county_officer, reviewer):
    """Two published lists naming the same enterprises, one renamed in the second, and one
    list left as a draft (never searched)."""
    first = [
        {"enterprise_name": n, "credit_code": f"91990102MA{i:08d}", "region_name": f"区{i % 3}"}
        for i, n in enumerate(NAMES, start=1)
    ]
    second = [dict(r) for r in first]
    second[0]["enterprise_name"] = "城东新型建材有限公司"
    second[1]["region_name"] = "区9"
    a = publish(
        draft(jurisdiction["east"], datetime.date(2026, 1, 5), first, by=county_officer),
        reviewer=reviewer,
    )
    b = publish(
        draft(jurisdiction["east"], datetime.date(2026, 2, 1), second, by=county_officer),
        reviewer=reviewer,
    )
    draft(jurisdiction["east"], datetime.date(2026, 2, 10), first, by=county_officer)
    return a, b


PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(q=query)
def test_a_lists_name_search_finds_what_the_sql_finds(lists, q):
    params = entry_params({"q": q})  # as the page reads it: stripped
    assume(params["q"])
    for snapshot in lists:
        sql = filter_entries(snapshot.entries.all(), params)
        assert names.snapshot_positions(snapshot.pk, params["q"]) == [e.position for e in sql]


@PROPERTY
@given(q=query)
def test_the_enterprise_search_finds_what_the_sql_finds(lists, q):
    sql = list(
        SnapshotEntry.objects.filter(snapshot__status=SnapshotStatus.PUBLISHED)
        .filter(name_contains(q))
        .values("credit_code")
        .annotate(name=Max("enterprise_name"), region=Max("region_name"))
        .order_by("name", "credit_code")[:5]
    )
    assert names.published_enterprises(q, 5) == sql


def test_a_credit_code_in_capitals_or_not_finds_its_entry(lists):
    first, _second = lists
    assert names.snapshot_positions(first.pk, "91990102ma00000003") == [3]
