"""标准目录 pages: the national catalogue (read-only) and the local rules of a jurisdiction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from phaseout.core.errors import ProcedureError
from phaseout.regions.scope import Scope
from phaseout.registry.views.base import ServiceFormView
from phaseout.screening.choices import Dimension
from phaseout.standards import services
from phaseout.standards.catalog import CONFIDENCE, DIMENSIONS, KINDS, national
from phaseout.standards.forms import LocalRuleForm, StatusForm, definition_text
from phaseout.standards.models import LocalRuleStatus
from phaseout.standards.presentation import kind_label, rule_card
from phaseout.standards.scoping import local_rules


class CatalogueView(LoginRequiredMixin, View):
    """国家标准目录: every national rule, filtered by dimension, kind and confidence."""

    template_name = "standards/catalogue.html"

    def get(self, request):
        filters = {
            "dimension": _choice(request.GET.get("dimension"), DIMENSIONS),
            "kind": _choice(request.GET.get("kind"), KINDS),
            "confidence": _choice(request.GET.get("confidence"), CONFIDENCE),
        }
        rules = [
            rule
            for rule in sorted(national().rules.values(), key=lambda r: (r.dimension, r.id))
            if all(not value or getattr(rule, name) == value for name, value in filters.items())
        ]
        return render(
            request,
            self.template_name,
            {
                "rules": [rule_card(rule) for rule in rules],
                "filters": filters,
                "dimensions": [(d, Dimension(d).label) for d in DIMENSIONS],
                "kinds": [(k, kind_label(k)) for k in KINDS],
                "confidences": CONFIDENCE,
                "can_keep": services.can_keep_local_rules(request.user),
            },
        )


def _choice(value, allowed) -> str:
    # A value that is not one of the choices shows everything rather than failing the page.
    return value if value in allowed else ""


class LocalRuleListView(LoginRequiredMixin, ListView):
    template_name = "standards/localrule_list.html"
    context_object_name = "local_rules"
    paginate_by = 50

    def get_queryset(self):
        qs = (
            local_rules(self.request.user)
            .select_related("region")
            .order_by("region__code", "rule_id")
        )
        status = self.request.GET.get("status")
        if status in LocalRuleStatus.values:
            qs = qs.filter(status=status)
        return qs

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_create=services.can_keep_local_rules(self.request.user),
            statuses=LocalRuleStatus.choices,
            status=self.request.GET.get("status", ""),
        )
        return context


def scoped_local_rule(request, pk):
    return get_object_or_404(local_rules(request.user).select_related("region"), pk=pk)


class LocalRuleDetailView(LoginRequiredMixin, DetailView):
    template_name = "standards/localrule_detail.html"
    context_object_name = "local_rule"

    def get_queryset(self):
        return local_rules(self.request.user).select_related("region", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        local = self.object
        can_edit = services.can_keep_local_rules(self.request.user, local.region)
        context.update(
            definition=definition_text(local.definition),
            can_edit=can_edit,
            transitions=[
                (value, LocalRuleStatus(value).label)
                for value in services.TRANSITIONS[LocalRuleStatus(local.status)]
            ]
            if can_edit
            else [],
            history=local.history.select_related("history_user").order_by("-history_date")[:20],
            replaced=national().get(local.supersedes) if local.supersedes else None,
        )
        return context


class LocalRuleFormMixin:
    form_class = LocalRuleForm
    template_name = "standards/form.html"

    def check_permission(self) -> None:
        if not Scope.of(self.request.user).keeps_registry:
            raise PermissionDenied(_("您的角色或部门不能制定或修改地方规则。"))
        region = self.get_region()
        if region is not None:
            services.require_local_rules(self.request.user, region)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url_for(self, saved):
        return reverse("standards:localrule-detail", args=[saved.pk])


class LocalRuleCreateView(LocalRuleFormMixin, ServiceFormView):
    page_title = gettext_lazy("制定地方规则")
    success_message = gettext_lazy("已保存地方规则“%(object)s”（草稿）。")

    def get_region(self):
        return None

    def perform(self, data):
        return services.create_local_rule(by=self.request.user, **data)

    def get_cancel_url(self):
        return reverse("standards:localrule-list")


class LocalRuleUpdateView(LocalRuleFormMixin, ServiceFormView):
    page_title = gettext_lazy("修改地方规则")
    success_message = gettext_lazy("已保存地方规则“%(object)s”。")

    def get_object(self):
        return scoped_local_rule(self.request, self.kwargs["pk"])

    def get_region(self):
        return self.object.region

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProcedureError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)

    def perform(self, data):
        return services.update_local_rule(self.object, by=self.request.user, **data)

    def get_cancel_url(self):
        return reverse("standards:localrule-detail", args=[self.object.pk])


class LocalRuleStatusView(LoginRequiredMixin, View):
    """生效 / 撤销 / 恢复为草稿 (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        local = scoped_local_rule(request, pk)
        services.require_local_rules(request.user, local.region)
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("未知的状态。"))
        else:
            try:
                services.set_local_rule_status(
                    local, by=request.user, status=form.cleaned_data["status"]
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            except ProcedureError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("地方规则“%(rule)s”已改为“%(status)s”。")
                    % {"rule": local.rule_id, "status": local.get_status_display()},
                )
        return HttpResponseRedirect(reverse("standards:localrule-detail", args=[local.pk]))
