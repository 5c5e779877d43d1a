"""案件 pages: the list (and its workbook), opening a case, and the case page with its acts."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from phaseout.core.errors import ProcedureError
from phaseout.core.forms import add_service_error
from phaseout.enforcement import chain, procedures, services
from phaseout.enforcement.exports import XLSX_TYPE, write_cases
from phaseout.enforcement.filters import CaseFilter
from phaseout.enforcement.forms import ACTION_FORMS, ActionForm, LiftMeasureForm, OpenCaseForm
from phaseout.enforcement.services import cases_visible_to
from phaseout.enforcement.views.base import may_open_cases, scoped_case
from phaseout.regions.scope import Scope
from phaseout.screening import scoping
from phaseout.screening.views.base import PartialListMixin

LISTED = ("enterprise", "line", "region", "department")


class CaseListView(PartialListMixin, FilterView):
    """案件: the cases in the person's scope (an enterprise user: their own), newest first."""

    filterset_class = CaseFilter
    template_name = "enforcement/case_list.html"
    partial_template_name = "enforcement/_case_table.html"
    context_object_name = "cases"

    def get_queryset(self):
        return (
            cases_visible_to(self.request.user)
            .select_related(*LISTED)
            .order_by("-opened_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_open"] = may_open_cases(self.request.user)
        context["today"] = timezone.localdate()
        return context


class CaseExportView(LoginRequiredMixin, View):
    """The filtered case list as an XLSX workbook."""

    def get(self, request):
        filterset = CaseFilter(
            request.GET,
            queryset=cases_visible_to(request.user).order_by("-opened_at", "-id"),
            request=request,
        )
        cases = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        target = tempfile.TemporaryFile()
        write_cases(target, cases)
        target.seek(0)
        return FileResponse(
            target,
            as_attachment=True,
            filename=_("案件_%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")},
            content_type=XLSX_TYPE,
        )


def finding_facts(finding) -> str:
    """The facts a finding states, as open_case would write them, with the limit it exceeds."""
    text = f"{finding.description}（{finding.reference}）"
    if finding.value is not None:
        text += f"：{finding.value:g} {finding.unit}"
        if finding.threshold is not None:
            text += _("（限值 %(limit)s）") % {"limit": f"{finding.threshold:g}"}
    return text


class CaseOpenView(LoginRequiredMixin, View):
    """立案: a plain form, or prefilled from a finding (``?finding=<id>``), which the case cites."""

    template_name = "enforcement/case_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_open_cases(request.user):
            raise PermissionDenied(_("只有主管部门的经办人员可以立案。"))
        self.finding = None
        finding_id = request.GET.get("finding") or request.POST.get("finding")
        if finding_id:
            self.finding = get_object_or_404(
                scoping.findings(request.user).select_related("enterprise__region", "line"),
                pk=finding_id if str(finding_id).isdigit() else 0,
            )
            services.require_case_officer(
                request.user,
                dimension=self.finding.dimension,
                region=self.finding.enterprise.region,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        if self.finding is not None:
            finding = self.finding
            initial = {
                "credit_code": finding.enterprise.credit_code,
                "line_code": finding.line.code if finding.line_id else "",
                "dimension": finding.dimension,
                "facts": finding_facts(finding),
                "finding": finding.pk,
            }
        return self.render(OpenCaseForm(initial=initial, user=request.user))

    def post(self, request):
        form = OpenCaseForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            case = services.open_case(
                by=request.user,
                dimension=data["dimension"],
                enterprise=data["enterprise"],
                line=data["line"],
                findings=[self.finding] if self.finding is not None else [],
                facts=data["facts"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(form, status=400)
        except ProcedureError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409)
        messages.success(request, _("已立案：%(number)s。") % {"number": case.number})
        return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "finding": self.finding},
            status=status,
        )


# — the case page —


def action_form(name, case, params, user, data=None, files=None) -> ActionForm:
    kwargs = {"case": case, "params": params}
    if name == "add_evidence":
        kwargs["enterprise_user"] = Scope.of(user).is_enterprise_user
    return ACTION_FORMS[name](data, files, **kwargs)


def _may_lift(case, user) -> bool:
    try:
        services.require_case_officer(user, dimension=case.dimension, region=case.region)
    except PermissionDenied:
        return False
    return True


def render_case(request, case, *, bound=None, bound_lift=None, error="", status=200):
    """The case page; ``bound`` is the act's form the person just sent back, with its errors."""
    user = request.user
    params = procedures.params(case.dimension, case.region)
    actions = [name for name in services.available_actions(case, user) if name in ACTION_FORMS]
    forms = [
        bound
        if bound is not None and bound.action == name
        else action_form(name, case, params, user)
        for name in actions
    ]
    if bound is not None and bound.action not in actions:
        # The case moved on meanwhile: the person still gets back what they wrote.
        forms.insert(0, bound)
    measures = list(
        case.measures.select_related("license", "evidence", "lifted_by").order_by(
            "executed_on", "id"
        )
    )
    may_lift = _may_lift(case, user)
    for measure in measures:
        if may_lift and measure.in_force:
            if bound_lift is not None and bound_lift.measure.pk == measure.pk:
                measure.lift_form = bound_lift
            else:
                measure.lift_form = LiftMeasureForm(case=case, measure=measure)
    context = {
        "case": case,
        "params": params,
        "forms": forms,
        "bound": bound,
        "error": error,
        "measures": measures,
        "documents": list(case.documents.order_by("issued_on", "id")),
        "evidence": list(case.evidence.select_related("uploaded_by").order_by("id")),
        "events": list(case.events.order_by("seq")),
        "verification": chain.verify(case),
        "findings": list(case.findings.order_by("id")),
        "today": timezone.localdate(),
        "is_enterprise": Scope.of(user).is_enterprise_user,
    }
    return render(request, "enforcement/case_detail.html", context, status=status)


class CaseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_case(request, scoped_case(request, pk))
