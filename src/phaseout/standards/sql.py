"""Set-based rule evaluation: one SQL query per rule over the whole screening scope.

For each rule the database finds, among every enterprise or line the rule covers in the scope,
those that fail it or lack the data to judge it, with the latest reading of each metric inside
the window (a window function, not a query per line). Only those rows come back; each is then
re-judged by ``standards.evaluate`` to record the steps of its explanation, so the stored
computation is the reference arithmetic and the SQL is only the filter. The property tests hold
the two to the same verdicts on random registries.

Thresholds are computed in double precision in both places, in the same order of operations,
so that a value exactly at a limit is judged the same way by both.

The query runs unchanged on SQLite and PostgreSQL (CTEs, ROW_NUMBER, CASE, LIKE).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection

from phaseout.core import rawsql
from phaseout.regions.models import Region
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine
from phaseout.standards import units
from phaseout.standards.catalog import Criterion, Rule
from phaseout.standards.evaluate import HeldLicense, Reading, Subject

EXCLUDED_ENTERPRISE_STATUSES = ("exited",)
# Dismantled and exited lines are no longer capacity; sealed ones still are until dismantled.
EXCLUDED_LINE_STATUSES = ("dismantled", "exited")


@dataclass(frozen=True)
class Scope:
    """Where a screening looks: a region subtree, some industries (code prefixes), a window."""

    region_prefix: str
    industries: tuple[str, ...]
    as_of: datetime.date
    measured_from: datetime.date
    measured_to: datetime.date

    @property
    def window(self) -> tuple[datetime.date, datetime.date]:
        return (self.measured_from, self.measured_to)


@dataclass
class Row:
    """One subject the query returned: its identity, and the subject to re-judge."""

    enterprise_id: int
    line_id: int | None
    region_code: str
    industry_code: str
    subject: Subject


@dataclass
class _Sql:
    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, text: str, *params) -> None:
        self.parts.append(text)
        self.params.extend(params)


def _lit(value: float) -> str:
    """A float literal that both databases compute with in double precision."""
    text = repr(float(value))
    if connection.vendor == "postgresql":
        return f"CAST({text} AS DOUBLE PRECISION)"
    return text


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _prefix_any(column: str, prefixes: Sequence[str], sql: _Sql, *, negate: bool = False) -> None:
    if not prefixes:
        return
    joined = " OR ".join(f"{column} LIKE %s" for _p in prefixes)
    sql.add(f" AND {'NOT ' if negate else ''}({joined})", *(f"{p}%" for p in prefixes))


def _in(column: str, values: Sequence[str], sql: _Sql) -> None:
    if values:
        sql.add(f" AND {column} IN ({', '.join('%s' for _v in values)})", *values)


def evaluate_rule(
    rule: Rule,
    scope: Scope,
    *,
    exclude_regions: Sequence[str] = (),
) -> Iterator[Row]:
    """Every subject in scope that fails the rule or lacks its data (a superset of both)."""
    if not rule.in_force(scope.as_of):
        return iter(())
    line_subject = rule.subject == "line"
    metrics = ((rule.metric,) if rule.metric else ()) + rule.params
    t = {
        "line": _q(ProductionLine._meta.db_table),
        "ent": _q(Enterprise._meta.db_table),
        "region": _q(Region._meta.db_table),
        "industry": _q(Industry._meta.db_table),
        "meas": _q(_measurement_table()),
        "lic": _q(License._meta.db_table),
    }
    sql = _Sql()
    if metrics:
        ctes = []
        partition = "line_id" if line_subject else "enterprise_id"
        for index, metric in enumerate(metrics):
            only_lines = " AND line_id IS NOT NULL" if line_subject else ""
            # One row per subject: its latest reading (rn = 1), picked by aggregating rather
            # than by a WHERE rn = 1 the planners cannot estimate. PostgreSQL took that filter
            # for a few dozen rows and joined every line to the whole CTE in a nested loop;
            # SQLite builds an automatic index on a grouped CTE but never on a windowed one.
            # Both were quadratic in the subjects covered (bench/screening.py, docs/performance.md).
            ctes.append(
                f"m{index} AS (SELECT sid, MAX(CASE WHEN rn = 1 THEN id END) AS id, "
                "MAX(CASE WHEN rn = 1 THEN val END) AS val, MAX(CASE WHEN rn = 1 THEN d END) AS d "
                f"FROM (SELECT {partition} AS sid, id, value_std AS val, date AS d, "
                f"ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY date DESC, id DESC) AS rn "
                f"FROM {t['meas']} WHERE metric = %s AND date >= %s AND date <= %s{only_lines}) "
                f"ranked{index} GROUP BY sid)"
            )
            sql.params.extend([metric, scope.measured_from, scope.measured_to])
        sql.parts.append("WITH " + ", ".join(ctes) + " ")
    reading_columns = "".join(f", m{i}.id, m{i}.val, m{i}.d" for i in range(len(metrics)))
    if line_subject:
        sql.add(
            "SELECT e.id, l.id, r.code, i.code, l.equipment_type, l.process, l.product, "
            "l.size, l.size_unit, l.capacity, l.capacity_unit, l.commissioning_year"
            f"{reading_columns}"
            f" FROM {t['line']} l JOIN {t['ent']} e ON e.id = l.enterprise_id"
        )
    else:
        license_count = (
            f", (SELECT COUNT(*) FROM {t['lic']} x WHERE x.enterprise_id = e.id AND x.kind = %s)"
            if rule.kind == "license"
            else ", 0"
        )
        sql.add(
            "SELECT e.id, NULL, r.code, i.code, '', '', '', NULL, '', NULL, '', NULL"
            f"{license_count}{reading_columns} FROM {t['ent']} e",
            *((rule.license_kind,) if rule.kind == "license" else ()),
        )
    sql.add(
        f" JOIN {t['region']} r ON r.id = e.region_id JOIN {t['industry']} i ON i.id = e.industry_id"
    )
    subject_id = "l.id" if line_subject else "e.id"
    for index in range(len(metrics)):
        sql.add(f" LEFT JOIN m{index} ON m{index}.sid = {subject_id}")
    sql.add(" WHERE r.code LIKE %s", f"{scope.region_prefix}%")
    _prefix_any("i.code", scope.industries, sql)
    sql.add(
        f" AND e.status NOT IN ({', '.join('%s' for _s in EXCLUDED_ENTERPRISE_STATUSES)})",
        *EXCLUDED_ENTERPRISE_STATUSES,
    )
    if line_subject:
        sql.add(
            f" AND l.status NOT IN ({', '.join('%s' for _s in EXCLUDED_LINE_STATUSES)})",
            *EXCLUDED_LINE_STATUSES,
        )
    # What the rule applies to.
    applies = rule.applies_to
    _prefix_any("i.code", applies.industries, sql)
    _prefix_any("r.code", applies.regions, sql)
    if rule.local_region:
        _prefix_any("r.code", (rule.local_region,), sql)
    for region in exclude_regions:
        _prefix_any("r.code", (region,), sql, negate=True)
    if line_subject:
        _in("l.equipment_type", applies.equipment, sql)
        _in("l.process", applies.processes, sql)
        _in("l.product", applies.products, sql)
    # What fails, or cannot be judged.
    if rule.kind in ("limit", "check"):
        unknown = "1 = 0"
        for criterion in rule.criteria:
            # A limit for one size class: lines known to be in another class are not covered.
            sql.add(f" AND {_not_known_false(criterion, sql)}")
        if rule.criteria:
            unknown = " OR ".join(f"({_unknown(c)})" for c in rule.criteria)
        if rule.kind == "limit":
            value, threshold = _limit_expressions(rule, scope.as_of, line_subject)
            op = ">" if rule.direction == "max" else "<"
            failing = f"{value} {op} {threshold}"
        else:
            failing = f"m0.val = {_lit(0)}"
        sql.add(f" AND ({unknown} OR m0.id IS NULL OR {failing})")
    elif rule.kind == "equipment":
        for criterion in rule.criteria:
            sql.add(f" AND {_not_known_false(criterion, sql)}")
    elif rule.kind == "license":
        sql.add(
            f" AND NOT EXISTS (SELECT 1 FROM {t['lic']} x WHERE x.enterprise_id = e.id"
            " AND x.kind = %s AND x.status = %s"
            " AND (x.valid_from IS NULL OR x.valid_from <= %s)"
            " AND (x.valid_until IS NULL OR x.valid_until >= %s))",
            rule.license_kind,
            "valid",
            scope.as_of,
            scope.as_of,
        )
    return _rows(rule, sql, metrics, line_subject)


def _rows(rule: Rule, sql: _Sql, metrics: tuple[str, ...], line_subject: bool) -> Iterator[Row]:
    with connection.cursor() as cursor:
        cursor.execute("".join(sql.parts), sql.params)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                break
            for raw in batch:
                yield _row(rule, raw, metrics, line_subject)


def _row(rule: Rule, raw, metrics, line_subject) -> Row:
    (ent_id, line_id, region, industry, equipment, process, product, size, size_unit) = raw[:9]
    capacity, capacity_unit, year = raw[9:12]
    offset = 12 if line_subject else 13
    readings = {}
    for index, metric in enumerate(metrics):
        reading_id, value, day = raw[offset + 3 * index : offset + 3 * index + 3]
        if reading_id is not None:
            readings[metric] = (Reading(metric, float(value), rawsql.day(day), reading_id),)
    licenses = ()
    if not line_subject and rule.kind == "license":
        # Only subjects without a valid license come back; what they do hold is not valid.
        licenses = tuple(HeldLicense(rule.license_kind, "not_valid") for _i in range(raw[12]))
    subject = Subject(
        kind="line" if line_subject else "enterprise",
        industry=industry,
        region=region,
        equipment_type=equipment or "",
        process=process or "",
        product=product or "",
        size=None if size is None else float(size),
        size_unit=size_unit or "",
        capacity=None if capacity is None else float(capacity),
        capacity_unit=capacity_unit or "",
        commissioning_year=year,
        licenses=licenses,
        readings=readings,
    )
    return Row(ent_id, line_id, region, industry, subject)


def _measurement_table() -> str:
    from phaseout.screening.models import Measurement

    return Measurement._meta.db_table


def _limit_expressions(rule: Rule, as_of: datetime.date, line_subject: bool) -> tuple[str, str]:
    """The SQL for the (corrected) measured value and the threshold, as evaluate computes them."""
    period = rule.period_on(as_of)
    to_metric = units.factor(rule.unit, rule.metric_unit)
    param_alias = {param: f"m{index + 1}" for index, param in enumerate(rule.params)}

    value = "m0.val"
    for correction in rule.corrections:
        if correction.kind != "oxygen":
            continue
        o2 = param_alias[correction.param]
        value = (
            f"(CASE WHEN {o2}.id IS NULL THEN {value} ELSE "
            f"(({value} * ({_lit(21.0)} - {_lit(correction.reference)})) / ({_lit(21.0)} - {o2}.val)) END)"
        )

    def threshold_for(level: str) -> str:
        expr = _lit(period.values[level] * to_metric)
        for correction in rule.corrections:
            if correction.kind == "oxygen" or not correction.applies_to_level(level):
                continue
            p = param_alias[correction.param]
            due = f"{p}.id IS NOT NULL"
            if correction.when_param:
                w = param_alias[correction.when_param]
                op = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[correction.when_op]
                due = f"{w}.id IS NOT NULL AND {w}.val {op} {_lit(correction.when_value)} AND {due}"
            if correction.kind == "linear":
                span = f"({p}.val - {_lit(correction.base)})"
                if correction.side == "above":
                    span = f"(CASE WHEN {span} < {_lit(0)} THEN {_lit(0)} ELSE {span} END)"
                elif correction.side == "below":
                    span = f"(CASE WHEN {span} > {_lit(0)} THEN {_lit(0)} ELSE {span} END)"
                if correction.max_span is not None:
                    cap = correction.max_span
                    span = (
                        f"(CASE WHEN {span} > {_lit(cap)} THEN {_lit(cap)} "
                        f"WHEN {span} < {_lit(-cap)} THEN {_lit(-cap)} ELSE {span} END)"
                    )
                changed = f"({expr} + ({_lit(correction.per[level])} * {span}))"
            else:
                if correction.constant is not None:
                    factor = _lit(correction.constant)
                else:
                    factor = (
                        f"({_lit(correction.intercept)} + "
                        f"(({_lit(correction.slope)} * {p}.val) / {_lit(correction.scale)}))"
                    )
                changed = f"({expr} * {factor})"
            expr = f"(CASE WHEN {due} THEN {changed} ELSE {expr} END)"
        return expr

    limit = threshold_for("limit")
    if rule.judge == "energy" and "entry" in period.values and line_subject:
        since = (rule.new_since or rule.first_effective).year
        entry = threshold_for("entry")
        # evaluate.judged_level: new when commissioned in a year after the standard took effect.
        return (
            value,
            f"(CASE WHEN l.commissioning_year > {int(since)} THEN {entry} ELSE {limit} END)",
        )
    return value, limit


def _not_known_false(criterion: Criterion, sql: _Sql) -> str:
    """SQL true when the criterion holds or cannot be judged (evaluate.criterion_holds ≠ False)."""
    if criterion.field in ("process", "product"):
        column = f"l.{criterion.field}"
        marks = ", ".join("%s" for _v in criterion.value)
        sql.params.extend(criterion.value)
        op = "IN" if criterion.op == "in" else "NOT IN"
        return f"({column} = '' OR {column} {op} ({marks}))"
    op = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[criterion.op]
    if criterion.field == "commissioning_year":
        return (
            f"(l.commissioning_year IS NULL OR l.commissioning_year {op} {_lit(criterion.value)})"
        )
    column, unit_column = (
        ("l.size", "l.size_unit")
        if criterion.field == "size"
        else ("l.capacity", "l.capacity_unit")
    )
    compatible = units.compatible(criterion.unit)
    known = []
    for unit in compatible:
        bound = criterion.value * units.factor(criterion.unit, unit)
        known.append(f"({unit_column} = %s AND {column} {op} {_lit(bound)})")
        sql.params.append(unit)
    marks = ", ".join("%s" for _u in compatible)
    sql.params.extend(compatible)
    # Parameters are consumed in text order: the known-true parts come first, then the list.
    return f"({' OR '.join(known)} OR {column} IS NULL OR {unit_column} NOT IN ({marks}))"


def _unknown(criterion: Criterion) -> str:
    """SQL true when the line lacks what the criterion reads (evaluate.criterion_holds is None).

    Only literals, no parameters: it is placed after parameterised text."""
    if criterion.field in ("process", "product"):
        return f"l.{criterion.field} = ''"
    if criterion.field == "commissioning_year":
        return "l.commissioning_year IS NULL"
    column, unit_column = (
        ("l.size", "l.size_unit")
        if criterion.field == "size"
        else ("l.capacity", "l.capacity_unit")
    )
    marks = ", ".join(f"'{unit}'" for unit in units.compatible(criterion.unit))
    return f"{column} IS NULL OR {unit_column} NOT IN ({marks})"
