"""Lines recorded before 0004 kept their equipment size in the capacity (高炉 300 立方米,
转炉 20 吨 …). Copy it into size and size_unit where the capacity unit is a size unit the
catalogue judges that equipment by; the capacity stays as it is. Each copied line gets a
history row saying why it changed.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

# registry.choices.EQUIPMENT_SIZE_UNITS as it stood when this migration was written, frozen so
# that a later change to the table does not change what this migration did.
SIZE_UNITS = {
    "blast_furnace": ("m3",),
    "converter": ("t",),
    "electric_arc_furnace": ("t",),
    "induction_furnace": ("t",),
    "sintering_machine": ("m2",),
    "pelletizing": ("m2", "t/d"),
    "ferroalloy_furnace": ("kVA",),
    "calcium_carbide_furnace": ("kVA",),
    "coke_oven": ("m",),
    "cement_kiln": ("t/d", "m"),
    "shaft_kiln": ("t/d", "m"),
    "cement_mill": ("m",),
    "glass_furnace": ("t/d",),
    "aluminium_cell": ("kA",),
    "power_unit": ("MW",),
    "other": ("m3", "t", "m2", "kA", "m", "t/d", "kVA", "MW"),
}
REASON = "数据迁移：设备规格取自产能"
BATCH = 2000


def copy_size_from_capacity(apps, schema_editor):
    ProductionLine = apps.get_model("registry", "ProductionLine")
    HistoricalProductionLine = apps.get_model("registry", "HistoricalProductionLine")
    matches = Q()
    for equipment, units in SIZE_UNITS.items():
        matches |= Q(equipment_type=equipment, capacity_unit__in=units)
    lines = ProductionLine.objects.filter(matches, size__isnull=True, size_unit="")
    fields = [f.attname for f in ProductionLine._meta.concrete_fields]
    now = timezone.now()
    batch = []
    for line in lines.order_by("pk").iterator(chunk_size=BATCH):
        line.size, line.size_unit = line.capacity, line.capacity_unit
        batch.append(line)
        if len(batch) == BATCH:
            _write(ProductionLine, HistoricalProductionLine, batch, fields, now)
            batch = []
    _write(ProductionLine, HistoricalProductionLine, batch, fields, now)


def _write(model, history, lines, fields, now):
    if not lines:
        return
    model.objects.bulk_update(lines, ["size", "size_unit"])
    history.objects.bulk_create(
        [
            history(
                **{f: getattr(line, f) for f in fields},
                history_date=now,
                history_change_reason=REASON,
                history_type="~",
            )
            for line in lines
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_line_size_process_product"),
    ]

    operations = [
        migrations.RunPython(copy_size_from_capacity, migrations.RunPython.noop, elidable=True),
    ]
