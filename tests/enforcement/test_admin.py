"""Cases, their files and measures are read-only in the admin: only the services write them."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(user)
    return client


MODELS = [
    "case",
    "caseevent",
    "document",
    "evidence",
    "measure",
    "notification",
    "procedureoverride",
]


def test_the_admin_lists_and_shows_without_add_or_change(admin_client, rectifying):
    for model in MODELS:
        assert admin_client.get(f"/admin/enforcement/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/enforcement/{model}/add/").status_code == 403, model
    page = admin_client.get(f"/admin/enforcement/case/{rectifying.pk}/change/")
    assert page.status_code == 200 and rectifying.number in page.content.decode()
    assert b'name="_save"' not in page.content
