"""生产线（主体设备）forms: register a line of an enterprise, change it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from phaseout.regions.scope import Scope
from phaseout.registry import services
from phaseout.registry.forms import ProductionLineForm, unit_table
from phaseout.registry.models import ProductionLine
from phaseout.registry.views.base import ServiceFormView, scoped_enterprise


class LineFormMixin:
    form_class = ProductionLineForm

    def get_success_url_for(self, saved):
        return reverse("registry:enterprise-detail", args=[self.enterprise.pk])

    def get_cancel_url(self):
        return reverse("registry:enterprise-detail", args=[self.enterprise.pk])

    def get_region(self):
        return self.enterprise.region

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            enterprise=self.enterprise, subtitle=str(self.enterprise), units=unit_table()
        )
        return context


class LineCreateView(LineFormMixin, ServiceFormView):
    page_title = gettext_lazy("新增生产线")
    success_message = gettext_lazy("已登记生产线“%(object)s”。")

    def get_object(self):
        self.enterprise = scoped_enterprise(self.request, self.kwargs["pk"])
        return None

    def get_instance(self):
        return ProductionLine(enterprise=self.enterprise)

    def perform(self, data):
        return services.create_line(self.enterprise, by=self.request.user, **data)


class LineUpdateView(LineFormMixin, ServiceFormView):
    page_title = gettext_lazy("修改生产线")
    success_message = gettext_lazy("已保存生产线“%(object)s”。")

    def get_object(self):
        line = get_object_or_404(
            Scope.of(self.request.user).lines().select_related("enterprise__region"),
            pk=self.kwargs["pk"],
        )
        self.enterprise = line.enterprise
        return line

    def perform(self, data):
        return services.update_line(self.object, by=self.request.user, **data)
