"""The case list as an XLSX workbook: the rows of the filtered list, one sheet.

Every text cell goes through ``core.exports.neutralise`` (formula injection); dates stay dates.
Written with openpyxl's write-only mode, streaming the rows from the database.
"""

from __future__ import annotations

from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from phaseout.core.exports import neutralise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def case_headers() -> list[str]:
    return [
        _("案件编号"),
        _("企业"),
        _("统一社会信用代码"),
        _("生产线"),
        _("行政区划"),
        _("维度"),
        _("承办部门"),
        _("状态"),
        _("期限类别"),
        _("期限届满日"),
        _("期限计算"),
        _("期限为暂定"),
        _("逾期日"),
        _("立案时间"),
    ]


def write_cases(target: IO[bytes], cases: QuerySet) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("案件"))
    sheet.append(case_headers())
    rows = cases.select_related("enterprise", "line", "region", "department")
    for case in rows.iterator(chunk_size=2000):
        cells = [
            case.number,
            case.enterprise.name,
            case.enterprise.credit_code,
            case.line.code if case.line_id else "",
            case.region.name,
            str(case.get_dimension_display()),
            case.department.name,
            str(case.get_state_display()),
            str(case.get_due_kind_display()) if case.due_kind else "",
            case.due_on,
            case.due_explanation,
            _("暂定") if case.due_provisional else "",
            case.overdue_since,
            timezone.localtime(case.opened_at).replace(tzinfo=None),
        ]
        sheet.append([neutralise(cell) for cell in cells])
    book.save(target)
