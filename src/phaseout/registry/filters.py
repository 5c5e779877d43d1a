"""Registry filters. One FilterSet per list: the web page and the API list share it."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry.choices import (
    CapacityUnit,
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LegalStanding,
    LicenseKind,
    LicenseStatus,
    LineStatus,
    Process,
    Product,
)
from phaseout.registry.creditcode import normalize
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine


def scope_regions(request) -> QuerySet[Region]:
    """The current regions a person may filter by: those in their scope."""
    if request is None:
        return Region.objects.none()
    return Scope.of(request.user).regions().current().order_by("code")


class FilterForm(BootstrapFormMixin, forms.Form):
    pass


class EnterpriseFilterSet(django_filters.FilterSet):
    """企业台账 filters: the enterprise list page and GET /api/enterprises/."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("搜索"), help_text=_("企业名称或统一社会信用代码（部分即可）")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=scope_regions,
        to_field_name="code",
        method="filter_region",
        label=_("行政区划"),
        help_text=_("行政区划代码；含其下级区划和园区"),
        empty_label=_("全部区划"),
    )
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.order_by("code"),
        to_field_name="code",
        method="filter_industry",
        label=_("行业"),
        help_text=_("GB/T 4754 行业代码；门类或大类含其下各小类"),
        empty_label=_("全部行业"),
    )
    size = django_filters.ChoiceFilter(
        choices=EnterpriseSize.choices, label=_("规模"), empty_label=_("全部规模")
    )
    legal_standing = django_filters.ChoiceFilter(
        choices=LegalStanding.choices, label=_("合法手续"), empty_label=_("全部手续")
    )
    status = django_filters.ChoiceFilter(
        choices=EnterpriseStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "size", "legal_standing", "status"]
        form = FilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__contains=normalize(value)))

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        # The tree is the code prefix: a city filter includes its counties and parks.
        return queryset.filter(region__code__startswith=value.prefix)

    def filter_industry(self, queryset: QuerySet, name: str, value: Industry) -> QuerySet:
        return queryset.filter(industry__code__startswith=value.code)


class ProductionLineFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("企业ID"))
    equipment_type = django_filters.ChoiceFilter(choices=EquipmentType.choices, label=_("设备类型"))
    capacity_unit = django_filters.ChoiceFilter(choices=CapacityUnit.choices, label=_("产能单位"))
    process = django_filters.ChoiceFilter(choices=Process.choices, label=_("工艺"))
    product = django_filters.ChoiceFilter(choices=Product.choices, label=_("产品/用途"))
    status = django_filters.ChoiceFilter(choices=LineStatus.choices, label=_("状态"))

    class Meta:
        model = ProductionLine
        fields = ["enterprise", "equipment_type", "capacity_unit", "process", "product", "status"]


class LicenseFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("企业ID"))
    kind = django_filters.ChoiceFilter(choices=LicenseKind.choices, label=_("证照类别"))
    status = django_filters.ChoiceFilter(choices=LicenseStatus.choices, label=_("状态"))

    class Meta:
        model = License
        fields = ["enterprise", "kind", "status"]
