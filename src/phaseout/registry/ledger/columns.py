"""The two ledger (台账) tables: their column headers and how each cell is read.

The headers are the file format offices exchange (docs/ledger-format.md), so they are fixed
Chinese strings, not translated: an officer using the English interface still reads and writes
the same files. Messages about cells are translated.

Cell readers are pure functions: a raw cell value (str from CSV; str, int, float, datetime from
XLSX) in, ``(value, problem)`` out, with no database access, so 350,000 rows are checked in
plain Python.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from phaseout.core.exports import unneutralise
from phaseout.registry.choices import (
    UNIT_ALIASES,
    CapacityUnit,
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LegalStanding,
    LineStatus,
    Process,
    Product,
    SizeUnit,
)

ENTERPRISES = "enterprises"
LINES = "lines"

# Sheet names of a ledger workbook (and of the export).
SHEET_NAMES = {ENTERPRISES: "企业", LINES: "生产线"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # Exported so a person reading the sheet sees names next to codes; ignored on import.
    informational: bool = False

    @property
    def title(self) -> str:
        """The header as written in the template and the export: required columns end in *."""
        return f"{self.header}*" if self.required else self.header


ENTERPRISE_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, ("社会信用代码", "信用代码")),
    Column("name", "企业名称", True),
    Column("region", "行政区划代码", True, ("区划代码",)),
    Column("region_name", "行政区划名称", informational=True),
    Column("industry", "行业代码", True, ("国民经济行业代码",)),
    Column("industry_name", "行业名称", informational=True),
    Column("size", "企业规模", True),
    Column("legal_standing", "合法手续"),
    Column("address", "地址", aliases=("企业地址",)),
    Column("legal_representative", "法定代表人"),
    Column("employees", "从业人数", aliases=("职工人数",)),
    Column("status", "企业状态"),
    Column("notes", "备注"),
)

LINE_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, ("社会信用代码", "信用代码")),
    Column("enterprise_name", "企业名称", informational=True),
    Column("code", "生产线编号", True, ("设备编号",)),
    Column("name", "生产线名称", aliases=("设备名称",)),
    Column("equipment_type", "设备类型", True, ("主体设备类型",)),
    Column("capacity", "产能", True),
    Column("capacity_unit", "产能单位", True),
    Column("size", "设备规格", aliases=("规格",)),
    Column("size_unit", "规格单位"),
    Column("process", "工艺", aliases=("生产工艺",)),
    Column("product", "产品/用途", aliases=("产品", "用途")),
    Column("commissioning_year", "投产年份"),
    Column("status", "状态", aliases=("生产线状态",)),
    Column("notes", "备注"),
)

COLUMNS = {ENTERPRISES: ENTERPRISE_COLUMNS, LINES: LINE_COLUMNS}

# Headers that only one of the tables has: they tell which table a sheet or CSV file is.
MARKERS = {
    ENTERPRISES: frozenset(
        {"行政区划代码", "区划代码", "行业代码", "国民经济行业代码", "企业规模"}
    ),
    LINES: frozenset({"生产线编号", "设备编号", "设备类型", "主体设备类型", "产能", "产能单位"}),
}

_HEADER_NOISE = re.compile(r"[\s*＊]|[（(]必填[)）]")


def normalise_header(text: Any) -> str:
    """A header as typed by an office, reduced to compare: no spaces, no * or （必填）."""
    if text is None:
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text)))


def header_map(kind: str) -> dict[str, Column]:
    """Normalised header (and aliases) → column, for one table."""
    mapping: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            mapping[normalise_header(name)] = column
    return mapping


HEADER_MAPS = {kind: header_map(kind) for kind in COLUMNS}


def detect_kind(headers: list[str]) -> str | None:
    """Which table a header row belongs to, or None; "mixed" when it has both tables' columns."""
    names = {normalise_header(h) for h in headers}
    found = [kind for kind, markers in MARKERS.items() if names & markers]
    if len(found) == 2:
        return "mixed"
    return found[0] if found else None


def known_header_count(headers: list[Any]) -> int:
    names = {normalise_header(h) for h in headers}
    return max(len(names & set(mapping)) for mapping in HEADER_MAPS.values())


# — choices: the Chinese label, the internal code, or the label in the person's language —


def choice_lookup(choices: type[models.TextChoices], extra: dict[str, str] | None = None):
    """A dict from every accepted spelling (folded to lower case) to the stored code."""
    lookup: dict[str, str] = {}
    labels = []
    with translation.override("zh-hans"):
        labels.extend((value, str(label)) for value, label in choices.choices)
    labels.extend((value, str(label)) for value, label in choices.choices)
    for value, label in labels:
        lookup[value] = lookup[value.lower()] = value
        lookup[label] = lookup[normalise_text_key(label)] = value
    for alias, value in (extra or {}).items():
        lookup[alias] = lookup[normalise_text_key(alias)] = value
    return lookup


def normalise_text_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def zh_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Code → Chinese label, for the export (the file format is Chinese whatever the UI is)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


CHOICES: dict[str, type[models.TextChoices]] = {
    "size": EnterpriseSize,
    "legal_standing": LegalStanding,
    "enterprise_status": EnterpriseStatus,
    "equipment_type": EquipmentType,
    "capacity_unit": CapacityUnit,
    "line_status": LineStatus,
    "size_unit": SizeUnit,
    "process": Process,
    "product": Product,
}

# The unit spellings of ledgers (m³, 千安, 吨 …) that name a size unit; 万吨/年 and the like do not.
SIZE_UNIT_ALIASES = {a: unit for a, unit in UNIT_ALIASES.items() if unit in SizeUnit.values}
_ALIASES = {"capacity_unit": UNIT_ALIASES, "size_unit": SIZE_UNIT_ALIASES}


def choice_lookups() -> dict[str, dict[str, str]]:
    """Built per import, so the labels of the active language are accepted too."""
    return {key: choice_lookup(choices, _ALIASES.get(key)) for key, choices in CHOICES.items()}


def choice_hint(key: str) -> str:
    return "、".join(zh_labels(CHOICES[key]).values())


# — cell readers —


def cell_text(value: Any) -> str:
    """A cell as text: trimmed, with the export's anti-formula quote removed, numbers as written.

    Excel keeps whole numbers typed into a cell as floats (120 → 120.0); they read back as "120".
    """
    if value is None:
        return ""
    if type(value) is str:  # the common case first: 3.5 million cells in a large ledger
        text = value.strip()
        return unneutralise(text) if text[:1] == "'" else text
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def code_text(value: Any) -> str:
    """A code cell (credit code, region, industry): full-width characters folded, upper case."""
    return unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "").upper()


def max_length_problem(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return _("超过最大长度%(max)d个字符（实际%(n)d个）。") % {"max": limit, "n": len(text)}
    return None


def read_choice(text: str, lookup: dict[str, str], key: str) -> tuple[str | None, str | None]:
    value = lookup.get(text)
    if value is None:
        value = lookup.get(normalise_text_key(text))
    if value is None:
        return None, _("无法识别“%(value)s”，应为：%(choices)s。") % {
            "value": text,
            "choices": choice_hint(key),
        }
    return value, None


_CAPACITY_LIMIT = Decimal(10) ** 11  # max_digits=14, decimal_places=3
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _positive_decimal(value: Any) -> tuple[Decimal | None, str | None]:
    """A positive number with at most three decimals (the model fields' precision), or why not:
    "sign" (not a positive number), "large", or "decimals"."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", cell_text(value)))
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number <= 0:
        return None, "sign"
    if number >= _CAPACITY_LIMIT:
        return None, "large"
    if number.as_tuple().exponent < -3 and number != number.quantize(Decimal("0.001")):
        return None, "decimals"
    return number.quantize(Decimal("0.001")), None


def read_capacity(value: Any) -> tuple[Decimal | None, str | None]:
    """产能: a positive number with at most three decimals."""
    number, problem = _positive_decimal(value)
    text = {"value": cell_text(value)}
    if problem == "sign":
        return None, _("产能应为正数，实际为“%(value)s”。") % text
    if problem == "large":
        return None, _("产能数值过大：“%(value)s”。") % text
    if problem == "decimals":
        return None, _("产能最多保留3位小数，实际为“%(value)s”。") % text
    return number, None


def read_size(value: Any) -> tuple[Decimal | None, str | None]:
    """设备规格: a positive number with at most three decimals (容积、公称容量、直径 …)."""
    number, problem = _positive_decimal(value)
    text = {"value": cell_text(value)}
    if problem == "sign":
        return None, _("设备规格应为正数，实际为“%(value)s”。") % text
    if problem == "large":
        return None, _("设备规格数值过大：“%(value)s”。") % text
    if problem == "decimals":
        return None, _("设备规格最多保留3位小数，实际为“%(value)s”。") % text
    return number, None


def read_whole_number(value: Any) -> int | None:
    """A whole number from a cell, or None if it is not one (1.5, "abc", True)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", cell_text(value)))
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.0*", text):
        return int(text.split(".")[0])
    return None


def read_employees(value: Any) -> tuple[int | None, str | None]:
    number = read_whole_number(value)
    if number is None or number < 0 or number > 2_147_483_647:
        return None, _("从业人数应为不小于0的整数，实际为“%(value)s”。") % {
            "value": cell_text(value)
        }
    return number, None


def read_year(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, datetime.date):
        number = value.year
    else:
        number = read_whole_number(value)
    if number is None or not 1900 <= number <= 2100:
        return None, _("投产年份应为1900至2100之间的四位年份，实际为“%(value)s”。") % {
            "value": cell_text(value)
        }
    return number, None
