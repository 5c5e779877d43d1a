"""Admin for the registry: industries are reference data kept here; enterprises, lines and
licenses are shown read-only with their history — they change through the registry pages and
services, which check the person's scope and record who changed what."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from phaseout.registry.models import Enterprise, Industry, LedgerImport, License, ProductionLine


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "is_key", "note"]
    list_display_links = ["code", "name"]
    list_filter = ["is_key"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """View and history only: no add, change, delete or revert here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's version page saves on POST whatever the change permission says.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ProductionLineInline(admin.TabularInline):
    model = ProductionLine
    fields = [
        "code",
        "name",
        "equipment_type",
        "capacity",
        "capacity_unit",
        "size",
        "size_unit",
        "process",
        "status",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LicenseInline(admin.TabularInline):
    model = License
    fields = ["kind", "number", "issuer", "valid_until", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "credit_code",
        "name",
        "region",
        "industry",
        "size",
        "legal_standing",
        "status",
    ]
    list_display_links = ["credit_code", "name"]
    list_filter = ["size", "legal_standing", "status", "industry"]
    search_fields = ["credit_code", "name"]
    list_select_related = ["region", "industry"]
    inlines = [ProductionLineInline, LicenseInline]


@admin.register(ProductionLine)
class ProductionLineAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "code",
        "name",
        "enterprise",
        "equipment_type",
        "capacity",
        "capacity_unit",
        "size",
        "size_unit",
        "process",
        "product",
        "status",
    ]
    list_filter = ["equipment_type", "process", "product", "status"]
    search_fields = ["code", "name", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(License)
class LicenseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "kind", "enterprise", "issuer", "valid_until", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    """台账导入记录: read-only; written by the importer in the import's own transaction."""

    list_display = [
        "created_at",
        "user",
        "enterprises_created",
        "enterprises_updated",
        "lines_created",
        "lines_updated",
    ]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
