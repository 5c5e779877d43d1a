"""The tip-off pages in English: labels from the catalogue, the data as entered."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.tipoffs.conftest import accept_and_assign, receive

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_public_form_in_english(client, jurisdiction):
    page = client.get("/public/tipoffs/new/", **EN).text
    assert '<html lang="en"' in page
    for label in ("Report backward production capacity", "Attachments", "Challenge"):
        assert label in page, label
    for label in ("举报落后产能", "附件", "验证码", "匿名举报", "提交举报"):
        assert label not in page, label


def test_the_officer_pages_in_english(
    client, jurisdiction, county_officer, env_department, handler
):
    tipoff = receive(jurisdiction["east"]).tipoff
    accept_and_assign(tipoff, triager=county_officer, department=env_department, handlers=[handler])
    login(client, handler)
    queue = client.get("/tipoffs/", **EN).text
    assert "Assigned to me" in queue and "交办给我的" not in queue
    detail = client.get(f"/tipoffs/{tipoff.pk}/", **EN).text
    for label in ("Handling record", "Enterprise reported"):
        assert label in detail, label
    for label in ("办理记录", "被举报企业", "举报人信息"):
        assert label not in detail, label
    assert tipoff.enterprise_name in detail
