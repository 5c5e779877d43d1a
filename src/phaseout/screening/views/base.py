"""What every screening page shares: scoped lookups, the permission first, services write."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from phaseout.registry.views.base import ServiceFormView
from phaseout.screening import services
from phaseout.screening.scoping import can_screen


def require_screener(user) -> None:
    """Refuse early anyone who may not screen anywhere (the service checks each region)."""
    if not can_screen(user):
        raise PermissionDenied(_("您的角色或部门不能开展排查或录入检测数据。"))


class ScreeningFormView(ServiceFormView):
    """A create or edit page saved by a screening service: the registry's ServiceFormView with
    the screening permission (services.require_screening) instead of the registry's."""

    template_name = "screening/form.html"

    def check_permission(self) -> None:
        require_screener(self.request.user)
        region = self.get_region()
        if region is not None:
            services.require_screening(self.request.user, region)


class PartialListMixin(LoginRequiredMixin):
    """A paginated list that answers htmx with its table partial only (as the registry does)."""

    paginate_by = 50
    partial_template_name = ""

    def paginate_queryset(self, queryset, page_size):
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
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context["query_without_page"] = query.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response
