"""The public portal: published lists only, readable by anyone, searchable, downloadable safely."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
from tests.enforcement.conftest import at

D = datetime.date
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","点此")'


def entry(snapshot, position, **fields):
    data = {
        "enterprise_id": position,
        "enterprise_name": f"企业{position}",
        "credit_code": f"91990102MA{position:08d}",
        "region_code": "990102",
        "region_name": "城东区",
        "industry_code": "3011",
        "industry_name": "水泥制造",
        "dimension": "ENERGY",
        "case_id": 900000 + position,
        "case_number": f"内部案号-{position}",
        "line_code": f"L{position}",
        "equipment": "φ3.2×50m 回转窑",
        "since": D(2026, 2, 1),
        "capacity": Decimal("600000"),
        "capacity_unit": "t/a",
        "reason": "单位产品能耗超过限额",
    }
    data.update(fields)
    return SnapshotEntry.objects.create(snapshot=snapshot, position=position, **data)


def draft(region, cut_off, rows, *, by):
    """A draft prepared through the service (no cases: empty), then filled with plain rows."""
    snapshot = services.prepare_list(ListKind.YELLOW, region=region, cut_off=cut_off, by=by)
    for position, fields in enumerate(rows, start=1):
        entry(snapshot, position, **fields)
    ListSnapshot.objects.filter(pk=snapshot.pk).update(entry_count=len(rows))
    return snapshot


def publish(snapshot, *, reviewer):
    snapshot = services.review_list(snapshot, by=reviewer)
    return services.publish_list(snapshot, by=reviewer)


@pytest.fixture
def published(jurisdiction, county_officer, reviewer):
    rows = [
        {"enterprise_name": SCRIPT, "reason": SCRIPT},
        {"enterprise_name": FORMULA, "credit_code": "+1990102MA00000002"},
        {
            "enterprise_name": "北山建材有限公司",
            "region_code": "990121",
            "region_name": "北山县",
            "dimension": "SAFETY",
            "since": D(2025, 11, 3),
        },
    ]
    return publish(
        draft(jurisdiction["east"], D(2026, 3, 1), rows, by=county_officer), reviewer=reviewer
    )


def list_url(**params):
    url = reverse("public:list", args=[ListKind.YELLOW])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def names(response):
    return [e.enterprise_name for e in response.context["page"].object_list]


def test_anyone_reads_the_index_and_the_latest_list(client, published):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert published.number in response.text and "〔2026〕黄牌第1号" in response.text
    assert reverse("login") not in response.text  # no officer navigation
    for name in ("public-tipoffs:submit", "public-tipoffs:outcomes", "public:feed"):
        assert f'href="{reverse(name)}"' in response.text, name  # the portal's own sections
    response = client.get(list_url())
    assert response.status_code == 200 and response.context["snapshot"] == published
    assert len(names(response)) == 3


def test_nothing_internal_shows(client, published):
    text = client.get(list_url()).text
    for entry in published.entries.all():
        assert entry.case_number not in text
    assert "east_officer" not in text and "east_officer_2" not in text
    csv_url = reverse("public:list-csv", args=[ListKind.YELLOW])
    assert "内部案号" not in b"".join(client.get(csv_url).streaming_content).decode()


def test_drafts_and_reviewed_lists_never_show(client, jurisdiction, county_officer, reviewer):
    snapshot = draft(
        jurisdiction["east"], D(2026, 3, 1), [{"enterprise_name": "草稿企业"}], by=county_officer
    )
    for state in ("draft", "reviewed"):
        assert client.get(list_url(snapshot=snapshot.pk)).status_code == 404
        assert (
            client.get(
                reverse("public:list-csv", args=[ListKind.YELLOW]) + f"?snapshot={snapshot.pk}"
            ).status_code
            == 404
        )
        response = client.get(list_url())
        assert response.context["snapshot"] is None and "草稿企业" not in response.text
        assert "草稿企业" not in client.get(reverse("public:index")).text
        if state == "draft":
            snapshot = services.review_list(snapshot, by=reviewer)
    assert client.get(reverse("public:list", args=["nonsense"])).status_code == 404


def test_search_and_filters(client, published):
    assert names(client.get(list_url(q="北山"))) == ["北山建材有限公司"]
    assert names(client.get(list_url(q="91990102MA00000001"))) == [SCRIPT]
    assert names(client.get(list_url(region="990121"))) == ["北山建材有限公司"]
    assert len(names(client.get(list_url(region="990100")))) == 3  # the city contains both
    assert names(client.get(list_url(dimension="SAFETY"))) == ["北山建材有限公司"]
    assert names(client.get(list_url(year="2025"))) == ["北山建材有限公司"]
    assert names(client.get(list_url(industry="3011", year="2026"))) == [SCRIPT, FORMULA]
    assert names(client.get(list_url(year="abc"))) == []


def test_script_in_any_field_is_escaped_on_every_public_page(client, published):
    pages = [
        reverse("public:index"),
        list_url(),
        list_url(snapshot=published.pk),
        list_url(q="script"),
    ]
    for url in pages:
        text = client.get(url).text
        assert SCRIPT not in text
    text = client.get(list_url()).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("&lt;script&gt;") >= 2  # the name and the reason


def test_csv_download_is_formula_safe_with_a_bom(client, published):
    response = client.get(reverse("public:list-csv", args=[ListKind.YELLOW]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][1] == "企业名称" and len(rows) == 4
    assert rows[2][1] == "'" + FORMULA and rows[2][2] == "'+1990102MA00000002"
    assert rows[1][1] == SCRIPT  # a download is data, not HTML
    searched = client.get(reverse("public:list-csv", args=[ListKind.YELLOW]) + "?q=北山")
    assert len(list(csv.reader(io.StringIO(b"".join(searched.streaming_content).decode())))) == 2


def test_xlsx_download_is_formula_safe(client, published):
    response = client.get(reverse("public:list-xlsx", args=[ListKind.YELLOW]) + "?dimension=ENERGY")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 3 and rows[0][1] == "企业名称"
    assert rows[2][1] == "'" + FORMULA and rows[2][10] == 600000
    assert all(not (isinstance(c, str) and c.startswith("=")) for row in rows for c in row)


def test_an_older_snapshot_stays_readable_after_a_newer_one(
    client, published, jurisdiction, county_officer, reviewer
):
    with at("2026-03-05"):
        # The same cases stay on the list (no delisting to check against case files).
        rows = [{"enterprise_name": "新企业"}, {}, {}]
        newer = publish(
            draft(jurisdiction["east"], D(2026, 3, 4), rows, by=county_officer), reviewer=reviewer
        )
    assert newer.number == "〔2026〕黄牌第2号"
    latest = client.get(list_url())
    assert latest.context["snapshot"] == newer and names(latest)[0] == "新企业"
    assert published.number in latest.text  # listed among the earlier publications
    older = client.get(list_url(snapshot=published.pk))
    assert older.status_code == 200 and len(names(older)) == 3
    index = client.get(reverse("public:index")).text
    assert newer.number in index and published.number not in index  # latest per region


def test_search_is_case_blind_for_latin_letters_and_credit_codes(client, published):
    assert names(client.get(list_url(q="SCRIPT"))) == [SCRIPT]  # <script>… in lower case
    assert names(client.get(list_url(q="91990102ma00000001"))) == [SCRIPT]
    page = client.get(list_url(q="北山"))
    assert page.context["page"].paginator.count == 1


def test_a_published_list_s_options_and_counts_are_computed_once(client, published):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    cold = queries(list_url(dimension="SAFETY"))
    warm = queries(list_url(dimension="SAFETY"))
    # Kept under the snapshot's id: the three option queries and the count run once.
    assert cold - warm == 4
    cache.clear()
    assert queries(list_url(dimension="SAFETY")) == cold
    # A search by name alone reads the list's names once (names.py), then no count and no scan:
    # the page's rows by their positions.
    assert queries(list_url(q="北山")) == warm + 1
    assert queries(list_url(q="北山")) == warm
    # Unfiltered, the count is the snapshot's own.
    assert queries(list_url()) == warm
    assert client.get(list_url()).context["page"].paginator.count == published.entry_count == 3


def test_a_credit_code_is_searched_by_its_index_not_the_names(client, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert names(client.get(list_url(q="91990102ma00000001"))) == [SCRIPT]
    entries = [q["sql"] for q in captured.captured_queries if "snapshotentry" in q["sql"]]
    assert entries and not any("LIKE" in sql.upper() for sql in entries)
    # Not a valid code: the names, and the codes as typed.
    assert names(client.get(list_url(q="%2B1990102MA00000002"))) == [FORMULA]


def test_a_whole_list_is_paged_by_position_not_offset(client, published, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from phaseout.disclosure.public import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    everything = [e.enterprise_name for e in published.entries.order_by("position")]
    with CaptureQueriesContext(connection) as captured:
        pages = [names(client.get(list_url(page=n))) for n in (1, 2, 3)]
    assert pages == [[name] for name in everything]
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)
    last = client.get(list_url(page=99)).context["page"]  # past the end: the last page
    assert last.number == 3 and last.paginator.num_pages == 3
    assert names(client.get(list_url(page=2, dimension="SAFETY"))) == ["北山建材有限公司"]
