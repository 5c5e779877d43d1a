"""环保, 质量, 安全, 技术 and 产能退出 end to end, with what each procedure forbids
(工信部联产业〔2017〕30号 五至九; seed 004 for a jurisdiction's own safety period)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phaseout.core.errors import ProcedureError
from phaseout.enforcement import services
from phaseout.enforcement.chain import verify
from phaseout.enforcement.choices import CaseState, DocumentKind, DueKind, MeasureKind
from phaseout.enforcement.models import Measure
from phaseout.registry.choices import EnterpriseStatus, LicenseStatus, LineStatus

from .conftest import at, open_case, pdf_upload, png_upload

D = datetime.date


# — 环保 —


def test_environment_restriction_then_serious_case_closed_with_government_approval(
    environment_officer, east_enterprise, line, county_leader
):
    case = open_case(
        environment_officer,
        east_enterprise,
        "ENVIRONMENT",
        line=line,
        facts="窑尾颗粒物 45 mg/m³，超过 GB 4915-2013 限值",
    )
    case = services.serve_order(
        case, by=environment_officer, served_on=D(2026, 3, 1), order_kind="restrict"
    )
    assert case.due_explanation.startswith("送达 2026-03-01，3个月")
    line.refresh_from_db()
    assert line.status == LineStatus.RESTRICTED
    with pytest.raises(ProcedureError, match="报经有批准权的人民政府批准"):
        services.order_exit(case, by=environment_officer, reason="仍超标")
    case = services.record_reinspection(
        case,
        by=environment_officer,
        inspected_on=D(2026, 3, 2),
        compliant=False,
        notes="仍超标排放",
    )
    with pytest.raises(ProcedureError, match="情节严重"):
        services.request_approval(case, by=environment_officer, reason="仍超标")
    case = services.request_approval(
        case, by=environment_officer, reason="拒不整改，情节严重", serious=True
    )
    assert case.state == CaseState.APPROVAL_REQUESTED
    request = case.documents.get(kind=DocumentKind.APPROVAL_REQUEST)
    assert request.context["addressee"] == "城东区人民政府"
    with pytest.raises(PermissionDenied):
        services.decide_approval(case, by=environment_officer, approve=True, reason="同意")
    case = services.decide_approval(
        case, by=county_leader, approve=True, reason="同意责令停业、关闭"
    )
    assert case.state == CaseState.EXIT_ORDERED and case.exit_kind == "close"
    assert verify(case).ok


def test_environment_period_is_at_most_three_months(environment_officer, east_enterprise):
    case = open_case(environment_officer, east_enterprise, "ENVIRONMENT")
    with pytest.raises(ValidationError, match="不超过3个月"):
        services.serve_order(case, by=environment_officer, served_on=D(2026, 3, 1), months=6)
    with pytest.raises(ValidationError, match="限制生产"):
        services.serve_order(
            case, by=environment_officer, served_on=D(2026, 3, 1), order_kind="rectify"
        )


def test_refused_approval_returns_the_case_to_supervision(
    environment_officer, east_enterprise, city_leader, other_county_officer
):
    case = open_case(environment_officer, east_enterprise, "ENVIRONMENT")
    case = services.serve_order(
        case, by=environment_officer, served_on=D(2026, 3, 1), order_kind="suspend_remedy"
    )
    case = services.record_reinspection(
        case,
        by=environment_officer,
        inspected_on=D(2026, 3, 2),
        compliant=False,
        notes="仍超标",
        serious=True,
    )
    case = services.request_approval(case, by=environment_officer, reason="情节严重")
    case = services.decide_approval(
        case, by=city_leader, approve=False, reason="证据不足，继续整治"
    )
    assert case.state == CaseState.RECTIFYING


# — 质量 —


def test_quality_suspension_six_months_then_approval_cancels_the_production_licence(
    market_officer, east_enterprise, county_leader, production_license
):
    case = open_case(
        market_officer, east_enterprise, "QUALITY", facts="水泥产品抽检不合格（GB 175）"
    )
    with at("2025-08-01"):
        case = services.serve_order(case, by=market_officer, served_on=D(2025, 8, 1))
    assert case.order_kind == "suspend_rectify" and case.due_on == D(
        2026, 2, 2
    )  # 2026-02-01 is a Sunday
    assert "2026-02-01 为休息日，顺延至 2026-02-02" in case.due_explanation
    with pytest.raises(ProcedureError, match="报经有批准权的人民政府批准"):
        services.order_exit(case, by=market_officer, reason="逾期")
    case.refresh_from_db()
    from phaseout.enforcement.sweep import sweep

    sweep(today=D(2026, 3, 2))
    case.refresh_from_db()
    assert case.state == CaseState.OVERDUE
    case = services.request_approval(case, by=market_officer, reason="逾期未整改")
    case = services.decide_approval(
        case, by=county_leader, approve=True, reason="同意关停退出", exit_kind="shutdown"
    )
    production_license.refresh_from_db()
    assert production_license.status == LicenseStatus.CANCELLED
    assert case.measures.filter(
        kind=MeasureKind.LICENSE_CANCELLED, license=production_license
    ).exists()


# — 安全 —


def test_safety_suspension_is_immediate_with_no_period_nationally(safety_officer, east_enterprise):
    case = open_case(safety_officer, east_enterprise, "SAFETY", facts="安全生产条件不达标")
    case = services.serve_order(case, by=safety_officer, served_on=D(2026, 3, 1))
    assert case.order_kind == "suspend_operations" and case.due_on is None
    east_enterprise.refresh_from_db()
    assert east_enterprise.status == EnterpriseStatus.SUSPENDED
    case = services.record_reinspection(
        case,
        by=safety_officer,
        inspected_on=D(2026, 3, 2),
        compliant=True,
        notes="整顿后具备安全生产条件，恢复生产",
    )
    assert case.state == CaseState.COMPLIANT
    east_enterprise.refresh_from_db()
    assert east_enterprise.status == EnterpriseStatus.OPERATING
    assert not Measure.objects.filter(case=case, lifted_on__isnull=True).exists()


def test_a_jurisdiction_sets_a_six_month_safety_period(
    safety_officer, east_enterprise, jurisdiction, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", password="x")
    services.set_procedure_override(
        by=admin,
        region=jurisdiction["city"],
        dimension="SAFETY",
        parameter="rectify_months",
        value=6,
        reference="郴州市淘汰落后产能实施方案 三(五)：立即停产整改；在6个月内未整改或经整改仍未达标的，依法关停退出",
    )
    case = open_case(safety_officer, east_enterprise, "SAFETY")
    case = services.serve_order(case, by=safety_officer, served_on=D(2026, 3, 1))
    assert case.due_on == D(2026, 9, 1) and case.due_kind == DueKind.RECTIFICATION


def test_a_jurisdiction_may_not_lengthen_the_energy_period(jurisdiction, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="x")
    with pytest.raises(ValidationError, match="不能宽于"):
        services.set_procedure_override(
            by=admin,
            region=jurisdiction["city"],
            dimension="ENERGY",
            parameter="rectify_months",
            value=9,
            reference="x",
        )
    with pytest.raises(ValidationError, match="不能宽于"):
        services.set_procedure_override(
            by=admin,
            region=jurisdiction["city"],
            dimension="ENERGY",
            parameter="extension_max_months",
            value=4,
            reference="x",
        )


def test_safety_closure_revokes_the_safety_licence(safety_officer, east_enterprise, safety_license):
    case = open_case(safety_officer, east_enterprise, "SAFETY")
    case = services.serve_order(case, by=safety_officer, served_on=D(2026, 3, 1))
    with pytest.raises(ProcedureError, match="未经复查不达标"):
        services.order_exit(case, by=safety_officer, reason="关闭")
    case = services.record_reinspection(
        case,
        by=safety_officer,
        inspected_on=D(2026, 3, 2),
        compliant=False,
        notes="仍不具备安全生产条件",
    )
    case = services.order_exit(case, by=safety_officer, reason="予以关闭")
    assert case.exit_kind == "close"
    safety_license.refresh_from_db()
    assert safety_license.status == LicenseStatus.REVOKED


# — 技术 —


def test_eliminated_equipment_dismantled_at_once(
    county_officer, east_enterprise, line, enterprise_user
):
    case = open_case(
        county_officer,
        east_enterprise,
        "TECHNOLOGY",
        line=line,
        facts="立窑，属《产业结构调整指导目录》淘汰类",
    )
    with pytest.raises(ProcedureError, match="责令拆除"):
        services.serve_order(case, by=county_officer, served_on=D(2026, 3, 1))
    case = services.order_exit(case, by=county_officer, reason="淘汰类装备，立即拆除", months=1)
    assert case.due_kind == DueKind.DISMANTLING and case.due_on == D(2026, 4, 2)
    with pytest.raises(ProcedureError, match="拆除后验收"):
        services.accept_exit(
            case, by=county_officer, accepted_on=D(2026, 3, 2), notes="验收", upload=pdf_upload()
        )
    with pytest.raises(ValidationError, match="拆除见证"):
        services.record_measure(
            case, by=county_officer, kind=MeasureKind.DISMANTLED, executed_on=D(2026, 3, 2)
        )
    services.record_measure(
        case,
        by=county_officer,
        kind=MeasureKind.DISMANTLED,
        executed_on=D(2026, 3, 2),
        upload=png_upload("拆除现场.png"),
    )
    line.refresh_from_db()
    assert line.status == LineStatus.DISMANTLED
    case = services.accept_exit(
        case,
        by=county_officer,
        accepted_on=D(2026, 3, 2),
        notes="主体设备已拆除，切割变废",
        upload=pdf_upload("落后设备现场拆除见证书.pdf"),
    )
    assert case.state == CaseState.EXITED and case.exited_on == D(2026, 3, 2)
    assert verify(case).ok


def test_eliminated_equipment_sealed_needs_every_measure_then_a_dismantling_deadline(
    county_officer, power_officer, water_officer, east_enterprise, line, enterprise_user
):
    case = open_case(county_officer, east_enterprise, "TECHNOLOGY", line=line)
    case = services.order_exit(case, by=county_officer, reason="暂不具备拆除条件", immediate=False)
    services.record_measure(
        case, by=power_officer, kind=MeasureKind.POWER_CUT, executed_on=D(2026, 3, 2)
    )
    services.record_measure(
        case, by=water_officer, kind=MeasureKind.WATER_CUT, executed_on=D(2026, 3, 2)
    )
    services.record_measure(
        case, by=county_officer, kind=MeasureKind.POWER_DEVICES_REMOVED, executed_on=D(2026, 3, 2)
    )
    services.record_measure(
        case, by=county_officer, kind=MeasureKind.SEALED, executed_on=D(2026, 3, 2)
    )
    with pytest.raises(ProcedureError) as err:
        services.confirm_sealed(case, by=county_officer)
    assert "企业公开承诺不再恢复生产" in str(err.value) and "公告" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.sign_commitment(case, by=county_officer, text="承诺")
    services.sign_commitment(case, by=enterprise_user, text="本企业承诺不再恢复该立窑生产。")
    services.record_measure(
        case,
        by=county_officer,
        kind=MeasureKind.ANNOUNCEMENT,
        executed_on=D(2026, 3, 2),
        note="省工信厅网站公告",
    )
    case = services.confirm_sealed(case, by=county_officer, dismantle_months=6)
    assert case.state == CaseState.SEALED and case.due_kind == DueKind.DISMANTLING
    assert case.due_on == D(2026, 9, 2)
    assert case.documents.filter(kind=DocumentKind.ANNOUNCEMENT).exists()
    with pytest.raises(ProcedureError, match="拆除后验收"):
        services.accept_exit(
            case, by=county_officer, accepted_on=D(2026, 3, 2), notes="封存", upload=pdf_upload()
        )


# — 产能退出: 回头看 —


def _exited(case, officer, power_officer, water_officer):
    for who, kind in (
        (power_officer, MeasureKind.POWER_CUT),
        (water_officer, MeasureKind.WATER_CUT),
        (officer, MeasureKind.POWER_DEVICES_REMOVED),
        (officer, MeasureKind.SEALED),
    ):
        services.record_measure(case, by=who, kind=kind, executed_on=D(2026, 3, 2))
    return services.accept_exit(
        case, by=officer, accepted_on=D(2026, 3, 2), notes="验收合格", upload=pdf_upload()
    )


def test_follow_up_catches_a_restart(rectifying, county_officer, power_officer, water_officer):
    case = services.record_reinspection(
        rectifying, by=county_officer, inspected_on=D(2026, 3, 2), compliant=False, notes="未达标"
    )
    case = services.order_exit(case, by=county_officer, reason="经整改仍未达标")
    case = _exited(case, county_officer, power_officer, water_officer)
    assert case.due_on == D(2026, 9, 2) and case.due_kind == DueKind.FOLLOW_UP
    with at("2026-09-02"):
        case = services.record_follow_up(
            case, by=county_officer, inspected_on=D(2026, 9, 2), restarted=False, notes="设备仍封存"
        )
        assert case.due_on == D(2027, 3, 2)
        case = services.record_follow_up(
            case,
            by=county_officer,
            inspected_on=D(2026, 9, 2),
            restarted=True,
            notes="发现私自启封生产",
        )
    assert case.state == CaseState.EXIT_ORDERED
    assert verify(case).ok


def test_withdrawing_a_case_lifts_its_measures(environment_officer, east_enterprise, line):
    case = open_case(environment_officer, east_enterprise, "ENVIRONMENT", line=line)
    case = services.serve_order(
        case, by=environment_officer, served_on=D(2026, 3, 1), order_kind="suspend_remedy"
    )
    with pytest.raises(ValidationError):
        services.withdraw_case(case, by=environment_officer, reason=" ")
    case = services.withdraw_case(case, by=environment_officer, reason="监测数据有误")
    assert case.state == CaseState.WITHDRAWN
    line.refresh_from_db()
    assert line.status == LineStatus.OPERATING
    # A withdrawn case no longer blocks a new one on the same subject.
    assert (
        open_case(environment_officer, east_enterprise, "ENVIRONMENT", line=line).state
        == CaseState.OPENED
    )
