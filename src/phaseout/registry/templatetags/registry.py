"""Template filters for registry pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def quantity(value):
    """A stored quantity as written: 2.500 → 2.5, 300.000 → 300, 48000 → 48,000 (grouped as
    the language groups). floatformat cannot drop the zeros of 2.500 without rounding."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number, force_grouping=True)
