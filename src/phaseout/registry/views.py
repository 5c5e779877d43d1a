from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class EnterpriseListView(LoginRequiredMixin, TemplateView):
    """Placeholder: replaced by the real list page."""

    template_name = "base.html"
