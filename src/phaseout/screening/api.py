"""Screening REST API: measurements, inspections, campaigns (run, coverage, gaps, what-if) and
findings with their explanation.

Every queryset comes from ``screening.scoping`` (so a record outside the person's scope is a
404); writes go through ``screening.services``, which check the permission again; a service's
ValidationError becomes a 400 naming the field (core/api.py), never a 500.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry.api import ScopedEnterpriseField
from phaseout.registry.models import Industry, ProductionLine
from phaseout.screening import coverage, scoping, services
from phaseout.screening.choices import Dimension
from phaseout.screening.display import needed_text, rule_descriptions
from phaseout.screening.explain import explain, metric_name, rule_of
from phaseout.screening.filters import (
    CampaignFilterSet,
    FindingFilterSet,
    GapFilterSet,
    MeasurementFilterSet,
)
from phaseout.screening.models import DataGap, Finding, Inspection, Measurement, ScreeningCampaign
from phaseout.screening.whatif import local_drafts, parse_drafts, what_if
from phaseout.standards import units
from phaseout.standards.catalog import metrics

# — permissions —


class Screens(permissions.BasePermission):
    """Anyone in scope reads; only registry keepers write, and only in their own regions.

    The services check again; this only answers early, before the request body is validated.
    """

    message = _("您的角色或部门不能开展排查或录入检测数据。")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return scoping.can_screen(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        region = obj.region if isinstance(obj, ScreeningCampaign) else obj.enterprise.region
        try:
            services.require_screening(request.user, region)
        except PermissionDenied:
            return False
        return True


# — fields —


class ScopedLineField(serializers.PrimaryKeyRelatedField):
    """A production line id among the lines in the person's scope."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return ProductionLine.objects.none()
        return Scope.of(request.user).lines()


class ScreeningRegionField(serializers.SlugRelatedField):
    """A region code among the current regions the person may screen."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Region.objects.none()
        return scoping.screening_regions(request.user)


@extend_schema_field(OpenApiTypes.STR)
class QuantityField(serializers.CharField):
    """A value as entered: written as text (a number, or 是/否 for a conclusion), read back
    without trailing zeros (125.000000 → "125")."""

    def to_representation(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
            return format(value, "f")
        return str(value)


def metric_choice_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[(code, spec.name) for code, spec in metrics().items()],
        label=_("指标"),
        help_text=_("指标代码（standards/catalog/metrics.yaml）"),
        **kwargs,
    )


# — measurements and inspections —


class MeasurementSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField(label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    line = ScopedLineField(label=_("生产线"), required=False, allow_null=True)
    line_code = serializers.CharField(source="line.code", read_only=True, default=None)
    metric = metric_choice_field()
    metric_name = serializers.SerializerMethodField()
    value = QuantityField(label=_("数值"), help_text=_("数字；“是/否”类结论填 是 或 否"))
    unit = serializers.CharField(
        label=_("单位"),
        required=False,
        allow_blank=True,
        help_text=_("留空则为指标的单位；其他单位自动换算，不能换算的返回400"),
    )
    unit_display = serializers.SerializerMethodField()
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "line",
            "line_code",
            "inspection",
            "metric",
            "metric_name",
            "value",
            "unit",
            "unit_display",
            "value_std",
            "date",
            "source",
            "source_display",
            "method",
            "notes",
            "created_at",
        ]
        read_only_fields = ["inspection", "value_std", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_metric_name(self, obj) -> str:
        return metric_name(obj.metric)

    @extend_schema_field(OpenApiTypes.STR)
    def get_unit_display(self, obj) -> str:
        return units.label(obj.unit)


class ReadingSerializer(serializers.Serializer):
    metric = metric_choice_field()
    value = serializers.CharField(label=_("数值"), max_length=40)
    unit = serializers.CharField(label=_("单位"), required=False, allow_blank=True, default="")

    def validate(self, attrs):
        try:
            services.standard_value(attrs["metric"], attrs["value"], attrs.get("unit") or "")
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs


class InspectionSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField(label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    line = ScopedLineField(label=_("生产线"), required=False, allow_null=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    readings = ReadingSerializer(many=True, write_only=True, label=_("检测值"))
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "line",
            "date",
            "source",
            "source_display",
            "document_number",
            "inspectors",
            "conclusion",
            "readings",
            "measurements",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_readings(self, value):
        if not value:
            raise serializers.ValidationError(_("请至少填写一项检测值。"))
        return value


class MeasurementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """检测值 of the enterprises in the person's scope; POST records one (录入检测值)."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet
    permission_classes = [permissions.IsAuthenticated, Screens]

    def get_queryset(self):
        return (
            scoping.measurements(self.request.user)
            .select_related("enterprise", "line")
            .order_by("-date", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.record_measurement(
            by=self.request.user,
            enterprise=data.pop("enterprise"),
            line=data.pop("line", None),
            unit=data.pop("unit", ""),
            **data,
        )


class InspectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """检查 with their readings; POST records an inspection and all its readings, or none."""

    serializer_class = InspectionSerializer
    permission_classes = [permissions.IsAuthenticated, Screens]
    filterset_fields = ["enterprise", "line", "source"]

    def get_queryset(self):
        return (
            scoping.inspections(self.request.user)
            .select_related("enterprise", "line")
            .prefetch_related("measurements__enterprise", "measurements__line")
            .order_by("-date", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.record_inspection(
            by=self.request.user,
            enterprise=data.pop("enterprise"),
            line=data.pop("line", None),
            date=data.pop("date"),
            source=data.pop("source"),
            readings=[dict(r) for r in data.pop("readings")],
            **data,
        )


# — campaigns —


class CampaignSerializer(serializers.ModelSerializer):
    region = ScreeningRegionField(
        slug_field="code",
        label=_("区域"),
        help_text=_("6位行政区划代码，须在您可以排查的范围内"),
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    industries = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=Industry.objects.filter(is_key=True),
        label=_("行业"),
        help_text=_("重点行业代码；不填为全部重点行业"),
    )
    measured_from = serializers.DateField(
        required=False, allow_null=True, help_text=_("不填为年度的1月1日")
    )
    measured_to = serializers.DateField(
        required=False, allow_null=True, help_text=_("不填为判定基准日")
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    last_run_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScreeningCampaign
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "industries",
            "year",
            "as_of",
            "measured_from",
            "measured_to",
            "status",
            "status_display",
            "last_run_at",
            "last_run_by",
            "summary",
            "created_at",
        ]
        read_only_fields = ["status", "last_run_at", "summary", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # An existing campaign keeps a region it may have been opened in before a change.
            fields["region"].required = False
        return fields


class CoverageRowSerializer(serializers.Serializer):
    region = serializers.CharField(help_text=_("区域代码"))
    region_name = serializers.CharField()
    industry = serializers.CharField(help_text=_("行业代码"))
    industry_name = serializers.CharField()
    total = serializers.IntegerField(help_text=_("企业数"))
    below_scale = serializers.IntegerField(help_text=_("其中规下"))
    lacking_permits = serializers.IntegerField(help_text=_("其中手续不全"))
    screened = serializers.IntegerField(help_text=_("已排查"))
    with_findings = serializers.IntegerField(help_text=_("有不达标"))
    missing_data = serializers.IntegerField(help_text=_("缺数据"))


class CoverageTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    below_scale = serializers.IntegerField()
    lacking_permits = serializers.IntegerField()
    screened = serializers.IntegerField()
    with_findings = serializers.IntegerField()
    missing_data = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    rows = CoverageRowSerializer(many=True)
    totals = CoverageTotalsSerializer()


class RunSummarySerializer(serializers.Serializer):
    rules = serializers.IntegerField(help_text=_("适用规则数"))
    findings = serializers.IntegerField(help_text=_("不达标发现数"))
    coverage = CoverageRowSerializer(many=True)
    totals = CoverageTotalsSerializer()


class GapSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    line_code = serializers.CharField(source="line.code", read_only=True, default=None)
    rule_description = serializers.SerializerMethodField()
    needed_display = serializers.SerializerMethodField()
    dimension_display = serializers.CharField(source="get_dimension_display", read_only=True)

    class Meta:
        model = DataGap
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "line",
            "line_code",
            "rule_id",
            "rule_description",
            "dimension",
            "dimension_display",
            "needed",
            "needed_display",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_rule_description(self, obj) -> str:
        return self.context.get("descriptions", {}).get(obj.rule_id, "")

    @extend_schema_field(OpenApiTypes.STR)
    def get_needed_display(self, obj) -> str:
        return needed_text(obj.needed)


class WhatIfSerializer(serializers.Serializer):
    yaml = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("规则草案：与标准目录文件相同写法的 YAML（family、dimension、rules …）"),
    )
    local_rules = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("要一并测算的地方规则草稿的 id"),
    )

    def validate(self, attrs):
        if not attrs.get("yaml") and not attrs.get("local_rules"):
            raise serializers.ValidationError(
                {"yaml": [_("请提供规则草案 YAML，或选择地方规则草稿。")]}
            )
        return attrs


class WhatIfRowSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    industry_code = serializers.CharField()
    industry_name = serializers.CharField()
    enterprises = serializers.IntegerField()
    lines = serializers.IntegerField()
    capacity = serializers.DictField(
        child=serializers.DecimalField(max_digits=24, decimal_places=3),
        help_text=_("产能单位代码 → 合计产能"),
    )


class WhatIfLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    line_code = serializers.CharField()
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    credit_code = serializers.CharField()
    region_code = serializers.CharField()
    industry_code = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=24, decimal_places=3, allow_null=True)
    capacity_unit = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())


class WhatIfEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    region_code = serializers.CharField()
    industry_code = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())


class WhatIfReportSerializer(serializers.Serializer):
    drafts = serializers.ListField(child=serializers.CharField(), help_text=_("草案规则编号"))
    rules_now = serializers.IntegerField()
    rules_with_drafts = serializers.IntegerField()
    enterprises = WhatIfEnterpriseSerializer(many=True)
    lines = WhatIfLineSerializer(many=True)
    rows = WhatIfRowSerializer(many=True)
    capacity_totals = serializers.DictField(
        child=serializers.DecimalField(max_digits=24, decimal_places=3)
    )
    relieved = serializers.IntegerField(help_text=_("草案下不再不达标的现行不达标项数"))


class YAMLTextParser(parsers.BaseParser):
    """A draft rule file posted as it is (Content-Type: application/yaml)."""

    media_type = "application/yaml"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return {"yaml": stream.read().decode("utf-8-sig")}
        except UnicodeDecodeError:
            raise parsers.ParseError(_("规则草案应为 UTF-8 编码。")) from None


def _summary(summary: dict) -> dict:
    rows = summary.get("coverage") or []
    return {
        "rules": summary.get("rules", 0),
        "findings": summary.get("findings", 0),
        "coverage": rows,
        "totals": coverage.totals(rows),
    }


class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """排查 of the person's regions: open one, change its parameters, run it, read its coverage
    and data gaps, and test draft rules against it (what-if)."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    permission_classes = [permissions.IsAuthenticated, Screens]

    def get_queryset(self):
        return (
            scoping.campaigns(self.request.user)
            .select_related("region", "last_run_by")
            .prefetch_related("industries")
            .order_by("-year", "-as_of", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_campaign(
            by=self.request.user,
            region=data.pop("region"),
            industries=data.pop("industries", []),
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.update_campaign(
            serializer.instance,
            by=self.request.user,
            industries=data.pop("industries", None),
            **data,
        )

    def _writable(self):
        campaign = self.get_object()
        services.require_screening(self.request.user, campaign.region)
        return campaign

    @extend_schema(request=None, responses=RunSummarySerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """运行排查: judge the scope and write findings, gaps and coverage; returns the summary."""
        campaign = self._writable()
        summary = services.run_campaign(campaign, by=request.user)
        return Response(RunSummarySerializer(_summary(summary)).data)

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """覆盖情况 by region and industry, with the totals (empty before the first run)."""
        campaign = self.get_object()
        rows = (campaign.summary or {}).get("coverage") or []
        return Response(CoverageSerializer({"rows": rows, "totals": coverage.totals(rows)}).data)

    @extend_schema(
        responses=GapSerializer(many=True),
        filters=False,
        parameters=[
            OpenApiParameter("enterprise", int, description="企业ID"),
            OpenApiParameter("rule_id", str, description="规则编号"),
            OpenApiParameter("dimension", str, enum=list(Dimension.values), description="维度"),
        ],
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def gaps(self, request, pk=None):
        """下一步需检查: subjects that could not be judged, and the data each needs."""
        campaign = self.get_object()
        gaps = GapFilterSet(
            request.query_params,
            queryset=scoping.gaps(request.user)
            .filter(campaign=campaign)
            .select_related("enterprise", "line")
            .order_by("enterprise_id", "line_id", "rule_id"),
            request=request,
        ).qs
        page = self.paginate_queryset(gaps)
        items = page if page is not None else list(gaps)
        context = {
            **self.get_serializer_context(),
            "descriptions": rule_descriptions(g.rule_id for g in items),
        }
        data = GapSerializer(items, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=WhatIfSerializer, responses=WhatIfReportSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="what-if",
        parser_classes=[parsers.JSONParser, YAMLTextParser],
        # A POST that writes nothing: services.require_what_if decides (officers and leaders).
        permission_classes=[permissions.IsAuthenticated],
    )
    def what_if(self, request, pk=None):
        """测算: screen the campaign with draft rules and report what would become backward.
        Nothing is written. Body: JSON ``{"yaml": "...", "local_rules": [id, …]}``, or the
        YAML file itself with ``Content-Type: application/yaml``."""
        campaign = self.get_object()  # what_if checks who may (officers and leaders)
        body = WhatIfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        drafts = []
        if body.validated_data.get("yaml"):
            drafts += parse_drafts(body.validated_data["yaml"])
        if body.validated_data.get("local_rules"):
            drafts += local_drafts(campaign, body.validated_data["local_rules"])
        report = what_if(campaign, drafts=drafts, by=request.user)
        return Response(
            WhatIfReportSerializer(
                {
                    "drafts": [rule.id for rule in report.drafts],
                    "rules_now": report.rules_now,
                    "rules_with_drafts": report.rules_with_drafts,
                    "enterprises": report.enterprises,
                    "lines": [vars(line) for line in report.lines],
                    "rows": [vars(row) for row in report.rows],
                    "capacity_totals": report.capacity_totals,
                    "relieved": report.relieved,
                }
            ).data
        )


# — findings —


class FindingSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    line_code = serializers.CharField(source="line.code", read_only=True, default=None)
    dimension_display = serializers.CharField(source="get_dimension_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    unverified = serializers.SerializerMethodField(help_text=_("规则取值可信度为 U（未核实）"))
    explanation = serializers.SerializerMethodField(help_text=_("判定过程，逐句中文说明"))

    class Meta:
        model = Finding
        fields = [
            "id",
            "campaign",
            "rule_id",
            "local_rule",
            "dimension",
            "dimension_display",
            "category",
            "category_display",
            "enterprise",
            "enterprise_name",
            "line",
            "line_code",
            "as_of",
            "description",
            "reference",
            "confidence",
            "unverified",
            "value",
            "threshold",
            "unit",
            "level",
            "values_from",
            "deadline",
            "measurement_ids",
            "computation",
            "explanation",
            "first_found_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_unverified(self, obj) -> bool:
        return obj.confidence == "U"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, obj) -> list[str]:
        return explain(obj, rule_of(obj))


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """不达标发现 of the campaigns in the person's scope, each with its explanation."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet

    def get_queryset(self):
        return (
            scoping.findings(self.request.user)
            .select_related("enterprise", "line", "local_rule__region")
            .order_by("campaign_id", "enterprise_id", "line_id", "rule_id")
        )


def register(router) -> None:
    router.register("measurements", MeasurementViewSet, basename="measurement")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("findings", FindingViewSet, basename="finding")
