"""Malformed query strings get a page or a 4xx, never a 500 — on SQLite and PostgreSQL."""

import pytest

from tests.conftest import login


@pytest.mark.parametrize(
    "url",
    [
        "/registry/?q=%00",
        "/registry/?q=a%00b&region=%00",
        "/registry/?page=abc",
        "/registry/?region=999999&industry=x&size=zz",
        "/api/enterprises/?q=%00",
        "/api/lines/?capacity=abc",
        "/registry/ledger/export/?format=xlsx&region=%00",
    ],
)
def test_no_server_error(client, county_officer, east_enterprise, url):
    client.raise_request_exception = False
    response = login(client, county_officer).get(url)
    assert response.status_code < 500, response.status_code
