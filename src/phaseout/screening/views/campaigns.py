"""排查 pages: the list of campaigns, a campaign with its coverage, findings and gaps, the
forms that open or change one, the run button, the coverage workbook and the what-if."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from phaseout.core.errors import ProcedureError
from phaseout.core.forms import add_service_error
from phaseout.screening import coverage, scoping, services
from phaseout.screening.display import needed_text, rule_descriptions
from phaseout.screening.exports import XLSX_TYPE, campaign_gaps, write_coverage, write_what_if
from phaseout.screening.filters import CampaignFilterSet, FindingFilterSet
from phaseout.screening.forms import CampaignForm, WhatIfForm
from phaseout.screening.views.base import PartialListMixin, ScreeningFormView, require_screener
from phaseout.screening.whatif import local_drafts, parse_drafts, what_if
from phaseout.standards.models import LocalRuleStatus
from phaseout.standards.rulesets import local_rules_touching
from phaseout.standards.scoping import local_rules

PAGE = 50


def scoped_campaign(request, pk):
    """A campaign in the person's scope, or 404 — existence outside it is never revealed."""
    return get_object_or_404(scoping.campaigns(request.user).select_related("region"), pk=pk)


def run_summary(summary: dict) -> str:
    totals = coverage.totals(summary.get("coverage") or [])
    return _(
        "排查完成：适用规则%(rules)d条，不达标%(findings)d项；企业%(total)d家，已排查%(screened)d家，"
        "有不达标%(with_findings)d家，缺数据%(missing)d家。"
    ) % {
        "rules": summary.get("rules", 0),
        "findings": summary.get("findings", 0),
        "total": totals["total"],
        "screened": totals["screened"],
        "with_findings": totals["with_findings"],
        "missing": totals["missing_data"],
    }


class CampaignListView(PartialListMixin, FilterView):
    """排查: the campaigns of the person's regions, newest first."""

    filterset_class = CampaignFilterSet
    template_name = "screening/campaign_list.html"
    partial_template_name = "screening/_campaign_table.html"
    context_object_name = "campaigns"

    def get_queryset(self):
        return (
            scoping.campaigns(self.request.user)
            .select_related("region", "last_run_by")
            .order_by("-year", "-as_of", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = scoping.can_screen(self.request.user)
        return context


class CampaignDetailView(LoginRequiredMixin, DetailView):
    """A campaign: its parameters, coverage by region and industry, findings and data gaps."""

    template_name = "screening/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return scoping.campaigns(self.request.user).select_related(
            "region", "last_run_by", "created_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        user = self.request.user
        rows = (campaign.summary or {}).get("coverage") or []
        findings = FindingFilterSet(
            self.request.GET,
            queryset=scoping.findings(user)
            .filter(campaign=campaign)
            .select_related("enterprise", "line")
            .order_by("enterprise__name", "enterprise_id", "line__code", "rule_id"),
            request=self.request,
        )
        finding_page = Paginator(findings.qs, PAGE).get_page(self.request.GET.get("page"))
        gaps = (
            scoping.gaps(user)
            .filter(campaign=campaign)
            .select_related("enterprise", "line")
            .order_by("enterprise__name", "enterprise_id", "line__code", "rule_id")
        )
        gap_page = Paginator(gaps, PAGE).get_page(self.request.GET.get("gaps_page"))
        descriptions = rule_descriptions(gap.rule_id for gap in gap_page)
        for gap in gap_page:
            gap.rule_description = descriptions.get(gap.rule_id, "")
            gap.needed_text = needed_text(gap.needed)
        scope_ok = scoping.can_screen(user)
        context.update(
            industries=list(campaign.industries.order_by("code")),
            coverage_rows=rows,
            coverage_totals=coverage.totals(rows) if rows else None,
            findings_filter=findings,
            finding_page=finding_page,
            gap_page=gap_page,
            can_run=scope_ok and _may_screen(user, campaign),
            can_what_if=_may_what_if(user, campaign),
        )
        return context


def _may_screen(user, campaign) -> bool:
    try:
        services.require_screening(user, campaign.region)
    except PermissionDenied:
        return False
    return True


def _may_what_if(user, campaign) -> bool:
    try:
        services.require_what_if(user, campaign.region)
    except PermissionDenied:
        return False
    return True


class CampaignCreateView(ScreeningFormView):
    form_class = CampaignForm
    page_title = gettext_lazy("新建排查")
    success_message = gettext_lazy("已新建排查“%(object)s”。")

    def get_region(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        return services.create_campaign(by=self.request.user, **data)

    def get_success_url_for(self, saved):
        return reverse("screening:campaign-detail", args=[saved.pk])

    def get_cancel_url(self):
        return reverse("screening:campaign-list")


class CampaignUpdateView(ScreeningFormView):
    form_class = CampaignForm
    page_title = gettext_lazy("修改排查")
    success_message = gettext_lazy("已保存排查“%(object)s”。")

    def get_object(self):
        return scoped_campaign(self.request, self.kwargs["pk"])

    def get_region(self):
        return self.object.region

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        return services.update_campaign(self.object, by=self.request.user, **data)

    def get_success_url_for(self, saved):
        return reverse("screening:campaign-detail", args=[saved.pk])

    def get_cancel_url(self):
        return reverse("screening:campaign-detail", args=[self.object.pk])


class CampaignRunView(LoginRequiredMixin, View):
    """运行排查 (POST): the service judges the scope and writes findings, gaps and coverage."""

    http_method_names = ["post"]

    def post(self, request, pk):
        campaign = scoped_campaign(request, pk)
        require_screener(request.user)
        services.require_screening(request.user, campaign.region)
        try:
            summary = services.run_campaign(campaign, by=request.user)
        except (ValidationError, ProcedureError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, run_summary(summary))
        return HttpResponseRedirect(reverse("screening:campaign-detail", args=[campaign.pk]))


class CampaignCoverageExportView(LoginRequiredMixin, View):
    """覆盖情况和下一步需检查, as one XLSX workbook."""

    def get(self, request, pk):
        campaign = scoped_campaign(request, pk)
        target = tempfile.TemporaryFile()
        write_coverage(
            target,
            campaign,
            campaign_gaps(campaign).filter(pk__in=scoping.gaps(request.user).values("pk")),
        )
        target.seek(0)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return FileResponse(
            target,
            as_attachment=True,
            filename=_("排查覆盖情况_%(pk)s_%(date)s.xlsx") % {"pk": campaign.pk, "date": stamp},
            content_type=XLSX_TYPE,
        )


class WhatIfView(LoginRequiredMixin, View):
    """测算: a draft rule file or draft local rules against the campaign, nothing written."""

    template_name = "screening/whatif.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = scoped_campaign(request, kwargs["pk"])
        services.require_what_if(request.user, self.campaign.region)
        self.drafts = list(
            local_rules_touching(self.campaign.region, (LocalRuleStatus.DRAFT,)).filter(
                pk__in=_visible_local_rules(request.user)
            )
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.render(WhatIfForm(drafts=self.drafts))

    def post(self, request, pk):
        form = WhatIfForm(request.POST, request.FILES, drafts=self.drafts)
        report = None
        if form.is_valid():
            try:
                rules = []
                if form.cleaned_data["rule_file"]:
                    rules += parse_drafts(
                        form.cleaned_data["rule_file"],
                        name=request.FILES["rule_file"].name,
                    )
                rules += local_drafts(
                    self.campaign, [int(pk) for pk in form.cleaned_data["local_rules"]]
                )
                report = what_if(self.campaign, drafts=rules, by=request.user)
            except ValidationError as exc:
                _errors_on_form(form, exc)
        if report is not None and request.POST.get("format") == "xlsx":
            target = tempfile.TemporaryFile()
            write_what_if(target, report)
            target.seek(0)
            return FileResponse(
                target,
                as_attachment=True,
                filename=_("测算结果_%(pk)s.xlsx") % {"pk": self.campaign.pk},
                content_type=XLSX_TYPE,
            )
        return self.render(form, report)

    def render(self, form, report=None):
        return render(
            self.request,
            self.template_name,
            {"campaign": self.campaign, "form": form, "report": report},
        )


def _visible_local_rules(user):
    return local_rules(user).values("pk")


def _errors_on_form(form, error: ValidationError) -> None:
    """A draft's problems on the field they are about (the file or the chosen local rules)."""
    if not hasattr(error, "error_dict"):
        add_service_error(form, error)
        return
    for field, errors in error.error_dict.items():
        target = {"yaml": "rule_file"}.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


__all__ = [
    "CampaignCoverageExportView",
    "CampaignCreateView",
    "CampaignDetailView",
    "CampaignListView",
    "CampaignRunView",
    "CampaignUpdateView",
    "WhatIfView",
]
