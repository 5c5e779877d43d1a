"""Builders for registry records in tests (enterprises in bulk, lines, licenses)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from phaseout.registry.choices import (
    CapacityUnit,
    EnterpriseSize,
    EquipmentType,
    LicenseKind,
)
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine
from tests.conftest import make_credit_code

_numbers = itertools.count(1)


def make_line(enterprise: Enterprise, code: str = "L1", **values) -> ProductionLine:
    values = {
        "equipment_type": EquipmentType.CEMENT_KILN,
        "capacity": Decimal("1200"),
        "capacity_unit": CapacityUnit.T_PER_DAY,
        **values,
    }
    return ProductionLine.objects.create(enterprise=enterprise, code=code, **values)


def make_license(enterprise: Enterprise, number: str | None = None, **values) -> License:
    values = {"kind": LicenseKind.DISCHARGE, **values}
    number = number or f"9199010200000{next(_numbers):05d}001P"
    return License.objects.create(enterprise=enterprise, number=number, **values)


def make_enterprises(region, count: int, *, lines: int = 2, prefix: str = "企业") -> list:
    """count enterprises in region, each with `lines` production lines."""
    industry = Industry.objects.get(code="3011")
    made = []
    for i in range(count):
        enterprise = Enterprise.objects.create(
            credit_code=make_credit_code(region.code),
            name=f"{prefix}{i:03d}",
            region=region,
            industry=industry,
            size=EnterpriseSize.ABOVE if i % 2 else EnterpriseSize.BELOW,
        )
        for n in range(lines):
            make_line(enterprise, code=f"L{n + 1}")
        made.append(enterprise)
    return made
