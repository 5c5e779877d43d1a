"""Enforcement filters. One FilterSet per list: the web page and the API list share it."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Case, Notification
from phaseout.registry.creditcode import normalize
from phaseout.registry.filters import FilterForm
from phaseout.screening.choices import Dimension


class DateInput(forms.DateInput):
    input_type = "date"


def region_prefix(code: str) -> str:
    """The code prefix a region filter matches: a full 6-digit code means the region and all
    below it (省 2 digits, 市 4, 县 and 园区 6, GB/T 2260); fewer digits are a prefix as typed."""
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def overdue_q(today) -> Q:
    """逾期: marked overdue by the sweep, flagged as not exited in time, or due before today."""
    return Q(state=CaseState.OVERDUE) | Q(overdue_since__isnull=False) | Q(due_on__lt=today)


class CaseFilter(django_filters.FilterSet):
    """案件 filters: the case list page and GET /api/cases/."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("搜索"),
        help_text=_("案件编号、企业名称或统一社会信用代码（部分即可）"),
    )
    state = django_filters.ChoiceFilter(
        choices=CaseState.choices, label=_("状态"), empty_label=_("全部状态")
    )
    dimension = django_filters.ChoiceFilter(
        choices=Dimension.choices, label=_("维度"), empty_label=_("全部维度")
    )
    region = django_filters.CharFilter(
        method="filter_region",
        label=_("行政区划"),
        help_text=_("行政区划代码（含下级区划和园区）或其开头几位"),
        validators=[RegexValidator(r"^\d{1,6}$", _("请填写1至6位数字的行政区划代码。"))],
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("逾期"), help_text=_("期限已届满未完成的案件")
    )
    due_before = django_filters.DateFilter(
        field_name="due_on",
        lookup_expr="lte",
        label=_("期限届满不晚于"),
        help_text=_("期限届满日在该日或之前（含当日）"),
        widget=DateInput,
    )

    class Meta:
        model = Case
        fields = ["q", "state", "dimension", "region", "overdue", "due_before"]
        form = FilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__contains=normalize(value))
        )

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(region__code__startswith=region_prefix(value))

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        q = overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class NotificationFilter(django_filters.FilterSet):
    """站内提醒 filters: the person's reminders page and GET /api/notifications/."""

    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("未读")
    )

    class Meta:
        model = Notification
        fields = ["unread"]
        form = FilterForm
