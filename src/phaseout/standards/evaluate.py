"""Rule evaluation for one subject, as plain Python: the law's arithmetic, step by step.

This is the reference. Screening evaluates whole regions set-based in SQL
(``standards/sql.py``); the property tests hold the two to the same verdicts, the rule tests
(``phaseout catalog test``) run cases written in the law's terms through this module, and every
finding's explanation is the list of steps this module records.

No database access here: a :class:`Subject` carries the attributes and readings it is judged on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from phaseout.standards import units
from phaseout.standards.catalog import Correction, Criterion, Rule

FAIL = "fail"
PASS = "pass"
MISSING = "missing"  # the subject is covered by the rule, but the data to judge it is absent
NOT_APPLICABLE = "not_applicable"
NOT_IN_FORCE = "not_in_force"


@dataclass(frozen=True)
class Reading:
    """One measurement, already in the metric's unit."""

    metric: str
    value: float
    date: datetime.date
    id: int | None = None


@dataclass(frozen=True)
class HeldLicense:
    kind: str
    status: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    def valid_on(self, day: datetime.date) -> bool:
        return (
            self.status == "valid"
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass
class Subject:
    """An enterprise or one of its lines, as screening sees it."""

    kind: str = "line"
    industry: str = ""
    region: str = ""
    equipment_type: str = ""
    process: str = ""
    product: str = ""
    size: float | None = None
    size_unit: str = ""
    capacity: float | None = None
    capacity_unit: str = ""
    commissioning_year: int | None = None
    licenses: Sequence[HeldLicense] = ()
    readings: Mapping[str, Sequence[Reading]] = field(default_factory=dict)

    def latest(self, metric: str, window: tuple[datetime.date, datetime.date]) -> Reading | None:
        """The latest reading of metric inside the window (ties: the one recorded last)."""
        best = None
        best_key = None
        for position, reading in enumerate(self.readings.get(metric, ())):
            if not window[0] <= reading.date <= window[1]:
                continue
            key = (reading.date, reading.id if reading.id is not None else position)
            if best_key is None or key > best_key:
                best, best_key = reading, key
        return best


@dataclass(frozen=True)
class Step:
    """One line of a verdict's explanation: a code and the figures it shows."""

    code: str
    data: Mapping[str, Any]

    def as_dict(self) -> dict:
        return {"code": self.code, **self.data}


@dataclass
class Verdict:
    rule_id: str
    outcome: str
    as_of: datetime.date
    value: float | None = None
    threshold: float | None = None
    level: str | None = None
    values_from: datetime.date | None = None
    readings: list[Reading] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def step(self, code: str, **data: Any) -> None:
        self.steps.append(Step(code, data))

    @property
    def failed(self) -> bool:
        return self.outcome == FAIL


def applies(rule: Rule, subject: Subject) -> bool:
    """Whether the rule covers this subject (industry and region by code prefix)."""
    a = rule.applies_to
    if rule.subject != subject.kind:
        return False
    if a.industries and not any(subject.industry.startswith(p) for p in a.industries):
        return False
    if a.regions and not any(subject.region.startswith(p) for p in a.regions):
        return False
    if subject.kind == "line":
        if a.equipment and subject.equipment_type not in a.equipment:
            return False
        if a.processes and subject.process not in a.processes:
            return False
        if a.products and subject.product not in a.products:
            return False
    return True


def judged_level(rule: Rule, commissioning_year: int | None, values: Mapping[str, float]) -> str:
    """Existing plants are judged on the limit value (3级), new ones on the entry value (2级).

    GB 21346-2022 前言: 先进值→1级, 准入值→2级, 限定值→3级; 限定值 applies to existing
    enterprises, 准入值 to new and expanded ones (../shared/reference/policy-facts.md §2; assumed
    for the other 2020s editions, whose rules carry their own confidence tag).

    A line is new when it was commissioned in a year after the one in which the standard took
    effect; a line commissioned in that year, or of unknown year, is judged as existing, on the
    more lenient value, because the registry knows the year and not the approval date.
    """
    if rule.judge != "energy" or "entry" not in values:
        return "limit"
    since = rule.new_since or rule.first_effective
    if commissioning_year is not None and commissioning_year > since.year:
        return "entry"
    return "limit"


def _held(op: str, left: float, right: float) -> bool:
    return {
        "lt": left < right,
        "lte": left <= right,
        "gt": left > right,
        "gte": left >= right,
    }[op]


def linear_delta(correction: Correction, level: str, param: float) -> float:
    span = param - correction.base
    if correction.side == "above" and span < 0:
        span = 0.0
    elif correction.side == "below" and span > 0:
        span = 0.0
    if correction.max_span is not None:
        if span > correction.max_span:
            span = correction.max_span
        elif span < -correction.max_span:
            span = -correction.max_span
    return correction.per[level] * span


def factor_value(correction: Correction, param: float) -> float:
    if correction.constant is not None:
        return correction.constant
    return correction.intercept + correction.slope * param / correction.scale


def evaluate(
    rule: Rule,
    subject: Subject,
    *,
    as_of: datetime.date,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> Verdict:
    """The verdict of one rule on one subject, on the as-of date, with every step recorded."""
    window = window or (datetime.date.min, as_of)
    verdict = Verdict(rule.id, NOT_APPLICABLE, as_of)
    period = rule.period_on(as_of)
    if period is None:
        verdict.outcome = NOT_IN_FORCE
        return verdict
    verdict.values_from = period.start
    if not applies(rule, subject):
        return verdict
    if rule.kind in ("limit", "check") and rule.criteria:
        unknown = []
        for criterion in rule.criteria:
            held = criterion_holds(criterion, subject)
            if held is False:
                return verdict  # the rule covers other lines (another size class)
            if held is None:
                unknown.append(criterion)
        for criterion in rule.criteria:
            verdict.step(
                "scope",
                field=criterion.field,
                op=criterion.op,
                bound=list(criterion.value)
                if isinstance(criterion.value, tuple)
                else criterion.value,
                unit=criterion.unit,
                held=None if criterion in unknown else True,
                actual=_attribute(subject, criterion.field),
            )
        if unknown:
            verdict.outcome = MISSING
            return verdict
    if rule.kind == "limit":
        _limit(rule, subject, period.values, verdict, window)
    elif rule.kind == "check":
        _check(rule, subject, verdict, window)
    elif rule.kind == "equipment":
        _equipment(rule, subject, verdict)
    elif rule.kind == "license":
        _license(rule, subject, verdict)
    return verdict


def _limit(rule, subject, values, verdict, window) -> None:
    reading = subject.latest(rule.metric, window)
    level = judged_level(rule, subject.commissioning_year, values)
    verdict.level = level
    verdict.step(
        "level",
        level=level,
        judge=rule.judge,
        commissioning_year=subject.commissioning_year,
        since=str(rule.new_since or rule.first_effective),
    )
    if reading is None:
        verdict.outcome = MISSING
        verdict.step("missing", metric=rule.metric)
        return
    verdict.readings.append(reading)
    value = reading.value
    verdict.step("reading", metric=rule.metric, value=value, date=str(reading.date), id=reading.id)
    # Thresholds are in the rule's unit; compare in the metric's unit, where readings are.
    to_metric = units.factor(rule.unit, rule.metric_unit)
    threshold = values[level] * to_metric
    verdict.step("base", level=level, value=threshold, values_from=str(verdict.values_from))
    for correction in rule.corrections:
        param = subject.latest(correction.param, window)
        if correction.kind == "oxygen":
            if param is None:
                verdict.step("oxygen_missing", correction=correction.id, param=correction.param)
                continue
            verdict.readings.append(param)
            corrected = value * (21.0 - correction.reference) / (21.0 - param.value)
            verdict.step(
                "oxygen",
                correction=correction.id,
                measured=value,
                o2=param.value,
                reference=correction.reference,
                value=corrected,
            )
            value = corrected
            continue
        if not correction.applies_to_level(level):
            continue
        if correction.when_param:
            # A conditional correction (海拔超过1500米的) is due only when the condition is
            # recorded and holds; without the condition's reading, it is not applied.
            condition = subject.latest(correction.when_param, window)
            if condition is None or not _held(
                correction.when_op, condition.value, correction.when_value
            ):
                verdict.step(
                    "correction_not_due",
                    correction=correction.id,
                    param=correction.when_param,
                    value=None if condition is None else condition.value,
                    op=correction.when_op,
                    bound=correction.when_value,
                )
                continue
            verdict.readings.append(condition)
        if param is None:
            verdict.step("correction_missing", correction=correction.id, param=correction.param)
            continue
        verdict.readings.append(param)
        if correction.kind == "linear":
            delta = linear_delta(correction, level, param.value)
            threshold = threshold + delta
            verdict.step(
                "linear",
                correction=correction.id,
                param=correction.param,
                value=param.value,
                base=correction.base,
                per=correction.per[level],
                delta=delta,
                threshold=threshold,
            )
        else:
            factor = factor_value(correction, param.value)
            threshold = threshold * factor
            verdict.step(
                "factor",
                correction=correction.id,
                param=correction.param,
                value=param.value,
                factor=factor,
                threshold=threshold,
            )
    verdict.value = value
    verdict.threshold = threshold
    failed = value > threshold if rule.direction == "max" else value < threshold
    verdict.outcome = FAIL if failed else PASS
    verdict.step(
        "compare", value=value, threshold=threshold, direction=rule.direction, failed=failed
    )


def _check(rule, subject, verdict, window) -> None:
    reading = subject.latest(rule.metric, window)
    if reading is None:
        verdict.outcome = MISSING
        verdict.step("missing", metric=rule.metric)
        return
    verdict.readings.append(reading)
    verdict.value = reading.value
    failed = reading.value == 0
    verdict.outcome = FAIL if failed else PASS
    verdict.step(
        "conclusion",
        metric=rule.metric,
        value=reading.value,
        date=str(reading.date),
        id=reading.id,
        failed=failed,
    )


def criterion_holds(criterion: Criterion, subject: Subject) -> bool | None:
    """True or False, or None when the subject lacks the attribute the criterion reads."""
    if criterion.field in ("process", "product"):
        value = getattr(subject, criterion.field)
        if not value:
            return None
        inside = value in criterion.value
        return inside if criterion.op == "in" else not inside
    if criterion.field == "commissioning_year":
        if subject.commissioning_year is None:
            return None
        return _held(criterion.op, subject.commissioning_year, criterion.value)
    value, unit = (
        (subject.size, subject.size_unit)
        if criterion.field == "size"
        else (subject.capacity, subject.capacity_unit)
    )
    if value is None or not unit or unit not in units.compatible(criterion.unit):
        return None
    # The bound is converted to the line's unit, so SQL compares the stored column as is.
    return _held(criterion.op, float(value), criterion.value * units.factor(criterion.unit, unit))


def _equipment(rule, subject, verdict) -> None:
    unknown = []
    for criterion in rule.criteria:
        held = criterion_holds(criterion, subject)
        verdict.step(
            "criterion",
            field=criterion.field,
            op=criterion.op,
            bound=list(criterion.value) if isinstance(criterion.value, tuple) else criterion.value,
            unit=criterion.unit,
            held=held,
            actual=_attribute(subject, criterion.field),
        )
        if held is False:
            verdict.outcome = PASS
            return
        if held is None:
            unknown.append(criterion.field)
    if unknown:
        verdict.outcome = MISSING
        return
    for exemption in rule.exemptions:
        if criterion_holds(exemption, subject):
            verdict.outcome = PASS
            verdict.step(
                "exempt", field=exemption.field, actual=_attribute(subject, exemption.field)
            )
            return
    verdict.outcome = FAIL
    verdict.step(
        "eliminated",
        category=rule.category,
        edition=rule.edition,
        deadline=str(rule.deadline or ""),
    )


def _attribute(subject: Subject, name: str) -> Any:
    if name == "size":
        return None if subject.size is None else [float(subject.size), subject.size_unit]
    if name == "capacity":
        return (
            None if subject.capacity is None else [float(subject.capacity), subject.capacity_unit]
        )
    return getattr(subject, name) or None


def _license(rule, subject, verdict) -> None:
    held = [lic for lic in subject.licenses if lic.kind == rule.license_kind]
    valid = any(lic.valid_on(verdict.as_of) for lic in held)
    verdict.outcome = PASS if valid else FAIL
    verdict.step("license", kind=rule.license_kind, held=len(held), valid=valid)
