"""工作台: what awaits the person, what falls due in 30 days, what is overdue, their reminders."""

from __future__ import annotations

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from phaseout.enforcement import procedures, services, worklist
from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Notification
from phaseout.enforcement.services import MEASURE_EXECUTORS
from phaseout.enforcement.views.base import may_open_cases
from phaseout.regions.choices import Role
from phaseout.regions.scope import Scope
from phaseout.screening.choices import Dimension

S = CaseState
LIMIT = 50


def next_step(case, person) -> str:
    """What the procedure waits for, in a few words (the case page offers the act itself)."""
    if case.state == S.APPROVAL_REQUESTED:
        return _("审批关停退出请示")
    if person is not None and person.role == Role.ENTERPRISE:
        return _("签署公开承诺")
    if (
        person is not None
        and person.department is not None
        and any(person.department.kind in kinds for kinds in MEASURE_EXECUTORS.values())
    ):
        return _("落实断电、断水措施")
    if case.state == S.OPENED:
        if case.dimension == Dimension.TECHNOLOGY:
            return _("责令拆除淘汰类装备")
        return _("下达整改决定")
    if case.state == S.EXTENSION_REQUESTED:
        return _("决定延期申请")
    if case.state in (S.OVERDUE, S.RECTIFYING):
        # The national parameter: a jurisdiction may add an approval step, never remove one.
        if procedures.params(case.dimension)["approval"]:
            return _("报请政府批准关停退出")
        return _("责令关停退出")
    if case.state == S.EXIT_ORDERED:
        return _("落实退出措施、确认封存或验收")
    if case.state == S.SEALED:
        return _("拆除后验收")
    return ""


class WorkQueueView(LoginRequiredMixin, TemplateView):
    template_name = "enforcement/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = Scope.of(user)
        today = timezone.localdate()
        awaiting = list(worklist.awaiting(user)[: LIMIT + 1])
        for case in awaiting:
            case.next_step = next_step(case, scope.person)
        soon = list(worklist.due_soon(user, today)[: LIMIT + 1])
        overdue = list(worklist.overdue(user, today)[: LIMIT + 1])
        soon_until = today + datetime.timedelta(days=worklist.SOON_DAYS)
        cases_url = reverse("enforcement:case-list")

        def more(rows, query: dict) -> str:
            if len(rows) <= LIMIT:
                return ""
            return f"{cases_url}?{urlencode(query)}" if query else cases_url

        context.update(
            today=today,
            soon_days=worklist.SOON_DAYS,
            limit=LIMIT,
            awaiting=awaiting[:LIMIT],
            awaiting_more=more(awaiting, {}),
            soon=soon[:LIMIT],
            soon_more=more(soon, {"due_before": soon_until.isoformat()}),
            overdue=overdue[:LIMIT],
            overdue_more=more(overdue, {"overdue": "true"}),
            notifications=list(worklist.unread_notifications(user)[:LIMIT]),
            is_leader=scope.role == Role.LEADER,
            is_enterprise=scope.is_enterprise_user,
            can_open=may_open_cases(user),
        )
        return context


class NotificationReadView(LoginRequiredMixin, View):
    """标为已读 (POST): one of the person's own reminders, or all of them."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        if pk is not None:
            get_object_or_404(Notification, pk=pk, user=request.user)
        services.mark_notifications_read(by=request.user, ids=None if pk is None else [pk])
        return HttpResponseRedirect(reverse("enforcement:queue") + "#notifications")
