"""The standards catalogue: rules as dated data, read from YAML and checked.

National rules ship in ``standards/catalog/<dimension>/*.yaml``, one file per rule family (one
standard or one catalogue edition); a jurisdiction's local rules are stored in the database in
the same shape (``standards.LocalRule``). Both become :class:`Rule` objects here.

A family file::

    family: GB 16780-2021 水泥单位产品能源消耗限额
    dimension: ENERGY
    confidence: S                 # tag from ../shared/reference/policy-facts.md
    last_reviewed: 2026-11-22
    source: policy-facts.md §2 …  # where the figures were read
    rules:
      - id: gb16780-2021.clinker-energy
        description: 水泥熟料单位产品综合能耗
        reference: GB 16780-2021 表1
        kind: limit               # limit | check | equipment | license
        metric: clinker_comprehensive_energy
        unit: kgce/t
        applies_to: {industries: ["3011"], equipment: [cement_kiln]}
        values:
          2022-11-01: {limit: 117, entry: 107, advanced: 100}   # 3级 / 2级 / 1级
          2031-01-01: null        # a rule ends with a null entry

Every problem found is reported as a :class:`CatalogProblem` naming the file, the rule and the
field, so ``phaseout catalog check`` can list them all at once.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from phaseout.registry.choices import EquipmentType, LicenseKind, Process, Product, SizeUnit
from phaseout.standards import units

CATALOG_DIR = Path(__file__).parent / "catalog"
METRICS_FILE = CATALOG_DIR / "metrics.yaml"

DIMENSIONS = ("ENERGY", "ENVIRONMENT", "QUALITY", "SAFETY", "TECHNOLOGY")
KINDS = ("limit", "check", "equipment", "license")
CONFIDENCE = ("P", "R", "S", "U")
# A figure tagged U is "uncertain": it may be encoded only as a parameter marked unverified.
VERIFIED = ("P", "R", "S")
LEVELS = (
    "limit",
    "entry",
    "advanced",
    "special",
)  # 3级 限定值 / 2级 准入值 / 1级 先进值 / 特别排放限值
JUDGES = ("energy", "limit")
CATEGORIES = ("failed", "eliminated", "restricted")
CORRECTION_KINDS = ("linear", "factor", "oxygen")
CRITERION_FIELDS = ("size", "capacity", "commissioning_year", "process", "product")
OPS = ("lt", "lte", "gt", "gte", "in", "not_in")
# CI fails on a rule whose last review is older than this (STYLE.md "Rules as data").
REVIEW_MAX_AGE = datetime.timedelta(days=2 * 365)


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    unit: str
    subject: str  # "line" | "enterprise"
    min: float | None = None
    max: float | None = None

    @property
    def is_boolean(self) -> bool:
        return self.unit == "bool"


@dataclass(frozen=True)
class AppliesTo:
    """What a rule applies to. Industry and region codes match by prefix (GB/T 4754, GB/T 2260)."""

    industries: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Correction:
    """A correction the standard prescribes, to the limit or to the measured value.

    linear: limit[level] += per[level] × (param − base), counting only the side given
            ("above" or "below" base) and at most max_span units away from base.
    factor: limit[level] ×= intercept + slope × param / scale (or × constant), when the
            condition on ``when_param`` holds.
    oxygen: measured concentration converted to the reference oxygen content:
            C = C_measured × (21 − reference) / (21 − O₂ measured).
    """

    id: str
    kind: str
    param: str
    description: str = ""
    levels: tuple[str, ...] = ()  # empty: every level
    # linear
    base: float = 0.0
    per: Mapping[str, float] = field(default_factory=dict)
    side: str = "both"
    max_span: float | None = None
    # factor
    intercept: float | None = None
    slope: float | None = None
    scale: float = 1.0
    constant: float | None = None
    when_param: str | None = None
    when_op: str | None = None
    when_value: float | None = None
    # oxygen
    reference: float | None = None

    @property
    def params(self) -> tuple[str, ...]:
        return (self.param,) + ((self.when_param,) if self.when_param else ())

    def applies_to_level(self, level: str) -> bool:
        if self.kind == "linear":
            return level in self.per
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class Criterion:
    """One condition on a line's recorded attributes: ``size lte 400 m3``."""

    field: str
    op: str
    value: Any
    unit: str | None = None


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date | None  # the day the next entry takes over (exclusive), or None
    values: Mapping[str, float] | None  # None: the rule is not in force in this period


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    dimension: str
    kind: str
    description: str
    reference: str
    confidence: str
    last_reviewed: datetime.date
    periods: tuple[Period, ...]
    applies_to: AppliesTo = AppliesTo()
    subject: str = "line"
    metric: str | None = None
    unit: str | None = None  # the unit the values are written in
    metric_unit: str | None = None  # the unit readings are stored and compared in
    judge: str = "limit"
    direction: str = "max"  # the measured value must not exceed ("max") / fall below ("min")
    new_since: datetime.date | None = None
    corrections: tuple[Correction, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    exemptions: tuple[Criterion, ...] = ()
    license_kind: str | None = None
    category: str = "failed"
    edition: str = ""
    deadline: datetime.date | None = None
    note: str = ""
    source: str = ""
    path: str = ""  # the file, for national rules
    local_region: str | None = None  # region code prefix of a local rule
    supersedes: str | None = None  # the national rule a local rule replaces in its region

    @property
    def verified(self) -> bool:
        return self.confidence in VERIFIED

    def period_on(self, day: datetime.date) -> Period | None:
        for period in self.periods:
            if period.start <= day and (period.end is None or day < period.end):
                return period if period.values is not None else None
        return None

    def in_force(self, day: datetime.date) -> bool:
        return self.period_on(day) is not None

    @property
    def first_effective(self) -> datetime.date:
        return self.periods[0].start

    @property
    def params(self) -> tuple[str, ...]:
        """The metrics a correction of this rule reads, in a fixed order."""
        seen: dict[str, None] = {}
        for correction in self.corrections:
            for param in correction.params:
                seen.setdefault(param, None)
        return tuple(seen)


@dataclass(frozen=True)
class CatalogProblem:
    path: str
    rule: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " · ".join(part for part in (self.path, self.rule, self.field) if part)
        return f"{where}: {self.message}"


class CatalogError(ValueError):
    def __init__(self, problems: list[CatalogProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Catalog:
    rules: dict[str, Rule]
    metrics: dict[str, Metric]

    def in_force(self, day: datetime.date) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.in_force(day)]

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)


# — reading —


def load_metrics(path: Path = METRICS_FILE) -> dict[str, Metric]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    metrics = {}
    for code, spec in raw.items():
        metrics[code] = Metric(
            code=code,
            name=spec["name"],
            unit=spec["unit"],
            subject=spec.get("subject", "line"),
            min=spec.get("min"),
            max=spec.get("max"),
        )
    return metrics


class _Reader:
    """Turns raw YAML mappings into rules, collecting every problem instead of stopping."""

    def __init__(self, metrics: Mapping[str, Metric], *, today: datetime.date | None = None):
        self.metrics = metrics
        self.today = today
        self.problems: list[CatalogProblem] = []

    def problem(self, path: str, rule: str, field_: str, message: str) -> None:
        self.problems.append(CatalogProblem(path, rule, field_, message))

    # — one file —
    def family(self, path: str, raw: Any) -> list[Rule]:
        if not isinstance(raw, dict):
            self.problem(path, "", "", _("文件内容应为一个映射（family、rules …）。"))
            return []
        defaults = {k: v for k, v in raw.items() if k != "rules"}
        if not defaults.get("family"):
            self.problem(path, "", "family", _("缺少规则族名称。"))
        rules_raw = raw.get("rules")
        if not isinstance(rules_raw, list) or not rules_raw:
            self.problem(path, "", "rules", _("缺少规则列表。"))
            return []
        rules = []
        for index, item in enumerate(rules_raw, start=1):
            if not isinstance(item, dict):
                self.problem(path, f"#{index}", "", _("每条规则应为一个映射。"))
                continue
            rule = self.rule(path, {**defaults, **item}, label=str(item.get("id") or f"#{index}"))
            if rule is not None:
                rules.append(rule)
        return rules

    # — one rule —
    def rule(self, path: str, raw: Mapping[str, Any], *, label: str) -> Rule | None:
        start = len(self.problems)

        def bad(field_: str, message: str) -> None:
            self.problem(path, label, field_, message)

        rule_id = raw.get("id")
        if not rule_id or not isinstance(rule_id, str):
            bad("id", _("缺少规则编号。"))
        dimension = raw.get("dimension")
        if dimension not in DIMENSIONS:
            bad("dimension", _("维度应为 %(allowed)s 之一。") % {"allowed": ", ".join(DIMENSIONS)})
        kind = raw.get("kind")
        if kind not in KINDS:
            bad("kind", _("规则类型应为 %(allowed)s 之一。") % {"allowed": ", ".join(KINDS)})
        for required in ("description", "reference"):
            if not str(raw.get(required) or "").strip():
                bad(required, _("每条规则都必须有此项。"))
        confidence = str(raw.get("confidence") or "")
        if confidence not in CONFIDENCE:
            bad("confidence", _("可信度标记应为 P、R、S 或 U。"))
        reviewed = self.date(raw.get("last_reviewed"), bad, "last_reviewed")
        if reviewed and self.today and self.today - reviewed > REVIEW_MAX_AGE:
            bad(
                "last_reviewed",
                _("上次复核已超过两年（%(date)s），请复核后更新。") % {"date": reviewed},
            )
        periods = self.periods(raw.get("values"), bad)
        applies = self.applies(raw.get("applies_to") or {}, bad)
        subject = raw.get("subject") or "line"
        if subject not in ("line", "enterprise"):
            bad("subject", _("对象应为 line（生产线）或 enterprise（企业）。"))

        metric = unit = None
        corrections: tuple[Correction, ...] = ()
        criteria: tuple[Criterion, ...] = ()
        exemptions: tuple[Criterion, ...] = ()
        license_kind = None
        if kind in ("limit", "check"):
            metric, unit = self.metric_and_unit(raw, kind, subject, bad)
            if kind == "limit":
                self.level_values(periods, bad)
                corrections = self.corrections(raw.get("corrections") or [], periods, bad)
            if raw.get("criteria"):
                # A limit that depends on the line's size (平板玻璃 by t/d, 电弧炉 by t) applies
                # only to lines meeting its criteria; a line whose size is unknown is a gap.
                if subject != "line":
                    bad("criteria", _("只有以生产线为对象的规则可以按设备属性限定适用范围。"))
                criteria = self.criteria(raw.get("criteria"), bad, "criteria")
        elif kind == "equipment":
            if subject != "line":
                bad("subject", _("设备类规则的对象只能是生产线。"))
            criteria = self.criteria(raw.get("criteria") or [], bad, "criteria")
            exemptions = self.criteria(raw.get("exemptions") or [], bad, "exemptions")
            if not applies.equipment:
                bad("applies_to", _("设备类规则必须写明适用的设备类型。"))
        elif kind == "license":
            license_kind = raw.get("license_kind")
            if license_kind not in LicenseKind.values:
                bad(
                    "license_kind",
                    _("证照类别应为 %(allowed)s 之一。")
                    % {"allowed": ", ".join(LicenseKind.values)},
                )
            if subject != "enterprise":
                bad("subject", _("证照类规则的对象只能是企业。"))

        category = raw.get("category") or ("eliminated" if kind == "equipment" else "failed")
        if category not in CATEGORIES:
            bad("category", _("类别应为 %(allowed)s 之一。") % {"allowed": ", ".join(CATEGORIES)})
        judge = raw.get("judge") or ("energy" if dimension == "ENERGY" else "limit")
        if judge not in JUDGES:
            bad(
                "judge",
                _("判定口径应为 energy（新建按准入值、现有按限定值）或 limit（一律按限定值）。"),
            )
        direction = raw.get("direction") or "max"
        if direction not in ("max", "min"):
            bad("direction", _("应为 max（不得高于）或 min（不得低于）。"))
        new_since = (
            self.date(raw.get("new_since"), bad, "new_since") if raw.get("new_since") else None
        )
        deadline = self.date(raw.get("deadline"), bad, "deadline") if raw.get("deadline") else None

        if len(self.problems) > start:
            return None
        return Rule(
            id=rule_id,
            family=str(raw.get("family") or ""),
            dimension=dimension,
            kind=kind,
            description=str(raw["description"]).strip(),
            reference=str(raw["reference"]).strip(),
            confidence=confidence,
            last_reviewed=reviewed,
            periods=periods,
            applies_to=applies,
            subject=subject,
            metric=metric,
            unit=unit,
            metric_unit=self.metrics[metric].unit if metric in self.metrics else None,
            judge=judge,
            direction=direction,
            new_since=new_since,
            corrections=corrections,
            criteria=criteria,
            exemptions=exemptions,
            license_kind=license_kind,
            category=category,
            edition=str(raw.get("edition") or ""),
            deadline=deadline,
            note=str(raw.get("note") or "").strip(),
            source=str(raw.get("source") or "").strip(),
            path=path,
        )

    # — parts —
    def date(self, value: Any, bad, field_: str) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        bad(field_, _("日期应写作 YYYY-MM-DD。"))
        return None

    def periods(self, raw: Any, bad) -> tuple[Period, ...]:
        if not isinstance(raw, dict) or not raw:
            bad("values", _("缺少按生效日期列出的取值。"))
            return ()
        dated = []
        for key, values in raw.items():
            start = self.date(key, bad, f"values.{key}")
            if start is None:
                continue
            if values is not None and not isinstance(values, dict):
                bad(f"values.{key}", _("取值应为映射（可为空 {}），或 null 表示自该日起废止。"))
                continue
            dated.append((start, values))
        starts = [start for start, _v in dated]
        if len(set(starts)) != len(starts):
            # YAML would keep only one of two equal keys; two spellings of one date overlap.
            bad("values", _("同一生效日期出现了两次，取值期间重叠。"))
        dated.sort(key=lambda item: item[0])
        if dated and dated[0][1] is None:
            bad("values", _("第一个取值不能是废止（null）。"))
        periods = []
        for index, (start, values) in enumerate(dated):
            end = dated[index + 1][0] if index + 1 < len(dated) else None
            periods.append(Period(start, end, None if values is None else dict(values)))
        return tuple(periods)

    def level_values(self, periods: tuple[Period, ...], bad) -> None:
        for period in periods:
            if period.values is None:
                continue
            where = f"values.{period.start}"
            if "limit" not in period.values:
                bad(where, _("限值类规则每期都必须有 limit（限定值）。"))
            for level, value in period.values.items():
                if level not in LEVELS:
                    bad(
                        where,
                        _("不认识的等级“%(level)s”，应为 %(allowed)s。")
                        % {"level": level, "allowed": ", ".join(LEVELS)},
                    )
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    bad(f"{where}.{level}", _("取值应为数字。"))

    def applies(self, raw: Any, bad) -> AppliesTo:
        if not isinstance(raw, dict):
            bad("applies_to", _("适用范围应为映射。"))
            return AppliesTo()
        known = {"industries", "equipment", "processes", "products", "regions"}
        for key in raw:
            if key not in known:
                bad(
                    f"applies_to.{key}",
                    _("不认识的适用条件，应为 %(allowed)s。")
                    % {"allowed": ", ".join(sorted(known))},
                )
        for key in known:
            if raw.get(key) is not None and not isinstance(raw.get(key), list):
                bad(f"applies_to.{key}", _('应为列表，例如 ["3011"]。'))
        values = {
            key: tuple(str(v) for v in raw.get(key) or ()) if isinstance(raw.get(key), list) else ()
            for key in known
        }
        for key, choices in (
            ("equipment", EquipmentType.values),
            ("processes", Process.values),
            ("products", Product.values),
        ):
            for value in values[key]:
                if value not in choices:
                    bad(f"applies_to.{key}", _("不认识的取值“%(value)s”。") % {"value": value})
        for key in ("industries", "regions"):
            for value in values[key]:
                if not value.isdigit():
                    bad(
                        f"applies_to.{key}", _("代码应为数字前缀：“%(value)s”。") % {"value": value}
                    )
        return AppliesTo(**values)

    def metric_and_unit(self, raw, kind, subject, bad) -> tuple[str | None, str | None]:
        metric_code = raw.get("metric")
        metric = self.metrics.get(metric_code)
        if metric is None:
            bad(
                "metric",
                _("不认识的指标“%(metric)s”（见 catalog/metrics.yaml）。")
                % {"metric": metric_code},
            )
            return None, None
        if metric.subject != subject:
            bad(
                "subject",
                _("指标“%(metric)s”的对象是 %(subject)s。")
                % {"metric": metric_code, "subject": metric.subject},
            )
        unit = raw.get("unit") or metric.unit
        if kind == "check":
            if not metric.is_boolean:
                bad("metric", _("检查类规则的指标必须是“是/否”结论。"))
            return metric_code, "bool"
        if metric.is_boolean:
            bad("metric", _("限值类规则的指标不能是“是/否”结论。"))
            return metric_code, unit
        try:
            units.factor(unit, metric.unit)
        except units.UnitError as exc:
            bad("unit", str(exc))
        return metric_code, unit

    def corrections(self, raw: Any, periods, bad) -> tuple[Correction, ...]:
        if not isinstance(raw, list):
            bad("corrections", _("修正应为列表。"))
            return ()
        result = []
        for index, item in enumerate(raw, start=1):
            where = f"corrections[{index}]"
            if not isinstance(item, dict):
                bad(where, _("每项修正应为映射。"))
                continue
            kind = item.get("kind")
            if kind not in CORRECTION_KINDS:
                bad(
                    f"{where}.kind",
                    _("修正类型应为 %(allowed)s 之一。") % {"allowed": ", ".join(CORRECTION_KINDS)},
                )
                continue
            for param in (
                item.get("param"),
                item.get("when", {}).get("param") if isinstance(item.get("when"), dict) else None,
            ):
                if param is not None and param not in self.metrics:
                    bad(f"{where}.param", _("不认识的指标“%(metric)s”。") % {"metric": param})
            if not item.get("param"):
                bad(f"{where}.param", _("修正必须写明所依据的指标。"))
                continue
            levels = tuple(item.get("levels") or ())
            for level in levels:
                if level not in LEVELS:
                    bad(f"{where}.levels", _("不认识的等级“%(level)s”。") % {"level": level})
            when = item.get("when") or {}
            spec = dict(
                id=str(item.get("id") or f"{kind}-{index}"),
                kind=kind,
                param=item["param"],
                description=str(item.get("description") or ""),
                levels=levels,
            )
            try:
                if when:
                    if not isinstance(when, dict) or when.get("op") not in (
                        "lt",
                        "lte",
                        "gt",
                        "gte",
                    ):
                        bad(f"{where}.when", _("条件应写作 {param, op: lt/lte/gt/gte, value}。"))
                        continue
                    spec.update(
                        when_param=when.get("param"),
                        when_op=when.get("op"),
                        when_value=float(when.get("value", 0)),
                    )
                if kind == "linear":
                    per = item.get("per")
                    if isinstance(per, int | float):
                        per = {level: per for level in (levels or ("limit", "entry", "advanced"))}
                    if not isinstance(per, dict) or not per:
                        bad(f"{where}.per", _("线性修正必须给出每单位的修正量（per）。"))
                        continue
                    side = item.get("side") or "both"
                    if side not in ("both", "above", "below"):
                        bad(f"{where}.side", _("应为 both、above 或 below。"))
                    spec.update(
                        base=float(item.get("base", 0)),
                        per={k: float(v) for k, v in per.items()},
                        side=side,
                        max_span=float(item["max_span"])
                        if item.get("max_span") is not None
                        else None,
                    )
                elif kind == "factor":
                    if item.get("constant") is None and (
                        item.get("intercept") is None or item.get("slope") is None
                    ):
                        bad(where, _("系数修正应给出 constant，或 intercept 与 slope。"))
                        continue
                    spec.update(
                        intercept=float(item["intercept"])
                        if item.get("intercept") is not None
                        else None,
                        slope=float(item["slope"]) if item.get("slope") is not None else None,
                        scale=float(item.get("scale", 1)),
                        constant=float(item["constant"])
                        if item.get("constant") is not None
                        else None,
                    )
                    if spec["scale"] == 0:
                        bad(f"{where}.scale", _("scale 不能为 0。"))
                elif kind == "oxygen":
                    reference = item.get("reference")
                    if not isinstance(reference, int | float) or not 0 <= reference < 21:
                        bad(f"{where}.reference", _("基准含氧量应为 0 至 21 之间的百分数。"))
                        continue
                    spec.update(reference=float(reference))
            except (TypeError, ValueError):
                bad(where, _("修正参数应为数字。"))
                continue
            result.append(Correction(**spec))
        return tuple(result)

    def criteria(self, raw: Any, bad, where: str) -> tuple[Criterion, ...]:
        if not isinstance(raw, list):
            bad(where, _("应为条件列表。"))
            return ()
        result = []
        for index, item in enumerate(raw, start=1):
            at = f"{where}[{index}]"
            if not isinstance(item, dict):
                bad(at, _("每个条件应为映射。"))
                continue
            field_, op, value, unit = (
                item.get("field"),
                item.get("op"),
                item.get("value"),
                item.get("unit"),
            )
            if field_ not in CRITERION_FIELDS:
                bad(
                    f"{at}.field",
                    _("条件字段应为 %(allowed)s 之一。") % {"allowed": ", ".join(CRITERION_FIELDS)},
                )
                continue
            if op not in OPS:
                bad(f"{at}.op", _("比较应为 %(allowed)s 之一。") % {"allowed": ", ".join(OPS)})
                continue
            if field_ in ("process", "product"):
                choices = Process.values if field_ == "process" else Product.values
                if op not in ("in", "not_in") or not isinstance(value, list):
                    bad(at, _("工艺、产品条件应写作 in/not_in 加取值列表。"))
                    continue
                for v in value:
                    if v not in choices:
                        bad(f"{at}.value", _("不认识的取值“%(value)s”。") % {"value": v})
                value = tuple(value)
            else:
                if (
                    op in ("in", "not_in")
                    or isinstance(value, bool)
                    or not isinstance(value, int | float)
                ):
                    bad(at, _("数值条件应写作 lt/lte/gt/gte 加一个数字。"))
                    continue
                if field_ == "size":
                    if unit not in SizeUnit.values:
                        bad(
                            f"{at}.unit",
                            _("设备规格条件必须写明规格单位（%(allowed)s）。")
                            % {"allowed": ", ".join(SizeUnit.values)},
                        )
                        continue
                elif field_ == "capacity":
                    if unit not in units.UNITS:
                        bad(f"{at}.unit", _("产能条件必须写明产能单位。"))
                        continue
                value = float(value)
            result.append(Criterion(field_, op, value, unit))
        return tuple(result)


def read_rules(
    sources: Iterable[tuple[str, Any]],
    *,
    metrics: Mapping[str, Metric] | None = None,
    today: datetime.date | None = None,
) -> tuple[list[Rule], list[CatalogProblem]]:
    """Rules from (path, parsed YAML) pairs, and every problem found. Ids must be unique."""
    reader = _Reader(metrics if metrics is not None else load_metrics(), today=today)
    rules: list[Rule] = []
    for path, raw in sources:
        rules.extend(reader.family(path, raw))
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            reader.problem(
                rule.path,
                rule.id,
                "id",
                _("规则编号与 %(other)s 中的重复。") % {"other": seen[rule.id]},
            )
        seen[rule.id] = rule.path
    return rules, reader.problems


def catalog_files(root: Path = CATALOG_DIR) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p != METRICS_FILE)


def parse_files(
    paths: Iterable[Path], root: Path = CATALOG_DIR
) -> tuple[list[tuple[str, Any]], list[CatalogProblem]]:
    sources, problems = [], []
    for path in paths:
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = str(path)
        try:
            sources.append((shown, yaml.safe_load(path.read_text(encoding="utf-8"))))
        except yaml.YAMLError as exc:
            problems.append(
                CatalogProblem(shown, "", "", _("YAML 格式错误：%(error)s") % {"error": exc})
            )
        except UnicodeDecodeError:
            problems.append(CatalogProblem(shown, "", "", _("文件应为 UTF-8 编码。")))
    return sources, problems


def check(
    root: Path = CATALOG_DIR, *, today: datetime.date | None = None
) -> tuple[list[Rule], list[CatalogProblem]]:
    """Every national rule file checked; the rules that passed and every problem found."""
    sources, problems = parse_files(catalog_files(root), root)
    rules, more = read_rules(sources, today=today)
    return rules, problems + more


@functools.cache
def national() -> Catalog:
    """The shipped national catalogue, loaded once per process. Raises CatalogError if broken."""
    rules, problems = check()
    if problems:
        raise CatalogError(problems)
    return Catalog(rules={rule.id: rule for rule in rules}, metrics=load_metrics())


def metrics() -> dict[str, Metric]:
    return national().metrics
