"""Coverage, the "no blind spots" figure (不留死角, 宽城区工作方案 三(一); 30号文 十九).

Per region and industry: the enterprises in scope (above and below designated size, licensed
or not), how many were screened completely, how many have findings, and how many lack data —
with the list of what to inspect next in ``DataGap``.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening.models import DataGap, Finding, ScreeningCampaign
from phaseout.standards import sql

NO_LINES = "registry.lines"


def enterprises_in_scope(scope: sql.Scope) -> QuerySet:
    industry_q = Q()
    for prefix in scope.industries:
        industry_q |= Q(industry__code__startswith=prefix)
    return (
        Enterprise.objects.filter(region__code__startswith=scope.region_prefix)
        .filter(industry_q)
        .exclude(status__in=sql.EXCLUDED_ENTERPRISE_STATUSES)
    )


def record_unlined_enterprises(campaign: ScreeningCampaign, scope: sql.Scope) -> None:
    """An enterprise with no line in the registry cannot be judged on its equipment: a gap."""
    live_lines = ProductionLine.objects.filter(enterprise=OuterRef("pk")).exclude(
        status__in=sql.EXCLUDED_LINE_STATUSES
    )
    unlined = enterprises_in_scope(scope).filter(~Exists(live_lines)).values_list("pk", flat=True)
    DataGap.objects.bulk_create(
        DataGap(campaign=campaign, rule_id=NO_LINES, enterprise_id=pk, needed="production_lines")
        for pk in unlined.iterator()
    )


def compute(campaign: ScreeningCampaign, scope: sql.Scope) -> list[dict]:
    """One row per region and industry, ordered by codes; figures are enterprise counts."""
    # Restricted-category items (限制类) are not backward capacity; they feed the price rules.
    has_finding = Exists(
        Finding.objects.filter(campaign=campaign, enterprise=OuterRef("pk")).exclude(
            category="restricted"
        )
    )
    has_gap = Exists(DataGap.objects.filter(campaign=campaign, enterprise=OuterRef("pk")))
    rows = (
        enterprises_in_scope(scope)
        .annotate(has_finding=has_finding, has_gap=has_gap)
        .values("region__code", "region__name", "industry__code", "industry__name")
        .annotate(
            total=Count("pk"),
            below_scale=Count("pk", filter=Q(size="below")),
            lacking_permits=Count("pk", filter=Q(legal_standing="lacking")),
            with_findings=Count("pk", filter=Q(has_finding=True)),
            missing_data=Count("pk", filter=Q(has_gap=True)),
        )
        .order_by("region__code", "industry__code")
    )
    result = []
    for row in rows:
        result.append(
            {
                "region": row["region__code"],
                "region_name": row["region__name"],
                "industry": row["industry__code"],
                "industry_name": row["industry__name"],
                "total": row["total"],
                "below_scale": row["below_scale"],
                "lacking_permits": row["lacking_permits"],
                "screened": row["total"] - row["missing_data"],
                "with_findings": row["with_findings"],
                "missing_data": row["missing_data"],
            }
        )
    return result


def totals(rows: list[dict]) -> dict:
    keys = ("total", "below_scale", "lacking_permits", "screened", "with_findings", "missing_data")
    return {key: sum(row[key] for row in rows) for key in keys}
