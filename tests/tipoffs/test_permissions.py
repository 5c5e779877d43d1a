"""Who may read a tip-off and who may act on it, for every standing role, on pages and API."""

from __future__ import annotations

import pytest
from django.test import Client

from phaseout.tipoffs import services
from phaseout.tipoffs.choices import TipoffState
from tests.conftest import login
from tests.tipoffs.conftest import accept_and_assign, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(jurisdiction, county_officer, handler, colleague, env_department):
    tipoff = receive(jurisdiction["east"]).tipoff
    return accept_and_assign(
        tipoff, triager=county_officer, department=env_department, handlers=[handler]
    )


def test_anonymous_sees_no_officer_page(client, assigned):
    for url in ("/tipoffs/", f"/tipoffs/{assigned.pk}/", "/tipoffs/hotline/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"]
    assert client.get("/api/tipoffs/").status_code in (401, 403)
    assert client.post(f"/tipoffs/{assigned.pk}/reveal/").status_code == 302


@pytest.mark.parametrize("who", ["other_county_officer", "enterprise_user", "power_officer"])
def test_outsiders_get_404_and_an_empty_list(who, request, assigned):
    c = login(Client(), request.getfixturevalue(who))
    assert c.get(f"/tipoffs/{assigned.pk}/").status_code == 404
    assert c.post(f"/tipoffs/{assigned.pk}/finding/", {"text": "x"}).status_code == 404
    assert c.get(f"/api/tipoffs/{assigned.pk}/").status_code == 404
    assert c.get("/api/tipoffs/").json()["count"] == 0
    assert assigned.number not in c.get("/tipoffs/").content.decode()


def test_leader_and_auditor_read_but_do_not_act(city_leader, city_auditor, assigned):
    for user in (city_leader, city_auditor):
        c = login(Client(), user)
        assert c.get(f"/tipoffs/{assigned.pk}/").status_code == 200
        assert c.get(f"/api/tipoffs/{assigned.pk}/").json()["available_actions"] == []
        r = c.post(f"/tipoffs/{assigned.pk}/verification/", {"task": "核查"})
        assert r.status_code == 403
        r = c.post(f"/api/tipoffs/{assigned.pk}/verification/", {"task": "核查"})
        assert r.status_code == 403
        assert c.get("/tipoffs/hotline/").status_code == 403


def test_unassigned_colleague_reads_but_cannot_handle(colleague, assigned):
    c = login(Client(), colleague)
    assert c.get(f"/tipoffs/{assigned.pk}/").status_code == 200
    assert c.post(f"/tipoffs/{assigned.pk}/verification/", {"task": "核查"}).status_code == 403
    assert "查看举报人" not in c.get(f"/tipoffs/{assigned.pk}/").content.decode()
    with pytest.raises(services.PermissionDenied):
        services.set_verification(assigned, by=colleague, task="核查")


def test_whole_department_handles_when_nobody_is_named(
    jurisdiction, county_officer, handler, colleague, env_department
):
    tipoff = receive(jurisdiction["east"]).tipoff
    accept_and_assign(tipoff, triager=county_officer, department=env_department)
    assert set(tipoff.handlers.all()) == {handler, colleague}


def test_assigned_handler_acts_triager_does_not(client, county_officer, handler, assigned):
    h = login(Client(), handler)
    assert "查看举报人" in h.get(f"/tipoffs/{assigned.pk}/").content.decode()
    r = h.post(
        f"/api/tipoffs/{assigned.pk}/verification/",
        {"task": "核查"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["due_on"] == "2026-03-23"
    c = login(Client(), county_officer)
    r = c.post(
        f"/api/tipoffs/{assigned.pk}/finding/",
        {"substantiated": True, "text": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_triage_is_for_receiving_departments_in_the_region(
    jurisdiction, county_officer, other_county_officer, power_officer, handler
):
    tipoff = receive(jurisdiction["east"]).tipoff
    for user in (power_officer, handler):
        # 生态环境 is a receiving department too; the power supplier is not.
        if user is power_officer:
            with pytest.raises(services.PermissionDenied):
                services.triage(tipoff, by=user, accept=True)
    with pytest.raises(services.PermissionDenied):
        services.triage(tipoff, by=other_county_officer, accept=True)
    services.triage(tipoff, by=county_officer, accept=True)
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ACCEPTED


def test_assign_refuses_a_department_outside_the_region(
    jurisdiction, county_officer, other_county_officer
):
    from phaseout.regions.models import Department

    north = Department.objects.get(region=jurisdiction["north"])
    tipoff = receive(jurisdiction["east"]).tipoff
    services.triage(tipoff, by=county_officer, accept=True)
    with pytest.raises(services.ValidationError) as error:
        services.assign(tipoff, by=county_officer, department=north)
    assert "department" in error.value.message_dict


def test_hotline_only_for_officers_in_their_region(
    jurisdiction, county_officer, enterprise_user, city_leader
):
    kwargs = {"channel": "hotline", "enterprise_name": "甲厂", "description": "立窑"}
    with pytest.raises(services.PermissionDenied):
        services.receive(by=county_officer, region=jurisdiction["north"], **kwargs)
    for user in (enterprise_user, city_leader):
        with pytest.raises(services.PermissionDenied):
            services.receive(by=user, region=jurisdiction["east"], **kwargs)
    c = login(Client(), enterprise_user)
    assert c.get("/tipoffs/hotline/").status_code == 403


def test_api_hotline_and_acts_name_fields_in_chinese(client, jurisdiction, county_officer):
    c = login(client, county_officer)
    r = c.post("/api/tipoffs/hotline/", {"region": "990102"}, content_type="application/json")
    assert r.status_code == 400
    assert set(r.json()) >= {"enterprise_name", "description"}
    r = c.post(
        "/api/tipoffs/hotline/",
        {
            "region": "990102",
            "enterprise_name": "甲厂",
            "description": "立窑",
            "anonymous": False,
            "name": "来电人",
            "phone": "abc",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json() == {"phone": ["电话号码格式不正确。"]}
    r = c.post(
        "/api/tipoffs/hotline/",
        {"region": "990102", "enterprise_name": "甲厂", "description": "立窑"},
        content_type="application/json",
    )
    assert r.status_code == 201
    body = r.json()
    assert len(body["tracking_code"]) == 19
    assert "name" not in body["tipoff"] and "reporter_name_token" not in body["tipoff"]
    pk = body["tipoff"]["id"]
    r = c.post(
        f"/api/tipoffs/{pk}/triage/", {"decision": "reject"}, content_type="application/json"
    )
    assert r.status_code == 400 and "reason" in r.json()
    r = c.post(
        f"/api/tipoffs/{pk}/triage/",
        {"decision": "reject", "reason": "out_of_scope", "note": "不属于"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    r = c.post(f"/api/tipoffs/{pk}/assign/", {"department": 1}, content_type="application/json")
    assert r.status_code == 403


def test_public_api_status_and_outcomes(client, jurisdiction):
    received = receive(jurisdiction["east"])
    r = client.post("/api/public/tipoff-status/", {"code": received.formatted_code})
    assert r.status_code == 200
    assert r.json()["state_label"] == "已收到，等待受理" and r.json()["outcome"] is None
    r = client.post("/api/public/tipoff-status/", {"code": "2222-2222-2222-2222"})
    assert r.status_code == 400 and "code" in r.json()
    assert client.get("/api/public/tipoff-outcomes/").json()["count"] == 0
