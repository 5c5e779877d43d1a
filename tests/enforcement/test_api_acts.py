"""One POST per act: each dimension's procedure driven through the API, who may and who may not,
and the answers an act gives (the updated case, 201 for what it files, 409 saying why not)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from phaseout.enforcement.choices import MeasureKind
from phaseout.enforcement.models import Case, Measure
from phaseout.registry.choices import LicenseStatus, LineStatus
from tests.conftest import login

from .apihelpers import CASES, acts, post, url
from .conftest import PDF, PNG, open_case, pdf_upload, png_upload


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00+08:00"), tick=False)


def ok(response, code=200) -> dict:
    assert response.status_code == code, response.content.decode()
    return response.json()


def upload(client, case, tail, data):
    """A multipart POST (a file goes with it)."""
    return client.post(url(case, tail), data)


def test_an_officer_opens_a_case(client, county_officer, east_enterprise, line):
    body = ok(
        login(client, county_officer).post(
            CASES,
            {
                "dimension": "ENERGY",
                "enterprise": east_enterprise.pk,
                "line": line.pk,
                "facts": "熟料综合能耗 125 kgce/t",
            },
            content_type="application/json",
        ),
        201,
    )
    assert body["state"] == "opened" and body["number"] == "2026-990102-NH-0001"
    assert body["version"] == 1 and body["line_code"] == "YL-1"
    assert "serve_order" in acts(body)
    # The same subject and dimension again: the procedure says why not.
    again = client.post(
        CASES,
        {"dimension": "ENERGY", "enterprise": east_enterprise.pk, "line": line.pk, "facts": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "已有未结案件" in again.json()["detail"]


def test_a_case_opened_from_a_finding_states_its_facts(
    client, county_officer, environment_officer, finding, line
):
    data = {"dimension": "ENERGY", "enterprise": line.enterprise_id, "findings": [finding.pk]}
    body = ok(
        login(client, county_officer).post(
            CASES, {**data, "line": line.pk}, content_type="application/json"
        ),
        201,
    )
    assert body["findings"] == [finding.pk]
    assert "GB 16780-2021" in body["facts"] and "125" in body["facts"]
    # A finding of another dimension does not found an environment case.
    response = login(client, environment_officer).post(
        CASES, {**data, "dimension": "ENVIRONMENT"}, content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()) == {"findings"}


def test_a_finding_outside_the_scope_is_no_such_finding(
    client, other_county_officer, north_enterprise, finding
):
    response = login(client, other_county_officer).post(
        CASES,
        {"dimension": "ENERGY", "enterprise": north_enterprise.pk, "findings": [finding.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and set(response.json()) == {"findings"}
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("enterprise_user", 403),
        ("city_leader", 403),
        ("power_officer", 403),
        ("environment_officer", 403),  # energy is not theirs
        ("other_county_officer", 400),  # the enterprise is not in their scope: no such id
    ],
)
def test_who_may_not_open_an_energy_case(request, client, east_enterprise, who, status):
    response = login(client, request.getfixturevalue(who)).post(
        CASES,
        {"dimension": "ENERGY", "enterprise": east_enterprise.pk, "facts": "超限额"},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 400:
        assert set(response.json()) == {"enterprise"}
    assert not Case.objects.exists()


def test_energy_from_notice_to_exit_and_follow_up(
    client, energy_case, county_officer, enterprise_user, power_officer, water_officer, line
):
    with at("2025-09-01"):
        body = ok(
            post(
                login(client, county_officer),
                energy_case,
                "serve-order",
                {"served_on": "2025-08-31"},
            )
        )
    assert body["state"] == "rectifying" and body["due_on"] == "2026-02-28"
    assert body["documents"][0]["kind"] == "rectification_notice"
    with at("2026-01-10"):
        body = ok(
            post(
                login(client, enterprise_user),
                energy_case,
                "request-extension",
                {"months": 3, "reason": "余热发电改造设备到货延迟", "version": body["version"]},
            )
        )
        assert body["state"] == "extension_requested"
        body = ok(
            post(
                login(client, county_officer),
                energy_case,
                "decide-extension",
                {"grant": True, "reason": "理由充分"},
                HTTP_IF_MATCH=f'"{body["version"]}"',
            )
        )
    assert body["state"] == "rectifying" and body["due_on"] == "2026-05-28"
    assert "延期3个月" in body["due_explanation"]
    with at("2026-05-29"):
        login(client, county_officer)
        body = ok(
            post(
                client,
                energy_case,
                "reinspection",
                {"inspected_on": "2026-05-29", "compliant": False, "notes": "仍为 121 kgce/t"},
            )
        )
        assert body["reinspection_failed"] is True and "order_exit" in acts(body)
        body = ok(
            post(client, energy_case, "order-exit", {"reason": "经整改仍未达标", "months": 2})
        )
    assert body["state"] == "exit_ordered" and body["due_kind"] == "exit"
    with at("2026-06-10"):
        ok(
            post(
                login(client, power_officer),
                energy_case,
                "measures",
                {"kind": "power_cut", "executed_on": "2026-06-10"},
            ),
            201,
        )
        ok(
            upload(
                login(client, water_officer),
                energy_case,
                "measures/",
                {"kind": "water_cut", "executed_on": "2026-06-10", "file": png_upload("断水.png")},
            ),
            201,
        )
        login(client, county_officer)
        for kind in ("power_devices_removed", "sealed"):
            body = ok(
                post(client, energy_case, "measures", {"kind": kind, "executed_on": "2026-06-10"}),
                201,
            )
        assert {m["kind"] for m in body["measures"]} == {
            "power_cut",
            "water_cut",
            "power_devices_removed",
            "sealed",
        }
        water = next(m for m in body["measures"] if m["kind"] == "water_cut")
        assert water["evidence_url"] and client.get(water["evidence_url"]).status_code == 200
        line.refresh_from_db()
        assert line.status == LineStatus.SEALED
        body = ok(post(client, energy_case, "confirm-sealed"))
        assert body["state"] == "sealed"
        body = ok(
            upload(
                client,
                energy_case,
                "accept-exit/",
                {
                    "accepted_on": "2026-06-10",
                    "notes": "已断电断水、封存",
                    "file": pdf_upload("验收意见表.pdf"),
                    "version": body["version"],
                },
            )
        )
    assert body["state"] == "exited" and body["exit_capacity"] == "2500.00"
    assert body["due_kind"] == "follow_up" and body["due_on"] == "2026-12-10"
    assert any(e["kind"] == "acceptance" for e in body["evidence"])
    with at("2026-12-10"):
        body = ok(
            post(
                login(client, county_officer),
                energy_case,
                "follow-up",
                {"inspected_on": "2026-12-10", "restarted": False, "notes": "未恢复生产"},
            )
        )
    assert body["follow_ups_done"] == 1 and body["due_on"] == "2027-06-10"
    assert ok(client.get(url(energy_case, "verify/")))["ok"] is True


def test_environment_serious_case_goes_to_the_government(
    client, environment_officer, county_leader, east_enterprise, line
):
    login(client, environment_officer)
    case = ok(
        client.post(
            CASES,
            {
                "dimension": "ENVIRONMENT",
                "enterprise": east_enterprise.pk,
                "line": line.pk,
                "facts": "颗粒物排放浓度超标",
            },
            content_type="application/json",
        ),
        201,
    )["id"]
    body = ok(
        post(client, case, "serve-order", {"served_on": "2026-03-02", "order_kind": "restrict"})
    )
    assert body["order_kind"] == "restrict" and body["due_on"]
    assert [m["kind"] for m in body["measures"]] == ["restriction"]
    body = ok(
        post(
            client,
            case,
            "reinspection",
            {"inspected_on": "2026-03-02", "compliant": False, "notes": "仍超标", "serious": True},
        )
    )
    body = ok(
        post(client, case, "request-approval", {"reason": "情节严重", "government": "990102"})
    )
    assert body["state"] == "approval_requested" and body["approval_region"] == "990102"
    assert "decide_approval" not in acts(body)

    # The officer may not decide; the county's leader may.
    refused = post(client, case, "decide-approval", {"approve": True, "reason": "同意"})
    assert refused.status_code == 403
    login(client, county_leader)
    assert "decide_approval" in acts(ok(client.get(url(case))))
    body = ok(
        post(client, case, "decide-approval", {"approve": True, "reason": "同意关闭", "months": 3})
    )
    assert body["state"] == "exit_ordered" and body["exit_kind"] == "close"
    assert {d["kind"] for d in body["documents"]} >= {"approval_request", "closure_decision"}


def test_quality_approval_refused_returns_to_rectification(
    client, market_officer, city_leader, east_enterprise, production_license
):
    case = open_case(market_officer, east_enterprise, dimension="QUALITY", facts="产品质量不合格")
    login(client, market_officer)
    body = ok(post(client, case, "serve-order", {"served_on": "2026-03-02"}))
    assert body["order_kind"] == "suspend_rectify" and body["period_months"] == 6
    ok(
        post(
            client,
            case,
            "reinspection",
            {"inspected_on": "2026-03-02", "compliant": False, "notes": "仍不合格"},
        )
    )
    # Quality exits need the government's approval: ordering it directly says why not.
    direct = post(client, case, "order-exit", {"reason": "不合格"})
    assert direct.status_code == 409 and "报经有批准权的人民政府批准" in direct.json()["detail"]
    ok(post(client, case, "request-approval", {"reason": "整改后仍不合格"}))
    body = ok(
        post(
            login(client, city_leader),
            case,
            "decide-approval",
            {"approve": False, "reason": "再给一次机会"},
        )
    )
    assert body["state"] == "rectifying"
    production_license.refresh_from_db()
    assert production_license.status == LicenseStatus.VALID


def test_safety_suspension_then_compliant_lifts_the_suspension(
    client, safety_officer, east_enterprise, line
):
    case = open_case(safety_officer, east_enterprise, dimension="SAFETY", line=line, facts="隐患")
    login(client, safety_officer)
    body = ok(post(client, case, "serve-order", {"served_on": "2026-03-02"}))
    assert body["order_kind"] == "suspend_operations" and body["due_on"] is None
    (suspension,) = body["measures"]
    assert suspension["kind"] == "suspension" and suspension["in_force"]
    body = ok(
        post(
            client,
            case,
            "reinspection",
            {"inspected_on": "2026-03-02", "compliant": True, "notes": "具备安全生产条件"},
        )
    )
    assert body["state"] == "compliant" and body["closed_at"]
    assert body["measures"][0]["in_force"] is False
    line.refresh_from_db()
    assert line.status == LineStatus.OPERATING


def test_technology_dismantling_with_the_enterprise_commitment(
    client, county_officer, power_officer, water_officer, enterprise_user, east_enterprise, line
):
    case = open_case(
        county_officer, east_enterprise, dimension="TECHNOLOGY", line=line, facts="淘汰类"
    )
    login(client, county_officer)
    assert ok(client.get(url(case)))["available_actions"][0]["act"] == "order_exit"
    body = ok(post(client, case, "order-exit", {"reason": "使用淘汰类装备"}))
    assert body["state"] == "exit_ordered" and body["due_kind"] == "dismantling"
    for who, kind in (
        (power_officer, "power_cut"),
        (water_officer, "water_cut"),
        (county_officer, "power_devices_removed"),
        (county_officer, "sealed"),
        (county_officer, "announcement"),
    ):
        ok(
            post(login(client, who), case, "measures", {"kind": kind, "executed_on": "2026-03-02"}),
            201,
        )
    # The commitment is the enterprise's to sign, not the officer's.
    assert post(client, case, "commitment", {"text": "不再恢复生产"}).status_code == 403
    login(client, enterprise_user)
    assert "sign_commitment" in acts(ok(client.get(url(case))))
    body = ok(post(client, case, "commitment", {"text": "本企业承诺不再恢复生产"}), 201)
    assert "commitment" in {m["kind"] for m in body["measures"]}
    login(client, county_officer)
    body = ok(post(client, case, "confirm-sealed", {"dismantle_months": 2}))
    assert body["state"] == "sealed" and body["period_months"] == 2
    # Dismantling needs its witness record.
    bare = post(client, case, "measures", {"kind": "dismantled", "executed_on": "2026-03-02"})
    assert bare.status_code == 400 and "file" in bare.json()
    ok(
        upload(
            client,
            case,
            "measures/",
            {"kind": "dismantled", "executed_on": "2026-03-02", "file": png_upload("拆除.png")},
        ),
        201,
    )
    body = ok(
        upload(
            client,
            case,
            "accept-exit/",
            {"accepted_on": "2026-03-02", "notes": "已拆除", "file": pdf_upload()},
        )
    )
    assert body["state"] == "exited"


def test_evidence_comments_and_a_lifted_measure(
    client, rectifying, enterprise_user, county_officer, environment_officer, east_enterprise
):
    login(client, enterprise_user)
    body = ok(
        upload(
            client,
            rectifying,
            "evidence/",
            {
                "file": pdf_upload("整改方案.pdf"),
                "description": "整改方案",
                "kind": "rectification",
            },
        ),
        201,
    )
    assert body["evidence"][0]["name"] == "整改方案.pdf"
    body = ok(post(client, rectifying, "comments", {"text": "设备已订购"}), 201)
    events = ok(client.get(url(rectifying, "events/")))["results"]
    assert events[-1]["kind"] == "comment" and events[-1]["summary"] == "设备已订购"
    not_a_pdf = upload(client, rectifying, "evidence/", {"file": pdf_upload("x.pdf", b"<html>")})
    assert not_a_pdf.status_code == 400 and "file" in not_a_pdf.json()

    case = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    login(client, environment_officer)
    body = ok(post(client, case, "serve-order", {"served_on": "2026-03-02"}))
    (measure,) = body["measures"]
    body = ok(post(client, case, f"measures/{measure['id']}/lift", {"reason": "已完成整治"}))
    assert body["measures"][0]["in_force"] is False
    again = post(client, case, f"measures/{measure['id']}/lift", {"reason": "再解除"})
    assert again.status_code == 409 and "已于" in again.json()["detail"]
    assert post(client, case, "measures/99999/lift", {"reason": "x"}).status_code == 404
    # Another case's measure is not reachable through this case.
    assert (
        post(
            login(client, county_officer),
            rectifying,
            f"measures/{measure['id']}/lift",
            {"reason": "x"},
        ).status_code
        == 404
    )


def test_withdrawing_lifts_the_case_measures(client, environment_officer, east_enterprise):
    case = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    login(client, environment_officer)
    ok(
        post(
            client, case, "serve-order", {"served_on": "2026-03-02", "order_kind": "suspend_remedy"}
        )
    )
    body = ok(post(client, case, "withdraw", {"reason": "监测数据有误"}))
    assert body["state"] == "withdrawn" and body["outcome"] == "监测数据有误"
    assert all(not m["in_force"] for m in body["measures"])
    assert body["available_actions"] == []


@pytest.mark.parametrize(
    ("who", "tail", "data", "status"),
    [
        ("enterprise_user", "serve-order", {"served_on": "2026-03-01"}, 403),
        ("city_leader", "withdraw", {"reason": "x"}, 403),
        ("city_auditor", "comments", {"text": "x"}, 403),
        (
            "power_officer",
            "reinspection",
            {"inspected_on": "2026-03-01", "compliant": True, "notes": "x"},
            403,
        ),
        ("environment_officer", "withdraw", {"reason": "x"}, 403),
        ("other_county_officer", "withdraw", {"reason": "x"}, 404),
        ("other_county_officer", "comments", {"text": "x"}, 404),
    ],
)
def test_who_may_not_act(request, client, energy_case, who, tail, data, status):
    before = Case.objects.get(pk=energy_case.pk)
    response = post(login(client, request.getfixturevalue(who)), energy_case, tail, data)
    assert response.status_code == status
    after = Case.objects.get(pk=energy_case.pk)
    assert (after.state, after.version, after.event_count) == (
        before.state,
        before.version,
        before.event_count,
    )


def test_a_power_cut_is_the_power_supplier_s_to_record(client, rectifying, county_officer):
    with at("2026-03-05"):
        login(client, county_officer)
        ok(
            post(
                client,
                rectifying,
                "reinspection",
                {"inspected_on": "2026-03-05", "compliant": False, "notes": "未整改"},
            )
        )
        ok(post(client, rectifying, "order-exit", {"reason": "逾期未整改"}))
        response = post(
            client, rectifying, "measures", {"kind": "power_cut", "executed_on": "2026-03-05"}
        )
    assert response.status_code == 403 and "供电企业" in response.json()["detail"]
    assert not Measure.objects.filter(kind=MeasureKind.POWER_CUT).exists()


def test_a_revoked_licence_needs_the_case_enterprise_s_licence(
    client, safety_officer, east_enterprise, north_enterprise, safety_license
):
    case = open_case(safety_officer, east_enterprise, dimension="SAFETY", facts="隐患")
    login(client, safety_officer)
    response = post(
        client, case, "measures", {"kind": "license_revoked", "executed_on": "2026-03-02"}
    )
    assert response.status_code == 400 and "license" in response.json()
    body = ok(
        post(
            client,
            case,
            "measures",
            {"kind": "license_revoked", "executed_on": "2026-03-02", "license": safety_license.pk},
        ),
        201,
    )
    assert body["measures"][0]["license_number"] == safety_license.number


def test_files_are_what_they_say(client, rectifying, enterprise_user):
    login(client, enterprise_user)
    for name, content in (("a.png", PNG), ("a.pdf", PDF)):
        ok(upload(client, rectifying, "evidence/", {"file": pdf_upload(name, content)}), 201)
    types = {e["name"]: e["content_type"] for e in ok(client.get(url(rectifying)))["evidence"]}
    assert types == {"a.png": "image/png", "a.pdf": "application/pdf"}
