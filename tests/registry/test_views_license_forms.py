"""Registering and changing a license (证照) on the web."""

import pytest
from django.urls import reverse

from phaseout.registry.models import License
from tests.conftest import login
from tests.registry.records import make_license

READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def create_url(enterprise):
    return reverse("registry:license-create", args=[enterprise.pk])


def edit_url(license_):
    return reverse("registry:license-update", args=[license_.pk])


def license_data(**values):
    return {
        "kind": "discharge",
        "number": "91990102MA0000001P001P",
        "issuer": "示范市生态环境局",
        "valid_from": "2023-01-01",
        "valid_until": "2027-12-31",
        "status": "valid",
        **values,
    }


def test_anonymous_is_sent_to_login(client, east_enterprise):
    assert client.get(create_url(east_enterprise))["Location"].startswith(reverse("login"))
    assert client.post(create_url(east_enterprise), license_data()).status_code == 302
    assert not License.objects.exists()


def test_officer_registers_a_license(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(create_url(east_enterprise), license_data())
    assert response.status_code == 302
    license_ = east_enterprise.licenses.get()
    assert str(license_.valid_until) == "2027-12-31"
    assert license_.history.get().history_user == county_officer


def test_validity_that_ends_before_it_starts_is_a_field_error(
    client, county_officer, east_enterprise
):
    data = license_data(valid_from="2027-01-01", valid_until="2023-01-01")
    response = login(client, county_officer).post(create_url(east_enterprise), data)
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not License.objects.exists()


def test_duplicate_number_of_the_same_kind_is_an_error_on_the_number(
    client, county_officer, east_enterprise, north_enterprise
):
    make_license(north_enterprise, number="91990102MA0000001P001P", kind="discharge")
    response = login(client, county_officer).post(create_url(east_enterprise), license_data())
    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    # The same number under another kind of license is a different license.
    response = client.post(create_url(east_enterprise), license_data(kind="safety"))
    assert response.status_code == 302


def test_bad_dates_are_form_errors(client, county_officer, east_enterprise):
    response = login(client, county_officer).post(
        create_url(east_enterprise), license_data(valid_from="2023-02-30")
    )
    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors


def test_other_county_gets_404(client, other_county_officer, east_enterprise):
    license_ = make_license(east_enterprise)
    login(client, other_county_officer)
    assert client.get(create_url(east_enterprise)).status_code == 404
    assert client.post(create_url(east_enterprise), license_data()).status_code == 404
    assert client.get(edit_url(license_)).status_code == 404
    assert client.post(edit_url(license_), license_data()).status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_register_or_edit(client, request, who, east_enterprise):
    license_ = make_license(east_enterprise, number="N-1")
    login(client, request.getfixturevalue(who))
    assert client.get(create_url(east_enterprise)).status_code == 403
    assert client.post(create_url(east_enterprise), license_data()).status_code == 403
    assert client.get(edit_url(license_)).status_code == 403
    data = license_data(number="N-1", status="revoked")
    assert client.post(edit_url(license_), data).status_code == 403
    license_.refresh_from_db()
    assert license_.status == "valid"


def test_officer_edits_a_license(client, county_officer, east_enterprise):
    license_ = make_license(east_enterprise, number="N-1")
    data = license_data(number="N-1", status="suspended")
    response = login(client, county_officer).post(edit_url(license_), data)
    assert response.status_code == 302
    license_.refresh_from_db()
    assert license_.status == "suspended"


def test_edit_form_shows_dates_for_the_date_input(client, county_officer, east_enterprise):
    license_ = make_license(east_enterprise, valid_until="2027-12-31")
    text = login(client, county_officer).get(edit_url(license_)).text
    assert 'type="date"' in text
    assert 'value="2027-12-31"' in text
