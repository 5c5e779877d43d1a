"""A finding's page: what failed, explained step by step in plain Chinese."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView

from phaseout.enforcement.services import cases_visible_to, require_case_officer
from phaseout.screening import scoping
from phaseout.screening.explain import explain, metric_name, rule_of


class FindingDetailView(LoginRequiredMixin, DetailView):
    template_name = "screening/finding_detail.html"
    context_object_name = "finding"

    def get_queryset(self):
        return scoping.findings(self.request.user).select_related(
            "campaign__region", "enterprise__region", "line", "local_rule__region"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = self.object
        rule = rule_of(finding)
        measurements = list(
            scoping.measurements(self.request.user)
            .filter(pk__in=finding.measurement_ids or [])
            .select_related("line", "inspection")
            .order_by("date", "pk")
        )
        for measurement in measurements:
            measurement.metric_name = metric_name(measurement.metric)
        context.update(
            rule=rule,
            sentences=explain(finding, rule),
            measurements=measurements,
            unverified=finding.confidence == "U",
            cases=list(
                cases_visible_to(self.request.user).filter(findings=finding).order_by("-opened_at")
            ),
            can_open_case=_may_open_case(self.request.user, finding),
        )
        return context


def _may_open_case(user, finding) -> bool:
    """立案 is offered to the officers who handle the finding's dimension in its region."""
    try:
        require_case_officer(user, dimension=finding.dimension, region=finding.enterprise.region)
    except PermissionDenied:
        return False
    return True
