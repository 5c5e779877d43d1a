"""Load the GB/T 4754-2017 industries of the seeds' key sectors (registry/data/industries.csv)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "industries.csv"


def load(apps, schema_editor):
    Industry = apps.get_model("registry", "Industry")
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {}
    for row in rows:  # parents come first in the file
        industry, _ = Industry.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "parent": by_code.get(row["parent"]),
                "is_key": row["is_key"] == "1",
                "note": row["note"],
            },
        )
        by_code[row["code"]] = industry


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
