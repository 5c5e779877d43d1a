"""A case keeps the findings it cites; lines and licences change status only through measures."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from phaseout.enforcement import services
from phaseout.enforcement.choices import MeasureKind
from phaseout.registry import services as registry
from phaseout.registry.choices import LicenseStatus, LineStatus
from phaseout.screening import services as screening
from phaseout.screening.models import Finding

from .conftest import at


def _measure(officer, line, value, day):
    return screening.record_measurement(
        by=officer,
        enterprise=line.enterprise,
        line=line,
        metric="clinker_comprehensive_energy",
        value=value,
        unit="kgce/t",
        date=day,
        source="inspection",
    )


def test_a_finding_cited_by_a_case_is_kept_when_a_rerun_no_longer_finds_it(
    county_officer, jurisdiction, east_enterprise, line
):
    campaign = screening.create_campaign(
        by=county_officer,
        region=jurisdiction["east"],
        name="2025年度排查",
        year=2025,
        as_of=datetime.date(2025, 12, 31),
    )
    _measure(county_officer, line, 125, datetime.date(2025, 6, 1))
    screening.run_campaign(campaign, by=county_officer)
    finding = Finding.objects.get(campaign=campaign, rule_id="gb16780-2021.clinker-energy")
    case = services.open_case(
        by=county_officer,
        dimension="ENERGY",
        enterprise=east_enterprise,
        line=line,
        findings=[finding],
    )
    assert "125" in case.facts and "GB 16780-2021" in case.facts

    found_before = screening.run_campaign(campaign, by=county_officer)["findings"]
    _measure(county_officer, line, 110, datetime.date(2025, 9, 1))  # rectified: a later reading
    screening.run_campaign(campaign, by=county_officer)

    finding.refresh_from_db()
    assert finding.superseded_at is not None
    assert list(case.findings.all()) == [finding]
    campaign.refresh_from_db()
    assert campaign.summary["findings"] == found_before - 1


def test_a_sealed_line_cannot_be_set_back_to_operating_until_the_seal_is_lifted(
    rectifying, county_officer, line
):
    with at("2026-03-05"):
        case = services.record_reinspection(
            rectifying,
            by=county_officer,
            inspected_on=datetime.date(2026, 3, 5),
            compliant=False,
            notes="未整改",
        )
        case = services.order_exit(case, by=county_officer, reason="逾期未整改")
        seal = services.record_measure(
            case, by=county_officer, kind=MeasureKind.SEALED, executed_on=datetime.date(2026, 3, 5)
        )
        line.refresh_from_db()
        assert line.status == LineStatus.SEALED
        with pytest.raises(ValidationError) as err:
            registry.update_line(line, by=county_officer, status=LineStatus.OPERATING)
        assert "封存主体设备" in str(err.value)
        line.refresh_from_db()
        assert line.status == LineStatus.SEALED

        services.lift_measure(seal, by=county_officer, reason="行政复议撤销关停决定")
    line.refresh_from_db()
    assert line.status == LineStatus.OPERATING
    seal.refresh_from_db()
    assert seal.lifted_on and seal.lift_reason == "行政复议撤销关停决定"
    with pytest.raises(RuntimeError):
        seal.delete()


def test_a_revoked_licence_cannot_be_made_valid_again(
    county_officer, safety_officer, east_enterprise, safety_license
):
    case = services.open_case(
        by=safety_officer,
        dimension="SAFETY",
        enterprise=east_enterprise,
        facts="未达到安全生产标准化三级",
    )
    case = services.serve_order(case, by=safety_officer, served_on=datetime.date(2026, 3, 1))
    case = services.record_reinspection(
        case,
        by=safety_officer,
        inspected_on=datetime.date(2026, 3, 2),
        compliant=False,
        notes="仍不具备安全生产条件",
    )
    services.order_exit(case, by=safety_officer, reason="经停产停业整顿仍不具备安全生产条件")
    safety_license.refresh_from_db()
    assert safety_license.status == LicenseStatus.REVOKED
    with pytest.raises(ValidationError, match="吊销"):
        registry.update_license(safety_license, by=county_officer, status=LicenseStatus.VALID)


def test_a_company_wide_suspension_leaves_a_sealed_line_sealed(
    county_officer, safety_officer, east_enterprise, line
):
    from phaseout.registry.models import ProductionLine

    other = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="FM-1",
        equipment_type="cement_mill",
        capacity=100,
        capacity_unit="10kt/a",
    )
    tech = services.open_case(
        by=county_officer,
        dimension="TECHNOLOGY",
        enterprise=east_enterprise,
        line=line,
        facts="淘汰类",
    )
    tech = services.order_exit(tech, by=county_officer, reason="淘汰类装备")
    services.record_measure(
        tech, by=county_officer, kind=MeasureKind.SEALED, executed_on=datetime.date(2026, 3, 2)
    )
    safety = services.open_case(
        by=safety_officer, dimension="SAFETY", enterprise=east_enterprise, facts="安全条件不达标"
    )
    safety = services.serve_order(safety, by=safety_officer, served_on=datetime.date(2026, 3, 2))
    line.refresh_from_db()
    other.refresh_from_db()
    assert (line.status, other.status) == (LineStatus.SEALED, LineStatus.SUSPENDED)
    services.record_reinspection(
        safety,
        by=safety_officer,
        inspected_on=datetime.date(2026, 3, 2),
        compliant=True,
        notes="恢复生产",
    )
    line.refresh_from_db()
    other.refresh_from_db()
    assert (line.status, other.status) == (LineStatus.SEALED, LineStatus.OPERATING)


def test_a_ledger_import_cannot_set_a_sealed_line_back_to_operating(
    rectifying, county_officer, line, tmp_path
):
    from phaseout.registry.ledger.importer import import_ledger
    from tests.registry.ledger_files import LINE_HEADER, line_row, write_csv

    case = services.record_reinspection(
        rectifying,
        by=county_officer,
        inspected_on=datetime.date(2026, 3, 2),
        compliant=False,
        notes="未整改",
    )
    case = services.order_exit(case, by=county_officer, reason="逾期未整改")
    services.record_measure(
        case, by=county_officer, kind=MeasureKind.SEALED, executed_on=datetime.date(2026, 3, 2)
    )
    code = line.enterprise.credit_code
    path = write_csv(tmp_path / "lines.csv", LINE_HEADER, [line_row(code, "YL-1", 状态="运行")])

    report = import_ledger([path], by=county_officer)

    assert not report.ok
    assert any("封存主体设备" in str(error) for error in report.errors)
    line.refresh_from_db()
    assert line.status == LineStatus.SEALED
    # Keeping the status it has is fine.
    path = write_csv(tmp_path / "same.csv", LINE_HEADER, [line_row(code, "YL-1", 状态="封存")])
    assert import_ledger([path], by=county_officer).ok
