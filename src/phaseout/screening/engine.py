"""The screening computation: every rule over the campaign's scope, set-based.

``screen`` returns verdict rows without writing anything, so a campaign run and a what-if use the
same code; ``services.run_campaign`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from phaseout.screening.models import ScreeningCampaign
from phaseout.standards import sql
from phaseout.standards.catalog import Rule
from phaseout.standards.evaluate import FAIL, MISSING, Verdict, evaluate
from phaseout.standards.rulesets import Applicable, rules_for


@dataclass
class Outcome:
    """One subject that failed a rule, or that the rule could not judge for want of data."""

    rule: Rule
    local_rule_id: int | None
    enterprise_id: int
    line_id: int | None
    region_code: str
    industry_code: str
    verdict: Verdict

    @property
    def subject_key(self) -> str:
        return f"l{self.line_id}" if self.line_id is not None else f"e{self.enterprise_id}"

    @property
    def needed(self) -> str:
        """What data is missing, for a MISSING outcome."""
        unknown = [
            s.data["field"]
            for s in self.verdict.steps
            if s.code in ("criterion", "scope") and s.data.get("held") is None
        ]
        if unknown:
            return ",".join(unknown)
        return self.rule.metric or ""


def campaign_scope(campaign: ScreeningCampaign) -> sql.Scope:
    industries = tuple(campaign.industries.values_list("code", flat=True))
    if not industries:
        from phaseout.registry.models import Industry

        industries = tuple(Industry.objects.filter(is_key=True).values_list("code", flat=True))
    return sql.Scope(
        region_prefix=campaign.region.prefix,
        industries=industries,
        as_of=campaign.as_of,
        measured_from=campaign.measured_from,
        measured_to=campaign.measured_to,
    )


def screen(
    scope: sql.Scope,
    applicable: Iterable[Applicable],
    *,
    progress: Callable[[Rule], None] | None = None,
) -> Iterator[Outcome]:
    """Failures and data gaps of every applicable rule in scope, re-judged step by step."""
    for item in applicable:
        if progress:
            progress(item.rule)
        for row in sql.evaluate_rule(item.rule, scope, exclude_regions=item.exclude_regions):
            verdict = evaluate(item.rule, row.subject, as_of=scope.as_of, window=scope.window)
            if verdict.outcome not in (FAIL, MISSING):
                # The SQL returns a superset (exempt equipment, e.g.); the reference decides.
                continue
            yield Outcome(
                rule=item.rule,
                local_rule_id=item.local_rule_id,
                enterprise_id=row.enterprise_id,
                line_id=row.line_id,
                region_code=row.region_code,
                industry_code=row.industry_code,
                verdict=verdict,
            )


def campaign_rules(campaign: ScreeningCampaign, *, drafts: Iterable[Rule] = ()) -> list[Applicable]:
    return rules_for(campaign.region, campaign.as_of, drafts=drafts)
