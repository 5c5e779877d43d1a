"""Read-only admin for tip-offs: the reporter's encrypted columns are never shown, and nothing
is changed here (every change is an act in services.py, with its event)."""

from django.contrib import admin

from phaseout.screening.admin import ReadOnlyAdmin
from phaseout.tipoffs.models import IDENTITY_FIELDS, Tipoff, TipoffAttachment, TipoffEvent


class EventInline(admin.TabularInline):
    model = TipoffEvent
    fields = ("seq", "kind", "at", "actor_name", "summary")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tipoff)
class TipoffAdmin(ReadOnlyAdmin):
    list_display = ("number", "channel", "state", "region", "enterprise_name", "received_at")
    list_filter = ("state", "channel")
    search_fields = ("number", "enterprise_name")
    exclude = (*IDENTITY_FIELDS, "tracking_hash")
    inlines = [EventInline]


@admin.register(TipoffEvent)
class TipoffEventAdmin(ReadOnlyAdmin):
    list_display = ("tipoff", "seq", "kind", "at", "actor_name", "summary")
    list_filter = ("kind",)


@admin.register(TipoffAttachment)
class TipoffAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("tipoff", "name", "content_type", "size")
