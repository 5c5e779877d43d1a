"""In a real browser, as the public uses the portal: on a phone, with JavaScript switched off. A
person finds a published list, searches it, opens an enterprise's public record, and files a
tip-off, answering the challenge; nothing overflows the screen and no CSP rule is broken."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import SnapshotEntry
from phaseout.regions.choices import DepartmentKind, Role
from phaseout.tipoffs.models import Tipoff
from tests.browser.conftest import chromium_missing
from tests.conftest import _person

pytestmark = chromium_missing
PHONE = {"width": 390, "height": 844}


def _published_yellow_list(jurisdiction, county_officer, enterprise):
    reviewer = _person(
        "east_officer_2", role=Role.OFFICER, region=jurisdiction["east"],
        kind=DepartmentKind.INDUSTRY_IT,
    )  # fmt: skip
    draft = services.prepare_list(
        ListKind.YELLOW, region=jurisdiction["east"], cut_off=_today(), by=county_officer
    )
    SnapshotEntry.objects.create(
        snapshot=draft, position=1, enterprise_id=enterprise.pk, enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code, region_code="990102", region_name="城东区",
        industry_code="3011", industry_name="水泥制造", dimension="ENERGY", case_id=1,
        case_number="2026-990102-NH-0001", line_code="YL-1", equipment="熟料生产线",
        since=_today(), reason="熟料单位产品综合能耗超过限额",
    )  # fmt: skip
    draft.__class__.objects.filter(pk=draft.pk).update(entry_count=1)
    services.review_list(draft, by=reviewer)
    return services.publish_list(draft, by=reviewer)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# serialized_rollback: see test_enterprise_list.py (the industries loaded by migration).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_public_on_a_phone_without_javascript(
    live_server, page, settings, tmp_path, jurisdiction, county_officer, east_enterprise
):
    settings.MEDIA_ROOT = tmp_path / "media"
    published = _published_yellow_list(jurisdiction, county_officer, east_enterprise)
    browser = page.context.browser
    phone = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="zh-CN")
    messages = []
    public = phone.new_page()
    public.on("console", lambda m: messages.append(m.text))

    public.goto(f"{live_server.url}/public/")
    assert published.number in public.locator("main").inner_text()
    public.get_by_role("link", name=re.compile("黄牌")).first.click()
    public.fill("input[name=q]", east_enterprise.name[:4])
    public.locator("main form button[type=submit]").first.click()
    public.get_by_role("link", name=east_enterprise.name).first.click()
    public.wait_for_url(f"**/public/enterprises/{east_enterprise.credit_code}/")
    record = public.locator("main").inner_text()
    assert east_enterprise.name in record and published.number in record
    assert "2026-990102-NH-0001" not in public.content()  # the case number stays internal

    public.goto(f"{live_server.url}/public/tipoffs/new/")
    public.fill("input[name=enterprise_name]", "城东区某砖厂")
    public.select_option("select[name=region]", str(jurisdiction["east"].pk))
    public.fill("textarea[name=description]", "夜间使用24门轮窑生产。")
    key = public.locator("input[name=captcha_0]").get_attribute("value")
    public.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)
    public.locator("main form button[type=submit]").click()
    public.wait_for_load_state()
    assert re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", public.content())
    assert Tipoff.objects.get().enterprise_name == "城东区某砖厂"

    # The same pages with scripts on, to measure them: nothing wider than the phone.
    measured = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    measured.on("console", lambda m: messages.append(m.text))
    for path in (
        "/public/",
        f"/public/lists/{ListKind.YELLOW}/",
        f"/public/enterprises/{east_enterprise.credit_code}/",
        "/public/tipoffs/new/",
        "/public/tipoffs/status/",
    ):
        measured.goto(f"{live_server.url}{path}")
        assert _fits(measured), path
    assert [m for m in messages if "Content Security Policy" in m] == []
