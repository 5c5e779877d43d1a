"""REST endpoints for tip-offs (举报).

Officers (authenticated): the tip-offs in their scope (``services.tipoffs_visible_to``; outside
it a 404), one POST per act — the same services, the same checks as the pages — and hotline
entry. ``reveal`` answers the reporter's identity to an assigned handler only, and is the one
response anywhere in the API that carries it.

The public (anonymous): the status of a tip-off by its tracking code (POST, so the code stays out
of addresses and logs; rate-limited per address like the page) and the published outcomes.
Submitting a tip-off is page-only (/public/tipoffs/new/): it needs the offline challenge, which a
JSON client cannot answer without scraping the image.

ValidationError → 400 naming the field, PermissionDenied → 403, ProcedureError → 409
(core/api.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaseout.regions.models import Department, Region
from phaseout.screening.choices import Dimension
from phaseout.tipoffs import services
from phaseout.tipoffs.choices import PUBLIC_STATE_LABELS, Channel, RejectReason, TipoffState
from phaseout.tipoffs.models import Tipoff, TipoffAttachment, TipoffEvent
from phaseout.tipoffs.views.officer import perform
from phaseout.tipoffs.views.public import limited

# — officers —


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipoffAttachment
        fields = ["id", "name", "content_type", "size", "sha256"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipoffEvent
        fields = ["seq", "kind", "at", "actor_name", "summary"]


class TipoffListSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = Tipoff
        fields = [
            "id",
            "number",
            "channel",
            "state",
            "received_at",
            "enterprise_name",
            "region",
            "department",
            "due_on",
        ]


class TipoffSerializer(TipoffListSerializer):
    """A tip-off without its reporter: ``anonymous`` says whether there is anyone to reveal."""

    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    handlers = serializers.SerializerMethodField()
    case = serializers.CharField(source="case.number", read_only=True, default=None)
    attachments = AttachmentSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(TipoffListSerializer.Meta):
        fields = [
            *TipoffListSerializer.Meta.fields,
            "enterprise_address",
            "description",
            "enterprise",
            "anonymous",
            "accepted_on",
            "reject_reason",
            "triage_note",
            "handlers",
            "dimension",
            "task",
            "due_explanation",
            "substantiated",
            "finding_text",
            "case",
            "finding",
            "public_summary",
            "outcome",
            "outcome_published_at",
            "listed",
            "attachments",
            "available_actions",
        ]

    def get_handlers(self, obj) -> list[str]:
        return [u.get_full_name() or u.get_username() for u in obj.handlers.all()]

    def get_available_actions(self, obj) -> list[str]:
        return services.available_actions(obj, self.context["request"].user)


class TriageBody(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", _("受理")), ("reject", _("不予受理"))])
    reason = serializers.ChoiceField(choices=RejectReason.choices, required=False, default="")
    duplicate_of = serializers.CharField(max_length=20, required=False, default="")
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    credit_code = serializers.CharField(max_length=18, required=False, default="")


class MatchBody(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18)


class AssignBody(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    handlers = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False, default=list
    )
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, required=False, default="", allow_blank=True
    )


class VerificationBody(serializers.Serializer):
    task = serializers.CharField(max_length=500)
    workdays = serializers.IntegerField(min_value=1, max_value=60, required=False, default=None)


class FindingBody(serializers.Serializer):
    substantiated = serializers.BooleanField()
    text = serializers.CharField(max_length=5000)
    open_case = serializers.BooleanField(required=False, default=False)
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, required=False, default="", allow_blank=True
    )
    case_number = serializers.CharField(max_length=40, required=False, default="")
    finding_id = serializers.IntegerField(min_value=1, required=False, default=None)


class PublishBody(serializers.Serializer):
    summary = serializers.CharField(max_length=300)
    outcome = serializers.CharField(max_length=5000)
    listed = serializers.BooleanField(required=False, default=True)


class IdentitySerializer(serializers.Serializer):
    anonymous = serializers.BooleanField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class HotlineBody(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.filter(valid_to__isnull=True)
    )
    enterprise_name = serializers.CharField(max_length=200)
    enterprise_address = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True
    )
    description = serializers.CharField(max_length=5000)
    anonymous = serializers.BooleanField(required=False, default=True)
    name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, default="", allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class HotlineReceivedSerializer(serializers.Serializer):
    tipoff = TipoffSerializer()
    tracking_code = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段说明")),
    403: OpenApiResponse(description=_("您不能办理该事项")),
    404: OpenApiResponse(description=_("举报不存在或不在您的范围内")),
    409: OpenApiResponse(description=_("举报当前状态不允许（说明理由）")),
}
ACT_BODIES = {
    "triage": TriageBody,
    "match": MatchBody,
    "assign": AssignBody,
    "verification": VerificationBody,
    "finding": FindingBody,
    "publish": PublishBody,
}


def act_schema(body):
    return extend_schema(request=body, responses={200: TipoffSerializer, **ERRORS}, filters=False)


class TipoffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """举报 in the person's scope, one POST per act, and hotline entry."""

    def get_queryset(self):
        return (
            services.tipoffs_visible_to(self.request.user)
            .select_related("region", "department", "case")
            .prefetch_related("handlers", "attachments")
            .order_by("-received_at", "-id")
        )

    def get_serializer_class(self):
        return TipoffListSerializer if self.action == "list" else TipoffSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        state = self.request.query_params.get("state")
        if state in TipoffState.values:
            queryset = queryset.filter(state=state)
        return queryset

    def _act(self, request, name: str) -> Response:
        tipoff = self.get_object()
        if name not in services.available_actions(tipoff, request.user):
            raise PermissionDenied(_("您现在不能办理此事项。"))
        body = ACT_BODIES[name](data=request.data)
        body.is_valid(raise_exception=True)
        perform(name, tipoff, request.user, dict(body.validated_data))
        fresh = self.get_queryset().get(pk=tipoff.pk)
        return Response(TipoffSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(responses=EventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """办理记录."""
        tipoff = self.get_object()
        return Response(EventSerializer(tipoff.events.order_by("seq"), many=True).data)

    @act_schema(TriageBody)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        """受理审查: accept, or reject with a reason."""
        return self._act(request, "triage")

    @act_schema(MatchBody)
    @action(detail=True, methods=["post"])
    def match(self, request, pk=None):
        """关联台账企业 by credit code."""
        return self._act(request, "match")

    @act_schema(AssignBody)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """交办: to a department, its officers or the named ones as handlers."""
        return self._act(request, "assign")

    @act_schema(VerificationBody)
    @action(detail=True, methods=["post"])
    def verification(self, request, pk=None):
        """布置核查, with the deadline in working days from acceptance."""
        return self._act(request, "verification")

    @act_schema(FindingBody)
    @action(detail=True, methods=["post"])
    def finding(self, request, pk=None):
        """核查结论; a substantiated tip-off may open a case or link one."""
        return self._act(request, "finding")

    @act_schema(PublishBody)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """公布办理结果 (reviewed wording, no reporter)."""
        return self._act(request, "publish")

    @extend_schema(request=None, responses={200: IdentitySerializer, **ERRORS}, filters=False)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """查看举报人: assigned handlers only; the look is recorded, the answer not cached."""
        tipoff = self.get_object()
        identity = services.reveal_identity(tipoff, by=request.user)
        response = Response(
            {
                "anonymous": identity.anonymous,
                "name": identity.name,
                "phone": identity.phone,
                "email": identity.email,
            }
        )
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request={"multipart/form-data": HotlineBody, "application/json": HotlineBody},
        responses={201: HotlineReceivedSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser],
    )
    def hotline(self, request):
        """热线登记: the officer records a call; the tracking code is answered once."""
        body = HotlineBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        received = services.receive(
            by=request.user,
            channel=Channel.HOTLINE,
            region=data["region"],
            enterprise_name=data["enterprise_name"],
            enterprise_address=data["enterprise_address"],
            description=data["description"],
            anonymous=data["anonymous"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            uploads=data["attachments"],
        )
        fresh = self.get_queryset().get(pk=received.tipoff.pk)
        response = Response(
            {
                "tipoff": TipoffSerializer(fresh, context=self.get_serializer_context()).data,
                "tracking_code": received.formatted_code,
            },
            status=status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"
        return response


# — the public —


class StatusQuery(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class PublicStatusSerializer(serializers.Serializer):
    number = serializers.CharField()
    received_on = serializers.DateField()
    enterprise_name = serializers.CharField()
    state = serializers.ChoiceField(choices=TipoffState.choices)
    state_label = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    outcome_published_at = serializers.DateTimeField(allow_null=True)


class PublicOutcomeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Tipoff
        fields = [
            "number",
            "enterprise_name",
            "region",
            "region_name",
            "public_summary",
            "outcome",
            "outcome_published_at",
        ]


class PublicStatusViewSet(viewsets.GenericViewSet):
    """办理进度查询 by tracking code, anonymous and rate-limited per address."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    serializer_class = StatusQuery

    @extend_schema(
        request=StatusQuery,
        responses={
            200: PublicStatusSerializer,
            400: OpenApiResponse(description=_("查询码不正确")),
            429: OpenApiResponse(description=_("查询过于频繁")),
        },
    )
    def create(self, request):
        if limited(request, "tipoff-status", settings.PHASEOUT_TIPOFF_STATUS_RATE):
            return Response(
                {"detail": _("查询过于频繁，请一小时后再试。")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "3600"},
            )
        body = StatusQuery(data=request.data)
        body.is_valid(raise_exception=True)
        tipoff = services.lookup(body.validated_data["code"])
        if tipoff is None:
            raise serializers.ValidationError({"code": [_("查询码不正确，请核对后重新输入。")]})
        published = tipoff.outcome_published_at is not None
        data = {
            "number": tipoff.number,
            "received_on": tipoff.received_at.date(),
            "enterprise_name": tipoff.enterprise_name,
            "state": tipoff.state,
            "state_label": str(PUBLIC_STATE_LABELS[tipoff.state]),
            "outcome": tipoff.outcome if published else None,
            "outcome_published_at": tipoff.outcome_published_at,
        }
        response = Response(PublicStatusSerializer(data).data)
        response["Cache-Control"] = "no-store"
        return response


class PublicOutcomeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """举报办理结果公开: the outcomes published for the list, newest first."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    serializer_class = PublicOutcomeSerializer

    def get_queryset(self):
        return services.published_outcomes()

    def filter_queryset(self, queryset):
        region = self.request.query_params.get("region")
        if region:
            found = Region.objects.current().filter(code=region).first()
            queryset = (
                queryset.filter(region__code__startswith=found.prefix) if found else queryset.none()
            )
        return queryset


def register(router) -> None:
    """Add the tip-off endpoints to the one router."""
    router.register("tipoffs", TipoffViewSet, basename="tipoff")
    router.register("public/tipoff-status", PublicStatusViewSet, basename="public-tipoff-status")
    router.register(
        "public/tipoff-outcomes", PublicOutcomeViewSet, basename="public-tipoff-outcome"
    )
