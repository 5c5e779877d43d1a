"""Values read by plain SQL (``connection.cursor()``), made the same on both databases.

The ORM converts a column to its field's Python type; a plain cursor gives what the driver gives:
PostgreSQL (psycopg) dates, aware timestamps and Decimals, SQLite text or naive UTC timestamps
and floats. Plain SQL is used where the ORM's query compilation costs more than the query
(standards/sql.py's screening scan, disclosure/public/record.py's public record).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone


def day(value) -> datetime.date:
    """A DATE column: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def moment(value) -> datetime.datetime:
    """A timestamp column: aware (PostgreSQL) or naive UTC, maybe text (SQLite, which Django
    writes in UTC)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def decimal(value, places: int) -> Decimal | None:
    """A DECIMAL column: a Decimal (PostgreSQL) or a number (SQLite), to the field's places as
    the ORM would give it."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
