"""/api/cases/: who sees which case, the list's filters and query count, and what a case reads
like — its deadline, version, available actions, case file, documents, evidence and measures."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaseout.enforcement import services
from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Case, CaseEvent
from phaseout.registry.models import ProductionLine
from tests.conftest import login

from .apihelpers import CASES, acts, url
from .conftest import PDF, open_case, pdf_upload


def listed(client, **params) -> set[int]:
    response = client.get(CASES, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_refused(client, rectifying):
    for path in (CASES, url(rectifying), url(rectifying, "events/"), url(rectifying, "verify/")):
        assert client.get(path).status_code in (401, 403)
    response = client.post(
        url(rectifying, "withdraw/"), {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert Case.objects.get(pk=rectifying.pk).state == CaseState.RECTIFYING


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("county_officer", True),
        ("power_officer", True),
        ("water_officer", True),
        ("environment_officer", True),
        ("county_leader", True),
        ("city_leader", True),
        ("city_auditor", True),
        ("enterprise_user", True),
        ("other_county_officer", False),
    ],
)
def test_who_sees_the_case(request, client, rectifying, who, visible):
    login(client, request.getfixturevalue(who))
    assert (rectifying.pk in listed(client)) is visible
    expected = 200 if visible else 404
    for tail in ("", "events/", "verify/"):
        assert client.get(url(rectifying, tail)).status_code == expected
    document = rectifying.documents.get()
    assert client.get(url(rectifying, f"documents/{document.pk}/file/")).status_code == expected


def test_an_enterprise_user_sees_only_their_own(
    client, rectifying, enterprise_user, other_county_officer, north_enterprise
):
    north_case = open_case(other_county_officer, north_enterprise)
    login(client, enterprise_user)
    assert listed(client) == {rectifying.pk}
    assert client.get(url(north_case)).status_code == 404
    assert client.get(url(north_case, "events/")).status_code == 404


def test_the_other_county_sees_only_its_own(
    client, rectifying, other_county_officer, north_enterprise
):
    north_case = open_case(other_county_officer, north_enterprise)
    login(client, other_county_officer)
    assert listed(client) == {north_case.pk}
    for tail in ("", "events/", "verify/"):
        assert client.get(url(rectifying, tail)).status_code == 404
    response = client.post(
        url(rectifying, "comments/"), {"text": "越权"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_person_without_a_role_sees_nothing(client, rectifying, django_user_model):
    login(client, django_user_model.objects.create_user("nobody", password="x"))
    assert listed(client) == set()
    assert client.get(url(rectifying)).status_code == 404


def test_the_detail_carries_the_deadline_version_and_what_the_caller_may_do(
    client, rectifying, county_officer, enterprise_user, city_leader
):
    body = login(client, county_officer).get(url(rectifying)).json()
    assert body["state"] == "rectifying" and body["state_display"] == "限期整改中"
    assert body["due_on"] == "2026-02-28" and body["due_kind"] == "rectification"
    assert body["due_explanation"].startswith("送达 2025-08-31，6个月")
    assert body["due_provisional"] is False
    assert body["version"] == rectifying.version
    assert body["region"] == "990102" and body["enterprise_name"] == "城东水泥有限公司"
    assert body["line_code"] == "YL-1"
    assert set(acts(body)) >= {"record_reinspection", "request_extension", "withdraw"}
    serve = next(a for a in body["available_actions"] if a["act"] == "record_reinspection")
    assert serve["url"].endswith(url(rectifying, "reinspection/"))
    (document,) = body["documents"]
    assert document["kind"] == "rectification_notice" and "整改〔2025〕1号" in document["number"]
    assert document["url"].endswith(url(rectifying, f"documents/{document['id']}/file/"))
    assert body["events_url"].endswith(url(rectifying, "events/"))
    assert body["verify_url"].endswith(url(rectifying, "verify/"))

    response = login(client, enterprise_user).get(url(rectifying))
    assert response["ETag"] == f'"{rectifying.version}"'
    assert set(acts(response.json())) == {"request_extension", "add_evidence", "add_comment"}
    assert acts(login(client, city_leader).get(url(rectifying)).json()) == []


def test_events_and_verification(client, rectifying, county_officer):
    login(client, county_officer)
    events = client.get(url(rectifying, "events/")).json()
    assert events["count"] == rectifying.event_count
    first, second = events["results"][:2]
    assert first["seq"] == 1 and first["kind"] == "opened"
    assert first["prev_hash"] == "0" * 64 and second["prev_hash"] == first["hash"]
    assert first["actor_name"] == "east_officer" and first["summary"].startswith("立案")
    assert "facts" in first["payload"]
    assert set(first) >= {"seq", "kind", "at", "actor_name", "summary", "payload", "hash"}

    assert client.get(url(rectifying, "verify/")).json() == {
        "ok": True,
        "events": rectifying.event_count,
        "broken_seq": None,
        "reason": "",
    }
    # A changed row breaks the chain, and the API says where.
    CaseEvent.objects.filter(case=rectifying, seq=1).update(summary="改过的摘要")
    result = client.get(url(rectifying, "verify/")).json()
    assert result["ok"] is False and result["broken_seq"] == 1 and "改动" in result["reason"]


def test_documents_and_evidence_download(client, rectifying, county_officer, enterprise_user):
    evidence = services.add_evidence(
        rectifying, by=enterprise_user, upload=pdf_upload("整改报告.pdf"), description="报告"
    )
    body = login(client, enterprise_user).get(url(rectifying)).json()
    (listed_evidence,) = body["evidence"]
    assert listed_evidence["name"] == "整改报告.pdf" and listed_evidence["size"] == len(PDF)
    assert listed_evidence["uploaded_by"] == "east_cement_user"

    response = client.get(listed_evidence["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    # A client that asks for the file's own type gets it (no 406 from content negotiation).
    document = client.get(body["documents"][0]["url"], HTTP_ACCEPT="application/pdf")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF")

    # Another case's file through this case's URL is a 404, as is a file that does not exist.
    assert client.get(url(rectifying, f"evidence/{evidence.pk + 1}/file/")).status_code == 404
    assert client.get(url(rectifying, "documents/99999/file/")).status_code == 404


def test_a_case_id_that_is_not_a_number_or_too_large_is_a_404(client, county_officer, rectifying):
    login(client, county_officer)
    for pk in ("abc", "1.5", "9" * 30, "-1"):
        assert client.get(f"{CASES}{pk}/").status_code == 404


@pytest.fixture
def three_cases(county_officer, environment_officer, east_enterprise, line):
    other = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-2",
        equipment_type="cement_kiln",
        capacity=1000,
        capacity_unit="t/d",
    )
    return [
        open_case(county_officer, east_enterprise, line=line),
        open_case(county_officer, east_enterprise, line=other),
        open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT", line=line),
    ]


def test_the_list_filters(
    client, county_officer, three_cases, other_county_officer, north_enterprise
):
    energy, energy_2, environment = three_cases
    services.serve_order(energy, by=county_officer, served_on=datetime.date(2026, 3, 1))
    open_case(other_county_officer, north_enterprise)
    login(client, county_officer)
    assert listed(client) == {energy.pk, energy_2.pk, environment.pk}
    assert listed(client, state="rectifying") == {energy.pk}
    assert listed(client, dimension="ENVIRONMENT") == {environment.pk}
    assert listed(client, region="990102") == {energy.pk, energy_2.pk, environment.pk}
    assert listed(client, region="9901") == {energy.pk, energy_2.pk, environment.pk}
    assert listed(client, region="990100") == {energy.pk, energy_2.pk, environment.pk}
    assert listed(client, region="990121") == set()  # filters inside the scope only
    assert listed(client, due_before="2026-08-31") == set()
    assert listed(client, due_before="2026-09-01") == {energy.pk}  # 2026-09-01 is the due day
    assert listed(client, overdue="true") == set()
    with services_clock("2026-09-02"):
        login(client, county_officer)
        assert listed(client, overdue="true") == {energy.pk}
        assert listed(client, overdue="false") == {energy_2.pk, environment.pk}


def services_clock(day: str):
    import time_machine

    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00+08:00"), tick=False)


@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense"},
        {"dimension": "NUCLEAR"},
        {"region": "99x"},
        {"region": "1234567"},
        {"due_before": "2026-02-30"},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, county_officer, rectifying, params):
    response = login(client, county_officer).get(CASES, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_runs_the_same_queries_for_one_case_or_many(client, county_officer, three_cases):
    login(client, county_officer)
    client.get(CASES)  # the session and the person are loaded once
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(CASES).json()["results"]) == 3
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(CASES, {"dimension": "ENVIRONMENT"}).json()["results"]) == 1
    assert len(many) == len(one)


def test_the_detail_runs_a_bounded_number_of_queries(
    client, county_officer, rectifying, enterprise_user, django_assert_max_num_queries
):
    for _ in range(3):
        services.add_evidence(rectifying, by=enterprise_user, upload=pdf_upload())
        services.add_comment(rectifying, by=county_officer, text="已核查")
    login(client, county_officer)
    with django_assert_max_num_queries(10):
        assert len(client.get(url(rectifying)).json()["evidence"]) == 3
