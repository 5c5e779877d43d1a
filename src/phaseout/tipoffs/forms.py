"""Forms of the tip-off pages: they shape and type the input; the services decide."""

from __future__ import annotations

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.regions.choices import Role
from phaseout.regions.models import Department, Region
from phaseout.regions.scope import Scope
from phaseout.screening.choices import Dimension
from phaseout.tipoffs.choices import RejectReason

ACCEPT_FILES = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the count, size and type checks are the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def current_regions():
    return Region.objects.current().order_by("code")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class TipoffFieldsMixin(forms.Form):
    enterprise_name = forms.CharField(label=_("被举报企业名称"), max_length=200)
    enterprise_address = forms.CharField(
        label=_("企业地址"),
        max_length=300,
        required=False,
        help_text=_("尽量具体到乡镇、街道或园区。"),
    )
    region = RegionChoiceField(
        label=_("所在地区"), queryset=Region.objects.none(), empty_label=_("请选择")
    )
    description = forms.CharField(
        label=_("举报内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "发生了什么：设备、生产情况、时间、地点等，越具体越便于核查。"
            "请勿在此填写您的姓名或联系方式。"
        ),
    )
    attachments = MultipleFileField(label=_("附件"), required=False)
    anonymous = forms.TypedChoiceField(
        label=_("举报方式"),
        choices=[("1", _("匿名举报")), ("0", _("实名举报"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)

    multipart = True

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else current_regions()
        mb = settings.PHASEOUT_TIPOFF_MAX_FILE_BYTES / (1024 * 1024)
        self.fields["attachments"].help_text = _(
            "照片（JPEG、PNG）或 PDF，最多 %(n)d 个，每个不超过 %(mb)s MB。"
        ) % {"n": settings.PHASEOUT_TIPOFF_MAX_FILES, "mb": f"{mb:g}"}
        for name in ("name", "phone", "email"):
            self.fields[name].help_text = _("实名举报时填写；仅承办人可见，加密保存。")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "region": data["region"],
            "enterprise_name": data["enterprise_name"],
            "enterprise_address": data["enterprise_address"],
            "description": data["description"],
            "anonymous": data["anonymous"],
            "name": data["name"],
            "phone": data["phone"],
            "email": data["email"],
            "uploads": data.get("attachments") or [],
        }


class ChallengeInput(CaptchaTextInput):
    """The challenge's image with a Chinese description, then the answer box."""

    template_name = "tipoffs/public/_captcha.html"


class PublicTipoffForm(BootstrapFormMixin, TipoffFieldsMixin):
    captcha = CaptchaField(
        label=_("验证码"),
        widget=ChallengeInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("请填写图中算式的结果。看不清可刷新页面换一题。"),
        error_messages={"invalid": _("验证码答案不正确，请重新计算。")},
    )


class HotlineForm(BootstrapFormMixin, TipoffFieldsMixin):
    """热线登记: an officer records a call (e.g. 12345) in the caller's words."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, regions=Scope.of(user).regions(current_regions()), **kwargs)


class StatusForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        help_text=_("提交举报时获得的16位查询码，可含或不含连字符。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


# — the officers' acts —


class ActForm(BootstrapFormMixin, forms.Form):
    action = ""
    title = ""
    multipart = False
    grave = False

    def __init__(self, *args, tipoff=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tipoff, self.user = tipoff, user


class TriageForm(ActForm):
    action, title = "triage", _("受理审查")
    decision = forms.ChoiceField(
        label=_("审查结果"),
        choices=[("accept", _("受理")), ("reject", _("不予受理"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("不予受理原因"),
        choices=[("", _("（受理时不填）"))] + list(RejectReason.choices),
        required=False,
    )
    duplicate_of = forms.CharField(
        label=_("原举报编号"), max_length=20, required=False, help_text=_("重复举报时填写。")
    )
    note = forms.CharField(
        label=_("受理意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    credit_code = forms.CharField(
        label=_("对应台账企业的统一社会信用代码"), max_length=18, required=False
    )


class MatchForm(ActForm):
    action, title = "match", _("关联台账企业")
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)


class AssignForm(ActForm):
    action, title = "assign", _("交办")
    department = forms.ModelChoiceField(
        label=_("承办部门"), queryset=Department.objects.none(), empty_label=_("请选择")
    )
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("不选则由承办部门全体经办人员承办。"),
    )
    dimension = forms.ChoiceField(
        label=_("涉及维度"), choices=[("", "—")] + list(Dimension.choices), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tipoff = self.tipoff
        scope = Scope.of(self.user)
        if tipoff is not None:
            codes = [
                tipoff.region.code[:2] + "0000",
                tipoff.region.code[:4] + "00",
                tipoff.region.code,
            ]
            departments = Department.objects.filter(region__code__in=codes).select_related("region")
            if not scope.everything and scope.person is not None:
                departments = departments.filter(
                    region__code__startswith=scope.person.region.prefix
                )
            self.fields["department"].queryset = departments.order_by("region__code", "kind")
            self.fields["handlers"].queryset = (
                get_user_model()
                .objects.filter(
                    person__department__in=departments, person__role=Role.OFFICER, is_active=True
                )
                .order_by("username")
            )
        self.fields["handlers"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()}（{u.person.department.name}）"
        )


class VerificationForm(ActForm):
    action, title = "verification", _("布置核查")
    task = forms.CharField(
        label=_("核查任务"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    workdays = forms.IntegerField(
        label=_("核查期限（工作日）"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("不填则按平台参数（受理之日起%(n)d个工作日）。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workdays"].help_text = self.fields["workdays"].help_text % {
            "n": settings.PHASEOUT_TIPOFF_VERIFY_WORKDAYS
        }


class FindingForm(ActForm):
    action, title = "finding", _("登记核查结论")
    substantiated = forms.TypedChoiceField(
        label=_("举报是否属实"),
        choices=[("1", _("属实")), ("0", _("不属实"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("核查情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    open_case = forms.BooleanField(label=_("据此立案（须已关联台账企业）"), required=False)
    dimension = forms.ChoiceField(
        label=_("立案维度"), choices=[("", "—")] + list(Dimension.choices), required=False
    )
    case_number = forms.CharField(label=_("或关联已有案件编号"), max_length=40, required=False)
    finding_id = forms.IntegerField(label=_("关联不达标发现编号"), min_value=1, required=False)


class PublishForm(ActForm):
    action, title = "publish", _("公布办理结果")
    summary = forms.CharField(
        label=_("公开的举报事项"),
        max_length=300,
        help_text=_("概括举报事项，不得含举报人信息。"),
    )
    outcome = forms.CharField(
        label=_("办理结果"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("经审核的公开表述，不得含举报人信息。"),
    )
    listed = forms.BooleanField(label=_("列入办理结果公开栏"), required=False, initial=True)


ACT_FORMS = {
    form.action: form
    for form in (TriageForm, MatchForm, AssignForm, VerificationForm, FindingForm, PublishForm)
}
