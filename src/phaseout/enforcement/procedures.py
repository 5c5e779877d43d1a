"""Procedure parameters: national defaults from procedures.yaml, jurisdiction overrides on top.

``params(dimension, region)`` returns the parameters in force for a case in ``region``: the
national value unless a ProcedureOverride exists for the region or a region above it (the nearest
wins), each with the reference that sets it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PATH = Path(__file__).with_name("procedures.yaml")


def _months(v, low: int, high: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


# The parameters a jurisdiction may set, with the check a value must pass.
OVERRIDABLE = {
    "rectify_months": lambda v: v is None or _months(v, 1, 24),
    "max_rectify_months": lambda v: _months(v, 1, 24),
    "extension_max_months": lambda v: _months(v, 0, 12),
    "approval": lambda v: isinstance(v, bool),
    "dismantle_months": lambda v: _months(v, 1, 24),
    "follow_up_months": lambda v: isinstance(v, list) and all(_months(m, 1, 60) for m in v),
}


@cache
def national() -> dict:
    with PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class Params:
    dimension: str
    values: dict
    references: dict = field(default_factory=dict)  # parameter → reference of an override

    def __getitem__(self, key):
        return self.values.get(key)

    def get(self, key, default=None):
        return self.values.get(key, default)

    def reference_for(self, key: str) -> str:
        return self.references.get(key) or self.values["reference"]


def params(dimension: str, region=None) -> Params:
    values = dict(national()[dimension])
    values.setdefault("follow_up_months", national()["EXIT"]["follow_up_months"])
    references: dict[str, str] = {}
    if region is not None:
        from phaseout.enforcement.models import ProcedureOverride
        from phaseout.regions.models import parent_code

        codes = []
        code = region.code
        while code:
            codes.append(code)
            code = parent_code(code)
        overrides = ProcedureOverride.objects.filter(
            dimension=dimension, region__code__in=codes
        ).select_related("region")
        # Farthest first, so the nearest region's value is applied last and wins.
        for override in sorted(overrides, key=lambda o: len(o.region.prefix)):
            values[override.parameter] = override.value
            references[override.parameter] = f"{override.region.name}：{override.reference}"
    return Params(dimension=dimension, values=values, references=references)


def exit_params() -> dict:
    return national()["EXIT"]


def check_override(parameter: str, value, *, dimension: str) -> None:
    """Raise ValidationError naming the field unless ``value`` is acceptable for ``parameter``.

    A jurisdiction may be stricter than the national text, never more lenient: a period or an
    extension the law sets cannot be lengthened (30号文 四、六)."""
    if dimension not in national() or dimension == "EXIT":
        raise ValidationError({"dimension": _("不认识的维度“%(d)s”。") % {"d": dimension}})
    if parameter not in OVERRIDABLE:
        raise ValidationError(
            {
                "parameter": _("不能设定参数 %(p)s；可设定：%(all)s。")
                % {"p": parameter, "all": "、".join(OVERRIDABLE)}
            }
        )
    if not OVERRIDABLE[parameter](value):
        raise ValidationError(
            {"value": _("参数 %(p)s 的取值 %(v)r 不合法。") % {"p": parameter, "v": value}}
        )
    national_value = national()[dimension].get(parameter)
    if (
        parameter in ("rectify_months", "extension_max_months", "max_rectify_months")
        and isinstance(national_value, int)
        and (value is None or value > national_value)
    ):
        raise ValidationError(
            {
                "value": _("不能宽于全国规定：%(p)s 不超过 %(n)d（%(ref)s）。")
                % {
                    "p": parameter,
                    "n": national_value,
                    "ref": national()[dimension]["reference"].split("：")[0],
                }
            }
        )
    if parameter == "approval" and national()[dimension].get("approval") and value is False:
        raise ValidationError({"value": _("法定的报请批准程序不能取消。")})
