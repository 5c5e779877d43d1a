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
(views.name_contains), or the credit code in capitals. Each worker keeps 8 snapshots and one
generation (``lru_cache``): a province's list of 33,000 entries takes about 7 MB, every published
name of the benchmark's province (43,000 distinct) about 14 MB.
"""

from __future__ import annotations

import heapq
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


def case_blind(q: str) -> bool:
    """Whether a name search ignores case (views.name_contains): when the words have a letter
    with a case. A Chinese fragment or a number has none."""
    return q.lower() != q.upper()


@lru_cache(maxsize=4)
def _folded(names: tuple[str, ...], vendor: str) -> tuple[str, ...]:
    # Keyed by the names tuple (its hash is a pass over its strings' kept hashes, about 0.2 ms
    # for 33,000): worked out on a list's first case-blind search, rare with Chinese names.
    table = _upper_table(vendor)
    return tuple(name.translate(table) for name in names)


def _matching(names: tuple[str, ...], q: str) -> list[int]:
    """The indexes of the names containing ``q``, as views.name_contains() finds them: the words
    as written, or both folded as the database's case-blind LIKE folds them."""
    if case_blind(q):
        names, q = _folded(names, connection.vendor), q.translate(_upper_table(connection.vendor))
    return [i for i, name in enumerate(names) if q in name]


@lru_cache(maxsize=8)
def _snapshot_names(snapshot_id: int) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
    """A published snapshot's positions, names and credit codes, in order."""
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
    found = set(_matching(names, q))
    code = q.upper()
    if code in codes:  # rare: a valid credit code is searched by its index (views.filter_entries)
        found.update(i for i, c in enumerate(codes) if c == code)
    return [positions[i] for i in sorted(found)]


@lru_cache(maxsize=2)
def _published_names(generation: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The names of every published entry, each (credit code, name, region name) once, and
    beside each name its (credit code, region name)."""
    rows = (
        SnapshotEntry.objects.filter(snapshot__status=SnapshotStatus.PUBLISHED)
        .values_list("enterprise_name", "credit_code", "region_name")
        .order_by()
        .distinct()
    )
    names, others = [], []
    for name, code, region in rows:
        names.append(name)
        others.append((code, region))
    return tuple(names), tuple(others)


def published_enterprises(q: str, limit: int) -> list[dict]:
    """The enterprises named in a published list under a name containing ``q``: their credit
    code, and the greatest of the matching names and of their regions (as the SQL's MAX()), by
    name then code; at most ``limit``."""
    names, others = _published_names(page_cache.generation())
    best: dict[str, list[str]] = {}
    for i in _matching(names, q):
        name, (code, region) = names[i], others[i]
        seen = best.get(code)
        if seen is None:
            best[code] = [name, region]
        else:
            seen[0], seen[1] = max(seen[0], name), max(seen[1], region)
    first = heapq.nsmallest(limit, ((name, code, region) for code, (name, region) in best.items()))
    return [{"credit_code": code, "name": name, "region": region} for name, code, region in first]
