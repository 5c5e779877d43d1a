"""Tip-off fixtures: the departments that handle them in 城东区, a handler and an unassigned
colleague, and helpers that submit the public form as a person would (answering the challenge
from its CaptchaStore row, not with a test mode).

The clock is 2026-03-02 09:00 (a Monday) unless a test moves it.
"""

from __future__ import annotations

import io
import re

import pytest
from captcha.models import CaptchaStore
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from phaseout.regions.choices import DepartmentKind, Role
from phaseout.regions.models import Department
from phaseout.tipoffs import services
from tests.conftest import _person
from tests.enforcement.conftest import clock, media  # noqa: F401  (autouse fixtures)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, kind)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


@pytest.fixture
def env_department(jurisdiction):
    return Department.objects.get_or_create(
        region=jurisdiction["east"],
        name="城东区生态环境分局",
        defaults={"kind": DepartmentKind.ECOLOGY_ENVIRONMENT},
    )[0]


@pytest.fixture
def handler(jurisdiction, env_department):
    """The officer of 城东区生态环境分局 named as the handler."""
    user = _person(
        "east_env_handler",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.ECOLOGY_ENVIRONMENT,
        dept_name=env_department.name,
    )
    user.email = "handler@example.gov"
    user.save()
    return user


@pytest.fixture
def colleague(jurisdiction, env_department):
    """Another officer of the same department, not named on the tip-off."""
    return _person(
        "east_env_colleague",
        role=Role.OFFICER,
        region=jurisdiction["east"],
        kind=DepartmentKind.ECOLOGY_ENVIRONMENT,
        dept_name=env_department.name,
    )


def pdf_upload(name="现场.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name="照片.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def receive(region, **overrides):
    values = {
        "region": region,
        "enterprise_name": "城东水泥有限公司",
        "enterprise_address": "城东区工业路1号",
        "description": "夜间仍在使用已列入淘汰类的立窑生产。",
        "anonymous": True,
    }
    values.update(overrides)
    return services.receive(**values)


def challenge(html: str) -> tuple[str, str]:
    """The hashkey the page drew and its answer, read from the store as the image shows it."""
    match = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html)
    assert match, "the form has no challenge"
    key = match[1]
    return key, CaptchaStore.objects.get(hashkey=key).response


def public_form_data(client, region, **overrides) -> dict:
    page = client.get("/public/tipoffs/new/")
    assert page.status_code == 200
    key, answer = challenge(page.content.decode())
    data = {
        "enterprise_name": "城东水泥有限公司",
        "enterprise_address": "城东区工业路1号",
        "region": str(region.pk),
        "description": "夜间仍在使用已列入淘汰类的立窑生产。",
        "anonymous": "1",
        "name": "",
        "phone": "",
        "email": "",
        "captcha_0": key,
        "captcha_1": answer,
    }
    data.update(overrides)
    return data


def submit_public(client, region, **overrides):
    return client.post("/public/tipoffs/new/", public_form_data(client, region, **overrides))


def tracking_code(html: str) -> str:
    match = re.search(r"([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", html)
    assert match, "no tracking code on the page"
    return match[1]


def accept_and_assign(tipoff, *, triager, department, handlers=()):
    services.triage(tipoff, by=triager, accept=True, note="属于工作范围")
    return services.assign(tipoff, by=triager, department=department, handlers=handlers)
