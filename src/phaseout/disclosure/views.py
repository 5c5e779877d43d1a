"""名单公布 for officers: the snapshots in scope, preparing a draft, and reviewing and publishing it.

Thin: every act is a service of services.py, which checks who may do it. Its ValidationError
becomes a form error, its PermissionDenied the 403 page saying why, and its ProcedureError a
message on the snapshot's page — never a 500. Snapshots outside the person's region are 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaseout.core.crypto import decrypt
from phaseout.core.errors import ProcedureError
from phaseout.core.forms import BootstrapFormMixin, add_service_error
from phaseout.disclosure import services
from phaseout.disclosure.access import (
    data_errors_visible_to,
    snapshots_visible_to,
    works_on_lists,
)
from phaseout.disclosure.choices import DataErrorStatus, ListKind, SnapshotStatus
from phaseout.regions.scope import Scope

SNAPSHOT_RELATED = ("region", "department", "prepared_by", "reviewed_by", "published_by")


class PrepareListForm(BootstrapFormMixin, forms.Form):
    """编制名单: the list, the region within the person's scope, the cut-off and the exit year."""

    kind = forms.ChoiceField(label=gettext_lazy("名单"), choices=ListKind.choices)
    region = forms.ModelChoiceField(label=gettext_lazy("行政区划"), queryset=None)
    cut_off = forms.DateField(
        label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    year = forms.IntegerField(
        label=gettext_lazy("退出年度"),
        required=False,
        min_value=2000,
        max_value=9999,
        help_text=gettext_lazy("只有年度落后产能退出企业名单填写。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Scope.of(user).regions().order_by("code")
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.name}"


class ListsMixin(LoginRequiredMixin):
    """Logged-in government users only; enterprise users get the 403 page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not works_on_lists(request.user):
            raise PermissionDenied(_("只有政府部门的工作人员可以办理名单公布。"))
        return super().dispatch(request, *args, **kwargs)

    def scoped_snapshot(self, pk):
        return get_object_or_404(
            snapshots_visible_to(self.request.user).select_related(*SNAPSHOT_RELATED), pk=pk
        )


class SnapshotListView(ListsMixin, View):
    """/disclosure/: the snapshots in scope, newest first, and the form to prepare one."""

    template_name = "disclosure/snapshot_list.html"

    def get(self, request):
        return self.render(PrepareListForm(user=request.user))

    def post(self, request):
        form = PrepareListForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            snapshot = services.prepare_list(
                data["kind"],
                region=data["region"],
                cut_off=data["cut_off"],
                year=data["year"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(form, status=400)
        messages.success(
            request,
            _("已编制%(list)s草稿，共 %(count)d 条。")
            % {"list": snapshot.get_kind_display(), "count": snapshot.entry_count},
        )
        return HttpResponseRedirect(snapshot_url(snapshot))

    def render(self, form, status=200):
        snapshots = (
            snapshots_visible_to(self.request.user)
            .select_related(*SNAPSHOT_RELATED)
            .order_by("-prepared_at", "-id")
        )
        context = {"snapshots": snapshots, "form": form}
        return render(self.request, self.template_name, context, status=status)


def snapshot_url(snapshot) -> str:
    return reverse("disclosure:snapshot-detail", args=[snapshot.pk])


class SnapshotDetailView(ListsMixin, View):
    """/disclosure/<pk>/: the entries, the delisting check and the review/publish buttons."""

    template_name = "disclosure/snapshot_detail.html"

    def get(self, request, pk):
        snapshot = self.scoped_snapshot(pk)
        if snapshot.is_published:
            removals = snapshot.delistings
        else:
            # A preview: the check as it would stand if the list were published today.
            removals = services.delistings(snapshot)
        context = {
            "snapshot": snapshot,
            "entries": snapshot.entries.all(),
            "delistings": removals,
            "late": sum(1 for r in removals if r["on_time"] is False),
            "may_review": snapshot.status == SnapshotStatus.DRAFT,
            "may_publish": snapshot.status == SnapshotStatus.REVIEWED,
        }
        return render(request, self.template_name, context)


class SnapshotActView(ListsMixin, View):
    """POST /disclosure/<pk>/review/ and /publish/: the act, then back to the snapshot."""

    acts = {"review": services.review_list, "publish": services.publish_list}

    def post(self, request, pk, act):
        snapshot = self.scoped_snapshot(pk)
        try:
            snapshot = self.acts[act](snapshot, by=request.user)
        except (ProcedureError, ValidationError) as error:
            messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
            return HttpResponseRedirect(snapshot_url(snapshot))
        if act == "review":
            messages.success(request, _("名单已审核，可以公布。"))
        else:
            messages.success(request, _("名单已公布：%(number)s。") % {"number": snapshot.number})
        return HttpResponseRedirect(snapshot_url(snapshot))


# — 数据错误报告 (data-error reports from the public record) —


class RespondForm(BootstrapFormMixin, forms.Form):
    response = forms.CharField(
        label=gettext_lazy("答复"),
        max_length=services.RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "答复将在公开的处理情况页面显示，请勿写入个人信息或未公开的案件情况。"
        ),
    )
    close = forms.BooleanField(label=gettext_lazy("答复并关闭"), required=False)


class DataErrorListView(ListsMixin, View):
    """/disclosure/data-errors/: the reports routed to the person's department (or, for leaders
    and auditors, to any department in their region), open ones first."""

    template_name = "disclosure/data_error_list.html"

    def get(self, request):
        status = request.GET.get("status", "")
        reports = data_errors_visible_to(request.user).select_related("department")
        if status in DataErrorStatus.values:
            reports = reports.filter(status=status)
        reports = reports.order_by("-created_at", "-id")[:500]
        context = {"reports": reports, "status": status, "statuses": DataErrorStatus.choices}
        return render(request, self.template_name, context)


class DataErrorDetailView(ListsMixin, View):
    """/disclosure/data-errors/<pk>/: the report; its department answers or closes it."""

    template_name = "disclosure/data_error_detail.html"

    def report(self, pk):
        return get_object_or_404(
            data_errors_visible_to(self.request.user).select_related("department", "responded_by"),
            pk=pk,
        )

    def get(self, request, pk):
        return self.render(self.report(pk), RespondForm())

    def post(self, request, pk):
        report = self.report(pk)
        if not services.handles_data_error(request.user, report):
            raise PermissionDenied(
                _("只有%(dept)s的人员可以答复这份报告。") % {"dept": report.department.name}
            )
        form = RespondForm(request.POST)
        if not form.is_valid():
            return self.render(report, form, status=400)
        try:
            services.respond_data_error(
                report,
                response=form.cleaned_data["response"],
                close=form.cleaned_data["close"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(report, form, status=400)
        except ProcedureError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已答复。"))
        return HttpResponseRedirect(reverse("disclosure:data-error-detail", args=[report.pk]))

    def render(self, report, form, status=200):
        handles = services.handles_data_error(self.request.user, report)
        context = {
            "report": report,
            "form": form,
            "handles": handles and report.status != DataErrorStatus.CLOSED,
            # The sender's address is personal data: only the department answering sees it.
            "email": decrypt(report.email) if handles else None,
        }
        return render(self.request, self.template_name, context, status=status)
