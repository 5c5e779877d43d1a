"""The work queue (工作台): what awaits a person, what falls due soon, what is overdue, and their
unread reminders — each one query, whatever the number of cases.

"Awaiting this person" is the set of cases where ``services.available_actions`` offers the
person a step of the procedure (not only evidence or a comment), written as a filter so that it
costs one query instead of one per case: the department owning the dimension decides at the
steps where the procedure waits for it, a leader the approval requests sent to a government in
their region, a utility the cut it has not yet made, and the enterprise its public commitment.
tests/enforcement/test_views_queue.py checks it against ``available_actions``.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from phaseout.enforcement import procedures
from phaseout.enforcement.choices import OPEN_STATES, CaseState, MeasureKind
from phaseout.enforcement.filters import overdue_q
from phaseout.enforcement.models import Measure, Notification
from phaseout.enforcement.services import MEASURE_EXECUTORS, cases_visible_to
from phaseout.regions.choices import Role
from phaseout.regions.scope import Scope
from phaseout.screening.choices import Dimension

S = CaseState
SOON_DAYS = 30
# The acts that move a case on: what available_actions offers but evidence, comments, withdrawal,
# further measures and re-inspections while the period still runs.
ACTING = frozenset(
    {
        "serve_order",
        "decide_extension",
        "order_exit",
        "request_approval",
        "decide_approval",
        "confirm_sealed",
        "accept_exit",
        "sign_commitment",
    }
)
# Where the procedure waits for the department that owns the dimension.
WAITING_FOR_DEPARTMENT = Q(
    state__in=[S.OPENED, S.EXTENSION_REQUESTED, S.OVERDUE, S.EXIT_ORDERED, S.SEALED]
) | Q(state=S.RECTIFYING, reinspection_failed=True)
EXIT_STATES = [S.EXIT_ORDERED, S.SEALED]


def acting_for(user) -> frozenset[str]:
    """The acts that put a case in the person's queue: for a utility, its measure (断电、断水)."""
    person = Scope.of(user).person
    if person is not None and person.department is not None and _cuts(person.department.kind):
        return ACTING | {"record_measure"}
    return ACTING


def _cuts(department_kind: str) -> list[str]:
    return [m for m, kinds in MEASURE_EXECUTORS.items() if department_kind in kinds]


def owned_dimensions(department_kind: str) -> list[str]:
    """The dimensions whose cases a department of this kind handles (procedures.yaml)."""
    return [d for d in Dimension.values if department_kind in procedures.params(d)["responsible"]]


def _listed(qs: QuerySet) -> QuerySet:
    return qs.select_related("enterprise", "line", "region", "department")


def _measure_in_force(kinds) -> Exists:
    return Exists(
        Measure.objects.filter(case=OuterRef("pk"), kind__in=kinds, lifted_on__isnull=True)
    )


def awaiting(user) -> QuerySet:
    """Cases where the procedure waits for this person's act, the longest waiting first."""
    scope = Scope.of(user)
    person = scope.person
    visible = cases_visible_to(user)
    if scope.everything:
        condition = WAITING_FOR_DEPARTMENT | Q(state=S.APPROVAL_REQUESTED)
    elif person is None:
        return visible.none()
    elif person.role == Role.LEADER:
        condition = Q(
            state=S.APPROVAL_REQUESTED,
            approval_region__code__startswith=person.region.prefix,
        )
    elif person.role == Role.ENTERPRISE:
        visible = visible.alias(signed=_measure_in_force([MeasureKind.COMMITMENT]))
        condition = Q(state__in=EXIT_STATES, signed=False)
    elif person.role == Role.OFFICER and person.department is not None:
        kind = person.department.kind
        condition = Q(dimension__in=owned_dimensions(kind)) & WAITING_FOR_DEPARTMENT
        cuts = _cuts(kind)
        if cuts:
            visible = visible.alias(cut=_measure_in_force(cuts))
            condition |= Q(state__in=EXIT_STATES, cut=False)
    else:
        return visible.none()
    return _listed(visible.filter(condition)).order_by("updated_at", "id")


def mine(user) -> QuerySet:
    """The visible cases a person follows: an officer those of the dimensions their department
    handles (all visible ones for a cooperating department), everybody else all visible ones."""
    person = Scope.of(user).person
    visible = cases_visible_to(user)
    if person is not None and person.role == Role.OFFICER and person.department is not None:
        dimensions = owned_dimensions(person.department.kind)
        if dimensions:
            return visible.filter(dimension__in=dimensions)
    return visible


def due_soon(user, today: datetime.date | None = None, days: int = SOON_DAYS) -> QuerySet:
    today = today or timezone.localdate()
    return (
        _listed(mine(user))
        .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
        .exclude(due_kind="")
        .filter(Q(state__in=OPEN_STATES) | Q(state=S.EXITED))
        .order_by("due_on", "id")
    )


def overdue(user, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        _listed(mine(user)).filter(overdue_q(today), state__in=OPEN_STATES).order_by("due_on", "id")
    )


def unread_notifications(user) -> QuerySet:
    return Notification.objects.filter(user=user, read_at__isnull=True)
