"""Admin for regions, departments and people (staff only)."""

from django.contrib.auth import get_user_model

from phaseout.regions.models import Person
from tests.conftest import login


def test_staff_pages_render(admin_client, county_officer, jurisdiction):
    for url in (
        "/admin/regions/region/",
        "/admin/regions/region/?q=990102",
        "/admin/regions/region/?level=county&current=yes",
        f"/admin/regions/region/{jurisdiction['east'].pk}/change/",
        "/admin/regions/department/?q=城东",
        "/admin/regions/person/?q=east",
        f"/admin/regions/person/{Person.objects.get(user=county_officer).pk}/change/",
        f"/admin/auth/user/{county_officer.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_region_list_is_by_code_and_searchable(admin_client, jurisdiction):
    text = admin_client.get("/admin/regions/region/?q=北山").text
    assert "北山县" in text
    assert "城东区" not in text


def test_person_list_shows_the_user(admin_client, county_officer):
    text = admin_client.get("/admin/regions/person/").text
    assert "east_officer" in text


def test_officers_are_not_staff(client, county_officer):
    response = login(client, county_officer).get("/admin/regions/region/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_page_edits_the_person_inline(admin_client, jurisdiction):
    user = get_user_model().objects.create_user("newbie")
    text = admin_client.get(f"/admin/auth/user/{user.pk}/change/").text
    assert "person-0-role" in text
