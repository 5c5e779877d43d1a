"""Which local rules a person sees: those of their region's subtree, and those of the regions
above it, which apply to them too. Enterprise users see none."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from phaseout.regions.choices import Role
from phaseout.regions.scope import Scope
from phaseout.standards.models import LocalRule


def local_rules(user) -> QuerySet[LocalRule]:
    scope = Scope.of(user)
    qs = LocalRule.objects.all()
    if scope.everything:
        return qs
    if scope.person is None or scope.role == Role.ENTERPRISE:
        return qs.none()
    code = scope.person.region.code
    ancestors = {code[:2].ljust(6, "0"), code[:4].ljust(6, "0")} - {code}
    return qs.filter(
        Q(region__code__startswith=scope.person.region.prefix) | Q(region__code__in=ancestors)
    )
