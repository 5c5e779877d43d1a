"""Migration 0005: lines recorded before the size fields keep their capacity and get it as their
equipment size where its unit is one the catalogue judges that equipment by."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("registry", "0003_ledgerimport")]
AFTER = [("registry", "0005_line_size_from_capacity")]


@pytest.fixture
def old_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        # Back to the whole schema for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# Migrating needs a real transaction; serialized_rollback puts back the industries that the
# flush after a transactional test would drop.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sizes_are_copied_from_capacities_that_are_sizes(old_apps):
    Region = old_apps.get_model("regions", "Region")
    Industry = old_apps.get_model("registry", "Industry")
    Enterprise = old_apps.get_model("registry", "Enterprise")
    Line = old_apps.get_model("registry", "ProductionLine")
    region = Region.objects.create(code="990102", name="城东区", level="county")
    enterprise = Enterprise.objects.create(
        credit_code="91990102MA0000000X",
        name="城东钢铁有限公司",
        region=region,
        industry=Industry.objects.get(code="3120"),
        size="above",
    )
    for code, equipment, capacity, unit in [
        ("GL-1", "blast_furnace", "300", "m3"),  # volume: a size
        ("GL-2", "blast_furnace", "120", "10kt/a"),  # annual output: not a size
        ("ZL-1", "converter", "20", "t"),
        ("FM-1", "cement_mill", "2.2", "m"),
        ("ZJ-1", "rolling_mill", "60", "10kt/a"),
        ("JZ-1", "power_unit", "300", "MW"),
    ]:
        Line.objects.create(
            enterprise=enterprise,
            code=code,
            equipment_type=equipment,
            capacity=Decimal(capacity),
            capacity_unit=unit,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Line = apps.get_model("registry", "ProductionLine")
    History = apps.get_model("registry", "HistoricalProductionLine")

    sizes = {
        code: (size, size_unit, capacity)
        for code, size, size_unit, capacity in Line.objects.values_list(
            "code", "size", "size_unit", "capacity"
        )
    }
    assert sizes == {
        "GL-1": (Decimal("300"), "m3", Decimal("300")),
        "GL-2": (None, "", Decimal("120")),
        "ZL-1": (Decimal("20"), "t", Decimal("20")),
        "FM-1": (Decimal("2.2"), "m", Decimal("2.2")),
        "ZJ-1": (None, "", Decimal("60")),
        "JZ-1": (Decimal("300"), "MW", Decimal("300")),
    }
    changed = History.objects.filter(history_type="~")
    assert sorted(changed.values_list("code", flat=True)) == ["FM-1", "GL-1", "JZ-1", "ZL-1"]
    assert {h.history_change_reason for h in changed} == {"数据迁移：设备规格取自产能"}
    assert changed.get(code="GL-1").size == Decimal("300")
