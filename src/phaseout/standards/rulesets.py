"""The rules that apply in a region: the national catalogue and the jurisdictions' local rules.

A local rule applies only inside its region's subtree. One that supersedes a national rule
replaces it there, so the national rule is evaluated everywhere else (``exclude_regions``).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from phaseout.regions.models import Region
from phaseout.standards.catalog import CatalogError, Rule, national, read_rules
from phaseout.standards.models import LocalRule, LocalRuleStatus


@dataclass(frozen=True)
class Applicable:
    rule: Rule
    local_rule_id: int | None = None
    exclude_regions: tuple[str, ...] = ()


def local_to_rule(local: LocalRule) -> Rule:
    """A stored local rule as a Rule; CatalogError lists what is wrong with its definition."""
    raw = {**local.definition, "id": local.rule_id}
    rules, problems = read_rules(
        [(f"local:{local.region.code}", {"family": _family(local), "rules": [raw]})]
    )
    if problems:
        raise CatalogError(problems)
    return dataclasses.replace(
        rules[0], local_region=local.region.prefix, supersedes=local.supersedes or None
    )


def _checked(local: LocalRule) -> Rule:
    """A stored local rule that no longer reads (the catalogue's metrics or units changed in an
    upgrade) stops the run with a message naming it, instead of failing inside it."""
    try:
        return local_to_rule(local)
    except CatalogError as exc:
        raise ValidationError(
            _(
                "地方规则 %(rule)s（%(region)s）不符合当前标准目录，请修改或撤销后再运行：%(problems)s"
            )
            % {
                "rule": local.rule_id,
                "region": local.region.name,
                "problems": "；".join(p.message for p in exc.problems),
            }
        ) from None


def _family(local: LocalRule) -> str:
    return str(local.definition.get("family") or f"{local.region.name}地方规则")


def local_rules_touching(region: Region, statuses: Iterable[str] = (LocalRuleStatus.ACTIVE,)):
    """Local rules whose region overlaps region's subtree (above it or inside it)."""
    ancestors = [region.code[: len(p)].ljust(6, "0") for p in _prefixes(region.code)]
    return (
        LocalRule.objects.select_related("region")
        .filter(status__in=list(statuses))
        .filter(Q(region__code__startswith=region.prefix) | Q(region__code__in=ancestors))
        .order_by("region__code", "rule_id")
    )


def _prefixes(code: str) -> list[str]:
    return [code[:2], code[:4], code]


def rules_for(
    region: Region,
    as_of: datetime.date,
    *,
    drafts: Iterable[Rule] = (),
    local_statuses: Iterable[str] = (LocalRuleStatus.ACTIVE,),
) -> list[Applicable]:
    """Every rule in force on as_of that can apply inside region, with where it must not.

    ``drafts`` (for what-if) replace national rules of the same id and add new ones.
    """
    nationals = dict(national().rules)
    for draft in drafts:
        nationals[draft.id] = draft
    locals_ = [(local, _checked(local)) for local in local_rules_touching(region, local_statuses)]
    superseded: dict[str, list[str]] = {}
    for _local, rule in locals_:
        if rule.supersedes:
            superseded.setdefault(rule.supersedes, []).append(rule.local_region)
    result = [
        Applicable(rule, None, tuple(superseded.get(rule.id, ())))
        for rule in nationals.values()
        if rule.in_force(as_of)
    ]
    result.extend(Applicable(rule, local.pk) for local, rule in locals_ if rule.in_force(as_of))
    return result
