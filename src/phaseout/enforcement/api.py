"""Enforcement REST API: cases (案件) with their deadline, case file and measures, one POST per act
of the procedure, the person's reminders, and the jurisdictions' procedure parameters.

Every case comes from ``services.cases_visible_to`` (a case outside the person's scope is a 404);
every act is a service, which checks the permission, the procedure and the inputs again and says
why not: ValidationError → 400 naming the field, PermissionDenied → 403, ProcedureError → 409
(core/api.py). The request serializers only shape and type the input, so garbage is a 400 naming
the field before any service runs.

Optimistic concurrency: each act takes the ``version`` of the case the person saw, in the body or
as ``If-Match: "<version>"`` (the detail answers with that ``ETag``). A case changed meanwhile is
a 409 and nothing is written.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from phaseout.enforcement import chain, procedures, services
from phaseout.enforcement.choices import (
    EvidenceKind,
    ExitKind,
    MeasureKind,
    OrderKind,
)
from phaseout.enforcement.filters import CaseFilter, NotificationFilter
from phaseout.enforcement.models import (
    Case,
    CaseEvent,
    Document,
    Evidence,
    Measure,
    Notification,
    ProcedureOverride,
)
from phaseout.regions.choices import Role
from phaseout.regions.models import Region, parent_code
from phaseout.regions.scope import Scope
from phaseout.registry.api import ScopedEnterpriseField
from phaseout.registry.models import License
from phaseout.screening import scoping
from phaseout.screening.api import ScopedLineField
from phaseout.screening.choices import Dimension
from phaseout.screening.models import Finding

MAX_TEXT = 5000
MAX_VERSION = 2**31 - 1

# — concurrency: the version the person saw —

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        '案件版本，写作 "<version>"（详情响应的 ETag）；与请求体的 version 二选一。'
        "案件已被他人更新时返回409，不写入任何内容。"
    ),
)
_ETAG = re.compile(r'(?:W/)?"([0-9]{1,10})"|([0-9]{1,10})')


def if_match(request) -> int | None:
    """The case version in ``If-Match: "<version>"`` (``*`` or no header: none)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _ETAG.fullmatch(header)
    version = int(match.group(1) or match.group(2)) if match else None
    if version is None or version > MAX_VERSION:
        raise exceptions.ValidationError({"If-Match": [_('If-Match 应为案件版本，如 "3"。')]})
    return version


def seen_version(body_version: int | None, header_version: int | None) -> int | None:
    """The version the acting person saw: the body's ``version`` or the ``If-Match`` header."""
    if body_version is not None and header_version is not None and body_version != header_version:
        raise exceptions.ValidationError(
            {"version": [_("请求体中的 version 与 If-Match 不一致。")]}
        )
    return body_version if body_version is not None else header_version


def _etag(response: Response, case: Case) -> Response:
    response["ETag"] = f'"{case.version}"'
    return response


# — fields —


@extend_schema_field(OpenApiTypes.INT)
class ScopedFindingsField(serializers.PrimaryKeyRelatedField):
    """A finding id among the findings in the person's scope."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Finding.objects.none()
        return scoping.findings(request.user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedLicenseField(serializers.PrimaryKeyRelatedField):
    """A licence id among the licences in the person's scope (the service checks it is the
    case's enterprise's)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return License.objects.none()
        return Scope.of(request.user).licenses()


class RegionCodeField(serializers.SlugRelatedField):
    """A current region by its 6-digit code (GB/T 2260); anything else is refused before the
    database is asked (PostgreSQL rejects a NUL in a text parameter)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Region.objects.current(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str) or not re.fullmatch(r"[0-9]{6}", data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class EnterpriseIdField(ScopedEnterpriseField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class LineIdField(ScopedLineField):
    pass


def _text(label, *, required=True, max_length=MAX_TEXT, **kwargs):
    return serializers.CharField(
        label=label, required=required, max_length=max_length, allow_blank=not required, **kwargs
    )


def _months(label, *, max_value=24, **kwargs):
    return serializers.IntegerField(
        label=label, required=False, min_value=1, max_value=max_value, **kwargs
    )


def _absolute(request, name: str, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(url) if request is not None else url


# — what a case reads like —


class DocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("下载PDF"))

    class Meta:
        model = Document
        fields = ["id", "kind", "kind_display", "number", "title", "issued_on", "sha256", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(
            self.context.get("request"),
            "case-document-file",
            pk=obj.case_id,
            document_id=obj.pk,
        )


class EvidenceSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("下载文件"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(
            self.context.get("request"),
            "case-evidence-file",
            pk=obj.case_id,
            evidence_id=obj.pk,
        )


class MeasureSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    license_number = serializers.CharField(source="license.number", read_only=True, default=None)
    in_force = serializers.BooleanField(read_only=True)
    evidence_url = serializers.SerializerMethodField(help_text=_("执行记录的下载地址"))

    class Meta:
        model = Measure
        fields = [
            "id",
            "kind",
            "kind_display",
            "line",
            "license",
            "license_number",
            "executed_on",
            "executor_name",
            "recorded_at",
            "note",
            "in_force",
            "lifted_on",
            "lift_reason",
            "evidence",
            "evidence_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_evidence_url(self, obj) -> str | None:
        if not obj.evidence_id:
            return None
        return _absolute(
            self.context.get("request"),
            "case-evidence-file",
            pk=obj.case_id,
            evidence_id=obj.evidence_id,
        )


class CaseListSerializer(serializers.ModelSerializer):
    """A case as a row of the list: who, what, where it stands and when it falls due."""

    dimension_display = serializers.CharField(source="get_dimension_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    line_code = serializers.CharField(source="line.code", read_only=True, default=None)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    due_kind_display = serializers.CharField(source="get_due_kind_display", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="case-detail")

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "number",
            "dimension",
            "dimension_display",
            "enterprise",
            "enterprise_name",
            "line",
            "line_code",
            "region",
            "region_name",
            "state",
            "state_display",
            "due_on",
            "due_kind",
            "due_kind_display",
            "due_provisional",
            "overdue_since",
            "version",
            "opened_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionLinkSerializer(serializers.Serializer):
    act = serializers.CharField(help_text=_("服务名，如 serve_order"))
    url = serializers.URLField(help_text=_("办理该行为的 POST 地址"))


# available_actions names → the endpoint that performs it (POST).
ACT_ROUTES = {
    "serve_order": "case-serve-order",
    "request_extension": "case-request-extension",
    "decide_extension": "case-decide-extension",
    "record_reinspection": "case-reinspection",
    "request_approval": "case-request-approval",
    "decide_approval": "case-decide-approval",
    "order_exit": "case-order-exit",
    "record_measure": "case-measures",
    "sign_commitment": "case-commitment",
    "confirm_sealed": "case-confirm-sealed",
    "accept_exit": "case-accept-exit",
    "record_follow_up": "case-follow-up",
    "withdraw": "case-withdraw",
    "add_evidence": "case-evidence",
    "add_comment": "case-comments",
}


class CaseSerializer(CaseListSerializer):
    """A case in full: the facts, the order and its deadline, the documents, evidence and
    measures, and what the caller may do next."""

    department_name = serializers.CharField(source="department.name", read_only=True)
    subject_label = serializers.CharField(read_only=True)
    order_kind_display = serializers.CharField(source="get_order_kind_display", read_only=True)
    exit_kind_display = serializers.CharField(source="get_exit_kind_display", read_only=True)
    approval_region = serializers.CharField(
        source="approval_region.code", read_only=True, default=None
    )
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField(
        help_text=_("您现在可以办理的行为（各行为仍会检查条件并说明理由）")
    )
    documents = DocumentSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    events_url = serializers.HyperlinkedIdentityField(view_name="case-events")
    verify_url = serializers.HyperlinkedIdentityField(view_name="case-verify")

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "subject_label",
            "department",
            "department_name",
            "findings",
            "facts",
            "order_kind",
            "order_kind_display",
            "served_on",
            "period_months",
            "period_days",
            "due_explanation",
            "extension_requested_on",
            "extension_months_requested",
            "extension_reason",
            "extension_decided",
            "extension_granted_months",
            "reinspection_failed",
            "serious",
            "approval_region",
            "exit_kind",
            "exit_kind_display",
            "exited_on",
            "exit_capacity",
            "exit_capacity_unit",
            "follow_ups_done",
            "outcome",
            "opened_by",
            "closed_at",
            "event_count",
            "available_actions",
            "documents",
            "evidence",
            "measures",
            "events_url",
            "verify_url",
        ]
        read_only_fields = fields

    @extend_schema_field(ActionLinkSerializer(many=True))
    def get_available_actions(self, obj) -> list[dict]:
        request = self.context["request"]
        return [
            {"act": act, "url": _absolute(request, ACT_ROUTES[act], pk=obj.pk)}
            for act in services.available_actions(obj, request.user)
            if act in ACT_ROUTES
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "kind",
            "kind_display",
            "at",
            "actor_name",
            "from_state",
            "to_state",
            "summary",
            "payload",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("案卷链完整"))
    events = serializers.IntegerField(help_text=_("已核验的事件数"))
    broken_seq = serializers.IntegerField(
        allow_null=True, help_text=_("第一个不符的事件序号；链头不符时为空")
    )
    reason = serializers.CharField(allow_blank=True)


class CaseConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("为什么现在不能办理（或案件已被他人更新）"))


# — what an act takes —


class OpenCaseSerializer(serializers.Serializer):
    """立案."""

    dimension = serializers.ChoiceField(choices=Dimension.choices, label=_("维度"))
    enterprise = EnterpriseIdField(label=_("企业"))
    line = LineIdField(label=_("生产线"), required=False, allow_null=True)
    findings = ScopedFindingsField(
        many=True, required=False, label=_("不达标发现"), help_text=_("排查发现的 id")
    )
    facts = _text(_("不达标事实"), required=False, help_text=_("不填则由所选发现生成"))


class ActSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_("您看到的案件版本；案件已被他人更新时返回409（也可用 If-Match 头）"),
    )


class ServeOrderSerializer(ActSerializer):
    served_on = serializers.DateField(label=_("送达日期"))
    order_kind = serializers.ChoiceField(
        choices=OrderKind.choices, required=False, help_text=_("不填为该维度的法定措施")
    )
    months = _months(_("期限（月）"), help_text=_("不填为法定或地方设定的期限"))


class RequestExtensionSerializer(ActSerializer):
    months = serializers.IntegerField(label=_("申请延期（月）"), min_value=1, max_value=24)
    reason = _text(_("延期理由"))


class DecideExtensionSerializer(ActSerializer):
    grant = serializers.BooleanField(label=_("准予延期"))
    reason = _text(_("决定理由"))
    months = _months(_("准予延期（月）"), help_text=_("不填为申请的月数"))
    decided_on = serializers.DateField(label=_("决定日期"), required=False)


class ReinspectionSerializer(ActSerializer):
    inspected_on = serializers.DateField(label=_("复查日期"))
    compliant = serializers.BooleanField(label=_("达标"))
    notes = _text(_("复查情况"))
    serious = serializers.BooleanField(label=_("情节严重"), required=False, default=False)


class RequestApprovalSerializer(ActSerializer):
    reason = _text(_("报请理由"))
    government = RegionCodeField(
        required=False,
        label=_("有批准权的人民政府"),
        help_text=_("行政区划代码；不填为企业所在地"),
    )
    serious = serializers.BooleanField(label=_("情节严重"), required=False)


class DecideApprovalSerializer(ActSerializer):
    approve = serializers.BooleanField(label=_("批准"))
    reason = _text(_("审批意见"))
    exit_kind = serializers.ChoiceField(
        choices=ExitKind.choices, required=False, default=ExitKind.CLOSE, label=_("退出方式")
    )
    months = _months(_("退出期限（月）"))


class OrderExitSerializer(ActSerializer):
    reason = _text(_("决定理由"))
    exit_kind = serializers.ChoiceField(
        choices=ExitKind.choices, required=False, label=_("退出方式")
    )
    months = _months(_("退出（拆除）期限（月）"))
    immediate = serializers.BooleanField(label=_("立即执行"), required=False, default=True)


class RecordMeasureSerializer(ActSerializer):
    kind = serializers.ChoiceField(
        choices=MeasureKind.choices, label=_("措施"), help_text=_("公开承诺由企业另行签署")
    )
    executed_on = serializers.DateField(label=_("执行日期"))
    note = _text(_("说明"), required=False, max_length=500)
    license = ScopedLicenseField(
        label=_("证照"), required=False, allow_null=True, help_text=_("吊销、注销证照时必填")
    )
    file = serializers.FileField(
        source="upload",
        label=_("执行记录"),
        required=False,
        help_text=_("PDF、JPEG 或 PNG；拆除须附现场见证材料"),
    )


class LiftMeasureSerializer(ActSerializer):
    reason = _text(_("解除理由"), max_length=500)
    lifted_on = serializers.DateField(label=_("解除日期"), required=False)


class CommitmentSerializer(ActSerializer):
    text = _text(_("承诺内容"), max_length=500)


class ConfirmSealedSerializer(ActSerializer):
    dismantle_months = _months(_("拆除期限（月）"), help_text=_("技术：限时拆除；不填为默认期限"))


class AcceptExitSerializer(ActSerializer):
    accepted_on = serializers.DateField(label=_("验收日期"))
    notes = _text(_("验收意见"))
    file = serializers.FileField(
        source="upload",
        label=_("验收材料"),
        help_text=_("PDF、JPEG 或 PNG"),
        error_messages={"required": _("请上传验收材料。")},
    )


class FollowUpSerializer(ActSerializer):
    inspected_on = serializers.DateField(label=_("复查日期"))
    restarted = serializers.BooleanField(label=_("恢复生产"))
    notes = _text(_("复查情况"))


class WithdrawSerializer(ActSerializer):
    reason = _text(_("撤销理由"))


class EvidenceUploadSerializer(ActSerializer):
    file = serializers.FileField(source="upload", label=_("文件"), help_text=_("PDF、JPEG 或 PNG"))
    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices, required=False, default=EvidenceKind.RECTIFICATION
    )
    description = _text(_("说明"), required=False, max_length=500)


class CommentSerializer(ActSerializer):
    text = _text(_("备注内容"))


# — who may try (early answers; the services check again) —


def _officer(user, case: Case) -> None:
    services.require_case_officer(user, dimension=case.dimension, region=case.region)


def _party(user, case: Case) -> None:
    services.require_enterprise_or_officer(user, case)


UPLOADS = [parsers.MultiPartParser, parsers.FormParser]


def act_schema(body, *, created=False, multipart=False, id_params=()):
    """The schema of an act: its body, the updated case, and the errors it answers with."""
    ok = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return extend_schema(
        request={"multipart/form-data": body} if multipart else body,
        responses={
            ok: CaseSerializer,
            400: OpenApiResponse(description=_("输入有误：按字段说明")),
            403: OpenApiResponse(description=_("您不能办理该行为")),
            404: OpenApiResponse(description=_("案件不存在或不在您的范围内")),
            409: OpenApiResponse(
                CaseConflictSerializer,
                description=_("程序现在不允许（说明理由），或案件已被他人更新"),
            ),
        },
        parameters=[IF_MATCH, *id_params],
        filters=False,
    )


# — cases —


class FileNegotiation(BaseContentNegotiation):
    """Downloads answer with the file's own type, so ``Accept: application/pdf`` is not a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """案件 in the person's scope: list (filters), detail, 立案, and one POST per act."""

    filterset_class = CaseFilter

    def get_queryset(self):
        qs = (
            services.cases_visible_to(self.request.user)
            .select_related("enterprise", "line", "region", "department")
            .order_by("-opened_at", "-id")
        )
        return self._detail_queryset(qs) if self.action == "retrieve" else qs

    def _detail_queryset(self, qs=None):
        qs = self.get_queryset() if qs is None else qs
        return qs.select_related("approval_region", "opened_by").prefetch_related(
            "findings", "documents", "evidence__uploaded_by", "measures__license"
        )

    def filter_queryset(self, queryset):
        # The list's filters only: a detail or an act on a case ignores the query string.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return OpenCaseSerializer
        return CaseSerializer

    def _case_response(self, pk: int, code=status.HTTP_200_OK) -> Response:
        case = self._detail_queryset().get(pk=pk)
        response = Response(CaseSerializer(case, context=self.get_serializer_context()).data, code)
        return _etag(response, case)

    def _act(self, request, body_class, perform, *, check=None, created=False) -> Response:
        """Validate the body, call the service with the version the person saw, and answer with
        the case as it now stands."""
        case = self.get_object()
        if check is not None:
            check(request.user, case)
        header_version = if_match(request)
        body = body_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = seen_version(data.pop("version", None), header_version)
        perform(case, by=request.user, version=version, **data)
        return self._case_response(
            case.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(responses=CaseSerializer)
    def retrieve(self, request, *args, **kwargs):
        """案件详情, with ``ETag: "<version>"`` for the next act's ``If-Match``."""
        case = self.get_object()
        return _etag(Response(self.get_serializer(case).data), case)

    @extend_schema(
        request=OpenCaseSerializer,
        responses={
            201: CaseSerializer,
            400: OpenApiResponse(description=_("输入有误：按字段说明")),
            403: OpenApiResponse(description=_("您不能对该企业立案")),
            409: OpenApiResponse(CaseConflictSerializer, description=_("已有未结案件")),
        },
    )
    def create(self, request, *args, **kwargs):
        """立案: an enterprise (or one of its lines) in one dimension, from findings or facts."""
        body = OpenCaseSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = services.open_case(
            by=request.user,
            dimension=data["dimension"],
            enterprise=data["enterprise"],
            line=data.get("line"),
            findings=data.get("findings", []),
            facts=data.get("facts", ""),
        )
        return self._case_response(case.pk, status.HTTP_201_CREATED)

    # — the case file —

    @extend_schema(responses=CaseEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """案卷: the events in order, each with the hash of the one before and its own."""
        case = self.get_object()
        events = case.events.order_by("seq")
        page = self.paginate_queryset(events)
        items = page if page is not None else list(events)
        data = CaseEventSerializer(items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(responses=VerificationSerializer, filters=False)
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        """案卷防篡改核验: recompute the chain and the attached files' hashes."""
        case = self.get_object()
        return Response(VerificationSerializer(chain.verify(case).as_dict()).data)

    def _download(self, row, name: str, content_type: str):
        # A file is a file whatever the client's Accept says; errors still come back as JSON.
        try:
            handle = row.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("document_id", int, OpenApiParameter.PATH)],
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_id>[0-9]{1,18})/file",
        url_name="document-file",
        content_negotiation_class=FileNegotiation,
    )
    def document_file(self, request, pk=None, document_id=None):
        """下载执法文书（PDF）."""
        case = self.get_object()
        document = Document.objects.filter(case=case, pk=document_id).first()
        if document is None:
            raise Http404
        return self._download(document, f"{document.number}.pdf", "application/pdf")

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        },
        parameters=[OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)],
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[0-9]{1,18})/file",
        url_name="evidence-file",
        content_negotiation_class=FileNegotiation,
    )
    def evidence_file(self, request, pk=None, evidence_id=None):
        """下载证据材料."""
        case = self.get_object()
        evidence = Evidence.objects.filter(case=case, pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return self._download(evidence, evidence.name, evidence.content_type)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def archive(self, request, pk=None):
        """导出整个案卷（ZIP：文书、证据、events.json、chain.json、说明）."""
        from phaseout.enforcement.archive import export_case

        case = self.get_object()
        response = HttpResponse(export_case(case), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{case.number}-case-file.zip"'
        return response

    # — the acts —

    @act_schema(ServeOrderSerializer)
    @action(detail=True, methods=["post"], url_path="serve-order")
    def serve_order(self, request, pk=None):
        """下达限期整改通知书 / 限制生产、停产整治决定 / 停产整改 / 停产停业整顿决定."""
        return self._act(request, ServeOrderSerializer, services.serve_order, check=_officer)

    @act_schema(RequestExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        """申请延期（企业或承办人员；一次，期限届满前，不超过3个月）."""
        return self._act(
            request, RequestExtensionSerializer, services.request_extension, check=_party
        )

    @act_schema(DecideExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        """准予或不予延期."""
        return self._act(
            request, DecideExtensionSerializer, services.decide_extension, check=_officer
        )

    @act_schema(ReinspectionSerializer)
    @action(detail=True, methods=["post"])
    def reinspection(self, request, pk=None):
        """复查：达标的结案，不达标的记录在案."""
        return self._act(
            request, ReinspectionSerializer, services.record_reinspection, check=_officer
        )

    @act_schema(RequestApprovalSerializer)
    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request, pk=None):
        """报请有批准权的人民政府批准关停退出."""
        return self._act(
            request, RequestApprovalSerializer, services.request_approval, check=_officer
        )

    @act_schema(DecideApprovalSerializer)
    @action(detail=True, methods=["post"], url_path="decide-approval")
    def decide_approval(self, request, pk=None):
        """人民政府批准或不予批准（有批准权的人民政府领导）."""
        return self._act(request, DecideApprovalSerializer, services.decide_approval)

    @act_schema(OrderExitSerializer)
    @action(detail=True, methods=["post"], url_path="order-exit")
    def order_exit(self, request, pk=None):
        """依法责令关停退出 / 予以关闭 / 责令拆除淘汰类装备."""
        return self._act(request, OrderExitSerializer, services.order_exit, check=_officer)

    @act_schema(RecordMeasureSerializer, created=True)
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[parsers.JSONParser, *UPLOADS],
    )
    def measures(self, request, pk=None):
        """登记措施（执行单位）：断电、断水、拆除动力装置、封存、拆除、公告、吊销/注销证照.
        JSON, or multipart with the record of execution as ``file``."""
        return self._act(request, RecordMeasureSerializer, services.record_measure, created=True)

    @act_schema(
        LiftMeasureSerializer,
        id_params=[OpenApiParameter("measure_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"measures/(?P<measure_id>[0-9]{1,18})/lift",
        url_name="lift-measure",
    )
    def lift_measure(self, request, pk=None, measure_id=None):
        """解除措施（须说明理由）."""

        def lift(case, **kwargs):
            measure = Measure.objects.filter(case=case, pk=measure_id).first()
            if measure is None:
                raise Http404
            return services.lift_measure(measure, **kwargs)

        return self._act(request, LiftMeasureSerializer, lift, check=_officer)

    @act_schema(CommitmentSerializer, created=True)
    @action(detail=True, methods=["post"])
    def commitment(self, request, pk=None):
        """企业公开承诺不再恢复生产（本企业用户）."""
        return self._act(request, CommitmentSerializer, services.sign_commitment, created=True)

    @act_schema(ConfirmSealedSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-sealed")
    def confirm_sealed(self, request, pk=None):
        """确认已断水断电、拆除动力装置、封存主体设备（技术：并公告，限时拆除）."""
        return self._act(request, ConfirmSealedSerializer, services.confirm_sealed, check=_officer)

    @act_schema(AcceptExitSerializer, multipart=True)
    @action(detail=True, methods=["post"], url_path="accept-exit", parser_classes=UPLOADS)
    def accept_exit(self, request, pk=None):
        """验收：产能退出，计入当年，安排回头看. Multipart with the acceptance record as
        ``file``."""
        return self._act(request, AcceptExitSerializer, services.accept_exit, check=_officer)

    @act_schema(FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """回头看：已退出的产能是否恢复生产."""
        return self._act(request, FollowUpSerializer, services.record_follow_up, check=_officer)

    @act_schema(WithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤销立案（说明理由）."""
        return self._act(request, WithdrawSerializer, services.withdraw_case, check=_officer)

    @act_schema(EvidenceUploadSerializer, created=True, multipart=True)
    @action(detail=True, methods=["post"], parser_classes=UPLOADS)
    def evidence(self, request, pk=None):
        """提交整改材料或检查记录（企业或承办人员）. Multipart with the file as ``file``."""
        return self._act(
            request, EvidenceUploadSerializer, services.add_evidence, check=_party, created=True
        )

    @act_schema(CommentSerializer, created=True)
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """在案卷中记录备注."""
        return self._act(
            request, CommentSerializer, services.add_comment, check=_party, created=True
        )


# — reminders —


class NotificationSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "case",
            "case_number",
            "due_on",
            "days_before",
            "message",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("新标为已读的提醒数"))


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """站内提醒 of the person asking, newest first; ``?unread=true`` for the unread ones."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return Notification.objects.none()
        return (
            Notification.objects.filter(user=self.request.user)
            .select_related("case")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读."""
        notification = self.get_object()
        services.mark_notifications_read(by=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """全部标为已读."""
        marked = services.mark_notifications_read(by=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)


# — procedure parameters of the jurisdictions —


def overrides_visible_to(user):
    """The parameters set in the person's region and below, and those in force for it from the
    regions above (an enterprise user: those in force for their enterprise's region)."""
    scope = Scope.of(user)
    qs = ProcedureOverride.objects.all()
    if scope.everything:
        return qs
    if scope.person is None:
        return qs.none()
    if scope.is_enterprise_user:
        anchor = scope.person.enterprise.region
        below = Q(region=anchor)
    else:
        anchor = scope.person.region
        below = Q(region__code__startswith=anchor.prefix)
    above, code = [], parent_code(anchor.code)
    while code:
        above.append(code)
        code = parent_code(code)
    return qs.filter(below | Q(region__code__in=above))


class SetsProcedures(permissions.BasePermission):
    """Anyone reads the parameters in force; only administrators set them (the service checks
    their region)."""

    message = _("只有本辖区的系统管理员可以设定程序参数。")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        scope = Scope.of(request.user)
        return scope.everything or scope.role == Role.ADMINISTRATOR


class ProcedureOverrideSerializer(serializers.ModelSerializer):
    region = RegionCodeField(
        label=_("行政区划"),
        help_text=_("设定参数的行政区划代码；对其下级区划同样适用"),
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    dimension = serializers.ChoiceField(choices=Dimension.choices, label=_("维度"))
    dimension_display = serializers.CharField(source="get_dimension_display", read_only=True)
    parameter = serializers.ChoiceField(choices=sorted(procedures.OVERRIDABLE), label=_("参数"))
    value = serializers.JSONField(
        label=_("取值"), allow_null=True, help_text=_("整数月数、true/false、月数列表或 null")
    )
    reference = serializers.CharField(label=_("依据"), max_length=300)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProcedureOverride
        fields = [
            "id",
            "region",
            "region_name",
            "dimension",
            "dimension_display",
            "parameter",
            "value",
            "reference",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        # Setting a parameter the region already has replaces it (the service's update_or_create).
        validators = []


class ProcedureOverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """程序参数（地方）: list those in force or set below; POST sets one (replacing the
    region's value for that dimension and parameter), citing its reference."""

    serializer_class = ProcedureOverrideSerializer
    permission_classes = [permissions.IsAuthenticated, SetsProcedures]
    filterset_fields = ["dimension", "parameter"]

    def get_queryset(self):
        return (
            overrides_visible_to(self.request.user)
            .select_related("region", "created_by")
            .order_by("region__code", "dimension", "parameter")
        )

    def perform_create(self, serializer):
        serializer.instance = services.set_procedure_override(
            by=self.request.user, **serializer.validated_data
        )


def register(router) -> None:
    router.register("cases", CaseViewSet, basename="case")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("procedure-overrides", ProcedureOverrideViewSet, basename="procedure-override")
