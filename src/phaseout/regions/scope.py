"""The one scoping helper: what a person may see and change.

Every list, detail, export and API call asks `Scope.of(user)`. A person sees the region subtree
of their department (a county officer their county; a city officer the city and its counties
and parks); an enterprise user sees their own enterprise; nobody else sees anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from phaseout.regions.choices import REGISTRY_KEEPERS, Role
from phaseout.regions.models import Person, Region

_CACHE_ATTR = "_phaseout_scope"


@dataclass(frozen=True)
class Scope:
    user: object
    person: Person | None
    everything: bool = False

    @classmethod
    def of(cls, user) -> Scope:
        """The scope of a user, cached on the user object for the request."""
        cached = getattr(user, _CACHE_ATTR, None)
        if cached is not None:
            return cached
        person = None
        if user is not None and user.is_authenticated:
            person = (
                Person.objects.select_related("region", "department", "enterprise")
                .filter(user=user)
                .first()
            )
        if person is not None:
            # Templates ask ``user.person`` (the nav); let them use this row, not query again.
            user._state.fields_cache["person"] = person
        everything = bool(user is not None and user.is_authenticated and user.is_superuser)
        scope = cls(user=user, person=person, everything=everything)
        if user is not None:
            setattr(user, _CACHE_ATTR, scope)
        return scope

    # — who —
    @property
    def role(self) -> str | None:
        return self.person.role if self.person else None

    @property
    def region(self) -> Region | None:
        return self.person.region if self.person else None

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def sees_nothing(self) -> bool:
        return not self.everything and self.person is None

    # — what they read —
    def filter(
        self, qs: QuerySet, *, region_field: str, enterprise_field: str | None = None
    ) -> QuerySet:
        """Restrict any queryset to this scope, given the paths to its region and enterprise."""
        if self.everything:
            return qs
        if self.person is None:
            return qs.none()
        if self.role == Role.ENTERPRISE:
            if enterprise_field is None:
                return qs.none()
            return qs.filter(**{enterprise_field: self.person.enterprise_id})
        return qs.filter(**{f"{region_field}__code__startswith": self.person.region.prefix})

    def regions(self, qs: QuerySet | None = None) -> QuerySet:
        qs = Region.objects.all() if qs is None else qs
        if self.everything:
            return qs
        if self.person is None:
            return qs.none()
        if self.role == Role.ENTERPRISE:
            return qs.filter(pk=self.person.enterprise.region_id)
        return qs.filter(code__startswith=self.person.region.prefix)

    def enterprises(self, qs: QuerySet | None = None) -> QuerySet:
        from phaseout.registry.models import Enterprise

        qs = Enterprise.objects.all() if qs is None else qs
        return self.filter(qs, region_field="region", enterprise_field="pk")

    def lines(self, qs: QuerySet | None = None) -> QuerySet:
        from phaseout.registry.models import ProductionLine

        qs = ProductionLine.objects.all() if qs is None else qs
        return self.filter(qs, region_field="enterprise__region", enterprise_field="enterprise_id")

    def licenses(self, qs: QuerySet | None = None) -> QuerySet:
        from phaseout.registry.models import License

        qs = License.objects.all() if qs is None else qs
        return self.filter(qs, region_field="enterprise__region", enterprise_field="enterprise_id")

    def can_read_region(self, region: Region) -> bool:
        if self.everything:
            return True
        if self.person is None or self.role == Role.ENTERPRISE:
            return False
        return self.person.region.contains(region)

    # — what they change —
    @property
    def keeps_registry(self) -> bool:
        """Officers of the registry-keeping departments, and administrators, edit the registry."""
        if self.everything:
            return True
        if self.person is None:
            return False
        if self.role == Role.ADMINISTRATOR:
            return True
        return (
            self.role == Role.OFFICER
            and self.person.department is not None
            and self.person.department.kind in REGISTRY_KEEPERS
        )

    def can_edit_registry(self, region: Region) -> bool:
        return self.keeps_registry and (self.everything or self.person.region.contains(region))

    def require_registry_edit(self, region: Region) -> None:
        """Raise PermissionDenied, saying why, unless this person may change records in region."""
        if not self.keeps_registry:
            raise PermissionDenied(_("您的角色或部门不能修改企业台账。"))
        if not self.can_edit_registry(region):
            raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})

    def region_q(self, field: str = "region") -> Q:
        """A Q object for the region part of the scope (for annotations and aggregates)."""
        if self.everything:
            return Q()
        if self.person is None:
            return Q(pk__in=[])
        return Q(**{f"{field}__code__startswith": self.person.region.prefix})
