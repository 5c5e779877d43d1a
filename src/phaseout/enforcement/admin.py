"""Enforcement in the admin: read-only. Cases, their files and measures are written only by the
services (the admin would bypass the procedure, the permission checks and the hash chain).

The holiday calendar (CalendarYear) is shown here, read-only: a year is loaded with
``phaseout calendar load``, which checks the file and recomputes the provisional deadlines —
an edit in the admin would do neither.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from phaseout.enforcement.models import (
    CalendarYear,
    Case,
    CaseEvent,
    Document,
    Evidence,
    Measure,
    Notification,
    ProcedureOverride,
)
from phaseout.screening.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "dimension", "enterprise", "line", "state", "due_on", "department"]
    list_filter = ["dimension", "state", "due_kind"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "line", "department"]
    date_hierarchy = "opened_at"


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "seq", "kind", "at", "actor_name", "summary"]
    list_filter = ["kind"]
    search_fields = ["case__number"]
    list_select_related = ["case"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "case", "content_type", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["case__number", "name"]
    list_select_related = ["case"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "enterprise",
        "line",
        "license",
        "executed_on",
        "executor_name",
        "lifted_on",
    ]
    list_filter = ["kind"]
    search_fields = ["enterprise__name", "case__number"]
    list_select_related = ["enterprise", "line", "license"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "case", "due_on", "days_before", "created_at", "read_at"]
    list_select_related = ["user", "case"]


@admin.register(ProcedureOverride)
class ProcedureOverrideAdmin(ReadOnlyAdmin):
    list_display = ["region", "dimension", "parameter", "value", "reference", "created_by"]
    list_select_related = ["region", "created_by"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_at", "loaded_by"]
    list_select_related = ["loaded_by"]
    readonly_fields = ["year", "source", "holidays", "workdays", "loaded_at", "loaded_by"]

    @admin.display(description=_("法定节假日（天）"))
    def holiday_count(self, obj: CalendarYear) -> int:
        return len(obj.holidays)

    @admin.display(description=_("调休上班（天）"))
    def workday_count(self, obj: CalendarYear) -> int:
        return len(obj.workdays)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
