"""Registry REST API: industries (read-only); enterprises, production lines and licenses.

Every queryset comes from the person's Scope, so a record outside it is a 404 like a record that
does not exist. Writes go through registry/services.py: the serializer validates and shapes the
data, the service checks the permission, validates the model and keeps the history.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry import services
from phaseout.registry.creditcode import credit_code_problem, normalize
from phaseout.registry.filters import EnterpriseFilterSet, LicenseFilterSet, ProductionLineFilterSet
from phaseout.registry.forms import (
    duplicate_license,
    duplicate_license_message,
    duplicate_line_code,
    duplicate_line_message,
)
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine

# — permissions —


def _region_of(obj) -> Region:
    return obj.region if isinstance(obj, Enterprise) else obj.enterprise.region


class KeepsRegistry(permissions.BasePermission):
    """Anyone in scope reads; only the registry keepers write, and only in their own regions.

    The services check again; this only answers early, before the request body is validated.
    """

    message = _("您的角色或部门不能修改企业台账。")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return Scope.of(request.user).keeps_registry

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return Scope.of(request.user).can_edit_registry(_region_of(obj))


# — serializers —


class IndustrySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Industry
        fields = ["id", "code", "name", "parent", "is_key", "note"]


class ScopedEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise id, looked up among the enterprises in the person's scope only: an id
    outside it reads as one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Enterprise.objects.none()
        return Scope.of(request.user).enterprises()


class EnterpriseSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(
        max_length=18, label=_("统一社会信用代码"), help_text=_("18位，GB 32100校验；存为大写")
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.current(),
        label=_("行政区划"),
        help_text=_("现行有效的6位行政区划代码（GB/T 2260）"),
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Industry.objects.all(),
        label=_("行业"),
        help_text=_("GB/T 4754 行业代码"),
    )
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    size_display = serializers.CharField(source="get_size_display", read_only=True)
    legal_standing_display = serializers.CharField(
        source="get_legal_standing_display", read_only=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    line_count = serializers.SerializerMethodField(help_text=_("生产线数"))

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "size",
            "size_display",
            "legal_standing",
            "legal_standing_display",
            "address",
            "legal_representative",
            "employees",
            "status",
            "status_display",
            "notes",
            "line_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_line_count(self, obj: Enterprise) -> int:
        count = getattr(obj, "line_count", None)
        return obj.lines.count() if count is None else count

    def validate_credit_code(self, value: str) -> str:
        code = normalize(value)
        problem = credit_code_problem(code)
        if problem:
            raise serializers.ValidationError(problem)
        others = Enterprise.objects.filter(credit_code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("该统一社会信用代码已登记。"))
        return code


class ProductionLineSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField(queryset=Enterprise.objects.all(), label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    equipment_type_display = serializers.CharField(
        source="get_equipment_type_display", read_only=True
    )
    capacity_unit_display = serializers.CharField(
        source="get_capacity_unit_display", read_only=True
    )
    size_unit_display = serializers.CharField(source="get_size_unit_display", read_only=True)
    process_display = serializers.CharField(source="get_process_display", read_only=True)
    product_display = serializers.CharField(source="get_product_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ProductionLine
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "code",
            "name",
            "equipment_type",
            "equipment_type_display",
            "capacity",
            "capacity_unit",
            "capacity_unit_display",
            "size",
            "size_unit",
            "size_unit_display",
            "process",
            "process_display",
            "product",
            "product_display",
            "commissioning_year",
            "status",
            "status_display",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The (enterprise, code) check is done in validate() with a message naming the field.
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            _same_enterprise(self.instance, attrs)
        line = self.instance or ProductionLine(enterprise=attrs.get("enterprise"))
        code = attrs.get("code")
        if code and duplicate_line_code(line, code):
            raise serializers.ValidationError({"code": duplicate_line_message(code)})
        return attrs


class LicenseSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField(queryset=Enterprise.objects.all(), label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = License
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "kind_display",
            "number",
            "issuer",
            "valid_from",
            "valid_until",
            "status",
            "status_display",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The (kind, number) check is done in validate() with a message naming the field.
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            _same_enterprise(self.instance, attrs)
        license_ = self.instance or License()
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        number = attrs.get("number", getattr(self.instance, "number", None))
        if kind and number and duplicate_license(license_, kind, number):
            raise serializers.ValidationError({"number": duplicate_license_message()})
        return attrs


def _same_enterprise(instance, attrs) -> None:
    """A line or license stays with its enterprise; an update may repeat it, not change it."""
    enterprise = attrs.pop("enterprise", None)
    if enterprise is not None and enterprise.pk != instance.enterprise_id:
        raise serializers.ValidationError({"enterprise": _("不能把记录移到另一家企业。")})


# — viewsets —


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """国民经济行业分类 (GB/T 4754): reference data, the same for everyone."""

    queryset = Industry.objects.select_related("parent").order_by("code")
    serializer_class = IndustrySerializer
    filterset_fields = ["is_key"]


class ServiceModelViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose writes call a registry service instead of serializer.save()."""

    permission_classes = [permissions.IsAuthenticated, KeepsRegistry]

    def perform_create(self, serializer):
        serializer.instance = self.create_with_service(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_with_service(
            serializer.instance, dict(serializer.validated_data)
        )

    def create_with_service(self, data):
        raise NotImplementedError

    def update_with_service(self, instance, data):
        raise NotImplementedError


class EnterpriseViewSet(ServiceModelViewSet):
    """企业台账: the enterprises in the person's scope."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        return (
            Scope.of(self.request.user)
            .enterprises()
            .select_related("region", "industry")
            .annotate(line_count=Count("lines"))
            .order_by("name", "pk")
        )

    def create_with_service(self, data):
        return services.create_enterprise(by=self.request.user, **data)

    def update_with_service(self, instance, data):
        return services.update_enterprise(instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_enterprise(instance, by=self.request.user)


class ProductionLineViewSet(ServiceModelViewSet):
    """生产线（主体设备）of the enterprises in the person's scope."""

    serializer_class = ProductionLineSerializer
    filterset_class = ProductionLineFilterSet

    def get_queryset(self):
        return (
            Scope.of(self.request.user)
            .lines()
            .select_related("enterprise__region")
            .order_by("enterprise_id", "code")
        )

    def create_with_service(self, data):
        enterprise = data.pop("enterprise")
        return services.create_line(enterprise, by=self.request.user, **data)

    def update_with_service(self, instance, data):
        return services.update_line(instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_line(instance, by=self.request.user)


class LicenseViewSet(ServiceModelViewSet):
    """证照 of the enterprises in the person's scope."""

    serializer_class = LicenseSerializer
    filterset_class = LicenseFilterSet

    def get_queryset(self):
        return (
            Scope.of(self.request.user)
            .licenses()
            .select_related("enterprise__region")
            .order_by("enterprise_id", "kind", "number")
        )

    def create_with_service(self, data):
        enterprise = data.pop("enterprise")
        return services.create_license(enterprise, by=self.request.user, **data)

    def update_with_service(self, instance, data):
        return services.update_license(instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_license(instance, by=self.request.user)


def register(router) -> None:
    router.register("industries", IndustryViewSet, basename="industry")
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("lines", ProductionLineViewSet, basename="line")
    router.register("licenses", LicenseViewSet, basename="license")
