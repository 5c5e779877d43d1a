"""台账导出: the registry in a person's scope, in the very format the importer reads.

An export re-imported changes nothing: same headers, choice columns as their Chinese labels,
codes as text, numbers as numbers. Text cells are neutralised against formula injection
(core.exports). Rows are streamed from the database in chunks; XLSX is written with openpyxl's
write-only mode, so a province's ledger never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phaseout.core.exports import csv_chunks, neutralise
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry.ledger.columns import (
    CHOICES,
    COLUMNS,
    ENTERPRISES,
    LINES,
    SHEET_NAMES,
    zh_labels,
)
from phaseout.registry.models import Enterprise, ProductionLine

CHUNK = 2000

# Database paths of each exported column, in COLUMNS order.
_ENTERPRISE_VALUES = (
    "credit_code",
    "name",
    "region__code",
    "region__name",
    "industry__code",
    "industry__name",
    "size",
    "legal_standing",
    "address",
    "legal_representative",
    "employees",
    "status",
    "notes",
)
_LINE_VALUES = (
    "enterprise__credit_code",
    "enterprise__name",
    "code",
    "name",
    "equipment_type",
    "capacity",
    "capacity_unit",
    "size",
    "size_unit",
    "process",
    "product",
    "commissioning_year",
    "status",
    "notes",
)
# Column key → the choices whose Chinese label is written instead of the stored code.
_LABELLED = {
    ENTERPRISES: {
        "size": "size",
        "legal_standing": "legal_standing",
        "status": "enterprise_status",
    },
    LINES: {
        "equipment_type": "equipment_type",
        "capacity_unit": "capacity_unit",
        "size_unit": "size_unit",
        "process": "process",
        "product": "product",
        "status": "line_status",
    },
}


def headers(kind: str) -> list[str]:
    """The header row of a table, as in the template (required columns marked *)."""
    return [column.title for column in COLUMNS[kind]]


def ledger_querysets(by, *, region_code: str | None = None) -> tuple[QuerySet, QuerySet]:
    """The enterprises and lines `by` may read (None: everything), optionally under one region.

    Raises ValidationError for an unknown region code and PermissionDenied for a region
    outside the person's scope.
    """
    if by is None:
        enterprises, lines = Enterprise.objects.all(), ProductionLine.objects.all()
    else:
        scope = Scope.of(by)
        enterprises, lines = scope.enterprises(), scope.lines()
    if region_code:
        code = region_code.strip()
        # Checked before the query: PostgreSQL refuses text with NUL bytes (a 500 otherwise).
        region = Region.objects.current().filter(code=code).first() if code.isdigit() else None
        if region is None:
            raise ValidationError(_("未知的行政区划代码“%(code)s”。") % {"code": region_code})
        if by is not None and not Scope.of(by).can_read_region(region):
            raise PermissionDenied(_("%(region)s不在您的管辖范围内。") % {"region": region})
        enterprises = enterprises.filter(region__code__startswith=region.prefix)
        lines = lines.filter(enterprise__region__code__startswith=region.prefix)
    return enterprises, lines


def _number(value: Any) -> Any:
    """A Decimal as the plainest number: 1200.000 → 1200, 0.500 → 0.5 (a float keeps 15 digits)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def rows(kind: str, queryset: QuerySet) -> Iterator[list[Any]]:
    """The data rows of a table (no header), cells in COLUMNS order, not yet neutralised."""
    paths = _ENTERPRISE_VALUES if kind == ENTERPRISES else _LINE_VALUES
    order = ("credit_code",) if kind == ENTERPRISES else ("enterprise__credit_code", "code")
    keys = [column.key for column in COLUMNS[kind]]
    labels = {
        i: zh_labels(CHOICES[choice])
        for i, key in enumerate(keys)
        if (choice := _LABELLED[kind].get(key))
    }
    numbers = [keys.index("capacity"), keys.index("size")] if kind == LINES else []
    for values in queryset.order_by(*order).values_list(*paths).iterator(chunk_size=CHUNK):
        row = list(values)
        for i, mapping in labels.items():
            row[i] = mapping.get(row[i], row[i])
        for i in numbers:
            row[i] = _number(row[i])
        yield row


def csv_stream(kind: str, queryset: QuerySet) -> Iterator[bytes]:
    """A CSV file (UTF-8 with BOM, so Excel opens it) in chunks, for StreamingHttpResponse."""
    table = _with_header(kind, rows(kind, queryset))
    for text in csv_chunks(table):
        yield text.encode("utf-8")


def _with_header(kind: str, data: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield headers(kind)
    yield from data


def write_csv(target: str | Path | IO[bytes], kind: str, queryset: QuerySet) -> int:
    """Write one table as CSV; returns the number of data rows."""
    count = 0

    def counted():
        nonlocal count
        for row in rows(kind, queryset):
            count += 1
            yield row

    chunks = csv_chunks(_with_header(kind, counted()))
    if isinstance(target, (str, Path)):
        with Path(target).open("wb") as fh:
            for text in chunks:
                fh.write(text.encode("utf-8"))
    else:
        for text in chunks:
            target.write(text.encode("utf-8"))
    return count


def write_xlsx(
    target: str | Path | IO[bytes], enterprises: QuerySet, lines: QuerySet
) -> tuple[int, int]:
    """Write the workbook (sheets 企业 and 生产线); returns the numbers of data rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    counts = []
    for kind, queryset in ((ENTERPRISES, enterprises), (LINES, lines)):
        sheet = workbook.create_sheet(SHEET_NAMES[kind])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(COLUMNS[kind]):
            width = 22 if column.key in ("credit_code", "name", "address", "notes") else 14
            sheet.column_dimensions[_letter(i)].width = width
        sheet.append(headers(kind))
        count = 0
        for row in rows(kind, queryset):
            sheet.append([neutralise(cell) for cell in row])
            count += 1
        counts.append(count)
    workbook.save(target)
    return counts[0], counts[1]


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
