"""What-if (测算): what draft rules would change in a campaign's scope, before anyone adopts them.

The campaign's scope is screened twice with the same engine a run uses — once under the rules
in force (``engine.campaign_rules``), once with the drafts added (``rulesets.rules_for(...,
drafts=...)``) — and nothing is written. The answer is what would *become* backward: the
enterprises and lines that fail under the drafts but fail nothing today, with their capacity
summed per capacity unit (吨/年 and 立方米 are never added together), by region and industry.

A line is backward when it fails a line rule or its enterprise fails an enterprise rule
(a missing license makes the whole plant's capacity backward); an enterprise is backward when
it, or one of its lines, fails.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from phaseout.registry.choices import CapacityUnit
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening.engine import campaign_rules, campaign_scope, screen
from phaseout.screening.models import ScreeningCampaign
from phaseout.screening.services import require_what_if
from phaseout.standards import sql
from phaseout.standards.catalog import CatalogError, Rule, read_rules
from phaseout.standards.evaluate import FAIL
from phaseout.standards.models import LocalRuleStatus
from phaseout.standards.rulesets import (
    Applicable,
    local_rules_touching,
    local_to_rule,
    rules_for,
)


@dataclass
class NewlyBackwardLine:
    line_id: int
    line_code: str
    line_name: str
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    capacity: Decimal | None
    capacity_unit: str
    capacity_unit_display: str
    rules: list[str] = field(default_factory=list)  # the draft rules it fails (or its plant)


@dataclass
class WhatIfRow:
    """One region and industry: how many enterprises and lines would become backward, and
    their capacity per unit."""

    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    enterprises: int = 0
    lines: int = 0
    capacity: dict[str, Decimal] = field(default_factory=dict)  # capacity unit code → sum

    @property
    def capacity_items(self) -> list[tuple[str, Decimal]]:
        return capacity_items(self.capacity)


def capacity_items(capacity: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """(unit label, amount) in the order of the unit choices."""
    order = {code: i for i, code in enumerate(CapacityUnit.values)}
    return [
        (_unit_label(code), capacity[code])
        for code in sorted(capacity, key=lambda c: order.get(c, len(order)))
    ]


def _unit_label(code: str) -> str:
    try:
        return str(CapacityUnit(code).label)
    except ValueError:
        return code


@dataclass
class WhatIfReport:
    campaign: ScreeningCampaign
    drafts: list[Rule]
    rules_now: int
    rules_with_drafts: int
    enterprises: list[dict]  # newly backward enterprises: id, name, credit code, rules
    lines: list[NewlyBackwardLine]
    rows: list[WhatIfRow]
    relieved: int  # subjects failing today that would pass under the drafts (a laxer draft)

    @property
    def capacity_totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.rows:
            for unit, amount in row.capacity.items():
                totals[unit] += amount
        return dict(totals)

    @property
    def capacity_total_items(self) -> list[tuple[str, Decimal]]:
        return capacity_items(self.capacity_totals)


def parse_drafts(text: str, *, name: str = "draft.yaml") -> list[Rule]:
    """The rules of a draft family file (the catalogue's YAML shape), or ValidationError listing
    every problem, as ``phaseout catalog check`` would."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError({"yaml": [_("YAML 格式错误：%(error)s") % {"error": exc}]}) from None
    rules, problems = read_rules([(name, raw)])
    if problems:
        raise ValidationError({"yaml": [str(p) for p in problems]})
    if not rules:
        raise ValidationError({"yaml": [_("文件中没有规则。")]})
    return rules


def local_drafts(campaign: ScreeningCampaign, ids: Iterable[int]) -> list[Rule]:
    """Draft local rules picked for a what-if: only drafts of regions that touch the campaign's
    region; a rule that no longer reads is a ValidationError naming it."""
    ids = list(ids)
    found = {
        local.pk: local
        for local in local_rules_touching(campaign.region, (LocalRuleStatus.DRAFT,)).filter(
            pk__in=ids
        )
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "local_rules": [
                    _("没有可用于本次排查测算的地方规则草稿：%(ids)s。")
                    % {"ids": ", ".join(missing)}
                ]
            }
        )
    rules = []
    for pk in ids:
        try:
            rules.append(local_to_rule(found[pk]))
        except CatalogError as exc:
            raise ValidationError({"local_rules": [str(p) for p in exc.problems]}) from None
    return rules


def draft_rules(campaign: ScreeningCampaign, drafts: Iterable[Rule]) -> list[Applicable]:
    """The rules a campaign would apply with the drafts: ``rules_for`` with the drafts, and a
    draft local rule (one with ``local_region``) that supersedes a national rule replaces it
    inside its region, as an active one would."""
    drafts = list(drafts)
    applicable = rules_for(campaign.region, campaign.as_of, drafts=drafts)
    replaced: dict[str, list[str]] = defaultdict(list)
    for draft in drafts:
        if draft.local_region and draft.supersedes:
            replaced[draft.supersedes].append(draft.local_region)
    if not replaced:
        return applicable
    return [
        dataclasses.replace(
            item, exclude_regions=item.exclude_regions + tuple(replaced.get(item.rule.id, ()))
        )
        if item.local_rule_id is None and item.rule.id in replaced
        else item
        for item in applicable
    ]


def _failures(scope: sql.Scope, applicable: list[Applicable]):
    lines: dict[int, set[str]] = defaultdict(set)
    enterprises: dict[int, set[str]] = defaultdict(set)
    for outcome in screen(scope, applicable):
        if outcome.verdict.outcome != FAIL:
            continue
        if outcome.line_id is not None:
            lines[outcome.line_id].add(outcome.rule.id)
        else:
            enterprises[outcome.enterprise_id].add(outcome.rule.id)
    return lines, enterprises


def what_if(campaign: ScreeningCampaign, *, drafts: list[Rule], by) -> WhatIfReport:
    """测算: the campaign's scope under the rules in force and with the drafts; no writes."""
    require_what_if(by, campaign.region)
    scope = campaign_scope(campaign)
    now_rules = campaign_rules(campaign)
    with_drafts = draft_rules(campaign, drafts)
    now_lines, now_enterprises = _failures(scope, now_rules)
    new_lines, new_enterprises = _failures(scope, with_drafts)

    enterprise_ids = set(now_enterprises) | set(new_enterprises)
    enterprise_ids |= set(
        ProductionLine.objects.filter(pk__in=set(now_lines) | set(new_lines)).values_list(
            "enterprise_id", flat=True
        )
    )
    # Every live line of an enterprise that fails or has a failing line: whether a line is
    # backward depends on its plant too.
    live = (
        ProductionLine.objects.filter(enterprise_id__in=enterprise_ids)
        .exclude(status__in=sql.EXCLUDED_LINE_STATUSES)
        .select_related("enterprise__region", "enterprise__industry")
        .order_by("enterprise__region__code", "enterprise__name", "code")
    )
    lines_of: dict[int, list[ProductionLine]] = defaultdict(list)
    for line in live:
        lines_of[line.enterprise_id].append(line)

    def backward_line(line: ProductionLine, lines, enterprises) -> bool:
        return line.pk in lines or line.enterprise_id in enterprises

    def backward_enterprise(pk: int, lines, enterprises) -> bool:
        return pk in enterprises or any(line.pk in lines for line in lines_of.get(pk, ()))

    newly_lines: list[NewlyBackwardLine] = []
    for pk in sorted(enterprise_ids):
        for line in lines_of.get(pk, ()):
            if backward_line(line, new_lines, new_enterprises) and not backward_line(
                line, now_lines, now_enterprises
            ):
                newly_lines.append(_line_entry(line, new_lines, new_enterprises))
    newly_enterprises = [
        pk
        for pk in sorted(enterprise_ids)
        if backward_enterprise(pk, new_lines, new_enterprises)
        and not backward_enterprise(pk, now_lines, now_enterprises)
    ]
    relieved = sum(1 for pk in now_lines if pk not in new_lines) + sum(
        1 for pk in now_enterprises if pk not in new_enterprises
    )
    enterprise_rows = (
        Enterprise.objects.filter(pk__in=newly_enterprises)
        .select_related("region", "industry")
        .order_by("region__code", "name")
    )
    enterprises = []
    rows: dict[tuple[str, str], WhatIfRow] = {}
    for enterprise in enterprise_rows:
        failed = set(new_enterprises.get(enterprise.pk, ()))
        for line in lines_of.get(enterprise.pk, ()):
            failed |= new_lines.get(line.pk, set())
        enterprises.append(
            {
                "id": enterprise.pk,
                "name": enterprise.name,
                "credit_code": enterprise.credit_code,
                "region_code": enterprise.region.code,
                "region_name": enterprise.region.name,
                "industry_code": enterprise.industry.code,
                "industry_name": enterprise.industry.name,
                "rules": sorted(failed),
            }
        )
        _row(rows, enterprise.region, enterprise.industry).enterprises += 1
    for entry in newly_lines:
        row = rows.get((entry.region_code, entry.industry_code))
        if row is None:
            row = rows[(entry.region_code, entry.industry_code)] = WhatIfRow(
                entry.region_code, entry.region_name, entry.industry_code, entry.industry_name
            )
        row.lines += 1
        if entry.capacity is not None:
            unit = entry.capacity_unit
            row.capacity[unit] = row.capacity.get(unit, Decimal(0)) + entry.capacity
    return WhatIfReport(
        campaign=campaign,
        drafts=list(drafts),
        rules_now=len(now_rules),
        rules_with_drafts=len(with_drafts),
        enterprises=enterprises,
        lines=newly_lines,
        rows=[rows[key] for key in sorted(rows)],
        relieved=relieved,
    )


def _row(rows: dict, region, industry) -> WhatIfRow:
    key = (region.code, industry.code)
    if key not in rows:
        rows[key] = WhatIfRow(region.code, region.name, industry.code, industry.name)
    return rows[key]


def _line_entry(line: ProductionLine, new_lines, new_enterprises) -> NewlyBackwardLine:
    enterprise = line.enterprise
    rules = sorted(new_lines.get(line.pk, set()) | new_enterprises.get(enterprise.pk, set()))
    return NewlyBackwardLine(
        line_id=line.pk,
        line_code=line.code,
        line_name=line.name,
        enterprise_id=enterprise.pk,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        region_code=enterprise.region.code,
        region_name=enterprise.region.name,
        industry_code=enterprise.industry.code,
        industry_name=enterprise.industry.name,
        capacity=line.capacity,
        capacity_unit=line.capacity_unit,
        capacity_unit_display=str(line.get_capacity_unit_display()),
        rules=rules,
    )
