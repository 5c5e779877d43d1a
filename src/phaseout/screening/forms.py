"""Screening forms: they validate and render; the views hand cleaned_data to screening/services."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.registry.forms import DateInput
from phaseout.registry.models import Enterprise, Industry, ProductionLine
from phaseout.screening import services
from phaseout.screening.models import Inspection, ScreeningCampaign
from phaseout.screening.scoping import screening_regions
from phaseout.standards import units
from phaseout.standards.catalog import metrics

# Empty reading rows offered on the inspection page (no JavaScript needed to add one).
READING_ROWS = 6


def metric_choices() -> list[tuple[str, str]]:
    """(code, "中文名称（单位）") for every metric of the catalogue, in the catalogue's order."""
    return [(code, f"{spec.name}（{units.label(spec.unit)}）") for code, spec in metrics().items()]


class InspectionForm(BootstrapFormMixin, forms.ModelForm):
    """录入检查: the visit or sampling; its readings come from ReadingFormSet."""

    class Meta:
        model = Inspection
        fields = ["line", "date", "source", "document_number", "inspectors", "conclusion"]
        widgets = {"date": DateInput(), "conclusion": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["line"].queryset = ProductionLine.objects.filter(
            enterprise=enterprise
        ).order_by("code")
        self.fields["line"].empty_label = gettext("（企业整体）")
        self.fields["line"].help_text = _(
            "检测值属于哪条生产线；企业层面的结论（如质量抽查）不选。"
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day > timezone.localdate():
            raise ValidationError(_("检查日期不能晚于今天。"))
        return day


class ReadingForm(BootstrapFormMixin, forms.Form):
    """One reading of an inspection: metric, value and (optionally) the unit it was written in."""

    metric = forms.ChoiceField(label=_("指标"), required=False)
    value = forms.CharField(label=_("数值"), required=False, max_length=40)
    unit = forms.CharField(
        label=_("单位"),
        required=False,
        max_length=20,
        help_text=_("留空则为该指标的单位；可写 tce/t、千克标准煤/吨、mg/m³ 等，自动换算。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—")] + metric_choices()

    def clean(self):
        cleaned = super().clean()
        metric, value = cleaned.get("metric"), (cleaned.get("value") or "").strip()
        if not metric and not value:
            return cleaned  # an unused row
        if not metric:
            self.add_error("metric", _("请选择指标。"))
            return cleaned
        if not value:
            self.add_error("value", _("请填写数值。"))
            return cleaned
        try:
            services.standard_value(metric, value, cleaned.get("unit") or "")
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned

    @property
    def reading(self) -> dict | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("metric"):
            return None
        return {"metric": data["metric"], "value": data["value"], "unit": data.get("unit") or ""}


class BaseReadingFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.readings():
            raise ValidationError(_("请至少填写一项检测值。"))

    def readings(self) -> list[dict]:
        return [form.reading for form in self.forms if form.reading]


ReadingFormSet = forms.formset_factory(
    ReadingForm, formset=BaseReadingFormSet, extra=READING_ROWS, max_num=50, validate_max=True
)


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    """新建/修改排查. The region choice is limited to the regions the person may screen."""

    industries = forms.ModelMultipleChoiceField(
        label=_("行业"),
        queryset=Industry.objects.none(),
        required=False,
        help_text=_("不选则为全部重点行业。按住 Ctrl 可多选。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = ScreeningCampaign
        fields = ["name", "region", "industries", "year", "as_of", "measured_from", "measured_to"]
        widgets = {
            "as_of": DateInput(),
            "measured_from": DateInput(),
            "measured_to": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = screening_regions(user)
        self.fields["industries"].queryset = Industry.objects.filter(is_key=True).order_by("code")
        self.fields["measured_from"].required = False
        self.fields["measured_to"].required = False
        self.fields["measured_from"].help_text = _("留空则为年度的1月1日。")
        self.fields["measured_to"].help_text = _("留空则为判定基准日。")
        self.fields["as_of"].help_text = _("按这一天有效的标准判定。")
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("as_of", today)


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("检测值文件"),
        help_text=_("XLSX工作簿或CSV文件，格式见“检测值导入格式”说明。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅校验（不写入）"),
        required=False,
        help_text=_("只检查文件并列出问题，不记录检测值。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise ValidationError(
                gettext("“%(name)s”不是.xlsx或.csv文件。") % {"name": upload.name}
            )
        if upload.size > settings.LEDGER_MAX_BYTES:
            raise ValidationError(
                gettext("文件大小为%(size)s，超过上限%(limit)s。")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.LEDGER_MAX_BYTES),
                }
            )
        return upload


class WhatIfForm(BootstrapFormMixin, forms.Form):
    """测算: a draft family file, or draft local rules of the region, or both."""

    rule_file = forms.FileField(
        label=_("规则草案文件（YAML）"),
        required=False,
        help_text=_("与标准目录文件相同的写法（family、dimension、rules …），UTF-8编码。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )
    local_rules = forms.MultipleChoiceField(
        label=_("地方规则草稿"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本区域及上级区域状态为“草稿”的地方规则。"),
    )

    MAX_BYTES = 1024 * 1024

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_rules"].choices = [
            (str(local.pk), f"{local.rule_id} — {local.description}") for local in drafts
        ]
        # BootstrapFormMixin gives a checkbox list "form-control"; each box is styled in the
        # template instead.
        self.fields["local_rules"].widget.attrs.pop("class", None)

    def clean_rule_file(self):
        upload = self.cleaned_data.get("rule_file")
        if not upload:
            return ""
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("规则文件不应超过1 MB。"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("规则文件应为 UTF-8 编码。")) from None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("rule_file") and not cleaned.get("local_rules"):
            raise ValidationError(_("请上传规则草案文件，或选择地方规则草稿。"))
        return cleaned
