"""Hostile input to the tip-off, public-record and data-error pages and APIs: malformed values,
huge ids, NUL characters in bodies, paths and query strings. Each is refused (4xx), never a 500 —
on PostgreSQL, a NUL reaching a query would be one."""

import pytest

from tests.conftest import login
from tests.tipoffs.conftest import receive

pytestmark = pytest.mark.django_db


def test_hostile_input_is_refused_never_a_500(
    client, jurisdiction, county_officer, env_department, handler
):
    t = receive(jurisdiction["east"]).tipoff
    login(client, county_officer)
    bad = []
    for url, data in [
        (f"/api/tipoffs/{t.pk}/triage/", {"accept": "maybe", "reject_reason": "x" * 999}),
        (f"/api/tipoffs/{t.pk}/triage/", {"duplicate_of": "\x00"}),
        (f"/api/tipoffs/{t.pk}/assign/", {"department": "abc", "handlers": ["x"]}),
        (f"/api/tipoffs/{t.pk}/match/", {"credit_code": "\x00" * 30}),
        ("/api/tipoffs/hotline/", {"region": "99999999999999999999", "anonymous": "x"}),
        ("/api/tipoffs/hotline/", {"region": "-1", "description": "a" * 100000}),
        ("/api/public/tipoff-status/", {"code": "\x00" * 500}),
        ("/api/data-errors/1/respond/", {"response": ["a"], "close": "z"}),
        (f"/tipoffs/{t.pk}/act/triage/", {"accept": "zz"}),
        ("/tipoffs/hotline/", {"region": "abc"}),
        ("/public/tipoffs/status/", {"code": "\x00"}),
        (
            "/public/enterprises/91990102000000007W/data-error/",
            {"message": "\x00", "section": "zz"},
        ),
    ]:
        r = client.post(url, data)
        if r.status_code >= 500:
            bad.append((url, r.status_code))
    for url in [
        "/api/public/lists/abc/entries/",
        "/api/public/lists/99999999999999999999/entries/",
        "/api/public/lists/?region=%3Cscript%3E&kind=zz",
        "/api/public/enterprises/%00/",
        "/public/lists/yellow/?page=abc&snapshot=99999999999999999999",
        "/public/lists/yellow/?year=99999999999999999999&q=%00",
        "/public/enterprises/?q=%00%00",
        "/public/feed.atom?region=%00&kind=zz",
        "/public/tipoffs/?region=%00&page=-1",
        "/tipoffs/99999999999999999999/",
        "/api/tipoffs/99999999999999999999/",
        "/public/data-errors/%00/",
        f"/tipoffs/{t.pk}/attachments/99999999999999999999/",
    ]:
        r = client.get(url)
        if r.status_code >= 500:
            bad.append((url, r.status_code))
    assert bad == []
