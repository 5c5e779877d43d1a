"""举报办理: the officers' queue, a tip-off's page with one form per act, hotline entry, and the
reveal of the reporter for the assigned handlers.

Every tip-off is read through ``services.tipoffs_visible_to`` (outside the scope: 404). The
reporter's identity appears on one page only, the answer to a handler's POST to ``reveal``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from phaseout.core.errors import ProcedureError
from phaseout.core.forms import add_service_error
from phaseout.enforcement.models import Case
from phaseout.regions.choices import Role
from phaseout.regions.scope import Scope
from phaseout.registry.models import Enterprise
from phaseout.screening.models import Finding
from phaseout.tipoffs import services
from phaseout.tipoffs.choices import TipoffState
from phaseout.tipoffs.forms import ACT_FORMS, HotlineForm
from phaseout.tipoffs.models import Tipoff

T = TipoffState
SOON_DAYS = 5
LIMIT = 50


def scoped_tipoff(request, pk) -> Tipoff:
    return get_object_or_404(
        services.tipoffs_visible_to(request.user).select_related(
            "region", "department", "enterprise", "case", "finding", "duplicate_of"
        ),
        pk=pk,
    )


def may_record_hotline(user) -> bool:
    scope = Scope.of(user)
    return scope.everything or (scope.person is not None and scope.person.role == Role.OFFICER)


class QueueView(LoginRequiredMixin, TemplateView):
    """举报办理工作台: new, assigned to me, due soon, overdue, and the latest in scope."""

    template_name = "tipoffs/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        visible = services.tipoffs_visible_to(user).select_related("region", "department")
        context.update(
            new=list(visible.filter(state=T.RECEIVED).order_by("received_at")[:LIMIT]),
            mine=list(
                visible.filter(handlers=user, state__in=[T.ASSIGNED, T.VERIFIED]).order_by(
                    "due_on", "received_at"
                )[:LIMIT]
            ),
            soon=list(
                visible.filter(
                    state=T.ASSIGNED,
                    due_on__gte=today,
                    due_on__lte=today + datetime.timedelta(days=SOON_DAYS),
                ).order_by("due_on")[:LIMIT]
            ),
            overdue=list(
                visible.filter(state=T.ASSIGNED, due_on__lt=today).order_by("due_on")[:LIMIT]
            ),
            latest=list(visible.order_by("-received_at", "-id")[:LIMIT]),
            soon_days=SOON_DAYS,
            may_hotline=may_record_hotline(user),
            today=today,
        )
        return context


def render_detail(request, tipoff: Tipoff, *, bound=None, error: str = "", status: int = 200):
    actions = services.available_actions(tipoff, request.user)
    forms = []
    for name in actions:
        if name == "reveal":
            continue
        if bound is not None and bound.action == name:
            forms.append(bound)
        else:
            forms.append(ACT_FORMS[name](tipoff=tipoff, user=request.user))
    context = {
        "tipoff": tipoff,
        "forms": forms,
        "may_reveal": "reveal" in actions,
        "handlers": list(tipoff.handlers.all()),
        "attachments": list(tipoff.attachments.all()),
        "events": list(tipoff.events.order_by("seq")),
        "error": error,
    }
    return render(request, "tipoffs/detail.html", context, status=status)


class DetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_detail(request, scoped_tipoff(request, pk))


def _enterprise_by_code(user, code: str, field: str = "credit_code") -> Enterprise:
    enterprise = Scope.of(user).enterprises().filter(credit_code=code.strip().upper()).first()
    if enterprise is None:
        raise ValidationError({field: _("您的管辖范围内没有该统一社会信用代码的企业。")})
    return enterprise


# The services name the model's fields; the forms and API bodies name their own.
FORM_FIELD = {"case": "case_number", "finding": "finding_id", "enterprise": "credit_code"}


def perform(name: str, tipoff: Tipoff, user, data: dict):
    """Call the act's service with the form's (or API body's) cleaned data."""
    try:
        return _perform(name, tipoff, user, data)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {FORM_FIELD.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None


def _perform(name: str, tipoff: Tipoff, user, data: dict):
    if name == "triage":
        accept = data["decision"] == "accept"
        duplicate = None
        if not accept and data["duplicate_of"]:
            duplicate = (
                services.tipoffs_visible_to(user)
                .filter(number=data["duplicate_of"].strip())
                .first()
            )
            if duplicate is None:
                raise ValidationError({"duplicate_of": _("没有这个举报编号。")})
        enterprise = (
            _enterprise_by_code(user, data["credit_code"])
            if accept and data["credit_code"]
            else None
        )
        return services.triage(
            tipoff,
            by=user,
            accept=accept,
            reason="" if accept else data["reason"],
            note=data["note"],
            duplicate_of=duplicate,
            enterprise=enterprise,
        )
    if name == "match":
        return services.match_enterprise(
            tipoff, by=user, enterprise=_enterprise_by_code(user, data["credit_code"])
        )
    if name == "assign":
        return services.assign(
            tipoff,
            by=user,
            department=data["department"],
            handlers=data["handlers"],
            dimension=data["dimension"],
        )
    if name == "verification":
        return services.set_verification(
            tipoff, by=user, task=data["task"], workdays=data["workdays"]
        )
    if name == "finding":
        case = None
        if data["case_number"]:
            case = Case.objects.filter(number=data["case_number"].strip()).first()
            if case is None:
                raise ValidationError({"case_number": _("没有这个案件编号。")})
        finding = None
        if data["finding_id"]:
            finding = Finding.objects.filter(pk=data["finding_id"]).first()
            if finding is None:
                raise ValidationError({"finding_id": _("没有这个不达标发现。")})
        return services.record_finding(
            tipoff,
            by=user,
            substantiated=data["substantiated"],
            text=data["text"],
            open_case=data["open_case"],
            dimension=data["dimension"],
            case=case,
            finding=finding,
        )
    if name == "publish":
        return services.publish_outcome(
            tipoff, by=user, summary=data["summary"], outcome=data["outcome"], listed=data["listed"]
        )
    raise Http404


class ActView(LoginRequiredMixin, View):
    """One act on a tip-off: the form's errors re-shown with the input (400), a refusal by the
    procedure in words (409), a refusal of the person 403."""

    def post(self, request, pk, action):
        tipoff = scoped_tipoff(request, pk)
        form_class = ACT_FORMS.get(action)
        if form_class is None:
            raise Http404
        if action not in services.available_actions(tipoff, request.user):
            raise PermissionDenied(_("您现在不能办理此事项。"))
        form = form_class(request.POST, tipoff=tipoff, user=request.user)
        if not form.is_valid():
            return render_detail(request, tipoff, bound=form, status=400)
        try:
            perform(action, tipoff, request.user, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return render_detail(request, tipoff, bound=form, status=400)
        except ProcedureError as error:
            return render_detail(request, tipoff, bound=form, error=str(error), status=409)
        except PermissionDenied as error:
            # E.g. opening a case in a dimension the handler's department does not own.
            return render_detail(request, tipoff, bound=form, error=str(error), status=403)
        return HttpResponseRedirect(reverse("tipoffs:detail", args=[tipoff.pk]))


@method_decorator(never_cache, name="dispatch")
class RevealView(LoginRequiredMixin, View):
    """查看举报人: only for the handlers; the answer is not cached and the act is recorded."""

    def post(self, request, pk):
        tipoff = scoped_tipoff(request, pk)
        identity = services.reveal_identity(tipoff, by=request.user)
        return render(request, "tipoffs/reveal.html", {"tipoff": tipoff, "identity": identity})


class AttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk, attachment):
        tipoff = scoped_tipoff(request, pk)
        row = tipoff.attachments.filter(pk=attachment).first()
        if row is None:
            raise Http404
        try:
            handle = row.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        return FileResponse(
            handle, as_attachment=True, filename=row.name, content_type=row.content_type
        )


@method_decorator(sensitive_post_parameters("name", "phone", "email"), name="dispatch")
@method_decorator(never_cache, name="dispatch")
class HotlineView(LoginRequiredMixin, View):
    """热线登记 (12345): the same service as the public form, channel hotline, the officer as the
    recorder. The tracking code is shown once, for the officer to give the caller."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_record_hotline(request.user):
            raise PermissionDenied(_("只有经办人员可以登记热线举报。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "tipoffs/hotline.html", {"form": HotlineForm(user=request.user)})

    def post(self, request):
        form = HotlineForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                received = services.receive(
                    by=request.user, channel="hotline", **form.service_kwargs()
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return render(request, "tipoffs/hotline_done.html", {"received": received})
        return render(request, "tipoffs/hotline.html", {"form": form}, status=400)
