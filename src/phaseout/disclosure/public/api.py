"""Read-only public REST endpoints: the published lists and enterprises' public records.

Anonymous (``AllowAny``), throttled per client address, and reading only what the public pages
read: published snapshots (``ListSnapshot.objects.published()``) and the record built by
``public.record`` — never case ids or numbers, enterprise ids or officers.

* ``/api/public/lists/`` — published snapshots (``?kind=``, ``?region=`` a region code: that
  region and everything under it); ``/api/public/lists/{id}/entries/`` — one list's rows with the
  list page's search and filters (``q``, ``region``, ``industry``, ``dimension``, ``year``).
* ``/api/public/enterprises/{credit_code}/`` — the record's sections, as on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
from phaseout.disclosure.public.record import public_record
from phaseout.disclosure.public.views import ENTRY_FILTERS, entry_params, filter_entries
from phaseout.regions.models import Region

PUBLIC_API_RATE = "600/hour"


class PublicThrottle(AnonRateThrottle):
    """Per client address, in the cache the public pages' rate limits share between processes."""

    scope = "public"

    def __init__(self):
        self.cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", None) or "default"]
        super().__init__()

    def get_rate(self):
        rates = self.THROTTLE_RATES or {}
        return rates.get(self.scope) or PUBLIC_API_RATE

    def get_ident(self, request) -> str:
        # The address the pages' limits use (django-ratelimit's RATELIMIT_IP_META_KEY), not DRF's
        # default, which takes the whole X-Forwarded-For a client can vary at will.
        key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
        return request.META.get(key, "").split(",")[0].strip()


class PublicMixin:
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicThrottle]


class PublicListSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ListSnapshot
        fields = [
            "id",
            "kind",
            "kind_display",
            "number",
            "region_code",
            "region_name",
            "department_name",
            "cut_off",
            "year",
            "published_at",
            "entry_count",
        ]
        read_only_fields = fields


class PublicEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotEntry
        fields = [
            "position",
            "enterprise_name",
            "credit_code",
            "region_code",
            "region_name",
            "industry_code",
            "industry_name",
            "dimension",
            "line_code",
            "equipment",
            "capacity",
            "capacity_unit",
            "since",
            "reason",
        ]
        read_only_fields = fields


_LIST_FILTERS = [
    OpenApiParameter("kind", str, enum=ListKind.values, description=_("名单")),
    OpenApiParameter("region", str, description=_("行政区划代码（含下级）")),
]
_ENTRY_FILTERS = [
    OpenApiParameter("q", str, description=_("企业名称（包含）或统一社会信用代码")),
    OpenApiParameter("region", str, description=_("企业所在行政区划代码（含下级）")),
    OpenApiParameter("industry", str, description=_("行业代码")),
    OpenApiParameter("dimension", str, description=_("维度")),
    OpenApiParameter("year", int, description=_("列入年度")),
]
assert [p.name for p in _ENTRY_FILTERS] == list(ENTRY_FILTERS)


@extend_schema_view(list=extend_schema(parameters=_LIST_FILTERS))
class PublicListViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    """已公布的名单（快照），最新在前；无须登录."""

    serializer_class = PublicListSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = ListSnapshot.objects.published().select_related("region", "department")
        if self.action == "list":
            kind = self.request.query_params.get("kind", "")
            if kind:
                if kind not in ListKind.values:
                    raise serializers.ValidationError({"kind": [_("不认识的名单。")]})
                qs = qs.filter(kind=kind)
            code = self.request.query_params.get("region", "")
            if code:
                region = Region.objects.current().filter(code=code).first()
                if region is None:
                    raise serializers.ValidationError({"region": [_("不认识的行政区划代码。")]})
                qs = qs.filter(region__code__startswith=region.prefix)
        return qs.order_by("-published_at", "-id")

    @extend_schema(parameters=_ENTRY_FILTERS, responses=PublicEntrySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=PublicEntrySerializer)
    def entries(self, request, pk=None):
        """一份已公布名单的条目，可按名称或代码查询并筛选."""
        snapshot = self.get_object()
        entries = filter_entries(snapshot.entries.all(), entry_params(request.query_params))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(PublicEntrySerializer(page, many=True).data)


class PublicPublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ListKind.choices)
    kind_label = serializers.CharField()
    number = serializers.CharField()
    region_name = serializers.CharField()
    cut_off = serializers.DateField()
    published_on = serializers.DateField()
    year = serializers.IntegerField(allow_null=True)
    current = serializers.BooleanField(help_text=_("是否为该名单最新一期"))
    url = serializers.CharField(help_text=_("名单页面"))


class PublicLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    equipment = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=14, decimal_places=3)
    capacity_unit = serializers.CharField()
    commissioning_year = serializers.IntegerField(allow_null=True)


class PublicDimensionStatusSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    label = serializers.CharField()
    lists = PublicPublicationSerializer(many=True)


class PublicQuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("按维度（能耗、环保、质量、安全、技术）列出该季度公布的名单中列入本企业的名单"),
    )


class PublicMeasureSerializer(serializers.Serializer):
    measure = serializers.CharField()
    dimension = serializers.CharField()
    line_code = serializers.CharField(allow_blank=True)
    equipment = serializers.CharField()
    since = serializers.DateField()
    publication = PublicPublicationSerializer()


class PublicExitSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    line_code = serializers.CharField(allow_blank=True)
    equipment = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    capacity_unit = serializers.CharField(allow_blank=True)
    accepted_on = serializers.DateField()
    publication = PublicPublicationSerializer()


class PublicRecordSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    industry_code = serializers.CharField()
    industry_name = serializers.CharField()
    lines = PublicLineSerializer(many=True)
    status = PublicDimensionStatusSerializer(many=True)
    quarters = PublicQuarterSerializer(many=True)
    measures = PublicMeasureSerializer(many=True)
    announcements = PublicPublicationSerializer(many=True)
    exits = PublicExitSerializer(many=True)


class PublicEnterpriseViewSet(PublicMixin, viewsets.GenericViewSet):
    """企业公开档案：只含已公布的信息；没有已公布名单列入的企业为 404."""

    serializer_class = PublicRecordSerializer
    lookup_field = "credit_code"
    lookup_value_regex = "[^/]+"
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("credit_code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses=PublicRecordSerializer,
    )
    def retrieve(self, request, credit_code=None):
        record = public_record(credit_code)
        if record is None:
            raise Http404
        return Response(PublicRecordSerializer(record).data)


def register(router) -> None:
    """Add the public endpoints to the one router."""
    router.register("public/lists", PublicListViewSet, basename="public-list")
    router.register("public/enterprises", PublicEnterpriseViewSet, basename="public-enterprise")
