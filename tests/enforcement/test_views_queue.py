"""工作台: what awaits each person, deadlines in 30 days, overdue cases, reminders marked read."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaseout.enforcement import services, worklist
from phaseout.enforcement.choices import CaseState, DueKind
from phaseout.enforcement.models import Case, Notification
from phaseout.registry.models import ProductionLine
from tests.conftest import login

from .conftest import open_case

QUEUE = reverse("enforcement:queue")
S = CaseState


def section(text: str, table_id: str) -> str:
    start = text.index(f'id="{table_id}"')
    return text[start : text.index("</table>", start)]


def make_line(enterprise, code):
    return ProductionLine.objects.create(
        enterprise=enterprise,
        code=code,
        equipment_type="cement_kiln",
        capacity=1000,
        capacity_unit="t/d",
        commissioning_year=2004,
    )


def put(case, **fields):
    """Place a case in a state directly (the queue only reads; the procedure is tested elsewhere)."""
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def test_the_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(QUEUE).status_code == 302


def test_the_officer_s_queue(client, county_officer, rectifying, east_enterprise):
    opened = open_case(county_officer, east_enterprise, line=make_line(east_enterprise, "YL-2"))
    soon = put(
        open_case(county_officer, east_enterprise, line=make_line(east_enterprise, "YL-3")),
        state=S.RECTIFYING,
        due_on=datetime.date(2026, 3, 20),
        due_kind=DueKind.RECTIFICATION,
        due_explanation="送达 2025-09-19，6个月，届满 2026-03-19（星期四）",
    )
    text = login(client, county_officer).get(QUEUE).text
    awaiting = section(text, "awaiting")
    assert opened.number in awaiting and "下达整改决定" in awaiting
    assert rectifying.number not in awaiting and soon.number not in awaiting
    assert soon.number in section(text, "soon")
    assert rectifying.number not in section(text, "soon")
    # The clock is 2026-03-02; the notice's period ended on 2026-02-28 (the sweep has not run).
    assert rectifying.number in section(text, "overdue")
    assert soon.number not in section(text, "overdue")


def test_another_county_s_officer_sees_nothing_of_it(client, other_county_officer, rectifying):
    text = login(client, other_county_officer).get(QUEUE).text
    assert rectifying.number not in text


def test_a_department_sees_its_own_dimensions(client, environment_officer, energy_case):
    text = login(client, environment_officer).get(QUEUE).text
    assert energy_case.number not in text


def test_the_leader_sees_the_approval_requests_in_their_region(
    client, environment_officer, county_leader, city_leader, other_county_officer, east_enterprise
):
    case = put(
        open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT"),
        state=S.APPROVAL_REQUESTED,
        approval_region=east_enterprise.region,
    )
    for leader in (county_leader, city_leader):
        text = login(client, leader).get(QUEUE).text
        assert "待审批的请示" in text and case.number in section(text, "awaiting")
    put(case, approval_region=east_enterprise.region.parent)
    assert case.number not in section(login(client, county_leader).get(QUEUE).text, "awaiting")
    assert case.number in section(login(client, city_leader).get(QUEUE).text, "awaiting")


def test_the_enterprise_s_queue(client, enterprise_user, county_officer, rectifying):
    put(rectifying, state=S.EXIT_ORDERED)
    text = login(client, enterprise_user).get(QUEUE).text
    assert rectifying.number in section(text, "awaiting") and "签署公开承诺" in text
    services.sign_commitment(rectifying, by=enterprise_user, text="不再恢复生产")
    text = client.get(QUEUE).text
    assert rectifying.number not in section(text, "awaiting")


def test_the_power_supplier_sees_the_cuts_it_owes(
    client, power_officer, county_officer, rectifying
):
    put(rectifying, state=S.EXIT_ORDERED)
    text = login(client, power_officer).get(QUEUE).text
    assert rectifying.number in section(text, "awaiting")
    services.record_measure(
        rectifying, by=power_officer, kind="power_cut", executed_on=datetime.date(2026, 3, 2)
    )
    assert rectifying.number not in section(client.get(QUEUE).text, "awaiting")


def test_reminders_are_marked_read_by_their_owner_only(
    client, county_officer, enterprise_user, rectifying
):
    mine = Notification.objects.create(
        user=county_officer,
        case=rectifying,
        due_on=rectifying.due_on,
        days_before=7,
        message="整改期限 2026-02-28 届满（还有7天）",
    )
    theirs = Notification.objects.create(
        user=enterprise_user, case=rectifying, due_on=rectifying.due_on, days_before=7, message="x"
    )
    login(client, county_officer)
    assert "整改期限 2026-02-28 届满（还有7天）" in client.get(QUEUE).text
    url = reverse("enforcement:notification-read", args=[theirs.pk])
    assert client.post(url).status_code == 404
    response = client.post(reverse("enforcement:notification-read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert "还有7天" not in client.get(QUEUE).text
    login(client, enterprise_user).post(reverse("enforcement:notifications-read"))
    theirs.refresh_from_db()
    assert theirs.read_at is not None
    assert client.get(reverse("enforcement:notifications-read")).status_code == 405


def _cases(officer, enterprise, start, n):
    for i in range(start, start + n):
        case = open_case(officer, enterprise, line=make_line(enterprise, f"K{i}"))
        put(
            case,
            state=[S.OPENED, S.RECTIFYING, S.EXTENSION_REQUESTED, S.OVERDUE][i % 4],
            due_on=datetime.date(2026, 2, 20) + datetime.timedelta(days=i),
            due_kind=DueKind.RECTIFICATION,
        )
        Notification.objects.create(
            user=officer, case=case, due_on=case.due_on, days_before=7, message=f"提醒{i}"
        )


def test_the_queue_runs_the_same_queries_for_few_and_many(
    client, county_officer, east_enterprise, django_assert_max_num_queries
):
    login(client, county_officer)
    _cases(county_officer, east_enterprise, 0, 4)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    _cases(county_officer, east_enterprise, 10, 24)
    with django_assert_max_num_queries(len(few)):
        text = client.get(QUEUE).text
    assert "提醒33" in text


# — the queue's filter agrees with available_actions —

PEOPLE = [
    "county_officer",
    "other_county_officer",
    "environment_officer",
    "power_officer",
    "water_officer",
    "enterprise_user",
    "county_leader",
    "city_leader",
    "city_auditor",
]


def test_awaiting_agrees_with_available_actions(
    request, county_officer, environment_officer, east_enterprise, jurisdiction
):
    cases = []
    situations = [{"state": state} for state in S.values]
    situations.append({"state": S.RECTIFYING, "reinspection_failed": True})
    for i, fields in enumerate(situations):
        line = make_line(east_enterprise, f"Q{i}")
        for dimension, officer in (
            ("ENERGY", county_officer),
            ("ENVIRONMENT", environment_officer),
        ):
            case = open_case(officer, east_enterprise, dimension=dimension, line=line)
            if fields["state"] == S.APPROVAL_REQUESTED:
                fields = {**fields, "approval_region": jurisdiction["east"]}
            cases.append(put(case, **fields))
    for name in PEOPLE:
        user = request.getfixturevalue(name)
        queued = set(worklist.awaiting(user).values_list("pk", flat=True))
        for case in cases:
            offered = set(services.available_actions(case, user)) & worklist.acting_for(user)
            assert (case.pk in queued) is bool(offered), (name, case.dimension, case.state, offered)


@pytest.mark.parametrize("who", ["city_auditor", "city_leader"])
def test_readers_see_deadlines_and_overdue_cases(request, client, who, rectifying):
    text = login(client, request.getfixturevalue(who)).get(QUEUE).text
    assert rectifying.number in section(text, "overdue")
    # Every deadline shown says how it was computed.
    assert "送达 2025-08-31，6个月，届满 2026-02-28" in section(text, "overdue")


def test_the_enterprise_sees_its_own_deadlines_only(
    client, enterprise_user, rectifying, other_county_officer, north_enterprise
):
    north = put(
        open_case(other_county_officer, north_enterprise),
        state=S.RECTIFYING,
        due_on=datetime.date(2026, 2, 1),
        due_kind=DueKind.RECTIFICATION,
    )
    text = login(client, enterprise_user).get(QUEUE).text
    assert rectifying.number in section(text, "overdue")
    assert north.number not in text
    assert "本企业全部案件" in text and "立案" not in text.split("</nav>", 1)[1].split("<h1")[0]


def test_a_long_list_links_to_the_case_list(client, county_officer, east_enterprise, monkeypatch):
    from phaseout.enforcement.views import queue

    monkeypatch.setattr(queue, "LIMIT", 2)
    _cases(county_officer, east_enterprise, 0, 8)
    text = login(client, county_officer).get(QUEUE).text
    assert f'href="{reverse("enforcement:case-list")}?overdue=true"' in text
    assert "只列出前 2 件" in text
