"""The whole case file downloads as one ZIP from the case page and the API, to whoever may see the
case, and to nobody else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from tests.conftest import login


@pytest.mark.parametrize("who", ["county_officer", "enterprise_user", "city_auditor"])
def test_the_case_file_downloads_whole(request, client, rectifying, who):
    login(client, request.getfixturevalue(who))
    page = client.get(reverse("enforcement:case-detail", args=[rectifying.pk]))
    assert reverse("enforcement:case-archive", args=[rectifying.pk]) in page.text
    for url in (
        reverse("enforcement:case-archive", args=[rectifying.pk]),
        f"/api/cases/{rectifying.pk}/archive/",
    ):
        response = client.get(url, HTTP_ACCEPT="application/zip")
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert rectifying.number in response["Content-Disposition"]
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        events = json.loads(archive.read("events.json"))
        assert len(events) == rectifying.event_count
        assert any(
            name.startswith("documents/") and name.endswith(".pdf") for name in archive.namelist()
        )


@pytest.mark.parametrize("who", ["other_county_officer", "power_officer"])
def test_nobody_outside_the_scope_downloads_it(request, client, rectifying, north_enterprise, who):
    from phaseout.regions.models import Region

    user = request.getfixturevalue(who)
    if who == "power_officer":  # a utility of another county
        person = user.person
        person.region = Region.objects.get(code="990121")
        person.department.region = person.region
        person.department.save()
        person.save()
    login(client, user)
    assert client.get(reverse("enforcement:case-archive", args=[rectifying.pk])).status_code == 404
    assert client.get(f"/api/cases/{rectifying.pk}/archive/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, rectifying):
    response = client.get(reverse("enforcement:case-archive", args=[rectifying.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
