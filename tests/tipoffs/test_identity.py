"""The reporter's identity: encrypted at rest, revealed to the assigned handlers only, and
nowhere else — not a page, an export, an API answer, a mail, the admin, a log line or a column."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from phaseout.core import crypto
from phaseout.enforcement.models import Case
from phaseout.tipoffs import services
from phaseout.tipoffs.choices import EventKind
from phaseout.tipoffs.models import IDENTITY_FIELDS, Tipoff
from tests.conftest import login
from tests.tipoffs.conftest import accept_and_assign, png_upload, submit_public, tracking_code

pytestmark = pytest.mark.django_db

NAME = "举报人ZQX7731"
PHONE = "13912345678"
EMAIL = "leak-zqx7731@example.org"
PLANTED = (NAME, PHONE, EMAIL, "ZQX7731", "zqx7731")


def planted(region, **extra):
    return services.receive(
        region=region,
        enterprise_name="城东水泥有限公司",
        description="立窑夜间生产",
        anonymous=False,
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        **extra,
    )


def test_identity_is_stored_only_as_tokens(jurisdiction):
    tipoff = planted(jurisdiction["east"]).tipoff
    table = Tipoff._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(IDENTITY_FIELDS)} FROM {table} WHERE id = %s", [tipoff.pk]
        )
        raw = cursor.fetchone()
    for column in raw:
        assert column and column.startswith("gAAAA")  # a Fernet token
        for text in PLANTED:
            assert text not in column
    assert crypto.decrypt(raw[0]) == NAME
    assert "ZQX7731" not in str(tipoff) and "ZQX7731" not in repr(tipoff)


def test_anonymous_report_keeps_no_contact_even_if_typed(jurisdiction):
    tipoff = services.receive(
        region=jurisdiction["east"],
        enterprise_name="甲厂",
        description="立窑",
        anonymous=True,
        name=NAME,
        phone=PHONE,
    ).tipoff
    assert all(getattr(tipoff, f) == "" for f in IDENTITY_FIELDS)


def test_only_assigned_handlers_may_reveal_and_the_look_is_recorded(
    client, jurisdiction, county_officer, handler, colleague, env_department, city_leader
):
    tipoff = planted(jurisdiction["east"]).tipoff
    accept_and_assign(tipoff, triager=county_officer, department=env_department, handlers=[handler])
    for user in (county_officer, colleague, city_leader):
        c = login(Client(), user)
        assert c.post(f"/tipoffs/{tipoff.pk}/reveal/").status_code == 403
        assert c.post(f"/api/tipoffs/{tipoff.pk}/reveal/").status_code == 403
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    assert login(Client(), admin).post(f"/tipoffs/{tipoff.pk}/reveal/").status_code == 403

    h = login(client, handler)
    page = h.post(f"/tipoffs/{tipoff.pk}/reveal/")
    assert page.status_code == 200
    assert NAME in page.content.decode() and PHONE in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    api = h.post(f"/api/tipoffs/{tipoff.pk}/reveal/")
    assert api.json() == {"anonymous": False, "name": NAME, "phone": PHONE, "email": EMAIL}
    reveals = tipoff.events.filter(kind=EventKind.REVEALED)
    assert reveals.count() == 2 and {e.actor for e in reveals} == {handler}
    for event in tipoff.events.all():
        for text in PLANTED:
            assert text not in event.summary and text not in str(event.payload)


def _texts(response) -> list[str]:
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    texts = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":  # a zip (case archive) or an XLSX: read every member
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    texts += [f"{k}: {v}" for k, v in response.items()]
    return texts


def _assert_clean(where: str, texts) -> None:
    for text in texts:
        for secret in PLANTED:
            assert secret not in text, f"{secret!r} leaked in {where}"


def test_planted_identity_leaks_nowhere(
    jurisdiction,
    east_enterprise,
    county_officer,
    other_county_officer,
    power_officer,
    enterprise_user,
    city_leader,
    city_auditor,
    handler,
    colleague,
    env_department,
    caplog,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.request")
    anonymous = Client()
    # Filed through the public form, with an attachment, then handled to the end with a case.
    data_client = Client()
    response = submit_public(
        data_client,
        jurisdiction["east"],
        anonymous="0",
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        attachments=[png_upload("ZQX7731的照片.png")],
    )
    assert response.status_code == 200, response.content.decode()
    _assert_clean("the confirmation page", _texts(response))
    code = tracking_code(response.content.decode())
    tipoff = Tipoff.objects.get()
    assert tipoff.attachments.get().name == "附件1.png"  # the sender's file name is not kept
    services.triage(tipoff, by=county_officer, accept=True, enterprise=east_enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(tipoff, by=county_officer, department=env_department, handlers=[handler])
    services.set_verification(tipoff, by=handler, task="现场核查")
    services.record_finding(
        tipoff, by=handler, substantiated=True, text="立窑仍在生产", open_case=True,
        dimension="ENVIRONMENT",
    )  # fmt: skip
    services.publish_outcome(tipoff, by=handler, summary="反映使用立窑", outcome="属实，已立案")
    # A second one, left half-way, and a hotline one.
    second = planted(jurisdiction["east"]).tipoff
    services.receive(
        by=county_officer, channel="hotline", region=jurisdiction["east"],
        enterprise_name="乙厂", description="热线", anonymous=False, name=NAME, phone=PHONE,
    )  # fmt: skip
    case = Case.objects.get()
    attachment = tipoff.attachments.get()
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")

    public_gets = [
        "/public/",
        "/public/tipoffs/",
        "/public/tipoffs/new/",
        "/public/tipoffs/status/",
        "/public/feed.atom",
        f"/public/enterprises/?q={east_enterprise.name}",
        f"/public/enterprises/{east_enterprise.credit_code}/",
        "/api/public/tipoff-outcomes/",
    ]
    officer_gets = [
        "/tipoffs/",
        "/tipoffs/hotline/",
        f"/tipoffs/{tipoff.pk}/",
        f"/tipoffs/{second.pk}/",
        f"/tipoffs/{tipoff.pk}/attachments/{attachment.pk}/",
        "/enforcement/",
        "/enforcement/cases/",
        "/enforcement/cases/export.xlsx",
        f"/enforcement/cases/{case.pk}/",
        f"/enforcement/cases/{case.pk}/archive.zip",
        "/registry/",
        "/disclosure/",
        "/api/tipoffs/",
        f"/api/tipoffs/{tipoff.pk}/",
        f"/api/tipoffs/{tipoff.pk}/events/",
        f"/api/tipoffs/{second.pk}/",
        "/api/cases/",
        f"/api/cases/{case.pk}/",
        f"/api/cases/{case.pk}/events/",
        "/api/notifications/",
    ]
    admin_gets = [
        "/admin/tipoffs/tipoff/",
        f"/admin/tipoffs/tipoff/{tipoff.pk}/change/",
        f"/admin/tipoffs/tipoff/{second.pk}/change/",
        "/admin/tipoffs/tipoffevent/",
        f"/admin/tipoffs/tipoffevent/{tipoff.events.first().pk}/change/",
        "/admin/tipoffs/tipoffattachment/",
        f"/admin/enforcement/case/{case.pk}/change/",
    ]

    seen = 0
    for url in public_gets:
        r = anonymous.get(url)
        assert r.status_code < 500, url
        _assert_clean(url, _texts(r))
        seen += r.status_code == 200
    r = anonymous.post("/public/tipoffs/status/", {"code": code})
    assert r.status_code == 200
    _assert_clean("status page", _texts(r))
    r = anonymous.post("/api/public/tipoff-status/", {"code": code})
    assert r.status_code == 200
    _assert_clean("status API", _texts(r))

    people = [
        county_officer, other_county_officer, power_officer, enterprise_user, city_leader,
        city_auditor, handler, colleague, admin,
    ]  # fmt: skip
    for user in people:
        c = login(Client(), user)
        for url in officer_gets + (admin_gets if user is admin else []):
            r = c.get(url)
            assert r.status_code < 500, (user.username, url)
            _assert_clean(f"{url} as {user.username}", _texts(r))
            seen += r.status_code == 200
        # An act refused or malformed says nothing about the reporter either.
        r = c.post(f"/api/tipoffs/{tipoff.pk}/publish/", {})
        _assert_clean("a refused act", _texts(r))
    assert seen > 60  # the pages were really read, not all refused

    for message in mail.outbox:
        _assert_clean("mail", [message.subject, message.body, str(message.to)])
    assert mail.outbox
    from phaseout.enforcement.models import Notification

    for n in Notification.objects.all():
        _assert_clean("notification", [n.message])

    # Every row of every table, but the encrypted columns themselves.
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not (model is Tipoff and f.attname in IDENTITY_FIELDS)
        ]
        for row in model.objects.values_list(*fields):
            _assert_clean(model._meta.label, [str(row)])

    _assert_clean("logs", [r.getMessage() for r in caplog.records] + [caplog.text])
