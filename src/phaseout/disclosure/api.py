"""REST endpoints for publishing the lists (名单公布), for officers.

``/api/list-snapshots/`` lists and retrieves the snapshots in the person's scope; POST prepares a
draft (``services.prepare_list``); ``{id}/review/`` and ``{id}/publish/`` are the two later acts;
``{id}/entries/`` the rows. The services check who may act: a ValidationError is a 400 naming the
field, PermissionDenied a 403, an act out of order (publishing twice) a 409.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaseout.core.crypto import decrypt
from phaseout.disclosure import services
from phaseout.disclosure.access import (
    data_errors_visible_to,
    snapshots_visible_to,
    works_on_lists,
)
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import DataErrorReport, ListSnapshot, SnapshotEntry
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope


class WorksOnLists(permissions.BasePermission):
    message = _("只有政府部门的工作人员可以办理名单公布。")

    def has_permission(self, request, view) -> bool:
        return works_on_lists(request.user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRegionField(serializers.PrimaryKeyRelatedField):
    """A region id within the person's region."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Region.objects.none()
        return Scope.of(request.user).regions()


class DelistingSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    credit_code = serializers.CharField()
    case_id = serializers.IntegerField()
    case_number = serializers.CharField()
    line_code = serializers.CharField(allow_blank=True)
    previous = serializers.CharField(help_text=_("上一期名单的编号"))
    left_on = serializers.DateField(allow_null=True, help_text=_("移出事由发生日"))
    due_by = serializers.DateField(allow_null=True, help_text=_("应公布日（3个工作日后）"))
    on_time = serializers.BooleanField(allow_null=True, help_text=_("是否按期；非案件事由为空"))


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class ListSnapshotSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    prepared_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    delistings = DelistingSerializer(many=True, read_only=True)

    class Meta:
        model = ListSnapshot
        fields = [
            "id",
            "kind",
            "kind_display",
            "region",
            "region_code",
            "region_name",
            "department",
            "department_name",
            "cut_off",
            "year",
            "number",
            "status",
            "status_display",
            "entry_count",
            "prepared_by",
            "prepared_at",
            "reviewed_by",
            "reviewed_at",
            "published_by",
            "published_at",
            "delistings",
            "late_removals",
        ]
        read_only_fields = fields


class PrepareListSerializer(serializers.Serializer):
    """编制名单草稿."""

    kind = serializers.ChoiceField(choices=ListKind.choices, label=_("名单"))
    region = ScopedRegionField(label=_("行政区划"))
    cut_off = serializers.DateField(label=_("截止日期"))
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=2000,
        max_value=9999,
        label=_("退出年度"),
        help_text=_("只有年度落后产能退出企业名单填写"),
    )


class SnapshotEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotEntry
        fields = [
            "position",
            "enterprise_id",
            "enterprise_name",
            "credit_code",
            "region_code",
            "region_name",
            "industry_code",
            "industry_name",
            "dimension",
            "case_id",
            "case_number",
            "line_code",
            "equipment",
            "since",
            "capacity",
            "capacity_unit",
            "reason",
        ]
        read_only_fields = fields


class ListSnapshotViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """名单快照: the lists in scope; POST prepares a draft, then review and publish."""

    serializer_class = ListSnapshotSerializer
    permission_classes = [permissions.IsAuthenticated, WorksOnLists]

    def get_queryset(self):
        return (
            snapshots_visible_to(self.request.user)
            .select_related("region", "department", "prepared_by", "reviewed_by", "published_by")
            .order_by("-prepared_at", "-id")
        )

    @extend_schema(request=PrepareListSerializer, responses={201: ListSnapshotSerializer})
    def create(self, request):
        """编制名单草稿（公布部门的经办人员）."""
        body = PrepareListSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        snapshot = services.prepare_list(
            data["kind"],
            region=data["region"],
            cut_off=data["cut_off"],
            year=data.get("year"),
            by=request.user,
        )
        return Response(ListSnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ListSnapshotSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """审核名单（本部门另一名经办人员）."""
        snapshot = services.review_list(self.get_object(), by=request.user)
        return Response(ListSnapshotSerializer(snapshot).data)

    @extend_schema(request=None, responses=ListSnapshotSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """公布名单（本部门经办人员或领导，非编制人）；公布后不可更改."""
        snapshot = services.publish_list(self.get_object(), by=request.user)
        return Response(ListSnapshotSerializer(snapshot).data)

    @extend_schema(responses=SnapshotEntrySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=SnapshotEntrySerializer)
    def entries(self, request, pk=None):
        """名单条目，按序号."""
        snapshot = self.get_object()
        page = self.paginate_queryset(snapshot.entries.order_by("position"))
        return self.get_paginated_response(SnapshotEntrySerializer(page, many=True).data)


class DataErrorReportSerializer(serializers.ModelSerializer):
    """A data-error report; ``email`` is decrypted only for the department answering it."""

    section_display = serializers.CharField(source="get_section_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    email = serializers.SerializerMethodField(help_text=_("回复邮箱；仅承办部门可见"))

    class Meta:
        model = DataErrorReport
        fields = [
            "id",
            "reference",
            "credit_code",
            "enterprise_name",
            "section",
            "section_display",
            "message",
            "email",
            "status",
            "status_display",
            "department",
            "department_name",
            "response",
            "responded_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_email(self, report) -> str | None:
        request = self.context.get("request")
        if request is None or not services.handles_data_error(request.user, report):
            return None
        return decrypt(report.email)


class RespondSerializer(serializers.Serializer):
    """答复数据错误报告."""

    response = serializers.CharField(label=_("答复"), max_length=services.RESPONSE_MAX)
    close = serializers.BooleanField(label=_("答复并关闭"), default=False)


class DataErrorReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """数据错误报告: officers see their department's, leaders and auditors their region's."""

    serializer_class = DataErrorReportSerializer
    permission_classes = [permissions.IsAuthenticated, WorksOnLists]

    def get_queryset(self):
        return (
            data_errors_visible_to(self.request.user)
            .select_related("department")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=RespondSerializer, responses=DataErrorReportSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """答复（或答复并关闭）：承办部门的经办人员或领导."""
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.respond_data_error(
            self.get_object(),
            response=body.validated_data["response"],
            close=body.validated_data["close"],
            by=request.user,
        )
        return Response(self.get_serializer(report).data)


def register(router) -> None:
    router.register("list-snapshots", ListSnapshotViewSet, basename="list-snapshot")
    router.register("data-errors", DataErrorReportViewSet, basename="data-error")
