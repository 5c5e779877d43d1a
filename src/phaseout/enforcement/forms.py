"""Enforcement forms: they parse and render; the views hand cleaned_data to enforcement/services.

One small form per act (the names of ``services.available_actions``). Every act's form carries
the case ``version`` the person saw as a hidden field, so that when two officers act at once the
second is told the case changed (``CaseChanged``) and gets their form back as they filled it.
Ranges the law sets (six months, at most three months' extension …) are checked by the services,
whose messages cite the text; the forms only check types and what is required.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.enforcement.choices import EvidenceKind, ExitKind, MeasureKind, OrderKind
from phaseout.regions.models import Region, parent_code
from phaseout.regions.scope import Scope
from phaseout.registry.creditcode import normalize
from phaseout.registry.forms import DateInput
from phaseout.registry.models import License, ProductionLine
from phaseout.screening.choices import Dimension


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _bool(value) -> bool:
    return value in (True, "1", "True", "true", "on")


class OpenCaseForm(BootstrapFormMixin, forms.Form):
    """立案: the enterprise by its credit code, a line by its code, the dimension and the facts."""

    credit_code = forms.CharField(
        label=_("企业统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
    )
    line_code = forms.CharField(
        label=_("生产线编号"),
        max_length=50,
        required=False,
        help_text=_("针对某条生产线时填写；针对整个企业的留空。"),
    )
    dimension = forms.ChoiceField(label=_("维度"), choices=Dimension.choices)
    facts = forms.CharField(
        label=_("不达标事实"),
        widget=_textarea(4),
        required=False,
        help_text=_("每行一项。由排查发现立案的，留空则按发现自动填写。"),
    )
    finding = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = Scope.of(user)

    def clean(self):
        cleaned = super().clean()
        code = normalize(cleaned.get("credit_code") or "")
        if not code:
            return cleaned
        enterprise = (
            self.scope.enterprises().select_related("region").filter(credit_code=code).first()
        )
        if enterprise is None:
            self.add_error(
                "credit_code",
                gettext("您的管辖范围内没有统一社会信用代码为 %(code)s 的企业。") % {"code": code},
            )
            return cleaned
        cleaned["enterprise"] = enterprise
        line_code = (cleaned.get("line_code") or "").strip()
        cleaned["line"] = None
        if line_code:
            line = ProductionLine.objects.filter(enterprise=enterprise, code=line_code).first()
            if line is None:
                self.add_error(
                    "line_code",
                    gettext("%(enterprise)s 没有编号为 %(code)s 的生产线。")
                    % {"enterprise": enterprise.name, "code": line_code},
                )
            cleaned["line"] = line
        return cleaned


class ActionForm(BootstrapFormMixin, forms.Form):
    """The form of one act on one case: the version the person saw, and the act's own fields."""

    action = ""
    title = ""
    multipart = False
    # Acts that end or close the case get a red button.
    grave = False
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, case, params, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.case = case
        self.params = params
        self.initial.setdefault("version", case.version)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.initial = field.initial or timezone.localdate
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"

    def arguments(self) -> dict:
        """The keyword arguments of the service, from the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def _date(label, required=True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _months(label, help_text="", required=False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 1, "max": 24}),
    )


def _yes_no(label, yes, no) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("1", yes), ("0", no)],
        coerce=_bool,
        widget=forms.RadioSelect,
    )


class ServeOrderForm(ActionForm):
    title = _("下达整改决定")
    action = "serve_order"
    served_on = _date(_("送达日期"), help_text=_("期限自送达次日起算。"))
    order_kind = forms.ChoiceField(label=_("处置措施"))
    months = _months(_("期限（月）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.params
        self.fields["order_kind"].choices = [(o, OrderKind(o).label) for o in p["orders"]]
        self.initial.setdefault("order_kind", p["order"])
        self.initial.setdefault("months", p["rectify_months"])
        self.fields["months"].help_text = p.reference_for("rectify_months")
        if p["rectify_months"] is None:
            self.fields["months"].help_text = _(
                "法定为立即停产停业整顿，不设期限；留空即可（地方另有规定的，按程序参数）。"
            )


class RequestExtensionForm(ActionForm):
    title = _("申请延期")
    action = "request_extension"
    months = forms.IntegerField(label=_("申请延期（月）"), widget=forms.NumberInput())
    reason = forms.CharField(label=_("延期理由"), widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = self.params["extension_max_months"] or 0
        self.fields["months"].widget.attrs.update(min=1, max=most)
        self.fields["months"].help_text = self.params.reference_for("extension_max_months")


class DecideExtensionForm(ActionForm):
    title = _("决定延期申请")
    action = "decide_extension"
    grant = _yes_no(_("决定"), _("准予延期"), _("不予延期"))
    months = _months(_("准予延期（月）"), _("留空为申请的月数。"))
    reason = forms.CharField(label=_("决定理由"), widget=_textarea(3))
    decided_on = _date(_("决定日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("months", self.case.extension_months_requested)


class RecordReinspectionForm(ActionForm):
    title = _("登记复查结果")
    action = "record_reinspection"
    inspected_on = _date(_("复查日期"))
    compliant = _yes_no(_("复查结论"), _("已达标"), _("仍不达标"))
    notes = forms.CharField(label=_("复查情况"), widget=_textarea(3))
    serious = forms.BooleanField(label=_("情节严重"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.params.get("approval_only_if_serious"):
            del self.fields["serious"]

    def arguments(self) -> dict:
        data = super().arguments()
        data.setdefault("serious", False)
        return data


def approval_governments(region: Region):
    """The people's governments that may approve: the enterprise's region and those above it."""
    codes, code = [], region.code
    while code:
        codes.append(code)
        code = parent_code(code)
    return Region.objects.current().filter(code__in=codes).order_by("-code")


class RequestApprovalForm(ActionForm):
    title = _("报请政府批准")
    action = "request_approval"
    government = forms.ModelChoiceField(
        label=_("有批准权的人民政府"), queryset=Region.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("报请理由"), widget=_textarea(3))
    serious = forms.BooleanField(label=_("情节严重"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["government"].queryset = approval_governments(self.case.region)
        self.fields["government"].label_from_instance = lambda r: (
            gettext("%(name)s人民政府") % {"name": r.name}
        )
        self.initial.setdefault("government", self.case.region_id)
        if self.params.get("approval_only_if_serious"):
            self.initial.setdefault("serious", self.case.serious)
        else:
            del self.fields["serious"]

    def arguments(self) -> dict:
        data = super().arguments()
        if "serious" not in self.fields:
            data["serious"] = None
        return data


class DecideApprovalForm(ActionForm):
    grave = True
    title = _("审批关停退出")
    action = "decide_approval"
    approve = _yes_no(_("审批意见"), _("批准关停退出"), _("不予批准"))
    reason = forms.CharField(label=_("审批理由"), widget=_textarea(3))
    exit_kind = forms.ChoiceField(label=_("退出方式"), choices=ExitKind.choices)
    months = _months(_("退出期限（月）"), _("留空为不设期限。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.line_id is None:
            self.fields["exit_kind"].choices = [
                c for c in ExitKind.choices if c[0] != ExitKind.LINES
            ]
        self.initial.setdefault("exit_kind", ExitKind.CLOSE)


class OrderExitForm(ActionForm):
    grave = True
    title = _("责令关停退出")
    action = "order_exit"
    reason = forms.CharField(label=_("决定理由"), widget=_textarea(3))
    exit_kind = forms.ChoiceField(label=_("退出方式"), required=False)
    months = _months(_("退出（拆除）期限（月）"), _("留空为不设期限。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.dimension == Dimension.TECHNOLOGY:
            self.title = _("责令拆除淘汰类装备")
        choices = [c for c in ExitKind.choices if c[0] != ExitKind.LINES or self.case.line_id]
        self.fields["exit_kind"].choices = [("", gettext("按程序（默认）"))] + choices
        if self.params["dismantle_months"]:
            self.initial.setdefault("months", self.params["dismantle_months"])

    def arguments(self) -> dict:
        data = super().arguments()
        data["exit_kind"] = data["exit_kind"] or None
        return data


class RecordMeasureForm(ActionForm):
    title = _("登记措施")
    action = "record_measure"
    multipart = True
    kind = forms.ChoiceField(label=_("措施"))
    executed_on = _date(_("执行日期"))
    license = forms.ModelChoiceField(
        label=_("证照"),
        queryset=License.objects.none(),
        required=False,
        help_text=_("吊销、注销证照时选择。"),
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=_textarea())
    file = forms.FileField(
        label=_("执行记录"), required=False, help_text=_("PDF、JPEG或PNG；拆除须附见证材料。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            c for c in MeasureKind.choices if c[0] != MeasureKind.COMMITMENT
        ]
        self.fields["license"].queryset = License.objects.filter(
            enterprise_id=self.case.enterprise_id
        ).order_by("kind", "number")

    def arguments(self) -> dict:
        data = super().arguments()
        data["upload"] = data.pop("file")
        return data


class LiftMeasureForm(BootstrapFormMixin, forms.Form):
    """解除措施 (on the case page, one per measure in force)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(label=_("解除理由"), max_length=500)
    lifted_on = _date(_("解除日期"))

    def __init__(self, *args, case, measure, **kwargs):
        kwargs.setdefault("auto_id", f"id_lift{measure.pk}_%s")
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.initial.setdefault("version", case.version)
        self.fields["lifted_on"].initial = timezone.localdate


class SignCommitmentForm(ActionForm):
    title = _("签署公开承诺")
    action = "sign_commitment"
    text = forms.CharField(label=_("承诺内容"), widget=_textarea(4), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "text",
            gettext(
                "本企业承诺：已被责令关停退出（淘汰）的生产设施不再恢复生产，接受政府和社会监督。"
            ),
        )


class ConfirmSealedForm(ActionForm):
    title = _("确认封存")
    action = "confirm_sealed"
    dismantle_months = _months(_("限时拆除（月）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.dimension == Dimension.TECHNOLOGY:
            self.initial.setdefault("dismantle_months", self.params["dismantle_months"])
        else:
            del self.fields["dismantle_months"]


class AcceptExitForm(ActionForm):
    title = _("验收退出")
    action = "accept_exit"
    multipart = True
    accepted_on = _date(_("验收日期"))
    notes = forms.CharField(label=_("验收意见"), widget=_textarea(3))
    file = forms.FileField(label=_("验收材料"), help_text=_("PDF、JPEG或PNG。"))

    def arguments(self) -> dict:
        data = super().arguments()
        data["upload"] = data.pop("file")
        return data


class RecordFollowUpForm(ActionForm):
    title = _("登记回头看")
    action = "record_follow_up"
    inspected_on = _date(_("复查日期"))
    restarted = _yes_no(_("是否恢复生产"), _("已恢复生产"), _("未恢复生产"))
    notes = forms.CharField(label=_("复查情况"), widget=_textarea(3))


class WithdrawForm(ActionForm):
    grave = True
    title = _("撤销立案")
    action = "withdraw"
    reason = forms.CharField(label=_("撤销理由"), widget=_textarea(3))


# What each kind of person may file as evidence; acceptance and measure records come with their acts.
OFFICER_EVIDENCE = [EvidenceKind.INSPECTION, EvidenceKind.RECTIFICATION, EvidenceKind.OTHER]
ENTERPRISE_EVIDENCE = [EvidenceKind.RECTIFICATION, EvidenceKind.COMMITMENT, EvidenceKind.OTHER]


class AddEvidenceForm(ActionForm):
    title = _("上传材料")
    action = "add_evidence"
    multipart = True
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPEG或PNG。"))
    kind = forms.ChoiceField(label=_("类别"))
    description = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, enterprise_user: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ENTERPRISE_EVIDENCE if enterprise_user else OFFICER_EVIDENCE
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.initial.setdefault("kind", kinds[0].value)

    def arguments(self) -> dict:
        data = super().arguments()
        data["upload"] = data.pop("file")
        return data


class AddCommentForm(ActionForm):
    title = _("添加备注")
    action = "add_comment"
    text = forms.CharField(label=_("备注"), widget=_textarea(2))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        ServeOrderForm,
        RequestExtensionForm,
        DecideExtensionForm,
        RecordReinspectionForm,
        RequestApprovalForm,
        DecideApprovalForm,
        OrderExitForm,
        RecordMeasureForm,
        ConfirmSealedForm,
        AcceptExitForm,
        RecordFollowUpForm,
        WithdrawForm,
        SignCommitmentForm,
        AddEvidenceForm,
        AddCommentForm,
    )
}
