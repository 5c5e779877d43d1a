"""程序参数: the national parameters of each dimension's procedure and the jurisdictions' own.

Everyone reads the national table (procedures.yaml, each with the text that sets it and its
confidence; U is shown as 未核实) and the overrides in force for their region or set below it.
A system administrator sets one for a region in their scope through
``services.set_procedure_override``, which refuses a value more lenient than the national text.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaseout.core.forms import BootstrapFormMixin, add_service_error
from phaseout.enforcement import procedures, services
from phaseout.enforcement.api import overrides_visible_to
from phaseout.enforcement.choices import OrderKind
from phaseout.regions.choices import DepartmentKind, Role
from phaseout.regions.scope import Scope
from phaseout.screening.choices import Dimension

PARAMETERS = {
    "rectify_months": gettext_lazy("整改期限（月）"),
    "max_rectify_months": gettext_lazy("最长整改期限（月）"),
    "extension_max_months": gettext_lazy("延期上限（月）"),
    "approval": gettext_lazy("关停退出须报请政府批准"),
    "dismantle_months": gettext_lazy("限时拆除期限（月）"),
    "follow_up_months": gettext_lazy("回头看（退出后第几个月）"),
}
CONFIDENCE = {
    "S": gettext_lazy("文件原文"),
    "P": gettext_lazy("征求意见稿或二手来源"),
    "U": gettext_lazy("未核实"),
}
TRUE_WORDS = {"true", "yes", "1", "是", "需要", "须"}
FALSE_WORDS = {"false", "no", "0", "否", "不需要", "无须"}
NONE_WORDS = {"", "null", "none", "无", "无期限"}


def may_set_procedures(user) -> bool:
    scope = Scope.of(user)
    return scope.everything or scope.role == Role.ADMINISTRATOR


def show_value(parameter: str, value) -> str:
    """A parameter's value as a person reads it."""
    if value is None:
        return _("无期限") if parameter == "rectify_months" else "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if parameter == "extension_max_months" and value == 0:
        return _("不得延期")
    return str(value)


def parse_value(parameter: str, text: str):
    """The value typed in the form, as the parameter takes it: a whole number of months, yes or
    no, or a list of months. Raises ValidationError saying what was expected."""
    text = (text or "").strip()
    if parameter == "approval":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("应填“是”或“否”。"))
    if parameter == "follow_up_months":
        parts = [p for p in re.split(r"[\s,，、;；\[\]]+", text) if p]
        if not parts or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValidationError(_("应为月数的列表，用逗号分隔，如“6, 12”。"))
        return [int(p) for p in parts]
    if parameter == "rectify_months" and text.lower() in NONE_WORDS:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise ValidationError(_("应为整数月数，如 6。"))
    return int(text)


class ProcedureOverrideForm(BootstrapFormMixin, forms.Form):
    """设定程序参数（地方）."""

    region = forms.ModelChoiceField(label=gettext_lazy("行政区划"), queryset=None)
    dimension = forms.ChoiceField(label=gettext_lazy("维度"), choices=Dimension.choices)
    parameter = forms.ChoiceField(
        label=gettext_lazy("参数"), choices=[(k, v) for k, v in PARAMETERS.items()]
    )
    value = forms.CharField(
        label=gettext_lazy("取值"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "月数填整数（如 6）；是否报请批准填“是”或“否”；回头看填月数列表（如“6, 12”）；"
            "整改期限可填“无”（不设期限）。"
        ),
    )
    reference = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=300,
        help_text=gettext_lazy("设定该参数的文件：文号、标题和条款。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Scope.of(user).regions().order_by("code")
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.name}"

    def clean(self):
        data = super().clean()
        parameter = data.get("parameter")
        if parameter and "value" in data:
            try:
                data["value"] = parse_value(parameter, data["value"])
            except ValidationError as error:
                self.add_error("value", error)
        return data


def national_value(dimension: str, parameter: str):
    """The national value of a parameter: the dimension's, or for the follow-up re-inspections
    the one schedule of 产能退出 (EXIT)."""
    national = procedures.national()
    if parameter == "follow_up_months":
        return national[dimension].get(parameter, national["EXIT"][parameter])
    return national[dimension].get(parameter)


def national_rows() -> list[dict]:
    """One row per dimension: the national parameters as procedures.yaml sets them, those no
    text sets (tagged U) marked 未核实. The follow-up schedule is shown with 产能退出."""
    rows = []
    for dimension in Dimension:
        values = procedures.national()[dimension.value]
        parameters = [
            {
                "label": label,
                "value": show_value(name, values[name]),
                "unverified": values.get(f"{name}_confidence") == "U",
            }
            for name, label in PARAMETERS.items()
            if name in values
        ]
        rows.append(
            {
                "dimension": dimension,
                "responsible": [DepartmentKind(k).label for k in values.get("responsible", [])],
                "orders": [OrderKind(k).label for k in values.get("orders", [values["order"]])],
                "parameters": parameters,
                "only_if_serious": bool(values.get("approval_only_if_serious")),
                "reference": values["reference"],
                "confidence": values.get("confidence", "U"),
                "confidence_label": CONFIDENCE.get(values.get("confidence", "U"), ""),
            }
        )
    return rows


def exit_row() -> dict:
    """产能退出: the follow-up re-inspections after the exit, and the text on what exit means."""
    values = procedures.exit_params()
    return {
        "follow_up": show_value("follow_up_months", values["follow_up_months"]),
        "follow_up_unverified": values.get("follow_up_confidence") == "U",
        "reference": values["reference"],
        "confidence": values.get("confidence", "U"),
        "confidence_label": CONFIDENCE.get(values.get("confidence", "U"), ""),
    }


class ProceduresView(LoginRequiredMixin, View):
    """/enforcement/procedures/: the national table, the overrides, and the form to set one."""

    template_name = "enforcement/procedures.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.may_set = may_set_procedures(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = ProcedureOverrideForm(user=request.user) if self.may_set else None
        return self.render(form)

    def post(self, request):
        if not self.may_set:
            raise PermissionDenied(_("只有本辖区的系统管理员可以设定程序参数。"))
        form = ProcedureOverrideForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            override = services.set_procedure_override(
                by=request.user,
                region=data["region"],
                dimension=data["dimension"],
                parameter=data["parameter"],
                value=data["value"],
                reference=data["reference"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(form, status=400)
        messages.success(
            request,
            _("已设定 %(region)s %(dimension)s“%(parameter)s”为 %(value)s。")
            % {
                "region": override.region.name,
                "dimension": override.get_dimension_display(),
                "parameter": PARAMETERS[override.parameter],
                "value": show_value(override.parameter, override.value),
            },
        )
        return HttpResponseRedirect(reverse("enforcement:procedures"))

    def render(self, form, status=200):
        overrides = (
            overrides_visible_to(self.request.user)
            .select_related("region", "created_by")
            .order_by("region__code", "dimension", "parameter")
        )
        rows = [
            {
                "override": override,
                "parameter": PARAMETERS.get(override.parameter, override.parameter),
                "value": show_value(override.parameter, override.value),
                "national": show_value(
                    override.parameter, national_value(override.dimension, override.parameter)
                ),
            }
            for override in overrides
        ]
        context = {
            "national": national_rows(),
            "exit": exit_row(),
            "overrides": rows,
            "form": form,
            "region": Scope.of(self.request.user).region,
        }
        return render(self.request, self.template_name, context, status=status)
