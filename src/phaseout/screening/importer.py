"""检测值导入: measurements from an office's spreadsheet (docs/measurement-format.md).

All or nothing, like the ledger import: every file is read and every row checked first (cells,
then the registry: enterprise, line, unit conversion through ``services.new_measurement``);
only if nothing at all is wrong are the rows written, in one transaction, with their history.
A row identical to a measurement already recorded (same enterprise, line, metric, date, source,
value and unit) is not written again, so importing the same file twice changes nothing.

Files are read with the ledger's reader (XLSX through python-calamine; CSV in UTF-8, UTF-8 with
BOM or GBK) and problems are reported the same way: file, row as Excel shows it, column as
written in the header, and what is wrong, in Chinese.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from phaseout.regions.scope import Scope
from phaseout.registry.ledger.columns import (
    Column,
    cell_text,
    choice_lookup,
    code_text,
    normalise_header,
    normalise_text_key,
)

# The ledger reader's file checks and row readers: one way to read an office's spreadsheet.
from phaseout.registry.ledger.reader import (
    Source,
    _calamine_rows,
    _guarded,
    _guarded_csv,
    as_source,
    detect_encoding,
    iter_file,
    open_workbook,
)
from phaseout.registry.ledger.report import LedgerError
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening import services
from phaseout.screening.choices import Source as MeasurementSource
from phaseout.screening.models import Measurement
from phaseout.standards.catalog import metrics

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 5
BATCH = 2000

# The file format (docs/measurement-format.md): fixed Chinese headers, whatever the UI language.
COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, ("社会信用代码", "信用代码")),
    Column("line", "生产线编号", False, ("设备编号",)),
    Column("metric", "指标", True, ("检测指标", "指标代码", "指标名称")),
    Column("value", "数值", True, ("检测值", "测定值", "结果")),
    Column("unit", "单位", False, ("计量单位",)),
    Column("date", "检测日期", True, ("检查日期", "日期")),
    Column("source", "来源", True, ("数据来源",)),
    Column("method", "检测方法", False, ("方法",)),
    Column("notes", "备注", False),
)
HEADERS = {
    normalise_header(name): column
    for column in COLUMNS
    for name in (column.header, *column.aliases)
}
# A service's ValidationError names a model field; the row's problem names the column.
FIELD_COLUMNS = {
    "enterprise": "credit_code",
    "line": "line",
    "metric": "metric",
    "value": "value",
    "unit": "unit",
    "date": "date",
    "source": "source",
    "method": "method",
    "notes": "notes",
}


@dataclass
class MeasurementImportReport:
    """The outcome of `import_measurements`. Nothing was written unless `ok` and not `dry_run`."""

    files: list[str]
    dry_run: bool = False
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def rows(self) -> int:
        return self.created + self.unchanged

    def error(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(LedgerError(file, row, column, str(message)))

    def warn(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(LedgerError(file, row, column, str(message)))

    def sort(self, labels: list[str]) -> None:
        order = {label: i for i, label in enumerate(labels)}

        def key(problem: LedgerError) -> tuple[int, int]:
            return (order.get(problem.file.split("［")[0], len(order)), problem.row or 0)

        self.errors.sort(key=key)
        self.warnings.sort(key=key)


@dataclass
class _Table:
    label: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    rows: Iterator[tuple[int, tuple]]

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in COLUMNS if c.key == key)


@dataclass
class _Row:
    table: _Table
    number: int
    credit_code: str
    line_code: str
    metric: str
    value: str
    unit: str
    date: datetime.date
    source: str
    method: str
    notes: str


def import_measurements(
    files: Iterable[Any], *, by, dry_run: bool = False
) -> MeasurementImportReport:
    """导入检测值: check the files and, if nothing is wrong and not dry_run, record every row.

    files: paths, Django UploadedFiles, or ``(name, binary file)`` pairs (XLSX or CSV).
    by: the importing user — every row's enterprise must be in their scope and they must be
    allowed to screen its region (``services.require_screening``); None is an operator at the
    command line (the whole registry). Problems are returned in the report, never raised; a
    person who may not record measurements at all gets PermissionDenied.
    """
    if by is not None:
        scope = Scope.of(by)
        if not scope.keeps_registry or scope.is_enterprise_user:
            raise PermissionDenied(_("您的角色或部门不能开展排查或录入检测数据。"))
    sources = [as_source(f) for f in files]
    report = MeasurementImportReport(files=[s.name for s in sources], dry_run=dry_run)
    rows: list[_Row] = []
    for source in sources:
        for table in _tables(source, report):
            rows.extend(_parse(table, report))
    measurements, unchanged = _check_registry(rows, report, by)
    report.sort(report.files)
    if report.errors:
        return report
    report.unchanged = unchanged
    report.created = len(measurements)
    if not dry_run and measurements:
        with transaction.atomic():
            bulk_create_with_history(measurements, Measurement, batch_size=BATCH, default_user=by)
    return report


# — reading —


def _tables(source: Source, report: MeasurementImportReport) -> Iterator[_Table]:
    """The file checks are the ledger's (size, content matching the extension)."""
    return iter_file(source, report, xlsx=_xlsx_tables, csv=_csv_tables)


def _xlsx_tables(source: Source, fh: IO[bytes], report) -> Iterator[_Table]:
    workbook = open_workbook(source, fh, report)
    if workbook is None:
        return
    found = False
    for title in workbook.sheet_names:
        label = f"{source.name}［{title}］"
        try:
            sheet = workbook.get_sheet_by_name(title)
        except Exception:  # a chart sheet, or a damaged one
            continue
        table = _table(label, _guarded(_calamine_rows(sheet), label, report), report, quiet=True)
        if table is not None:
            found = True
            yield table
    if not found:
        report.error(
            source.name,
            None,
            None,
            _("工作簿中没有可导入的检测值表：表头应有“统一社会信用代码”“指标”“数值”等列。"),
        )


def _csv_tables(source: Source, fh: IO[bytes], report) -> Iterator[_Table]:
    import csv
    import io

    encoding = detect_encoding(fh)
    if encoding is None:
        report.error(
            source.name,
            None,
            None,
            _("无法读取该CSV文件：它不是UTF-8或GBK（GB18030）编码的文本文件。"),
        )
        return
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        rows = _guarded_csv(enumerate(reader, start=1), source.name, report)
        table = _table(source.name, rows, report, quiet=False)
        if table is not None:
            yield table
    finally:
        text.detach()


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _known(cells) -> int:
    return len({normalise_header(c) for c in cells} & set(HEADERS))


def _table(label: str, rows: Iterator, report, *, quiet: bool) -> _Table | None:
    """Find the header row (a title row may stand above it) and map the columns."""
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    at = next((i for i, (_n, cells) in enumerate(head) if _known(cells) >= 2), None)
    if at is None:
        if _blank(c for _n, cells in head for c in cells):
            if not quiet:
                report.error(label, None, None, _("文件为空。"))
            return None
        message = _("无法识别这张表：表头应有“统一社会信用代码”“指标”“数值”“检测日期”“来源”等列。")
        if quiet:
            report.warn(label, None, None, _("已忽略：") + message)
        else:
            report.error(label, head[0][0] if head else None, None, message)
        return None
    header_row, cells = head[at]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, raw in enumerate(cells):
        name = normalise_header(raw)
        if not name:
            continue
        written = str(raw).strip()
        column = HEADERS.get(name)
        if column is None:
            report.warn(label, header_row, written, _("无法识别的列，已忽略。"))
        elif column.key in columns:
            report.error(
                label,
                header_row,
                written,
                _("与“%(other)s”列重复。") % {"other": headers[column.key]},
            )
        else:
            columns[column.key] = index
            headers[column.key] = written
    missing = [c for c in COLUMNS if c.required and c.key not in columns]
    for column in missing:
        report.error(
            label,
            header_row,
            column.header,
            _("缺少必填列“%(column)s”。") % {"column": column.header},
        )
    if missing:
        return None
    rest = itertools.chain(head[at + 1 :], rows)
    return _Table(
        label=label,
        header_row=header_row,
        columns=columns,
        headers=headers,
        rows=((n, tuple(c)) for n, c in rest if not _blank(c)),
    )


# — cells —


def metric_lookup() -> dict[str, str]:
    """Every accepted spelling of a metric (its code, its Chinese name) → the code."""
    lookup = {}
    for code, spec in metrics().items():
        lookup[code] = lookup[code.lower()] = code
        lookup[normalise_text_key(spec.name)] = code
    return lookup


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def read_date(value: Any) -> tuple[datetime.date | None, str | None]:
    """A date as offices write it: 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日, 20250601."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = cell_text(value)
    match = _DATE.match(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
    problem = _("“%(value)s”不是日期，应写作 YYYY-MM-DD（如 2025-06-01）。") % {"value": text}
    if match is None:
        return None, problem
    try:
        return datetime.date(*(int(part) for part in match.groups())), None
    except ValueError:
        return None, problem


def _cell(cells: tuple, table: _Table, key: str) -> Any:
    index = table.columns.get(key)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _parse(table: _Table, report: MeasurementImportReport) -> Iterator[_Row]:
    metric_codes = metric_lookup()
    source_codes = choice_lookup(MeasurementSource)
    today = timezone.localdate()
    for number, cells in table.rows:

        def bad(key: str, message: str, number=number) -> None:
            report.error(table.label, number, table.header(key), message)

        before = len(report.errors)
        texts = {c.key: cell_text(_cell(cells, table, c.key)) for c in COLUMNS}
        for column in COLUMNS:
            if column.required and not texts[column.key]:
                bad(column.key, _("必填，不能为空。"))
        credit_code = code_text(_cell(cells, table, "credit_code"))
        metric = None
        if texts["metric"]:
            metric = metric_codes.get(texts["metric"]) or metric_codes.get(
                normalise_text_key(texts["metric"])
            )
            if metric is None:
                bad(
                    "metric",
                    _("无法识别的指标“%(value)s”：应填指标代码或中文名称（见指标表）。")
                    % {"value": texts["metric"]},
                )
        source = None
        if texts["source"]:
            source = source_codes.get(texts["source"]) or source_codes.get(
                normalise_text_key(texts["source"])
            )
            if source is None:
                bad(
                    "source",
                    _("无法识别“%(value)s”，应为：%(choices)s。")
                    % {
                        "value": texts["source"],
                        "choices": "、".join(str(label) for label in MeasurementSource.labels),
                    },
                )
        day = None
        raw_date = _cell(cells, table, "date")
        if texts["date"]:
            day, problem = read_date(raw_date)
            if problem:
                bad("date", problem)
            elif day > today:
                bad("date", _("检测日期不能晚于今天。"))
        if len(report.errors) > before:
            continue
        yield _Row(
            table=table,
            number=number,
            credit_code=credit_code,
            line_code=texts["line"],
            metric=metric,
            value=texts["value"],
            unit=texts["unit"],
            date=day,
            source=source,
            method=texts["method"],
            notes=texts["notes"],
        )


# — the registry —


def _check_registry(
    rows: list[_Row], report: MeasurementImportReport, by
) -> tuple[list[Measurement], int]:
    """Rows → unsaved measurements, each validated by the service; errors name row and column."""
    if not rows:
        return [], 0
    enterprises_qs = Enterprise.objects.all() if by is None else Scope.of(by).enterprises()
    codes = {row.credit_code for row in rows}
    enterprises = {
        e.credit_code: e
        for e in enterprises_qs.filter(credit_code__in=codes).select_related("region")
    }
    allowed: dict[int, str | None] = {}
    for enterprise in enterprises.values():
        if enterprise.region_id in allowed:
            continue
        try:
            services.require_screening(by, enterprise.region)
            allowed[enterprise.region_id] = None
        except PermissionDenied as exc:
            allowed[enterprise.region_id] = str(exc)
    lines = {
        (line.enterprise_id, line.code): line
        for line in ProductionLine.objects.filter(
            enterprise__in=list(enterprises.values()),
            code__in={row.line_code for row in rows if row.line_code},
        )
    }
    existing = _existing_keys(enterprises.values(), rows)
    seen: dict[tuple, int] = {}
    measurements: list[Measurement] = []
    unchanged = 0
    for row in rows:

        def bad(key: str | None, message: str, row=row) -> None:
            column = row.table.header(key) if key else None
            report.error(row.table.label, row.number, column, message)

        enterprise = enterprises.get(row.credit_code)
        if enterprise is None:
            bad(
                "credit_code",
                _("没有统一社会信用代码为“%(code)s”的企业，或该企业不在您的管辖范围内。")
                % {"code": row.credit_code},
            )
            continue
        if allowed[enterprise.region_id]:
            bad("credit_code", allowed[enterprise.region_id])
            continue
        line = None
        if row.line_code:
            line = lines.get((enterprise.pk, row.line_code))
            if line is None:
                bad(
                    "line",
                    _("企业“%(name)s”没有编号为“%(code)s”的生产线。")
                    % {"name": enterprise.name, "code": row.line_code},
                )
                continue
        try:
            measurement = services.new_measurement(
                enterprise=enterprise,
                line=line,
                metric=row.metric,
                value=row.value,
                unit=row.unit,
                date=row.date,
                source=row.source,
                method=row.method,
                notes=row.notes,
                by=by,
            )
        except ValidationError as exc:
            _report_validation(exc, bad)
            continue
        key = _key(measurement)
        if key in seen:
            report.warn(
                row.table.label,
                row.number,
                None,
                _("与第%(row)d行重复，只记录一次。") % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        if key in existing:
            unchanged += 1
            continue
        measurements.append(measurement)
    return measurements, unchanged


def _report_validation(exc: ValidationError, bad) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            bad(None, message)
        return
    for name, errors in exc.error_dict.items():
        key = FIELD_COLUMNS.get(name)
        for message in ValidationError(errors).messages:
            bad(key, message)


def _key(m: Measurement) -> tuple:
    return (
        m.enterprise_id,
        m.line_id,
        m.metric,
        m.date,
        m.source,
        Decimal(m.value).normalize(),
        m.unit,
    )


def _existing_keys(enterprises: Iterable[Enterprise], rows: list[_Row]) -> set[tuple]:
    ids = [e.pk for e in enterprises]
    dates = {row.date for row in rows}
    if not ids or not dates:
        return set()
    found = set()
    fields = ("enterprise_id", "line_id", "metric", "date", "source", "value", "unit")
    for start in range(0, len(ids), 500):
        for values in Measurement.objects.filter(
            enterprise_id__in=ids[start : start + 500], date__gte=min(dates), date__lte=max(dates)
        ).values_list(*fields):
            *head, value, unit = values
            found.add((*head, Decimal(value).normalize(), unit))
    return found
