"""排查 pages: who may see a campaign, open one, run it, export its coverage, test drafts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phaseout.registry.models import Enterprise
from phaseout.screening import services
from phaseout.screening.models import DataGap, Finding, ScreeningCampaign
from tests.conftest import login, make_credit_code
from tests.screening.conftest import make_kiln, measure
from tests.screening.test_whatif import DRAFT


def url(name, campaign):
    return reverse(f"screening:{name}", args=[campaign.pk])


# — who sees what —


def test_the_anonymous_visitor_is_sent_to_log_in(client, campaign):
    for target in (
        reverse("screening:campaign-list"),
        reverse("screening:campaign-create"),
        url("campaign-detail", campaign),
        url("campaign-coverage-xlsx", campaign),
        url("campaign-whatif", campaign),
    ):
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response["Location"], target
    response = client.post(url("campaign-run", campaign))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_shows_the_campaigns_of_the_persons_regions(
    client, campaign, other_county_officer, county_officer, city_leader, enterprise_user
):
    assert campaign.name in login(client, county_officer).get("/screening/").text
    assert campaign.name in login(client, city_leader).get("/screening/").text
    assert campaign.name not in login(client, other_county_officer).get("/screening/").text
    assert campaign.name not in login(client, enterprise_user).get("/screening/").text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("county_officer", 200),
        ("city_leader", 200),
        ("city_auditor", 200),
        ("other_county_officer", 404),
        ("enterprise_user", 404),
    ],
)
def test_who_may_read_a_campaign(request, client, campaign, who, status):
    response = login(client, request.getfixturevalue(who)).get(url("campaign-detail", campaign))
    assert response.status_code == status


def test_readers_who_may_not_screen_see_no_run_button(client, campaign, city_leader):
    text = login(client, city_leader).get(url("campaign-detail", campaign)).text
    assert url("campaign-run", campaign) not in text


# — opening and changing a campaign —


def test_a_county_officer_opens_a_campaign_in_the_county(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        reverse("screening:campaign-create"),
        {
            "name": "城东区2026年排查",
            "region": jurisdiction["east"].pk,
            "year": 2026,
            "as_of": "2026-06-30",
            "industries": [],
        },
    )
    campaign = ScreeningCampaign.objects.get(name="城东区2026年排查")
    assert response.status_code == 302
    assert response["Location"] == url("campaign-detail", campaign)
    # The window defaults from the service: the year's first day to the as-of date.
    assert str(campaign.measured_from) == "2026-01-01"
    assert str(campaign.measured_to) == "2026-06-30"
    assert campaign.created_by == county_officer


def test_a_region_outside_the_scope_is_not_a_choice(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        reverse("screening:campaign-create"),
        {"name": "越权", "region": jurisdiction["north"].pk, "year": 2026, "as_of": "2026-06-30"},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not ScreeningCampaign.objects.filter(name="越权").exists()


def test_a_window_ending_after_the_as_of_date_is_a_form_error(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        reverse("screening:campaign-create"),
        {
            "name": "错",
            "region": jurisdiction["east"].pk,
            "year": 2026,
            "as_of": "2026-06-30",
            "measured_to": "2026-12-31",
        },
    )
    assert response.status_code == 200
    assert "measured_to" in response.context["form"].errors


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_who_may_not_open_a_campaign(db, request, client, who):
    response = login(client, request.getfixturevalue(who)).get(reverse("screening:campaign-create"))
    assert response.status_code == 403


def test_the_officer_changes_the_campaign(client, county_officer, campaign):
    response = login(client, county_officer).post(
        url("campaign-update", campaign),
        {"name": "改名", "region": campaign.region.pk, "year": 2025, "as_of": "2025-12-31"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "改名"


@pytest.mark.parametrize(("who", "status"), [("other_county_officer", 404), ("city_leader", 403)])
def test_who_may_not_change_it(request, client, campaign, who, status):
    response = login(client, request.getfixturevalue(who)).get(url("campaign-update", campaign))
    assert response.status_code == status


# — running —


def test_running_through_the_page_writes_findings_and_shows_the_summary(
    client, county_officer, campaign, failing_kiln
):
    login(client, county_officer)
    response = client.post(url("campaign-run", campaign), follow=True)
    assert response.status_code == 200
    assert "排查完成" in response.text
    finding = Finding.objects.get(campaign=campaign, rule_id="gb16780-2021.clinker-energy")
    text = response.text
    assert reverse("screening:finding-detail", args=[finding.pk]) in text
    assert "125 / 117 千克标准煤/吨" in text
    for header in (
        "区域",
        "行业",
        "企业数",
        "其中规下",
        "其中手续不全",
        "已排查",
        "有不达标",
        "缺数据",
    ):
        assert f">{header}</th>" in text
    assert "下一步需检查" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_county_officer", 404), ("city_leader", 403), ("city_auditor", 403)],
)
def test_who_may_not_run(request, client, campaign, failing_kiln, who, status):
    response = login(client, request.getfixturevalue(who)).post(url("campaign-run", campaign))
    assert response.status_code == status
    assert not Finding.objects.exists()


def test_running_needs_a_post(client, county_officer, campaign):
    assert login(client, county_officer).get(url("campaign-run", campaign)).status_code == 405


def test_the_campaign_page_runs_the_same_queries_for_few_and_many_findings(
    client, county_officer, campaign, east_enterprise, django_assert_max_num_queries
):
    def add_kilns(n, start):
        for i in range(start, start + n):
            line = make_kiln(east_enterprise, code=f"K{i}")
            measure(county_officer, line, "clinker_comprehensive_energy", 125, "kgce/t")

    login(client, county_officer)
    add_kilns(2, 0)
    services.run_campaign(campaign, by=county_officer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("campaign-detail", campaign))
    add_kilns(30, 10)
    services.run_campaign(campaign, by=county_officer)
    assert Finding.objects.count() >= 32
    with django_assert_max_num_queries(len(few)):
        client.get(url("campaign-detail", campaign))


# — the coverage workbook —


def test_the_coverage_workbook_has_the_table_the_totals_and_the_gaps(
    client, county_officer, campaign, kiln, jurisdiction, cement
):
    Enterprise.objects.create(
        credit_code=make_credit_code("990102"),
        name='=HYPERLINK("http://evil")',
        region=jurisdiction["east"],
        industry=cement,
        size="below",
    )
    services.run_campaign(campaign, by=county_officer)
    response = login(client, county_officer).get(url("campaign-coverage-xlsx", campaign))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    coverage, gaps = book.worksheets
    rows = list(coverage.values)
    assert rows[1][4:] == ("企业数", "其中规下", "其中手续不全", "已排查", "有不达标", "缺数据")
    assert rows[-1][0] == "合计" and rows[-1][4] == 2 and rows[-1][5] == 1
    names = [row[1] for row in gaps.values]
    assert '\'=HYPERLINK("http://evil")' in names  # neutralised against formula injection
    assert DataGap.objects.filter(campaign=campaign).count() == gaps.max_row - 1


def test_another_countys_officer_cannot_download_it(client, other_county_officer, campaign):
    response = login(client, other_county_officer).get(url("campaign-coverage-xlsx", campaign))
    assert response.status_code == 404


# — what-if —


def test_the_what_if_page_reports_and_writes_nothing(
    client, county_officer, campaign, licensed, kiln
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    measure(county_officer, kiln, "clinker_comprehensive_energy", 112, "kgce/t")
    login(client, county_officer)
    upload = SimpleUploadedFile("draft.yaml", DRAFT.encode(), content_type="application/yaml")
    response = client.post(url("campaign-whatif", campaign), {"rule_file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert [line.line_code for line in report.lines] == ["YL-1"]
    assert "2500 吨/日" in response.text
    assert not Finding.objects.exists()

    upload = SimpleUploadedFile("draft.yaml", DRAFT.encode())
    response = client.post(
        url("campaign-whatif", campaign), {"rule_file": upload, "format": "xlsx"}
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [s.title for s in book.worksheets] == ["汇总", "企业", "生产线"]


def test_a_broken_draft_file_is_a_form_error(client, county_officer, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("draft.yaml", b"family: x\nrules: []\n")
    response = login(client, county_officer).post(
        url("campaign-whatif", campaign), {"rule_file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rule_file"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_county_officer", 404), ("city_auditor", 403), ("enterprise_user", 404)],
)
def test_who_may_not_test_drafts(request, client, campaign, who, status):
    response = login(client, request.getfixturevalue(who)).get(url("campaign-whatif", campaign))
    assert response.status_code == status


def test_a_leader_may_test_drafts_but_not_run_the_campaign(client, city_leader, campaign):
    """测算 writes nothing; the leading group sets exit targets from it (30号文 十九)."""
    login(client, city_leader)
    assert client.get(url("campaign-whatif", campaign)).status_code == 200
    page = client.get(url("campaign-detail", campaign))
    assert page.context["can_what_if"] and not page.context["can_run"]


def test_bad_query_strings_do_not_fail_the_page(client, county_officer, run_campaign):
    login(client, county_officer)
    for query in (
        {"page": "abc", "gaps_page": "-1"},
        {"dimension": "<script>", "unverified": "maybe", "category": "x"},
        {"q": "\x00", "page": "99999"},
    ):
        assert client.get(url("campaign-detail", run_campaign), query).status_code == 200
    assert client.get("/screening/", {"region": "zz", "year": "x"}).status_code == 200
    assert client.get("/api/findings/", {"dimension": "x"}).status_code in (200, 400)
