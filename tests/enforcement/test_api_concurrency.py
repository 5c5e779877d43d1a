"""Optimistic concurrency through the API: each act carries the version the person saw (body
``version`` or ``If-Match``); a case changed since is a 409 with the reason and nothing written.
Two people acting on the same version: exactly one wins. A transition the procedure does not
allow now is a 409 saying why."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from phaseout.enforcement.chain import verify
from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Case, Evidence, Measure
from tests.conftest import login

from .apihelpers import post, url
from .conftest import pdf_upload

CHANGED = "案件已被他人更新"


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00+08:00"), tick=False)


def state_of(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return case.state, case.version, case.event_count, case.extension_requested_on


def test_a_stale_version_in_the_body_is_a_409_and_nothing_is_written(
    client, rectifying, county_officer, enterprise_user
):
    seen = rectifying.version
    with at("2026-01-10"):
        ok = post(login(client, county_officer), rectifying, "comments", {"text": "已现场核查"})
        assert ok.status_code == 201
        before = state_of(rectifying)
        response = post(
            login(client, enterprise_user),
            rectifying,
            "request-extension",
            {"months": 1, "reason": "设备延迟", "version": seen},
        )
    assert response.status_code == 409 and CHANGED in response.json()["detail"]
    assert state_of(rectifying) == before
    assert before[0] == CaseState.RECTIFYING and before[3] is None


def test_a_stale_if_match_is_a_409_and_nothing_is_written(
    client, rectifying, county_officer, enterprise_user
):
    etag = login(client, enterprise_user).get(url(rectifying))["ETag"]
    assert etag == f'"{rectifying.version}"'
    post(login(client, county_officer), rectifying, "comments", {"text": "已现场核查"})
    before = state_of(rectifying)
    login(client, enterprise_user)
    response = client.post(url(rectifying, "evidence/"), {"file": pdf_upload()}, HTTP_IF_MATCH=etag)
    assert response.status_code == 409 and CHANGED in response.json()["detail"]
    assert state_of(rectifying) == before and not Evidence.objects.exists()
    # A weak tag names the same version; the current one goes through.
    current = client.get(url(rectifying))["ETag"]
    response = client.post(
        url(rectifying, "evidence/"), {"file": pdf_upload()}, HTTP_IF_MATCH="W/" + current
    )
    assert response.status_code == 201
    assert response["ETag"] == f'"{before[1] + 1}"'


def test_the_current_version_and_if_match_star_go_through(client, rectifying, county_officer):
    login(client, county_officer)
    version = rectifying.version
    response = post(client, rectifying, "comments", {"text": "一", "version": version})
    assert response.status_code == 201 and response.json()["version"] == version + 1
    response = post(
        client, rectifying, "comments", {"text": "二"}, HTTP_IF_MATCH=f'"{version + 1}"'
    )
    assert response.status_code == 201
    response = post(client, rectifying, "comments", {"text": "三"}, HTTP_IF_MATCH="*")
    assert response.status_code == 201 and response.json()["version"] == version + 3


def test_body_and_if_match_must_agree(client, rectifying, county_officer):
    before = state_of(rectifying)
    response = post(
        login(client, county_officer),
        rectifying,
        "comments",
        {"text": "x", "version": rectifying.version},
        HTTP_IF_MATCH=f'"{rectifying.version + 1}"',
    )
    assert response.status_code == 400 and set(response.json()) == {"version"}
    assert state_of(rectifying) == before


def test_lifting_a_measure_with_a_stale_version(client, environment_officer, east_enterprise):
    from .conftest import open_case

    case = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    login(client, environment_officer)
    body = post(client, case, "serve-order", {"served_on": "2026-03-02"}).json()
    stale = body["version"]
    post(client, case, "comments", {"text": "复核中"})
    measure = body["measures"][0]["id"]
    response = post(
        client, case, f"measures/{measure}/lift", {"reason": "整治完成", "version": stale}
    )
    assert response.status_code == 409 and CHANGED in response.json()["detail"]
    assert Measure.objects.get(pk=measure).lifted_on is None


def test_a_forbidden_transition_is_a_409_saying_why(client, energy_case, county_officer):
    before = state_of(energy_case)
    login(client, county_officer)
    response = post(client, energy_case, "decide-extension", {"grant": True, "reason": "x"})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "已立案" in detail and "延期" in detail
    response = post(client, energy_case, "order-exit", {"reason": "想关"})
    assert response.status_code == 409 and "尚未下达" in response.json()["detail"]
    response = post(
        client,
        energy_case,
        "follow-up",
        {"inspected_on": "2026-03-01", "restarted": False, "notes": "x"},
    )
    assert response.status_code == 409 and "已退出" in response.json()["detail"]
    assert state_of(energy_case) == before


def test_two_acts_on_the_same_version_one_wins(client, rectifying, county_officer, enterprise_user):
    """What two people pressing at once look like, one after the other (SQLite has one writer):
    both carry the version they read; the second is refused."""
    seen = rectifying.version
    with at("2026-01-10"):
        first = post(
            login(client, enterprise_user),
            rectifying,
            "request-extension",
            {"months": 2, "reason": "设备到货延迟", "version": seen},
        )
        second = post(
            login(client, county_officer),
            rectifying,
            "withdraw",
            {"reason": "立案有误"},
            HTTP_IF_MATCH=f'"{seen}"',
        )
    assert first.status_code == 200 and second.status_code == 409
    assert CHANGED in second.json()["detail"]
    case = Case.objects.get(pk=rectifying.pk)
    assert case.state == CaseState.EXTENSION_REQUESTED and case.version == seen + 1
    assert case.event_count == rectifying.event_count + 1 and verify(case).ok


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (PostgreSQL); the sequential test covers SQLite",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_on_the_same_version_exactly_one_wins(
    rectifying, county_officer, enterprise_user
):
    seen = rectifying.version
    requests = [
        (enterprise_user, "request-extension", {"months": 2, "reason": "设备延迟"}),
        (county_officer, "withdraw", {"reason": "立案有误"}),
    ]
    clients = [login(Client(), user) for user, _, _ in requests]
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def act(i: int) -> None:
        _, tail, data = requests[i]
        try:
            start.wait(timeout=10)
            response = post(clients[i], rectifying, tail, {**data, "version": seen})
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # reported below, not lost in the thread
            results[i] = exc
        finally:
            connections.close_all()

    with at("2026-01-10"):
        threads = [threading.Thread(target=act, args=(i,)) for i in range(len(requests))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    codes = sorted(r[0] for r in results)
    assert codes == [200, 409], results
    loser = next(r for r in results if r[0] == 409)
    assert CHANGED in loser[1]["detail"]
    case = Case.objects.get(pk=rectifying.pk)
    assert case.version == seen + 1 and case.event_count == rectifying.event_count + 1
    assert case.state in (CaseState.EXTENSION_REQUESTED, CaseState.WITHDRAWN)
    assert verify(case).ok
