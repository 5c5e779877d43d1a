"""The acts on a case through its page: each calls its service; a refusal never loses input."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.enforcement import services
from phaseout.enforcement.choices import CaseState, MeasureKind
from phaseout.enforcement.models import Case, Evidence, Measure
from tests.conftest import login

from .conftest import PDF, PNG, at, open_case
from .pages import act, action_url, detail

S = CaseState


def test_serving_the_notice(client, county_officer, energy_case):
    with at("2025-09-01"):
        response = act(
            login(client, county_officer),
            energy_case,
            "serve_order",
            served_on="2025-08-31",
            order_kind="rectify",
            months=6,
        )
        assert response.status_code == 302 and response.url == detail(energy_case)
        page = client.get(detail(energy_case)).text
    energy_case.refresh_from_db()
    assert energy_case.state == S.RECTIFYING and energy_case.due_on == datetime.date(2026, 2, 28)
    assert "已办理“下达整改决定”" in page
    assert "限期整改通知书" in page


def test_extension_applied_for_by_the_enterprise_and_decided_by_the_officer(
    client, enterprise_user, county_officer, rectifying
):
    with at("2026-01-10"):
        response = act(
            login(client, enterprise_user),
            rectifying,
            "request_extension",
            months=2,
            reason="余热发电设备到货延迟",
        )
        assert response.status_code == 302
        rectifying.refresh_from_db()
        assert rectifying.state == S.EXTENSION_REQUESTED
        page = client.get(detail(rectifying)).text
        assert "申请延期 2 个月" in page and "待决定" in page
        response = act(
            login(client, county_officer),
            rectifying,
            "decide_extension",
            grant="1",
            reason="理由充分",
            decided_on="2026-01-10",
        )
    assert response.status_code == 302
    rectifying.refresh_from_db()
    assert rectifying.state == S.RECTIFYING and rectifying.extension_granted_months == 2
    assert rectifying.due_on == datetime.date(2026, 4, 28)


def test_a_stale_version_says_the_case_changed_and_keeps_the_input(
    client, enterprise_user, county_officer, rectifying
):
    seen = rectifying.version
    with at("2026-01-10"):
        services.add_comment(rectifying, by=county_officer, text="已现场核查")
        response = act(
            login(client, enterprise_user),
            rectifying,
            "request_extension",
            version=seen,
            months=2,
            reason="余热发电设备到货延迟",
        )
    assert response.status_code == 409
    text = response.text
    assert "案件已被他人更新，请刷新后重新操作；您填写的内容未丢失。" in text
    assert "余热发电设备到货延迟" in text  # the reason typed
    assert 'name="months" value="2"' in text
    # The form now carries the current version, so sending it again is a deliberate act.
    assert f'name="version" value="{seen + 1}"' in text
    assert "已现场核查" in text  # and the page shows what changed meanwhile
    rectifying.refresh_from_db()
    assert rectifying.state == S.RECTIFYING and rectifying.extension_requested_on is None


def test_a_refusal_of_the_procedure_shows_why(client, enterprise_user, rectifying):
    # The clock is 2026-03-02: the period ended on 2026-02-28.
    response = act(
        login(client, enterprise_user), rectifying, "request_extension", months=1, reason="来不及"
    )
    assert response.status_code == 409
    assert "整改期限已于 2026-02-28 届满，延期须在期限届满前申请。" in response.text
    assert "来不及" in response.text


def test_invalid_input_comes_back_on_the_form(client, enterprise_user, rectifying):
    with at("2026-01-10"):
        response = act(
            login(client, enterprise_user),
            rectifying,
            "request_extension",
            months=5,
            reason="设备延迟",
        )
        assert response.status_code == 400
        assert "延期不超过3个月" in response.text and "设备延迟" in response.text
        missing = act(client, rectifying, "request_extension", months="", reason="")
        assert missing.status_code == 400
        assert "该字段是必填项" in missing.text


def test_an_act_the_person_may_not_do_is_forbidden(
    client, enterprise_user, power_officer, other_county_officer, energy_case
):
    data = {"served_on": "2026-03-01", "order_kind": "rectify", "months": 6}
    response = act(login(client, enterprise_user), energy_case, "serve_order", **data)
    assert response.status_code == 403
    assert "只有主管部门的经办人员可以办理案件" in response.text
    assert act(login(client, power_officer), energy_case, "serve_order", **data).status_code == 403
    assert (
        act(login(client, other_county_officer), energy_case, "serve_order", **data).status_code
        == 404
    )
    energy_case.refresh_from_db()
    assert energy_case.state == S.OPENED


def test_unknown_acts_and_gets(client, county_officer, energy_case):
    login(client, county_officer)
    assert act(client, energy_case, "delete_everything").status_code == 404
    assert client.get(action_url(energy_case, "add_comment")).status_code == 405


def test_anonymous_posts_are_sent_to_log_in(client, energy_case):
    response = client.post(action_url(energy_case, "add_comment"), {"text": "x", "version": 1})
    assert response.status_code == 302


def test_evidence_uploaded_by_the_enterprise(client, enterprise_user, rectifying):
    login(client, enterprise_user)
    rectifying.refresh_from_db()
    response = client.post(
        action_url(rectifying, "add_evidence"),
        {
            "version": rectifying.version,
            "kind": "rectification",
            "description": "改造现场照片",
            "file": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(case=rectifying)
    assert evidence.description == "改造现场照片" and evidence.uploaded_by == enterprise_user
    bad = client.post(
        action_url(rectifying, "add_evidence"),
        {
            "version": rectifying.version + 1,
            "kind": "rectification",
            "description": "网页",
            "file": SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf"),
        },
    )
    assert bad.status_code == 400
    assert "只接受 PDF、JPEG、PNG 文件" in bad.text and "请重新选择" in bad.text


def test_a_comment(client, county_officer, energy_case):
    response = act(login(client, county_officer), energy_case, "add_comment", text="已约谈企业")
    assert response.status_code == 302
    assert "已约谈企业" in client.get(detail(energy_case)).text


def test_the_way_to_exit_through_the_pages(
    client, county_officer, power_officer, water_officer, enterprise_user, rectifying, line
):
    with at("2026-03-05"):
        login(client, county_officer)
        assert (
            act(
                client,
                rectifying,
                "record_reinspection",
                inspected_on="2026-03-05",
                compliant="0",
                notes="熟料综合能耗仍为 121 kgce/t",
            ).status_code
            == 302
        )
        response = act(client, rectifying, "order_exit", reason="经整改仍未达标", months=2)
        assert response.status_code == 302
        rectifying.refresh_from_db()
        assert rectifying.state == S.EXIT_ORDERED
        # The enterprise signs its commitment; each utility records its own cut.
        assert (
            act(
                login(client, enterprise_user), rectifying, "sign_commitment", text="不再恢复生产"
            ).status_code
            == 302
        )
        for who, kind in (
            (power_officer, MeasureKind.POWER_CUT),
            (water_officer, MeasureKind.WATER_CUT),
            (county_officer, MeasureKind.POWER_DEVICES_REMOVED),
            (county_officer, MeasureKind.SEALED),
        ):
            response = act(
                login(client, who),
                rectifying,
                "record_measure",
                kind=kind,
                executed_on="2026-03-05",
            )
            assert response.status_code == 302, response.text
        refused = act(
            login(client, county_officer),
            rectifying,
            "record_measure",
            kind=MeasureKind.POWER_CUT,
            executed_on="2026-03-05",
        )
        assert refused.status_code == 403 and "供电企业" in refused.text
        assert act(client, rectifying, "confirm_sealed").status_code == 302
        rectifying.refresh_from_db()
        response = client.post(
            action_url(rectifying, "accept_exit"),
            {
                "version": rectifying.version,
                "accepted_on": "2026-03-05",
                "notes": "已断电断水、封存",
                "file": SimpleUploadedFile("验收意见表.pdf", PDF, content_type="application/pdf"),
            },
        )
        assert response.status_code == 302
    rectifying.refresh_from_db()
    assert rectifying.state == S.EXITED and rectifying.exit_capacity == 2500
    page = client.get(detail(rectifying)).text
    assert "已退出" in page and "案卷完整性校验通过" in page
    assert 'id="act-record_follow_up"' in page


def test_a_measure_is_lifted_with_a_reason(
    client, county_officer, environment_officer, east_enterprise
):
    case = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    with at("2026-03-01"):
        case = services.serve_order(
            case, by=environment_officer, served_on=datetime.date(2026, 3, 1), order_kind="restrict"
        )
    measure = Measure.objects.get(case=case, kind=MeasureKind.RESTRICTION)
    url = reverse("enforcement:measure-lift", args=[case.pk, measure.pk])
    login(client, environment_officer)
    page = client.get(detail(case)).text
    assert url in page
    missing = client.post(url, {"version": case.version, "reason": "", "lifted_on": "2026-03-02"})
    assert missing.status_code == 400
    stale = client.post(
        url, {"version": case.version - 1, "reason": "已整改", "lifted_on": "2026-03-02"}
    )
    assert stale.status_code == 409 and "已被他人更新" in stale.text and "已整改" in stale.text
    response = client.post(
        url, {"version": case.version, "reason": "已整改", "lifted_on": "2026-03-02"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.lifted_on == datetime.date(2026, 3, 2) and measure.lift_reason == "已整改"
    # Only the officers of the case may lift; others do not even see the form.
    assert url not in login(client, county_officer).get(detail(case)).text
    assert client.post(url, {"version": 0, "reason": "x"}).status_code in (400, 403)


def test_an_approval_request_decided_by_the_leader(
    client, environment_officer, county_leader, city_leader, east_enterprise
):
    case = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    with at("2026-01-05"):
        case = services.serve_order(
            case, by=environment_officer, served_on=datetime.date(2026, 1, 5), order_kind="restrict"
        )
    with at("2026-03-02"):
        case = services.record_reinspection(
            case,
            by=environment_officer,
            inspected_on=datetime.date(2026, 3, 2),
            compliant=False,
            notes="颗粒物仍超标",
            serious=True,
        )
        response = act(
            login(client, environment_officer),
            case,
            "request_approval",
            government=case.region_id,
            reason="情节严重",
            serious="on",
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.state == S.APPROVAL_REQUESTED
        page = login(client, county_leader).get(detail(case)).text
        assert 'id="act-decide_approval"' in page
        response = act(
            client, case, "decide_approval", approve="1", reason="同意", exit_kind="close"
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == S.EXIT_ORDERED


def test_withdrawing_a_case(client, county_officer, energy_case):
    response = act(
        login(client, county_officer), energy_case, "withdraw", reason="企业已于立案前关停"
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=energy_case.pk).state == S.WITHDRAWN


@pytest.mark.parametrize("action", ["serve_order", "order_exit"])
def test_a_refusal_on_a_form_not_offered_still_says_why(client, county_officer, rectifying, action):
    with at("2026-01-10"):
        response = act(
            login(client, county_officer),
            rectifying,
            action,
            served_on="2026-01-10",
            order_kind="rectify",
            reason="想关",
        )
    assert response.status_code == 409
    assert "限期整改中" in response.text or "未届满" in response.text
