"""An enterprise's public record (企业公开档案), on the model of ECHO's Detailed Facility Report.

Fixed sections, always in the same order, each saying so when it has nothing. Every fact but the
registry identity and lines comes from published list snapshots (SnapshotEntry rows of snapshots
with status PUBLISHED) — never from cases, measures, findings or drafts — so the record shows
exactly what the departments have published, and nothing they have not:

* identity (name, code, region, industry) and lines with capacity: the registry (台账), as the
  enterprise's registration data, shown only once the enterprise is named in a published list
  (otherwise the record does not exist: 404). Without a registry row, the last published entry.
  Line status is left out: a sealed or suspended line is an enforcement measure, which is public
  only once a list says so.
* current status per dimension: the status lists (黄牌, 红牌, 超标排放, 情节严重) whose latest
  published snapshot (per list, publishing region and year) names the enterprise;
* the last 12 quarters by dimension: the lists naming it in snapshots published in each quarter
  (Beijing time), the current quarter to date included;
* measures in force: what the current status lists themselves order (限期整改, 限期拆除,
  依法关停, 限制生产或停产整治 …), restated from the published entries — the platform's Measure
  records (断电、断水、封存 …) have no publication step, so they stay internal;
* announcements: every published snapshot naming it, with its number and date;
* exits: the annual exit list entries (line, equipment, capacity, unit, year) of the current
  annual lists.

Two queries, in plain SQL: the entries (with their snapshots, and whether a newer snapshot of the
same list supersedes each), and the registry row with its lines. The ORM built the same answer in
about 10 ms a record, nearly all of it compiling the queries (bench/portal.py, docs/performance.md);
the SQL runs in under one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from html import escape

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phaseout.core import rawsql
from phaseout.core.urlformat import url_for
from phaseout.disclosure.choices import ListKind, SnapshotStatus
from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
from phaseout.regions.models import Region
from phaseout.registry.choices import CapacityUnit, EquipmentType
from phaseout.registry.models import Enterprise, Industry, ProductionLine
from phaseout.screening.choices import Dimension

# GB 32100: 18 characters of 0-9 and the capital letters other than I, O, S, V, Z.
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
QUARTERS = 12
STATUS_KINDS = (ListKind.YELLOW, ListKind.RED, ListKind.ENV_EXCEEDING, ListKind.ENV_SERIOUS)

# The enterprise's entries in published snapshots, newest publication first, each with whether it
# is current: no later snapshot of the same list, publishing region and year (or, for a list
# without a year, no later one without a year) has been published.
ENTRIES_SQL = f"""
SELECT e.case_id, e.enterprise_name, e.region_code, e.region_name, e.industry_code,
       e.industry_name, e.dimension, e.line_code, e.equipment, e.since, e.capacity,
       e.capacity_unit, s.id, s.kind, s.number, s.cut_off, s.published_at, s.year, r.name,
       NOT EXISTS (
           SELECT 1 FROM {ListSnapshot._meta.db_table} n
           WHERE n.status = %(published)s AND n.kind = s.kind AND n.region_id = s.region_id
             AND (n.year = s.year OR (n.year IS NULL AND s.year IS NULL))
             AND (n.published_at > s.published_at
                  OR (n.published_at = s.published_at AND n.id > s.id))
       )
FROM {SnapshotEntry._meta.db_table} e
JOIN {ListSnapshot._meta.db_table} s ON s.id = e.snapshot_id
JOIN {Region._meta.db_table} r ON r.id = s.region_id
WHERE e.credit_code = %(code)s AND s.status = %(published)s
ORDER BY s.published_at DESC, s.id DESC, e.position
"""
# The registry's identity of the enterprise and its lines (none: one row with NULL line columns).
IDENTITY_SQL = f"""
SELECT e.name, r.code, r.name, i.code, i.name,
       l.code, l.name, l.equipment_type, l.capacity, l.capacity_unit, l.commissioning_year
FROM {Enterprise._meta.db_table} e
JOIN {Region._meta.db_table} r ON r.id = e.region_id
JOIN {Industry._meta.db_table} i ON i.id = e.industry_id
LEFT JOIN {ProductionLine._meta.db_table} l ON l.enterprise_id = e.id
WHERE e.credit_code = %(code)s
ORDER BY l.code
"""
ENTRY_CAPACITY_PLACES = SnapshotEntry._meta.get_field("capacity").decimal_places
LINE_CAPACITY_PLACES = ProductionLine._meta.get_field("capacity").decimal_places


def measure_label(kind: str, dimension: str) -> str:
    """What a status list orders, in the words of 30号文 and derive.py's definitions."""
    if kind == ListKind.YELLOW:
        if dimension == Dimension.TECHNOLOGY:
            return _("淘汰设备限时拆除")  # 30号文 八
        return _("限期整改")
    if kind == ListKind.RED:
        return _("依法关停退出")
    if kind == ListKind.ENV_EXCEEDING:
        return _("责令限制生产或停产整治")
    return _("超标排放情节严重，报经有批准权的人民政府批准后责令停业、关闭")


@dataclass(frozen=True)
class Publication:
    """A published snapshot naming the enterprise."""

    id: int
    kind: str
    kind_label: str
    number: str
    region_name: str
    cut_off: datetime.date
    published_on: datetime.date
    year: int | None
    current: bool
    url: str


@dataclass(frozen=True)
class Listing:
    """One published entry naming the enterprise."""

    publication: Publication
    case_id: int  # only to tell entries apart; never shown
    dimension: str
    line_code: str
    equipment: str
    since: datetime.date
    capacity: Decimal | None
    capacity_unit: str


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    equipment: str
    capacity: Decimal
    capacity_unit: str
    commissioning_year: int | None


@dataclass(frozen=True)
class DimensionStatus:
    dimension: str
    label: str
    lists: list[Publication]


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    cells: list[list[str]]  # per dimension (Dimension order): the list kinds, or empty


@dataclass(frozen=True)
class MeasureRow:
    measure: str
    dimension: str
    line_code: str
    equipment: str
    since: datetime.date
    publication: Publication


@dataclass(frozen=True)
class ExitRow:
    year: int | None
    line_code: str
    equipment: str
    capacity: Decimal | None
    capacity_unit: str
    accepted_on: datetime.date
    publication: Publication


@dataclass
class Record:
    credit_code: str
    name: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    lines: list[Line] = field(default_factory=list)
    status: list[DimensionStatus] = field(default_factory=list)
    quarters: list[Quarter] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    announcements: list[Publication] = field(default_factory=list)
    exits: list[ExitRow] = field(default_factory=list)

    @property
    def dimensions(self):
        return Dimension.choices

    @cached_property
    def report_url(self) -> str:
        """Where to report an error in this record (each section adds ?section=)."""
        return url_for("public:data-error", self.credit_code)

    @property
    def quarter_rows(self) -> str:
        return quarter_rows(self.quarters)


def normalise_code(code: str) -> str | None:
    code = (code or "").strip().upper()
    return code if CREDIT_CODE.match(code) else None


def _entries(credit_code: str) -> list[tuple]:
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(ENTRIES_SQL, {"code": credit_code, "published": SnapshotStatus.PUBLISHED})
        return cursor.fetchall()


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_quarters(today: datetime.date, count: int = QUARTERS) -> list[tuple[int, int]]:
    """The quarter of ``today`` and the ``count - 1`` before it, newest first."""
    year, quarter = quarter_of(today)
    result = []
    for _i in range(count):
        result.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return result


def _quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year, 12, 31)
        if quarter == 4
        else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def public_record(code: str, *, today: datetime.date | None = None) -> Record | None:
    """The public record of the enterprise with this 统一社会信用代码, or None when no published
    list names it (or the code is not one)."""
    credit_code = normalise_code(code)
    if credit_code is None:
        return None
    rows = _entries(credit_code)
    if not rows:
        return None
    today = today or timezone.localdate()
    kinds = dict(ListKind.choices)
    publications: dict[int, Publication] = {}
    listings: list[Listing] = []
    for row in rows:
        (case_id, _name, _rc, _rn, _ic, _in, dimension, line_code, equipment, since, capacity,
         capacity_unit, sid, kind, number, cut_off, published_at, year, region_name, current) = row  # fmt: skip
        if sid not in publications:
            publications[sid] = Publication(
                id=sid,
                kind=kind,
                kind_label=str(kinds.get(kind, kind)),
                number=number,
                region_name=region_name,
                cut_off=rawsql.day(cut_off),
                published_on=timezone.localdate(rawsql.moment(published_at)),
                year=year,
                current=bool(current),
                url=url_for("public:list", kind) + f"?snapshot={sid}",
            )
        listings.append(
            Listing(
                publication=publications[sid],
                case_id=case_id,
                dimension=dimension,
                line_code=line_code,
                equipment=equipment,
                since=rawsql.day(since),
                capacity=rawsql.decimal(capacity, ENTRY_CAPACITY_PLACES),
                capacity_unit=capacity_unit,
            )
        )
    record = _identity(credit_code, rows[0])
    record.status = _status(listings)
    record.quarters = _quarters(listings, today)
    record.measures = _measures(listings)
    record.announcements = list(publications.values())
    record.exits = _exits(listings)
    return record


def _identity(credit_code: str, latest: tuple) -> Record:
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(IDENTITY_SQL, {"code": credit_code})
        rows = cursor.fetchall()
    if not rows:
        # Not (or no longer) in this registry: the identity the last published list printed.
        _case, name, region_code, region_name, industry_code, industry_name = latest[:6]
        return Record(
            credit_code=credit_code,
            name=name,
            region_code=region_code,
            region_name=region_name,
            industry_code=industry_code,
            industry_name=industry_name,
        )
    units = dict(CapacityUnit.choices)
    equipment = dict(EquipmentType.choices)
    name, region_code, region_name, industry_code, industry_name = rows[0][:5]
    lines = [
        Line(
            code=code,
            name=line_name,
            equipment=str(equipment.get(kind, kind)),
            capacity=rawsql.decimal(capacity, LINE_CAPACITY_PLACES),
            capacity_unit=str(units.get(unit, unit)),
            commissioning_year=year,
        )
        for *_identity, code, line_name, kind, capacity, unit, year in rows
        if code is not None
    ]
    return Record(
        credit_code=credit_code,
        name=name,
        region_code=region_code,
        region_name=region_name,
        industry_code=industry_code,
        industry_name=industry_name,
        lines=lines,
    )


def _status(listings: list[Listing]) -> list[DimensionStatus]:
    result = []
    for dimension, label in Dimension.choices:
        seen, lists = set(), []
        for listing in listings:
            publication = listing.publication
            if (
                listing.dimension == dimension
                and publication.current
                and publication.kind in STATUS_KINDS
                and publication.id not in seen
            ):
                seen.add(publication.id)
                lists.append(publication)
        result.append(DimensionStatus(dimension=dimension, label=str(label), lists=lists))
    return result


def _quarters(listings: list[Listing], today: datetime.date) -> list[Quarter]:
    dimensions = list(Dimension.values)
    kinds = dict(ListKind.choices)
    named: dict[tuple[int, int], list[set[str]]] = {}
    for listing in listings:
        cells = named.setdefault(
            quarter_of(listing.publication.published_on), [set() for _d in dimensions]
        )
        cells[dimensions.index(listing.dimension)].add(listing.publication.kind)
    result = []
    order = list(ListKind.values)
    for year, quarter in last_quarters(today):
        cells = named.get((year, quarter), [set() for _d in dimensions])
        start, end = _quarter_bounds(year, quarter)
        result.append(
            Quarter(
                year=year,
                quarter=quarter,
                start=start,
                end=min(end, today),
                cells=[[str(kinds[k]) for k in sorted(cell, key=order.index)] for cell in cells],
            )
        )
    return result


def quarter_rows(quarters: list[Quarter]) -> str:
    """The rows of the 12-quarter table. Built here rather than by template loops: its sixty
    cells cost the template engine more than all the record's other sections together. Every
    text is escaped by the standard library's html.escape (what Django's escape() calls, without
    its lazy-string wrapper, which cost more than the escaping)."""
    empty = f'<td><span class="text-body-secondary">{escape(_("未列入"))}</span></td>'
    rows = []
    for q in quarters:
        label = escape(_("%(year)s年第%(quarter)s季度") % {"year": q.year, "quarter": q.quarter})
        cells = "".join(
            '<td class="table-warning">'
            + "".join(f"<div>{escape(kind)}</div>" for kind in labels)
            + "</td>"
            if labels
            else empty
            for labels in q.cells
        )
        rows.append(f'<tr><th scope="row" class="text-nowrap">{label}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))  # every text escaped above


def _measures(listings: list[Listing]) -> list[MeasureRow]:
    result, seen = [], set()
    for listing in listings:
        publication = listing.publication
        if not publication.current or publication.kind not in STATUS_KINDS:
            continue
        key = (publication.kind, listing.case_id, listing.line_code)
        if key in seen:
            continue  # the same case on a county's and a city's list
        seen.add(key)
        result.append(
            MeasureRow(
                measure=measure_label(publication.kind, listing.dimension),
                dimension=listing.dimension,
                line_code=listing.line_code,
                equipment=listing.equipment,
                since=listing.since,
                publication=publication,
            )
        )
    return result


def _exits(listings: list[Listing]) -> list[ExitRow]:
    result, seen = [], set()
    for listing in listings:
        publication = listing.publication
        if publication.kind != ListKind.ANNUAL_EXIT or not publication.current:
            continue
        key = (publication.year, listing.case_id, listing.line_code)
        if key in seen:
            continue
        seen.add(key)
        result.append(
            ExitRow(
                year=publication.year,
                line_code=listing.line_code,
                equipment=listing.equipment,
                capacity=listing.capacity,
                capacity_unit=listing.capacity_unit,
                accepted_on=listing.since,
                publication=publication,
            )
        )
    return sorted(result, key=lambda e: (-(e.year or 0), e.line_code))
