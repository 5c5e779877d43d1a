"""The acts on a case (POST /enforcement/cases/<pk>/<act>/): parse the act's form, call its
service, and answer with the case page.

A refusal never loses what the person wrote: invalid input comes back on the form (400); a
refusal of the procedure shows its reason (409); when someone else changed the case meanwhile
(``CaseChanged``) the page shows the case as it is now, with the person's form as they filled it
and the version it now has, so that sending it again is a deliberate act (409). A permission
refusal is the 403 page with the service's reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from phaseout.core.errors import ProcedureError
from phaseout.core.forms import add_service_error
from phaseout.enforcement import procedures, services
from phaseout.enforcement.forms import LiftMeasureForm
from phaseout.enforcement.services import CaseChanged
from phaseout.enforcement.views.base import scoped_case
from phaseout.enforcement.views.cases import action_form, render_case

SERVICES = {
    "serve_order": services.serve_order,
    "request_extension": services.request_extension,
    "decide_extension": services.decide_extension,
    "record_reinspection": services.record_reinspection,
    "request_approval": services.request_approval,
    "decide_approval": services.decide_approval,
    "order_exit": services.order_exit,
    "record_measure": services.record_measure,
    "confirm_sealed": services.confirm_sealed,
    "accept_exit": services.accept_exit,
    "record_follow_up": services.record_follow_up,
    "withdraw": services.withdraw_case,
    "sign_commitment": services.sign_commitment,
    "add_evidence": services.add_evidence,
    "add_comment": services.add_comment,
}


def _with_version(data, version: int):
    data = data.copy()
    data["version"] = str(version)
    return data


class CaseActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        if action not in SERVICES:
            raise Http404
        case = scoped_case(request, pk)
        params = procedures.params(case.dimension, case.region)
        form = action_form(action, case, params, request.user, request.POST, request.FILES)
        if not form.is_valid():
            return render_case(request, case, bound=form, status=400)
        try:
            SERVICES[action](
                case, by=request.user, version=form.cleaned_data["version"], **form.arguments()
            )
        except CaseChanged as exc:
            case = scoped_case(request, pk)
            form = action_form(
                action,
                case,
                params,
                request.user,
                _with_version(request.POST, case.version),
                request.FILES,
            )
            form.is_valid()
            form.add_error(None, str(exc))
            return render_case(request, case, bound=form, error=str(exc), status=409)
        except ProcedureError as exc:
            form.add_error(None, str(exc))
            return render_case(request, case, bound=form, error=str(exc), status=409)
        except ValidationError as exc:
            add_service_error(form, exc)
            return render_case(request, case, bound=form, status=400)
        messages.success(request, _("已办理“%(act)s”。") % {"act": form.title})
        return HttpResponseRedirect(reverse("enforcement:case-detail", args=[pk]))


class MeasureLiftView(LoginRequiredMixin, View):
    """解除措施 (POST), with a reason."""

    http_method_names = ["post"]

    def post(self, request, pk, measure):
        case = scoped_case(request, pk)
        measure = get_object_or_404(case.measures.all(), pk=measure)
        form = LiftMeasureForm(request.POST, case=case, measure=measure)
        if not form.is_valid():
            return render_case(request, case, bound_lift=form, status=400)
        data = form.cleaned_data
        try:
            services.lift_measure(
                measure,
                by=request.user,
                reason=data["reason"],
                lifted_on=data["lifted_on"],
                version=data["version"],
            )
        except CaseChanged as exc:
            case = scoped_case(request, pk)
            form = LiftMeasureForm(
                _with_version(request.POST, case.version), case=case, measure=measure
            )
            form.is_valid()
            form.add_error(None, str(exc))
            return render_case(request, case, bound_lift=form, error=str(exc), status=409)
        except ProcedureError as exc:
            form.add_error(None, str(exc))
            return render_case(request, case, bound_lift=form, error=str(exc), status=409)
        except ValidationError as exc:
            add_service_error(form, exc)
            return render_case(request, case, bound_lift=form, status=400)
        messages.success(
            request, _("已解除措施“%(kind)s”。") % {"kind": measure.get_kind_display()}
        )
        return HttpResponseRedirect(reverse("enforcement:case-detail", args=[pk]))
