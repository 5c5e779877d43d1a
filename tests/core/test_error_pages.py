"""A refused act shows the service's reason on a page of the site, not a bare 403."""

from django.urls import reverse

from tests.conftest import login


def test_forbidden_page_says_why(client, city_auditor, jurisdiction, county_officer):
    from phaseout.screening import services

    campaign = services.create_campaign(
        by=county_officer, region=jurisdiction["east"], name="排查", year=2025, as_of="2025-12-31"
    )
    response = login(client, city_auditor).get(
        reverse("screening:campaign-whatif", args=[campaign.pk])
    )
    assert response.status_code == 403
    assert "只有排查部门经办人员和领导可以进行测算" in response.content.decode()
    assert "落后产能退出管理平台" in response.content.decode()


def test_not_found_page_is_the_sites(client, county_officer):
    response = login(client, county_officer).get("/screening/campaigns/999999/")
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()
