"""Ledger (台账) pages: upload an import, download an export. Thin: the work is in the service."""

from __future__ import annotations

import tempfile

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from phaseout.regions.scope import Scope
from phaseout.registry.ledger.columns import ENTERPRISES, LINES
from phaseout.registry.ledger.exporter import csv_stream, ledger_querysets, write_xlsx
from phaseout.registry.ledger.forms import LedgerImportForm
from phaseout.registry.ledger.importer import import_ledger

# A page lists this many problems; the count says how many there are in all.
PAGE_PROBLEMS = 1000


class LedgerImportView(LoginRequiredMixin, View):
    """导入台账: only people who keep the registry (Scope.keeps_registry)."""

    template_name = "registry/ledger/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not Scope.of(request.user).keeps_registry:
            raise PermissionDenied(_("您的角色或部门不能修改企业台账。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": LedgerImportForm()})

    def post(self, request):
        form = LedgerImportForm(request.POST, request.FILES)
        context = {"form": form}
        if form.is_valid():
            report = import_ledger(
                form.files_to_import(), by=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            context.update(
                report=report,
                errors=report.errors[:PAGE_PROBLEMS],
                hidden_errors=max(0, len(report.errors) - PAGE_PROBLEMS),
                warnings=report.warnings[:PAGE_PROBLEMS],
            )
        return render(request, self.template_name, context)


class LedgerExportView(LoginRequiredMixin, View):
    """导出台账: ?format=xlsx | csv-enterprises | csv-lines [&region=CODE], in the person's scope."""

    def get(self, request):
        if Scope.of(request.user).sees_nothing:
            raise PermissionDenied
        kind = request.GET.get("format", "xlsx")
        if kind not in ("xlsx", "csv-enterprises", "csv-lines"):
            return HttpResponseBadRequest(_("未知的导出格式。"))
        try:
            enterprises, lines = ledger_querysets(
                request.user, region_code=request.GET.get("region") or None
            )
        except ValidationError as exc:
            return HttpResponseBadRequest("；".join(exc.messages))
        stamp = timezone.localdate().strftime("%Y%m%d")
        if kind == "xlsx":
            # write_only streams rows into a temporary file, not into memory.
            target = tempfile.TemporaryFile()
            write_xlsx(target, enterprises, lines)
            target.seek(0)
            return FileResponse(
                target,
                as_attachment=True,
                filename=_("企业台账_%(date)s.xlsx") % {"date": stamp},
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if kind == "csv-enterprises":
            stream, name = csv_stream(ENTERPRISES, enterprises), _("企业台账_企业_%(date)s.csv")
        else:
            stream, name = csv_stream(LINES, lines), _("企业台账_生产线_%(date)s.csv")
        response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name % {"date": stamp})
        return response
