"""The browser checks' page: Debian's headless Chromium driven by Playwright.

Skipped where Chromium is not installed; .ci/run installs it (apt package `chromium`).
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("PHASEOUT_CHROMIUM", "/usr/bin/chromium")
chromium_missing = pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls made by
    # the test itself are still synchronous, so Django's async-safety guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright  # imported here: only when Chromium exists

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(locale="zh-CN")
        page.console_messages = []
        page.on("console", lambda m: page.console_messages.append(m.text))
        yield page
        browser.close()
        # Connections opened while Playwright's loop ran belong to its context: close them
        # here, or PostgreSQL refuses to drop the test database.
        connections.close_all()
