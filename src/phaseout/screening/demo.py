"""The demo jurisdiction's 2025 screening: measurements for its lines and enterprises, and a
campaign of 示范市 run over them, so the backward lines show up as findings that explain
themselves, and a few enterprises show up as "next to inspect".

Readings are derived from the catalogue itself: every limit rule that covers a line gets one
inspection reading in 2025 below its limit (a deterministic fraction), and every yes/no check
that covers an enterprise gets a "yes" — except for the scripted failures below, and for about
one enterprise in twelve, which has not been inspected yet. Idempotent: a second run leaves the
same data (the demo readings are recognised by their note and rebuilt only when they differ).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from phaseout.regions.models import Region
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening import services
from phaseout.screening.models import Measurement, ScreeningCampaign
from phaseout.standards import sql
from phaseout.standards.catalog import national
from phaseout.standards.evaluate import Subject, applies, criterion_holds

SEED = "20260101-screening"
NOTE = "演示数据"
YEAR = 2025
AS_OF = datetime.date(2025, 12, 31)
CAMPAIGN_NAME = "示范市2025年度落后产能综合标准排查"
COUNTY_CAMPAIGN_NAME = "城东区2025年度落后产能排查"

# (enterprise name, line code or None, metric) → value: the scripted failures.
SCRIPTED = {
    # 2025年实测熟料综合能耗 125 kgce/t，超过 GB 16780-2021 3级 117。
    ("城东区金盛水泥有限公司", "YL-1", "clinker_comprehensive_energy"): 125.0,
    # 窑尾颗粒物 45 mg/m³（基准含氧量10%），超过 GB 4915-2013 表1 的 30。
    ("南江市江源水泥有限公司", "YL-1", "cement_kiln_pm"): 45.0,
    ("南江市江源水泥有限公司", "YL-1", "flue_o2"): 10.0,
    # 应急管理部门检查结论：不具备安全生产条件。
    ("北山县青峰建材有限公司", None, "safety_conditions_met"): 0.0,
    # 产品质量监督抽查不合格。
    ("城西区永兴钢铁有限公司", None, "quality_sampling_passed"): 0.0,
    # 平板玻璃综合能耗 14.6 kgce/重量箱，超过 GB 21340-2019 500–800 t/d 档限额 13.5。
    ("城东区华晨玻璃股份有限公司", "BL-1", "flat_glass_comprehensive_energy"): 14.6,
}
NOT_INSPECTED_EVERY = 12


@dataclass(frozen=True)
class PlannedReading:
    enterprise_id: int
    line_id: int | None
    metric: str
    value: float
    date: datetime.date


def _subject(line: ProductionLine | None, enterprise: Enterprise) -> Subject:
    common = {"industry": enterprise.industry.code, "region": enterprise.region.code}
    if line is None:
        return Subject(kind="enterprise", **common)
    return Subject(
        kind="line",
        equipment_type=line.equipment_type,
        process=line.process,
        product=line.product,
        size=None if line.size is None else float(line.size),
        size_unit=line.size_unit,
        capacity=float(line.capacity),
        capacity_unit=line.capacity_unit,
        commissioning_year=line.commissioning_year,
        **common,
    )


def _covers(rule, subject: Subject) -> bool:
    """The rule applies to the subject, and the subject is in its size class, if it has one."""
    return applies(rule, subject) and all(
        criterion_holds(c, subject) is not False for c in rule.criteria
    )


def plan_readings(
    enterprises: list[Enterprise], retired_later: frozenset[int] = frozenset()
) -> list[PlannedReading]:
    """``retired_later``: lines taken out of service after the year screened (the demo's
    enforcement cases dismantle one); they were in service, and inspected, that year."""
    rng = random.Random(SEED)
    rules = [
        r for r in national().rules.values() if r.kind in ("limit", "check") and r.in_force(AS_OF)
    ]
    planned: dict[tuple, PlannedReading] = {}

    def add(enterprise, line, metric, value):
        day = datetime.date(YEAR, rng.randint(3, 11), rng.randint(1, 28))
        key = (enterprise.pk, line.pk if line else None, metric)
        scripted = SCRIPTED.get((enterprise.name, line.code if line else None, metric))
        planned[key] = PlannedReading(
            enterprise.pk, key[1], metric, value if scripted is None else scripted, day
        )

    for index, enterprise in enumerate(enterprises):
        if index % NOT_INSPECTED_EVERY == NOT_INSPECTED_EVERY - 1:
            continue  # not inspected yet: the campaign lists it as "next to inspect"
        for line in enterprise.lines.all():
            if line.status in sql.EXCLUDED_LINE_STATUSES and line.pk not in retired_later:
                continue
            subject = _subject(line, enterprise)
            for rule in rules:
                if rule.subject != "line" or not _covers(rule, subject):
                    continue
                limit = rule.period_on(AS_OF).values["limit"]
                share = (
                    rng.uniform(0.80, 0.98) if rule.direction == "max" else rng.uniform(1.02, 1.2)
                )
                add(enterprise, line, rule.metric, round(limit * share, 2))
                for correction in rule.corrections:
                    if correction.kind == "oxygen":
                        add(enterprise, line, correction.param, correction.reference)
        subject = _subject(None, enterprise)
        for rule in rules:
            if rule.subject == "enterprise" and rule.kind == "check" and applies(rule, subject):
                add(enterprise, None, rule.metric, 1.0)
    by_name = {e.name: e for e in enterprises}
    for (name, line_code, metric), value in SCRIPTED.items():
        enterprise = by_name.get(name)
        if enterprise is None:
            continue
        line = enterprise.lines.filter(code=line_code).first() if line_code else None
        add(enterprise, line, metric, value)
    return sorted(planned.values(), key=lambda r: (r.enterprise_id, r.line_id or 0, r.metric))


def _retired_after(day: datetime.date) -> frozenset[int]:
    """Lines sealed or dismantled by an enforcement measure dated after ``day``."""
    from phaseout.enforcement.choices import MeasureKind
    from phaseout.enforcement.models import Measure

    return frozenset(
        Measure.objects.filter(
            line__isnull=False,
            kind__in=[MeasureKind.SEALED, MeasureKind.DISMANTLED],
            executed_on__gt=day,
        ).values_list("line_id", flat=True)
    )


def _same(existing: list[Measurement], planned: list[PlannedReading]) -> bool:
    have = sorted(
        (m.enterprise_id, m.line_id or 0, m.metric, m.value_std, m.date) for m in existing
    )
    want = sorted((p.enterprise_id, p.line_id or 0, p.metric, p.value, p.date) for p in planned)
    return have == want


@transaction.atomic
def load() -> dict:
    """Write the demo readings and run the demo campaign; returns the campaign summary."""
    city = Region.objects.get(code="990100")
    enterprises = list(
        Enterprise.objects.filter(region__code__startswith=city.prefix)
        .select_related("industry", "region")
        .prefetch_related("lines")
        .order_by("credit_code")
    )
    planned = plan_readings(enterprises, _retired_after(AS_OF))
    existing = list(Measurement.objects.filter(notes=NOTE))
    if not _same(existing, planned):
        Measurement.objects.filter(notes=NOTE).delete()
        metrics = national().metrics
        Measurement.objects.bulk_create(
            Measurement(
                enterprise_id=p.enterprise_id,
                line_id=p.line_id,
                metric=p.metric,
                value=p.value,
                unit=metrics[p.metric].unit,
                value_std=p.value,
                date=p.date,
                source="inspection",
                method="现场检查（演示）",
                notes=NOTE,
            )
            for p in planned
        )
    users = get_user_model().objects
    # The city's campaign, run by the administrator, and 城东区's own, run by its officer (a
    # county officer sees the campaigns of the county, not the city's).
    east = Region.objects.get(code="990102")
    _run(east, COUNTY_CAMPAIGN_NAME, users.get(username="east_officer"))
    return _run(city, CAMPAIGN_NAME, users.get(username="admin"))


def _run(region: Region, name: str, by) -> dict:
    campaign = ScreeningCampaign.objects.filter(name=name, region=region).first()
    if campaign is None:
        campaign = services.create_campaign(by=by, region=region, name=name, year=YEAR, as_of=AS_OF)
    return services.run_campaign(campaign, by=by)
