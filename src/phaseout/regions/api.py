"""Regions REST API: regions and departments, read-only, within the person's scope."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from phaseout.regions.filters import DepartmentFilterSet, RegionFilterSet
from phaseout.regions.models import Department, Region
from phaseout.regions.scope import Scope


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_display",
            "parent",
            "parent_code",
            "valid_from",
            "valid_to",
        ]


class DepartmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "kind_display", "region", "region_code", "region_name"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划 (GB/T 2260) in the person's scope."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet

    def get_queryset(self):
        return Scope.of(self.request.user).regions().select_related("parent").order_by("code")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """部门 of the regions in the person's scope."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def get_queryset(self):
        regions = Scope.of(self.request.user).regions()
        return (
            Department.objects.filter(region__in=regions)
            .select_related("region")
            .order_by("region__code", "kind", "name")
        )


def register(router) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("departments", DepartmentViewSet, basename="department")
