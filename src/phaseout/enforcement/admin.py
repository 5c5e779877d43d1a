"""Enforcement in the admin.

The holiday calendar (CalendarYear) is shown here, read-only: a year is loaded with
``phaseout calendar load``, which checks the file and recomputes the provisional deadlines —
an edit in the admin would do neither.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from phaseout.enforcement.models import CalendarYear


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
