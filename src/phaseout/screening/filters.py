"""Screening filters. One FilterSet per list: the web page and the API list share it."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from phaseout.regions.models import Region
from phaseout.registry.creditcode import normalize
from phaseout.registry.filters import FilterForm, scope_regions
from phaseout.screening.choices import Dimension, FindingCategory, Source
from phaseout.screening.forms import metric_choices
from phaseout.screening.models import DataGap, Finding, Measurement, ScreeningCampaign


class DateInput(forms.DateInput):
    input_type = "date"


def enterprise_q(queryset: QuerySet, value: str) -> QuerySet:
    """Records of the enterprises whose name or credit code contains the text."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__contains=normalize(value))
    )


class MeasurementFilterSet(django_filters.FilterSet):
    """检测值 filters: the measurement list page and GET /api/measurements/."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("企业"), help_text=_("企业名称或统一社会信用代码（部分即可）")
    )
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("企业ID"))
    line = django_filters.NumberFilter(field_name="line", label=_("生产线ID"))
    line_code = django_filters.CharFilter(
        field_name="line__code", label=_("生产线编号"), lookup_expr="exact"
    )
    metric = django_filters.ChoiceFilter(
        choices=metric_choices, label=_("指标"), empty_label=_("全部指标")
    )
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label=_("来源"), empty_label=_("全部来源")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("检测日期自"), widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("检测日期至"), widget=DateInput
    )

    class Meta:
        model = Measurement
        fields = [
            "q",
            "enterprise",
            "line",
            "line_code",
            "metric",
            "source",
            "date_from",
            "date_to",
        ]
        form = FilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return enterprise_q(queryset, value)


class CampaignFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=scope_regions,
        to_field_name="code",
        method="filter_region",
        label=_("区域"),
        empty_label=_("全部区域"),
    )
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))

    class Meta:
        model = ScreeningCampaign
        fields = ["region", "year"]
        form = FilterForm

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        return queryset.filter(region__code__startswith=value.prefix)


class FindingFilterSet(django_filters.FilterSet):
    """不达标发现 filters: the campaign page's findings and GET /api/findings/."""

    campaign = django_filters.NumberFilter(field_name="campaign", label=_("排查ID"))
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("企业ID"))
    q = django_filters.CharFilter(
        method="filter_q", label=_("企业"), help_text=_("企业名称或统一社会信用代码（部分即可）")
    )
    rule_id = django_filters.CharFilter(field_name="rule_id", label=_("规则编号"))
    dimension = django_filters.ChoiceFilter(
        choices=Dimension.choices, label=_("维度"), empty_label=_("全部维度")
    )
    category = django_filters.ChoiceFilter(
        choices=FindingCategory.choices, label=_("类别"), empty_label=_("全部类别")
    )
    unverified = django_filters.BooleanFilter(
        method="filter_unverified",
        label=_("仅看未核实"),
        help_text=_("规则取值可信度为 U 的发现"),
    )

    class Meta:
        model = Finding
        fields = ["campaign", "enterprise", "q", "rule_id", "dimension", "category", "unverified"]
        form = FilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return enterprise_q(queryset, value)

    def filter_unverified(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(confidence="U") if value else queryset.exclude(confidence="U")


class GapFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("企业ID"))
    rule_id = django_filters.CharFilter(field_name="rule_id", label=_("规则编号"))
    dimension = django_filters.ChoiceFilter(choices=Dimension.choices, label=_("维度"))

    class Meta:
        model = DataGap
        fields = ["enterprise", "rule_id", "dimension"]
        form = FilterForm
