"""Template filters for the enforcement documents (执法文书)."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """A date as a Chinese document writes it: 2026年11月22日 (GB/T 9704-2012 7.3.5.1: the
    年月日 of 成文日期 in full, in Arabic numerals, no leading zero). Nothing for no date."""
    if not isinstance(value, datetime.date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日"
