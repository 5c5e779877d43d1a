"""报告数据错误: anyone reports an error on a public record; the answerable department handles it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from phaseout.core.crypto import decrypt
from phaseout.core.errors import ProcedureError
from phaseout.disclosure import services
from phaseout.disclosure.choices import DataErrorStatus, ListKind
from phaseout.disclosure.models import DataErrorReport
from phaseout.regions.choices import DepartmentKind, Role
from tests.conftest import _person, login
from tests.disclosure.records import SCRIPT, naming, snapshot


@pytest.fixture
def env_officers(jurisdiction):
    """Two officers of 城东区生态环境局: they publish the environment lists."""
    return [
        _person(
            name,
            role=Role.OFFICER,
            region=jurisdiction["east"],
            kind=DepartmentKind.ECOLOGY_ENVIRONMENT,
            dept_name="城东区生态环境局",
        )
        for name in ("east_env_1", "east_env_2")
    ]


@pytest.fixture
def exceeding(jurisdiction, env_officers, east_enterprise, county_officer):
    """城东水泥 on the environment list, published by 城东区生态环境局 (county_officer's 经信局
    keeps the registry)."""
    return snapshot(
        ListKind.ENV_EXCEEDING,
        jurisdiction["east"],
        [naming(east_enterprise, dimension="ENVIRONMENT")],
        by=env_officers[0],
        reviewer=env_officers[1],
    )


def form_url(enterprise):
    return reverse("public:data-error", args=[enterprise.credit_code])


def submit(client, enterprise, **data):
    return client.post(form_url(enterprise), {"message": "产能数字有误", **data})


def test_the_record_offers_the_form_without_javascript(client, east_enterprise, exceeding):
    text = client.get(reverse("public:enterprise", args=[east_enterprise.credit_code])).text
    assert 'id="data-error"' in text and "报告数据错误" in text
    assert f'href="{form_url(east_enterprise)}"' in text  # the form is a page of its own
    assert "<script" not in text
    form = client.get(form_url(east_enterprise)).text
    assert f'action="{form_url(east_enterprise)}"' in form and "csrfmiddlewaretoken" in form
    assert f"{form_url(east_enterprise)}?section=lines" in text
    response = client.get(form_url(east_enterprise) + "?section=lines")
    assert response.status_code == 200 and response.context["form"]["section"].value() == "lines"


def test_csrf_is_required(east_enterprise, exceeding):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert submit(strict, east_enterprise).status_code == 403
    assert not DataErrorReport.objects.exists()


def test_routing_by_section(client, east_enterprise, exceeding, county_officer, env_officers):
    submit(client, east_enterprise, section="identity")
    submit(client, east_enterprise, section="lines")
    submit(client, east_enterprise, section="status")
    submit(client, east_enterprise)
    routed = [r.department.name for r in DataErrorReport.objects.order_by("pk")]
    registry = county_officer.person.department.name
    assert routed == [registry, registry, "城东区生态环境局", "城东区生态环境局"]


def test_acknowledgement_shows_the_reference_and_mails_only_it(
    client, east_enterprise, exceeding, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, east_enterprise, email="sender@example.org", message=SCRIPT)
    assert response.status_code == 200
    report = DataErrorReport.objects.get()
    assert report.reference in response.text and SCRIPT not in response.text
    assert report.email != "sender@example.org" and decrypt(report.email) == "sender@example.org"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sender@example.org"] and report.reference in sent.body
    assert SCRIPT not in sent.body and east_enterprise.name not in sent.body
    assert "生态环境局" not in sent.body and report.reference in sent.subject
    report.refresh_from_db()
    assert report.acknowledged_at is not None


def test_no_email_no_mail(client, east_enterprise, exceeding, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, east_enterprise).status_code == 200
    assert mail.outbox == [] and DataErrorReport.objects.get().email == ""


def test_validation_names_the_field(client, east_enterprise, exceeding):
    response = submit(client, east_enterprise, message="  ", email="not-an-address", section="x")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"message", "email", "section"}
    response = submit(client, east_enterprise, message=SCRIPT, email="bad")
    assert SCRIPT not in response.text and "&lt;script&gt;" in response.text
    assert not DataErrorReport.objects.exists()


def test_no_record_no_form(client, north_enterprise):
    assert client.get(form_url(north_enterprise)).status_code == 404
    assert submit(client, north_enterprise).status_code == 404


def test_rate_limit(client, east_enterprise, exceeding):
    codes = [submit(client, east_enterprise).status_code for _i in range(6)]
    assert codes == [200] * 5 + [429]
    assert DataErrorReport.objects.count() == 5


def test_status_page_and_the_answer(client, east_enterprise, exceeding, env_officers):
    submit(client, east_enterprise, message=SCRIPT)
    report = DataErrorReport.objects.get()
    status_url = reverse("public:data-error-status", args=[report.reference])
    text = client.get(status_url).text
    assert "待处理" in text and SCRIPT not in text and "&lt;script&gt;" in text
    services.respond_data_error(report, response=SCRIPT + "已更正", by=env_officers[1])
    text = client.get(status_url).text
    assert "已答复" in text and "已更正" in text and SCRIPT not in text
    assert "east_env" not in text  # no officer's name
    search = reverse("public:data-error-status-search")
    assert client.get(search + f"?reference={report.reference.lower()}").status_code == 200
    assert client.get(search + "?reference=SJNOSUCHCODE").status_code == 404
    assert client.get(reverse("public:data-error-status", args=["SJNOSUCH"])).status_code == 404


@pytest.fixture
def report(client, east_enterprise, exceeding):
    submit(client, east_enterprise, section="status", email="s@example.org")
    return DataErrorReport.objects.get()


def test_who_sees_and_answers(
    client,
    report,
    env_officers,
    county_officer,
    other_county_officer,
    city_leader,
    city_auditor,
    power_officer,
    enterprise_user,
):
    list_url = reverse("disclosure:data-error-list")
    detail_url = reverse("disclosure:data-error-detail", args=[report.pk])
    answer = {"response": "已核实，名单无误。"}
    # Anonymous: to the log-in page.
    assert client.get(list_url).status_code == 302
    seen = {}
    for user in (
        env_officers[0],
        county_officer,
        other_county_officer,
        city_leader,
        city_auditor,
        power_officer,
        enterprise_user,
    ):
        login(client, user)
        response = client.get(list_url)
        if response.status_code == 403:
            seen[user.username] = "403"
            continue
        detail = client.get(detail_url)
        seen[user.username] = (report.reference in response.text, detail.status_code)
        if detail.status_code == 200:
            email_shown = "s@example.org" in detail.text
            assert email_shown == (user == env_officers[0]), user.username
            if user != env_officers[0]:
                assert client.post(detail_url, answer).status_code == 403
    assert seen == {
        "east_env_1": (True, 200),
        "east_officer": (False, 404),  # the registry's department: not this report
        "north_officer": (False, 404),
        "city_leader": (True, 200),
        "city_auditor": (True, 200),
        "east_power": (False, 404),
        "east_cement_user": "403",
    }
    login(client, env_officers[0])
    response = client.post(detail_url, {**answer, "close": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == DataErrorStatus.CLOSED and report.responded_by == env_officers[0]
    # A closed report takes no further answer.
    with pytest.raises(ProcedureError):
        services.respond_data_error(report, response="再答复", by=env_officers[0])


def test_answer_validation_names_the_field(client, report, env_officers):
    login(client, env_officers[0])
    url = reverse("disclosure:data-error-detail", args=[report.pk])
    response = client.post(url, {"response": ""})
    assert response.status_code == 400 and "response" in response.context["form"].errors


def test_api_scoping_and_respond(client, report, env_officers, county_officer, city_leader):
    assert client.get("/api/data-errors/").status_code in (401, 403)
    login(client, county_officer)
    assert client.get("/api/data-errors/").json()["count"] == 0
    assert client.get(f"/api/data-errors/{report.pk}/").status_code == 404
    login(client, city_leader)
    body = client.get(f"/api/data-errors/{report.pk}/").json()
    assert body["reference"] == report.reference and body["email"] is None
    assert (
        client.post(
            f"/api/data-errors/{report.pk}/respond/",
            {"response": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    login(client, env_officers[1])
    assert client.get(f"/api/data-errors/{report.pk}/").json()["email"] == "s@example.org"
    bad = client.post(
        f"/api/data-errors/{report.pk}/respond/", {"response": ""}, content_type="application/json"
    )
    assert bad.status_code == 400 and "response" in bad.json()
    ok = client.post(
        f"/api/data-errors/{report.pk}/respond/",
        {"response": "已更正", "close": True},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    again = client.post(
        f"/api/data-errors/{report.pk}/respond/",
        {"response": "再答复"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_the_admin_is_read_only_and_never_shows_the_reply_address(client, report, exceeding):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    for model, obj in (("listsnapshot", exceeding), ("dataerrorreport", report)):
        assert client.get(f"/admin/disclosure/{model}/").status_code == 200, model
        assert client.get(f"/admin/disclosure/{model}/add/").status_code == 403, model
        page = client.get(f"/admin/disclosure/{model}/{obj.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content, model
    page = client.get(f"/admin/disclosure/dataerrorreport/{report.pk}/change/").content.decode()
    assert report.reference in page
    assert "s@example.org" not in page and report.email not in page
