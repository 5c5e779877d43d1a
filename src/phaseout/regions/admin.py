"""Admin for the reference data of the jurisdiction: regions, departments and people."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from phaseout.regions.models import Department, Person, Region


class CurrentFilter(admin.SimpleListFilter):
    title = _("有效性")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("现行有效")), ("no", _("已停用"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_display_links = ["code", "name"]
    list_filter = ["level", CurrentFilter]
    search_fields = ["code", "name"]
    ordering = ["code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    list_per_page = 100


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region__level"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "role", "department", "region", "enterprise", "active"]
    list_filter = ["role", "department__kind", "user__is_active"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "department__name",
        "region__name",
        "region__code",
        "enterprise__name",
    ]
    list_select_related = ["user", "department", "region", "enterprise"]
    autocomplete_fields = ["user", "department", "region", "enterprise"]

    @admin.display(description=_("用户名"), ordering="user__username")
    def username(self, person: Person) -> str:
        return person.user.get_username()

    @admin.display(description=_("姓名"))
    def full_name(self, person: Person) -> str:
        return person.user.get_full_name()

    @admin.display(description=_("启用"), boolean=True, ordering="user__is_active")
    def active(self, person: Person) -> bool:
        return person.user.is_active


class PersonInline(admin.StackedInline):
    """A user's place in the jurisdiction, edited on the user's page."""

    model = Person
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["department", "region", "enterprise"]
    verbose_name_plural = _("人员信息（角色、部门、行政区划）")


User = get_user_model()


class PersonUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, PersonInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PersonUserAdmin)
