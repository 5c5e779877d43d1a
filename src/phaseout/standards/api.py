"""Standards REST API: the national catalogue (read-only, from the YAML files) and the local
rules of the person's regions, written through standards/services.py."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.screening.choices import Dimension
from phaseout.standards import services
from phaseout.standards.catalog import CONFIDENCE, KINDS, national
from phaseout.standards.forms import parse_definition
from phaseout.standards.models import LocalRule, LocalRuleStatus
from phaseout.standards.presentation import rule_card
from phaseout.standards.scoping import local_rules

# — the national catalogue —


class LevelValueSerializer(serializers.Serializer):
    level = serializers.CharField(help_text=_("limit 限定值 / entry 准入值 / advanced 先进值 …"))
    name = serializers.CharField()
    value = serializers.FloatField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("生效日期"))
    end = serializers.DateField(allow_null=True, help_text=_("下一期生效日（不含），或空"))
    values = LevelValueSerializer(
        many=True, allow_null=True, help_text=_("各级取值；为空表示自该日起废止")
    )


class CatalogueRuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    family = serializers.CharField()
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    dimension_display = serializers.CharField()
    kind = serializers.ChoiceField(choices=KINDS)
    kind_display = serializers.CharField()
    description = serializers.CharField()
    reference = serializers.CharField()
    confidence = serializers.ChoiceField(choices=CONFIDENCE)
    unverified = serializers.BooleanField(help_text=_("可信度为 U：取值未核实"))
    last_reviewed = serializers.DateField()
    subject = serializers.CharField()
    metric = serializers.CharField()
    metric_name = serializers.CharField()
    unit = serializers.CharField()
    unit_display = serializers.CharField()
    direction = serializers.CharField()
    judge = serializers.CharField()
    industries = serializers.ListField(child=serializers.CharField())
    equipment = serializers.ListField(child=serializers.CharField())
    processes = serializers.ListField(child=serializers.CharField())
    products = serializers.ListField(child=serializers.CharField())
    regions = serializers.ListField(child=serializers.CharField())
    license_kind = serializers.CharField()
    periods = PeriodSerializer(many=True)
    corrections = serializers.ListField(child=serializers.CharField())
    category = serializers.CharField()
    edition = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    source = serializers.CharField()
    path = serializers.CharField()


FILTERS = [
    OpenApiParameter("dimension", str, enum=list(Dimension.values), description="维度"),
    OpenApiParameter("kind", str, enum=list(KINDS), description="规则类型"),
    OpenApiParameter("confidence", str, enum=list(CONFIDENCE), description="可信度"),
]


class CatalogueRuleViewSet(viewsets.ViewSet):
    """国家标准目录: the rules shipped as YAML files, read-only, the same for everyone."""

    lookup_field = "rule_id"
    lookup_value_regex = r"[^/]+"
    serializer_class = CatalogueRuleSerializer

    @extend_schema(parameters=FILTERS, responses=CatalogueRuleSerializer(many=True))
    def list(self, request):
        wanted = {
            name: request.query_params.get(name) for name in ("dimension", "kind", "confidence")
        }
        rules = [
            rule_card(rule)
            for rule in sorted(national().rules.values(), key=lambda r: (r.dimension, r.id))
            if all(not value or getattr(rule, name) == value for name, value in wanted.items())
        ]
        return Response(CatalogueRuleSerializer(rules, many=True).data)

    @extend_schema(responses=CatalogueRuleSerializer)
    def retrieve(self, request, rule_id=None):
        rule = national().get(rule_id)
        if rule is None:
            raise Http404
        return Response(CatalogueRuleSerializer(rule_card(rule)).data)


# — local rules —


class KeepsLocalRules(permissions.BasePermission):
    message = _("您的角色或部门不能制定或修改地方规则。")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return Scope.of(request.user).keeps_registry

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.can_keep_local_rules(request.user, obj.region)


class EditableRegionField(serializers.SlugRelatedField):
    """A current region code among the regions the person keeps."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Region.objects.none()
        scope = Scope.of(request.user)
        if not scope.keeps_registry:
            return Region.objects.none()
        return scope.regions().current()


@extend_schema_field(OpenApiTypes.OBJECT)
class DefinitionField(serializers.Field):
    """The rule's definition: a JSON object, or the same as YAML text."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                return parse_definition(data)
            except Exception as exc:  # ValidationError with the YAML problem
                raise serializers.ValidationError(getattr(exc, "messages", [str(exc)])) from None
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("规则定义应为对象，或 YAML 文本。"))
        return data

    def to_representation(self, value):
        return value


class LocalRuleSerializer(serializers.ModelSerializer):
    region = EditableRegionField(slug_field="code", label=_("适用区域"))
    region_name = serializers.CharField(source="region.name", read_only=True)
    supersedes = serializers.CharField(
        required=False, allow_blank=True, help_text=_("替代的国家规则编号；为空表示新增规则")
    )
    definition = DefinitionField(
        label=_("规则定义"), help_text=_("与目录文件中一条规则相同的写法（对象或 YAML 文本）")
    )
    # Plain text: the choice set is documented once, on the status action's request.
    status = serializers.CharField(
        read_only=True, help_text=_("draft 草稿 / active 生效 / withdrawn 已撤销")
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    description = serializers.CharField(read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = LocalRule
        fields = [
            "id",
            "region",
            "region_name",
            "rule_id",
            "supersedes",
            "definition",
            "description",
            "reference",
            "status",
            "status_display",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]
        # The (region, rule_id) check is the service's, with a message naming the field.
        validators = []


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LocalRuleStatus.choices)


class LocalRuleViewSet(viewsets.ModelViewSet):
    """地方规则 of the person's regions (and those above, read-only). Writes go through the
    services: a new rule is a draft; POST …/status/ brings it into force or withdraws it."""

    serializer_class = LocalRuleSerializer
    permission_classes = [permissions.IsAuthenticated, KeepsLocalRules]
    filterset_fields = ["status", "supersedes"]

    def get_queryset(self):
        return (
            local_rules(self.request.user)
            .select_related("region")
            .order_by("region__code", "rule_id")
        )

    def perform_create(self, serializer):
        serializer.instance = services.create_local_rule(
            by=self.request.user, **dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_local_rule(
            serializer.instance, by=self.request.user, **dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.delete_local_rule(instance, by=self.request.user)

    @extend_schema(request=StatusSerializer, responses=LocalRuleSerializer)
    @action(detail=True, methods=["post"], serializer_class=StatusSerializer)
    def status(self, request, pk=None):
        """生效 / 撤销 / 恢复为草稿."""
        local = self.get_object()
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        local = services.set_local_rule_status(
            local, by=request.user, status=body.validated_data["status"]
        )
        return Response(LocalRuleSerializer(local, context=self.get_serializer_context()).data)


def register(router) -> None:
    router.register("catalogue-rules", CatalogueRuleViewSet, basename="catalogue-rule")
    router.register("local-rules", LocalRuleViewSet, basename="local-rule")
