"""Units of measure for the catalogue and measurements, and conversion between them.

Each unit belongs to one quantity (what it measures) and has a factor to that quantity's base
unit. A value converts between two units of the same quantity; between different quantities it
does not, and that is an error, never a guess (kgce/t is not kWh/t).

Written by hand rather than with a units library (pint): the units that matter here are the
standards' own — 千克标准煤 (kgce), 重量箱, 万吨/年 — which no library defines, and the whole
table is the short list below, each row checked against the standard that uses it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Unit:
    code: str
    quantity: str
    factor: float  # multiply by this to get the quantity's base unit
    label: str  # translatable (gettext_lazy)


_UNITS = (
    # 单位产品综合能耗 (coal equivalent per tonne of product)
    Unit("kgce/t", "coal_per_mass", 1.0, gettext_lazy("千克标准煤/吨")),
    Unit("tce/t", "coal_per_mass", 1000.0, gettext_lazy("吨标准煤/吨")),
    Unit("kgce/Adt", "coal_per_mass", 1.0, gettext_lazy("千克标准煤/风干吨")),
    # 平板玻璃: per weight case (重量箱, 50 kg of 2 mm glass)
    Unit("kgce/wc", "coal_per_case", 1.0, gettext_lazy("千克标准煤/重量箱")),
    # 电耗
    Unit("kWh/t", "power_per_mass", 1.0, gettext_lazy("千瓦时/吨")),
    Unit("MWh/t", "power_per_mass", 1000.0, gettext_lazy("兆瓦时/吨")),
    Unit("kWh/m2", "power_per_area", 1.0, gettext_lazy("千瓦时/平方米")),
    # 供电煤耗
    Unit("gce/kWh", "coal_per_power", 1.0, gettext_lazy("克标准煤/千瓦时")),
    # 排放浓度 (标准状态干烟气)
    Unit("mg/m3", "concentration", 1.0, gettext_lazy("毫克/立方米")),
    Unit("g/m3", "concentration", 1000.0, gettext_lazy("克/立方米")),
    Unit("ug/m3", "concentration", 0.001, gettext_lazy("微克/立方米")),
    # 比例、等级
    Unit("%", "ratio", 1.0, gettext_lazy("%")),
    Unit("bool", "boolean", 1.0, gettext_lazy("是/否")),
    # 设备规格与产能
    Unit("m3", "volume", 1.0, gettext_lazy("立方米")),
    Unit("t", "mass", 1.0, gettext_lazy("吨")),
    Unit("m2", "area", 1.0, gettext_lazy("平方米")),
    Unit("kA", "current", 1.0, gettext_lazy("千安")),
    Unit("A", "current", 0.001, gettext_lazy("安")),
    Unit("m", "length", 1.0, gettext_lazy("米")),
    Unit("mm", "length", 0.001, gettext_lazy("毫米")),
    Unit("t/d", "output_per_day", 1.0, gettext_lazy("吨/日")),
    Unit("kVA", "apparent_power", 1.0, gettext_lazy("千伏安")),
    Unit("MVA", "apparent_power", 1000.0, gettext_lazy("兆伏安")),
    Unit("MW", "power", 1.0, gettext_lazy("兆瓦")),
    Unit("kW", "power", 0.001, gettext_lazy("千瓦")),
    Unit("t/a", "output_per_year", 1.0, gettext_lazy("吨/年")),
    Unit("10kt/a", "output_per_year", 10000.0, gettext_lazy("万吨/年")),
    Unit("wc/a", "cases_per_year", 1.0, gettext_lazy("重量箱/年")),
    Unit("10kwc/a", "cases_per_year", 10000.0, gettext_lazy("万重量箱/年")),
    # 海拔与大气压 (GB 16780-2021 海拔修正)
    Unit("kPa", "pressure", 1.0, gettext_lazy("千帕")),
    Unit("Pa", "pressure", 0.001, gettext_lazy("帕")),
)

UNITS: dict[str, Unit] = {u.code: u for u in _UNITS}

# What people write, mapped to the code. Compared after NFKC and lower-casing.
_ALIASES = {
    "千克标准煤/吨": "kgce/t",
    "kgce/t": "kgce/t",
    "kg标准煤/t": "kgce/t",
    "吨标准煤/吨": "tce/t",
    "千克标准煤/重量箱": "kgce/wc",
    "kgce/重量箱": "kgce/wc",
    "千瓦时/吨": "kWh/t",
    "度/吨": "kWh/t",
    "千瓦时/平方米": "kWh/m2",
    "kwh/m²": "kWh/m2",
    "克标准煤/千瓦时": "gce/kWh",
    "毫克/立方米": "mg/m3",
    "mg/nm3": "mg/m3",
    "mg/m³": "mg/m3",
    "mg/nm³": "mg/m3",
    "g/m³": "g/m3",
    "μg/m3": "ug/m3",
    "µg/m3": "ug/m3",
    "μg/m³": "ug/m3",
    "percent": "%",
    "百分比": "%",
    "是/否": "bool",
    "立方米": "m3",
    "m³": "m3",
    "吨": "t",
    "平方米": "m2",
    "m²": "m2",
    "千安": "kA",
    "安": "A",
    "米": "m",
    "毫米": "mm",
    "吨/日": "t/d",
    "吨/天": "t/d",
    "千伏安": "kVA",
    "兆伏安": "MVA",
    "兆瓦": "MW",
    "千瓦": "kW",
    "吨/年": "t/a",
    "万吨/年": "10kt/a",
    "万t/a": "10kt/a",
    "重量箱/年": "wc/a",
    "万重量箱/年": "10kwc/a",
    "千帕": "kPa",
    "帕": "Pa",
}
_LOOKUP = {**{code.lower(): code for code in UNITS}, **{k.lower(): v for k, v in _ALIASES.items()}}


class UnitError(ValueError):
    """A unit that is unknown, or that cannot be converted to the unit asked for."""


def normalise(text: str) -> str:
    """The unit code for what a person wrote ("千克标准煤/吨" → "kgce/t"), or UnitError."""
    key = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "").lower()
    # NFKC turns ³ into 3 and ² into 2, so "m³" and "m3" meet here.
    code = _LOOKUP.get(key)
    if code is None:
        raise UnitError(_("不认识的计量单位“%(unit)s”。") % {"unit": text})
    return code


def factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in from_unit by to express it in to_unit."""
    source, target = UNITS.get(from_unit), UNITS.get(to_unit)
    if source is None or target is None:
        raise UnitError(
            _("不认识的计量单位“%(unit)s”。") % {"unit": from_unit if source is None else to_unit}
        )
    if source.quantity != target.quantity:
        raise UnitError(
            _("“%(source)s”不能换算为“%(target)s”：二者计量的不是同一种量。")
            % {"source": str(source.label), "target": str(target.label)}
        )
    return source.factor / target.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    if from_unit == to_unit:
        return value
    return value * factor(from_unit, to_unit)


def compatible(unit: str) -> tuple[str, ...]:
    """Every unit of the same quantity as unit (itself included)."""
    quantity = UNITS[unit].quantity
    return tuple(code for code, u in UNITS.items() if u.quantity == quantity)


def label(unit: str) -> str:
    found = UNITS.get(unit)
    return str(found.label) if found else unit
