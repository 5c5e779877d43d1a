"""Disclosure in the admin: read-only. Lists are prepared, reviewed and published only through
the services (a published snapshot is immutable; the admin would bypass the four-eyes rule), and
a data-error report is answered on the officers' page, which checks who may answer it. The reply
address of a data-error report is encrypted and never shown here."""

from django.contrib import admin

from phaseout.disclosure.models import DataErrorReport, ListSnapshot, SnapshotEntry
from phaseout.screening.admin import ReadOnlyAdmin


class EntryInline(admin.TabularInline):
    model = SnapshotEntry
    fields = ["position", "enterprise_name", "credit_code", "region_name", "dimension", "since"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ListSnapshot)
class ListSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "region", "department", "cut_off", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "region__name"]
    list_select_related = ["region", "department"]
    date_hierarchy = "cut_off"
    inlines = [EntryInline]


@admin.register(DataErrorReport)
class DataErrorReportAdmin(ReadOnlyAdmin):
    list_display = ["reference", "enterprise_name", "section", "status", "department", "created_at"]
    list_filter = ["status", "section"]
    search_fields = ["reference", "credit_code", "enterprise_name"]
    list_select_related = ["department"]
    exclude = ["email"]
