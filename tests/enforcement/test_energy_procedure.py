"""能耗: notice → 6 months → one extension ≤ 3 months before the deadline → re-inspection or
overdue → 关停退出 → measures → acceptance (工信部联产业〔2017〕30号 四、九)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from phaseout.core.errors import ProcedureError
from phaseout.enforcement import services
from phaseout.enforcement.chain import verify
from phaseout.enforcement.choices import CaseState, DocumentKind, DueKind, MeasureKind
from phaseout.registry.choices import LineStatus

from .conftest import open_case, pdf_upload, png_upload


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00+08:00"), tick=False)


def test_notice_sets_six_months_from_service_with_its_explanation(rectifying):
    assert rectifying.state == CaseState.RECTIFYING
    # 2026-02-28 is a Saturday but a make-up workday (春节调休): the period ends that day.
    assert rectifying.due_on == datetime.date(2026, 2, 28)
    assert rectifying.due_kind == DueKind.RECTIFICATION
    assert rectifying.due_explanation.startswith("送达 2025-08-31，6个月，届满 2026-02-28")
    notice = rectifying.documents.get()
    assert notice.kind == DocumentKind.RECTIFICATION_NOTICE
    assert "整改〔2025〕1号" in notice.number
    assert notice.file.read().startswith(b"%PDF")
    assert verify(rectifying).ok


def test_energy_period_is_the_law_s_six_months(energy_case, county_officer):
    with pytest.raises(ValidationError) as err:
        services.serve_order(
            energy_case, by=county_officer, served_on=datetime.date(2026, 3, 1), months=3
        )
    assert "6个月" in str(err.value)


def test_full_energy_procedure_to_exit(
    energy_case, county_officer, power_officer, water_officer, enterprise_user, line
):
    with at("2025-09-01"):
        case = services.serve_order(
            energy_case, by=county_officer, served_on=datetime.date(2025, 8, 31)
        )
    with at("2026-01-10"):
        case = services.request_extension(
            case, by=enterprise_user, months=3, reason="余热发电改造设备到货延迟"
        )
        assert case.state == CaseState.EXTENSION_REQUESTED
        case = services.decide_extension(case, by=county_officer, grant=True, reason="理由充分")
    assert case.state == CaseState.RECTIFYING
    assert case.due_on == datetime.date(2026, 5, 28)
    assert "原期限 2026-02-28 届满，延期3个月" in case.due_explanation
    with at("2026-05-29"):
        case = services.record_reinspection(
            case,
            by=county_officer,
            inspected_on=datetime.date(2026, 5, 29),
            compliant=False,
            notes="熟料综合能耗仍为 121 kgce/t",
        )
        case = services.order_exit(case, by=county_officer, reason="经整改仍未达标", months=2)
    assert case.state == CaseState.EXIT_ORDERED
    assert case.documents.filter(kind=DocumentKind.CLOSURE_DECISION).count() == 1
    with at("2026-06-10"):
        services.record_measure(
            case,
            by=power_officer,
            kind=MeasureKind.POWER_CUT,
            executed_on=datetime.date(2026, 6, 10),
        )
        services.record_measure(
            case,
            by=water_officer,
            kind=MeasureKind.WATER_CUT,
            executed_on=datetime.date(2026, 6, 10),
        )
        services.record_measure(
            case,
            by=county_officer,
            kind=MeasureKind.POWER_DEVICES_REMOVED,
            executed_on=datetime.date(2026, 6, 10),
        )
        services.record_measure(
            case, by=county_officer, kind=MeasureKind.SEALED, executed_on=datetime.date(2026, 6, 10)
        )
        line.refresh_from_db()
        assert line.status == LineStatus.SEALED
        case = services.confirm_sealed(case, by=county_officer)
        case = services.accept_exit(
            case,
            by=county_officer,
            accepted_on=datetime.date(2026, 6, 10),
            notes="已断电断水、封存",
            upload=pdf_upload("验收意见表.pdf"),
        )
    assert case.state == CaseState.EXITED
    assert case.exit_capacity == 2500 and case.exit_capacity_unit == "t/d"
    assert case.due_kind == DueKind.FOLLOW_UP and case.due_on == datetime.date(2026, 12, 10)
    line.refresh_from_db()
    assert line.status == LineStatus.EXITED
    result = verify(case)
    assert result.ok and result.events == case.event_count >= 10


def test_extension_only_once(rectifying, enterprise_user, county_officer):
    with at("2026-01-10"):
        case = services.request_extension(
            rectifying, by=enterprise_user, months=2, reason="设备到货延迟"
        )
        services.decide_extension(
            case, by=county_officer, grant=False, reason="不属于确需延长的情形"
        )
        with pytest.raises(ProcedureError, match="只能申请一次"):
            services.request_extension(case, by=enterprise_user, months=1, reason="再次申请")


def test_extension_must_be_applied_for_before_the_deadline(rectifying, enterprise_user):
    with at("2026-03-01"), pytest.raises(ProcedureError, match="届满前申请"):
        services.request_extension(rectifying, by=enterprise_user, months=1, reason="来不及")


@pytest.mark.parametrize("months", [0, 4, 12])
def test_extension_at_most_three_months(rectifying, enterprise_user, months):
    with at("2026-01-10"), pytest.raises(ValidationError, match="不超过3个月"):
        services.request_extension(
            rectifying, by=enterprise_user, months=months, reason="设备到货延迟"
        )


def test_extension_granted_cannot_exceed_what_was_asked(
    rectifying, enterprise_user, county_officer
):
    with at("2026-01-10"):
        case = services.request_extension(
            rectifying, by=enterprise_user, months=1, reason="设备到货延迟"
        )
        with pytest.raises(ValidationError):
            services.decide_extension(case, by=county_officer, grant=True, months=3, reason="准予")


def test_exit_not_before_the_deadline_or_a_failed_reinspection(rectifying, county_officer):
    with at("2026-01-10"), pytest.raises(ProcedureError, match="未届满"):
        services.order_exit(rectifying, by=county_officer, reason="想关")


def test_energy_exit_needs_no_approval_request(rectifying, county_officer):
    with at("2026-01-10"), pytest.raises(ProcedureError, match="不需报请批准"):
        services.request_approval(rectifying, by=county_officer, reason="报请")


def test_compliant_reinspection_closes(rectifying, county_officer):
    with at("2026-02-01"):
        case = services.record_reinspection(
            rectifying,
            by=county_officer,
            inspected_on=datetime.date(2026, 2, 1),
            compliant=True,
            notes="熟料综合能耗 110 kgce/t，达标",
        )
    assert case.state == CaseState.COMPLIANT and case.due_on is None and case.closed_at


def test_forbidden_transition_says_why(energy_case, county_officer):
    with pytest.raises(ProcedureError) as err:
        services.decide_extension(energy_case, by=county_officer, grant=True, reason="x")
    assert "已立案" in str(err.value) and "延期" in str(err.value)


def test_one_open_case_per_subject_and_dimension(
    energy_case, county_officer, east_enterprise, line
):
    with pytest.raises(ProcedureError, match="已有未结案件"):
        open_case(county_officer, east_enterprise, line=line)


def test_who_may_act(
    energy_case, other_county_officer, environment_officer, enterprise_user, city_leader
):
    for user in (other_county_officer, environment_officer, enterprise_user, city_leader):
        with pytest.raises(PermissionDenied):
            services.serve_order(energy_case, by=user, served_on=datetime.date(2026, 3, 1))


def test_power_cut_is_recorded_by_the_power_supplier(rectifying, county_officer, power_officer):
    with at("2026-03-05"):
        case = services.record_reinspection(
            rectifying,
            by=county_officer,
            inspected_on=datetime.date(2026, 3, 5),
            compliant=False,
            notes="未整改",
        )
        case = services.order_exit(case, by=county_officer, reason="逾期未整改")
        with pytest.raises(PermissionDenied, match="供电企业"):
            services.record_measure(
                case,
                by=county_officer,
                kind=MeasureKind.POWER_CUT,
                executed_on=datetime.date(2026, 3, 5),
            )
        measure = services.record_measure(
            case,
            by=power_officer,
            kind=MeasureKind.POWER_CUT,
            executed_on=datetime.date(2026, 3, 5),
        )
    assert measure.executor_name.endswith("power_supplier")


def test_stale_version_is_refused_and_nothing_written(rectifying, enterprise_user, county_officer):
    seen = rectifying.version
    with at("2026-01-10"):
        services.add_comment(rectifying, by=county_officer, text="已现场核查", version=seen)
        with pytest.raises(services.CaseChanged):
            services.request_extension(
                rectifying, by=enterprise_user, months=1, reason="设备延迟", version=seen
            )
    rectifying.refresh_from_db()
    assert rectifying.state == CaseState.RECTIFYING and rectifying.extension_requested_on is None


def test_evidence_type_and_size_are_checked(rectifying, enterprise_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="PDF"):
        services.add_evidence(
            rectifying, by=enterprise_user, upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf")
        )
    settings.PHASEOUT_MAX_UPLOAD = 10
    with pytest.raises(ValidationError, match="不能超过"):
        services.add_evidence(rectifying, by=enterprise_user, upload=png_upload())
    settings.PHASEOUT_MAX_UPLOAD = 1024 * 1024
    evidence = services.add_evidence(
        rectifying, by=enterprise_user, upload=png_upload(), description="改造现场"
    )
    assert evidence.content_type == "image/png"
    assert verify(rectifying).ok


@pytest.mark.parametrize("name", ["..\\..\\x.png", "../../etc/x.png", "a\x00b.png", "...."])
def test_an_uploaded_name_is_never_a_path(rectifying, enterprise_user, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PNG

    evidence = services.add_evidence(
        rectifying, by=enterprise_user, upload=SimpleUploadedFile(name, PNG)
    )
    assert "/" not in evidence.name and "\\" not in evidence.name and ".." not in evidence.name
    assert evidence.file.name.startswith(f"cases/{rectifying.pk}/")
