"""The published enterprise names, kept in the worker's memory for the public name searches.

A name search asks for names *containing* a fragment — most often two characters of a trade
name (祥嘉, 通天). No index serves that: PostgreSQL read every entry of a province's list (33,000
rows, 5 ms) or of every published list (107,000 rows, 14 ms) for each search, and a trigram index
(pg_trgm) needs three characters. Python finds a fragment among the same names in a fifth of
that time once they are in memory (bench/portal.py, docs/performance.md). What is kept never goes
stale:

* a published snapshot's entries never change (models.Immutable): its names are kept under its id;
* the names of every published list are kept under the publication generation (cache.py), which
  changes with each publication.

Matching is the SQL's: the fragment as written, or case-blind when it has letters with a case
(views.name_contains), or the credit code in capitals. Each worker keeps a few snapshots and one
generation (``lru_cache``): a province's list is about 3 MB.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection

from phaseout.disclosure.choices import SnapshotStatus
from phaseout.disclosure.models import SnapshotEntry
from phaseout.disclosure.public import cache as page_cache


@lru_cache(maxsize=2)
def _upper_table(vendor: str) -> dict[int, str]:
    """What the database's case-blind LIKE folds: SQLite's LIKE only the ASCII letters;
    PostgreSQL's UPPER() each character to its one-character upper case (ß stays ß, where
    Python's str.upper() gives SS)."""
    if vendor == "sqlite":
        return {ord(c): c.upper() for c in "abcdefghijklmnopqrstuvwxyz"}
    table = {}
    for point in range(0x30000):
        upper = chr(point).upper()
        if len(upper) == 1 and upper != chr(point):
            table[point] = upper
    return table


def _matcher(q: str):
    """A test of one name, as views.name_contains() and the SQL it writes on this database."""
    if q.lower() != q.upper():
        table = _upper_table(connection.vendor)
        upper = q.translate(table)
        return lambda name: upper in name.translate(table)
    return lambda name: q in name


@lru_cache(maxsize=8)
def _snapshot_names(snapshot_id: int) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
    rows = (
        SnapshotEntry.objects.filter(snapshot_id=snapshot_id)
        .order_by("position")
        .values_list("position", "enterprise_name", "credit_code")
    )
    positions, names, codes = zip(*rows, strict=True) if rows else ((), (), ())
    return positions, names, codes


def snapshot_positions(snapshot_id: int, q: str) -> list[int]:
    """The positions, in order, of a published snapshot's entries whose name contains ``q`` or
    whose credit code is ``q`` in capitals."""
    positions, names, codes = _snapshot_names(snapshot_id)
    matches, code = _matcher(q), q.upper()
    return [
        p for p, name, c in zip(positions, names, codes, strict=True) if matches(name) or c == code
    ]


@lru_cache(maxsize=2)
def _published_names(generation: str) -> tuple[tuple[str, str, str], ...]:
    """(credit code, name, region name), each combination once, of every published entry."""
    return tuple(
        SnapshotEntry.objects.filter(snapshot__status=SnapshotStatus.PUBLISHED)
        .values_list("credit_code", "enterprise_name", "region_name")
        .order_by()
        .distinct()
    )


def published_enterprises(q: str, limit: int) -> list[dict]:
    """The enterprises named in a published list under a name containing ``q``: their credit
    code, and the greatest of the matching names and of their regions (as the SQL's MAX()), by
    name then code; at most ``limit``."""
    matches = _matcher(q)
    found: dict[str, dict] = {}
    for code, name, region in _published_names(page_cache.generation()):
        if matches(name):
            seen = found.get(code)
            if seen is None:
                found[code] = {"credit_code": code, "name": name, "region": region}
            else:
                seen["name"] = max(seen["name"], name)
                seen["region"] = max(seen["region"], region)
    return sorted(found.values(), key=lambda r: (r["name"], r["credit_code"]))[:limit]
