"""Downloads of the case file: documents (PDF) and evidence, to the people who may see the case."""

from __future__ import annotations

import logging
import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from phaseout.enforcement.views.base import scoped_case

log = logging.getLogger(__name__)
# Control characters, path separators and quotes never reach a Content-Disposition header.
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\"]+')


def safe_filename(name: str, default: str = "file") -> str:
    name = UNSAFE.sub("_", name or "").strip(" ._")
    return name[:150] or default


def send_file(field_file, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except OSError:
        # A file the case file lists but the storage lost: chain.verify names it on the case page.
        log.error("case file %s is missing from storage", field_file.name)
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(filename),
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, document):
        case = scoped_case(request, pk)
        row = get_object_or_404(case.documents.all(), pk=document)
        return send_file(row.file, filename=f"{row.number}.pdf", content_type="application/pdf")


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, evidence):
        case = scoped_case(request, pk)
        row = get_object_or_404(case.evidence.all(), pk=evidence)
        return send_file(row.file, filename=row.name, content_type=row.content_type)


class ArchiveDownloadView(LoginRequiredMixin, View):
    """The whole case file as one ZIP: documents, evidence, events.json, chain.json, README."""

    def get(self, request, pk):
        from phaseout.enforcement.archive import export_case

        case = scoped_case(request, pk)
        response = HttpResponse(export_case(case), content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{safe_filename(case.number)}-case-file.zip"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
