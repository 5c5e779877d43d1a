"""In a real browser (Debian's headless Chromium driven by Playwright): log in, filter the
enterprise list through htmx, open an enterprise — with no Content-Security-Policy violation.

Skipped where Chromium is not installed; .ci/run installs it (apt package `chromium`).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from phaseout.registry.models import Enterprise
from tests.browser.conftest import chromium_missing
from tests.conftest import PASSWORD, make_credit_code

pytestmark = chromium_missing


# serialized_rollback: the flush after a transactional test would drop the industries that
# migration registry.0002 loads, and the tests after this one need them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_filters_the_list_and_opens_an_enterprise(
    live_server, page, county_officer, east_enterprise, cement, jurisdiction
):
    Enterprise.objects.create(
        credit_code=make_credit_code("990102"),
        name="城东钢铁有限公司",
        region=jurisdiction["east"],
        industry=cement.__class__.objects.get(code="3120"),
        size="below",
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "east_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/registry/")
    assert page.locator("tbody tr").count() == 2

    page.fill("input[name=q]", "钢铁")
    with page.expect_response(
        lambda r: "/registry/?" in r.url and r.request.headers.get("hx-request")
    ):
        page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)  # CSP forbids eval: no wait_for_function
    assert "q=" in page.url  # htmx pushed the filtered address

    page.click("text=城东钢铁有限公司")
    page.wait_for_url(f"{live_server.url}/registry/enterprises/*/")
    assert page.locator("h1").inner_text().startswith("城东钢铁有限公司")
    violations = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == []
