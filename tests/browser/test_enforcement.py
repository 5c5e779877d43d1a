"""In a real browser: an officer opens a case with the plain form and serves the notice from the
case page's own form — with no Content-Security-Policy violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium_missing
from tests.conftest import PASSWORD

pytestmark = chromium_missing


# serialized_rollback: see test_enterprise_list.py (the industries loaded by migration).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_opens_a_case_and_serves_the_notice(
    live_server, page, settings, tmp_path, county_officer, east_enterprise
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "east_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")

    page.goto(f"{live_server.url}/enforcement/cases/new/")
    page.fill("input[name=credit_code]", east_enterprise.credit_code)
    page.select_option("select[name=dimension]", "ENERGY")
    page.fill("textarea[name=facts]", "熟料综合能耗 125 kgce/t，超过限额 117 kgce/t")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/enforcement/cases/*/")
    assert "已立案" in page.locator("main").inner_text()

    page.click("#act-serve_order summary")
    page.click("#act-serve_order button[type=submit]")
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "已办理“下达整改决定”" in main
    assert "限期整改中" in main and "限期整改通知书" in main
    assert "案卷完整性校验通过（2个事件）" in main
    violations = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == []
