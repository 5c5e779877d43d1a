"""History rows for a bulk import, written by the database itself (INSERT … SELECT).

The registry's history is django-simple-history's: one historical row per change, carrying the
whole record, the user, the date, the reason and the type (+ created, ~ changed). Its
`bulk_create_with_history` / `bulk_update_with_history` build every historical row as a Python
object and insert it through the ORM, which costs more than the import's own insert: measured
on SQLite, 28,000 rows took 8.0 s with them against 3.4 s with no history at all, which sank
the ledger benchmark's goal (docs/performance.md). Here the database copies the rows it has
just written into the historical table, one statement per batch, producing the same rows.

If a historical model carries fields this copy does not know how to fill (a custom
HistoricalRecords with extra fields), `supported` is False and the importer falls back to
simple_history's own utilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.db import connection, models
from simple_history.utils import get_history_model_for_model

CREATED, CHANGED = "+", "~"
_HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


@cache
def supported(model: type[models.Model]) -> bool:
    """Whether the historical table is exactly the model's columns plus simple_history's own."""
    history = get_history_model_for_model(model)
    tracked = {f.name for f in history.tracked_fields}
    own = {f.name for f in history._meta.concrete_fields}
    return own == tracked | _HISTORY_FIELDS and tracked == {
        f.name for f in model._meta.concrete_fields
    }


def copy_to_history(
    model: type[models.Model],
    pks: Sequence[int],
    *,
    history_type: str,
    user,
    reason: str,
    date,
) -> None:
    """Add one historical row for each of `pks`, copied from the row as it now stands."""
    if not pks or not enabled():
        return
    history = get_history_model_for_model(model)
    qn = connection.ops.quote_name
    pairs = [
        (qn(history._meta.get_field(f.name).column), qn(f.column))
        for f in model._meta.concrete_fields
    ]
    extra = [
        (history._meta.get_field(name), value)
        for name, value in (
            ("history_date", date),
            ("history_change_reason", reason),
            ("history_type", history_type),
            ("history_user", None if user is None else user.pk),
        )
    ]
    target = ", ".join([t for t, _ in pairs] + [qn(f.column) for f, _ in extra])
    source = ", ".join([s for _, s in pairs] + ["%s"] * len(extra))
    pk_column = qn(model._meta.pk.column)
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({target}) "
        f"SELECT {source} FROM {qn(model._meta.db_table)} "
        f"WHERE {pk_column} IN ({', '.join(['%s'] * len(pks))})"
    )
    params = [field.get_db_prep_save(value, connection) for field, value in extra]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pks])
