"""The OpenAPI schema validates with no warnings, and is served at /api/schema/."""

from django.core.management import call_command


def test_schema_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/enterprises/", "/api/lines/", "/api/licenses/", "/api/industries/"):
        assert f"{path}:" in text
    for path in (
        "/api/measurements/",
        "/api/inspections/",
        "/api/campaigns/",
        "/api/campaigns/{id}/run/",
        "/api/campaigns/{id}/coverage/",
        "/api/campaigns/{id}/gaps/",
        "/api/campaigns/{id}/what-if/",
        "/api/findings/",
        "/api/local-rules/",
        "/api/local-rules/{id}/status/",
        "/api/catalogue-rules/",
        "/api/catalogue-rules/{rule_id}/",
    ):
        assert f"{path}:" in text
    for path in (
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/cases/{id}/events/",
        "/api/cases/{id}/verify/",
        "/api/cases/{id}/archive/",
        "/api/cases/{id}/documents/{document_id}/file/",
        "/api/cases/{id}/evidence/{evidence_id}/file/",
        "/api/cases/{id}/serve-order/",
        "/api/cases/{id}/request-extension/",
        "/api/cases/{id}/decide-extension/",
        "/api/cases/{id}/reinspection/",
        "/api/cases/{id}/request-approval/",
        "/api/cases/{id}/decide-approval/",
        "/api/cases/{id}/order-exit/",
        "/api/cases/{id}/measures/",
        "/api/cases/{id}/measures/{measure_id}/lift/",
        "/api/cases/{id}/commitment/",
        "/api/cases/{id}/confirm-sealed/",
        "/api/cases/{id}/accept-exit/",
        "/api/cases/{id}/follow-up/",
        "/api/cases/{id}/withdraw/",
        "/api/cases/{id}/evidence/",
        "/api/cases/{id}/comments/",
        "/api/notifications/",
        "/api/notifications/{id}/read/",
        "/api/notifications/read-all/",
        "/api/procedure-overrides/",
        "/api/calendar-years/",
        "/api/calendar-years/{year}/",
        "/api/calendar-years/coverage/",
        "/api/list-snapshots/",
        "/api/list-snapshots/{id}/",
        "/api/list-snapshots/{id}/review/",
        "/api/list-snapshots/{id}/publish/",
        "/api/list-snapshots/{id}/entries/",
    ):
        assert f"{path}:" in text
    assert "/api/regions/:" in text
    assert "/api/departments/:" in text
    assert "status_display" in text


def test_schema_is_served(client, county_officer):
    from tests.conftest import login

    response = login(client, county_officer).get("/api/schema/")
    assert response.status_code == 200


def test_docs_page_needs_no_inline_script_or_style(client, county_officer):
    """The CSP allows only scripts and styles from the site itself."""
    import re

    from tests.conftest import login

    text = login(client, county_officer).get("/api/docs/").text
    scripts = re.findall(r"<script([^>]*)>", text)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert "<style" not in text
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', text).group(1)
    assert client.get(script.replace("&amp;", "&")).status_code == 200
