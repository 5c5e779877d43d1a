"""Screening records and local rules are read-only in the admin, with their history."""

import pytest
from django.contrib.auth import get_user_model

from phaseout.screening.models import Finding


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", password="x-Very-Long-1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_lists_and_shows_without_add_or_change(admin_client, run_campaign):
    for model in ("inspection", "measurement", "screeningcampaign", "finding", "datagap"):
        assert admin_client.get(f"/admin/screening/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/screening/{model}/add/").status_code == 403, model
    assert admin_client.get("/admin/standards/localrule/").status_code == 200
    finding = Finding.objects.first()
    response = admin_client.post(f"/admin/screening/finding/{finding.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Finding.objects.filter(pk=finding.pk).exists()
