"""What every registry form page shares: scoped lookup, permission first, the service writes."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from phaseout.core.forms import add_service_error
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope


class ServiceFormView(LoginRequiredMixin, FormView):
    """A create or edit page whose form is saved by a registry service, never by form.save().

    Subclasses say which object the page is about (`get_object`, looked up through the person's
    scope, so a record outside it is a 404), the region whose registry is changed
    (`get_region`: the permission is checked before the form is shown) and `perform`, which
    calls the service with the form's cleaned data.
    """

    template_name = "registry/object_form.html"
    page_title = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = Scope.of(request.user)
        self.object = self.get_object()
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return None

    def get_region(self) -> Region | None:
        raise NotImplementedError

    def check_permission(self) -> None:
        if not self.scope.keeps_registry:
            raise PermissionDenied(_("您的角色或部门不能修改企业台账。"))
        region = self.get_region()
        if region is not None:
            self.scope.require_registry_edit(region)

    def get_instance(self):
        """The instance the form validates against: a copy, so that a form that fails leaves the
        object the service receives untouched (a ModelForm writes into its instance)."""
        return copy.copy(self.object) if self.object is not None else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    def form_valid(self, form):
        try:
            saved = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": saved})
        return HttpResponseRedirect(self.get_success_url_for(saved))

    def perform(self, data: dict):
        raise NotImplementedError

    def get_success_url_for(self, saved) -> str:
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=self.page_title, object=self.object, cancel_url=self.get_cancel_url()
        )
        return context


def scoped_enterprise(request, pk):
    """An enterprise in the person's scope, or 404 — existence outside it is never revealed."""
    return get_object_or_404(
        Scope.of(request.user).enterprises().select_related("region", "industry"), pk=pk
    )
