"""Security defaults: log-in throttling, CSP, CSRF, and the settings' refusal of a missing key."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_page_renders_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_works(client, county_officer):
    response = client.post(reverse("login"), {"username": "east_officer", "password": PASSWORD})
    assert response.status_code == 302


def test_repeated_failures_lock_the_account(client, county_officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "east_officer", "password": "wrong"})
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "east_officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_csp_header_forbids_inline_script(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_login_form_needs_csrf(db, county_officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "east_officer", "password": PASSWORD})
    assert response.status_code == 403


def _start_production(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "PHASEOUT_DATA_KEYS", "PHASEOUT_ALLOW_INSECURE_KEY"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "phaseout.settings"
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_refuse_a_missing_secret_key():
    result = _start_production()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_refuse_missing_personal_data_keys():
    result = _start_production(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "PHASEOUT_DATA_KEYS is not set" in result.stderr
    key = "sNsDP0f8dY6mJXxkKz0oHk8gw-1c0aBq0rW0Z2qR1jE="
    assert _start_production(SECRET_KEY="x" * 50, PHASEOUT_DATA_KEYS=key).returncode == 0


def test_phaseout_command_maps_hyphens(db, capsys):
    from phaseout.cli import main

    main(["phaseout", "axes-list-attempts"])  # the management command axes_list_attempts
    assert "Unknown command" not in capsys.readouterr().err


def test_english_is_available_and_chinese_is_the_default(client, db):
    assert 'lang="zh-hans"' in client.get(reverse("login")).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page and "Log in" in page
    assert "简体中文" in page  # each language is offered in its own name


def test_health_answers_without_login_or_database(client):
    # No db fixture: pytest-django refuses any database access, so passing proves there is none.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/public/enterprises/?q=%00%00",
        "/public/lists/yellow/?q=a%00b",
        "/public/feed.atom?region=%00",
        "/api/public/lists/?kind=%00",
    ],
)
def test_a_nul_in_the_query_string_is_dropped_before_the_view(client, db, url):
    assert client.get(url).status_code < 500  # on PostgreSQL the NUL would reach a query


def test_the_view_reads_the_query_without_its_nul(client, db):
    response = client.get("/public/lists/yellow/?q=a%00b&region=%00")
    assert response.status_code == 200
    assert response.context["params"]["q"] == "ab" and response.context["params"]["region"] == ""


def test_a_nul_in_the_path_is_a_400(client, db):
    response = client.get("/public/data-errors/%00/")
    assert response.status_code == 400
    assert "不允许的字符" in response.content.decode()
