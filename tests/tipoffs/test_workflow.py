"""A tip-off from the public form (and from the hotline) to its published outcome, through the
pages a person uses."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from phaseout.enforcement.models import Case
from phaseout.tipoffs import services
from phaseout.tipoffs.choices import Channel, EventKind, TipoffState
from phaseout.tipoffs.models import Tipoff
from tests.conftest import login
from tests.tipoffs.conftest import submit_public, tracking_code

pytestmark = pytest.mark.django_db


def status_page(client, code):
    return client.post("/public/tipoffs/status/", {"code": code})


def test_public_tipoff_from_submission_to_published_outcome(
    client,
    jurisdiction,
    east_enterprise,
    county_officer,
    handler,
    colleague,
    env_department,
    django_capture_on_commit_callbacks,
):
    east = jurisdiction["east"]
    response = submit_public(client, east)
    assert response.status_code == 200
    page = response.content.decode()
    assert "只显示这一次" in page
    code = tracking_code(page)
    tipoff = Tipoff.objects.get()
    assert tipoff.state == TipoffState.RECEIVED and tipoff.channel == Channel.WEB
    assert code.replace("-", "") not in tipoff.tracking_hash  # only a keyed hash is stored
    assert response["Cache-Control"].startswith("max-age=0")

    # The sender follows it: received, waiting.
    status = status_page(client, code.lower().replace("-", " "))
    assert status.status_code == 200
    assert "已收到，等待受理" in status.content.decode()

    officer = login(client.__class__(), county_officer)
    queue = officer.get("/tipoffs/")
    assert tipoff.number in queue.content.decode()
    detail = officer.get(f"/tipoffs/{tipoff.pk}/")
    assert "受理审查" in detail.content.decode()

    r = officer.post(
        f"/tipoffs/{tipoff.pk}/triage/",
        {
            "decision": "accept",
            "note": "属于淘汰类装备",
            "credit_code": east_enterprise.credit_code,
        },
    )
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ACCEPTED
    assert tipoff.enterprise == east_enterprise
    assert tipoff.accepted_on == datetime.date(2026, 3, 2)

    with django_capture_on_commit_callbacks(execute=True):
        r = officer.post(
            f"/tipoffs/{tipoff.pk}/assign/",
            {"department": env_department.pk, "handlers": [handler.pk], "dimension": "ENVIRONMENT"},
        )
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ASSIGNED
    assert list(tipoff.handlers.all()) == [handler]
    assert [m.to for m in mail.outbox] == [["handler@example.gov"]]

    h = login(client.__class__(), handler)
    assert tipoff.number in h.get("/tipoffs/").content.decode()
    r = h.post(f"/tipoffs/{tipoff.pk}/verification/", {"task": "现场核查立窑是否仍在生产"})
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    # 15 working days from Monday 2026-03-02 (not counted): 2026-03-23.
    assert tipoff.due_on == datetime.date(2026, 3, 23)
    assert "受理之日（2026-03-02）起15个工作日" in tipoff.due_explanation
    assert "待核实" in tipoff.due_explanation
    assert tipoff.due_explanation in h.get(f"/tipoffs/{tipoff.pk}/").content.decode()

    status = status_page(client, code)
    assert "正在核查" in status.content.decode()

    r = h.post(
        f"/tipoffs/{tipoff.pk}/finding/",
        {
            "substantiated": "1",
            "text": "现场发现立窑一座仍在生产，颗粒物排放超标。",
            "open_case": "on",
            "dimension": "ENVIRONMENT",
        },
    )
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.VERIFIED and tipoff.substantiated is True
    case = Case.objects.get()
    assert tipoff.case == case
    assert case.enterprise == east_enterprise and case.dimension == "ENVIRONMENT"
    assert case.facts == "现场发现立窑一座仍在生产，颗粒物排放超标。"

    status = status_page(client, code)
    assert "核查完毕，结果待公布" in status.content.decode()

    r = h.post(
        f"/tipoffs/{tipoff.pk}/publish/",
        {
            "summary": "反映企业使用淘汰类立窑生产",
            "outcome": "经核查属实，已立案，责令停产整治。",
            "listed": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.CLOSED

    status = status_page(client, code).content.decode()
    assert "已办结" in status and "经核查属实，已立案，责令停产整治。" in status
    outcomes = client.get("/public/tipoffs/").content.decode()
    assert "反映企业使用淘汰类立窑生产" in outcomes
    assert "城东水泥有限公司" in outcomes

    kinds = list(tipoff.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == [
        EventKind.RECEIVED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.VERIFICATION,
        EventKind.FINDING,
        EventKind.PUBLISHED,
    ]


def test_hotline_entry_goes_through_the_same_service(
    client, jurisdiction, county_officer, handler, env_department
):
    officer = login(client, county_officer)
    assert officer.get("/tipoffs/hotline/").status_code == 200
    r = officer.post(
        "/tipoffs/hotline/",
        {
            "enterprise_name": "北关铸造厂",
            "region": jurisdiction["east"].pk,
            "description": "12345转来：中频炉生产建筑用钢。",
            "anonymous": "0",
            "name": "来电人甲",
            "phone": "13800000000",
            "email": "",
        },
    )
    assert r.status_code == 200, r.content.decode()
    code = tracking_code(r.content.decode())
    tipoff = Tipoff.objects.get()
    assert tipoff.channel == Channel.HOTLINE and tipoff.recorded_by == county_officer
    assert services.lookup(code) == tipoff
    event = tipoff.events.get()
    assert event.actor == county_officer and "热线" in event.summary
    # The caller's name is not on the officer's own confirmation page beyond the form.
    assert "来电人甲" not in r.content.decode()


def test_rejected_as_duplicate_with_a_published_reason(client, jurisdiction, county_officer):
    first = services.receive(
        region=jurisdiction["east"], enterprise_name="甲厂", description="立窑生产"
    ).tipoff
    second = services.receive(
        region=jurisdiction["east"], enterprise_name="甲厂", description="还是立窑"
    )
    officer = login(client, county_officer)
    r = officer.post(
        f"/tipoffs/{second.tipoff.pk}/triage/",
        {
            "decision": "reject",
            "reason": "duplicate",
            "duplicate_of": first.number,
            "note": "同一事项",
        },
    )
    assert r.status_code == 302, r.content.decode()
    t = Tipoff.objects.get(pk=second.tipoff.pk)
    assert t.state == TipoffState.REJECTED and t.duplicate_of == first
    r = officer.post(
        f"/tipoffs/{t.pk}/publish/",
        {"summary": "反映甲厂使用立窑", "outcome": "与已受理的举报为同一事项，合并办理。"},
    )
    assert r.status_code == 302
    page = client.post("/public/tipoffs/status/", {"code": second.code}).content.decode()
    assert "不予受理" in page and "合并办理" in page
    # Not listed unless asked.
    assert "反映甲厂使用立窑" not in client.get("/public/tipoffs/").content.decode()


def test_reject_needs_a_reason_named_in_the_form(client, jurisdiction, county_officer):
    tipoff = services.receive(
        region=jurisdiction["east"], enterprise_name="甲厂", description="立窑"
    ).tipoff
    officer = login(client, county_officer)
    r = officer.post(f"/tipoffs/{tipoff.pk}/triage/", {"decision": "reject", "note": "x"})
    assert r.status_code == 400
    assert "请选择不予受理的原因" in r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.RECEIVED


def test_queue_shows_due_soon_and_overdue(
    client, clock, jurisdiction, county_officer, handler, env_department
):
    tipoff = services.receive(
        region=jurisdiction["east"], enterprise_name="甲厂", description="立窑"
    ).tipoff
    services.triage(tipoff, by=county_officer, accept=True)
    services.assign(tipoff, by=county_officer, department=env_department, handlers=[handler])
    services.set_verification(tipoff, by=handler, task="核查", workdays=3)
    h = login(client, handler)
    page = h.get("/tipoffs/").content.decode()
    soon = page.split("5日内到期")[1].split("已逾期")[0]
    assert tipoff.number in soon
    clock.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC))
    page = h.get("/tipoffs/").content.decode()
    overdue = page.split("已逾期")[1].split("最近收到")[0]
    assert tipoff.number in overdue


def test_finding_links_an_existing_case(
    client, jurisdiction, east_enterprise, county_officer, handler, env_department
):
    from phaseout.enforcement import services as enforcement

    case = enforcement.open_case(
        by=handler, dimension="ENVIRONMENT", enterprise=east_enterprise, facts="颗粒物超标"
    )
    tipoff = services.receive(
        region=jurisdiction["east"], enterprise_name="城东水泥", description="冒黑烟"
    ).tipoff
    services.triage(tipoff, by=county_officer, accept=True, enterprise=east_enterprise)
    services.assign(tipoff, by=county_officer, department=env_department, handlers=[handler])
    h = login(client, handler)
    r = h.post(
        f"/tipoffs/{tipoff.pk}/finding/",
        {"substantiated": "1", "text": "属实，已在办", "case_number": "不存在的编号"},
    )
    assert r.status_code == 400 and "没有这个案件编号" in r.content.decode()
    r = h.post(
        f"/tipoffs/{tipoff.pk}/finding/",
        {"substantiated": "1", "text": "属实，已在办", "case_number": case.number},
    )
    assert r.status_code == 302, r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.case == case


def test_opening_a_case_outside_the_handlers_dimension_is_refused_in_words(
    client, jurisdiction, east_enterprise, county_officer, handler, env_department
):
    tipoff = services.receive(
        region=jurisdiction["east"], enterprise_name="城东水泥", description="能耗高"
    ).tipoff
    services.triage(tipoff, by=county_officer, accept=True, enterprise=east_enterprise)
    services.assign(tipoff, by=county_officer, department=env_department, handlers=[handler])
    h = login(client, handler)
    r = h.post(
        f"/tipoffs/{tipoff.pk}/finding/",
        {"substantiated": "1", "text": "属实", "open_case": "on", "dimension": "ENERGY"},
    )
    assert r.status_code == 403 and "不负责" in r.content.decode()
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ASSIGNED and not Case.objects.exists()


def test_finding_without_a_matched_enterprise_cannot_open_a_case(
    client, jurisdiction, county_officer, handler, env_department
):
    tipoff = services.receive(
        region=jurisdiction["east"], enterprise_name="无名厂", description="立窑"
    ).tipoff
    services.triage(tipoff, by=county_officer, accept=True)
    services.assign(tipoff, by=county_officer, department=env_department, handlers=[handler])
    r = login(client, handler).post(
        f"/api/tipoffs/{tipoff.pk}/finding/",
        {"substantiated": True, "text": "属实", "open_case": True, "dimension": "ENVIRONMENT"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json() == {"credit_code": ["请先关联台账企业。"]}
