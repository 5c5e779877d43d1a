"""The public portal (公开名单): published lists, no log-in.

Only published snapshots are ever read here (``ListSnapshot.objects.published()``); a draft or
reviewed snapshot is a 404 like one that does not exist. Entries show their plain published
data only — never the case id, the enterprise id or the officers who prepared, reviewed or
published the list. The case number (案件编号) is the platform's internal file number, not the
文号 of a served document, so it stays off the public pages and downloads too.
"""

from __future__ import annotations

import datetime
import itertools
import tempfile
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from phaseout.core.exports import csv_chunks, neutralise
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
from phaseout.regions.models import Region, code_prefix
from phaseout.screening.choices import Dimension

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _region(code: str | None) -> Region | None:
    """The current region with this code, or None for the whole deployment."""
    if not code:
        return None
    region = Region.objects.current().filter(code=code).first()
    if region is None:
        raise Http404
    return region


def _within(qs: QuerySet, field: str, region: Region | None) -> QuerySet:
    return qs if region is None else qs.filter(**{f"{field}__startswith": region.prefix})


def _kind(kind: str) -> ListKind:
    if kind not in ListKind.values:
        raise Http404
    return ListKind(kind)


@require_GET
def index(request):
    """Each list with the latest published snapshot of every region publishing it."""
    region = _region(request.GET.get("region"))
    published = ListSnapshot.objects.published().select_related("region")
    regions = Region.objects.filter(pk__in=published.values("region_id").distinct()).order_by(
        "code"
    )
    latest: dict[str, dict[int, ListSnapshot]] = {kind: {} for kind in ListKind.values}
    for snapshot in _within(published, "region__code", region).order_by("-published_at", "-id"):
        latest[snapshot.kind].setdefault(snapshot.region_id, snapshot)
    kinds = [
        (kind, sorted(latest[kind].values(), key=lambda s: s.region.code)) for kind in ListKind
    ]
    return render(
        request,
        "disclosure/public/index.html",
        {"kinds": kinds, "regions": regions, "region": region},
    )


@dataclass
class Selection:
    """The published snapshot a list page shows and its entries after search and filters."""

    snapshot: ListSnapshot | None
    entries: QuerySet
    params: dict[str, str]


def _select(request, kind: ListKind) -> Selection:
    published = ListSnapshot.objects.published().filter(kind=kind).select_related("region")
    snapshot_id = request.GET.get("snapshot", "")
    if snapshot_id:
        if not snapshot_id.isdigit():
            raise Http404
        snapshot = published.filter(pk=snapshot_id).first()
        if snapshot is None:
            raise Http404
    else:
        # The latest at the publishing region asked for (?at=), else at the top of the tree.
        at = _region(request.GET.get("at"))
        latest = published.order_by("-published_at", "-id")
        if at is not None:
            snapshot = latest.filter(region=at).first()
        else:
            snapshot = latest.filter(region__code__in=_top_codes(published)).first()
    params = {
        name: request.GET.get(name, "").strip()
        for name in ("q", "region", "industry", "dimension", "year")
    }
    if snapshot is None:
        return Selection(None, SnapshotEntry.objects.none(), params)
    entries = snapshot.entries.all()
    if params["q"]:
        entries = entries.filter(
            Q(enterprise_name__icontains=params["q"]) | Q(credit_code__iexact=params["q"])
        )
    if params["region"]:
        region = Region.objects.filter(code=params["region"]).order_by("-valid_from").first()
        prefix = code_prefix(region.code, region.level) if region else params["region"]
        entries = entries.filter(region_code__startswith=prefix)
    if params["industry"]:
        entries = entries.filter(industry_code=params["industry"])
    if params["dimension"]:
        entries = entries.filter(dimension=params["dimension"])
    if params["year"]:
        if not params["year"].isdigit():
            entries = entries.none()
        else:
            entries = entries.filter(since__year=int(params["year"]))
    return Selection(snapshot, entries.order_by("position"), params)


def _top_codes(published: QuerySet) -> list[str]:
    """The codes of the highest publishing regions (those no other publishing region contains)."""
    regions = list(Region.objects.filter(pk__in=published.values("region_id")))
    return [
        r.code
        for r in regions
        if not any(o.pk != r.pk and o.contains(r) and o.code != r.code for o in regions)
    ]


@require_GET
def list_entries(request, kind: str):
    kind = _kind(kind)
    selection = _select(request, kind)
    snapshot = selection.snapshot
    page = Paginator(selection.entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"kind": kind, "snapshot": snapshot, "page": page, "params": selection.params}
    if snapshot is not None:
        options = snapshot.entries.order_by()
        context |= {
            "earlier": ListSnapshot.objects.published()
            .filter(kind=kind, region=snapshot.region, year=snapshot.year)
            .order_by("-published_at", "-id"),
            "regions": options.values_list("region_code", "region_name")
            .distinct()
            .order_by("region_code"),
            "industries": options.values_list("industry_code", "industry_name")
            .distinct()
            .order_by("industry_code"),
            "years": sorted({d.year for d in options.dates("since", "year")}, reverse=True),
            "dimensions": Dimension.choices,
            "query": _query(request, drop={"page"}),
        }
    return render(request, "disclosure/public/list.html", context)


def _query(request, *, drop: set[str]) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


def _headers() -> list[str]:
    return [
        _("序号"),
        _("企业名称"),
        _("统一社会信用代码"),
        _("行政区划代码"),
        _("行政区划"),
        _("行业代码"),
        _("行业"),
        _("维度"),
        _("生产线编号"),
        _("设备（生产线）"),
        _("产能"),
        _("产能单位"),
        _("列入日期"),
        _("事由"),
    ]


def _rows(entries: QuerySet):
    dimensions = dict(Dimension.choices)
    for e in entries.iterator(chunk_size=2000):
        yield [
            e.position,
            e.enterprise_name,
            e.credit_code,
            e.region_code,
            e.region_name,
            e.industry_code,
            e.industry_name,
            str(dimensions.get(e.dimension, e.dimension)),
            e.line_code,
            e.equipment,
            e.capacity,
            e.capacity_unit,
            e.since,
            e.reason,
        ]


def _filename(kind: ListKind, snapshot: ListSnapshot | None, ext: str) -> str:
    day = snapshot.cut_off if snapshot else timezone.localdate()
    return f"{kind.value}-{snapshot.region.code if snapshot else 'none'}-{day:%Y%m%d}.{ext}"


@require_GET
def download_csv(request, kind: str):
    kind = _kind(kind)
    selection = _select(request, kind)
    response = StreamingHttpResponse(
        csv_chunks(itertools.chain([_headers()], _rows(selection.entries))),
        content_type="text/csv; charset=utf-8",
    )
    name = _filename(kind, selection.snapshot, "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def download_xlsx(request, kind: str):
    kind = _kind(kind)
    selection = _select(request, kind)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(kind.label)[:31])
    sheet.append(_headers())
    for cells in _rows(selection.entries):
        sheet.append([_cell(cell) for cell in cells])
    target = tempfile.TemporaryFile()
    book.save(target)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=_filename(kind, selection.snapshot, "xlsx"),
        content_type=XLSX_TYPE,
    )


def _cell(value):
    if isinstance(value, datetime.date):
        return value
    if value is not None and not isinstance(value, (int, str)):
        value = float(value)  # Decimal capacity: a number in the sheet
    return neutralise(value)
