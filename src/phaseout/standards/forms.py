"""Local rule forms: they parse and render; the views hand cleaned_data to standards/services."""

from __future__ import annotations

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.standards.catalog import national
from phaseout.standards.models import LocalRule, LocalRuleStatus

EXAMPLE = """\
description: 水泥熟料单位产品综合能耗（本市从严）
reference: 示范市人民政府令第1号 第三条
dimension: ENERGY
kind: limit
confidence: R
last_reviewed: 2026-01-15
metric: clinker_comprehensive_energy
unit: kgce/t
applies_to: {industries: ["3011"], equipment: [cement_kiln]}
values:
  2026-01-01: {limit: 112, entry: 105}
"""


def definition_text(definition) -> str:
    """A stored definition as the YAML a person edits (keys in the order written)."""
    if not definition:
        return ""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, default_flow_style=None)


def parse_definition(text: str) -> dict:
    """YAML text → a mapping, or ValidationError saying where the YAML is broken."""
    try:
        value = yaml.safe_load(text or "")
    except yaml.YAMLError as exc:
        raise ValidationError(gettext("YAML 格式错误：%(error)s") % {"error": exc}) from None
    if not isinstance(value, dict) or not value:
        raise ValidationError(
            gettext("规则定义应为一个 YAML 映射（description、reference、values …）。")
        )
    return value


def national_rule_choices() -> list[tuple[str, str]]:
    return [("", gettext("（不替代，新增规则）"))] + [
        (rule.id, f"{rule.id} — {rule.description}")
        for rule in sorted(national().rules.values(), key=lambda r: r.id)
    ]


class LocalRuleForm(BootstrapFormMixin, forms.Form):
    """制定/修改地方规则. The definition is YAML, checked by the service as a catalogue rule."""

    region = forms.ModelChoiceField(label=_("适用区域"), queryset=Region.objects.none())
    rule_id = forms.CharField(
        label=_("规则编号"),
        max_length=100,
        help_text=_("以 local. 开头，在本区域内唯一，例如 local.safety.standardisation-level3。"),
    )
    supersedes = forms.ChoiceField(
        label=_("替代的国家规则"),
        required=False,
        help_text=_(
            "在本区域内以更严格的取值替代的国家规则；替代限值类规则时，各期取值不得宽于国家规则。"
        ),
    )
    definition = forms.CharField(
        label=_("规则定义（YAML）"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "与标准目录文件中一条规则的写法相同：description、reference、dimension、kind、confidence、last_reviewed、values …"
        ),
    )

    def __init__(self, *args, user, instance: LocalRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Scope.of(user)
        regions = scope.regions() if scope.keeps_registry else Region.objects.none()
        keep = Q(valid_to__isnull=True)
        if instance is not None and instance.region_id:
            keep |= Q(pk=instance.region_id)
        self.fields["region"].queryset = regions.filter(keep).order_by("code")
        self.fields["supersedes"].choices = national_rule_choices()
        if instance is not None and instance.pk:
            self.initial.update(
                region=instance.region_id,
                rule_id=instance.rule_id,
                supersedes=instance.supersedes,
                definition=definition_text(instance.definition),
            )
        elif not self.is_bound:
            self.initial.setdefault("rule_id", "local.")
            self.initial.setdefault("definition", EXAMPLE)

    def clean_definition(self) -> dict:
        return parse_definition(self.cleaned_data["definition"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=LocalRuleStatus.choices)
