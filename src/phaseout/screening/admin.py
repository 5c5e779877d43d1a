"""Screening in the admin: read-only, with history. Records are written by the services (the
admin would bypass their permission checks and validation)."""

from django.contrib import admin

from phaseout.registry.admin import ReadOnlyHistoryAdmin
from phaseout.screening.models import DataGap, Finding, Inspection, Measurement, ScreeningCampaign


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "enterprise", "line", "source", "document_number", "created_by"]
    list_filter = ["source"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "document_number"]
    list_select_related = ["enterprise", "line", "created_by"]
    date_hierarchy = "date"


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "enterprise", "line", "metric", "value", "unit", "value_std", "source"]
    list_filter = ["source", "metric"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "metric"]
    list_select_related = ["enterprise", "line"]
    date_hierarchy = "date"


@admin.register(ScreeningCampaign)
class ScreeningCampaignAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "region", "year", "as_of", "status", "last_run_at", "last_run_by"]
    list_filter = ["status", "year"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region", "last_run_by"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "enterprise", "line", "rule_id", "dimension", "confidence"]
    list_filter = ["dimension", "category", "confidence"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "rule_id"]
    list_select_related = ["campaign", "enterprise", "line"]


@admin.register(DataGap)
class DataGapAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "enterprise", "line", "rule_id", "needed"]
    list_filter = ["dimension"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "rule_id"]
    list_select_related = ["campaign", "enterprise", "line"]
