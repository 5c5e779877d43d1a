"""A catalogue rule as a person reads it: names instead of codes, values by date with units."""

from __future__ import annotations

from django.utils.translation import gettext as _

from phaseout.registry.choices import EquipmentType, LicenseKind, Process, Product
from phaseout.screening.choices import Dimension
from phaseout.screening.explain import level_grade, metric_name, number
from phaseout.standards import units
from phaseout.standards.catalog import Rule


def kind_label(kind: str) -> str:
    return {
        "limit": _("限值"),
        "check": _("检查结论"),
        "equipment": _("淘汰类设备"),
        "license": _("证照"),
    }.get(kind, kind)


def _labels(choices, values) -> list[str]:
    result = []
    for value in values:
        try:
            result.append(str(choices(value).label))
        except ValueError:
            result.append(value)
    return result


def rule_card(rule: Rule) -> dict:
    graded = rule.judge == "energy"
    periods = []
    for period in rule.periods:
        values = None
        if period.values is not None:
            values = [
                {
                    "level": level,
                    "name": level_grade(level, graded=graded),
                    "value": value,
                    "text": number(value),
                }
                for level, value in period.values.items()
            ]
        periods.append({"start": period.start, "end": period.end, "values": values})
    applies = rule.applies_to
    return {
        "id": rule.id,
        "family": rule.family,
        "dimension": rule.dimension,
        "dimension_display": str(Dimension(rule.dimension).label),
        "kind": rule.kind,
        "kind_display": kind_label(rule.kind),
        "description": rule.description,
        "reference": rule.reference,
        "confidence": rule.confidence,
        "unverified": not rule.verified,
        "last_reviewed": rule.last_reviewed,
        "subject": rule.subject,
        "metric": rule.metric or "",
        "metric_name": metric_name(rule.metric),
        "unit": rule.unit or "",
        "unit_display": units.label(rule.unit) if rule.unit and rule.unit != "bool" else "",
        "direction": rule.direction,
        "judge": rule.judge,
        "industries": list(applies.industries),
        "equipment": _labels(EquipmentType, applies.equipment),
        "processes": _labels(Process, applies.processes),
        "products": _labels(Product, applies.products),
        "regions": list(applies.regions),
        "license_kind": rule.license_kind or "",
        "license_kind_display": _labels(LicenseKind, [rule.license_kind])[0]
        if rule.license_kind
        else "",
        "periods": periods,
        "corrections": [c.description or c.id for c in rule.corrections],
        "category": rule.category,
        "edition": rule.edition,
        "deadline": rule.deadline,
        "note": rule.note,
        "source": rule.source,
        "path": rule.path,
        "local_region": rule.local_region or "",
        "supersedes": rule.supersedes or "",
    }
