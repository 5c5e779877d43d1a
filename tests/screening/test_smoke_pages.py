"""Every screening and standards page renders for the county officer (no template errors)."""

import pytest
from django.urls import reverse

from phaseout.screening.models import Finding
from tests.conftest import login


@pytest.mark.parametrize(
    "name",
    [
        "screening:campaign-list",
        "screening:campaign-create",
        "screening:measurement-list",
        "screening:measurement-import",
        "standards:rule-list",
        "standards:localrule-list",
        "standards:localrule-create",
    ],
)
def test_page_renders(client, county_officer, name):
    response = login(client, county_officer).get(reverse(name))
    assert response.status_code == 200


def test_campaign_pages_render(client, county_officer, run_campaign, kiln):
    login(client, county_officer)
    for name in ("campaign-detail", "campaign-update", "campaign-whatif"):
        response = client.get(reverse(f"screening:{name}", args=[run_campaign.pk]))
        assert response.status_code == 200, name
    finding = Finding.objects.filter(rule_id="gb16780-2021.clinker-energy").get()
    assert client.get(reverse("screening:finding-detail", args=[finding.pk])).status_code == 200
    response = client.get(reverse("screening:inspection-create", args=[kiln.enterprise_id]))
    assert response.status_code == 200
    response = client.get(reverse("screening:campaign-coverage-xlsx", args=[run_campaign.pk]))
    assert response.status_code == 200
