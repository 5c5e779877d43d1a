"""Local rules in the admin: read-only with their history; they are made and brought into force
through the pages or the API (standards/services.py), which check them against the catalogue."""

from django.contrib import admin

from phaseout.registry.admin import ReadOnlyHistoryAdmin
from phaseout.standards.models import LocalRule


@admin.register(LocalRule)
class LocalRuleAdmin(ReadOnlyHistoryAdmin):
    list_display = ["rule_id", "region", "supersedes", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["rule_id", "supersedes", "region__name", "region__code"]
    list_select_related = ["region"]
