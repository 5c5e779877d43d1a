"""检测值 pages: the list, an inspection with its readings, and the import of a file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from phaseout.core.forms import add_service_error
from phaseout.registry.views.base import scoped_enterprise
from phaseout.screening import scoping, services
from phaseout.screening.explain import metric_name
from phaseout.screening.filters import MeasurementFilterSet
from phaseout.screening.forms import InspectionForm, MeasurementImportForm, ReadingFormSet
from phaseout.screening.importer import import_measurements
from phaseout.screening.views.base import PartialListMixin, require_screener
from phaseout.standards import units

PAGE_PROBLEMS = 1000


class MeasurementListView(PartialListMixin, FilterView):
    """检测值: the measurements of the enterprises in the person's scope, newest first."""

    filterset_class = MeasurementFilterSet
    template_name = "screening/measurement_list.html"
    partial_template_name = "screening/_measurement_table.html"
    context_object_name = "measurements"

    def get_queryset(self):
        return (
            scoping.measurements(self.request.user)
            .select_related("enterprise", "line", "inspection")
            .order_by("-date", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for measurement in context["measurements"]:
            measurement.metric_name = metric_name(measurement.metric)
            measurement.unit_label = units.label(measurement.unit)
        context["can_record"] = scoping.can_screen(self.request.user)
        return context


class InspectionCreateView(LoginRequiredMixin, View):
    """录入检测值: an inspection of one enterprise (or one of its lines) with its readings."""

    template_name = "screening/inspection_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprise = scoped_enterprise(request, kwargs["pk"])
        require_screener(request.user)
        services.require_screening(request.user, self.enterprise.region)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        form = InspectionForm(enterprise=self.enterprise)
        return self.render(form, ReadingFormSet(prefix="readings"))

    def post(self, request, pk):
        form = InspectionForm(request.POST, enterprise=self.enterprise)
        readings = ReadingFormSet(request.POST, prefix="readings")
        if form.is_valid() and readings.is_valid():
            data = form.cleaned_data
            try:
                inspection = services.record_inspection(
                    by=request.user,
                    enterprise=self.enterprise,
                    line=data["line"],
                    date=data["date"],
                    source=data["source"],
                    readings=readings.readings(),
                    document_number=data["document_number"],
                    inspectors=data["inspectors"],
                    conclusion=data["conclusion"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("已录入检查（%(date)s）及%(n)d项检测值。")
                    % {"date": inspection.date, "n": len(readings.readings())},
                )
                query = urlencode({"enterprise": self.enterprise.pk})
                return HttpResponseRedirect(f"{reverse('screening:measurement-list')}?{query}")
        return self.render(form, readings)

    def render(self, form, readings):
        return render(
            self.request,
            self.template_name,
            {"form": form, "readings": readings, "enterprise": self.enterprise},
        )


class MeasurementImportView(LoginRequiredMixin, View):
    """导入检测值: all or nothing; every problem listed with its file, row and column."""

    template_name = "screening/measurement_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_screener(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": MeasurementImportForm()})

    def post(self, request):
        form = MeasurementImportForm(request.POST, request.FILES)
        context = {"form": form}
        if form.is_valid():
            report = import_measurements(
                [form.cleaned_data["file"]],
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            context.update(
                report=report,
                errors=report.errors[:PAGE_PROBLEMS],
                hidden_errors=max(0, len(report.errors) - PAGE_PROBLEMS),
                warnings=report.warnings[:PAGE_PROBLEMS],
            )
        return render(request, self.template_name, context)
