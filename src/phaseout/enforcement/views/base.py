"""What every enforcement page shares: the case looked up through the person's scope."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from phaseout.enforcement.models import Case
from phaseout.enforcement.services import cases_visible_to
from phaseout.enforcement.worklist import owned_dimensions
from phaseout.regions.choices import Role
from phaseout.regions.scope import Scope

CASE_RELATED = ("enterprise", "line", "region", "department", "approval_region", "opened_by")


def scoped_case(request, pk) -> Case:
    """A case the person may see, or 404 — existence outside the scope is never revealed."""
    return get_object_or_404(cases_visible_to(request.user).select_related(*CASE_RELATED), pk=pk)


def may_open_cases(user) -> bool:
    """Whether the person is an officer of a department that handles some dimension (the
    service checks the dimension and the region of the case itself)."""
    scope = Scope.of(user)
    if scope.everything:
        return True
    person = scope.person
    return (
        person is not None
        and person.role == Role.OFFICER
        and person.department is not None
        and bool(owned_dimensions(person.department.kind))
    )
