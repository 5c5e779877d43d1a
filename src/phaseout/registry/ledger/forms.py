"""The upload form of the ledger import page: cheap checks before the importer reads a byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EXTENSIONS = (".xlsx", ".csv")


class LedgerImportForm(forms.Form):
    ledger = forms.FileField(
        label=_("台账文件"),
        help_text=_("XLSX工作簿（含“企业”“生产线”两张表），或企业表CSV、生产线表CSV之一。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    second = forms.FileField(
        label=_("第二个文件（可选）"),
        required=False,
        help_text=_("分成两个CSV文件时，在这里选另一个（企业表或生产线表，顺序不限）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅校验（不写入）"),
        required=False,
        help_text=_("只检查文件并列出问题，不修改台账。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_ledger(self):
        return self._check(self.cleaned_data["ledger"])

    def clean_second(self):
        upload = self.cleaned_data.get("second")
        return self._check(upload) if upload else None

    def _check(self, upload):
        extension = Path(upload.name).suffix.lower()
        if extension not in EXTENSIONS:
            raise forms.ValidationError(
                gettext("“%(name)s”不是.xlsx或.csv文件。") % {"name": upload.name}
            )
        if upload.size > settings.LEDGER_MAX_BYTES:
            raise forms.ValidationError(
                gettext("文件大小为%(size)s，超过上限%(limit)s。")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.LEDGER_MAX_BYTES),
                }
            )
        if extension == ".xlsx":
            ok = zipfile.is_zipfile(upload)
            upload.seek(0)
            if not ok:
                raise forms.ValidationError(
                    gettext("“%(name)s”不是有效的XLSX工作簿（文件已损坏或只是改了扩展名）。")
                    % {"name": upload.name}
                )
        return upload

    def files_to_import(self) -> list:
        return [f for f in (self.cleaned_data["ledger"], self.cleaned_data.get("second")) if f]
