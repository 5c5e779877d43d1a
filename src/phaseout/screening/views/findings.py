"""A finding's page: what failed, explained step by step in plain Chinese."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView

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
        )
        return context
