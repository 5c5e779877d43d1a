"""Screening files: a campaign's coverage and data gaps, and a what-if, as XLSX workbooks.

Every text cell goes through ``core.exports.neutralise`` (formula injection); numbers stay
numbers. Workbooks are written with openpyxl's write-only mode into a temporary file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from phaseout.core.exports import neutralise
from phaseout.screening import coverage
from phaseout.screening.display import needed_text, rule_descriptions
from phaseout.screening.models import DataGap, ScreeningCampaign
from phaseout.screening.whatif import WhatIfReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(cells: Iterable[Any]) -> list[Any]:
    return [neutralise(cell) for cell in cells]


def coverage_headers() -> list[str]:
    return [
        _("区域代码"),
        _("区域"),
        _("行业代码"),
        _("行业"),
        _("企业数"),
        _("其中规下"),
        _("其中手续不全"),
        _("已排查"),
        _("有不达标"),
        _("缺数据"),
    ]


FIGURES = ("total", "below_scale", "lacking_permits", "screened", "with_findings", "missing_data")


def write_coverage(target: IO[bytes], campaign: ScreeningCampaign, gaps) -> None:
    """Two sheets: 覆盖情况 (by region and industry, with the totals) and 下一步需检查."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("覆盖情况"))
    sheet.append(_row([campaign.name, str(campaign.as_of)]))
    sheet.append(_row(coverage_headers()))
    rows = (campaign.summary or {}).get("coverage") or []
    for row in rows:
        sheet.append(
            _row(
                [row["region"], row["region_name"], row["industry"], row["industry_name"]]
                + [row[key] for key in FIGURES]
            )
        )
    totals = coverage.totals(rows) if rows else dict.fromkeys(FIGURES, 0)
    sheet.append(_row([_("合计"), "", "", ""] + [totals[key] for key in FIGURES]))

    sheet = book.create_sheet(_("下一步需检查"))
    sheet.append(
        _row(
            [
                _("统一社会信用代码"),
                _("企业"),
                _("生产线编号"),
                _("规则编号"),
                _("规则"),
                _("所缺数据"),
            ]
        )
    )
    gaps = list(gaps)
    descriptions = rule_descriptions(gap.rule_id for gap in gaps)
    for gap in gaps:
        sheet.append(
            _row(
                [
                    gap.enterprise.credit_code,
                    gap.enterprise.name,
                    gap.line.code if gap.line_id else "",
                    gap.rule_id,
                    descriptions.get(gap.rule_id, ""),
                    needed_text(gap.needed),
                ]
            )
        )
    book.save(target)


def campaign_gaps(campaign: ScreeningCampaign):
    return (
        DataGap.objects.filter(campaign=campaign)
        .select_related("enterprise", "line")
        .order_by("enterprise__name", "enterprise_id", "line__code", "rule_id")
    )


def write_what_if(target: IO[bytes], report: WhatIfReport) -> None:
    """Three sheets: 汇总 (by region and industry), 企业, 生产线."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("汇总"))
    sheet.append(
        _row(
            [
                _("区域代码"),
                _("区域"),
                _("行业代码"),
                _("行业"),
                _("企业数"),
                _("生产线数"),
                _("产能"),
                _("产能单位"),
            ]
        )
    )
    for row in report.rows:
        items = row.capacity_items or [("", None)]
        for index, (unit, amount) in enumerate(items):
            head = [row.region_code, row.region_name, row.industry_code, row.industry_name]
            counts = [row.enterprises, row.lines] if index == 0 else ["", ""]
            sheet.append(_row(head + counts + [amount, unit]))
    sheet = book.create_sheet(_("企业"))
    sheet.append(_row([_("统一社会信用代码"), _("企业"), _("区域"), _("行业"), _("不达标的规则")]))
    for enterprise in report.enterprises:
        sheet.append(
            _row(
                [
                    enterprise["credit_code"],
                    enterprise["name"],
                    enterprise["region_name"],
                    enterprise["industry_name"],
                    "、".join(enterprise["rules"]),
                ]
            )
        )
    sheet = book.create_sheet(_("生产线"))
    sheet.append(
        _row(
            [
                _("统一社会信用代码"),
                _("企业"),
                _("生产线编号"),
                _("生产线名称"),
                _("区域"),
                _("行业"),
                _("产能"),
                _("产能单位"),
                _("不达标的规则"),
            ]
        )
    )
    for line in report.lines:
        sheet.append(
            _row(
                [
                    line.credit_code,
                    line.enterprise_name,
                    line.line_code,
                    line.line_name,
                    line.region_name,
                    line.industry_name,
                    line.capacity,
                    line.capacity_unit_display,
                    "、".join(line.rules),
                ]
            )
        )
    book.save(target)
