"""Screening operations (排查): the only code that writes inspections, measurements, campaigns
and findings. One function per act, one transaction, the permission check first."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry.models import Enterprise, Industry, ProductionLine
from phaseout.screening import coverage
from phaseout.screening.engine import Outcome, campaign_rules, campaign_scope, screen
from phaseout.screening.models import DataGap, Finding, Inspection, Measurement, ScreeningCampaign
from phaseout.standards import units
from phaseout.standards.catalog import Rule, metrics
from phaseout.standards.evaluate import FAIL

BATCH = 5000


def require_screening(user, region: Region) -> Scope:
    """Officers of the registry-keeping departments screen inside their own region.

    ``user`` None is an operator at the command line (``phaseout screen``, ``phaseout
    import-measurements`` without ``--user``), as for the ledger import: no restriction.
    """
    if user is None:
        return Scope(user=None, person=None, everything=True)
    scope = Scope.of(user)
    if not scope.keeps_registry:
        raise PermissionDenied(_("您的角色或部门不能开展排查或录入检测数据。"))
    if not scope.can_read_region(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})
    return scope


def require_what_if(user, region: Region) -> Scope:
    """测算 writes nothing: the screening officers and the leaders (领导小组, who set the exit
    targets from it) may run it inside their own region."""
    from phaseout.regions.choices import Role

    scope = Scope.of(user)
    if scope.everything:
        return scope
    if not (scope.keeps_registry or scope.role == Role.LEADER):
        raise PermissionDenied(_("只有排查部门经办人员和领导可以进行测算。"))
    if not scope.can_read_region(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})
    return scope


# — measurements —


def standard_value(
    metric: str, value: Any, unit: str, *, field: str = "value"
) -> tuple[Decimal, str, float]:
    """(value as entered, unit code, value in the metric's unit), or ValidationError naming the field."""
    known = metrics()
    spec = known.get(metric)
    if spec is None:
        raise ValidationError({"metric": _("不认识的指标“%(metric)s”。") % {"metric": metric}})
    try:
        code = units.normalise(unit) if unit else spec.unit
    except units.UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from None
    if spec.is_boolean:
        value = _boolean(value, field)
        if code != "bool":
            raise ValidationError(
                {"unit": _("“%(metric)s”是“是/否”结论，不带计量单位。") % {"metric": spec.name}}
            )
        return Decimal(value), code, float(value)
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s”不是数字。") % {"value": value}}) from None
    try:
        converted = units.convert(float(number), code, spec.unit)
    except units.UnitError as exc:
        raise ValidationError({"unit": str(exc)}) from None
    if (
        spec.min is not None
        and converted < spec.min
        or spec.max is not None
        and converted > spec.max
    ):
        raise ValidationError(
            {
                field: _("%(name)s 应在 %(min)s 至 %(max)s %(unit)s 之间。")
                % {
                    "name": spec.name,
                    "min": spec.min if spec.min is not None else "—",
                    "max": spec.max if spec.max is not None else "—",
                    "unit": units.label(spec.unit),
                }
            }
        )
    return number, code, converted


_TRUE = {"1", "是", "合格", "符合", "达标", "yes", "true", "y"}
_FALSE = {"0", "否", "不合格", "不符合", "不达标", "no", "false", "n"}


def _boolean(value: Any, field: str) -> int:
    text = str(value).strip().lower()
    if text in _TRUE or value is True:
        return 1
    if text in _FALSE or value is False:
        return 0
    raise ValidationError({field: _("应填“是”或“否”（合格/不合格）。")})


def _check_subject(enterprise: Enterprise, line: ProductionLine | None, metric: str) -> None:
    if line is not None and line.enterprise_id != enterprise.pk:
        raise ValidationError({"line": _("该生产线不属于所选企业。")})
    spec = metrics().get(metric)
    if spec is not None and spec.subject == "line" and line is None:
        raise ValidationError(
            {"line": _("“%(metric)s”是生产线的指标，请选择生产线。") % {"metric": spec.name}}
        )


def new_measurement(
    *,
    enterprise: Enterprise,
    line: ProductionLine | None,
    metric: str,
    value: Any,
    unit: str,
    date: datetime.date,
    source: str,
    method: str = "",
    notes: str = "",
    inspection: Inspection | None = None,
    by=None,
) -> Measurement:
    """An unsaved, validated measurement (for bulk imports that save many in one transaction)."""
    _check_subject(enterprise, line, metric)
    number, code, converted = standard_value(metric, value, unit)
    measurement = Measurement(
        inspection=inspection,
        enterprise=enterprise,
        line=line,
        metric=metric,
        value=number,
        unit=code,
        value_std=converted,
        method=method,
        date=date,
        source=source,
        notes=notes,
        created_by=by,
    )
    measurement.full_clean(exclude=["value_std"])
    return measurement


@transaction.atomic
def record_measurement(*, by, enterprise: Enterprise, **values: Any) -> Measurement:
    """录入检测值: one measurement for an enterprise or one of its lines."""
    require_screening(by, enterprise.region)
    measurement = new_measurement(enterprise=enterprise, by=by, **values)
    measurement.save()
    return measurement


@transaction.atomic
def record_inspection(
    *,
    by,
    enterprise: Enterprise,
    line: ProductionLine | None = None,
    date: datetime.date,
    source: str,
    readings: Iterable[dict[str, Any]] = (),
    **values: Any,
) -> Inspection:
    """录入检查: an inspection with its readings (metric, value, unit), all or nothing."""
    require_screening(by, enterprise.region)
    if line is not None and line.enterprise_id != enterprise.pk:
        raise ValidationError({"line": _("该生产线不属于所选企业。")})
    inspection = Inspection(
        enterprise=enterprise, line=line, date=date, source=source, created_by=by, **values
    )
    inspection.full_clean()
    inspection.save()
    for index, reading in enumerate(readings, start=1):
        try:
            new_measurement(
                enterprise=enterprise,
                line=reading.get("line", line),
                date=date,
                source=source,
                inspection=inspection,
                by=by,
                **{k: v for k, v in reading.items() if k != "line"},
            ).save()
        except ValidationError as exc:
            raise ValidationError(
                [_("第%(n)d项检测值：%(error)s") % {"n": index, "error": "；".join(exc.messages)}]
            ) from None
    return inspection


# — campaigns —

CAMPAIGN_FIELDS = ("name", "region", "year", "as_of", "measured_from", "measured_to")


@transaction.atomic
def create_campaign(
    *, by, region: Region, industries: Iterable[Industry] = (), **values: Any
) -> ScreeningCampaign:
    """新建排查: a region, the industries (none: all key industries), the year and as-of date."""
    require_screening(by, region)
    campaign = ScreeningCampaign(region=region, created_by=by, **values)
    _default_window(campaign)
    _clean_campaign(campaign)
    campaign.save()
    campaign.industries.set(industries)
    return campaign


@transaction.atomic
def update_campaign(
    campaign: ScreeningCampaign, *, by, industries=None, **values: Any
) -> ScreeningCampaign:
    require_screening(by, campaign.region)
    for name, value in values.items():
        if name not in CAMPAIGN_FIELDS:
            raise TypeError(name)
        setattr(campaign, name, value)
    require_screening(by, campaign.region)
    _default_window(campaign)
    _clean_campaign(campaign)
    campaign.save()
    if industries is not None:
        campaign.industries.set(industries)
    return campaign


def _default_window(campaign: ScreeningCampaign) -> None:
    if campaign.as_of and campaign.year and not campaign.measured_from:
        campaign.measured_from = datetime.date(campaign.year, 1, 1)
    if campaign.as_of and not campaign.measured_to:
        campaign.measured_to = campaign.as_of


def _clean_campaign(campaign: ScreeningCampaign) -> None:
    campaign.full_clean(exclude=["summary"])
    if campaign.measured_from > campaign.measured_to:
        raise ValidationError({"measured_from": _("检测数据起始日不能晚于截止日。")})
    if campaign.measured_to > campaign.as_of:
        raise ValidationError({"measured_to": _("检测数据截止日不能晚于判定基准日。")})


FINDING_UPDATE_FIELDS = (
    "local_rule",
    "dimension",
    "category",
    "enterprise",
    "line",
    "as_of",
    "description",
    "reference",
    "confidence",
    "value",
    "threshold",
    "unit",
    "level",
    "values_from",
    "deadline",
    "measurement_ids",
    "computation",
    "superseded_at",  # None again when a later run finds it once more
    "updated_at",
)


def finding_from(campaign: ScreeningCampaign, outcome: Outcome) -> Finding:
    rule, verdict = outcome.rule, outcome.verdict
    return Finding(
        campaign=campaign,
        rule_id=rule.id,
        local_rule_id=outcome.local_rule_id,
        dimension=rule.dimension,
        category=rule.category,
        enterprise_id=outcome.enterprise_id,
        line_id=outcome.line_id,
        subject_key=outcome.subject_key,
        as_of=verdict.as_of,
        description=rule.description[:300],
        reference=rule.reference[:300],
        confidence=rule.confidence,
        value=verdict.value,
        threshold=verdict.threshold,
        unit=rule.metric_unit or "",
        level=verdict.level or "",
        values_from=verdict.values_from,
        deadline=rule.deadline,
        measurement_ids=[r.id for r in verdict.readings if r.id is not None],
        computation=[step.as_dict() for step in verdict.steps],
    )


@transaction.atomic
def run_campaign(
    campaign: ScreeningCampaign, *, by, progress: Callable[[Rule], None] | None = None
) -> dict:
    """运行排查: judge every enterprise and line in scope against every rule in force on the
    as-of date; write the findings (updated in place on a second run, never duplicated), the
    data gaps, and the coverage figures. Returns the summary."""
    require_screening(by, campaign.region)
    # Lock the campaign row so two runs of one campaign do not interleave.
    campaign = ScreeningCampaign.objects.select_for_update().get(pk=campaign.pk)
    scope = campaign_scope(campaign)
    existing = {
        (rule_id, key): pk
        for pk, rule_id, key in campaign.findings.values_list("pk", "rule_id", "subject_key")
    }
    seen: set[tuple[str, str]] = set()
    findings: list[Finding] = []
    DataGap.objects.filter(campaign=campaign).delete()
    gaps: list[DataGap] = []
    rules = campaign_rules(campaign)
    for outcome in screen(scope, rules, progress=progress):
        if outcome.verdict.outcome == FAIL:
            seen.add((outcome.rule.id, outcome.subject_key))
            findings.append(finding_from(campaign, outcome))
            if len(findings) >= BATCH:
                _upsert(findings)
                findings = []
        else:
            gaps.append(
                DataGap(
                    campaign=campaign,
                    rule_id=outcome.rule.id,
                    dimension=outcome.rule.dimension,
                    enterprise_id=outcome.enterprise_id,
                    line_id=outcome.line_id,
                    needed=outcome.needed[:100],
                )
            )
            if len(gaps) >= BATCH:
                DataGap.objects.bulk_create(gaps)
                gaps = []
    _upsert(findings)
    DataGap.objects.bulk_create(gaps)
    coverage.record_unlined_enterprises(campaign, scope)
    stale = [pk for key, pk in existing.items() if key not in seen]
    for start in range(0, len(stale), BATCH):
        # A finding that no longer holds on this run is withdrawn from the campaign, unless a
        # case cites it: then it stays, marked, because the case file refers to it.
        batch = Finding.objects.filter(pk__in=stale[start : start + BATCH])
        batch.filter(cases__isnull=False).update(superseded_at=timezone.now())
        batch.filter(cases__isnull=True).delete()
    campaign.summary = {
        "rules": len(rules),
        "findings": campaign.findings.filter(superseded_at__isnull=True).count(),
        "coverage": coverage.compute(campaign, scope),
    }
    campaign.status = "run"
    campaign.last_run_at = timezone.now()
    campaign.last_run_by = by
    campaign.save(update_fields=["summary", "status", "last_run_at", "last_run_by"])
    return campaign.summary


def _upsert(findings: list[Finding]) -> None:
    if findings:
        Finding.objects.bulk_create(
            findings,
            update_conflicts=True,
            unique_fields=["campaign", "rule_id", "subject_key"],
            update_fields=list(FINDING_UPDATE_FIELDS),
        )
