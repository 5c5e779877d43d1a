"""Filters for the regions API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from phaseout.regions.choices import DepartmentKind, RegionLevel
from phaseout.regions.models import Department, Region, code_prefix


class RegionFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", label=_("行政区划代码"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("级别"))
    within = django_filters.CharFilter(
        method="filter_within",
        label=_("所属区划"),
        help_text=_("6位行政区划代码：列出该区划及其下级区划和园区"),
    )
    current = django_filters.BooleanFilter(
        field_name="valid_to", lookup_expr="isnull", label=_("现行有效")
    )

    class Meta:
        model = Region
        fields = ["code", "level", "within", "current"]

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value.strip()).order_by("valid_to").first()
        if region is None:
            return queryset.none()
        return queryset.filter(code__startswith=code_prefix(region.code, region.level))


class DepartmentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("部门类别"))
    region = django_filters.CharFilter(field_name="region__code", label=_("行政区划代码"))

    class Meta:
        model = Department
        fields = ["kind", "region"]
