"""Template filters for screening pages: figures without float noise, unit and metric names."""

from __future__ import annotations

from django import template

from phaseout.screening import explain
from phaseout.standards import units

register = template.Library()


@register.filter
def figure(value):
    """120.60000000000001 → 120.6; None → —."""
    return explain.number(value)


@register.filter
def unit_label(code):
    """kgce/t → 千克标准煤/吨."""
    return units.label(code) if code else ""


@register.filter
def metric_label(code):
    """clinker_comprehensive_energy → 熟料单位产品综合能耗."""
    return explain.metric_name(code)
