"""REST endpoints for the legal calendar (法定节假日安排): the years loaded, the years covered, and
loading a newly published year.

``GET /api/calendar-years/`` lists the years an administrator loaded (any government user);
``GET /api/calendar-years/coverage/`` says which years the calendar covers and where each comes
from; ``POST /api/calendar-years/`` loads a year (system administrators), given either as the
YAML file (multipart, field ``file``) or as a JSON body with the file's fields. Both are checked
by ``calendars.parse_year``: a problem is a 400 naming its field, and nothing is loaded.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaseout.enforcement import calendars
from phaseout.enforcement.calendars import FIELDS, MAX_FILE_BYTES
from phaseout.enforcement.deadlines import calendar_years
from phaseout.enforcement.models import CalendarYear


class LoadsCalendar(permissions.BasePermission):
    """Government users read the calendar; only system administrators load a year."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            self.message = _("只有政府部门的工作人员可以查看法定节假日安排。")
            return calendars.may_view_calendar(request.user)
        self.message = _("只有系统管理员可以载入法定节假日安排。")
        return calendars.may_load_calendar(request.user)


class CalendarYearSerializer(serializers.ModelSerializer):
    holidays = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("放假的日子（YYYY-MM-DD）到节日名称"),
    )
    workdays = serializers.ListField(
        child=serializers.DateField(), read_only=True, help_text=_("调休上班的周六、周日")
    )
    loaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "source", "holidays", "workdays", "loaded_at", "loaded_by"]
        read_only_fields = fields


class LoadedCalendarYearSerializer(CalendarYearSerializer):
    recomputed = serializers.IntegerField(read_only=True, help_text=_("重算了暂定期限的案件数"))

    class Meta(CalendarYearSerializer.Meta):
        fields = [*CalendarYearSerializer.Meta.fields, "recomputed"]
        read_only_fields = fields


class CalendarFileSerializer(serializers.Serializer):
    """The year's arrangement as the YAML file (docs/deadlines.md)."""

    file = serializers.FileField(
        help_text=_("UTF-8 编码的 YAML 文件（格式见 docs/deadlines.md），不超过 64 KB")
    )


class CalendarArrangementSerializer(serializers.Serializer):
    """The year's arrangement with the file's fields, as JSON (documents the body; the checks
    are those of the file)."""

    year = serializers.IntegerField(min_value=2000, max_value=9999, label=_("年度"))
    source = serializers.CharField(max_length=250, label=_("来源文件"), help_text=_("文号和标题"))
    published = serializers.DateField(required=False, allow_null=True, label=_("发布日期"))
    holidays = serializers.DictField(
        child=serializers.JSONField(),
        label=_("法定节假日"),
        help_text=_(
            "节日名称到放假日期：一个日期、起止日期 [起始日, 结束日]，或日期和起止日期的列表"
        ),
    )
    workdays = serializers.ListField(
        child=serializers.DateField(), label=_("调休上班日"), help_text=_("没有的写 []")
    )


class CalendarCoverageSerializer(serializers.Serializer):
    package_years = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("chinesecalendar 软件包自带的年度")
    )
    loaded_years = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("管理员载入的年度（取代软件包的同一年度）")
    )
    years = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("日历覆盖的全部年度；其他年度的期限为暂定"),
    )


def problems_by_field(error: DjangoValidationError) -> dict[str, list[str]]:
    """parse_year's problems (each ``field：message``) keyed by the top-level field they are in."""
    detail: dict[str, list[str]] = {}
    for message in error.messages:
        field, sep, _rest = message.partition("：")
        key = field.split(".")[0] if sep else ""
        if key not in FIELDS:
            key = "non_field_errors"
        detail.setdefault(key, []).append(message)
    return detail


class CalendarYearViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """法定节假日安排: the years loaded; POST loads a newly published year and recomputes the
    provisional deadlines it settles."""

    serializer_class = CalendarYearSerializer
    permission_classes = [permissions.IsAuthenticated, LoadsCalendar]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"
    queryset = CalendarYear.objects.select_related("loaded_by").order_by("year")

    @extend_schema(
        request={
            "application/json": CalendarArrangementSerializer,
            "multipart/form-data": CalendarFileSerializer,
        },
        responses={201: LoadedCalendarYearSerializer},
    )
    def create(self, request):
        """载入一个年度的安排（取代此前载入的同一年度），并重算暂定期限."""
        if request.content_type.startswith("multipart/"):
            published = self._from_file(request)
        else:
            published = self._from_json(request)
        row = calendars.load_year(published, by=request.user)
        return Response(LoadedCalendarYearSerializer(row).data, status=status.HTTP_201_CREATED)

    def _from_file(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("请上传节假日安排文件（字段 file）。")]})
        if upload.size > MAX_FILE_BYTES:
            raise exceptions.ValidationError(
                {
                    "file": [
                        _("文件超过 %(size)d KB，不是一个年度的节假日安排。")
                        % {"size": MAX_FILE_BYTES // 1024}
                    ]
                }
            )
        try:
            return calendars.read_bytes(upload.read(MAX_FILE_BYTES + 1), name=upload.name)
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"file": error.messages}) from error

    def _from_json(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_FILE_BYTES:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _("请求体超过 %(size)d KB，不是一个年度的节假日安排。")
                        % {"size": MAX_FILE_BYTES // 1024}
                    ]
                }
            )
        try:
            return calendars.parse_year(request.data)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(problems_by_field(error)) from error

    @extend_schema(responses=CalendarCoverageSerializer)
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """日历覆盖的年度：软件包自带的、管理员载入的；未覆盖年度的期限为暂定."""
        loaded = list(CalendarYear.objects.order_by("year").values_list("year", flat=True))
        data = {
            "package_years": list(calendar_years()),
            "loaded_years": loaded,
            "years": sorted(calendars.current_calendar().years),
        }
        return Response(CalendarCoverageSerializer(data).data)


def register(router) -> None:
    router.register("calendar-years", CalendarYearViewSet, basename="calendar-year")
