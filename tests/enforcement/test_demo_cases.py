"""`phaseout demo`'s enforcement desk: each scripted case opened from the 2025 campaign's finding by
the officer who owns it, in its state on the day of loading, its file's chain intact, and a second
load that changes nothing.

The demo is loaded once for this module, on 2026-03-02 (the clock of conftest.py), inside a
transaction rolled back at its end, as in tests/core/test_demo.py.
"""

from __future__ import annotations

import datetime
import io
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from phaseout.enforcement import demo, procedures, services
from phaseout.enforcement.chain import verify
from phaseout.enforcement.choices import (
    CaseState,
    DocumentKind,
    DueKind,
    EventKind,
    MeasureKind,
    OrderKind,
)
from phaseout.enforcement.deadlines import add_months, due_date
from phaseout.enforcement.models import (
    Case,
    CaseEvent,
    Document,
    Evidence,
    Measure,
    Notification,
)
from phaseout.regions.models import Person
from phaseout.registry.choices import EnterpriseStatus, LineStatus
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening.models import Measurement

from .conftest import TODAY

S = CaseState
NOON = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, media_root):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with (
            override_settings(DEBUG=True, MEDIA_ROOT=media_root),
            time_machine.travel(NOON, tick=False),
        ):
            out = StringIO()
            call_command("demo", stdout=out)
    try:
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def media(media_root, settings):
    """The files the module's demo wrote (in place of conftest's directory per test)."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture
def output(loaded, db):
    return loaded


def case_of(enterprise: str, line: str | None, dimension: str) -> Case:
    cases = Case.objects.filter(enterprise__name=enterprise, dimension=dimension)
    return cases.get(line__code=line) if line else cases.get(line=None)


def user(username: str):
    return get_user_model().objects.get(username=username)


# (enterprise, line, dimension, rule, who opened it, state)
SCRIPTED = [
    (
        "城东区金盛水泥有限公司",
        "YL-1",
        "ENERGY",
        "gb16780-2021.clinker-energy",
        "east_officer",
        S.EXTENSION_REQUESTED,
    ),
    (
        "城东区华晨玻璃股份有限公司",
        "BL-1",
        "ENERGY",
        "gb21340-2019.flat-glass-energy-500-800",
        "east_officer",
        S.OVERDUE,
    ),
    (
        "北山县青峰建材有限公司",
        None,
        "SAFETY",
        "miit-2017-30.safety-conditions",
        "north_safety",
        S.RECTIFYING,
    ),
    (
        "北山县青峰建材有限公司",
        "LY-1",
        "TECHNOLOGY",
        "catalogue-carryover.cement-shaft-kiln",
        "north_officer",
        S.SEALED,
    ),
    (
        "北山县青峰建材有限公司",
        "FM-1",
        "TECHNOLOGY",
        "catalogue-carryover.cement-mill-3m",
        "north_officer",
        S.EXITED,
    ),
    (
        "南江市江源水泥有限公司",
        "YL-1",
        "ENVIRONMENT",
        "gb4915-2013.kiln-pm",
        "nanjiang_env",
        S.APPROVAL_REQUESTED,
    ),
    (
        "城西区永兴钢铁有限公司",
        None,
        "QUALITY",
        "miit-2017-30.quality-sampling",
        "west_market",
        S.RECTIFYING,
    ),
    (
        "城东区天润建材有限公司",
        None,
        "ENVIRONMENT",
        "discharge-permit-2021.permit-held",
        "east_env",
        S.RECTIFYING,
    ),
    (
        "城东区天润金属制品有限公司",
        None,
        "QUALITY",
        "production-licence-2005.steel-bars",
        "east_market",
        S.OPENED,
    ),
]


@pytest.mark.parametrize("enterprise, line, dimension, rule, officer, state", SCRIPTED)
def test_each_case_is_opened_from_its_finding_and_in_its_state(
    output, enterprise, line, dimension, rule, officer, state
):
    case = case_of(enterprise, line, dimension)
    assert case.state == state
    assert case.opened_by.username == officer
    assert case.department == Person.objects.get(user=case.opened_by).department
    [finding] = case.findings.all()
    assert finding.rule_id == rule and finding.enterprise_id == case.enterprise_id
    assert finding.line_id == case.line_id
    # The facts are the finding's, as the case's documents quote them.
    assert finding.reference in case.facts


def test_the_report_counts_the_cases(output):
    assert (
        "执法案件 9 件（本次新建 9 件）：已立案 1，限期整改中 3，延期申请待决定 1，逾期未整改 1，"
        "报请政府批准中 1，已封存待拆除 1，已退出 1。" in output
    )


def test_the_clinker_line_awaits_the_decision_on_its_extension(output):
    case = case_of("城东区金盛水泥有限公司", "YL-1", "ENERGY")
    assert case.served_on == datetime.date(2025, 9, 18)  # six months less sixteen days ago
    assert case.due_on == datetime.date(2026, 3, 18) and case.due_kind == DueKind.EXTENSION_DECISION
    assert TODAY < case.due_on <= TODAY + datetime.timedelta(days=30)
    assert case.extension_requested_on == TODAY and case.extension_months_requested == 3
    request = case.events.get(to_state=S.EXTENSION_REQUESTED)
    assert request.actor.username == "east_cement_user"
    assert case.evidence.get().uploaded_by.username == "east_cement_user"
    assert case.events.filter(kind=EventKind.COMMENT, actor__username="east_officer").exists()
    assert "decide_extension" in services.available_actions(case, user("east_officer"))
    # The sweep reminded the officer and the enterprise of the deadline.
    assert set(Notification.objects.filter(case=case).values_list("user__username", flat=True)) == {
        "east_officer",
        "east_cement_user",
    }


def test_the_glass_line_was_found_overdue_by_the_sweep(output):
    case = case_of("城东区华晨玻璃股份有限公司", "BL-1", "ENERGY")
    assert case.served_on < add_months(TODAY, -6)
    assert case.due_on < TODAY and case.overdue_since == TODAY
    swept = case.events.get(kind=EventKind.DEADLINE)
    assert swept.actor is None and swept.from_state == S.RECTIFYING and swept.to_state == S.OVERDUE
    assert "order_exit" in services.available_actions(case, user("east_officer"))


def test_the_safety_suspension_holds_the_whole_enterprise(output):
    case = case_of("北山县青峰建材有限公司", None, "SAFETY")
    assert case.order_kind == OrderKind.SUSPEND_OPERATIONS and case.due_on is None
    assert case.measures.get().kind == MeasureKind.SUSPENSION
    assert case.enterprise.status == EnterpriseStatus.SUSPENDED
    assert case.documents.get().kind == DocumentKind.SUSPENSION_ORDER


def test_the_shaft_kiln_is_sealed_with_every_measure_and_a_dismantling_deadline(output):
    case = case_of("北山县青峰建材有限公司", "LY-1", "TECHNOLOGY")
    assert case.due_kind == DueKind.DISMANTLING and case.due_on == datetime.date(2026, 6, 2)
    needed = procedures.exit_params()["technology_sealing_measures"]
    measures = {m.kind: m for m in case.measures.filter(lifted_on=None)}
    assert set(measures) == set(needed)
    assert measures[MeasureKind.POWER_CUT].recorded_by.username == "north_power"
    assert measures[MeasureKind.POWER_CUT].executor_name == "国网北山县供电公司"
    assert measures[MeasureKind.WATER_CUT].recorded_by.username == "north_water"
    assert measures[MeasureKind.COMMITMENT].recorded_by.username == "north_cement_user"
    assert measures[MeasureKind.SEALED].evidence.content_type == "image/png"
    assert case.documents.filter(kind=DocumentKind.ANNOUNCEMENT).exists()
    assert case.line.status == LineStatus.SEALED


def test_the_mill_is_dismantled_and_its_capacity_counts_this_year(output):
    case = case_of("北山县青峰建材有限公司", "FM-1", "TECHNOLOGY")
    assert case.exited_on == TODAY
    assert (case.exit_capacity, case.exit_capacity_unit) == (8, "10kt/a")
    assert case.due_kind == DueKind.FOLLOW_UP
    assert case.due_on == due_date(TODAY, 6).due
    assert case.line.status == LineStatus.EXITED
    dismantled = case.measures.get(kind=MeasureKind.DISMANTLED)
    assert dismantled.evidence.name == "水泥磨拆除现场.png"
    assert case.evidence.filter(kind="acceptance").get().content_type == "application/pdf"
    assert "record_follow_up" in services.available_actions(case, user("north_officer"))


def test_the_wet_kiln_awaits_the_county_government(output):
    case = case_of("南江市江源水泥有限公司", "YL-1", "ENVIRONMENT")
    assert case.order_kind == OrderKind.RESTRICT and case.serious and case.reinspection_failed
    assert case.approval_region.name == "南江市"
    assert case.line.status == LineStatus.RESTRICTED
    request = case.documents.get(kind=DocumentKind.APPROVAL_REQUEST)
    assert request.context["addressee"] == "南江市人民政府"
    assert "decide_approval" in services.available_actions(case, user("nanjiang_leader"))
    assert "decide_approval" in services.available_actions(case, user("city_leader"))
    with pytest.raises(PermissionDenied):
        services.require_approver(user("east_leader"), case)


def test_the_quality_suspension_runs_six_months(output):
    case = case_of("城西区永兴钢铁有限公司", None, "QUALITY")
    assert case.order_kind == OrderKind.SUSPEND_RECTIFY and case.period_months == 6
    assert case.served_on == datetime.date(2026, 2, 10)
    assert case.due_on == due_date(case.served_on, 6).due
    assert case.enterprise.status == EnterpriseStatus.SUSPENDED
    assert set(case.enterprise.lines.values_list("status", flat=True)) == {LineStatus.SUSPENDED}


def test_every_case_file_holds(output):
    cases = list(Case.objects.all())
    assert len(cases) == len(SCRIPTED)
    for case in cases:
        result = verify(case)
        assert result.ok, (case.number, result)
        assert result.events == case.event_count


def test_evidence_files_are_what_they_say(output):
    assert Evidence.objects.count() == 6
    for evidence in Evidence.objects.all():
        content = evidence.file.read()
        evidence.file.close()
        assert len(content) == evidence.size
        if evidence.content_type == "image/png":
            assert content.startswith(b"\x89PNG\r\n\x1a\n") and content.endswith(b"IEND\xaeB`\x82")
        else:
            assert evidence.content_type == "application/pdf"
            assert "Demo evidence" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_the_new_people_log_in_and_act_where_they_may(output, client):
    for username in ("east_env", "east_power", "east_leader", "north_safety", "nanjiang_leader"):
        response = client.post(
            reverse("login"), {"username": username, "password": "phaseout-demo-2026"}
        )
        assert response.status_code == 302, username
        client.logout()
    kiln = case_of("北山县青峰建材有限公司", "LY-1", "TECHNOLOGY")
    # 城东区's power supplier does not act in 北山县.
    assert "record_measure" not in services.available_actions(kiln, user("east_power"))


def snapshot() -> dict:
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "events": list(CaseEvent.objects.order_by("pk").values()),
        "measures": list(Measure.objects.order_by("pk").values()),
        "evidence": list(Evidence.objects.order_by("pk").values()),
        "documents": list(Document.objects.order_by("pk").values()),
        "notifications": list(Notification.objects.order_by("pk").values()),
        "lines": list(ProductionLine.objects.order_by("pk").values_list("pk", "status")),
        "enterprises": list(Enterprise.objects.order_by("pk").values_list("pk", "status")),
        "readings": list(Measurement.objects.order_by("pk").values_list("pk", "value", "date")),
    }


def test_a_second_load_changes_nothing(output, settings):
    before = snapshot()
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", stdout=out)
    assert snapshot() == before
    assert "执法案件 9 件（本次新建 0 件）" in out.getvalue()
    assert "生产线 604（新增 0，更新 0）" in out.getvalue()


# — the dates, whatever the day of loading —


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(datetime.date(2024, 1, 1), datetime.date(2030, 12, 31)))
def test_the_extension_case_is_due_within_the_month_and_the_overdue_one_has_run_out(today):
    extension = due_date(demo.extension_served_on(today), 6).due
    assert today < extension <= today + datetime.timedelta(days=30)
    assert due_date(demo.overdue_served_on(today), 6).due < today


def test_the_city_publishes_its_five_lists_from_the_cases(output, client):
    """disclosure/demo.py: each list prepared by one officer, reviewed and published by another,
    and its entries the demo cases the list's definition takes at the day of loading."""
    from phaseout.disclosure.choices import ListKind, SnapshotStatus
    from phaseout.disclosure.models import ListSnapshot

    lists = {s.kind: s for s in ListSnapshot.objects.all()}
    assert set(lists) == set(ListKind.values)
    for snapshot in lists.values():
        assert snapshot.status == SnapshotStatus.PUBLISHED and snapshot.number in output
        assert snapshot.prepared_by != snapshot.reviewed_by

    def named(kind):
        return sorted(lists[kind].entries.values_list("enterprise_name", "dimension"))

    assert ("城东区金盛水泥有限公司", "ENERGY") in named(ListKind.YELLOW)
    assert ("北山县青峰建材有限公司", "SAFETY") in named(ListKind.YELLOW)
    assert named(ListKind.ENV_SERIOUS) == [("南江市江源水泥有限公司", "ENVIRONMENT")]
    assert named(ListKind.ANNUAL_EXIT) == [("北山县青峰建材有限公司", "TECHNOLOGY")]
    page = client.get(reverse("public:index")).text
    assert lists[ListKind.YELLOW].number in page
