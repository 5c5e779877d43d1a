"""How screening records read on a page or in a file: rule names, the data a gap needs."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from phaseout.screening.coverage import NO_LINES
from phaseout.screening.explain import field_name, metric_name
from phaseout.standards.catalog import metrics, national
from phaseout.standards.models import LocalRule


def needed_text(needed: str) -> str:
    """What a data gap asks for, in Chinese: a metric's name, a line's missing attributes, or
    the production lines of an enterprise that has none in the registry."""
    if needed == "production_lines":
        return _("生产线（主体设备）登记")
    names = []
    for part in filter(None, needed.split(",")):
        if part in metrics():
            names.append(metric_name(part))
        else:
            names.append(field_name(part))
    return "、".join(names)


def rule_descriptions(rule_ids: Iterable[str]) -> dict[str, str]:
    """rule id → its description, from the national catalogue or the local rules (one query)."""
    ids = set(rule_ids)
    found = {}
    catalogue = national()
    for rule_id in ids:
        if rule_id == NO_LINES:
            found[rule_id] = _("台账中没有生产线，无法按设备和能耗判定")
        elif (rule := catalogue.get(rule_id)) is not None:
            found[rule_id] = rule.description
    rest = ids - set(found)
    if rest:
        for rule_id, definition in LocalRule.objects.filter(rule_id__in=rest).values_list(
            "rule_id", "definition"
        ):
            found.setdefault(rule_id, str((definition or {}).get("description", "")))
    return found
