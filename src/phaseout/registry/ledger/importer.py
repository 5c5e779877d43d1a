"""台账导入: bring an office's enterprise and production-line tables into the registry.

All or nothing. The files are read and every row is checked first, in plain Python against
lookup tables loaded once; then the registry is checked (who already exists, in whose scope);
only if nothing at all is wrong are the rows written, in one transaction, in bulk, with their
history. Importing the same files again changes nothing: enterprises are matched on the
统一社会信用代码 and lines on (enterprise, 生产线编号), and only rows that differ are updated.

An empty cell, or a column the file does not have, leaves the stored value as it is (a new
record gets the default): a partial ledger never wipes out what another office recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry.choices import EQUIPMENT_CAPACITY_UNITS
from phaseout.registry.creditcode import credit_code_problem
from phaseout.registry.ledger import history
from phaseout.registry.ledger.columns import (
    ENTERPRISES,
    LINES,
    SHEET_NAMES,
    cell_text,
    choice_lookups,
    code_text,
    max_length_problem,
    read_capacity,
    read_choice,
    read_employees,
    read_size,
    read_year,
)
from phaseout.registry.ledger.reader import Source, Table, as_source, iter_tables
from phaseout.registry.ledger.report import Counts, ImportReport
from phaseout.registry.models import (
    Enterprise,
    Industry,
    LedgerImport,
    ProductionLine,
    size_missing_message,
    size_unit_missing_message,
    size_unit_problem,
    unit_mismatch_message,
)
from phaseout.registry.services import ENTERPRISE_VALUE_COLUMNS, LINE_VALUE_COLUMNS

BATCH = 2000
PROGRESS_EVERY = 1000

# The values an import may set, in the order the parsed rows hold them (None: not given).
ENTERPRISE_FIELDS = ENTERPRISE_VALUE_COLUMNS
LINE_FIELDS = LINE_VALUE_COLUMNS
_EQUIPMENT, _SIZE_UNIT = LINE_FIELDS.index("equipment_type"), LINE_FIELDS.index("size_unit")
_STATUS = LINE_FIELDS.index("status")

Progress = Callable[..., Any]


def import_ledger(
    files: Iterable[Any],
    *,
    by,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """导入企业台账: check the ledger files and, if all is well and not dry_run, write them.

    files: paths, Django UploadedFiles, or ``(name, binary file)`` pairs — one XLSX workbook
        (sheets 企业 and 生产线), or CSV files (enterprises, lines, or both), in any order.
    by: the importing user; the rows must lie in their scope (Scope.can_edit_registry) and the
        history records them. None means an operator at the command line: the whole registry,
        and history without a user.
    progress: a tqdm-like factory, called as ``progress(desc=..., total=..., unit=...)`` and
        returning an object with ``update(n)`` and ``close()``; None for no progress display.

    Problems in the files are returned in the report (`ImportReport.errors`), never raised;
    a person who may not change the registry at all gets PermissionDenied.
    """
    scope = None if by is None else Scope.of(by)
    if scope is not None and not scope.keeps_registry:
        raise PermissionDenied(_("您的角色或部门不能修改企业台账。"))
    sources = [as_source(f) for f in files]
    report = ImportReport(files=[s.name for s in sources], dry_run=dry_run)
    _Import(report, scope=scope, by=by, progress=progress).run(sources)
    return report


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _chunks(items: Iterable, size: int = BATCH):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Import:
    def __init__(self, report: ImportReport, *, scope: Scope | None, by, progress):
        self.report = report
        self.scope = scope
        self.by = by
        self.progress = progress
        self.labels: list[str] = []
        self.tables: dict[str, Table] = {}
        # credit code → (row, values in ENTERPRISE_FIELDS order)
        self.enterprises: dict[str, tuple[int, tuple]] = {}
        # (credit code, line code) → (row, values in LINE_FIELDS order)
        self.lines: dict[tuple[str, str], tuple[int, tuple]] = {}
        # Codes of every enterprise row, valid or not, so a line never reports its enterprise
        # missing when it is in the file with a mistake of its own.
        self.enterprise_codes: set[str] = set()

    def bar(self, desc: str, total: int | None = None):
        if self.progress is None:
            return _NoProgress()
        return self.progress(desc=desc, total=total, unit=_("行"))

    # — the whole import —

    def run(self, sources: list[Source]) -> None:
        report = self.report
        self.load_lookups()
        for source in sources:
            self.labels.append(source.name)
            for table in iter_tables(source, report):
                self.labels.append(table.label)
                self.read_table(table)
        if not report.errors and not self.enterprises and not self.lines:
            report.error(
                "、".join(report.files), None, None, _("没有可导入的数据：表中没有数据行。")
            )
        if report.errors:
            # Still look the rows up in the registry, so that every problem is listed at once.
            self.check_registry()
            report.sort(self.labels)
            return
        hashes = [] if report.dry_run else [(s.name, s.size, s.sha256()) for s in sources]
        # A dry run reads only; it must not hold SQLite's write lock (transaction_mode IMMEDIATE).
        atomic = contextlib.nullcontext() if report.dry_run else transaction.atomic()
        try:
            with atomic:
                self.check_registry()
                if not report.errors:
                    self.write()
                    if not report.dry_run:
                        self.record(hashes)
        except IntegrityError:
            # Someone registered the same enterprise or line between our check and our write;
            # the transaction is rolled back, so nothing of this import is kept.
            report.error(
                "、".join(report.files),
                None,
                None,
                _("导入期间台账被他人同时修改，本次未写入任何数据，请重新导入。"),
            )
            report.enterprises, report.lines = Counts(), Counts()
        report.sort(self.labels)

    def load_lookups(self) -> None:
        regions = list(Region.objects.all())
        self.regions_by_id = {r.pk: r for r in regions}
        self.regions = {r.code: r for r in regions if r.valid_to is None}
        self.retired = {r.code: r for r in regions if r.valid_to is not None}
        self.editable = {
            r.pk: self.scope is None or self.scope.can_edit_registry(r) for r in regions
        }
        self.industries = dict(Industry.objects.values_list("code", "pk"))
        self.choices = choice_lookups()

    # — reading and checking the rows —

    def read_table(self, table: Table) -> None:
        report = self.report
        other = self.tables.get(table.kind)
        if other is not None:
            report.error(
                table.label,
                table.header_row,
                None,
                _("本次导入已有一张%(kind)s表（%(other)s），同一种表只能有一张。")
                % {"kind": SHEET_NAMES[table.kind], "other": other.label},
            )
            return
        self.tables[table.kind] = table
        check = self.enterprise_row if table.kind == ENTERPRISES else self.line_row
        bar = self.bar(_("读取%(file)s") % {"file": table.label})
        count = 0
        for number, cells in table.rows:
            check(table, number, cells)
            count += 1
            if count % PROGRESS_EVERY == 0:
                bar.update(PROGRESS_EVERY)
        bar.update(count % PROGRESS_EVERY)
        bar.close()
        if count == 0:
            report.warn(table.label, None, None, _("表中没有数据行。"))

    def _cells(self, table: Table, cells: tuple) -> dict[str, Any]:
        n = len(cells)
        return {key: cells[i] if i < n else None for key, i in table.columns.items()}

    def _error(self, table: Table, row: int, key: str, message: str) -> None:
        self.report.error(table.label, row, table.header(key), message)

    def _text(self, table, row, raw, key, limit, *, required=False) -> str | None:
        text = cell_text(raw)
        if not text:
            if required:
                self._error(table, row, key, _("必填，不能为空。"))
            return None
        problem = max_length_problem(text, limit) if limit else None
        if problem:
            self._error(table, row, key, problem)
            return None
        return text

    def _credit_code(self, table, row, raw) -> str | None:
        code = code_text(raw)
        if not code:
            self._error(table, row, "credit_code", _("必填，不能为空。"))
            return None
        problem = credit_code_problem(code)
        if problem:
            self._error(table, row, "credit_code", problem)
            return None
        return code

    def _choice(self, table, row, raw, key, lookup_key, *, required=False) -> str | None:
        text = cell_text(raw)
        if not text:
            if required:
                self._error(table, row, key, _("必填，不能为空。"))
            return None
        value, problem = read_choice(text, self.choices[lookup_key], lookup_key)
        if problem:
            self._error(table, row, key, problem)
        return value

    def _number(self, table, row, raw, key, reader, *, required=False):
        if cell_text(raw) == "":
            if required:
                self._error(table, row, key, _("必填，不能为空。"))
            return None
        value, problem = reader(raw)
        if problem:
            self._error(table, row, key, problem)
        return value

    def enterprise_row(self, table: Table, row: int, cells: tuple) -> None:
        c = self._cells(table, cells)
        errors_before = len(self.report.errors)
        code = None
        if "credit_code" in c:
            code = self._credit_code(table, row, c["credit_code"])
            raw_code = code_text(c["credit_code"])
            if raw_code:
                self.enterprise_codes.add(raw_code)
        name = self._text(table, row, c.get("name"), "name", 200, required="name" in c)
        region_id = self._region(table, row, c["region"]) if "region" in c else None
        industry_id = self._industry(table, row, c["industry"]) if "industry" in c else None
        size = self._choice(table, row, c.get("size"), "size", "size", required="size" in c)
        values = (
            name,
            region_id,
            industry_id,
            size,
            self._choice(table, row, c.get("legal_standing"), "legal_standing", "legal_standing"),
            self._text(table, row, c.get("address"), "address", 300),
            self._text(table, row, c.get("legal_representative"), "legal_representative", 100),
            self._number(table, row, c.get("employees"), "employees", read_employees),
            self._choice(table, row, c.get("status"), "status", "enterprise_status"),
            _notes(c.get("notes")),
        )
        if code is None:
            return
        first = self.enterprises.get(code)
        if first is not None:
            self._error(
                table,
                row,
                "credit_code",
                _("统一社会信用代码与第%(row)d行重复。") % {"row": first[0]},
            )
            return
        if len(self.report.errors) == errors_before:
            self.enterprises[code] = (row, values)
        else:
            # Keep the row's number for the duplicate check; the import is failing anyway.
            self.enterprises[code] = (row, ())

    def _region(self, table, row, raw) -> int | None:
        code = code_text(raw)
        if not code:
            self._error(table, row, "region", _("必填，不能为空。"))
            return None
        region = self.regions.get(code)
        if region is None:
            retired = self.retired.get(code)
            if retired is not None:
                message = _("行政区划代码“%(code)s”已于%(date)s停用，请填写现行代码。") % {
                    "code": code,
                    "date": retired.valid_to.isoformat(),
                }
            else:
                message = _("未知的行政区划代码“%(code)s”。") % {"code": code}
            self._error(table, row, "region", message)
            return None
        if not self.editable[region.pk]:
            self._error(
                table,
                row,
                "region",
                _("%(region)s不在您的管辖范围内，不能导入该地区的企业。") % {"region": region},
            )
            return None
        return region.pk

    def _industry(self, table, row, raw) -> int | None:
        code = code_text(raw)
        if not code:
            self._error(table, row, "industry", _("必填，不能为空。"))
            return None
        pk = self.industries.get(code)
        if pk is None and code.isdigit() and len(code) in (1, 3):
            # Excel drops the leading zero of a code typed as a number (0610 → 610).
            pk = self.industries.get("0" + code)
        if pk is None:
            self._error(
                table,
                row,
                "industry",
                _("未知的行业代码“%(code)s”（应为GB/T 4754-2017国民经济行业代码）。")
                % {"code": code},
            )
        return pk

    def line_row(self, table: Table, row: int, cells: tuple) -> None:
        c = self._cells(table, cells)
        errors_before = len(self.report.errors)
        code = self._credit_code(table, row, c["credit_code"]) if "credit_code" in c else None
        line_code = self._text(table, row, c.get("code"), "code", 50, required="code" in c)
        equipment = self._choice(
            table,
            row,
            c.get("equipment_type"),
            "equipment_type",
            "equipment_type",
            required="equipment_type" in c,
        )
        capacity = self._number(
            table, row, c.get("capacity"), "capacity", read_capacity, required="capacity" in c
        )
        unit = self._choice(
            table,
            row,
            c.get("capacity_unit"),
            "capacity_unit",
            "capacity_unit",
            required="capacity_unit" in c,
        )
        if equipment and unit and unit not in EQUIPMENT_CAPACITY_UNITS.get(equipment, ()):
            self._error(table, row, "capacity_unit", unit_mismatch_message(equipment, unit))
        size, size_unit = self._size(table, row, c, equipment)
        values = (
            self._text(table, row, c.get("name"), "name", 200),
            equipment,
            capacity,
            unit,
            size,
            size_unit,
            self._choice(table, row, c.get("process"), "process", "process"),
            self._choice(table, row, c.get("product"), "product", "product"),
            self._number(table, row, c.get("commissioning_year"), "commissioning_year", read_year),
            self._choice(table, row, c.get("status"), "status", "line_status"),
            _notes(c.get("notes")),
        )
        if code is None or line_code is None:
            return
        key = (code, line_code)
        first = self.lines.get(key)
        if first is not None:
            self._error(
                table,
                row,
                "code",
                _("该企业的生产线编号“%(code)s”与第%(row)d行重复。")
                % {"code": line_code, "row": first[0]},
            )
            return
        self.lines[key] = (row, values if len(self.report.errors) == errors_before else ())

    def _size(self, table, row, c, equipment) -> tuple[Any, str | None]:
        """设备规格 and 规格单位: both or neither in a row, the unit one the equipment is judged by."""
        size_given = cell_text(c.get("size")) != ""
        unit_given = cell_text(c.get("size_unit")) != ""
        size = self._number(table, row, c.get("size"), "size", read_size)
        unit = self._choice(table, row, c.get("size_unit"), "size_unit", "size_unit")
        if size_given and not unit_given:
            self._error(table, row, "size_unit", size_unit_missing_message(equipment))
        elif unit_given and not size_given:
            self._error(table, row, "size", size_missing_message())
        elif equipment and unit:
            problem = size_unit_problem(equipment, unit)
            if problem:
                self._error(table, row, "size_unit", problem)
        return size, unit

    # — checking against the registry —

    def check_registry(self) -> None:
        """Which enterprises exist already, and may this person change them where they are."""
        codes = set(self.enterprises) | {code for code, _ in self.lines}
        self.existing: dict[str, tuple[int, int]] = {}  # credit code → (pk, region id)
        for chunk in _chunks(sorted(codes)):
            self.existing.update(
                (code, (pk, region_id))
                for code, pk, region_id in Enterprise.objects.filter(
                    credit_code__in=chunk
                ).values_list("credit_code", "pk", "region_id")
            )
        enterprise_table = self.tables.get(ENTERPRISES)
        for code, (row, _values) in self.enterprises.items():
            found = self.existing.get(code)
            if found and not self.editable[found[1]]:
                self._error(
                    enterprise_table,
                    row,
                    "credit_code",
                    _("该企业已在台账中登记于%(region)s，不在您的管辖范围内。")
                    % {"region": self.regions_by_id[found[1]]},
                )
        # Without a credit-code column in the enterprise table, “not found” would be noise.
        enterprises_known = enterprise_table is None or "credit_code" in enterprise_table.columns
        line_table = self.tables.get(LINES)
        for (code, _line_code), (row, _values) in self.lines.items():
            if code in self.enterprises or code in self.enterprise_codes:
                continue
            found = self.existing.get(code)
            if found is None:
                if enterprises_known:
                    self._error(
                        line_table,
                        row,
                        "credit_code",
                        _(
                            "统一社会信用代码为“%(code)s”的企业既不在本次导入的企业表中，"
                            "也未在台账中登记。"
                        )
                        % {"code": code},
                    )
            elif not self.editable[found[1]]:
                self._error(
                    line_table,
                    row,
                    "credit_code",
                    _("该生产线所属企业登记于%(region)s，不在您的管辖范围内。")
                    % {"region": self.regions_by_id[found[1]]},
                )
        self.check_stored_sizes(line_table)
        self.check_held_statuses(line_table)

    def check_held_statuses(self, table: Table | None) -> None:
        """While a measure is in force on a line (封存, 停产, 断电 …, or one on its whole
        enterprise), its status changes only through the measure and its lifting, never by a
        ledger row (as the registry's form and API refuse it)."""
        from phaseout.enforcement.choices import MeasureKind
        from phaseout.enforcement.models import Measure
        from phaseout.enforcement.services import BLOCKS_OPERATING

        wanted: dict[tuple[int, str], tuple[int, str]] = {}
        for (code, line_code), (row, values) in self.lines.items():
            found = self.existing.get(code)
            if values and values[_STATUS] is not None and found is not None:
                wanted[(found[0], line_code)] = (row, values[_STATUS])
        for chunk in _chunks(sorted({pk for pk, _code in wanted})):
            held = Measure.objects.filter(
                enterprise_id__in=chunk,
                lifted_on__isnull=True,
                license__isnull=True,
                kind__in=sorted(BLOCKS_OPERATING),
            ).values_list("enterprise_id", "line_id", "kind")
            by_line: dict[int, set[str]] = {}
            by_enterprise: dict[int, set[str]] = {}
            for enterprise_pk, line_pk, kind in held:
                if line_pk is None:
                    by_enterprise.setdefault(enterprise_pk, set()).add(kind)
                else:
                    by_line.setdefault(line_pk, set()).add(kind)
            if not (by_line or by_enterprise):
                continue
            stored = ProductionLine.objects.filter(enterprise_id__in=chunk).values_list(
                "pk", "enterprise_id", "code", "status"
            )
            for line_pk, enterprise_pk, line_code, status in stored:
                kinds = by_line.get(line_pk, set()) | by_enterprise.get(enterprise_pk, set())
                row, new_status = wanted.get((enterprise_pk, line_code), (None, status))
                if kinds and new_status != status:
                    self._error(
                        table,
                        row,
                        "status",
                        _("该生产线有未解除的措施（%(m)s），状态须通过依法解除措施才能改变。")
                        % {"m": "、".join(sorted(str(MeasureKind(k).label) for k in kinds))},
                    )

    def check_stored_sizes(self, table: Table | None) -> None:
        """A row that changes a line's equipment type and leaves its size empty keeps the size
        stored for it (an empty cell changes nothing), so that size must fit the new type."""
        wanted: dict[tuple[int, str], tuple[int, str]] = {}
        for (code, line_code), (row, values) in self.lines.items():
            if not values or values[_SIZE_UNIT] is not None or values[_EQUIPMENT] is None:
                continue
            found = self.existing.get(code)
            if found is not None:
                wanted[(found[0], line_code)] = (row, values[_EQUIPMENT])
        for chunk in _chunks(sorted({pk for pk, _code in wanted})):
            stored = (
                ProductionLine.objects.filter(enterprise_id__in=chunk)
                .exclude(size_unit="")
                .values_list("enterprise_id", "code", "equipment_type", "size_unit")
            )
            for enterprise_pk, line_code, stored_equipment, unit in stored:
                row, equipment = wanted.get((enterprise_pk, line_code), (None, stored_equipment))
                problem = equipment != stored_equipment and size_unit_problem(equipment, unit)
                if problem:
                    self._error(
                        table,
                        row,
                        "equipment_type",
                        _(
                            "该生产线已登记的规格与本行的设备类型不符：%(problem)s"
                            "请在本行同时填写相符的设备规格和规格单位，或先在平台页面上修改。"
                        )
                        % {"problem": problem},
                    )

    # — writing —

    def write(self) -> None:
        self.now = timezone.now()
        reason = _("台账导入：%(files)s") % {"files": "、".join(self.report.files)}
        # simple_history keeps the change reason in a CharField(max_length=100).
        self.reason = reason if len(reason) <= 100 else reason[:99] + "…"
        self.created_pks: dict[str, int] = {}
        self.write_enterprises()
        self.write_lines()

    def _history_kwargs(self) -> dict[str, Any]:
        return {
            "batch_size": BATCH,
            "default_user": self.by,
            "default_change_reason": self.reason,
            "default_date": self.now,
        }

    def _set_based(self, model) -> bool:
        return connection.features.can_return_rows_from_bulk_insert and history.supported(model)

    def _create(self, model, objects: list) -> list:
        """Insert new rows and their “+” history rows (see ledger/history.py for why so)."""
        if not self._set_based(model):
            return bulk_create_with_history(objects, model, **self._history_kwargs())
        created = model._default_manager.bulk_create(objects, batch_size=BATCH)
        history.copy_to_history(
            model,
            [obj.pk for obj in created],
            history_type=history.CREATED,
            user=self.by,
            reason=self.reason,
            date=self.now,
        )
        return created

    def write_enterprises(self) -> None:
        build = _Builder(Enterprise, ("credit_code", *ENTERPRISE_FIELDS))
        counts, dry = self.report.enterprises, self.report.dry_run
        bar = self.bar(_("写入企业"), total=len(self.enterprises))
        for chunk in _chunks(self.enterprises.items()):
            new, pks = [], []
            for code, (_row, values) in chunk:
                found = self.existing.get(code)
                if found is None:
                    new.append(None if dry else build.new((code, *values)))
                else:
                    pks.append(found[0])
            counts.created += len(new)
            if new and not self.report.dry_run:
                created = self._create(Enterprise, new)
                self.created_pks.update((e.credit_code, e.pk) for e in created)
            if pks:
                current = Enterprise.objects.filter(pk__in=pks).values_list(*build.attnames)
                code_at = build.position("credit_code")
                changed = build.changes(
                    ((row, self.enterprises[row[code_at]][1]) for row in current), self.now
                )
                self._update(Enterprise, changed, counts, len(pks))
            bar.update(len(chunk))
        bar.close()

    def write_lines(self) -> None:
        build = _Builder(ProductionLine, ("enterprise_id", "code", *LINE_FIELDS))
        counts, dry = self.report.lines, self.report.dry_run
        bar = self.bar(_("写入生产线"), total=len(self.lines))
        for chunk in _chunks(self.lines.items()):
            new, matched, enterprise_pks = [], {}, set()
            for (code, line_code), (_row, values) in chunk:
                found = self.existing.get(code)
                if found is None:
                    # A new enterprise has no lines yet (in a dry run it has no pk either).
                    new.append(
                        None if dry else build.new((self.created_pks.get(code), line_code, *values))
                    )
                else:
                    matched[(found[0], line_code)] = values
                    enterprise_pks.add(found[0])
            stored = []
            if enterprise_pks:
                at = build.position("enterprise_id"), build.position("code")
                stored = [
                    row
                    for row in ProductionLine.objects.filter(
                        enterprise_id__in=enterprise_pks
                    ).values_list(*build.attnames)
                    if (row[at[0]], row[at[1]]) in matched
                ]
                known = {(row[at[0]], row[at[1]]) for row in stored}
                for (enterprise_pk, line_code), values in matched.items():
                    if (enterprise_pk, line_code) not in known:
                        new.append(None if dry else build.new((enterprise_pk, line_code, *values)))
                changed = build.changes(
                    ((row, matched[(row[at[0]], row[at[1]])]) for row in stored), self.now
                )
                self._update(ProductionLine, changed, counts, len(stored))
            counts.created += len(new)
            if new and not self.report.dry_run:
                self._create(ProductionLine, new)
            bar.update(len(chunk))
        bar.close()

    def _update(self, model, changed: tuple[list, set[str]], counts: Counts, matched: int) -> None:
        objects, fields = changed
        counts.updated += len(objects)
        counts.unchanged += matched - len(objects)
        if not objects or self.report.dry_run:
            return
        fields = sorted(fields | {"updated_at"})
        if not self._set_based(model):
            bulk_update_with_history(objects, model, fields=fields, **self._history_kwargs())
            return
        model._default_manager.bulk_update(objects, fields, batch_size=BATCH)
        history.copy_to_history(
            model,
            [obj.pk for obj in objects],
            history_type=history.CHANGED,
            user=self.by,
            reason=self.reason,
            date=self.now,
        )

    def record(self, hashes: list[tuple[str, int, str]]) -> None:
        e, li = self.report.enterprises, self.report.lines
        self.report.record = LedgerImport.objects.create(
            user=self.by,
            files=[{"name": n, "size": size, "sha256": digest} for n, size, digest in hashes],
            dry_run=False,
            enterprises_created=e.created,
            enterprises_updated=e.updated,
            enterprises_unchanged=e.unchanged,
            lines_created=li.created,
            lines_updated=li.updated,
            lines_unchanged=li.unchanged,
        )


def _notes(raw: Any) -> str | None:
    text = cell_text(raw).replace("\r\n", "\n").replace("\r", "\n")
    return text or None


class _Builder:
    """Model instances from parsed rows, built positionally (Model(*args) is Django's fast path).

    keys: the fields a parsed row carries, in order; a None among them means “not given”: the
    field's default for a new record, the stored value for an existing one.
    """

    def __init__(self, model: type[models.Model], keys: tuple[str, ...]):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.defaults = [f.get_default() for f in fields]
        self.slots = [self.attnames.index(k) for k in keys]
        self.updated_at = self.attnames.index("updated_at")

    def position(self, attname: str) -> int:
        return self.attnames.index(attname)

    def new(self, values: tuple) -> models.Model:
        args = list(self.defaults)
        for slot, value in zip(self.slots, values, strict=True):
            if value is not None:
                args[slot] = value
        return self.model(*args)

    def changes(self, pairs, now) -> tuple[list[models.Model], set[str]]:
        """Instances for the stored rows that the file changes, and the fields it changes.

        pairs: (stored row in attname order, parsed values in `keys` order minus the key
        fields already matched). Only the trailing, non-key slots are compared.
        """
        objects, fields = [], set()
        for stored, values in pairs:
            slots = self.slots[len(self.slots) - len(values) :]
            args = None
            for slot, value in zip(slots, values, strict=True):
                if value is not None and value != stored[slot]:
                    if args is None:
                        args = list(stored)
                    args[slot] = value
                    fields.add(self.attnames[slot])
            if args is not None:
                args[self.updated_at] = now
                objects.append(self.model(*args))
        return objects, fields
