"""The lists read a bounded number of queries, however many tip-offs there are."""

from __future__ import annotations

import pytest

from phaseout.tipoffs import services
from tests.conftest import login
from tests.tipoffs.conftest import accept_and_assign, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(jurisdiction, county_officer, handler, env_department):
    rows = [receive(jurisdiction["east"]).tipoff for _ in range(8)]
    for tipoff in rows[:4]:
        accept_and_assign(tipoff, triager=county_officer, department=env_department)
        services.set_verification(tipoff, by=handler, task="核查")
        services.record_finding(tipoff, by=handler, substantiated=False, text="不属实")
        services.publish_outcome(tipoff, by=handler, summary="事项", outcome="不属实")
    return rows


def test_queue_and_api_list_do_not_grow_with_rows(
    client, many, handler, django_assert_max_num_queries
):
    c = login(client, handler)
    with django_assert_max_num_queries(14):
        assert c.get("/tipoffs/").status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get("/api/tipoffs/").json()["count"] == 8


def test_public_outcomes_do_not_grow_with_rows(client, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/public/tipoffs/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/api/public/tipoff-outcomes/").json()["count"] == 4
