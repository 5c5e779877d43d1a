"""企业台账 pages: the list, an enterprise's record, and the forms that register or change it."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView
from django_filters.views import FilterView

from phaseout.regions.scope import Scope
from phaseout.registry import services
from phaseout.registry.filters import EnterpriseFilterSet
from phaseout.registry.forms import EnterpriseForm
from phaseout.registry.models import Enterprise
from phaseout.registry.views.base import ServiceFormView, scoped_enterprise

HISTORY_LENGTH = 10
# Fields whose change is noise in a history: they change on every save.
HISTORY_EXCLUDED = ["created_at", "updated_at"]


class EnterpriseListView(LoginRequiredMixin, FilterView):
    """企业台账: the enterprises in the person's scope, searched and filtered, 50 a page.

    The filter form refreshes only the table with htmx (hx-get, hx-push-url); without
    JavaScript it is an ordinary GET form and the page renders whole.
    """

    filterset_class = EnterpriseFilterSet
    template_name = "registry/enterprise_list.html"
    partial_template_name = "registry/_enterprise_table.html"
    paginate_by = 50
    context_object_name = "enterprises"

    def get_queryset(self):
        return (
            Scope.of(self.request.user)
            .enterprises()
            .select_related("region", "industry")
            .annotate(line_count=Count("lines"))
            .order_by("name", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        # An out-of-range or malformed page number shows the nearest page instead of a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def is_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.history_restore_request

    def get_template_names(self):
        return [self.partial_template_name if self.is_partial() else self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = Scope.of(self.request.user)
        context["can_create"] = scope.keeps_registry
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The same URL answers with the table alone to htmx and with the page to everyone else.
        patch_vary_headers(response, ["HX-Request"])
        return response


class EnterpriseDetailView(LoginRequiredMixin, DetailView):
    """An enterprise's record: identity, lines, licenses and the recent changes."""

    template_name = "registry/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_queryset(self):
        return Scope.of(self.request.user).enterprises().select_related("region", "industry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        context.update(
            lines=enterprise.lines.order_by("code"),
            licenses=enterprise.licenses.order_by("kind", "number"),
            history=enterprise_history(enterprise),
            can_edit=Scope.of(self.request.user).can_edit_registry(enterprise.region),
        )
        return context


def enterprise_history(enterprise: Enterprise, length: int = HISTORY_LENGTH) -> list[dict]:
    """The latest changes, newest first, each with who, when and which fields changed."""
    records = list(
        enterprise.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : length + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:length]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=HISTORY_EXCLUDED)
            changed = [
                str(Enterprise._meta.get_field(name).verbose_name) for name in delta.changed_fields
            ]
        entries.append({"record": record, "changed": changed})
    return entries


class EnterpriseCreateView(ServiceFormView):
    form_class = EnterpriseForm
    page_title = gettext_lazy("新增企业")
    success_message = gettext_lazy("已登记企业“%(object)s”。")

    def get_region(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        return services.create_enterprise(by=self.request.user, **data)

    def get_success_url_for(self, saved):
        return reverse("registry:enterprise-detail", args=[saved.pk])

    def get_cancel_url(self):
        return reverse("registry:enterprise-list")


class EnterpriseUpdateView(ServiceFormView):
    form_class = EnterpriseForm
    page_title = gettext_lazy("修改企业信息")
    success_message = gettext_lazy("已保存企业“%(object)s”。")

    def get_object(self):
        return scoped_enterprise(self.request, self.kwargs["pk"])

    def get_region(self):
        return self.object.region

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        return services.update_enterprise(self.object, by=self.request.user, **data)

    def get_success_url_for(self, saved):
        return reverse("registry:enterprise-detail", args=[saved.pk])

    def get_cancel_url(self):
        return reverse("registry:enterprise-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtitle"] = _("%(name)s（%(code)s）") % {
            "name": self.object.name,
            "code": self.object.credit_code,
        }
        return context
