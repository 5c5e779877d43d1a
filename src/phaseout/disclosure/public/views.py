"""The public portal (公开名单): published lists, no log-in.

Only published snapshots are ever read here (``ListSnapshot.objects.published()``); a draft or
reviewed snapshot is a 404 like one that does not exist. Entries show their plain published
data only — never the case id, the enterprise id or the officers who prepared, reviewed or
published the list. The case number (案件编号) is the platform's internal file number, not the
文号 of a served document, so it stays off the public pages and downloads too.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from openpyxl import Workbook

from phaseout.core.exports import csv_chunks, neutralise
from phaseout.core.forms import add_service_error
from phaseout.core.urlformat import url_for
from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind, RecordSection, SnapshotStatus
from phaseout.disclosure.models import DataErrorReport, ListSnapshot, SnapshotEntry
from phaseout.disclosure.public import cache as page_cache
from phaseout.disclosure.public import names
from phaseout.disclosure.public.cache import public_page
from phaseout.disclosure.public.record import normalise_code, public_record
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


@public_page
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


def _find_snapshot(kind: ListKind, snapshot_id: str, at_code: str) -> ListSnapshot | None:
    """The published snapshot a list page shows: the one asked for (?snapshot=), else the
    latest at the publishing region asked for (?at=), else at the top of the tree."""
    published = ListSnapshot.objects.published().filter(kind=kind).select_related("region")
    if snapshot_id:
        if not snapshot_id.isdigit():
            raise Http404
        snapshot = published.filter(pk=snapshot_id).first()
        if snapshot is None:
            raise Http404
        return snapshot
    at = _region(at_code)
    latest = published.order_by("-published_at", "-id")
    if at is not None:
        return latest.filter(region=at).first()
    return latest.filter(region__code__in=_top_codes(published)).first()


@lru_cache(maxsize=512)
def _kept_snapshot(generation: str, period: int, kind, snapshot_id, at_code):
    return _find_snapshot(kind, snapshot_id, at_code)


@lru_cache(maxsize=512)
def _kept_earlier(generation: str, period: int, snapshot: ListSnapshot) -> list[ListSnapshot]:
    return list(_earlier(snapshot))


def _earlier(snapshot: ListSnapshot):
    """Every published snapshot of the same list, region and year, newest first."""
    return (
        ListSnapshot.objects.published()
        .filter(kind=snapshot.kind, region=snapshot.region, year=snapshot.year)
        .order_by("-published_at", "-id")
    )


def _kept(function, *args):
    """``function(*args)``, kept in the worker under the publication generation for the page
    cache's lifetime (PHASEOUT_PUBLIC_CACHE_SECONDS; 0: not kept). Which snapshot a list page
    shows, and the earlier ones, change only with a publication — and the regions asked for
    with ?at= hardly ever: a renamed region shows within the lifetime, as on a kept page. Three
    to four ORM queries fewer for a list page not kept, a search among them. The snapshots
    kept are published (models.Immutable) and never changed by the views."""
    seconds = settings.PHASEOUT_PUBLIC_CACHE_SECONDS
    if seconds <= 0:
        return function.__wrapped__("", 0, *args)  # lru_cache's function itself: nothing kept
    return function(page_cache.generation(), int(time.time() // seconds), *args)


def _select(request, kind: ListKind) -> Selection:
    snapshot = _kept(
        _kept_snapshot, kind, request.GET.get("snapshot", ""), request.GET.get("at") or ""
    )
    params = entry_params(request.GET)
    if snapshot is None:
        return Selection(None, SnapshotEntry.objects.none(), params)
    return Selection(snapshot, filter_entries(snapshot.entries.all(), params), params)


ENTRY_FILTERS = ("q", "region", "industry", "dimension", "year")


def entry_params(query) -> dict[str, str]:
    """The search and filters of a list page (and of the public API's entries)."""
    return {name: str(query.get(name, "")).strip() for name in ENTRY_FILTERS}


def name_contains(q: str) -> Q:
    """Names containing ``q``: case-blind only when ``q`` has letters with a case. A Chinese
    fragment or a number gains nothing from UPPER(), which costs PostgreSQL twice the scan."""
    lookup = "icontains" if names.case_blind(q) else "contains"
    return Q(**{f"enterprise_name__{lookup}": q})


def filter_entries(entries: QuerySet, params: dict[str, str]) -> QuerySet:
    """One list's entries after the search (name or credit code) and the filters."""
    if params["q"]:
        code = normalise_code(params["q"])
        if code is not None:
            # A credit code (GB 32100): found by its index; no name holds one, so the names
            # need no scan.
            entries = entries.filter(credit_code=code)
        else:
            entries = entries.filter(
                name_contains(params["q"]) | Q(credit_code=params["q"].upper())
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
        if not (params["year"].isdigit() and 1 <= int(params["year"]) <= 9999):
            entries = entries.none()
        else:
            entries = entries.filter(since__year=int(params["year"]))
    return entries.order_by("position")


def _top_codes(published: QuerySet) -> list[str]:
    """The codes of the highest publishing regions (those no other publishing region contains)."""
    regions = list(Region.objects.filter(pk__in=published.values("region_id")))
    return [
        r.code
        for r in regions
        if not any(o.pk != r.pk and o.contains(r) and o.code != r.code for o in regions)
    ]


# A published snapshot and its entries never change (models.Immutable), so what is computed from
# them alone — the filters' options, the number of rows a search finds — is kept in the cache
# under the snapshot's id without expiry: no invalidation is ever needed.
FACETS_KEY = "phaseout:snapshot-facets:{id}"
COUNT_KEY = "phaseout:snapshot-count:{id}:{params}"


def facets(snapshot: ListSnapshot) -> dict:
    """The regions, industries and years a list's filters offer."""

    def compute() -> dict:
        options = snapshot.entries.order_by()
        return {
            "regions": list(
                options.values_list("region_code", "region_name").distinct().order_by("region_code")
            ),
            "industries": list(
                options.values_list("industry_code", "industry_name")
                .distinct()
                .order_by("industry_code")
            ),
            "years": sorted({d.year for d in options.dates("since", "year")}, reverse=True),
        }

    if snapshot.status != SnapshotStatus.PUBLISHED:
        return compute()
    return cache.get_or_set(FACETS_KEY.format(id=snapshot.pk), compute, timeout=None)


def count_entries(snapshot: ListSnapshot, entries: QuerySet, params: dict[str, str]) -> int:
    """How many rows the search and filters leave, counted once and kept."""
    key = COUNT_KEY.format(id=snapshot.pk, params=hashlib.sha256(repr(params).encode()).hexdigest())
    return cache.get_or_set(key, entries.count, timeout=None)


def options(choices, selected: str) -> str:
    """A select's <option>s, the chosen one marked. Built here rather than by a template loop: a
    province's list offers hundreds of regions and industries, and the template engine would
    spend more on them than on the page's fifty rows. Escaped as entry_rows() escapes."""
    return mark_safe(  # every text escaped
        "".join(
            f'<option value="{escape(str(value))}"'
            f"{' selected' if str(value) == selected else ''}>{escape(str(label))}</option>"
            for value, label in choices
        )
    )


def entry_rows(entries) -> str:
    """A list page's table rows. Built here rather than by a template loop for the same reason as
    options(): fifty rows of ten cells were two thirds of the page's rendering time. Every text
    is escaped by the standard library's html.escape, what Django's escape() calls, without the
    lazy-string wrapper that cost more than the escaping."""
    dimensions = {value: str(label) for value, label in Dimension.choices}
    rows = []
    for e in entries:
        name = escape(e.enterprise_name)
        if e.credit_code:
            url = url_for("public:enterprise", e.credit_code)
            name = f'<a href="{escape(url)}">{name}</a>'
        equipment = escape(e.equipment)
        if e.line_code:
            equipment += f' <span class="text-body-secondary">{escape(e.line_code)}</span>'
        capacity = "" if e.capacity is None else escape(f"{e.capacity} {e.capacity_unit}")
        rows.append(
            f"<tr><td>{e.position}</td><td>{name}</td>"
            f'<td class="text-nowrap">{escape(e.credit_code)}</td>'
            f"<td>{escape(e.region_name)}</td><td>{escape(e.industry_name)}</td>"
            f"<td>{escape(dimensions.get(e.dimension, e.dimension))}</td><td>{equipment}</td>"
            f'<td class="text-end text-nowrap">{capacity}</td>'
            f'<td class="text-nowrap">{e.since.isoformat()}</td><td>{escape(e.reason)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text escaped above


class ByPosition:
    """A snapshot's entries for the paginator, a page fetched by its positions instead of OFFSET,
    which walks every earlier row: page 600 of a province's list costs what page 1 does. All of
    them (positions 1 … n, gap-free from prepare_list), or those at ``positions`` (a name
    search's, found in memory by names.py)."""

    def __init__(self, snapshot: ListSnapshot, positions: list[int] | None = None):
        self.snapshot, self.positions = snapshot, positions

    def count(self) -> int:
        return self.snapshot.entry_count if self.positions is None else len(self.positions)

    __len__ = count

    def __getitem__(self, window: slice) -> list[SnapshotEntry]:
        entries = self.snapshot.entries.all()
        if self.positions is None:
            entries = entries.filter(position__gt=window.start or 0, position__lte=window.stop)
        else:
            entries = entries.filter(position__in=self.positions[window])
        return list(entries.order_by("position"))


def _name_search_only(snapshot: ListSnapshot | None, params: dict[str, str]) -> bool:
    """A published list searched by name alone (no filter, not a credit code): names.py's."""
    return (
        snapshot is not None
        and snapshot.status == SnapshotStatus.PUBLISHED
        and bool(params["q"])
        and not any(v for k, v in params.items() if k != "q")
        and normalise_code(params["q"]) is None
    )


@public_page
@require_GET
def list_entries(request, kind: str):
    kind = _kind(kind)
    selection = _select(request, kind)
    snapshot = selection.snapshot
    if snapshot is not None and not any(selection.params.values()):
        paginator = Paginator(ByPosition(snapshot), PAGE_SIZE)
    elif _name_search_only(snapshot, selection.params):
        positions = names.snapshot_positions(snapshot.pk, selection.params["q"])
        paginator = Paginator(ByPosition(snapshot, positions), PAGE_SIZE)
    else:
        paginator = Paginator(selection.entries, PAGE_SIZE)
        if snapshot is not None:
            paginator.count = count_entries(snapshot, selection.entries, selection.params)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "snapshot": snapshot,
        "page": page,
        "rows": entry_rows(page.object_list),
        "params": selection.params,
    }
    if snapshot is not None:
        offered, chosen = facets(snapshot), selection.params
        context |= {
            "earlier": _kept(_kept_earlier, snapshot),
            "region_options": options(offered["regions"], chosen["region"]),
            "industry_options": options(offered["industries"], chosen["industry"]),
            "dimension_options": options(Dimension.choices, chosen["dimension"]),
            "year_options": options(((y, y) for y in offered["years"]), chosen["year"]),
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


# — 企业公开档案 (an enterprise's public record) —


@public_page
@require_GET
def enterprise(request, credit_code: str):
    """/public/enterprises/<code>/: the record, or 404 when no published list names it."""
    record = public_record(credit_code)
    if record is None:
        raise Http404
    if record.credit_code != credit_code:
        return redirect("public:enterprise", record.credit_code)
    # The data-error form is a page of its own (linked from every section), so the record
    # renders no form.
    return render(request, "disclosure/public/enterprise.html", {"record": record})


SEARCH_LIMIT = 50


SEARCH_RATE = "60/m"
SEARCH_GROUP = "public-enterprise-search"


@public_page  # a kept answer costs no search, and counts towards no limit
@require_GET
def enterprise_search(request):
    """/public/enterprises/?q=: by credit code (straight to the record) or by name (the
    enterprises named in a published list whose published name contains the words).

    A name search scans the published entries (no index serves "contains"), so it wants two
    characters at least and is rate-limited per address. A credit code is looked up by its
    index and counts towards no limit: the limit protects the scan, and its count is a write."""
    q = request.GET.get("q", "").strip()[:100]
    results = []
    if len(q) >= 2:
        code = normalise_code(q)
        published = SnapshotEntry.objects.filter(snapshot__status=SnapshotStatus.PUBLISHED)
        if code is not None and published.filter(credit_code=code).exists():
            return redirect("public:enterprise", code)
        if is_ratelimited(request, group=SEARCH_GROUP, key="ip", rate=SEARCH_RATE, increment=True):
            return render(
                request, "disclosure/public/search.html", {"q": q, "limited": True}, status=429
            )
        # The same as published.filter(name_contains(q)).values("credit_code").annotate(
        # name=Max("enterprise_name"), region=Max("region_name")).order_by("name",
        # "credit_code"), found in the names kept in memory (names.py) instead of a scan.
        results = names.published_enterprises(q, SEARCH_LIMIT + 1)
    return render(
        request,
        "disclosure/public/search.html",
        {"q": q, "results": results[:SEARCH_LIMIT], "more": len(results) > SEARCH_LIMIT},
    )


# — 报告数据错误 (report a data error) —


class DataErrorForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("哪里有误"),
        max_length=services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=gettext_lazy("请写明有误的内容和正确的情况；请勿填写个人隐私。"),
    )
    section = forms.ChoiceField(
        label=gettext_lazy("所涉部分（可选）"),
        choices=[("", gettext_lazy("不确定"))] + list(RecordSection.choices),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("回复邮箱（可选）"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("只用于向您确认收到；加密保存，仅承办部门可见。"),
    )


DATA_ERROR_RATE = "5/h"


@ratelimit(group="public-data-error", key="ip", rate=DATA_ERROR_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def data_error(request, credit_code: str):
    """/public/enterprises/<code>/data-error/: the form (also on the record) and its handling."""
    record = public_record(credit_code)
    if record is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = DataErrorForm(request.POST)
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            status = 429
        elif form.is_valid():
            try:
                report = services.report_data_error(
                    credit_code=record.credit_code, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return render(
                    request,
                    "disclosure/public/data_error_done.html",
                    {"report": report, "record": record},
                )
        if status == 200:
            status = 400
    else:
        section = request.GET.get("section", "")
        form = DataErrorForm(
            initial={"section": section if section in RecordSection.values else ""}
        )
    return render(
        request,
        "disclosure/public/data_error_form.html",
        {"record": record, "form": form},
        status=status,
    )


@ratelimit(group="public-data-error-status", key="ip", rate="60/h", block=False)
@require_GET
def data_error_status(request, reference: str | None = None):
    """/public/data-errors/<reference>/ (and ?reference=): where a report stands."""
    reference = (reference or request.GET.get("reference", "")).strip().upper()[:20]
    report = None
    if reference and getattr(request, "limited", False):
        return render(
            request,
            "disclosure/public/data_error_status.html",
            {"reference": reference, "limited": True},
            status=429,
        )
    if reference:
        report = DataErrorReport.objects.filter(reference=reference).first()
        if report is None and request.GET.get("reference") is None:
            raise Http404
    return render(
        request,
        "disclosure/public/data_error_status.html",
        {"reference": reference, "report": report},
        status=404 if reference and report is None else 200,
    )


# — Atom feed of publications —


class PublicationsFeed(Feed):
    """/public/feed.atom: the newest published snapshots (?kind=, ?region= a code: that region
    and everything under it)."""

    feed_type = Atom1Feed
    limit = 50

    def get_object(self, request):
        kind = request.GET.get("kind", "")
        if kind and kind not in ListKind.values:
            raise Http404
        return {"kind": kind, "region": _region(request.GET.get("region"))}

    def title(self, obj):
        title = _("落后产能退出信息公开：名单公布")
        if obj["kind"]:
            title += " · " + str(ListKind(obj["kind"]).label)
        if obj["region"]:
            title += " · " + obj["region"].name
        return title

    def link(self, obj):
        return reverse("public:index")

    def subtitle(self, obj):
        return _("新公布的名单（依据工信部联产业〔2017〕30号 二十一）。")

    def items(self, obj):
        qs = ListSnapshot.objects.published().select_related("region")
        if obj["kind"]:
            qs = qs.filter(kind=obj["kind"])
        qs = _within(qs, "region__code", obj["region"])
        return qs.only(
            "id",
            "kind",
            "number",
            "cut_off",
            "year",
            "published_at",
            "entry_count",
            "region__name",
            "region__code",
        ).order_by("-published_at", "-id")[: self.limit]

    def item_title(self, item):
        return f"{item.number} {item.get_kind_display()} · {item.region.name}"

    def item_description(self, item):
        return _("截止日期 %(cut_off)s，共 %(count)d 条。") % {
            "cut_off": item.cut_off.isoformat(),
            "count": item.entry_count,
        }

    def item_link(self, item):
        return url_for("public:list", item.kind) + f"?snapshot={item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
