"""Values read by plain SQL (``connection.cursor()``), made the same on both databases.

The ORM converts a column to its field's Python type; a plain cursor gives what the driver gives:
PostgreSQL (psycopg) dates, aware timestamps and Decimals, SQLite text or naive UTC timestamps
and floats. Plain SQL is used where the ORM's query compilation costs more than the query
(standards/sql.py's screening scan, disclosure/public/record.py's public record).

``prepared_cursor()`` runs the few fixed queries a public page runs on every visit as prepared
statements on PostgreSQL: planned once per connection, not on every execution. Planning the public
record's two queries took 0.4 ms of PostgreSQL's time; running them, 0.1 ms (docs/performance.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection
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


def prepared_cursor():
    """A cursor of the default connection whose queries PostgreSQL plans once per connection.

    Django's cursors bind parameters on the client, and psycopg prepares no such query. This one
    binds them on the server, and the connection prepares every query such a cursor runs
    (``prepare_threshold`` 0 in settings.py; the ORM's cursors stay as they were). It is wrapped
    as Django wraps its own cursors, so query logging, counting and execute wrappers see it.
    With ``PHASEOUT_DB_PREPARE=0`` (behind a pooler in transaction mode, which loses prepared
    statements between transactions), and on SQLite, it is an ordinary cursor."""
    if connection.vendor != "postgresql" or not settings.PHASEOUT_DB_PREPARE:
        return connection.cursor()
    import psycopg  # only with PostgreSQL

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
