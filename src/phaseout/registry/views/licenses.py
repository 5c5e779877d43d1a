"""证照 forms: register a license of an enterprise, change it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from phaseout.regions.scope import Scope
from phaseout.registry import services
from phaseout.registry.forms import LicenseForm
from phaseout.registry.models import License
from phaseout.registry.views.base import ServiceFormView, scoped_enterprise


class LicenseFormMixin:
    form_class = LicenseForm

    def get_success_url_for(self, saved):
        return reverse("registry:enterprise-detail", args=[self.enterprise.pk])

    def get_cancel_url(self):
        return reverse("registry:enterprise-detail", args=[self.enterprise.pk])

    def get_region(self):
        return self.enterprise.region

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(enterprise=self.enterprise, subtitle=str(self.enterprise))
        return context


class LicenseCreateView(LicenseFormMixin, ServiceFormView):
    page_title = gettext_lazy("新增证照")
    success_message = gettext_lazy("已登记证照“%(object)s”。")

    def get_object(self):
        self.enterprise = scoped_enterprise(self.request, self.kwargs["pk"])
        return None

    def get_instance(self):
        return License(enterprise=self.enterprise)

    def perform(self, data):
        return services.create_license(self.enterprise, by=self.request.user, **data)


class LicenseUpdateView(LicenseFormMixin, ServiceFormView):
    page_title = gettext_lazy("修改证照")
    success_message = gettext_lazy("已保存证照“%(object)s”。")

    def get_object(self):
        license_ = get_object_or_404(
            Scope.of(self.request.user).licenses().select_related("enterprise__region"),
            pk=self.kwargs["pk"],
        )
        self.enterprise = license_.enterprise
        return license_

    def perform(self, data):
        return services.update_license(self.object, by=self.request.user, **data)
