"""Who reads the lists being prepared: government people whose region contains the list's."""

from __future__ import annotations

from phaseout.disclosure.models import ListSnapshot
from phaseout.regions.scope import Scope


def works_on_lists(user) -> bool:
    """Government users (and system superusers); never enterprises or the anonymous."""
    scope = Scope.of(user)
    return scope.everything or (scope.person is not None and not scope.is_enterprise_user)


def snapshots_visible_to(user):
    """The snapshots of the regions within the person's region (none for enterprise users)."""
    if not works_on_lists(user):
        return ListSnapshot.objects.none()
    return Scope.of(user).filter(ListSnapshot.objects.all(), region_field="region")


def data_errors_visible_to(user):
    """Data-error reports: officers see their own department's; leaders and auditors those of
    every department in their region's subtree; enterprises and the anonymous none."""
    from phaseout.disclosure.models import DataErrorReport
    from phaseout.regions.choices import Role

    if not works_on_lists(user):
        return DataErrorReport.objects.none()
    scope = Scope.of(user)
    reports = scope.filter(DataErrorReport.objects.all(), region_field="department__region")
    if scope.everything or scope.role in (Role.LEADER, Role.AUDITOR):
        return reports
    return reports.filter(department_id=scope.person.department_id)
